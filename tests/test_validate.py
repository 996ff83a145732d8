"""kg validate: the SHACL shapes, the plain-words messages, the command's exit status."""
from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef, compare
from rdflib.namespace import RDF, RDFS, SKOS, XSD, DCTERMS

from kg import cli
from kg.validate import load_shapes, validate_file, validate_graph
from kg.vocab import ID, KG, ONTOLOGY_FILE, ROOT

TRUMP, BESSENT, XI = ID["person/donald-trump"], ID["person/scott-bessent"], ID["person/xi-jinping"]
US, CHINA = ID["country/united-states"], ID["country/china"]
TREASURY = ID["organization/treasury-department"]
MAGNETS, TRUCE, CONTROLS, CALL = ID["commodity/magnets"], ID["policy/90-day-deal"], ID["policy/export-controls"], ID["event/call"]
DOC = ID["document/001-c3cb938c89e940bb"]


def make_graph(with_ontology: bool = True) -> Graph:
    """A small graph in the shape kg build writes: officials, policies, an event, provenance."""
    g = Graph()
    g.bind("kg", KG._NS)
    if with_ontology:
        g.parse(ONTOLOGY_FILE)
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
    add((BESSENT, KG.title, Literal("Treasury Secretary")))
    add((BESSENT, KG.officialOf, US))
    add((BESSENT, KG.officialOf, TREASURY))
    add((TRUCE, KG.party, US))
    add((TRUCE, KG.party, CHINA))
    add((TRUCE, KG.date, Literal("--05-12", datatype=XSD.gMonthDay)))
    add((TRUCE, KG.duration, Literal("P90D", datatype=XSD.duration)))
    add((CONTROLS, KG.imposedBy, CHINA))
    add((CONTROLS, KG.targets, US))
    add((CONTROLS, KG.appliesTo, MAGNETS))
    add((CONTROLS, KG.date, Literal("2025-04", datatype=XSD.gYearMonth)))
    add((CALL, KG.initiatedBy, TRUMP))
    add((CALL, KG.participant, TRUMP))
    add((CALL, KG.participant, XI))
    add((CALL, KG.date, Literal("2025-06-05", datatype=XSD.date)))
    add((TRUMP, KG.pageRank, Literal("0.2", datatype=XSD.decimal)))
    add((TRUMP, KG.degree, Literal(3)))
    add((DOC, RDF.type, KG.Document))
    add((DOC, DCTERMS.identifier, Literal("001_c3cb938c89e940bb")))
    add((DOC, DCTERMS.title, Literal("Trump and Xi Agree to Resume Dialogue")))
    statement(g, BESSENT, KG.officialOf, US)
    statement(g, BESSENT, KG.title, Literal("Treasury Secretary"))
    return g


def statement(g: Graph, s, p, o, sentence="Treasury Secretary Scott Bessent will meet them.", source=DOC) -> BNode:
    st = BNode()
    g.add((st, RDF.type, RDF.Statement))
    g.add((st, RDF.subject, s))
    g.add((st, RDF.predicate, p))
    g.add((st, RDF.object, o))
    if sentence is not None:
        g.add((st, KG.sentence, Literal(sentence)))
    if source is not None:
        g.add((st, KG.source, source))
    g.add((st, KG.startOffset, Literal(10)))
    g.add((st, KG.endOffset, Literal(60)))
    return st


def violations(g: Graph) -> list[str]:
    conforms, messages = validate_graph(g)
    assert conforms is (not messages)
    return messages


# ------------------------------------------------------------------ conforms

def test_the_fixture_conforms():
    assert validate_graph(make_graph()) == (True, [])


def test_the_ontology_is_brought_in_when_the_graph_lacks_it():
    """A participant that is an Official is an Agent only through the ontology's subclass axioms."""
    g = make_graph(with_ontology=False)
    assert (KG.Official, RDFS.subClassOf, KG.Person) not in g
    assert validate_graph(g) == (True, [])


def test_validation_leaves_the_graph_unchanged():
    g = make_graph(with_ontology=False)
    before = Graph()
    for t in g:
        before.add(t)
    validate_graph(g)
    assert len(g) == len(before) and compare.isomorphic(g, before)


def test_the_shapes_file_parses_and_declares_messages():
    shapes = load_shapes()
    sh = "http://www.w3.org/ns/shacl#"
    props = list(shapes.objects(None, URIRef(sh + "property")))
    assert len(props) >= 20
    for prop in props:
        assert shapes.value(prop, URIRef(sh + "message")) is not None, prop


# ----------------------------------------------------------------- violations

def test_official_of_a_string_is_named():
    g = make_graph()
    g.remove((BESSENT, KG.officialOf, US))
    g.add((BESSENT, KG.officialOf, Literal("United States")))
    assert 'Scott Bessent: kg:officialOf must point to a Country or an Organization, ' \
           'found the string "United States"' in violations(g)


def test_official_of_something_else():
    g = make_graph()
    g.add((BESSENT, KG.officialOf, MAGNETS))
    assert violations(g) == ["Scott Bessent: kg:officialOf must point to a Country or an Organization, "
                             f"found magnets (<{MAGNETS}>), a Commodity"]


def test_official_of_a_node_without_type():
    g = make_graph()
    stray = URIRef("http://example.org/somewhere")
    g.add((BESSENT, KG.officialOf, stray))
    assert violations(g) == ["Scott Bessent: kg:officialOf must point to a Country or an Organization, "
                             f"found <{stray}>, which has no type"]


def test_leader_of_an_organization():
    g = make_graph()
    g.add((XI, KG.leaderOf, TREASURY))
    assert violations(g) == [f"Xi Jinping: kg:leaderOf must point to a Country, found Treasury (<{TREASURY}>), an Organization"]


def test_official_of_on_a_country():
    g = make_graph()
    g.add((US, KG.officialOf, CHINA))
    assert violations(g) == ["United States: has kg:officialOf but is not an Official, it is a Country"]


def test_applies_to_must_be_a_commodity():
    g = make_graph()
    g.add((CONTROLS, KG.appliesTo, CHINA))
    g.add((CONTROLS, KG.appliesTo, Literal("rare earths")))
    assert violations(g) == [
        f"export controls: kg:appliesTo must point to a Commodity, found China (<{CHINA}>), a Country",
        'export controls: kg:appliesTo must point to a Commodity, found the string "rare earths"',
    ]


@pytest.mark.parametrize("literal,found", [
    (Literal("May 12"), 'the string "May 12"'),
    (Literal("2025-05-12T10:00:00", datatype=XSD.dateTime), 'the xsd:dateTime value "2025-05-12T10:00:00"'),
])
def test_dates_must_be_xsd_dates(literal, found):
    g = make_graph()
    g.add((CALL, KG.date, literal))
    assert violations(g) == ["phone call: kg:date must be a valid xsd:date, xsd:gYearMonth, xsd:gMonthDay or "
                             f"xsd:gYear, found {found}"]


def test_an_ill_formed_date_in_a_file_is_reported_without_traceback(tmp_path, capsys):
    g = make_graph()
    path = tmp_path / "g.ttl"
    g.serialize(path, format="turtle")
    text = path.read_text(encoding="utf-8").replace('"2025-06-05"^^xsd:date', '"2025-13-45"^^xsd:date')
    path.write_text(text, encoding="utf-8")
    code = cli.main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert 'phone call: kg:date must be a valid xsd:date, xsd:gYearMonth, xsd:gMonthDay or xsd:gYear, ' \
           'found the xsd:date value "2025-13-45"' in out
    assert "Traceback" not in err and "Traceback" not in out


def test_duration_must_be_an_xsd_duration():
    g = make_graph()
    g.add((TRUCE, KG.duration, Literal("90 days")))
    assert violations(g) == ['90-day deal: kg:duration must be an xsd:duration such as "P90D", found the string "90 days"']


def test_targets_and_party_must_be_countries_or_bodies():
    g = make_graph()
    g.add((CONTROLS, KG.targets, TREASURY))     # a body (a bloc such as the EU) may be targeted
    g.add((TRUCE, KG.party, TREASURY))
    assert violations(g) == []
    g.add((CONTROLS, KG.targets, MAGNETS))
    g.add((TRUCE, KG.party, Literal("China")))
    assert violations(g) == [
        '90-day deal: kg:party must point to a Country or an Organization (a bloc), found the string "China"',
        f"export controls: kg:targets must point to a Country or an Organization, found magnets (<{MAGNETS}>), a Commodity",
    ]


def test_rate_status_and_dates_of_a_policy():
    g = make_graph()
    g.add((CONTROLS, KG.rate, Literal("25", datatype=XSD.decimal)))
    g.add((CONTROLS, KG.status, KG.InForce))
    g.add((CONTROLS, KG.effectiveDate, Literal("2024-04-17", datatype=XSD.date)))
    g.add((CONTROLS, KG.endDate, Literal("2026-06-30", datatype=XSD.date)))
    assert violations(g) == []
    g.add((CONTROLS, KG.rate, Literal("-5", datatype=XSD.decimal)))
    g.add((CONTROLS, KG.status, KG.Policy))
    g.remove((CONTROLS, KG.endDate, None))
    g.add((CONTROLS, KG.endDate, Literal("2020-01-01", datatype=XSD.date)))
    found = violations(g)
    assert any("kg:rate must be a non-negative" in v for v in found), found
    assert any("kg:status must be one of" in v for v in found), found
    assert any("kg:effectiveDate must not be after kg:endDate" in v for v in found), found
    assert len(found) == 3, found


def test_participants_must_be_agents():
    g = make_graph()
    g.add((CALL, KG.participant, MAGNETS))
    assert violations(g) == ["phone call: kg:participant must point to a Person, Country or Organization, "
                             f"found magnets (<{MAGNETS}>), a Commodity"]


def test_exactly_one_label():
    g = make_graph()
    g.add((CHINA, RDFS.label, Literal("PRC")))
    g.remove((TRUCE, RDFS.label, None))
    assert violations(g) == [
        f"<{TRUCE}>: must have exactly one rdfs:label, a string, found none",
        'China: must have exactly one rdfs:label, a string, found 2: the string "China", the string "PRC"',
    ]


def test_officials_are_persons_for_the_label_shape():
    g = make_graph()
    g.remove((XI, RDFS.label, None))
    assert violations(g) == [f"<{XI}>: must have exactly one rdfs:label, a string, found none"]


def test_provenance_needs_sentence_and_source():
    g = make_graph()
    statement(g, TRUMP, KG.leaderOf, US, sentence=None, source=None)
    assert violations(g) == [
        "provenance statement (Donald Trump kg:leaderOf): must have exactly one kg:sentence, a string, found none",
        "provenance statement (Donald Trump kg:leaderOf): must have exactly one kg:source, a Document, found none",
    ]


def test_provenance_source_must_be_a_document():
    g = make_graph()
    statement(g, TRUMP, KG.leaderOf, US, source=US)
    assert violations(g) == [
        "provenance statement (Donald Trump kg:leaderOf): must have exactly one kg:source, a Document, "
        f"found United States (<{US}>), a Country",
    ]


def test_analysis_results_have_number_types():
    g = make_graph()
    g.add((XI, KG.pageRank, Literal("high")))
    assert violations(g) == ['Xi Jinping: kg:pageRank must be a single xsd:decimal, found the string "high"']


# --------------------------------------------------------------- the command

def write(g: Graph, path):
    g.serialize(path, format="turtle")
    return path


def test_cli_conforming_graph(tmp_path, capsys):
    path = write(make_graph(), tmp_path / "g.ttl")
    code = cli.main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert out == f"{path}: conforms to the kg shapes ({len(make_graph())} triples)\n"


def test_cli_planted_violation_exits_1_and_names_it(tmp_path, capsys):
    g = make_graph()
    g.remove((BESSENT, KG.officialOf, US))
    g.add((BESSENT, KG.officialOf, Literal("United States")))
    path = write(g, tmp_path / "g.ttl")
    code = cli.main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    assert out.splitlines() == [
        'Scott Bessent: kg:officialOf must point to a Country or an Organization, found the string "United States"',
        f"{path}: does not conform: 1 violation",
    ]


def test_validate_file_reads_other_serializations(tmp_path):
    g = make_graph()
    g.serialize(tmp_path / "g.nt", format="nt", encoding="utf-8")
    assert validate_file(tmp_path / "g.nt") == (True, [], len(g))


def test_cli_other_shapes(tmp_path, capsys):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix kg: <https://w3id.org/kg-news/ontology#> .\n"
        "[] a sh:NodeShape ; sh:targetClass kg:Official ; sh:property [ sh:path kg:title ; sh:minCount 1 ;"
        " sh:message \"needs a title\" ] .\n", encoding="utf-8")
    path = write(make_graph(), tmp_path / "g.ttl")
    code = cli.main(["validate", str(path), "--shapes", str(shapes)])
    out, _ = capsys.readouterr()
    assert code == 1
    assert out.splitlines()[0] == "Xi Jinping: needs a title, found none"


@pytest.mark.parametrize("content,message", [
    (None, "cannot read {path}: no such file"),
    ("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", "{path} is not valid turtle: "),
])
def test_cli_bad_input_is_one_line_and_status_2(tmp_path, capsys, content, message):
    path = tmp_path / "g.ttl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code = cli.main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("kg validate: error: " + message.format(path=path))
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_folder_is_one_line(tmp_path, capsys):
    assert cli.main(["validate", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"kg validate: error: cannot read {tmp_path}: it is a folder, not a graph file\n"


# --------------------------------------------------------------- seed graph

@pytest.fixture(scope="session")
def seed_graph(tmp_path_factory):
    from kg.pipeline import BuildOptions, build

    out = tmp_path_factory.mktemp("seed-validate")
    build(BuildOptions(inputs=[str(ROOT / "data" / "articles")], out_dir=out, workers=1, quiet=True,
                       cache=False, validate=False))
    return out / "graph.ttl"


@pytest.mark.model
def test_seed_graph_conforms(seed_graph):
    conforms, messages, size = validate_file(seed_graph)
    assert (conforms, messages) == (True, [])
    assert size > 300


@pytest.mark.model
def test_seed_graph_with_a_planted_violation_does_not(seed_graph, tmp_path, capsys):
    g = Graph().parse(seed_graph)
    (bessent,) = g.subjects(RDFS.label, Literal("Scott Bessent"))
    (country,) = g.objects(bessent, KG.officialOf)
    g.remove((bessent, KG.officialOf, country))
    g.add((bessent, KG.officialOf, Literal("United States")))
    path = write(g, tmp_path / "planted.ttl")
    code = cli.main(["validate", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    assert 'Scott Bessent: kg:officialOf must point to a Country or an Organization, found the string "United States"' \
        in out.splitlines()


# ----------------------------------------------------- cycles and self-reference

CYCLES = """@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix st: <https://w3id.org/kg-news/id/statement/> .
st:self a rdf:Statement ; rdf:subject st:self ; rdf:predicate kg:title ; rdf:object st:self .
_:own a rdf:Statement ; rdf:subject _:own ; rdf:predicate kg:title ; rdf:object "Minister" .
_:one a rdf:Statement ; rdf:subject _:two ; rdf:predicate kg:title ; rdf:object _:two .
_:two a rdf:Statement ; rdf:subject _:one ; rdf:predicate kg:title ; rdf:object _:one .
"""


def test_cyclic_and_self_referencing_statements_are_described_in_plain_lines(tmp_path, capsys):
    path = tmp_path / "cycles.ttl"
    path.write_text(CYCLES, encoding="utf-8")
    code = cli.main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[-1] == f"{path}: does not conform: {len(lines) - 1} violations"
    # each statement lacks its sentence and source; the blank ones are named without looping
    assert "provenance statement (itself kg:title): must have exactly one kg:sentence, a string, found none" in lines
    assert ("provenance statement (provenance statement (a statement that refers back to it (a cycle) kg:title) "
            "kg:title): must have exactly one kg:source, a Document, found none") in lines
    assert "st:self: must have exactly one kg:sentence, a string, found none" in lines
    assert "Traceback" not in out and "RecursionError" not in out


def test_cycles_in_a_built_graph_object_do_not_recurse():
    g = Graph().parse(data=CYCLES, format="turtle")
    conforms, messages = validate_graph(g)
    assert not conforms and messages == sorted(set(messages))


def test_the_build_graph_is_validated_in_place_with_the_same_answers():
    from kg.triples import TripleGraph

    g = make_graph()
    g.remove((BESSENT, KG.officialOf, US))
    g.add((BESSENT, KG.officialOf, Literal("United States")))
    statement(g, CHINA, KG.title, Literal("Minister"), sentence=None)
    in_place = TripleGraph.from_rdflib(g)
    before = set(in_place)
    assert validate_graph(in_place) == validate_graph(g)
    assert not validate_graph(in_place)[0] and set(in_place) == before


def test_a_graph_already_validated_is_not_validated_again(tmp_path, monkeypatch):
    from kg import validate as kv

    g = make_graph()
    g.remove((BESSENT, KG.officialOf, US))
    g.add((BESSENT, KG.officialOf, Literal("United States")))
    memo = tmp_path / "cache" / "validation.json"
    text = g.serialize(format="nt")
    first = kv.validate_unless_known(g, text, memo)
    assert first == validate_graph(g) and not first[0]

    def no_pyshacl(*args, **kwargs):
        raise AssertionError("validated again")

    monkeypatch.setattr(kv, "validate_graph", no_pyshacl)
    assert kv.validate_unless_known(g, text, memo) == first            # same triples: the kept answer
    with pytest.raises(AssertionError, match="validated again"):
        kv.validate_unless_known(g, text + "<urn:a> <urn:b> <urn:c> .\n", memo)     # any change: validated
    memo.write_text("{not json", encoding="utf-8")
    with pytest.raises(AssertionError, match="validated again"):
        kv.validate_unless_known(g, text, memo)                          # damaged: validated
