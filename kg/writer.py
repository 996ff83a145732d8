"""Writing a graph deterministically: Oxigraph serializes triples in an order fixed by the content.

Turtle groups each subject's triples (subjects, predicates and objects sorted);
N-Triples lines are sorted; JSON-LD is Oxigraph's expanded form. Blank nodes get
labels from their content (:func:`bnode_labels`), so the same triples give the same
bytes whatever order they were added in. Works on an rdflib ``Graph`` or anything
with ``subject_index()`` (:class:`kg.triples.TripleGraph`).
"""
from __future__ import annotations

import hashlib
from typing import Iterable

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

Triple = tuple
_XSD_STRING = XSD.string


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _plain(term) -> str:
    """A text form of an IRI or literal for hashing and sorting (N-Triples-like)."""
    if isinstance(term, Literal):
        return f'"{term}"@{term.language}' if term.language else f'"{term}"^^{term.datatype or XSD.string}'
    return f"<{term}>"


def bnode_labels(triples: Iterable[Triple], rounds: int = 8) -> dict[BNode, str]:
    """A label for each blank node that depends only on the graph's content.

    Each blank node starts with a hash of its edges to IRIs and literals; each round
    mixes in its neighbours' hashes until the partition stops changing. Blank nodes
    still alike at the end are interchangeable, so any numbering among them gives
    the same text.
    """
    fixed: dict[BNode, list[str]] = {}
    linked: dict[BNode, list[tuple[str, BNode]]] = {}
    for s, p, o in triples:
        if isinstance(s, BNode):
            if isinstance(o, BNode):
                linked.setdefault(s, []).append((f"out {p}", o))
            else:
                fixed.setdefault(s, []).append(f"out {p} {_plain(o)}")
        if isinstance(o, BNode):
            if isinstance(s, BNode):
                linked.setdefault(o, []).append((f"in {p}", s))
            else:
                fixed.setdefault(o, []).append(f"in {p} {_plain(s)}")
    nodes = sorted(set(fixed) | set(linked), key=str)
    base = {b: sorted(fixed.get(b, ())) for b in nodes}
    colour = {b: "" for b in nodes}
    classes = 0
    for _ in range(rounds):
        colour = {b: _digest(colour[b], *base[b],
                             *sorted(f"{d} _:{colour[n]}" for d, n in linked.get(b, ())))
                  for b in nodes}
        count = len(set(colour.values()))
        if count == classes:
            break
        classes = count
    labels: dict[BNode, str] = {}
    seen: dict[str, int] = {}
    for b in sorted(nodes, key=lambda n: colour[n]):
        short = colour[b][:16]
        n = seen.get(short, 0)
        seen[short] = n + 1
        labels[b] = f"b{short}" if n == 0 else f"b{short}x{n}"
    return labels


class OxigraphWriter:
    """Converts rdflib terms to pyoxigraph terms (IRIs memoized) and serializes in a fixed order."""

    def __init__(self, labels: dict[BNode, str]):
        import pyoxigraph as ox

        self.ox = ox
        self.labels = labels
        self._iris: dict = {}
        self._datatypes: dict = {}

    def term(self, t):
        kind = type(t)
        if kind is URIRef or isinstance(t, URIRef):
            node = self._iris.get(t)
            if node is None:
                node = self._iris[t] = self.ox.NamedNode(str(t))
            return node
        if kind is Literal or isinstance(t, Literal):
            if t.language:
                return self.ox.Literal(str(t), language=t.language)
            datatype = t.datatype
            if datatype is not None and datatype != _XSD_STRING:
                dt = self._datatypes.get(datatype)
                if dt is None:
                    dt = self._datatypes[datatype] = self.ox.NamedNode(str(datatype))
                return self.ox.Literal(str(t), datatype=dt)
            return self.ox.Literal(str(t))
        if isinstance(t, BNode):
            return self.ox.BlankNode(self.labels.get(t) or _digest(str(t))[:16])
        raise TypeError(f"cannot write {t!r} as RDF")

    def triples(self, graph: "Graph | dict", skip: frozenset = frozenset()) -> list:
        """The graph's triples (but those of ``skip`` predicates) as pyoxigraph Triples, subjects in
        :func:`subject_order`. ``graph`` may also be an index ``{s: {p: {o: None}}}``."""
        make, term = self.ox.Triple, self.term
        if isinstance(graph, dict):
            index = graph
        else:
            index = graph.subject_index() if hasattr(graph, "subject_index") else _index(graph)
        labels = self.labels
        out = []
        append = out.append
        for s in sorted(index, key=lambda n: subject_order(n, labels)):
            s_ox = term(s)
            by_p = index[s]
            for p in (sorted(by_p, key=predicate_order) if len(by_p) > 1 else by_p):
                if p in skip:
                    continue
                p_ox = term(p)
                objs = by_p[p]
                for o in (sorted(objs, key=object_order) if len(objs) > 1 else objs):
                    append(make(s_ox, p_ox, term(o)))
        return out


def _index(graph) -> dict:
    index: dict = {}
    for s, p, o in graph:
        index.setdefault(s, {}).setdefault(p, {})[o] = None
    return index


def subject_order(node, labels: dict) -> tuple:
    """Named subjects by IRI, then blank nodes by their content label."""
    if isinstance(node, BNode):
        return (1, labels.get(node, str(node)))
    return (0, str(node))


_FIRST_PREDICATES = {str(RDF.type): 0}


def predicate_order(p) -> tuple:
    return (_FIRST_PREDICATES.get(str(p), 1), str(p))


def object_order(o) -> tuple:
    if isinstance(o, Literal):
        return (1, str(o.datatype or ""), o.language or "", str(o))
    return (0 if isinstance(o, URIRef) else 2, "", "", str(o))


def serialize(graph: "Graph", fmt: str, prefixes: dict[str, str] | None = None) -> str:
    """``graph`` as ``turtle``, ``nt`` or ``jsonld`` text, byte-identical for the same triples."""
    return serialize_many(graph, (fmt,), prefixes)[fmt]


def serialize_many(graph: "Graph", formats=("turtle", "nt"),
                   prefixes: dict[str, str] | None = None) -> dict[str, str]:
    """``{format: text}`` for ``turtle``, ``nt`` and/or ``jsonld``; the triples are converted once."""
    return Prepared(graph).finish(formats, prefixes)


class Prepared:
    """A graph's triples converted for Oxigraph, ready to be written with an optional second section.

    Turtle groups each subject's triples (subjects, predicates and objects sorted);
    N-Triples lines are sorted, so two files diff line by line; JSON-LD is
    Oxigraph's expanded form (full IRIs, one node object per subject, one a line).

    ``skip`` predicates are left out of the graph's own section; :meth:`finish` may
    add a second section of other triples (the network analysis, which a build
    computes while this conversion runs): in Turtle and JSON-LD it follows the first
    (a subject may appear in both, which both formats allow), in N-Triples its lines
    are sorted in with the others.
    """

    def __init__(self, graph: "Graph", skip: frozenset = frozenset()):
        if hasattr(graph, "subject_index"):
            index = graph.subject_index()
            special = [(s, p, o) for s, by_p in index.items() for p, objs in by_p.items() for o in objs
                       if isinstance(s, BNode) or isinstance(o, BNode)]
        else:
            special = [t for t in graph if isinstance(t[0], BNode) or isinstance(t[2], BNode)]
        self.graph = graph
        self.writer = OxigraphWriter(bnode_labels(special))
        self.triples = self.writer.triples(graph, skip)

    def finish(self, formats=("turtle", "nt"), prefixes: dict[str, str] | None = None,
               extra: Iterable[Triple] = (), comment: str = "") -> dict[str, str]:
        import pyoxigraph as ox

        graph = self.graph
        extra_index = _index(extra)
        more = self.writer.triples(extra_index) if extra_index else []
        out = {}
        for fmt in formats:
            if fmt == "turtle":
                used = prefixes if prefixes is not None else dict(getattr(graph, "prefixes", None) or
                                                                   {p: str(n) for p, n in graph.namespaces() if p})
                body = _without_prefixes(ox.serialize(self.triples, format=ox.RdfFormat.TURTLE,
                                                      prefixes=used).decode("utf-8"))
                if more:
                    note = "".join(f"# {line}\n" for line in comment.splitlines())
                    body += "\n" + note + _without_prefixes(
                        ox.serialize(more, format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8"))
                header = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in sorted(used.items()))
                out[fmt] = header + "\n" + body
            elif fmt == "jsonld":
                parts = [_jsonld_lines(ox.serialize(t, format=ox.RdfFormat.JSON_LD).decode("utf-8"))
                         for t in (self.triples, more) if t]
                out[fmt] = "[" + ",\n".join(parts) + "]\n"
            elif fmt == "nt":
                lines = ox.serialize(self.triples + more, format=ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines()
                lines.sort()
                out[fmt] = "\n".join(lines) + ("\n" if lines else "")
            else:
                raise ValueError(f"unknown format {fmt!r}")
        return out


def _without_prefixes(text: str) -> str:
    """Oxigraph's Turtle without its ``@prefix`` lines (the caller writes one sorted header)."""
    while text.startswith("@prefix "):
        text = text[text.index("\n") + 1:]
    return text


def _jsonld_lines(text: str) -> str:
    """The node objects of Oxigraph's JSON-LD array, without the brackets, one a line.

    ']},{"@id":' only occurs between node objects (each ends with its last property's
    array; a quote inside a JSON string is escaped), and whitespace there is insignificant.
    """
    return text.strip()[1:-1].replace(']},{"@id":', ']},\n{"@id":')
