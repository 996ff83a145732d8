"""`kg build`: argument parsing and the summary lines; the work is kg.pipeline.build."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from kg.ingest import DEFAULT_MAX_BYTES
from kg.vocab import ROOT

DEFAULT_INPUT = ROOT / "data" / "articles"


def _date(value: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        import argparse

        raise argparse.ArgumentTypeError(f"{value!r} is not a date as YYYY-MM-DD")
    return value


def add_parser(sub) -> None:
    p = sub.add_parser(
        "build",
        help="build the graph, page and report from articles",
        description="Build output/graph.ttl, graph.html and report.md (plus analysis.json, graph.graphml, "
                    "graph.jsonld, graph.nt) from English news articles.",
    )
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="article files and folders (default: the bundled data/articles/)")
    p.add_argument("--out", type=Path, default=Path("output"), metavar="DIR", help="output folder (default: output/)")
    p.add_argument("--model", metavar="NAME", help="spaCy model to load (default: en_core_web_sm, then its copy)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="processes for parsing (default: the machine's cores)")
    p.add_argument("--date", type=_date, metavar="YYYY-MM-DD",
                   help="the articles' date, for relative dates such as 'Thursday'")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, metavar="N",
                   help=f"skip files larger than this (default: {DEFAULT_MAX_BYTES})")
    p.add_argument("--no-validate", action="store_true", help="do not run the SHACL shapes after writing")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    p.set_defaults(func=command)


def command(args) -> int:
    from kg.cli import UserError
    from kg.nlp import ModelError
    from kg.pipeline import BuildOptions, build

    inputs = [str(i) for i in args.inputs] or [str(DEFAULT_INPUT)]
    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    options = BuildOptions(
        inputs=inputs, out_dir=args.out, model=args.model, workers=args.workers, date=args.date,
        max_bytes=args.max_bytes, quiet=args.quiet, validate=not args.no_validate,
    )
    try:
        stats = build(options)
    except ModelError as exc:
        raise UserError(str(exc)) from None
    for path, reason in stats.skipped:
        print(f"kg build: skipped {path}: {reason}", file=sys.stderr)
    built = len(stats.articles)
    if not built:
        print(f"kg build: error: nothing built: 0 articles, {len(stats.skipped)} skipped", file=sys.stderr)
        return 1
    validation = getattr(stats, "extra_validation", None)
    if validation is not None:
        conforms, messages = validation
        if conforms:
            print("kg build: validated graph.ttl against ontology/shapes.ttl: conforms", file=sys.stderr)
        else:
            print(f"kg build: graph.ttl does not conform to ontology/shapes.ttl ({len(messages)} violations):",
                  file=sys.stderr)
            for m in messages[:20]:
                print(f"  {m}", file=sys.stderr)
    if not args.quiet:
        print(f"kg build: {built} articles built, {len(stats.skipped)} skipped, in {stats.seconds:.1f}s "
              f"(model: {stats.model}); wrote {args.out}/graph.ttl, graph.html, report.md")
    return 0
