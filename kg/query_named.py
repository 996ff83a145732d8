"""Named queries (``queries/*.rq``) and query parameters (``--param NAME=VALUE``).

A parameter is a variable bound to one string constant, by ``BIND("default" AS ?name)``
or ``VALUES ?name { "default" }`` (or ``{ UNDEF }``, meaning any value). A value
given with ``--param`` is never spliced into the query as text of our own making:
the default's clause is taken out and Oxigraph binds the variable itself
(``substitutions=``, SPARQL SEP-0007). Oxigraph substitutes only variables that
the query projects; for the others (a parameter used inside a subquery, as in the
named queries) the default constant is replaced by the value as Oxigraph itself
serializes a literal (:func:`inline_params`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.vocab import QUERIES_DIR

_STRING = r'"(?:[^"\\\n]|\\.)*"'
_PARAM_RE = re.compile(
    rf'VALUES\s+\?(?P<vname>\w+)\s*\{{\s*(?P<vdefault>{_STRING}|UNDEF)\s*\}}'
    rf'|BIND\s*\(\s*(?P<bdefault>{_STRING})\s+AS\s+\?(?P<bname>\w+)\s*\)',
    re.IGNORECASE,
)


def _user_error(message: str, code: int = 2) -> Exception:
    from kg.errors import UserError

    return UserError(message, code)


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


# ------------------------------------------------------------------ parameters

def _param_match(match: re.Match) -> tuple[str, str]:
    if match.group("vname"):
        return match.group("vname"), match.group("vdefault")
    return match.group("bname"), match.group("bdefault")


def _blank_comments(sparql: str) -> str:
    """``sparql`` with comments replaced by spaces (same length, so offsets still match)."""
    token = re.compile(r'<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|#[^\n]*')
    return token.sub(lambda m: " " * len(m.group(0)) if m.group(0).startswith("#") else m.group(0), sparql)


def parameters(sparql: str) -> dict[str, str]:
    """The query's parameters and their defaults, as SPARQL text (``UNDEF`` meaning any)."""
    return dict(_param_match(m) for m in _PARAM_RE.finditer(_blank_comments(sparql)))


def _check_names(sparql: str, params: dict[str, str]) -> None:
    known = parameters(sparql)
    unknown = sorted(set(params) - set(known))
    if unknown:
        takes = ", ".join(sorted(known)) if known else "no parameters"
        raise _user_error(f"unknown parameter {unknown[0]!r}: this query takes {takes}")


def _rewrite(sparql: str, params: dict[str, str], replace) -> str:
    pieces, last = [], 0
    for match in _PARAM_RE.finditer(_blank_comments(sparql)):
        name, _ = _param_match(match)
        if name not in params:
            continue
        pieces.append(sparql[last:match.start()])
        pieces.append(replace(match, name))
        last = match.end()
    pieces.append(sparql[last:])
    return "".join(pieces)


def bind_params(sparql: str, params: dict[str, str]) -> tuple[str, dict]:
    """(the query without the given parameters' default clauses, Oxigraph substitutions for them)."""
    _check_names(sparql, params)
    # An empty group in place of the clause: still a valid graph pattern, and a join with it changes nothing.
    text = _rewrite(sparql, params, lambda match, name: "{}")
    return text, {ox.Variable(name): ox.Literal(value) for name, value in params.items()}


def inline_params(sparql: str, params: dict[str, str]) -> str:
    """The query with the given parameters' default constants replaced by the values as literals.

    The literal's text is Oxigraph's own serialization of the value (quotes,
    backslashes and line breaks escaped), never the value itself.
    """
    _check_names(sparql, params)

    def replace(match, name):
        value = str(ox.Literal(params[name]))
        if match.group("vname"):
            return f"VALUES ?{name} {{ {value} }}"
        return f"BIND({value} AS ?{name})"

    return _rewrite(sparql, params, replace)


apply_params = inline_params


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
