"""``kg query``: read-only SPARQL over a graph file, with Oxigraph as the engine.

The file is bulk-loaded into an in-memory Oxigraph store (much faster than rdflib on
large graphs: see ``bench/bench_query.py``), the query runs with the standard
prefixes and the file's own predeclared, and the answer is printed as an aligned
table or in the W3C SPARQL 1.1 result formats (CSV, TSV, JSON). CONSTRUCT and
DESCRIBE print Turtle (or JSON-LD with ``--format json``). Updates are refused.

Named queries live in ``queries/*.rq``, each opening with a comment saying what it
answers. Their parameters are variables bound to one string constant, by
``BIND("default" AS ?name)`` or ``VALUES ?name { "default" }``; ``--param name=value``
replaces the constant.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.prefixes import Compactor, merged_prefixes, read_turtle_prefixes
from kg.vocab import QUERIES_DIR

log = logging.getLogger(__name__)

FORMATS = ("table", "csv", "tsv", "json")
READ_ONLY_MESSAGE = "kg query is read-only: SPARQL updates are refused"

_RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}
_UPDATE_KEYWORDS = {"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"}
# A parameter: a variable bound to one string constant, by ``BIND("default" AS ?name)`` or
# ``VALUES ?name { "default" }`` (or ``{ UNDEF }``, meaning any value).
_STRING = r'"(?:[^"\\\n]|\\.)*"'
_PARAM_RE = re.compile(
    rf'VALUES\s+\?(?P<vname>\w+)\s*\{{\s*(?P<vdefault>{_STRING}|UNDEF)\s*\}}'
    rf'|BIND\s*\(\s*(?P<bdefault>{_STRING})\s+AS\s+\?(?P<bname>\w+)\s*\)',
    re.IGNORECASE,
)


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

def _strip_noise(sparql: str) -> str:
    """The query text without IRIs, string literals and comments (for keyword sniffing)."""
    token = re.compile(r'<[^<>\s]*>|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
    return token.sub(" ", sparql)


def is_update(sparql: str) -> bool:
    """Whether ``sparql`` reads as a SPARQL Update (its first keyword after the prologue)."""
    text = _strip_noise(sparql)
    text = re.sub(r"(?i)\b(PREFIX\s+[\w.-]*:|BASE)\s*", " ", text)
    words = re.findall(r"[A-Za-z]+", text)
    return bool(words) and words[0].lower() in _UPDATE_KEYWORDS


def undeclared_prefixes(sparql: str, prefixes: dict[str, str]) -> list[str]:
    """Prefixes used in ``sparql`` that neither it nor ``prefixes`` declare (a hint for errors)."""
    text = _strip_noise(sparql)
    declared = set(prefixes) | set(re.findall(r"(?i)\bPREFIX\s+([\w.-]*):", text))
    used = re.findall(r"(?<![\w?$:.-])([A-Za-z][\w.-]*):(?=[\w(])", text)
    return sorted({p for p in used if p not in declared and p.lower() not in ("prefix", "base")})


def execute(graph: LoadedGraph, sparql: str, source: str | None = None):
    """Run a read-only query; returns Oxigraph's QuerySolutions, QueryBoolean or QueryTriples.

    Raises ``UserError`` for an update or a malformed query (``source`` names where
    the query came from, for the message).
    """
    try:
        return graph.store.query(sparql, prefixes=graph.prefixes)
    except SyntaxError as exc:
        if is_update(sparql):
            raise _user_error(READ_ONLY_MESSAGE) from None
        where = f" in {source}" if source else ""
        detail = re.sub(r"^error at (\d+):(\d+):", r"line \1, column \2:", _one_line(exc))
        undeclared = undeclared_prefixes(sparql, graph.prefixes)
        if undeclared:
            detail += f" (prefix {', '.join(p + ':' for p in undeclared)} is not declared)"
        raise _user_error(f"malformed query{where}: {detail}") from None
    except OSError as exc:  # evaluation errors (e.g. SERVICE) surface as OSError
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


def render_table(variables: list[str], rows: list[list[str]]) -> str:
    """Aligned columns with a header rule and a row count."""
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(variables)]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(variables), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def format_result(result, fmt: str, prefixes: dict[str, str]) -> str:
    """Serialize a query result as ``fmt`` (one of ``FORMATS``)."""
    if fmt not in FORMATS:
        raise _user_error(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if isinstance(result, ox.QueryTriples):
        if fmt in ("csv", "tsv"):
            raise _user_error(f"CONSTRUCT and DESCRIBE give a graph: use --format table (Turtle) or json (JSON-LD), not {fmt}")
        triples = sorted(result, key=str)
        rdf_fmt = ox.RdfFormat.JSON_LD if fmt == "json" else ox.RdfFormat.TURTLE
        text = " ".join(str(t) for t in triples)
        used = {k: v for k, v in sorted(prefixes.items()) if k and f"<{v}" in text}
        text = ox.serialize(triples, format=rdf_fmt, prefixes=used).decode("utf-8")
        return text if text.endswith("\n") else text + "\n"
    if fmt != "table":
        text = result.serialize(format=_RESULT_FORMATS[fmt]).decode("utf-8")
        return text if text.endswith("\n") else text + "\n"
    if isinstance(result, ox.QueryBoolean):
        return "true\n" if bool(result) else "false\n"
    compactor = Compactor(prefixes)
    variables = [v.value for v in result.variables]
    rows = [[_cell(solution[v], compactor) for v in variables] for solution in result]
    return render_table(variables, rows)


# ------------------------------------------------------------ named queries

@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str

    @property
    def summary(self) -> str:
        """The first comment line: what the query answers."""
        for line in self.text.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
        return ""

    @property
    def params(self) -> dict[str, str]:
        return parameters(self.text)


def named_queries(folder: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every ``*.rq`` in ``folder``, sorted by name."""
    return [
        NamedQuery(p.stem, p, p.read_text(encoding="utf-8"))
        for p in sorted(Path(folder).glob("*.rq"))
    ]


def named_query(name: str, folder: Path = QUERIES_DIR) -> NamedQuery:
    known = {q.name: q for q in named_queries(folder)}
    if name not in known:
        raise _user_error(f"no named query {name!r}: choose one of {', '.join(sorted(known)) or '(none)'}")
    return known[name]


def _param_match(match: re.Match) -> tuple[str, str]:
    if match.group("vname"):
        return match.group("vname"), match.group("vdefault")
    return match.group("bname"), match.group("bdefault")


def parameters(sparql: str) -> dict[str, str]:
    """The query's parameters and their defaults, as SPARQL text (``UNDEF`` meaning any)."""
    return dict(_param_match(m) for m in _PARAM_RE.finditer(_blank_comments(sparql)))


def _blank_comments(sparql: str) -> str:
    """``sparql`` with comments replaced by spaces (same length, so offsets still match)."""
    token = re.compile(r'<[^<>\s]*>|"(?:[^"\\\n]|\\.)*"|#[^\n]*')
    return token.sub(lambda m: " " * len(m.group(0)) if m.group(0).startswith("#") else m.group(0), sparql)


def _sparql_string(value: str) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def apply_params(sparql: str, params: dict[str, str]) -> str:
    """Replace the defaults of the query's parameters with the given strings."""
    known = parameters(sparql)
    unknown = sorted(set(params) - set(known))
    if unknown:
        takes = ", ".join(sorted(known)) if known else "no parameters"
        raise _user_error(f"unknown parameter {unknown[0]!r}: this query takes {takes}")
    pieces, last = [], 0
    for match in _PARAM_RE.finditer(_blank_comments(sparql)):
        name, _ = _param_match(match)
        if name not in params:
            continue
        value = _sparql_string(params[name])
        if match.group("vname"):
            replacement = f"VALUES ?{name} {{ {value} }}"
        else:
            replacement = f"BIND({value} AS ?{name})"
        pieces.append(sparql[last:match.start()])
        pieces.append(replacement)
        last = match.end()
    pieces.append(sparql[last:])
    return "".join(pieces)


def parse_param_args(items: list[str]) -> dict[str, str]:
    """``["a=China", "b=United States"]`` → ``{"a": "China", "b": "United States"}``."""
    params = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?")
        if not sep or not re.fullmatch(r"\w+", name):
            raise _user_error(f"--param wants NAME=VALUE, got {item!r}")
        params[name] = value
    return params


# --------------------------------------------------------------- the command

def run(graph_path: str | os.PathLike, sparql: str, fmt: str = "table",
        params: dict[str, str] | None = None, source: str | None = None) -> str:
    """Load ``graph_path``, run ``sparql`` (with ``params`` applied), return the formatted answer."""
    if fmt not in FORMATS:
        raise _user_error(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if params:
        sparql = apply_params(sparql, params)
    graph = load_graph(graph_path)
    return format_result(execute(graph, sparql, source), fmt, graph.prefixes)


def list_text(folder: Path = QUERIES_DIR) -> str:
    queries = named_queries(folder)
    if not queries:
        return "(no named queries)\n"
    width = max(len(q.name) for q in queries)
    lines = []
    for q in queries:
        lines.append(f"{q.name.ljust(width)}  {q.summary}")
        for pname, default in q.params.items():
            shown = "any" if default.upper() == "UNDEF" or default == '""' else default
            lines.append(f"{'':{width}}    --param {pname}=...  (default {shown})")
    return "\n".join(lines) + "\n"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "query",
        help="run a read-only SPARQL query (or a named one) over a graph file",
        description=(
            "Run a read-only SPARQL 1.1 query over GRAPH.ttl with Oxigraph. The prefixes rdf, rdfs, owl, xsd, "
            "skos, dcterms, prov, schema and the graph's own are predeclared. SELECT prints a table "
            "or W3C CSV/TSV/JSON results; ASK prints true or false; CONSTRUCT and DESCRIBE print "
            "Turtle (JSON-LD with --format json). Updates are refused."
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
    p.set_defaults(func=command)


def _read_query_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _user_error(f"cannot read {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _user_error(f"cannot read {path}: {_one_line(exc)}") from None


def command(args) -> int:
    import sys

    if args.list:
        sys.stdout.write(list_text())
        return 0
    if not args.graph:
        raise _user_error("give a graph file: kg query GRAPH.ttl (QUERY.rq | -e SPARQL | --name NAME)")
    sources = [s for s in (args.query_file, args.expression, args.name) if s is not None]
    if len(sources) != 1:
        raise _user_error("give exactly one query: a QUERY.rq file, -e 'SPARQL' or --name NAME")
    if args.name is not None:
        query = named_query(args.name)
        sparql, source = query.text, str(query.path)
    elif args.expression is not None:
        sparql, source = args.expression, None
    else:
        sparql, source = _read_query_file(args.query_file), args.query_file
    sys.stdout.write(run(args.graph, sparql, args.format, parse_param_args(args.param), source))
    return 0
