"""The only module that writes instance triples: Corpus → rdflib Graph.

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
from kg.vocab import ID, KG, KG_NS, INSTANCE_NS, ONTOLOGY_FILE

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
}


@lru_cache(maxsize=1)
def ontology_triples() -> tuple:
    g = Graph()
    g.parse(ONTOLOGY_FILE, format="turtle")
    return tuple(g)


def new_graph() -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def doc_iri(doc_id: str) -> URIRef:
    return ID[f"document/{slugify(doc_id, max_len=120)}"]


def entity_iri(uid: str) -> URIRef:
    path, _, slug = uid.partition("/")
    return ID[f"{path}/{slugify(slug)}"]


def literal(obj: Literal) -> RDFLiteral:
    if obj.datatype:
        return RDFLiteral(obj.value, datatype=XSD[obj.datatype])
    return RDFLiteral(obj.value)


def build_graph(corpus: Corpus, with_ontology: bool = True) -> Graph:
    g = new_graph()
    if with_ontology:
        for triple in ontology_triples():
            g.add(triple)
    docs = {}
    for d in corpus.documents:
        iri = doc_iri(d.doc_id)
        docs[d.doc_id] = iri
        g.add((iri, RDF.type, KG.Document))
        g.add((iri, DCTERMS.identifier, RDFLiteral(d.doc_id)))
        if d.title:
            g.add((iri, DCTERMS.title, RDFLiteral(d.title)))
        if d.date and not d.date.startswith("--"):
            g.add((iri, DCTERMS.date, RDFLiteral(d.date, datatype=XSD.date)))
    for uid, e in corpus.entities.items():
        iri = entity_iri(uid)
        g.add((iri, RDF.type, KG[e.type]))
        g.add((iri, RDFS.label, RDFLiteral(e.label)))
        for alt in sorted(e.alt_labels):
            g.add((iri, SKOS.altLabel, RDFLiteral(alt)))
        for d in sorted(e.docs):
            if d in docs:
                g.add((iri, KG.mentionedIn, docs[d]))
    for f in corpus.facts:
        s = entity_iri(f.subject)
        p = KG[f.predicate]
        o = literal(f.obj) if isinstance(f.obj, Literal) else entity_iri(f.obj)
        g.add((s, p, o))
        ev = f.evidence
        digest = hashlib.sha1(f"{s}|{p}|{o.n3()}|{ev.doc_id}|{ev.start}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
        st = ID[f"statement/{digest}"]
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, p))
        g.add((st, RDF.object, o))
        g.add((st, KG.sentence, RDFLiteral(ev.sentence)))
        if ev.doc_id in docs:
            g.add((st, KG.source, docs[ev.doc_id]))
        g.add((st, KG.startOffset, RDFLiteral(ev.start, datatype=XSD.integer)))
        g.add((st, KG.endOffset, RDFLiteral(ev.end, datatype=XSD.integer)))
    return g


def to_turtle(g: Graph) -> str:
    """Deterministic Turtle (rdflib's serializer sorts subjects and predicates)."""
    return g.serialize(format="turtle")
