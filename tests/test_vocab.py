"""The ontology file and the code's names for its terms agree, and every fixed term is described."""
from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.vocab import KG, KG_NS, ONTOLOGY_FILE

CONTRACT_CLASSES = ["Person", "Official", "Country", "Organization", "Policy", "ExportControl", "Tariff",
                    "TradeAgreement", "Commodity", "Event", "Document"]
CONTRACT_PROPERTIES = ["title", "officialOf", "leaderOf", "participant", "initiatedBy", "imposedBy", "targets",
                       "appliesTo", "party", "date", "duration", "mentionedIn", "pageRank", "degree", "community"]


@pytest.fixture(scope="module")
def onto():
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def declared(onto):
    return {str(s)[len(KG_NS):] for s in onto.subjects(RDF.type, None)
            if isinstance(s, URIRef) and str(s).startswith(KG_NS)}


def test_code_and_ontology_name_the_same_terms(onto):
    in_code = set(KG.__annotations__)
    assert in_code == declared(onto)


def test_unknown_terms_are_refused():
    with pytest.raises(AttributeError):
        KG.offcialOf  # noqa: B018 (a typo must not mint a new term)


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_contract_classes(onto, name):
    term = KG[name]
    assert (term, RDF.type, OWL.Class) in onto
    assert onto.value(term, RDFS.label) and onto.value(term, RDFS.comment)


@pytest.mark.parametrize("name", CONTRACT_PROPERTIES)
def test_contract_properties_are_described(onto, name):
    term = KG[name]
    assert onto.value(term, RDFS.label) and onto.value(term, RDFS.comment)
    assert onto.value(term, RDFS.range) is not None
    if name not in ("pageRank", "degree", "community", "mentionedIn"):
        assert onto.value(term, RDFS.domain) is not None


def test_axioms_the_contract_fixes(onto):
    assert (KG.leaderOf, RDFS.subPropertyOf, KG.officialOf) in onto
    assert (KG.Official, RDFS.subClassOf, KG.Person) in onto
    for sub in ("ExportControl", "Tariff", "TradeAgreement"):
        assert (KG[sub], RDFS.subClassOf, KG.Policy) in onto


def test_aligned_to_public_vocabularies(onto):
    targets = {str(o) for o in onto.objects(None, RDFS.subClassOf)} | {
        str(o) for o in onto.objects(None, RDFS.subPropertyOf)}
    assert any(t.startswith("https://schema.org/") for t in targets)
    assert any(t.startswith("http://xmlns.com/foaf/0.1/") for t in targets)
    assert any(t.startswith("http://www.w3.org/ns/prov#") for t in targets)
