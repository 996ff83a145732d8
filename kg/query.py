"""``kg query``: read-only SPARQL over a graph file, with Oxigraph as the engine.

The file is bulk-loaded into an in-memory Oxigraph store (much faster than rdflib on
large graphs: see ``bench/bench_query.py``), the query runs with the standard
prefixes and the file's own predeclared, and the answer streams to stdout as an
aligned table or in the W3C SPARQL 1.1 result formats (CSV, TSV, JSON). CONSTRUCT and
DESCRIBE print Turtle (or JSON-LD with ``--format json``). Updates are refused.

Safe by default: the query stays local (``SERVICE`` is refused unless
``--allow-service``), runs in a child process that Ctrl-C, SIGTERM and a time limit
(``--timeout``, default 60 s) stop at once (kg.query_proc), and is checked for names
the graph does not have (kg.query_hints). Named queries and ``--param`` live in
kg.query_named.
"""
from __future__ import annotations

import io
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg import query_hints as hints
from kg.prefixes import Compactor, merged_prefixes, read_turtle_prefixes
from kg.query_hints import is_update, undeclared_prefixes  # noqa: F401 - part of this module's API
from kg.query_named import (QUERIES_DIR, NamedQuery, apply_params, bind_params,  # noqa: F401
                            inline_params, list_text, named_queries, named_query, parameters,
                            parse_param_args)

log = logging.getLogger(__name__)

FORMATS = ("table", "csv", "tsv", "json")
READ_ONLY_MESSAGE = "kg query is read-only: SPARQL updates are refused"
DEFAULT_TIMEOUT = 60.0
TABLE_PREVIEW = 1000        # rows that set the table's column widths; later rows stream with them
SORT_LIMIT = 10_000         # CONSTRUCT results up to this size are printed sorted; larger ones stream

_RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}


def _user_error(message: str, code: int = 2) -> Exception:
    from kg.errors import UserError

    return UserError(message, code)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# ------------------------------------------------------------------ loading

@dataclass
class LoadedGraph:
    """A graph file loaded into an Oxigraph store, with the prefixes to query it by."""

    path: Path
    store: ox.Store
    prefixes: dict[str, str] = field(default_factory=dict)


def _rdf_format(path: Path) -> ox.RdfFormat:
    suffix = path.suffix.lstrip(".").lower()
    if suffix in ("", "ttl", "turtle"):
        return ox.RdfFormat.TURTLE
    fmt = ox.RdfFormat.from_extension(suffix)
    return fmt if fmt is not None else ox.RdfFormat.TURTLE


def load_graph(path: str | os.PathLike) -> LoadedGraph:
    """Bulk-load ``path`` (Turtle, or N-Triples/JSON-LD/... by extension) into a new store.

    Raises ``UserError`` (exit status 2) when the file is missing, unreadable or malformed.
    """
    path = Path(path)
    if not path.exists():
        raise _user_error(f"cannot read {path}: no such file")
    if path.is_dir():
        raise _user_error(f"cannot read {path}: it is a folder, not a graph file")
    fmt = _rdf_format(path)
    try:
        own = read_turtle_prefixes(path) if fmt == ox.RdfFormat.TURTLE else {}
        store = ox.Store()
        store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise _user_error(f"{path} is not valid {fmt.name}: {_one_line(exc)}") from None
    except (OSError, ValueError) as exc:
        raise _user_error(f"cannot read {path}: {_one_line(exc)}") from None
    log.info("loaded %s (%d triples)", path, len(store))
    return LoadedGraph(path=path, store=store, prefixes=merged_prefixes(own))


# ---------------------------------------------------------------- executing

def execute(graph: LoadedGraph, sparql: str, source: str | None = None, params: dict[str, str] | None = None):
    """Run a read-only query; returns Oxigraph's QuerySolutions, QueryBoolean or QueryTriples.

    ``params`` bind the query's parameters (kg.query_named). Raises ``UserError`` for
    an update or a malformed query (``source`` names where the query came from).
    """
    try:
        if not params:
            return graph.store.query(sparql, prefixes=graph.prefixes)
        text, substitutions = bind_params(sparql, params)
        try:
            return graph.store.query(text, prefixes=graph.prefixes, substitutions=substitutions)
        except RuntimeError as exc:
            if "projection" not in str(exc):
                raise
            # Oxigraph substitutes only projected variables (SEP-0007); a parameter used
            # in a subquery gets the value as a literal Oxigraph serializes.
            return graph.store.query(inline_params(sparql, params), prefixes=graph.prefixes)
    except SyntaxError as exc:
        if is_update(sparql):
            raise _user_error(READ_ONLY_MESSAGE) from None
        where = f" in {source}" if source else ""
        raise _user_error(f"malformed query{where}: {hints.syntax_message(sparql, str(exc), graph.prefixes)}") from None
    except (OSError, RuntimeError) as exc:  # evaluation errors (e.g. SERVICE) surface as OSError
        raise _user_error(f"query failed: {_one_line(exc)}") from None


# --------------------------------------------------------------- formatting

def _cell(term, compactor: Compactor) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compactor.label(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return " ".join(term.value.split())
    return str(term)  # quoted triples


class _Tail:
    """A binary stream that passes writes on and remembers the last byte written."""

    def __init__(self, out: BinaryIO):
        self.out, self.last = out, b"\n"

    def flush(self) -> None:
        self.out.flush()

    def write(self, data) -> int:
        data = bytes(data)
        if data:
            self.out.write(data)
            self.last = data[-1:]
        return len(data)


def write_result(result, fmt: str, prefixes: dict[str, str], out: BinaryIO) -> None:
    """Write a query result to the binary stream ``out`` as ``fmt`` (one of ``FORMATS``), as it comes.

    CSV, TSV and JSON stream as the engine yields solutions; a table takes its column
    widths from the first ``TABLE_PREVIEW`` rows; a graph of up to ``SORT_LIMIT`` triples
    is printed sorted (larger ones stream in the engine's order).
    """
    if fmt not in FORMATS:
        raise _user_error(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    tail = _Tail(out)
    if isinstance(result, ox.QueryTriples):
        if fmt in ("csv", "tsv"):
            raise _user_error(f"CONSTRUCT and DESCRIBE give a graph: use --format table (Turtle) or json (JSON-LD), not {fmt}")
        rdf_fmt = ox.RdfFormat.JSON_LD if fmt == "json" else ox.RdfFormat.TURTLE
        first = list(islice(result, SORT_LIMIT))
        if len(first) < SORT_LIMIT:
            triples = sorted(first, key=str)
            text = " ".join(str(t) for t in triples)
            used = {k: v for k, v in sorted(prefixes.items()) if k and f"<{v}" in text}
            ox.serialize(triples, tail, rdf_fmt, prefixes=used)
        else:
            ox.serialize(chain(first, result), tail, rdf_fmt, prefixes={k: v for k, v in prefixes.items() if k})
    elif fmt != "table":
        result.serialize(tail, _RESULT_FORMATS[fmt])
    elif isinstance(result, ox.QueryBoolean):
        tail.write(b"true\n" if bool(result) else b"false\n")
    else:
        _write_table(result, Compactor(prefixes), tail)
    if tail.last != b"\n":
        tail.write(b"\n")


def _write_table(result, compactor: Compactor, out) -> None:
    variables = [v.value for v in result.variables]
    rows = iter(result)
    preview = [[_cell(s[v], compactor) for v in variables] for s in islice(rows, TABLE_PREVIEW)]
    widths = [max([len(v)] + [len(r[i]) for r in preview]) for i, v in enumerate(variables)]

    def line(cells) -> bytes:
        return ("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() + "\n").encode("utf-8")

    out.write(line(variables) + line(["-" * w for w in widths]))
    count = 0
    for row in chain(preview, ([_cell(s[v], compactor) for v in variables] for s in rows)):
        out.write(line(row))
        count += 1
    out.write(f"({count} row{'s' if count != 1 else ''})\n".encode("utf-8"))


def format_result(result, fmt: str, prefixes: dict[str, str]) -> str:
    """Serialize a query result as ``fmt`` (one of ``FORMATS``) into a string."""
    buffer = io.BytesIO()
    write_result(result, fmt, prefixes, buffer)
    return buffer.getvalue().decode("utf-8")


# --------------------------------------------------------------- the command

def run(graph_path: str | os.PathLike, sparql: str, fmt: str = "table",
        params: dict[str, str] | None = None, source: str | None = None) -> str:
    """Load ``graph_path``, run ``sparql`` (with ``params`` bound), return the formatted answer.

    In this process, without a time limit: for programs and tests. ``kg query`` streams
    from a child process instead (:func:`command`).
    """
    if fmt not in FORMATS:
        raise _user_error(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    graph = load_graph(graph_path)
    return format_result(execute(graph, sparql, source, params), fmt, graph.prefixes)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "query",
        help="run a read-only SPARQL query (or a named one) over a graph file",
        description=(
            "Run a read-only SPARQL 1.1 query over GRAPH.ttl with Oxigraph. The prefixes rdf, rdfs, owl, xsd, "
            "skos, dcterms, prov, schema and the graph's own are predeclared. SELECT prints a table "
            "or W3C CSV/TSV/JSON results; ASK prints true or false; CONSTRUCT and DESCRIBE print "
            "Turtle (JSON-LD with --format json). Updates are refused; the query stays on this "
            "machine (SERVICE is refused unless --allow-service) and stops at its time limit."
        ),
    )
    p.add_argument("graph", nargs="?", metavar="GRAPH.ttl", help="the graph file (Turtle; .nt and .jsonld work too)")
    p.add_argument("query_file", nargs="?", metavar="QUERY.rq", help="a file holding the SPARQL query")
    p.add_argument("-e", "--expression", metavar="SPARQL", help="the SPARQL query as text")
    p.add_argument("--name", metavar="NAME", help="run the named query NAME from queries/ (see --list)")
    p.add_argument("--list", action="store_true", help="list the named queries and what each answers")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="set a named query's parameter (repeatable), e.g. --param a=China")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"stop the query after SECONDS (default: {DEFAULT_TIMEOUT:g}; 0 for no limit)")
    p.add_argument("--allow-service", action="store_true",
                   help="let SERVICE clauses send requests to remote SPARQL endpoints (refused by default)")
    p.set_defaults(func=command)


def _read_query_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _user_error(f"cannot read {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _user_error(f"cannot read {path}: {_one_line(exc)}") from None


def _query_of(args) -> tuple[str, str | None]:
    sources = [s for s in (args.query_file, args.expression, args.name) if s is not None]
    if len(sources) != 1:
        raise _user_error("give exactly one query: a QUERY.rq file, -e 'SPARQL' or --name NAME")
    if args.name is not None:
        query = named_query(args.name)
        return query.text, str(query.path)
    if args.expression is not None:
        return args.expression, None
    return _read_query_file(args.query_file), args.query_file


def command(args) -> int:
    if args.list:
        sys.stdout.write(list_text())
        return 0
    if not args.graph:
        raise _user_error("give a graph file: kg query GRAPH.ttl (QUERY.rq | -e SPARQL | --name NAME)")
    sparql, source = _query_of(args)
    params = parse_param_args(args.param)
    if params:
        bind_params(sparql, params)      # unknown names are an error before any work
    if args.timeout < 0 or args.timeout != args.timeout:
        raise _user_error(f"--timeout must be 0 (no limit) or a number of seconds, not {args.timeout:g}")
    graph_path = Path(args.graph)
    if not graph_path.exists():
        raise _user_error(f"cannot read {graph_path}: no such file")
    if graph_path.is_dir():
        raise _user_error(f"cannot read {graph_path}: it is a folder, not a graph file")
    service = hints.service_use(sparql)
    if service and not args.allow_service:
        raise _user_error(f"the query calls a remote SERVICE (line {service[0]}, column {service[1]}): kg query "
                          "stays on this machine unless --allow-service is given")
    fmt = args.format

    def work(out: BinaryIO, warn, clock) -> None:
        prefixes = merged_prefixes(read_turtle_prefixes(graph_path)
                                   if _rdf_format(graph_path) == ox.RdfFormat.TURTLE else {})
        if not service:   # syntax first, on an empty store: no wait for a large graph to load
            clock(True)
            execute(LoadedGraph(graph_path, ox.Store(), prefixes), sparql, source, params)
        clock(False)      # loading the graph does not count against the time limit
        graph = load_graph(graph_path)
        clock(True)
        for warning in hints.diagnose(graph.store, sparql, graph.prefixes, params):
            warn(warning)
        try:
            write_result(execute(graph, sparql, source, params), fmt, graph.prefixes, out)
        except BrokenPipeError:
            raise
        except (OSError, RuntimeError) as exc:   # evaluation errors while streaming (a failing SERVICE)
            raise _user_error(f"query failed: {_one_line(exc)}") from None

    from kg.query_proc import run_stoppable

    limit = args.timeout if 0 < args.timeout < float("inf") else None
    run_stoppable(work, limit, lambda text: print(f"kg query: warning: {text}", file=sys.stderr))
    return 0
