"""The in-memory graph a build works on: rdflib terms in plain dict indexes.

rdflib's ``Graph`` keeps every triple in three indexes plus per-context
bookkeeping, which costs about 20 µs a triple to add and as much to look up; a
build of 1,000 articles holds some 180,000 triples and spent more time in that
bookkeeping than in its own work. :class:`TripleGraph` keeps the same rdflib
terms (``URIRef``, ``Literal``, ``BNode``) in two dicts (subject → predicate →
objects, predicate → object → subjects) and offers the part of rdflib's graph
API that kg uses (``add``, ``remove``, ``triples``, ``objects``, ``subjects``,
``value``, ``subject_objects``, ``predicate_objects``, ``namespaces``,
``in``, ``len``, iteration), so the analysis, the page and the report read it
exactly as they read an rdflib graph loaded from a file.

Writing it goes through Oxigraph (kg.writer, re-exported here), in an order
fixed by the content: the same triples give the same bytes.

Measured against rdflib's ``Graph`` and pyoxigraph's ``Store`` on the graph of 300
articles (``bench/bench_store.py``, figures in docs/scaling.md), it adds, reads and
writes in about a third of rdflib's time and feeds pySHACL through one conversion.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.store import Store

from kg.writer import serialize, serialize_many

__all__ = ["TripleGraph", "serialize", "serialize_many"]

Triple = tuple


class TripleGraph:
    """A set of RDF triples (rdflib terms) with subject and predicate indexes."""

    def __init__(self, prefixes: dict[str, str] | None = None):
        self._spo: dict = {}     # s -> p -> {o: None}   (dicts keep insertion order)
        self._pos: dict = {}     # p -> o -> {s: None}
        self._len = 0
        self.prefixes: dict[str, str] = dict(prefixes or {})

    # ------------------------------------------------------------ changing

    def add(self, triple: Triple) -> "TripleGraph":
        s, p, o = triple
        objs = self._spo.setdefault(s, {}).setdefault(p, {})
        if o not in objs:
            objs[o] = None
            self._pos.setdefault(p, {}).setdefault(o, {})[s] = None
            self._len += 1
        return self

    def update(self, triples: Iterable[Triple]) -> "TripleGraph":
        for t in triples:
            self.add(t)
        return self

    def remove(self, pattern: Triple) -> "TripleGraph":
        """Remove every triple matching ``pattern`` (None is a wildcard)."""
        for s, p, o in list(self.triples(pattern)):
            by_p = self._spo[s]
            del by_p[p][o]
            if not by_p[p]:
                del by_p[p]
                if not by_p:
                    del self._spo[s]
            by_o = self._pos[p]
            del by_o[o][s]
            if not by_o[o]:
                del by_o[o]
                if not by_o:
                    del self._pos[p]
            self._len -= 1
        return self

    def bind(self, prefix: str, namespace, **_ignored) -> None:
        self.prefixes[prefix] = str(namespace)

    # ------------------------------------------------------------ reading

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[Triple]:
        for s, by_p in self._spo.items():
            for p, objs in by_p.items():
                for o in objs:
                    yield s, p, o

    def __contains__(self, triple: Triple) -> bool:
        return any(True for _ in self.triples(triple))

    def triples(self, pattern: Triple) -> Iterator[Triple]:
        s, p, o = pattern
        if s is not None:
            by_p = self._spo.get(s)
            if not by_p:
                return
            for pp in ([p] if p is not None else list(by_p)):
                objs = by_p.get(pp)
                if not objs:
                    continue
                if o is not None:
                    if o in objs:
                        yield s, pp, o
                else:
                    for oo in list(objs):
                        yield s, pp, oo
        elif p is not None:
            by_o = self._pos.get(p)
            if not by_o:
                return
            if o is not None:
                for ss in list(by_o.get(o, ())):
                    yield ss, p, o
            else:
                for oo, subjects in list(by_o.items()):
                    for ss in list(subjects):
                        yield ss, p, oo
        elif o is not None:
            for pp, by_o in list(self._pos.items()):
                for ss in list(by_o.get(o, ())):
                    yield ss, pp, o
        else:
            yield from list(self)

    def objects(self, subject=None, predicate=None, unique: bool = False) -> Iterator:
        if subject is not None and predicate is not None:
            yield from list(self._spo.get(subject, {}).get(predicate, ()))
            return
        seen = set()
        for _, _, o in self.triples((subject, predicate, None)):
            if unique:
                if o in seen:
                    continue
                seen.add(o)
            yield o

    def subjects(self, predicate=None, object=None, unique: bool = False) -> Iterator:
        if predicate is not None and object is not None:
            yield from list(self._pos.get(predicate, {}).get(object, ()))
            return
        seen = set()
        for s, _, _ in self.triples((None, predicate, object)):
            if unique:
                if s in seen:
                    continue
                seen.add(s)
            yield s

    def subject_objects(self, predicate=None, unique: bool = False) -> Iterator[tuple]:
        for s, _, o in self.triples((None, predicate, None)):
            yield s, o

    def predicate_objects(self, subject=None, unique: bool = False) -> Iterator[tuple]:
        for _, p, o in self.triples((subject, None, None)):
            yield p, o

    def value(self, subject=None, predicate=RDF.value, object=None, default=None, any: bool = True):
        """One object (or subject, when ``subject`` is None) of the pattern, else ``default``."""
        if subject is not None and predicate is not None and object is None:
            objs = self._spo.get(subject, {}).get(predicate)
            return next(iter(objs)) if objs else default
        if object is not None and predicate is not None and subject is None:
            subs = self._pos.get(predicate, {}).get(object)
            return next(iter(subs)) if subs else default
        for s, p, o in self.triples((subject, predicate, object)):
            return s if subject is None else (p if predicate is None else o)
        return default

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        for prefix, ns in self.prefixes.items():
            yield prefix, URIRef(ns)

    def subject_index(self) -> dict:
        """``{subject: {predicate: {object: None}}}``: the index itself, read-only by convention."""
        return self._spo

    # ------------------------------------------------------------ converting

    def as_rdflib(self) -> Graph:
        """An rdflib ``Graph`` reading this graph's indexes (no copy); adding to it raises ``TypeError``."""
        return Graph(store=_ReadOnlyStore(self), bind_namespaces="none")

    def to_rdflib(self) -> Graph:
        g = Graph(bind_namespaces="none")
        for prefix, ns in self.prefixes.items():
            g.bind(prefix, ns, override=True, replace=True)
        g.addN((s, p, o, g) for s, p, o in self)
        return g

    @classmethod
    def from_rdflib(cls, graph: Graph) -> "TripleGraph":
        out = cls({p: str(ns) for p, ns in graph.namespaces() if p})
        out.update(graph)
        return out


class _ReadOnlyStore(Store):
    """rdflib's Store interface over a :class:`TripleGraph`: rdflib and pySHACL read it in place."""

    # pySHACL wraps the graph in a Dataset, which asks for these; there is one graph, the default.
    context_aware = graph_aware = True
    formula_aware = transaction_aware = False

    def __init__(self, graph: TripleGraph):
        super().__init__()
        self._graph = graph

    def triples(self, triple_pattern, context=None):
        for triple in self._graph.triples(triple_pattern):
            yield triple, iter(())

    def __len__(self, context=None) -> int:
        return len(self._graph)

    def contexts(self, triple=None):
        return iter(())

    def add_graph(self, graph) -> None:
        pass

    def remove_graph(self, graph) -> None:
        raise TypeError("this view of the build's graph is read-only")

    def add(self, triple, context=None, quoted=False) -> None:
        raise TypeError("this view of the build's graph is read-only")

    addN = add  # noqa: N815

    def remove(self, triple, context=None) -> None:
        raise TypeError("this view of the build's graph is read-only")

    def bind(self, prefix, namespace, override=True) -> None:
        pass                                   # the graph's prefixes are its own

    def namespace(self, prefix):
        iri = self._graph.prefixes.get(prefix)
        return URIRef(iri) if iri is not None else None

    def prefix(self, namespace):
        return next((p for p, iri in self._graph.prefixes.items() if iri == str(namespace)), None)

    def namespaces(self):
        return self._graph.namespaces()
