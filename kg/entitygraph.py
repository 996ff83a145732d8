"""Reading a kg graph for the network analysis: entities, documents, evidence, the entity graph.

Each function takes an rdflib graph (or a :class:`kg.triples.TripleGraph`), leaves it
unchanged and returns new plain data; :func:`entity_graph` returns the facts between
entities as a :class:`networkx.MultiDiGraph`, nodes and edges inserted in sorted order.
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.vocab import INSTANCE_NS, KG, KG_NS

# Most specific first: an entity typed both Official and Person is an Official.
TYPE_PRIORITY = (
    "Official", "ExportControl", "Tariff", "TradeAgreement", "Sanction",
    "Person", "Policy", "Country", "Organization", "Commodity", "Event", "Agent",
)
NOT_RELATIONS = {KG.mentionedIn, KG.source}

def local_name(iri: str) -> str:
    """The part of a kg: IRI after the namespace ("officialOf")."""
    return iri[len(KG_NS):] if iri.startswith(KG_NS) else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _text(value) -> str:
    return str(value) if value is not None else ""


def _index(graph) -> dict:
    """``{subject: {predicate: {object: None}}}`` of an rdflib graph or a TripleGraph."""
    if hasattr(graph, "subject_index"):
        return graph.subject_index()
    index: dict = {}
    for s, p, o in graph:
        index.setdefault(s, {}).setdefault(p, {})[o] = None
    return index


def _first(by_p: dict, p):
    objs = by_p.get(p)
    return next(iter(objs)) if objs else None


def entities(graph: Graph) -> dict[str, dict]:
    """Instance entities: ``{iri: {"label", "type", "aliases", "titles", "docs"}}``, sorted by IRI."""
    rdf_type, label_p, alt_p, title_p, doc_p = RDF.type, RDFS.label, SKOS.altLabel, KG.title, KG.mentionedIn
    document = KG.Document
    out: dict[str, dict] = {}
    found = []
    for subj, by_p in _index(graph).items():
        if not isinstance(subj, URIRef) or not subj.startswith(INSTANCE_NS):
            continue
        kinds = {local_name(str(c)) for c in by_p.get(rdf_type, ()) if c.startswith(KG_NS) and c != document}
        if kinds:
            found.append((str(subj), kinds, by_p))
    for iri, kinds, by_p in sorted(found, key=lambda t: t[0]):
        labels = sorted(_text(o) for o in by_p.get(label_p, ()))
        out[iri] = {
            "label": labels[0] if labels else local_name(iri),
            "type": _most_specific(kinds),
            "aliases": sorted({_text(o) for o in by_p.get(alt_p, ())} - set(labels[:1])),
            "titles": sorted(_text(o) for o in by_p.get(title_p, ())),
            "docs": sorted(str(o) for o in by_p.get(doc_p, ())),
        }
    return out


def _most_specific(types: set[str]) -> str:
    for name in TYPE_PRIORITY:
        if name in types:
            return name
    return sorted(types)[0]


def documents(graph: Graph) -> dict[str, dict]:
    """Source articles: ``{iri: {"id", "title"}}`` (id is dcterms:identifier)."""
    index = _index(graph)
    out = {}
    for doc in sorted(set(graph.subjects(RDF.type, KG.Document)), key=str):
        by_p = index.get(doc, {})
        ident = _first(by_p, DCTERMS.identifier)
        title = _first(by_p, DCTERMS.title)
        out[str(doc)] = {"id": _text(ident) or local_name(str(doc)), "title": _text(title)}
    return out


@dataclass(frozen=True, order=True)
class Evidence:
    """One supporting sentence of a fact, with the article it was read from."""

    doc: str          # document IRI
    start: int
    sentence: str


def evidence(graph: Graph) -> dict[tuple[str, str, str], list[Evidence]]:
    """``{(subject, predicate, object): [Evidence, ...]}`` from the rdf:Statement nodes.

    The object is the IRI of an entity or the lexical form of a literal.
    Evidence lists are sorted (article, offset, sentence) and free of duplicates.
    """
    index = _index(graph)
    subj_p, pred_p, obj_p, start_p = RDF.subject, RDF.predicate, RDF.object, KG.startOffset
    source_p, sentence_p = KG.source, KG.sentence
    out: dict[tuple[str, str, str], set[Evidence]] = {}
    for st in graph.subjects(RDF.type, RDF.Statement):
        by_p = index.get(st, {})
        s, p, o = _first(by_p, subj_p), _first(by_p, pred_p), _first(by_p, obj_p)
        if s is None or p is None or o is None:
            continue
        start = _first(by_p, start_p)
        try:
            start_i = int(start) if start is not None else -1
        except (TypeError, ValueError):
            start_i = -1
        ev = Evidence(_text(_first(by_p, source_p)), start_i, _text(_first(by_p, sentence_p)))
        out.setdefault((str(s), str(p), str(o)), set()).add(ev)
    return {key: sorted(evs) for key, evs in out.items()}


def entity_graph(graph: Graph, support: dict | None = None) -> nx.MultiDiGraph:
    """The entities and the facts between them, as a directed multigraph.

    Nodes are entity IRIs with the attributes of :func:`entities`; every fact
    ``s p o`` between two entities (any kg: property but kg:mentionedIn and
    kg:source) is an edge ``s → o`` keyed by the property's local name, with
    ``weight`` = the number of provenance statements supporting it (at least 1).
    Entities without facts are nodes too. ``support`` is :func:`evidence` of
    ``graph`` when the caller has it already.
    """
    ents = entities(graph)
    support = evidence(graph) if support is None else support
    g = nx.MultiDiGraph()
    for iri, attrs in ents.items():
        g.add_node(iri, **attrs)
    index = _index(graph)
    facts = []
    for s in ents:
        for p, objs in index.get(URIRef(s), {}).items():
            if not p.startswith(KG_NS) or p in NOT_RELATIONS:
                continue
            for o in objs:
                if isinstance(o, URIRef) and str(o) in ents:
                    facts.append((s, str(p), str(o)))
    for s, p, o in sorted(facts):
        n = len(support.get((s, p, o), ()))
        g.add_edge(s, o, key=local_name(p), property=local_name(p), weight=max(1, n))
    return g
