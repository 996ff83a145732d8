"""The only module that writes instance triples: Corpus → :class:`~kg.triples.TripleGraph`.

The graph is self-contained: the ontology (ontology/kg.ttl) is loaded into it
first, then documents, entities, facts, and one ``rdf:Statement`` per piece
of evidence. IRIs are minted from safe slugs only; statements get IRIs from a
hash of their content, so the Turtle file is byte-identical run after run.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

from rdflib import Graph, Literal as RDFLiteral, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.model import Corpus, Literal
from kg.textutil import slugify
from kg.triples import TripleGraph, serialize
from kg.vocab import ID, KG, KG_NS, INSTANCE_NS, ONTOLOGY_FILE, TYPE_PATHS

PREFIXES = {
    "kg": KG_NS,
    "id": INSTANCE_NS,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    # One prefix per instance path, so that Turtle and SPARQL write ``person:donald-trump``
    # (a "/" cannot stand unescaped in a prefixed name: ``id:person\/donald-trump``).
    **{path: f"{INSTANCE_NS}{path}/" for path in sorted({*TYPE_PATHS.values(), "statement"})},
}


@lru_cache(maxsize=1)
def ontology_triples() -> tuple:
    g = Graph()
    g.parse(ONTOLOGY_FILE, format="turtle")
    return tuple(g)


def new_graph() -> TripleGraph:
    return TripleGraph(PREFIXES)


def doc_iri(doc_id: str) -> URIRef:
    return ID[f"document/{slugify(doc_id, max_len=120)}"]


def doc_slugs(doc_ids) -> dict[str, str]:
    """A readable, distinct IRI slug for each document identifier.

    Identifiers whose slugs meet ("a b", "a-b", "A_B") keep the plain slug for the one
    that is the slug itself (else the first in code-point order); the others get a short
    hash of their identifier, so the choice depends on the set of identifiers only.
    """
    groups: dict[str, list[str]] = {}
    for d in sorted(set(doc_ids)):
        groups.setdefault(slugify(d, max_len=120), []).append(d)
    out: dict[str, str] = {}
    for slug, ids in groups.items():
        keeper = slug if slug in ids else ids[0]
        for d in ids:
            out[d] = slug if d == keeper else f"{slug}-{hashlib.sha1(d.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
    if len(set(out.values())) < len(out):      # a hashed slug met a plain one: longer hashes for all
        out = {d: f"{slugify(d, max_len=120)}-{hashlib.sha1(d.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"
               for d in out}
    return out


def web_iri(url: str | None) -> URIRef | None:
    """An http(s) URL as an IRI, with every character an IRI cannot hold percent-encoded; None otherwise."""
    from urllib.parse import quote, urlsplit

    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return URIRef(quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._"))


def _xsd_date(value: str | None) -> RDFLiteral | None:
    """A full calendar date as xsd:date; None for a partial or impossible one."""
    import datetime

    try:
        return RDFLiteral(datetime.date.fromisoformat(value).isoformat(), datatype=XSD.date) if value else None
    except ValueError:
        return None


def entity_iri(uid: str) -> URIRef:
    path, _, slug = uid.partition("/")
    return ID[f"{path}/{slugify(slug)}"]


def literal(obj: Literal):
    """The RDF term of a literal object; a kg:status value names a PolicyStatus individual (kg:InForce)."""
    if obj.datatype == "PolicyStatus":
        return KG[obj.value]
    if obj.datatype:
        return RDFLiteral(obj.value, datatype=XSD[obj.datatype])
    return RDFLiteral(obj.value)


def build_graph(corpus: Corpus, with_ontology: bool = True) -> TripleGraph:
    g = new_graph()
    if with_ontology:
        g.update(ontology_triples())
    add = g.add
    a, label, alt_label, mentioned = RDF.type, RDFS.label, SKOS.altLabel, KG.mentionedIn
    docs = {}
    slugs = doc_slugs(d.doc_id for d in corpus.documents)
    for d in corpus.documents:
        iri = ID[f"document/{slugs[d.doc_id]}"]
        docs[d.doc_id] = iri
        add((iri, a, KG.Document))
        add((iri, DCTERMS.identifier, RDFLiteral(d.doc_id)))
        if d.title:
            add((iri, DCTERMS.title, RDFLiteral(d.title)))
        date = _xsd_date(d.date)
        if date is not None:
            add((iri, DCTERMS.date, date))
        for prop, value in ((DCTERMS.creator, d.author),
                            (DCTERMS.publisher, d.publisher)):
            if value:
                add((iri, prop, RDFLiteral(value)))
        source_iri = web_iri(d.url)
        if source_iri is not None:
            add((iri, DCTERMS.source, source_iri))
    iris = {uid: entity_iri(uid) for uid in corpus.entities}
    for uid, e in corpus.entities.items():
        iri = iris[uid]
        add((iri, a, KG[e.type]))
        add((iri, label, RDFLiteral(e.label)))
        for alt in sorted(e.alt_labels):
            add((iri, alt_label, RDFLiteral(alt)))
        for d in sorted(e.docs):
            if d in docs:
                add((iri, mentioned, docs[d]))
    statement, subject, predicate, object_ = RDF.Statement, RDF.subject, RDF.predicate, RDF.object
    sentence, source, start_p, end_p = KG.sentence, KG.source, KG.startOffset, KG.endOffset
    integer = XSD.integer
    predicates: dict[str, URIRef] = {}
    offsets: dict[int, RDFLiteral] = {}       # the same offsets recur across articles

    def offset(value: int) -> RDFLiteral:
        lit = offsets.get(value)
        if lit is None:
            lit = offsets[value] = RDFLiteral(value, datatype=integer)
        return lit

    for f in corpus.facts:
        s = iris.get(f.subject) or entity_iri(f.subject)
        p = predicates.get(f.predicate)
        if p is None:
            p = predicates[f.predicate] = KG[f.predicate]
        if isinstance(f.obj, Literal):
            o = literal(f.obj)
            o_text = o.n3() if isinstance(o, RDFLiteral) else f"<{o}>"
        else:
            o = iris.get(f.obj) or entity_iri(f.obj)
            o_text = f"<{o}>"
        add((s, p, o))
        ev = f.evidence
        digest = hashlib.sha1(f"{s}|{p}|{o_text}|{ev.doc_id}|{ev.start}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
        st = URIRef(f"{INSTANCE_NS}statement/{digest}")
        add((st, a, statement))
        add((st, subject, s))
        add((st, predicate, p))
        add((st, object_, o))
        add((st, sentence, RDFLiteral(ev.sentence)))
        if ev.doc_id in docs:
            add((st, source, docs[ev.doc_id]))
        add((st, start_p, offset(ev.start)))
        add((st, end_p, offset(ev.end)))
    return g


def to_turtle(g: TripleGraph | Graph) -> str:
    """Deterministic Turtle, written by Oxigraph: subjects, predicates and objects sorted."""
    return serialize(g, "turtle", PREFIXES)
