"""kg.graph beyond the golden graph: documents' dates, IRIs of long or nested names, typed values,
one statement per fact (never two facts merged into one statement), prefixes in the Turtle.

Expected values are written by hand from the contract; the mutation run of docs/mutation.md
found each of these behaviours unguarded."""
from __future__ import annotations

from rdflib import Graph, Literal as RDFLiteral
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.graph import build_graph, doc_iri, entity_iri, literal, to_turtle
from kg.model import Corpus, Document, Evidence, Literal, ResolvedEntity, ResolvedFact
from kg.vocab import ID, KG

SENTENCE = "Peru imposed tariffs on copper and zinc."


def tariff_corpus(documents=None, entities=True) -> Corpus:
    ev = Evidence("lima", SENTENCE, 0, len(SENTENCE))
    ents = {
        "country/peru": ResolvedEntity("country/peru", "Country", "Peru", set(), {"lima"}),
        "commodity/copper": ResolvedEntity("commodity/copper", "Commodity", "copper", set(), {"lima"}),
        "commodity/zinc": ResolvedEntity("commodity/zinc", "Commodity", "zinc", set(), {"lima"}),
        "policy/peru-tariffs": ResolvedEntity("policy/peru-tariffs", "Tariff", "tariffs", set(), {"lima"}),
    }
    facts = [
        ResolvedFact("policy/peru-tariffs", "imposedBy", "country/peru", ev),
        ResolvedFact("policy/peru-tariffs", "appliesTo", "commodity/copper", ev),
        ResolvedFact("policy/peru-tariffs", "appliesTo", "commodity/zinc", ev),
    ]
    docs = documents or [Document("lima", "lima.txt", "", title="Peru tariffs", date="2025-03-10")]
    return Corpus(docs, ents if entities else {}, facts)


def statements_for(g, s, p, o) -> list:
    return [st for st in g.subjects(RDF.subject, s) if (st, RDF.predicate, p) in g and (st, RDF.object, o) in g]


def test_each_fact_of_one_sentence_has_its_own_statement():
    # same subject, predicate, sentence and offsets; only the object differs
    g = build_graph(tariff_corpus(), with_ontology=False)
    tariff = ID["policy/peru-tariffs"]
    statements = set(g.subjects(RDF.type, RDF.Statement))
    assert len(statements) == 3
    for good in ("copper", "zinc"):
        (st,) = statements_for(g, tariff, KG.appliesTo, ID[f"commodity/{good}"])
        assert list(g.objects(st, RDF.object)) == [ID[f"commodity/{good}"]]
        assert g.value(st, KG.sentence) == RDFLiteral(SENTENCE)


def test_literal_facts_of_one_sentence_have_their_own_statements():
    c = tariff_corpus()
    ev = c.facts[0].evidence
    c.facts += [ResolvedFact("policy/peru-tariffs", "duration", Literal("P90D", "duration"), ev),
                ResolvedFact("policy/peru-tariffs", "duration", Literal("P1Y", "duration"), ev)]
    g = build_graph(c, with_ontology=False)
    assert len(set(g.subjects(RDF.type, RDF.Statement))) == 5
    for value in ("P90D", "P1Y"):
        lit = RDFLiteral(value, datatype=XSD.duration)
        assert (ID["policy/peru-tariffs"], KG.duration, lit) in g
        assert len(statements_for(g, ID["policy/peru-tariffs"], KG.duration, lit)) == 1


def test_a_document_carries_its_publication_date_but_not_a_partial_one():
    docs = [Document("lima", "lima.txt", "", date="2025-03-10"), Document("quito", "quito.txt", "", date="--05-12"),
            Document("bogota", "bogota.txt", "")]
    g = build_graph(tariff_corpus(docs), with_ontology=False)
    assert list(g.objects(doc_iri("lima"), DCTERMS.date)) == [RDFLiteral("2025-03-10", datatype=XSD.date)]
    assert list(g.objects(doc_iri("quito"), DCTERMS.date)) == []
    assert list(g.objects(doc_iri("bogota"), DCTERMS.date)) == []
    assert (doc_iri("quito"), RDF.type, KG.Document) in g


def test_document_iris_are_capped_at_120_characters():
    long_id = "trade " * 60
    iri = str(doc_iri(long_id))
    slug = iri[len(str(ID["document/"])):]
    assert slug == ("trade-" * 20)[:119]            # 120 characters cut, then the trailing hyphen dropped
    assert str(doc_iri("x" * 200)) == str(ID["document/"]) + "x" * 120


def test_entity_iris_keep_the_type_path_and_slug_the_rest():
    assert entity_iri("organization/ministry of trade/peru") == ID["organization/ministry-of-trade-peru"]
    assert entity_iri("person/José Ñúñez") == ID["person/jose-nunez"]


def test_typed_literals_keep_their_value():
    assert literal(Literal("P90D", "duration")) == RDFLiteral("P90D", datatype=XSD.duration)
    assert literal(Literal("--05-12", "gMonthDay")) == RDFLiteral("--05-12", datatype=XSD.gMonthDay)
    assert literal(Literal("Trade Minister")) == RDFLiteral("Trade Minister")
    # a policy's status is an individual of the ontology, not a string
    assert literal(Literal("InForce", "PolicyStatus")) == KG.InForce
    assert literal(Literal("Lifted", "PolicyStatus")) == KG.Lifted


def test_facts_about_entities_the_corpus_does_not_list_still_get_iris():
    g = build_graph(tariff_corpus(entities=False), with_ontology=False)
    tariff = ID["policy/peru-tariffs"]
    assert (tariff, KG.imposedBy, ID["country/peru"]) in g
    assert (tariff, KG.appliesTo, ID["commodity/zinc"]) in g
    assert len(statements_for(g, tariff, KG.appliesTo, ID["commodity/zinc"])) == 1


def test_text_with_lone_surrogates_still_gets_a_statement():
    # undecodable bytes read with surrogateescape reach the writer as lone surrogates
    c = tariff_corpus()
    ev = c.facts[0].evidence
    c.facts.append(ResolvedFact("policy/peru-tariffs", "duration", Literal("P1Y\udce9", "duration"), ev))
    g = build_graph(c, with_ontology=False)
    assert len(set(g.subjects(RDF.type, RDF.Statement))) == 4


def test_turtle_of_a_plain_rdflib_graph_uses_the_kg_prefixes():
    plain = Graph()
    for t in build_graph(tariff_corpus(), with_ontology=False):
        plain.add(t)
    ttl = to_turtle(plain)
    assert "@prefix kg: <https://w3id.org/kg-news/ontology#> ." in ttl
    assert "policy:peru-tariffs" in ttl and "kg:appliesTo" in ttl
    assert set(Graph().parse(data=ttl, format="turtle")) == set(plain)
