"""`kg build`: argument parsing and the summary lines; the work is kg.pipeline.build."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from kg.ingest import DEFAULT_MAX_BYTES
from kg.vocab import ARTICLES_DIR

DEFAULT_INPUT = ARTICLES_DIR


def check_date(value: str) -> str:
    """``value`` if it is a real calendar date written YYYY-MM-DD; else a UserError (one line, exit 2)."""
    import datetime

    from kg.errors import UserError

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise UserError(f"--date {value!r} is not a date written YYYY-MM-DD")
    try:
        datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise UserError(f"--date {value} is not a real calendar date ({exc})") from None
    return value


def check_out(out: Path) -> None:
    """The output folder can be one: not an existing file (checked before any work)."""
    from kg.errors import UserError

    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file, not a folder: name a folder for the outputs")
    parent = next((p for p in [out, *out.parents] if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise UserError(f"--out {out}: {parent} is a file, not a folder")


def _cores() -> int:
    """The cores this process may use (respects CPU affinity and container limits where visible)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _size(value: str) -> int:
    """A byte count: 5000000, 500k, 64M or 1G (powers of 1024)."""
    import argparse

    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)[bB]?\s*", value)
    if not m or int(m.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a size in bytes (e.g. 5000000, 500k, 64M, 1G)")
    return int(m.group(1)) * 1024 ** " KMG".index(m.group(2).upper() or " ")


def skip_kinds(counts: dict[str, int]) -> str:
    """" (not English: 3, malformed record: 1)": the skips counted by kind of reason, most first."""
    if not counts:
        return ""
    return " (" + ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) + ")"


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
    p.add_argument("--workers", type=int, default=_cores(), metavar="N",
                   help="processes for parsing and extraction; the output is the same for any N "
                        "(default: the machine's cores, here %(default)s)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="run extraction on the Dask cluster whose scheduler is at ADDRESS "
                        "(e.g. tcp://host:8786); the graph is merged and written here. Needs the optional "
                        "extra: pip install 'kg[dask]' (see docs/scaling.md)")
    p.add_argument("--cache-dir", type=Path, metavar="DIR",
                   help="incremental-build cache: unchanged articles are not parsed again (default: OUT/.kg-cache)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the incremental-build cache")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="the articles' date, for relative dates such as 'Thursday'")
    p.add_argument("--max-bytes", type=_size, default=DEFAULT_MAX_BYTES, metavar="N",
                   help=f"skip (and report) files larger than N bytes; k, M, G suffixes allowed "
                        f"(default: {DEFAULT_MAX_BYTES // 1024 ** 2}M)")
    p.add_argument("--follow-symlinks", action="store_true",
                   help="read symbolic links that lead outside the input folders (by default reported and skipped)")
    p.add_argument("--no-validate", action="store_true", help="do not run the SHACL shapes after writing")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    p.set_defaults(func=command)


def command(args) -> int:
    # Options first, before the heavy imports and any reading: a mistake is one line at once.
    if args.date is not None:
        check_date(args.date)
    check_out(args.out)
    from kg.errors import EngineError, ModelError, UserError
    from kg.pipeline import BuildOptions, build

    inputs = [str(i) for i in args.inputs] or [str(DEFAULT_INPUT)]
    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    options = BuildOptions(
        inputs=inputs, out_dir=args.out, model=args.model, workers=args.workers, date=args.date,
        max_bytes=args.max_bytes, quiet=args.quiet, validate=not args.no_validate,
        cache_dir=args.cache_dir, cache=not args.no_cache, dask=args.dask, follow_symlinks=args.follow_symlinks,
    )
    try:
        stats = build(options)
    except (ModelError, EngineError) as exc:
        raise UserError(str(exc)) from None
    for path, note in stats.notes:
        print(f"kg build: {path}: {note}", file=sys.stderr)
    for path, reason in stats.skipped:
        print(f"kg build: skipped {path}: {reason}", file=sys.stderr)
    built = len(stats.articles)
    if not built:
        print(f"kg build: error: nothing built: 0 articles, {len(stats.skipped)} skipped; "
              f"nothing written to {args.out}", file=sys.stderr)
        return 1
    validation = stats.validation
    if validation is not None:
        conforms, messages = validation
        if conforms:
            if not args.quiet:
                print("kg build: validated graph.ttl against ontology/shapes.ttl: conforms", file=sys.stderr)
        else:
            print(f"kg build: graph.ttl does not conform to ontology/shapes.ttl ({len(messages)} violations):",
                  file=sys.stderr)
            for m in messages[:20]:
                print(f"  {m}", file=sys.stderr)
    if not args.quiet:
        print(f"kg build: {built} article{'s' if built != 1 else ''} built, {len(stats.skipped)} skipped"
              f"{skip_kinds(stats.skipped_by_kind)}, "
              f"in {stats.seconds:.1f}s "
              f"(model: {stats.model}); wrote {args.out}/graph.ttl, graph.html, report.md")
    return 0
