"""`kg build` end to end: the one place the stages are chained.

ingest → parse (spaCy, streamed paragraph by paragraph) → extract → resolve →
graph → analyze → outputs. Documents and Docs are streamed: only the small
per-article results are kept until resolution.
"""
from __future__ import annotations

import gc
import logging
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.extract.article import extract_article, paragraphs
from kg.ingest import DEFAULT_MAX_BYTES, Skip, estimated_count, expand_inputs, iter_documents
from kg.model import ArticleResult, ArticleStats, BuildStats, Document

log = logging.getLogger(__name__)

OUTPUT_FILES = ("graph.ttl", "graph.html", "report.md", "analysis.json", "graph.graphml",
                "graph.jsonld", "graph.nt")


@dataclass
class BuildOptions:
    inputs: list[str]
    out_dir: Path
    model: str | None = None
    workers: int = 1
    date: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    quiet: bool = False
    validate: bool = True
    batch_size: int = 64
    cache_dir: Path | None = None       # default: <out_dir>/.kg-cache
    cache: bool = True                   # False: --no-cache
    dask: str | None = None              # a Dask scheduler address: extraction runs on that cluster
    follow_symlinks: bool = False        # read links that leave the input folders
    extra: dict = field(default_factory=dict)


def parse_documents(nlp, documents: Iterable[Document], batch_size: int = 64) -> Iterator[ArticleResult]:
    """Parse the paragraphs of each document in one spaCy stream; yield each article's result in order.

    Documents are read lazily and each paragraph's Doc is let go as soon as the extractor
    has read it, so memory holds one spaCy batch, not the corpus nor a whole long article.
    """
    pending: deque[tuple[int, Document]] = deque()

    def stream():
        for index, document in enumerate(documents):
            pending.append((index, document))
            for offset, text in paragraphs(document):
                yield text, (index, offset)

    parsed = nlp.pipe(stream(), as_tuples=True, batch_size=batch_size)
    look = next(parsed, None)

    def docs_of(index: int):
        """The article's (offset, Doc) pairs, pulled from the shared stream one at a time."""
        nonlocal look
        while look is not None and look[1][0] == index:
            doc, (_, offset) = look
            look = next(parsed, None)
            yield offset, doc

    # A document enters ``pending`` before its paragraphs enter the stream, so every
    # parsed paragraph's article is waiting there; one without paragraphs gets no Docs.
    while pending:
        index, document = pending.popleft()
        yield extract_article(document, docs_of(index))


def extract_corpus(options: BuildOptions, stats: BuildStats,
                   engine_started: Callable[[], None] | None = None) -> list[ArticleResult]:
    """Read, parse and extract every article the inputs name; record skips in ``stats``.

    ``engine_started`` is called once the workers have been started (a build preloads
    its later stages' imports then, so that they do not hold up the workers' start).

    Articles stream from disk to the engine (this process, a pool of
    ``options.workers`` processes, or the Dask cluster at ``options.dask``)
    and back in corpus order; unchanged articles come from the cache. The
    results keep their Document without its text (resolution does not read it).
    """
    from kg.parallel import articles_per_task, make_engine, ordered_results
    from kg.progress import Progress, wanted

    files, skips = expand_inputs(options.inputs, options.follow_symlinks)
    for s in skips:
        stats.skip(s.path, s.reason, s.kind)
    total = estimated_count(files)
    bar = Progress(total=total, enabled=wanted(options.quiet) and total > 1)

    cache = _open_cache(options, stats)

    def documents():
        reuse = cache.reuse if cache is not None else None
        for item in iter_documents(files, options.max_bytes, options.date, reuse):
            if isinstance(item, Skip):
                stats.skip(item.path, item.reason, item.kind)
                log.info("skipped %s: %s", item.path, item.reason)  # build_cmd prints the one line
                bar.update(1)
                continue
            for note in item.notes:
                stats.notes.append((item.path, note))
                log.info("%s: %s", item.path, note)  # build_cmd prints the one line
            yield item

    engine = make_engine(options.workers, options.model, options.batch_size, options.dask)
    if hasattr(engine, "warm"):
        engine.warm(_expected_misses(files, cache, options.max_bytes))
    if engine_started is not None:
        engine_started()
    per_task = articles_per_task(len(files), getattr(engine, "slots", 1),
                                 upper=32 if options.workers <= 1 and not options.dask else 8)

    def on_model(desc: str) -> None:
        stats.model = desc

    results: list[ArticleResult] = []
    ok = False
    try:
        with bar:
            for result in ordered_results(documents(), engine, cache, per_task, on_model):
                results.append(replace(result, document=replace(result.document, text="")))
                bar.update(1)
        ok = True
    finally:
        engine.close(cancel=not ok)
    if cache is not None:
        log.info("cache %s: %d articles reused, %d extracted", cache.root, cache.stats.hits, cache.stats.misses)
    return results


def _expected_misses(files: list, cache, max_bytes: int) -> int:
    """How many articles the cache will not have (a quick look at the files' bytes)."""
    if cache is None or not cache.folder.is_dir():
        return len(files)
    from kg.ingest import raw_sha256

    missing = 0
    for source in files:
        if source.kind in ("jsonl", "csv"):
            return estimated_count(files)     # records are looked up one by one as they are read
        sha = raw_sha256(source, max_bytes)
        if sha is not None and not cache.has(source.doc_id, sha):
            missing += 1
    return missing


def _open_cache(options: BuildOptions, stats: BuildStats):
    """The article cache for this build (None with --no-cache); sets the model's description."""
    from kg.cache import ArticleCache, cache_context, default_cache_dir, model_identity

    if not options.cache:
        stats.model = model_identity(options.model)[0]
        return None
    stats.model, context = cache_context(options.model, options.date)
    return ArticleCache(options.cache_dir or default_cache_dir(options.out_dir), context)


def build(options: BuildOptions) -> BuildStats:
    """Run the whole build and write the outputs (atomically). Returns what it did.

    After extraction, with more than one worker, the serializations and the SHACL
    validation run in forked children (kg.forked) while this process computes the
    analysis and draws the page.
    """
    with fewer_collections():
        return _build(options)


# A build allocates millions of small objects that live to its end (rdflib terms, index
# dicts, records). With Python's default thresholds (a young collection every 700
# allocations) the cyclic garbage collector walks them again and again: a third of the
# time of a rebuild after one new article. These thresholds make collections rarer (a
# young one every 100,000 allocations, an old one more seldom); garbage in reference
# cycles is still collected, a little later.
GC_THRESHOLDS = (100_000, 50, 100)


@contextmanager
def fewer_collections(thresholds: tuple[int, int, int] = GC_THRESHOLDS):
    """Run the enclosed code with the garbage collector's thresholds raised; restore them after."""
    before = gc.get_threshold()
    gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _build(options: BuildOptions) -> BuildStats:
    from kg import analyze, forked, render
    from kg.graph import build_graph
    from kg.io import write_outputs
    from kg.resolve import resolve

    started = time.monotonic()
    stats = BuildStats()
    clock = _Clock(started)
    # The later stages' libraries load while extraction mostly waits on its workers.
    results = extract_corpus(options, stats, engine_started=lambda: threading.Thread(
        target=_import_later_stages, name="kg-preload", daemon=True).start())
    clock.lap("read, parse and extract")
    if not results:
        stats.seconds = time.monotonic() - started
        return stats
    corpus = resolve(results)
    clock.lap("resolve")
    graph = build_graph(corpus)
    stats.articles = _article_stats(results, corpus)
    clock.lap("graph")
    out = Path(options.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # With two or more workers, two forked children take the graph as it is now: one
    # converts it for the RDF files, one validates it. When this process has the
    # analysis it sends it to both: the first writes the analysis's triples, the report,
    # analysis.json and GraphML; the second validates with the analysis's triples; this
    # process meanwhile draws the page. With one worker the same jobs run here in turn.
    parallel = options.workers > 1
    files_job = forked.start(lambda receive: _files(graph, stats, receive), use_fork=parallel, receives=True)
    check_job = (forked.start(lambda receive: _validation(graph, options, receive), use_fork=parallel,
                              receives=True) if options.validate else None)
    try:
        analysis = analyze.analyze(graph)
        numbers = analyze.analysis_triples(analysis)
        files_job.send(replace(analysis, support=None))   # the evidence is not needed there
        if check_job is not None:
            check_job.send(numbers)
        analyze.add_to_graph(graph, analysis, numbers)
        clock.lap("analysis")
        outputs = {"graph.html": render.render_html(graph, analysis)}
        clock.lap("page")
        outputs.update(files_job.result())
        clock.lap("Turtle, N-Triples, JSON-LD, report, analysis.json, GraphML"
                  + (" (waited for)" if files_job.forked else ""))
        validation = check_job.result() if check_job is not None else None
        if check_job is not None:
            clock.lap("validation" + (" (waited for)" if check_job.forked else ""))
    finally:
        files_job.cancel()
        if check_job is not None:
            check_job.cancel()
    # All or nothing: an interrupted build never leaves a new page beside an old graph.
    write_outputs({out / name: outputs[name] for name in OUTPUT_FILES if name in outputs})
    clock.lap("write")
    if validation is not None:
        stats.validation = validation
    stats.seconds = time.monotonic() - started
    return stats


def _files(graph, stats: BuildStats, receive) -> dict[str, str]:
    """The RDF files, the report, analysis.json and GraphML; ``receive()`` gives the Analysis.

    The graph's conversion for the RDF files starts before the analysis is there.
    """
    from kg import analyze, export, report

    got = {}

    def numbers() -> list:
        got["analysis"] = receive()
        return analyze.analysis_triples(got["analysis"])

    files = export.serializations(graph, turtle=True, receive=numbers)
    analysis = got["analysis"]
    files["report.md"] = report.render_report(graph, analysis, stats)
    files["analysis.json"] = analyze.to_json(analysis)
    files["graph.graphml"] = analyze.to_graphml(graph, analysis)
    return files


def _validation(graph, options: BuildOptions, receive) -> tuple[bool, list[str]]:
    """The graph with the analysis's triples (``receive()``) checked against the SHACL shapes,
    reusing earlier results (kg.validate_cache)."""
    from kg.validate import validate_graph

    graph.update(receive())     # in a forked child its own copy; here they are there already
    return validate_graph(graph, cache_path=_validation_cache(options))


def _validation_cache(options: BuildOptions) -> Path | None:
    """Where validation results are kept between builds (beside the article cache), or None."""
    if not options.cache:
        return None
    from kg.cache import default_cache_dir

    return Path(options.cache_dir or default_cache_dir(options.out_dir)) / "validation.json"


def _import_later_stages() -> None:
    import importlib

    for name in ("scipy.sparse", "networkx.algorithms.community", "kg.analyze", "kg.render", "kg.report",
                 "kg.export", "pyshacl", "kg.validate_cache"):
        try:
            importlib.import_module(name)
        except Exception:  # the stage that needs it reports the problem
            pass


class _Clock:
    """Logs the seconds each stage took (``kg -v build`` shows them)."""

    def __init__(self, started: float):
        self.last = started

    def lap(self, stage: str) -> None:
        now = time.monotonic()
        log.info("%s: %.2fs", stage, now - self.last)
        self.last = now


def _article_stats(results: list[ArticleResult], corpus) -> list[ArticleStats]:
    out = []
    for r in results:
        out.append(ArticleStats(
            doc_id=r.document.doc_id, title=r.document.title,
            entities=len(r.entities), facts=len(r.facts),
        ))
    return out
