"""Stopping a build half-way (SIGINT, SIGTERM) leaves the previous outputs whole and no temporary files.

A synthetic corpus (shared/tools/make_corpus.py) makes the build last long enough
to be stopped while it parses: the signal is sent as soon as the first article's
result lands in the build cache, i.e. once parsing has begun.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE_CORPUS = ROOT.parent / "shared" / "tools" / "make_corpus.py"
KG_SCRIPT = Path(sys.executable).with_name("kg")
KG = [str(KG_SCRIPT)] if KG_SCRIPT.exists() else [sys.executable, "-m", "kg.cli"]
DOCS = 400

pytestmark = [
    pytest.mark.model,
    pytest.mark.slow,         # each case builds a 400-article corpus: well over 10 s
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
    pytest.mark.skipif(not MAKE_CORPUS.exists(), reason="needs shared/tools/make_corpus.py"),
]

PREVIOUS = {
    "graph.ttl": b"@prefix kg: <https://w3id.org/kg-news/ontology#> .\n\n"
                 b"<https://w3id.org/kg-news/id/country/japan> a kg:Country .\n",
    "graph.html": b"<!DOCTYPE html><title>previous</title>\n",
    "report.md": b"# The previous report\n",
    "analysis.json": b"{}\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("big") / "articles"
    subprocess.run([sys.executable, str(MAKE_CORPUS), "--docs", str(DOCS), "--out", str(folder), "--seed", "7"],
                   check=True, capture_output=True, timeout=300)
    assert len(list(folder.glob("*.txt"))) == DOCS
    return folder


def _parsing_started(out: Path) -> bool:
    cache = out / ".kg-cache"
    return cache.is_dir() and any(p.is_file() and not p.name.endswith(".tmp") for p in cache.rglob("*"))


def _alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.mark.parametrize("signum, whole_group, workers", [
    (signal.SIGINT, True, "1"),     # Ctrl-C in a terminal: every process of the group gets it
    (signal.SIGTERM, False, "1"),   # kill PID
    (signal.SIGINT, True, "2"),     # the same with a pool of parsing processes
    (signal.SIGTERM, False, "2"),
    (signal.SIGTERM, True, "2"),    # a service manager stopping the whole group
], ids=["SIGINT-group-1", "SIGTERM-pid-1", "SIGINT-group-2", "SIGTERM-pid-2", "SIGTERM-group-2"])
def test_stopped_build_keeps_previous_outputs(corpus, tmp_path, signum, whole_group, workers):
    out = tmp_path / "out"
    out.mkdir()
    for name, data in PREVIOUS.items():
        (out / name).write_bytes(data)
    proc = subprocess.Popen([*KG, "build", str(corpus), "--out", str(out), "--workers", workers, "--no-validate"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while not _parsing_started(out):
            assert proc.poll() is None, f"the build ended before it could be stopped: {proc.communicate()}"
            assert time.monotonic() < deadline, "parsing never started"
            time.sleep(0.05)
        if whole_group:
            os.killpg(proc.pid, signum)
        else:
            os.kill(proc.pid, signum)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stderr = stderr.decode("utf-8", "replace")
    assert proc.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines()[-1] == (
        f"kg build: interrupted ({signal.Signals(signum).name}); previous outputs left as they were")
    for name, data in PREVIOUS.items():
        assert (out / name).read_bytes() == data, f"{name} changed"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(PREVIOUS)
    left = [str(p.relative_to(out)) for p in out.rglob("*.tmp")]
    assert left == [], f"temporary files left behind in {out}: {left}"
    gone_by = time.monotonic() + 15
    while _alive(proc.pid) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert not _alive(proc.pid), "worker processes outlived the build"


def test_finished_build_after_an_interrupted_one(corpus, tmp_path):
    """The stop leaves nothing in the way: the next build over the same folder completes."""
    small = tmp_path / "small"
    small.mkdir()
    for path in sorted(corpus.glob("*.txt"))[:3]:
        (small / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    proc = subprocess.Popen([*KG, "build", str(small), "--out", str(out), "--workers", "1", "--no-validate"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=120)
    # a SIGTERM that lands before kg has installed its handler (Python still starting) kills it
    # outright: a stop at that instant must not get in the next build's way either
    assert proc.returncode in (0, 128 + signal.SIGTERM, -signal.SIGTERM)
    done = subprocess.run([*KG, "build", str(small), "--out", str(out), "--workers", "1", "--no-validate"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (out / "graph.ttl").read_bytes().startswith(b"@prefix")
    assert [str(p) for p in out.rglob("*.tmp")] == []
