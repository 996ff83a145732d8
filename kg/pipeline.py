"""`kg build` end to end: the one place the stages are chained.

ingest → parse (spaCy, streamed paragraph by paragraph) → extract → resolve →
graph → analyze → outputs. Documents and Docs are streamed: only the small
per-article results are kept until resolution.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from kg.extract.article import extract_article, paragraphs
from kg.ingest import DEFAULT_MAX_BYTES, Skip, expand_inputs, iter_documents
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
    cache_dir: Path | None = None
    dask: str | None = None
    extra: dict = field(default_factory=dict)


def parse_documents(nlp, documents: Iterable[Document], batch_size: int = 64) -> Iterator[ArticleResult]:
    """Parse the paragraphs of each document in one spaCy stream; yield each article's result in order."""
    pending: list[Document] = []

    def stream():
        for index, document in enumerate(documents):
            pending.append(document)
            for offset, text in paragraphs(document):
                yield text, (index, offset)

    current, parsed = None, []
    for doc, (index, offset) in nlp.pipe(stream(), as_tuples=True, batch_size=batch_size):
        if current is not None and index != current:
            while pending and pending[0] is not None and id(pending[0]) != id(_doc_at(pending, current)):
                break
            yield extract_article(pending.pop(0), parsed)
            parsed = []
        current = index
        parsed.append((offset, doc))
    if parsed:
        yield extract_article(pending.pop(0), parsed)


def _doc_at(pending, _index):
    return pending[0] if pending else None


def extract_corpus(options: BuildOptions, stats: BuildStats) -> list[ArticleResult]:
    """Read, parse and extract every article the inputs name; record skips in ``stats``."""
    from kg.nlp import build_pipeline

    files, skips = expand_inputs(options.inputs)
    stats.skipped.extend((s.path, s.reason) for s in skips)

    def documents():
        for item in iter_documents(files, options.max_bytes, options.date):
            if isinstance(item, Skip):
                stats.skipped.append((item.path, item.reason))
                log.warning("skipped %s: %s", item.path, item.reason)
                continue
            for note in item.notes:
                stats.notes.append((item.path, note))
                log.warning("%s: %s", item.path, note)
            yield item

    nlp, stats.model = build_pipeline(options.model)
    return list(parse_documents(nlp, documents(), options.batch_size))


def build(options: BuildOptions) -> BuildStats:
    """Run the whole build and write the outputs (atomically). Returns what it did."""
    from kg import analyze, export, render, report
    from kg.graph import build_graph, to_turtle
    from kg.io import write_atomic
    from kg.resolve import resolve

    started = time.monotonic()
    stats = BuildStats()
    results = extract_corpus(options, stats)
    if not results:
        stats.seconds = time.monotonic() - started
        return stats
    corpus = resolve(results)
    graph = build_graph(corpus)
    stats.articles = _article_stats(results, corpus)
    analysis = analyze.analyze(graph)
    analyze.add_to_graph(graph, analysis)
    out = Path(options.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    turtle = to_turtle(graph)
    stats.seconds = time.monotonic() - started
    outputs = {
        "graph.html": render.render_html(graph, analysis),
        "report.md": report.render_report(graph, analysis, stats),
        "analysis.json": analyze.to_json(analysis),
        "graph.graphml": analyze.to_graphml(graph, analysis),
    }
    for name, text in outputs.items():
        write_atomic(out / name, text)
    export.write_serializations(graph, out)
    write_atomic(out / "graph.ttl", turtle)
    if options.validate:
        from kg.validate import validate_graph

        conforms, messages = validate_graph(graph)
        stats.extra_validation = (conforms, messages)
    return stats


def _article_stats(results: list[ArticleResult], corpus) -> list[ArticleStats]:
    out = []
    for r in results:
        out.append(ArticleStats(
            doc_id=r.document.doc_id, title=r.document.title,
            entities=len(r.entities), facts=len(r.facts),
        ))
    return out
