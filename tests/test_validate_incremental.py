"""Incremental validation (``validate_graph(..., cache_path=...)``) answers exactly as a full one.

Every test compares the cached run with a full pySHACL run on the same graph, and
checks from the run's stats which nodes went through pySHACL again.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.graph import ontology_triples
from kg.triples import TripleGraph
from kg.validate import last_run_stats, load_shapes, validate_graph
from kg.io import leftover_temp_files
from kg.validate_cache import FORMAT, Encoder, analyse_shapes
from kg.vocab import ID, KG, SHAPES_FILE

TRUMP, BESSENT, XI = ID["person/donald-trump"], ID["person/scott-bessent"], ID["person/xi-jinping"]
US, CHINA = ID["country/united-states"], ID["country/china"]
TREASURY = ID["organization/treasury-department"]
MAGNETS, TRUCE, CONTROLS, CALL = (ID["commodity/magnets"], ID["policy/90-day-deal"],
                                  ID["policy/export-controls"], ID["event/call"])
DOC, DOC2 = ID["document/001-c3cb938c89e940bb"], ID["document/002-aaaaaaaaaaaaaaaa"]
ST1, ST2 = ID["statement/0000000000000001"], ID["statement/0000000000000002"]


def make_graph(with_ontology: bool = True) -> Graph:
    """Officials, countries, policies, an event, two documents and two provenance statements; it conforms."""
    g = Graph()
    g.bind("kg", KG._NS)
    if with_ontology:
        for t in ontology_triples():
            g.add(t)
    add = g.add
    for node, kind, label in [
        (TRUMP, KG.Official, "Donald Trump"), (BESSENT, KG.Official, "Scott Bessent"), (XI, KG.Official, "Xi Jinping"),
        (US, KG.Country, "United States"), (CHINA, KG.Country, "China"), (TREASURY, KG.Organization, "Treasury"),
        (MAGNETS, KG.Commodity, "magnets"), (TRUCE, KG.TradeAgreement, "90-day deal"),
        (CONTROLS, KG.ExportControl, "export controls"), (CALL, KG.Event, "phone call"),
    ]:
        add((node, RDF.type, kind))
        add((node, RDFS.label, Literal(label)))
        add((node, KG.mentionedIn, DOC))
    add((US, SKOS.altLabel, Literal("U.S.")))
    add((TRUMP, KG.title, Literal("President")))
    add((TRUMP, KG.leaderOf, US))
    add((XI, KG.leaderOf, CHINA))
    add((BESSENT, KG.officialOf, US))
    add((BESSENT, KG.officialOf, TREASURY))
    add((TRUCE, KG.party, US))
    add((TRUCE, KG.party, CHINA))
    add((TRUCE, KG.date, Literal("--05-12", datatype=XSD.gMonthDay)))
    add((TRUCE, KG.duration, Literal("P90D", datatype=XSD.duration)))
    add((CONTROLS, KG.imposedBy, CHINA))
    add((CONTROLS, KG.targets, US))
    add((CONTROLS, KG.appliesTo, MAGNETS))
    add((CALL, KG.participant, TRUMP))
    add((CALL, KG.participant, XI))
    add((CALL, KG.date, Literal("2025-06-05", datatype=XSD.date)))
    for node, rank, degree in [(TRUMP, "0.2", 3), (XI, "0.1", 2), (US, "0.3", 5)]:
        add((node, KG.pageRank, Literal(rank, datatype=XSD.decimal)))
        add((node, KG.degree, Literal(degree)))
    for doc, ident in [(DOC, "001_c3cb938c89e940bb"), (DOC2, "002_aaaaaaaaaaaaaaaa")]:
        add((doc, RDF.type, KG.Document))
        add((doc, DCTERMS.identifier, Literal(ident)))
        add((doc, DCTERMS.date, Literal("2025-05-12", datatype=XSD.date)))
    add((DOC, DCTERMS.title, Literal("Trump and Xi Agree to Resume Dialogue")))
    statement(g, ST1, BESSENT, KG.officialOf, US)
    statement(g, ST2, TRUMP, KG.leaderOf, US, source=DOC2)
    return g


def statement(g: Graph, st, s, p, o, sentence="Treasury Secretary Scott Bessent will meet them.", source=DOC):
    g.add((st, RDF.type, RDF.Statement))
    g.add((st, RDF.subject, s))
    g.add((st, RDF.predicate, p))
    g.add((st, RDF.object, o))
    g.add((st, KG.sentence, Literal(sentence)))
    g.add((st, KG.source, source))
    g.add((st, KG.startOffset, Literal(10)))
    g.add((st, KG.endOffset, Literal(60)))
    return st


def check(g, cache: Path, shapes: Graph | None = None) -> dict:
    """Validate ``g`` in full and with the cache; the answers must be equal. Returns the cached run's stats."""
    full = validate_graph(g, shapes)
    stats: dict = {}
    incremental = validate_graph(g, shapes, cache_path=cache, stats=stats)
    assert incremental == full
    assert full[0] is (not full[1])
    stats["answer"] = full
    return stats


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache" / "validate.json"


def pointing_to(g, node) -> set:
    """The nodes with a footprint triple to ``node`` (their footprint holds its types)."""
    plan = analyse_shapes(load_shapes())
    return {s for s, p, _ in g.triples((None, None, node)) if p in plan.predicates}


def test_the_encoding_tells_terms_apart():
    terms = [URIRef("http://example.org/a"), BNode("http://example.org/a"), Literal("http://example.org/a"),
             Literal("a"), Literal("a", datatype=XSD.string), Literal("a", lang="en"), Literal("a", lang="de"),
             Literal("1", datatype=XSD.integer), Literal("1", datatype=XSD.decimal), Literal("1"),
             Literal('a"^^<x>'), Literal("a\x1fb"), Literal("a\x1e"), Literal(""), Literal("2025-13-45", datatype=XSD.date),
             URIRef("http://example.org/a\x1fb"), URIRef("http://example.org/a\\x1fb")]
    enc = Encoder()
    texts = [enc(t) for t in terms]
    assert len(set(texts)) == len(terms)
    assert texts == [Encoder()(t) for t in terms]


# ------------------------------------------------------------------ valid graph

def test_valid_graph_same_answer_and_second_run_reuses_everything(cache):
    g = make_graph()
    first = check(g, cache)
    assert first["answer"] == (True, [])
    assert first["mode"] == "incremental" and first["revalidated"] == first["nodes"] == 14  # entities, documents, statements
    assert cache.exists()
    second = check(g, cache)
    assert (second["revalidated"], second["reused"]) == (0, first["nodes"])
    assert second["cache_written"] is False
    assert last_run_stats["revalidated"] == 0


def test_the_shapes_in_use_are_node_local():
    plan = analyse_shapes(load_shapes())
    assert plan.reason is None
    assert {RDF.type, RDFS.label, KG.mentionedIn, KG.officialOf, RDF.subject, KG.source, KG.pageRank} <= plan.predicates
    assert DCTERMS.date not in plan.predicates


def test_triplegraph_input_full_and_incremental(cache):
    """The full path converts a TripleGraph for pySHACL (it used to be passed as is)."""
    g = make_graph()
    g.add((XI, KG.leaderOf, TREASURY))
    tg = TripleGraph.from_rdflib(g)
    expected = validate_graph(g)
    assert validate_graph(tg) == expected
    assert validate_graph(tg, cache_path=cache) == expected
    tg.remove((XI, KG.leaderOf, TREASURY))
    stats: dict = {}
    assert validate_graph(tg, cache_path=cache, stats=stats) == (True, []) == validate_graph(tg)
    assert stats["revalidated_nodes"] == {XI}


def test_graph_without_the_ontology(cache):
    """Without subclass axioms in the graph, both paths bring the ontology in (an Official is an Agent)."""
    g = make_graph(with_ontology=False)
    assert (KG.Official, RDFS.subClassOf, KG.Person) not in g
    assert check(g, cache)["answer"] == (True, [])
    g.add((CALL, KG.participant, MAGNETS))
    stats = check(g, cache)
    assert stats["answer"][0] is False
    assert stats["revalidated_nodes"] == {CALL}


@pytest.mark.parametrize("with_ontology", [True, False])
def test_the_graph_is_left_unchanged(with_ontology, cache):
    g = make_graph(with_ontology)
    tg = TripleGraph.from_rdflib(g)
    before = set(tg)
    validate_graph(tg, cache_path=cache)
    validate_graph(g, cache_path=cache)
    assert set(tg) == before == set(g) and len(tg) == len(before)


def test_footprints_use_no_per_node_graph_lookups(cache):
    """Footprints come from one walk over the subject index, not from a triples() call per node."""
    g = make_graph()
    for i in range(300):
        node = ID[f"country/c{i}"]
        g.add((node, RDF.type, KG.Country))
        g.add((node, RDFS.label, Literal(f"country {i}")))
        g.add((node, KG.mentionedIn, DOC))

    class Counting(TripleGraph):
        calls = 0

        def triples(self, pattern):
            Counting.calls += 1
            return super().triples(pattern)

    tg = Counting.from_rdflib(g)
    Counting.calls = 0
    stats: dict = {}
    assert validate_graph(tg, cache_path=cache, stats=stats) == (True, [])
    assert stats["nodes"] > 300
    assert Counting.calls < 40


# ------------------------------------------------------------------ violations

def _missing_label(g):
    g.remove((TRUCE, RDFS.label, None))


def _two_labels(g):
    g.add((CHINA, RDFS.label, Literal("PRC")))


def _label_not_a_string(g):
    g.remove((CHINA, RDFS.label, None))
    g.add((CHINA, RDFS.label, Literal("China", lang="en")))


def _alt_label_number(g):
    g.add((US, SKOS.altLabel, Literal(1)))


def _official_of_a_literal(g):
    g.remove((BESSENT, KG.officialOf, US))
    g.add((BESSENT, KG.officialOf, Literal("United States")))


def _official_of_a_commodity(g):
    g.add((BESSENT, KG.officialOf, MAGNETS))


def _official_of_on_a_country(g):
    g.add((US, KG.officialOf, CHINA))


def _leader_of_an_organization(g):
    g.add((XI, KG.leaderOf, TREASURY))


def _policy_targets_a_person(g):
    g.add((CONTROLS, KG.targets, TRUMP))


def _party_a_string(g):
    g.add((TRUCE, KG.party, Literal("China")))


def _imposed_by_untyped(g):
    g.add((CONTROLS, KG.imposedBy, URIRef("http://example.org/somewhere")))


def _bad_duration(g):
    g.add((TRUCE, KG.duration, Literal("90 days")))


def _applies_to_a_country(g):
    g.add((CONTROLS, KG.appliesTo, CHINA))


def _bad_date_datatype(g):
    g.add((CALL, KG.date, Literal("2025-05-12T10:00:00", datatype=XSD.dateTime)))


def _ill_formed_date(g):
    g.remove((CALL, KG.date, None))
    g.add((CALL, KG.date, Literal("2025-13-45", datatype=XSD.date)))


def _participant_a_commodity(g):
    g.add((CALL, KG.participant, MAGNETS))


def _mentioned_in_a_country(g):
    g.add((MAGNETS, KG.mentionedIn, US))


def _official_title_a_number(g):
    g.add((XI, KG.title, Literal(3)))


def _statement_without_subject(g):
    g.remove((ST1, RDF.subject, None))


def _statement_with_two_objects(g):
    g.add((ST1, RDF.object, CHINA))


def _statement_predicate_a_literal(g):
    g.remove((ST2, RDF.predicate, None))
    g.add((ST2, RDF.predicate, Literal("leaderOf")))


def _statement_without_sentence_and_source(g):
    g.remove((ST2, KG.sentence, None))
    g.remove((ST2, KG.source, None))


def _statement_source_a_country(g):
    g.remove((ST1, KG.source, None))
    g.add((ST1, KG.source, US))


def _statement_offset_a_string(g):
    g.remove((ST1, KG.startOffset, None))
    g.add((ST1, KG.startOffset, Literal("ten")))


def _document_without_identifier(g):
    g.remove((DOC2, DCTERMS.identifier, None))


def _document_two_titles(g):
    g.add((DOC, DCTERMS.title, Literal("Another title")))


def _page_rank_a_string(g):
    g.remove((XI, KG.pageRank, None))
    g.add((XI, KG.pageRank, Literal("high")))


def _two_degrees(g):
    g.add((US, KG.degree, Literal(7)))


def _document_stops_being_a_document(g):
    """Changes DOC2's type only: ST2's kg:source check (another node) now fails."""
    g.remove((DOC2, RDF.type, KG.Document))
    g.add((DOC2, RDF.type, KG.Country))


VIOLATIONS = [
    _missing_label, _two_labels, _label_not_a_string, _alt_label_number, _official_of_a_literal,
    _official_of_a_commodity, _official_of_on_a_country, _leader_of_an_organization, _policy_targets_a_person,
    _party_a_string, _imposed_by_untyped, _bad_duration, _applies_to_a_country, _bad_date_datatype,
    _ill_formed_date, _participant_a_commodity, _mentioned_in_a_country, _official_title_a_number,
    _statement_without_subject, _statement_with_two_objects, _statement_predicate_a_literal,
    _statement_without_sentence_and_source, _statement_source_a_country, _statement_offset_a_string,
    _document_without_identifier, _document_two_titles, _page_rank_a_string, _two_degrees,
    _document_stops_being_a_document,
]


def _changed_nodes(before: Graph, after: Graph) -> set:
    """Subjects whose triples changed, and the nodes pointing to a node whose types changed."""
    diff = set(before) ^ set(after)
    out = {s for s, _, _ in diff}
    for s, p, _ in diff:
        if p == RDF.type:
            out |= pointing_to(after, s) | pointing_to(before, s)
    return out


@pytest.mark.parametrize("violate", VIOLATIONS, ids=lambda f: f.__name__.strip("_"))
def test_each_violation_cold_and_warm(violate, cache, tmp_path):
    g = make_graph()
    before = Graph()
    for t in g:
        before.add(t)
    assert check(g, cache)["answer"] == (True, [])       # warms the cache on the valid graph
    violate(g)
    warm = check(g, cache)
    assert warm["answer"][0] is False and warm["answer"][1], "the edit should break a shape"
    assert warm["revalidated_nodes"] == _changed_nodes(before, g)
    assert warm["revalidated"] <= 5
    cold = check(g, tmp_path / "cold.json")                 # an empty cache gives the same answer
    assert cold["revalidated"] == cold["nodes"]


def test_messages_name_the_other_node_in_plain_words(cache):
    g = make_graph()
    check(g, cache)
    _document_stops_being_a_document(g)
    stats = check(g, cache)
    assert stats["answer"] == (False, [
        f"<{DOC2}>: must have exactly one rdfs:label, a string, found none",        # a Country now: an Agent
        f"<{ST2}>: must have exactly one kg:source, a Document, found <{DOC2}>, a Country",
    ])
    assert stats["revalidated_nodes"] == {DOC2, ST2}


# ------------------------------------------------------------------ a sequence of edits

def test_a_sequence_of_edits(cache):
    g = make_graph()
    nodes = check(g, cache)["nodes"]

    # add a violation
    g.add((XI, KG.leaderOf, TREASURY))
    s = check(g, cache)
    assert s["answer"][1] == [f"Xi Jinping: kg:leaderOf must point to a Country, found Treasury (<{TREASURY}>), "
                              "an Organization"]
    assert s["revalidated_nodes"] == {XI}

    # the same violation elsewhere too, then fix the first one
    g.add((TRUMP, KG.leaderOf, TREASURY))
    assert check(g, cache)["revalidated_nodes"] == {TRUMP}
    g.remove((XI, KG.leaderOf, TREASURY))
    s = check(g, cache)
    assert s["revalidated_nodes"] == {XI} and len(s["answer"][1]) == 1

    # change an object's type: the sh:class check of the nodes pointing to it flips
    g.remove((TREASURY, RDF.type, KG.Organization))
    g.add((TREASURY, RDF.type, KG.Country))
    s = check(g, cache)
    assert s["answer"] == (True, [])
    assert s["revalidated_nodes"] == {TREASURY} | pointing_to(g, TREASURY) == {TREASURY, TRUMP, BESSENT}

    # change a predicate no shape looks at: nothing to do
    g.remove((DOC, DCTERMS.date, None))
    g.add((DOC, DCTERMS.date, Literal("2025-05-13", datatype=XSD.date)))
    s = check(g, cache)
    assert s["revalidated"] == 0 and s["cache_written"] is False

    # add a node
    new = ID["country/japan"]
    g.add((new, RDF.type, KG.Country))
    g.add((new, RDFS.label, Literal("Japan")))
    s = check(g, cache)
    assert s["revalidated_nodes"] == {new} and s["nodes"] == nodes + 1

    # a node with a violation
    g.add((new, RDFS.label, Literal("Nippon")))
    s = check(g, cache)
    assert s["revalidated_nodes"] == {new} and len(s["answer"][1]) == 1

    # remove a node others point to: the pointers lose their objects' types
    for t in list(g.triples((MAGNETS, None, None))):
        g.remove(t)
    s = check(g, cache)
    assert s["revalidated_nodes"] == {CONTROLS}
    assert s["nodes"] == nodes and s["cache_written"]
    assert f"export controls: kg:appliesTo must point to a Commodity, found <{MAGNETS}>, which has no type" \
        in s["answer"][1]

    # the cache keeps only the current graph's footprints
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT
    assert len(data["entries"]) == s["footprints"]         # one per (node, shape that targets it)
    assert sum(1 for v in data["entries"].values() if v) == 2     # Japan and the export controls
    assert leftover_temp_files(cache.parent) == []


def test_changing_the_ontology_revalidates_everything(cache):
    g = make_graph()
    g.add((XI, KG.leaderOf, TREASURY))
    first = check(g, cache)
    assert len(first["answer"][1]) == 1
    g.add((KG.Organization, RDFS.subClassOf, KG.Country))     # now Treasury is a Country too
    s = check(g, cache)
    assert s["answer"] == (True, [])
    assert s["revalidated"] == s["nodes"] == first["nodes"]


def test_a_graph_that_lost_an_axiom_gets_the_ontology_back(cache):
    """Like the full path, the cached path mixes the whole ontology in when an axiom is missing."""
    g = make_graph()
    g.add((CONTROLS, KG.appliesTo, CHINA))
    check(g, cache)
    g.remove((KG.ExportControl, RDFS.subClassOf, KG.Policy))
    s = check(g, cache)
    assert len(s["answer"][1]) == 1 and s["revalidated"] < 10


def test_changing_the_shapes_revalidates_everything(cache):
    g = make_graph()
    check(g, cache)
    shapes = Graph().parse(SHAPES_FILE)
    s = check(g, cache, shapes)               # the same shapes parsed again (new blank nodes): reused
    assert s["revalidated"] == 0
    (prop,) = shapes.subjects(URIRef("http://www.w3.org/ns/shacl#path"), KG.title)
    shapes.add((prop, URIRef("http://www.w3.org/ns/shacl#minCount"), Literal(1)))
    s = check(g, cache, shapes)
    assert s["revalidated"] == s["nodes"]
    assert "Xi Jinping: kg:title must be a string (the office as written), found none" in s["answer"][1]


# ------------------------------------------------------------------ out of the node-local subset

SH_PREFIXES = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix kg: <https://w3id.org/kg-news/ontology#> .\n"
               "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
NOT_LOCAL = {
    "targetObjectsOf": "[] a sh:NodeShape ; sh:targetObjectsOf kg:leaderOf ; sh:class kg:Country ;"
                       " sh:message \"is led but is not a Country\" .",
    "inversePath": "[] a sh:NodeShape ; sh:targetClass kg:Document ; sh:property [ sh:path [ sh:inversePath"
                   " kg:mentionedIn ] ; sh:minCount 1 ; sh:message \"no entity is mentioned in it\" ] .",
    "node": "[] a sh:NodeShape ; sh:targetClass kg:Official ; sh:property [ sh:path kg:leaderOf ;"
            " sh:node [ sh:property [ sh:path rdfs:label ; sh:minCount 1 ] ] ; sh:message \"leads a nameless place\" ] .",
    "closed": "[] a sh:NodeShape ; sh:targetClass kg:Country ; sh:closed true ; sh:ignoredProperties ( ) ;"
              " sh:message \"closed\" .",
    "nested property": "[] a sh:NodeShape ; sh:targetClass kg:Official ; sh:or ( [ sh:path kg:leaderOf ;"
                       " sh:minCount 1 ] [ sh:path kg:officialOf ; sh:minCount 1 ] ) ; sh:message \"holds no office\" .",
    "no message": "[] a sh:NodeShape ; sh:targetClass kg:Official ; sh:property [ sh:path kg:title ; sh:minCount 1 ] .",
}


@pytest.mark.parametrize("name", sorted(NOT_LOCAL))
def test_shapes_outside_the_subset_fall_back_to_a_full_validation(name, cache):
    shapes = Graph().parse(data=SH_PREFIXES + NOT_LOCAL[name], format="turtle")
    assert analyse_shapes(shapes).reason
    g = make_graph()
    s = check(g, cache, shapes)
    assert s["mode"] == "full" and "not node-local" in s["reason"]
    assert not cache.exists()
    # changes, some seen only by the non-local shape: still the right answer, still no cache
    for t in list(g.triples((None, KG.mentionedIn, DOC))):
        g.remove(t)
    g.remove((US, RDFS.label, None))
    g.add((XI, KG.leaderOf, TREASURY))
    s = check(g, cache, shapes)
    assert s["mode"] == "full" and not cache.exists()


def test_inverse_path_fallback_sees_changes_on_other_nodes(cache):
    """A document is valid only while something points to it: exactly what footprints cannot see."""
    shapes = Graph().parse(data=SH_PREFIXES + NOT_LOCAL["inversePath"], format="turtle")
    g = make_graph()
    assert check(g, cache, shapes)["answer"] == (False, [
        f"<{DOC2}>: no entity is mentioned in it"])
    g.add((CHINA, KG.mentionedIn, DOC2))
    assert check(g, cache, shapes)["answer"] == (True, [])


def test_target_node_shapes_are_local(cache):
    shapes = load_shapes()
    extra = Graph()
    for t in shapes:
        extra.add(t)
    nowhere, capital = ID["country/atlantis"], URIRef("http://example.org/capital")
    extra.parse(data=SH_PREFIXES + f"[] a sh:NodeShape ; sh:targetNode <{nowhere}>, <{US}> ; sh:property [ sh:path"
                f" <{capital}> ; sh:minCount 1 ; sh:message \"needs a capital\" ] .", format="turtle")
    plan = analyse_shapes(extra)
    assert plan.reason is None and nowhere in plan.target_nodes and capital in plan.predicates
    g = make_graph()
    s = check(g, cache, extra)
    assert len(s["answer"][1]) == 2
    g.add((US, capital, Literal("Washington")))
    s = check(g, cache, extra)
    assert s["revalidated_nodes"] == {US} and len(s["answer"][1]) == 1


# ------------------------------------------------------------------ a broken cache

def _mangle_entries(text: str) -> str:
    data = json.loads(text)
    entries = data["entries"]
    for i, fp in enumerate(sorted(entries)):
        entries[fp] = [["x"], "junk", None, 3, [None, "<nowhere>", None, "m", None],
                       [[None, "<nowhere>", None, "a value the node does not have", None]]][i % 6]
    return json.dumps(data)


@pytest.mark.parametrize("content", [
    "", "{", "not json at all", "[]", "null", '{"format": "kg-validate-cache/1"}',
    '{"format": "kg-validate-cache/1", "key": 3, "entries": []}', b"\xff\xfe\x00garbage", "mangled",
])
def test_a_corrupt_cache_is_ignored(content, cache):
    g = make_graph()
    g.add((XI, KG.leaderOf, TREASURY))
    cache.parent.mkdir(parents=True, exist_ok=True)
    if content == "mangled":
        check(g, cache)
        content = _mangle_entries(cache.read_text(encoding="utf-8"))
    if isinstance(content, bytes):
        cache.write_bytes(content)
    else:
        cache.write_text(content, encoding="utf-8")
    s = check(g, cache)
    assert s["answer"][0] is False
    assert s["revalidated"] >= 1 and s["cache_written"]
    assert check(g, cache)["revalidated"] == 0      # and it was rewritten whole


def test_an_unreadable_or_unwritable_cache_does_not_crash(tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    g = make_graph()
    s = check(g, folder)             # reading a folder fails, writing over it fails: both only logged
    assert s["mode"] == "incremental" and s["cache_written"] is False


# ------------------------------------------------------------------ property: random graphs, random edits

ENTITIES = [ID[f"thing/e{i}"] for i in range(5)] + [DOC, DOC2, ST1, ST2, ID["thing/e9"]]
BLANK = BNode("fixed-blank-node")
NODES = ENTITIES + [BLANK]
TYPES = [KG.Official, KG.Person, KG.Country, KG.Organization, KG.Commodity, KG.Tariff, KG.TradeAgreement,
         KG.Event, KG.Document, RDF.Statement, KG.Agent]
PREDICATES = [RDFS.label, SKOS.altLabel, KG.mentionedIn, KG.title, KG.officialOf, KG.leaderOf, KG.participant,
              KG.initiatedBy, KG.imposedBy, KG.targets, KG.party, KG.duration, KG.appliesTo, KG.date,
              DCTERMS.identifier, DCTERMS.title, RDF.subject, RDF.predicate, RDF.object, KG.sentence, KG.source,
              KG.startOffset, KG.endOffset, KG.pageRank, KG.degree, DCTERMS.date, URIRef("http://example.org/unknownPredicate")]
LITERALS = [Literal("x"), Literal("y"), Literal("x", lang="en"), Literal(3), Literal(4),
            Literal("0.5", datatype=XSD.decimal), Literal("2025-05-01", datatype=XSD.date),
            Literal("2025-05", datatype=XSD.gYearMonth), Literal("P90D", datatype=XSD.duration),
            Literal("x", datatype=XSD.string), URIRef("http://example.org/untyped")]

triples_strategy = st.one_of(
    st.tuples(st.sampled_from(NODES), st.just(RDF.type), st.sampled_from(TYPES)),
    st.tuples(st.sampled_from(NODES), st.sampled_from(PREDICATES), st.sampled_from(NODES + LITERALS)),
)


EXTRA_SHAPES = SH_PREFIXES + """
@prefix kgsh: <https://w3id.org/kg-news/shapes#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix id: <https://w3id.org/kg-news/id/> .
kgsh:Named a sh:NodeShape ; sh:targetNode id:thing\\/e0, id:thing\\/e9 ;
    sh:property [ sh:path kg:title ; sh:minCount 1 ; sh:message "needs a title" ] ,
                [ sh:path rdfs:label ; sh:disjoint skos:altLabel ; sh:message "label and alt label overlap" ] .
kgsh:Participants a sh:NodeShape ; sh:targetSubjectsOf kg:participant ; sh:not [ sh:class kg:Commodity ] ;
    sh:nodeKind sh:IRI ; sh:message "a commodity or a blank node takes part" .
kgsh:PartiesAreTargets a sh:PropertyShape ; sh:targetClass kg:Policy ; sh:path kg:party ; sh:equals kg:targets ;
    sh:message "parties and targets differ" .
kgsh:Dated a sh:NodeShape ; sh:targetClass kg:Event ;
    sh:property [ sh:path kg:date ; sh:in ( "2025-05-01"^^xsd:date "2025-05"^^xsd:gYearMonth ) ; sh:message "odd date" ] ,
                [ sh:path kg:title ; sh:pattern "^x" ; sh:maxLength 1 ; sh:message "odd title" ] ,
                [ sh:path kg:startOffset ; sh:minInclusive 4 ; sh:lessThan kg:endOffset ; sh:message "odd offsets" ] .
"""
# Shapes that make one group of all: a shape that is also a class (implicit target), a shared property shape.
ONE_GROUP_SHAPES = SH_PREFIXES + """
@prefix kgsh: <https://w3id.org/kg-news/shapes#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kg:Commodity a rdfs:Class, sh:NodeShape ; sh:property [ sh:path kg:party ; sh:maxCount 0 ; sh:message "no party" ] .
kgsh:A a sh:NodeShape ; sh:targetClass kg:Country ; sh:property kgsh:OneLabel .
kgsh:B a sh:NodeShape ; sh:targetSubjectsOf kg:party ; sh:property kgsh:OneLabel .
kgsh:OneLabel sh:path rdfs:label ; sh:maxCount 1 ; sh:datatype xsd:string ; sh:message "one string label" .
"""
_VARIANTS: dict = {}


def shapes_variant(name: str) -> Graph:
    if name not in _VARIANTS:
        g = Graph()
        for t in load_shapes():
            g.add(t)
        if name != "default":
            g.parse(data=EXTRA_SHAPES if name == "extra" else ONE_GROUP_SHAPES, format="turtle")
        _VARIANTS[name] = g
    return _VARIANTS[name]


def test_shape_groups():
    assert len(analyse_shapes(load_shapes()).groups) == 11          # one per targeted shape
    extra = analyse_shapes(shapes_variant("extra"))
    assert extra.reason is None and len(extra.groups) == 15
    assert ID["thing/e9"] in extra.target_nodes and KG.endOffset in extra.predicates
    one = analyse_shapes(shapes_variant("one group"))
    assert one.reason is None and [g.gid for g in one.groups] == ["*"]


def test_new_analysis_numbers_revalidate_nothing_but_a_new_kind_of_value_does(cache):
    """kg:pageRank takes new numbers on every build; its shape only looks at each value's datatype."""
    g = make_graph()
    check(g, cache)
    g.remove((TRUMP, KG.pageRank, None))
    g.add((TRUMP, KG.pageRank, Literal("0.25", datatype=XSD.decimal)))
    s = check(g, cache)
    assert s["revalidated_nodes"] == set()
    assert s["footprints"] > s["nodes"]
    for bad in (Literal("high", datatype=XSD.decimal),      # ill-typed
                Literal("7", datatype=XSD.integer),          # another datatype
                Literal("0.25")):                             # a plain string
        g.remove((TRUMP, KG.pageRank, None))
        g.add((TRUMP, KG.pageRank, bad))
        s = check(g, cache)                                    # check() compares with a full validation
        assert s["revalidated_nodes"] == {TRUMP} and s["revalidated_footprints"] == 1, bad
    g.add((TRUMP, KG.pageRank, Literal("0.5", datatype=XSD.decimal)))   # now two values: sh:maxCount
    s = check(g, cache)
    assert s["revalidated_nodes"] == {TRUMP}


def test_analysis_numbers_made_from_values_or_read_from_text_look_alike(cache):
    """A build makes kg:pageRank from Python numbers; a forked child gets them pickled, which
    rebuilds them from their text (rdflib then says ``ill_typed`` False, not None). Either way
    the next build must reuse every cached result."""
    import pickle
    from decimal import Decimal

    def with_numbers(made) -> Graph:
        g = make_graph()
        for node in (TRUMP, XI):
            g.remove((node, KG.pageRank, None))
            g.add((node, KG.pageRank, made(Literal(Decimal("0.125"), datatype=XSD.decimal))))
            g.add((node, KG.degree, made(Literal(3))))
        return g

    from_text = with_numbers(lambda lit: pickle.loads(pickle.dumps(lit)))
    from_value = with_numbers(lambda lit: lit)
    assert {o.ill_typed for o in from_text.objects(TRUMP, KG.pageRank)} == {False}
    assert {o.ill_typed for o in from_value.objects(TRUMP, KG.pageRank)} == {None}
    for first, second in ((from_text, from_value), (from_value, from_text)):
        cache.unlink(missing_ok=True)
        check(first, cache)
        s = check(second, cache)
        assert s["revalidated_nodes"] == set() and s["reused"] == s["nodes"]


@given(data=st.data(),
       initial=st.lists(triples_strategy, max_size=30),
       with_ontology=st.booleans(),
       as_triplegraph=st.booleans(),
       variant=st.sampled_from(["default", "extra", "one group"]))
def test_incremental_equals_full_on_random_graphs_and_edits(data, initial, with_ontology, as_triplegraph, variant):
    shapes = shapes_variant(variant)
    base = list(ontology_triples()) if with_ontology else []
    current = dict.fromkeys(base + initial)
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "validate.json"
        edits = data.draw(st.integers(1, 3), label="edits")
        touched: set = set()
        previous: dict = {}
        for step in range(edits + 1):
            g = Graph()
            for t in current:
                g.add(t)
            graph = TripleGraph.from_rdflib(g) if as_triplegraph else g
            full = validate_graph(graph, shapes)
            stats: dict = {}
            assert validate_graph(graph, shapes, cache_path=cache, stats=stats) == full
            assert stats["mode"] == "incremental"
            if step:
                # only the edited nodes and the nodes pointing to them go through pySHACL again
                allowed = set()
                for s, p, o in touched:
                    allowed |= {s, o} | {x for x, _, y in current if y in (s, o)} | {x for x, _, y in previous if y in (s, o)}
                assert stats["revalidated_nodes"] <= allowed
            if step == edits:
                break
            mine = [t for t in current if t not in set(base)]
            removed = data.draw(st.lists(st.sampled_from(mine), max_size=3, unique=True), label="remove") if mine else []
            added = data.draw(st.lists(triples_strategy, max_size=4), label="add")
            previous = dict(current)
            for t in removed:
                current.pop(t, None)
            current.update(dict.fromkeys(added))
            touched = set(removed) | set(added)
