"""Extraction on a Dask cluster (a LocalCluster of two worker processes) gives the local build's bytes."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg import distributed as kgdist
from kg.model import BuildStats
from kg.errors import EngineError
from kg.pipeline import BuildOptions, build, extract_corpus

CORPUS = Path(__file__).parent / "corpus" / "articles"


@pytest.fixture(scope="module")
def cluster():
    LocalCluster = pytest.importorskip("distributed", reason="the dask extra is not installed").LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as c:
        yield c


def articles(tmp_path: Path, n_copies: int = 1) -> Path:
    dst = tmp_path / "articles"
    dst.mkdir()
    for path in sorted(CORPUS.glob("*.txt")):
        for k in range(n_copies):
            shutil.copy(path, dst / (path.name if k == 0 else f"{path.stem}_copy{k}.txt"))
    return dst


def graph(src: Path, out: Path, **kw) -> bytes:
    build(BuildOptions(inputs=[str(src)], out_dir=out, validate=False, quiet=True, **kw))
    return (out / "graph.ttl").read_bytes()


@pytest.mark.model
@pytest.mark.slow
def test_dask_build_is_byte_identical_to_a_local_build(tmp_path, cluster):
    src = articles(tmp_path, n_copies=2)
    local = graph(src, tmp_path / "local", workers=1, cache=False)
    on_dask = graph(src, tmp_path / "dask", dask=cluster.scheduler_address, cache=False)
    assert on_dask == local
    # Both workers took part: the pipeline was built in each worker process.
    loaded = cluster_pipelines(cluster)
    assert len(loaded) == 2 and all(loaded.values())


def cluster_pipelines(cluster) -> dict:
    from distributed import Client

    def pipelines_built():
        from kg.parallel import worker_pipeline

        return worker_pipeline.cache_info().currsize

    with Client(cluster.scheduler_address, set_as_default=False) as client:
        return client.run(pipelines_built)


@pytest.mark.model
@pytest.mark.slow
def test_dask_build_fills_the_cache_and_a_cached_rebuild_ships_nothing(tmp_path, cluster, monkeypatch):
    src = articles(tmp_path)
    out = tmp_path / "out"
    first = graph(src, out, dask=cluster.scheduler_address)
    entries = [p for p in (out / ".kg-cache").rglob("*.json") if p.parent.parent != out]   # one per article
    assert len(entries) == 10

    def no_submit(self, documents):
        raise AssertionError("an article was sent to the cluster")

    monkeypatch.setattr(kgdist.DaskEngine, "submit", no_submit)
    assert graph(src, out, dask=cluster.scheduler_address) == first


@pytest.mark.model
def test_workers_with_other_kg_code_are_refused(tmp_path, cluster, monkeypatch):
    real = kgdist.fingerprint
    here = os.getpid()

    def fingerprint(model):               # defined here: shipped by value, so it runs as written on workers
        found = real(model)
        if os.getpid() != here:
            found = dict(found, code="something else")
        return found

    monkeypatch.setattr(kgdist, "fingerprint", fingerprint)
    with pytest.raises(EngineError, match="different kg code"):
        extract_corpus(BuildOptions(inputs=[str(articles(tmp_path))], out_dir=tmp_path / "o",
                                    dask=cluster.scheduler_address, cache=False), BuildStats())


def test_unreachable_scheduler_is_one_clear_error(tmp_path, monkeypatch, capsys):
    from kg.cli import main

    monkeypatch.setattr(kgdist, "CONNECT_TIMEOUT", "1s")
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Japan restricts gallium exports\n\nJapan said on Monday it would restrict exports.\n")
    code = main(["build", str(src), "--out", str(tmp_path / "out"), "--dask", "tcp://127.0.0.1:9", "--no-cache"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("kg build: error: cannot connect to the Dask scheduler at tcp://127.0.0.1:9")
    assert "Traceback" not in "\n".join(err)


def test_dask_without_the_extra_is_one_line_naming_it(tmp_path, monkeypatch, capsys):
    import sys

    from kg.cli import main

    monkeypatch.setitem(sys.modules, "distributed", None)       # as if not installed: import fails
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Ministers met in Oslo on Monday.", encoding="utf-8")
    code = main(["build", str(src), "--out", str(tmp_path / "out"), "--dask", "tcp://127.0.0.1:1", "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == "kg build: error: --dask needs Dask, an optional extra: pip install 'kg[dask]'\n"
