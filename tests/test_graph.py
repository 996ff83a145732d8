"""The graph writer: contract shape, provenance for every fact, safe IRIs, deterministic Turtle."""
from __future__ import annotations

import re

import pyoxigraph
from rdflib import BNode, Graph, Literal as RDFLiteral, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.graph import build_graph, to_turtle
from kg.model import Corpus, Document, Evidence, Literal, ResolvedEntity, ResolvedFact
from kg.vocab import FACT_PREDICATES, ID, KG

HOSTILE = 'Minister <img src=x onerror=alert(1)> "Ruiz" \\ \n</script>'


def corpus(name="Ana Ruiz"):
    sentence = f"Trade Minister {name} said."
    ev = Evidence("a1", sentence, 0, len(sentence))
    ents = {
        "person/ana-ruiz": ResolvedEntity("person/ana-ruiz", "Official", name, {"Ruiz"}, {"a1"}),
        "country/chile": ResolvedEntity("country/chile", "Country", "Chile", {"Chilean"}, {"a1"}),
    }
    facts = [
        ResolvedFact("person/ana-ruiz", "title", Literal("Trade Minister"), ev),
        ResolvedFact("person/ana-ruiz", "officialOf", "country/chile", ev),
    ]
    return Corpus([Document("a1", "a1.txt", "", title="Chile <b>news</b>")], ents, facts)


def test_golden_instance_graph():
    g = build_graph(corpus(), with_ontology=False)
    expected = Graph()
    ruiz, chile, doc = ID["person/ana-ruiz"], ID["country/chile"], ID["document/a1"]
    for t in [
        (doc, RDF.type, KG.Document), (doc, DCTERMS.identifier, RDFLiteral("a1")),
        (doc, DCTERMS.title, RDFLiteral("Chile <b>news</b>")),
        (ruiz, RDF.type, KG.Official), (ruiz, RDFS.label, RDFLiteral("Ana Ruiz")),
        (ruiz, SKOS.altLabel, RDFLiteral("Ruiz")), (ruiz, KG.mentionedIn, doc),
        (chile, RDF.type, KG.Country), (chile, RDFS.label, RDFLiteral("Chile")),
        (chile, SKOS.altLabel, RDFLiteral("Chilean")), (chile, KG.mentionedIn, doc),
        (ruiz, KG.title, RDFLiteral("Trade Minister")), (ruiz, KG.officialOf, chile),
    ]:
        expected.add(t)
    # The two statements of provenance, written by hand (blank nodes: their IRIs are hashes,
    # compared up to renaming by isomorphism): subject, predicate, object, the sentence verbatim,
    # its article and the sentence's offsets in the article (0 and 29: the sentence is the whole article).
    sentence = "Trade Minister Ana Ruiz said."
    for fact_p, fact_o in ((KG.title, RDFLiteral("Trade Minister")), (KG.officialOf, chile)):
        st = BNode()
        for p, o in ((RDF.type, RDF.Statement), (RDF.subject, ruiz), (RDF.predicate, fact_p), (RDF.object, fact_o),
                     (KG.sentence, RDFLiteral(sentence)), (KG.source, doc),
                     (KG.startOffset, RDFLiteral(0, datatype=XSD.integer)),
                     (KG.endOffset, RDFLiteral(29, datatype=XSD.integer))):
            expected.add((st, p, o))
    mine = Graph()
    statements = {st: BNode() for st in g.subjects(RDF.type, RDF.Statement)}
    assert len(statements) == 2
    for t in g:
        mine.add(tuple(statements.get(x, x) for x in t))
    assert isomorphic(mine, expected), sorted(set(mine) ^ set(expected))
    for st in statements:                                 # statement IRIs are minted, readable and safe
        assert re.fullmatch(re.escape(str(ID)) + r"statement/[0-9a-f]{16}", str(st)), st


def test_every_fact_has_a_statement_with_sentence_and_source():
    g = build_graph(corpus())
    for s, p, o in g:
        if str(p).startswith(str(KG)) and str(p)[len(str(KG)):] in FACT_PREDICATES and str(s).startswith(str(ID)):
            sts = [st for st in g.subjects(RDF.subject, s) if (st, RDF.predicate, p) in g and (st, RDF.object, o) in g]
            assert sts, (s, p, o)
            assert all(g.value(st, KG.sentence) and g.value(st, KG.source) for st in sts)


def test_graph_is_self_contained_with_the_ontology():
    g = build_graph(corpus())
    assert (KG.leaderOf, RDFS.subPropertyOf, KG.officialOf) in g
    assert dict(g.namespaces())["kg"] == URIRef(str(KG))


def test_hostile_names_stay_literals_and_iris_stay_safe():
    bad = corpus(HOSTILE)
    ttl = to_turtle(build_graph(bad))
    g = Graph().parse(data=ttl, format="turtle")
    assert (ID["person/ana-ruiz"], RDFS.label, RDFLiteral(HOSTILE)) in g
    list(pyoxigraph.parse(ttl.encode(), format=pyoxigraph.RdfFormat.TURTLE))
    for term in {t for triple in g for t in triple if isinstance(t, URIRef)}:
        assert re.fullmatch(r"[A-Za-z0-9:/#._~%-]+", str(term)), term


def test_same_corpus_same_bytes():
    assert to_turtle(build_graph(corpus())) == to_turtle(build_graph(corpus()))


def test_typed_literals():
    c = corpus()
    ev = c.facts[0].evidence
    c.entities["policy/truce"] = ResolvedEntity("policy/truce", "TradeAgreement", "truce", set(), {"a1"})
    c.facts += [ResolvedFact("policy/truce", "date", Literal("--05-12", "gMonthDay"), ev),
                ResolvedFact("policy/truce", "duration", Literal("P90D", "duration"), ev)]
    g = build_graph(c)
    assert g.value(ID["policy/truce"], KG.date).datatype == XSD.gMonthDay
    assert g.value(ID["policy/truce"], KG.duration).datatype == XSD.duration


def test_document_slugs_are_distinct_readable_and_order_free():
    from kg.graph import doc_slugs

    ids = ["a b", "a-b", "A_B", "r001", "asia/report", "asia-report"]
    slugs = doc_slugs(ids)
    assert slugs["a-b"] == "a-b" and slugs["r001"] == "r001" and slugs["asia-report"] == "asia-report"
    assert slugs["a b"].startswith("a-b-") and slugs["A_B"].startswith("a-b-") and slugs["a b"] != slugs["A_B"]
    assert slugs["asia/report"].startswith("asia-report-") and len(slugs["asia/report"]) == len("asia-report-") + 8
    assert len(set(slugs.values())) == len(ids)
    assert doc_slugs(reversed(ids)) == slugs
    pair = doc_slugs(["x y", "X Y"])        # neither is its slug: the first in code-point order keeps it
    assert pair["X Y"] == "x-y" and pair["x y"].startswith("x-y-")
    assert doc_slugs(["x y"]) == {"x y": "x-y"}          # no meeting, no hash


def test_web_iri_accepts_http_only_and_escapes():
    from rdflib import URIRef

    from kg.graph import web_iri

    assert web_iri("https://a.example/x y?q=<1>") == URIRef("https://a.example/x%20y?q=%3C1%3E")
    assert web_iri("HTTP://a.example/") == URIRef("HTTP://a.example/")
    for bad in (None, "", "javascript:alert(1)", "file:///etc/passwd", "/relative", "http://"):
        assert web_iri(bad) is None
