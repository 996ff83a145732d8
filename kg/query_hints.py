"""What ``kg query`` tells a person about their query before and besides its answer.

- :func:`service_use`: where a query calls a remote ``SERVICE`` (refused unless allowed);
- :func:`syntax_message`: a parse error as "line L, column C: ..." naming the query forms
  when the query does not start with one;
- :func:`diagnose`: warnings, with a did-you-mean, for ``kg:`` terms the graph does not
  have (``kg:Contry``) and for names that label no entity but nearly label one
  ("Bessant": did you mean "Scott Bessent"?).
"""
from __future__ import annotations

import difflib
import re

import pyoxigraph as ox

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = {"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"}

# SPARQL 1.1 tokens that are not syntax: an IRI (the IRIREF grammar: no spaces, <, >, ", {, }, |, ^,
# backquote or backslash inside), long and short strings, comments.
_IRI = r'<[^<>"{}|^`\\\x00-\x20]*>'
_STRINGS = r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
_NOISE = re.compile(rf"{_IRI}|{_STRINGS}|#[^\n]*")
_STRING_ONLY = re.compile(rf"{_IRI}|(?P<s>{_STRINGS})|#[^\n]*")
_RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_ALT_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")


def strip_noise(sparql: str, keep_iris: bool = False) -> str:
    """``sparql`` with string literals and comments (and IRIs, unless kept) blanked, offsets kept."""
    def blank(m: re.Match) -> str:
        text = m.group(0)
        if keep_iris and text.startswith("<"):
            return text
        return re.sub(r"[^\n]", " ", text)

    return _NOISE.sub(blank, sparql)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def service_use(sparql: str) -> tuple[int, int] | None:
    """(line, column) of the first ``SERVICE`` keyword of the query, or None."""
    m = re.search(r"(?<![\w?$:])SERVICE(?![\w:])", strip_noise(sparql), re.IGNORECASE)
    return _line_col(sparql, m.start()) if m else None


def first_keyword(sparql: str) -> tuple[str, int] | None:
    """The query's first word after its prologue (PREFIX and BASE lines), with its offset."""
    text = strip_noise(sparql)
    pos = 0
    prologue = re.compile(r"\s*(?:PREFIX\s+[\w.-]*:|BASE\b)\s*", re.IGNORECASE)   # its IRI is blanked
    while (m := prologue.match(text, pos)) and m.end() > pos:
        pos = m.end()
    m = re.compile(r"\s*([A-Za-z]+)").match(text, pos)
    return (m.group(1), m.start(1)) if m else None


def is_update(sparql: str) -> bool:
    """Whether ``sparql`` reads as a SPARQL Update (its first keyword after the prologue)."""
    word = first_keyword(sparql)
    return word is not None and word[0].lower() in UPDATE_KEYWORDS


def undeclared_prefixes(sparql: str, prefixes: dict[str, str]) -> list[str]:
    """Prefixes used in ``sparql`` that neither it nor ``prefixes`` declare (a hint for errors)."""
    text = strip_noise(sparql)
    declared = set(prefixes) | set(re.findall(r"(?i)\bPREFIX\s+([\w.-]*):", text))
    used = re.findall(r"(?<![\w?$:.-])([A-Za-z][\w.-]*):(?=[\w(])", text)
    return sorted({p for p in used if p not in declared and p.lower() not in ("prefix", "base")})


def syntax_message(sparql: str, error: str, prefixes: dict[str, str]) -> str:
    """Oxigraph's parse error made readable: line and column, what was expected, the likely cause."""
    word = first_keyword(sparql)
    if word is None:
        return "the query is empty: it should start with one of " + ", ".join(QUERY_FORMS)
    keyword, offset = word
    if keyword.upper() not in QUERY_FORMS:
        line, col = _line_col(sparql, offset)
        guess = difflib.get_close_matches(keyword.upper(), QUERY_FORMS, n=1, cutoff=0.6)
        hint = f" (did you mean {guess[0]}?)" if guess else ""
        return (f"line {line}, column {col}: a query starts with {', '.join(QUERY_FORMS[:-1])} or "
                f"{QUERY_FORMS[-1]}, not {keyword!r}{hint}")
    detail = " ".join(str(error).split())
    m = re.match(r"error at (\d+):(\d+):\s*(.*)", detail)
    if m:
        line, col, rest = m.groups()
        detail = f"line {line}, column {col}: {_short_expectation(rest)}"
    undeclared = undeclared_prefixes(sparql, prefixes)
    if undeclared:
        detail += f" (prefix {', '.join(p + ':' for p in undeclared)} is not declared)"
    return detail


def _short_expectation(rest: str) -> str:
    """'expected one of ...' without the character classes, and at most ten alternatives."""
    m = re.match(r"expected one of (.*)", rest)
    if not m:
        return rest
    items = [i.strip() for i in re.split(r",\s*(?![^\[]*\])", m.group(1))]
    words = [i for i in items if i and not i.startswith("[")]
    if not words:
        return "unexpected character here"
    shown = ", ".join(words[:10]) + (", ..." if len(words) > 10 else "")
    return f"expected one of {shown}"


# ------------------------------------------------------------------ did you mean

def _terms_used(sparql: str, prefixes: dict[str, str]) -> list[tuple[str, str]]:
    """(as written, full IRI) of every prefixed name and IRI in the query."""
    text = strip_noise(sparql, keep_iris=True)
    declared = dict(prefixes)
    for name, iri in re.findall(r"(?i)\bPREFIX\s+([\w.-]*):\s*<([^>]*)>", text):
        declared[name] = iri
    body = re.sub(r"(?i)\bPREFIX\s+[\w.-]*:\s*<[^>]*>", " ", text)
    found = []
    for m in re.finditer(rf"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:([A-Za-z_][\w-]*(?:\.[\w-]+)*)|({_IRI})", body):
        if m.group(3):
            found.append((m.group(3), m.group(3)[1:-1]))
        elif (m.group(1) or "") in declared:
            found.append((m.group(0), declared[m.group(1) or ""] + m.group(2)))
    return found


def _in_graph(store: ox.Store, iri: str) -> bool:
    node = ox.NamedNode(iri)
    for pattern in ((node, None, None), (None, node, None), (None, None, node)):
        if next(iter(store.quads_for_pattern(*pattern)), None) is not None:
            return True
    return False


def _vocabulary(store: ox.Store, namespace: str) -> list[str]:
    """Local names of the classes and properties of ``namespace`` the graph uses or declares."""
    rows = store.query(
        "SELECT DISTINCT ?t WHERE { { ?t a ?c } UNION { ?x a ?t } UNION { ?s ?t ?o } "
        f"FILTER(isIRI(?t) && STRSTARTS(STR(?t), {str(ox.Literal(namespace))})) }}")
    return sorted(r["t"].value[len(namespace):] for r in rows)


def term_warnings(store: ox.Store, sparql: str, prefixes: dict[str, str]) -> list[str]:
    namespace = prefixes.get("kg")
    if not namespace:
        return []
    missing = []
    for written, iri in _terms_used(sparql, prefixes):
        if iri.startswith(namespace) and iri != namespace and written not in missing and not _in_graph(store, iri):
            missing.append(written)
    if not missing:
        return []
    vocabulary = _vocabulary(store, namespace)
    warnings = []
    for written in missing:
        local = written.split(":", 1)[1] if not written.startswith("<") else written[1 + len(namespace):-1]
        guess = difflib.get_close_matches(local, vocabulary, n=1, cutoff=0.6)
        hint = f" (did you mean kg:{guess[0]}?)" if guess else ""
        warnings.append(f"{written} is not in the graph: no class or property has that name{hint}")
    return warnings


def _literals(sparql: str) -> list[str]:
    """The plain string literals of the query (not those with a datatype)."""
    out = []
    for m in _STRING_ONLY.finditer(sparql):
        text = m.group("s")
        if not text or sparql.startswith("^^", m.end()):
            continue
        quote = 3 if text[:3] in ('"""', "'''") else 1
        out.append(re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t", "r": "\r"}.get(e.group(1), e.group(1)),
                          text[quote:-quote]))
    return out


def label_warnings(store: ox.Store, sparql: str, params: dict[str, str] | None) -> list[str]:
    wanted = [s for s in dict.fromkeys(_literals(sparql) + list((params or {}).values()))
              if len(s.strip()) >= 3 and re.search(r"[^\W\d_]", s) and "\n" not in s]
    if not wanted:
        return []
    canonical: dict[str, str] = {}
    names: dict[str, str] = {}       # lower-case label, alias or word of a label -> the entity's label
    for quad in store.quads_for_pattern(None, _RDFS_LABEL, None):
        canonical[quad.subject.value] = quad.object.value
    for predicate in (_RDFS_LABEL, _ALT_LABEL):
        for quad in store.quads_for_pattern(None, predicate, None):
            label = canonical.get(quad.subject.value, quad.object.value)
            names.setdefault(quad.object.value.lower(), label)
    exact = set(names)
    for label in set(canonical.values()):
        for word in re.findall(r"[^\W\d_][\w'-]{3,}", label):
            names.setdefault(word.lower(), label)
    warnings = []
    for text in wanted:
        low = text.strip().lower()
        if low in exact or any(low in name for name in exact):
            continue
        guess = difflib.get_close_matches(low, list(names), n=1, cutoff=0.8)
        if guess:
            warnings.append(f'no entity is named "{text}" (did you mean "{names[guess[0]]}"?)')
    return warnings


def diagnose(store: ox.Store, sparql: str, prefixes: dict[str, str], params: dict[str, str] | None = None) -> list[str]:
    """Warnings about the query's names, each with a did-you-mean where one is close."""
    return term_warnings(store, sparql, prefixes) + label_warnings(store, sparql, params)
