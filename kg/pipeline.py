"""`kg build` end to end: the one place the stages are chained.

Parsing is the only parallel part: articles stream from disk to the engine (this
process, a pool of ``workers`` processes, or a Dask cluster) and back in corpus
order, and unchanged articles come from the per-article cache instead. After that
the build is one sequence in this process, each stage a function of what the
previous one returned::

    resolve → graph → analyze → render → validate → write
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path

from kg.ingest import DEFAULT_MAX_BYTES, Skip, estimated_count, expand_inputs, iter_documents
from kg.model import ArticleResult, ArticleStats, BuildStats
from kg.parallel import articles_per_task, make_engine, ordered_results
from kg.parse import DEFAULT_BATCH_SIZE, parse_documents

log = logging.getLogger(__name__)

__all__ = ["BuildOptions", "build", "extract_corpus", "parse_documents", "OUTPUT_FILES"]

OUTPUT_FILES = ("graph.ttl", "graph.html", "report.md", "analysis.json", "graph.graphml",
                "graph.jsonld", "graph.nt", "report-measures.svg", "report-communities.svg")


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
    batch_size: int = DEFAULT_BATCH_SIZE
    cache_dir: Path | None = None       # default: <out_dir>/.kg-cache
    cache: bool = True                   # False: --no-cache
    dask: str | None = None              # a Dask scheduler address: extraction runs on that cluster
    follow_symlinks: bool = False        # read links that leave the input folders


def build(options: BuildOptions) -> BuildStats:
    """Run the whole build and write the outputs (all or nothing). Returns what it did."""
    from kg import analyze, export, render, report
    from kg.graph import build_graph
    from kg.output_set import write_output_set
    from kg.resolve import resolve
    from kg.validate import validate_unless_known

    started = time.monotonic()
    stats = BuildStats()
    clock = _Clock(started)
    results = extract_corpus(options, stats)
    clock.lap("read, parse and extract")
    if not results:
        stats.seconds = time.monotonic() - started
        return stats
    stats.articles = _article_stats(results)
    corpus = resolve(results)
    del results                     # the per-article records are in the corpus now
    clock.lap("resolve")
    graph = build_graph(corpus)
    del corpus
    clock.lap("graph")
    analysis = analyze.analyze(graph)
    analyze.add_to_graph(graph, analysis)
    clock.lap("analysis")
    outputs = {"graph.html": render.render_html(graph, analysis)}
    clock.lap("page")
    outputs.update(export.serializations(graph, turtle=True))
    outputs.update(report.report_files(graph, analysis, stats))     # report.md and its figures
    outputs["analysis.json"] = analyze.to_json(analysis)
    outputs["graph.graphml"] = analyze.to_graphml(graph, analysis)
    clock.lap("Turtle, N-Triples, JSON-LD, report, analysis.json, GraphML")
    if options.validate:
        stats.validation = validate_unless_known(graph, outputs["graph.nt"], _validation_memo(options))
        clock.lap("validation")
    out = Path(options.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # All or nothing: an interrupted build never leaves a new page beside an old graph.
    written = write_output_set(out, {name: outputs[name] for name in OUTPUT_FILES if name in outputs})
    if written.removed:
        stats.notes.append((str(out), f"removed {len(written.removed)} leftover(s) of an interrupted build: "
                                      + ", ".join(written.removed)))
    clock.lap("write")
    stats.seconds = time.monotonic() - started
    return stats


def extract_corpus(options: BuildOptions, stats: BuildStats) -> list[ArticleResult]:
    """Read, parse and extract every article the inputs name; record skips in ``stats``.

    The results keep their Document without its text (resolution does not read it),
    so memory grows with what was extracted, not with the corpus's text.
    """
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
        engine.warm(_expected_misses(files, cache, options.max_bytes, total))
    per_task = articles_per_task(total, getattr(engine, "slots", 1),
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
        if cache.stats.rejected:
            n = cache.stats.rejected
            stats.notes.append((str(cache.root), f"{n} cache entr{'y' if n == 1 else 'ies'} rejected "
                                                  "(damaged, edited or not kg's); extracted again"))
    return results


def _expected_misses(files: list, cache, max_bytes: int, total: int | None = None) -> int:
    """How many of the ``total`` articles (counted here if not given) the cache will not have
    (a quick look at the files' bytes). A records file holds many articles: without a cache
    every one of them is a miss."""
    if total is None:
        total = estimated_count(files)
    if cache is None or not cache.folder.is_dir():
        return total
    from kg.ingest import raw_sha256

    missing = 0
    for source in files:
        if source.kind in ("jsonl", "csv"):
            return total                      # records are looked up one by one as they are read
        sha = raw_sha256(source, max_bytes)
        if sha is not None and not cache.has(source.doc_id, sha):
            missing += 1
    return missing


def _validation_memo(options: BuildOptions) -> Path | None:
    """Where the last validation's answer is kept (beside the article cache), or None with --no-cache."""
    if not options.cache:
        return None
    from kg.cache import default_cache_dir

    return Path(options.cache_dir or default_cache_dir(options.out_dir)) / "validation.json"


def _open_cache(options: BuildOptions, stats: BuildStats):
    """The article cache for this build (None with --no-cache); sets the model's description."""
    from kg.cache import ArticleCache, cache_context, default_cache_dir, model_identity

    if not options.cache:
        stats.model = model_identity(options.model)[0]
        return None
    stats.model, context = cache_context(options.model, options.date)
    return ArticleCache(options.cache_dir or default_cache_dir(options.out_dir), context)


class _Clock:
    """Logs the seconds each stage took (``kg -v build`` shows them)."""

    def __init__(self, started: float):
        self.last = started

    def lap(self, stage: str) -> None:
        now = time.monotonic()
        log.info("%s: %.2fs", stage, now - self.last)
        self.last = now


def _article_stats(results: list[ArticleResult]) -> list[ArticleStats]:
    return [ArticleStats(doc_id=r.document.doc_id, title=r.document.title,
                         entities=len(r.entities), facts=len(r.facts)) for r in results]
