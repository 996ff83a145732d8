"""kg query: formats, prefixes, read-only, errors, named queries (fixture graph and seed graph)."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from rdflib import Graph, Literal, URIRef, compare
from rdflib.namespace import RDFS

from kg import cli
from kg import query as kgq
from kg.prefixes import Compactor, read_turtle_prefixes
from kg.vocab import ONTOLOGY_FILE, ROOT

FIXTURE = """\
@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix person: <https://w3id.org/kg-news/id/person/> .
@prefix country: <https://w3id.org/kg-news/id/country/> .
@prefix organization: <https://w3id.org/kg-news/id/organization/> .
@prefix commodity: <https://w3id.org/kg-news/id/commodity/> .
@prefix event: <https://w3id.org/kg-news/id/event/> .
@prefix policy: <https://w3id.org/kg-news/id/policy/> .
@prefix document: <https://w3id.org/kg-news/id/document/> .

person:donald-trump a kg:Official ; rdfs:label "Donald Trump" ; skos:altLabel "Trump" ;
    kg:title "President" ; kg:leaderOf country:united-states ; kg:officialOf country:united-states ;
    kg:mentionedIn document:d1 ; kg:pageRank 0.31 ; kg:degree 5 ; kg:community 0 .
person:xi-jinping a kg:Official ; rdfs:label "Xi Jinping" ; skos:altLabel "Xi" ;
    kg:title "President" ; kg:leaderOf country:china ;
    kg:mentionedIn document:d1 ; kg:pageRank 0.22 ; kg:degree 3 ; kg:community 1 .
person:scott-bessent a kg:Official ; rdfs:label "Scott Bessent" ; skos:altLabel "Bessent" ;
    kg:title "Treasury Secretary" ; kg:officialOf country:united-states ;
    kg:mentionedIn document:d2 ; kg:pageRank 0.05 ; kg:degree 1 ; kg:community 0 .
person:he-yifeng a kg:Official ; rdfs:label "He Yifeng" ; kg:officialOf organization:state-council .
country:united-states a kg:Country ; rdfs:label "United States" ; skos:altLabel "U.S.", "Washington" ;
    kg:pageRank 0.25 ; kg:degree 4 ; kg:community 0 .
country:china a kg:Country ; rdfs:label "China" ; skos:altLabel "Beijing" ; kg:pageRank 0.12 ; kg:degree 4 ; kg:community 1 .
country:taiwan a kg:Country ; rdfs:label "Taiwan" .
organization:state-council a kg:Organization ; rdfs:label "State Council" .
commodity:rare-earth-magnets a kg:Commodity ; rdfs:label "rare earth magnets" .
commodity:critical-minerals a kg:Commodity ; rdfs:label "critical minerals" .
commodity:chip-design-software a kg:Commodity ; rdfs:label "chip design software" .
policy:china-export-controls a kg:ExportControl ; rdfs:label "China export controls on critical minerals" ;
    kg:imposedBy country:china ; kg:targets country:united-states ;
    kg:appliesTo commodity:critical-minerals, commodity:rare-earth-magnets ; kg:date "2025-04"^^xsd:gYearMonth .
policy:us-export-controls a kg:ExportControl ; rdfs:label "United States export controls on chip design software" ;
    kg:imposedBy country:united-states ; kg:targets country:china ; kg:appliesTo commodity:chip-design-software .
policy:90-day-truce a kg:TradeAgreement ; rdfs:label "90-day truce" ;
    kg:party country:china, country:united-states ; kg:date "--05-12"^^xsd:gMonthDay ; kg:duration "P90D"^^xsd:duration .
event:phone-call a kg:Event ; rdfs:label "telephone conversation" ; kg:date "2025-06-05"^^xsd:date ;
    kg:initiatedBy person:donald-trump ; kg:participant person:donald-trump, person:xi-jinping .
document:d1 a kg:Document ; dcterms:identifier "000_9371013e58d63842" ; dcterms:title "Xi and Trump talk" .
document:d2 a kg:Document ; dcterms:identifier "001_c3cb938c89e940bb" ; dcterms:title "Trump and Xi Agree" .
[] a rdf:Statement ; rdf:subject person:scott-bessent ; rdf:predicate kg:title ; rdf:object "Treasury Secretary" ;
   kg:sentence "Trump noted that Treasury Secretary Scott Bessent would meet." ; kg:source document:d2 ;
   kg:startOffset 900 ; kg:endOffset 960 .
[] a rdf:Statement ; rdf:subject person:scott-bessent ; rdf:predicate kg:officialOf ; rdf:object country:united-states ;
   kg:sentence "Trump noted that Treasury Secretary Scott Bessent would meet." ; kg:source document:d2 ;
   kg:startOffset 900 ; kg:endOffset 960 .
[] a rdf:Statement ; rdf:subject event:phone-call ; rdf:predicate kg:initiatedBy ; rdf:object person:donald-trump ;
   kg:sentence "The call, reportedly initiated at Trump’s request, comes amid rising tensions." ;
   kg:source document:d1 ; kg:startOffset 200 ; kg:endOffset 280 .
"""
US = "https://w3id.org/kg-news/id/country/united-states"
TRUMP = "https://w3id.org/kg-news/id/person/donald-trump"


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory):
    """The fixture instance data followed by the ontology, as kg build writes it."""
    ontology = ONTOLOGY_FILE.read_text(encoding="utf-8")
    ontology_prefixes = "\n".join(l for l in ontology.splitlines() if l.startswith("@prefix"))
    ontology_body = "\n".join(l for l in ontology.splitlines() if not l.startswith("@prefix"))
    path = tmp_path_factory.mktemp("query") / "graph.ttl"
    path.write_text(ontology_prefixes + "\n" + FIXTURE + "\n" + ontology_body, encoding="utf-8")
    return path


def run_cli(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def csv_rows(text):
    return list(csv.reader(io.StringIO(text)))


def cell_set(cell: str) -> set[str]:
    """A GROUP_CONCAT cell as a set: the engine picks the order."""
    return {c for c in cell.split(", ") if c}


def named(graph_file, name, **params):
    """Run a named query, return its rows as dicts (CSV cells)."""
    text = kgq.run(graph_file, kgq.named_query(name).text, "csv", params or None)
    rows = csv_rows(text)
    return [dict(zip(rows[0], r)) for r in rows[1:]]


# ------------------------------------------------------------------ prefixes

def test_read_turtle_prefixes_reads_the_header_only(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(
        "# a comment\n@prefix kg: <https://w3id.org/kg-news/ontology#> .\n\n"
        "PREFIX ex: <http://example.org/>\n@base <http://example.org/> .\n@prefix : <http://default/> .\n"
        "ex:a ex:b ex:c .\n@prefix late: <http://late/> .\n",
        encoding="utf-8",
    )
    assert read_turtle_prefixes(path) == {
        "kg": "https://w3id.org/kg-news/ontology#", "ex": "http://example.org/", "": "http://default/",
    }


def test_compactor_picks_the_longest_namespace_and_only_valid_names():
    c = Compactor({"id": "https://w3id.org/kg-news/id/", "person": "https://w3id.org/kg-news/id/person/"})
    assert c.label("https://w3id.org/kg-news/id/person/donald-trump") == "person:donald-trump"
    # "country/china" is no valid local name: keep the full IRI rather than print bad syntax.
    assert c.label("https://w3id.org/kg-news/id/country/china") == "<https://w3id.org/kg-news/id/country/china>"


def test_standard_and_graph_prefixes_are_predeclared(graph_file):
    graph = kgq.load_graph(graph_file)
    for name in ("rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "schema", "person", "kg"):
        assert name in graph.prefixes
    assert graph.prefixes["schema"] == "https://schema.org/"
    ask = "ASK { kg:Person rdfs:subClassOf schema:Person . person:donald-trump skos:altLabel 'Trump' . " \
          "?d dcterms:identifier ?id . kg:Agent rdfs:subClassOf prov:Agent }"
    assert kgq.run(graph_file, ask) == "true\n"


def test_a_query_may_declare_its_own_prefixes(graph_file):
    assert kgq.run(graph_file, "PREFIX kg: <http://example.org/other#> ASK { ?x a kg:Official }") == "false\n"
    assert kgq.run(graph_file, "PREFIX k: <https://w3id.org/kg-news/ontology#> ASK { ?x a k:Official }") == "true\n"


# ------------------------------------------------------------------- formats

SELECT_OFFICIALS = "SELECT ?p ?name WHERE { ?p a kg:Official ; rdfs:label ?name ; kg:leaderOf ?c } ORDER BY ?name"


def test_table_is_aligned_with_compact_iris(graph_file):
    text = kgq.run(graph_file, SELECT_OFFICIALS)
    lines = text.splitlines()
    assert lines[0].split() == ["p", "name"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split() == ["person:donald-trump", "Donald", "Trump"]
    assert lines[3].split() == ["person:xi-jinping", "Xi", "Jinping"]
    # the second column starts at the same place on every line
    column = lines[1].index("  -") + 2
    assert [lines[0].index("name"), lines[2].index("Donald"), lines[3].index("Xi Jinping")] == [column] * 3
    assert lines[-1] == "(2 rows)"


def test_table_shows_unbound_as_empty_and_literals_plainly(graph_file):
    text = kgq.run(graph_file, "SELECT ?n ?d WHERE { ?x rdfs:label ?n . OPTIONAL { ?x kg:date ?d } "
                               "FILTER(?n IN ('90-day truce', 'Taiwan')) } ORDER BY ?n")
    assert [l.split() for l in text.splitlines()[2:4]] == [["90-day", "truce", "--05-12"], ["Taiwan"]]


def test_csv_is_the_w3c_format(graph_file):
    text = kgq.run(graph_file, SELECT_OFFICIALS, "csv")
    assert text.startswith("p,name\r\n")
    assert csv_rows(text)[1:] == [[TRUMP, "Donald Trump"],
                                  ["https://w3id.org/kg-news/id/person/xi-jinping", "Xi Jinping"]]


def test_tsv_is_the_w3c_format(graph_file):
    text = kgq.run(graph_file, SELECT_OFFICIALS, "tsv")
    lines = text.splitlines()
    assert lines[0] == "?p\t?name"
    assert lines[1] == f'<{TRUMP}>\t"Donald Trump"'


def test_json_is_the_w3c_format(graph_file):
    data = json.loads(kgq.run(graph_file, "SELECT ?p ?d WHERE { ?p kg:date ?d } ORDER BY ?d", "json"))
    assert data["head"]["vars"] == ["p", "d"]
    first = data["results"]["bindings"][0]
    assert first["p"] == {"type": "uri", "value": "https://w3id.org/kg-news/id/policy/90-day-truce"}
    assert first["d"]["type"] == "literal"
    assert first["d"]["value"] == "--05-12"
    assert first["d"]["datatype"] == "http://www.w3.org/2001/XMLSchema#gMonthDay"


@pytest.mark.parametrize("fmt,yes,no", [
    ("table", "true\n", "false\n"),
    ("csv", "true\n", "false\n"),
    ("tsv", "true\n", "false\n"),
])
def test_ask_in_text_formats(graph_file, fmt, yes, no):
    assert kgq.run(graph_file, "ASK { ?x a kg:Official }", fmt) == yes
    assert kgq.run(graph_file, "ASK { ?x a kg:Sanction }", fmt) == no


def test_ask_in_json(graph_file):
    assert json.loads(kgq.run(graph_file, "ASK { ?x a kg:Official }", "json")) == {"head": {}, "boolean": True}


def test_construct_prints_turtle(graph_file):
    text = kgq.run(graph_file, "CONSTRUCT { ?p rdfs:label ?n } WHERE { ?p kg:leaderOf ?c ; rdfs:label ?n }")
    got = Graph().parse(data=text, format="turtle")
    want = Graph()
    want.add((URIRef(TRUMP), RDFS.label, Literal("Donald Trump")))
    want.add((URIRef("https://w3id.org/kg-news/id/person/xi-jinping"), RDFS.label, Literal("Xi Jinping")))
    assert compare.isomorphic(got, want)
    assert "@prefix rdfs:" in text and "person:donald-trump" in text


def test_construct_as_json_is_json_ld(graph_file):
    text = kgq.run(graph_file, "CONSTRUCT WHERE { ?p kg:leaderOf ?c }", "json")
    assert len(Graph().parse(data=text, format="json-ld")) == 2


def test_describe_prints_turtle(graph_file):
    text = kgq.run(graph_file, f"DESCRIBE <{TRUMP}>")
    assert (URIRef(TRUMP), RDFS.label, Literal("Donald Trump")) in Graph().parse(data=text, format="turtle")


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_construct_refuses_tabular_formats(graph_file, capsys, fmt):
    code, out, err = run_cli(capsys, "query", graph_file, "-e", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", fmt)
    assert code == 2 and out == ""
    assert err.strip() == f"kg query: error: CONSTRUCT and DESCRIBE give a graph: use --format table (Turtle) or json (JSON-LD), not {fmt}"


def test_other_serializations_load_by_extension(graph_file, tmp_path):
    g = Graph().parse(graph_file)
    g.serialize(tmp_path / "g.nt", format="nt", encoding="utf-8")
    g.serialize(tmp_path / "g.jsonld", format="json-ld")
    for name in ("g.nt", "g.jsonld"):
        assert kgq.run(tmp_path / name, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "csv") == f"n\r\n{len(g)}\r\n"


# ------------------------------------------------------------------ the CLI

def test_cli_prints_the_answer(graph_file, capsys):
    code, out, err = run_cli(capsys, "query", graph_file, "-e", SELECT_OFFICIALS, "--format", "csv")
    assert code == 0 and err == ""
    assert out.splitlines()[1] == f"{TRUMP},Donald Trump"


def test_cli_reads_a_query_file(graph_file, tmp_path, capsys):
    rq = tmp_path / "q.rq"
    rq.write_text("# leaders\n" + SELECT_OFFICIALS + "\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "query", graph_file, rq)
    assert code == 0 and "Xi Jinping" in out


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://example.org/#x> # a comment with INSERT\n\ndelete { ?s ?p ?o } where { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <http://example.org/g>",
    "CREATE GRAPH <http://example.org/g>",
    "COPY DEFAULT TO <http://example.org/g>",
    "MOVE DEFAULT TO <http://example.org/g>",
    "ADD DEFAULT TO <http://example.org/g>",
    "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "INSERT DATA { <http://a> <http://b> 1 } ; DELETE DATA { <http://a> <http://b> 1 }",
])
def test_updates_are_refused(graph_file, capsys, update):
    before = graph_file.read_bytes()
    code, out, err = run_cli(capsys, "query", graph_file, "-e", update)
    assert code == 2 and out == ""
    assert err == "kg query: error: kg query is read-only: SPARQL updates are refused\n"
    assert graph_file.read_bytes() == before


def test_update_words_inside_a_query_are_fine(graph_file):
    q = "# DELETE nothing\nSELECT ?n WHERE { ?x rdfs:label ?n FILTER(?n != 'INSERT DATA') } LIMIT 1"
    assert not kgq.is_update(q)
    assert kgq.run(graph_file, q, "csv").startswith("n\r\n")


def test_malformed_query_is_one_line(graph_file, capsys):
    code, out, err = run_cli(capsys, "query", graph_file, "-e", "SELECT * WHERE { ?s ?p }")
    assert code == 2 and out == ""
    assert re.fullmatch(r"kg query: error: malformed query: line 1, column \d+: .+\n", err)


def test_malformed_query_file_is_named(graph_file, tmp_path, capsys):
    rq = tmp_path / "broken.rq"
    rq.write_text("SELECT ?x WHERE { ?x ex:y ?z }\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "query", graph_file, rq)
    assert code == 2
    assert err.startswith(f"kg query: error: malformed query in {rq}: line 1, column")
    assert err.rstrip().endswith("(prefix ex: is not declared)") and err.count("\n") == 1


def test_malformed_turtle_is_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "query", bad, "-e", "ASK {}")
    assert code == 2 and out == ""
    assert err.startswith(f"kg query: error: {bad} is not valid Turtle: ") and err.count("\n") == 1
    assert "line 2" in err


@pytest.mark.parametrize("argv,message", [
    (["query", "{tmp}/missing.ttl", "-e", "ASK {}"], "cannot read {tmp}/missing.ttl: no such file"),
    (["query", "{tmp}", "-e", "ASK {}"], "cannot read {tmp}: it is a folder, not a graph file"),
    (["query", "{graph}", "{tmp}/missing.rq"], "cannot read {tmp}/missing.rq: no such file"),
    (["query", "{graph}"], "give exactly one query: a QUERY.rq file, -e 'SPARQL' or --name NAME"),
    (["query", "{graph}", "-e", "ASK {}", "--name", "officials"],
     "give exactly one query: a QUERY.rq file, -e 'SPARQL' or --name NAME"),
    (["query", "-e", "ASK {}"], "give a graph file: kg query GRAPH.ttl (QUERY.rq | -e SPARQL | --name NAME)"),
    (["query", "{graph}", "--name", "nope"],
     "no named query 'nope': choose one of " + ", ".join(q.name for q in kgq.named_queries())),
    (["query", "{graph}", "--name", "links", "--param", "c=Japan"], "unknown parameter 'c': this query takes a, b"),
    (["query", "{graph}", "--name", "officials", "--param", "a=x"],
     "unknown parameter 'a': this query takes no parameters"),
    (["query", "{graph}", "--name", "links", "--param", "China"], "--param wants NAME=VALUE, got 'China'"),
])
def test_error_paths_give_one_line_and_status_2(graph_file, tmp_path, capsys, argv, message):
    def fill(text):
        return text.replace("{tmp}", str(tmp_path)).replace("{graph}", str(graph_file))

    code, out, err = run_cli(capsys, *map(fill, argv))
    assert code == 2 and out == ""
    assert err == f"kg query: error: {fill(message)}\n"


def test_help_describes_the_options(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["query", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for word in ("--format", "--list", "--name", "--param", "-e", "read-only", "prefixes"):
        assert word in out


# ------------------------------------------------------------ named queries

NAMES = ["connections", "events", "evidence", "in_force_against", "lifted", "links", "measures", "offices",
         "officials", "pagerank", "policies", "rate_changes"]


def test_every_named_query_says_what_it_answers():
    queries = kgq.named_queries()
    assert set(NAMES) <= {q.name for q in queries}
    for q in queries:
        assert q.text.startswith("# "), q.name
        assert q.summary.endswith("?"), q.name


def test_list_shows_names_summaries_and_parameters(capsys):
    code, out, _ = run_cli(capsys, "query", "--list")
    assert code == 0
    lines = out.splitlines()
    for q in kgq.named_queries():
        assert any(l.startswith(q.name) and q.summary in l for l in lines)
    assert any("--param a=" in l and '"China"' in l for l in lines)
    assert any("--param property=" in l and "any" in l for l in lines)


@pytest.mark.parametrize("name", NAMES)
def test_named_queries_are_portable_sparql(name):
    """Each file parses in another engine (rdflib) with only its own PREFIX lines."""
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery(kgq.named_query(name).text)


def test_parameters_and_their_defaults():
    assert kgq.parameters(kgq.named_query("links").text) == {"a": '"China"', "b": '"United States"'}
    assert kgq.parameters(kgq.named_query("evidence").text) == {
        "entity": '"Scott Bessent"', "property": '""', "value": '""'}
    q = 'SELECT * WHERE { VALUES ?x { "d" } # VALUES ?y { "commented out" }\n BIND("e" AS ?z) VALUES ?w { UNDEF } }'
    assert kgq.parameters(q) == {"x": '"d"', "z": '"e"', "w": "UNDEF"}
    replaced = kgq.apply_params(q, {"x": 'a "quoted"\\ value', "w": "v"})
    assert 'VALUES ?x { "a \\"quoted\\"\\\\ value" }' in replaced
    assert 'VALUES ?w { "v" }' in replaced and 'BIND("e" AS ?z)' in replaced


def test_officials(graph_file):
    rows = named(graph_file, "officials")
    assert [(r["official"], r["title"], r["of"], r["leader"]) for r in rows] == [
        ("Xi Jinping", "President", "China", "yes"),
        ("He Yifeng", "", "State Council", "no"),
        ("Donald Trump", "President", "United States", "yes"),
        ("Scott Bessent", "Treasury Secretary", "United States", "no"),
    ]


def test_policies(graph_file):
    rows = named(graph_file, "policies")
    got = [(r["policy"], r["kind"], r["imposedBy"], cell_set(r["appliesTo"]), r["targets"],
            cell_set(r["parties"]), r["date"], r["duration"]) for r in rows]
    assert got == [
        ("China export controls on critical minerals", "Export control", "China",
         {"critical minerals", "rare earth magnets"}, "United States", set(), "2025-04", ""),
        ("United States export controls on chip design software", "Export control", "United States",
         {"chip design software"}, "China", set(), "", ""),
        ("90-day truce", "Trade agreement", "", set(), "", {"China", "United States"}, "--05-12", "P90D"),
    ]


def test_links_between_two_countries(graph_file):
    rows = named(graph_file, "links")
    got = {(r["link"], r["kind"], r["sideA"], frozenset(cell_set(r["asA"])), r["sideB"], frozenset(cell_set(r["asB"])))
           for r in rows}
    assert got == {
        ("telephone conversation", "Event", "Xi Jinping", frozenset({"participant"}),
         "Donald Trump", frozenset({"participant", "initiated by"})),
        ("China export controls on critical minerals", "Export control", "China", frozenset({"imposed by"}),
         "United States", frozenset({"targets"})),
        ("United States export controls on chip design software", "Export control", "China", frozenset({"targets"}),
         "United States", frozenset({"imposed by"})),
        ("90-day truce", "Trade agreement", "China", frozenset({"party"}), "United States", frozenset({"party"})),
    }
    assert len(rows) == 4


def test_links_takes_names_and_aliases_in_any_case(graph_file):
    swapped = named(graph_file, "links", a="u.s.", b="BEIJING")
    assert {(r["link"], r["sideA"], r["sideB"]) for r in swapped} == {
        ("telephone conversation", "Donald Trump", "Xi Jinping"),
        ("China export controls on critical minerals", "United States", "China"),
        ("United States export controls on chip design software", "United States", "China"),
        ("90-day truce", "United States", "China"),
    }
    assert named(graph_file, "links", a="China", b="Taiwan") == []
    assert named(graph_file, "links", a="China", b="China") == []


def test_evidence(graph_file):
    rows = named(graph_file, "evidence")
    sentence = "Trump noted that Treasury Secretary Scott Bessent would meet."
    assert [tuple(r.values()) for r in rows] == [
        ("Scott Bessent", "official of", "United States", "001_c3cb938c89e940bb", sentence),
        ("Scott Bessent", "title", "Treasury Secretary", "001_c3cb938c89e940bb", sentence),
    ]
    assert [r["predicate"] for r in named(graph_file, "evidence", entity="bessent", property="officialOf")] == ["official of"]
    assert [r["object"] for r in named(graph_file, "evidence", entity="Bessent", value="treasury secretary")] == \
        ["Treasury Secretary"]
    call = named(graph_file, "evidence", entity="telephone conversation")
    assert [(r["predicate"], r["object"], r["document"]) for r in call] == \
        [("initiated by", "Donald Trump", "000_9371013e58d63842")]
    assert named(graph_file, "evidence", entity='Scott "Bessent') == []


def test_events(graph_file):
    rows = named(graph_file, "events")
    assert [(r["event"], r["date"], r["initiatedBy"], cell_set(r["participants"])) for r in rows] == [
        ("telephone conversation", "2025-06-05", "Donald Trump", {"Donald Trump", "Xi Jinping"}),
    ]


def test_pagerank(graph_file):
    rows = named(graph_file, "pagerank")
    assert [(r["entity"], r["kind"], r["pageRank"], r["degree"], r["community"]) for r in rows] == [
        ("Donald Trump", "Official", "0.31", "5", "0"),
        ("United States", "Country", "0.25", "4", "0"),
        ("Xi Jinping", "Official", "0.22", "3", "1"),
        ("China", "Country", "0.12", "4", "1"),
        ("Scott Bessent", "Official", "0.05", "1", "0"),
    ]


@pytest.mark.parametrize("name", ["officials", "policies", "evidence", "events", "pagerank"])
def test_rdflib_gives_the_same_answers(graph_file, name):
    """The named queries are plain SPARQL 1.1: another engine agrees with Oxigraph on them."""
    g = Graph().parse(graph_file)
    ours = {tuple(frozenset(cell_set(c)) for c in r.values()) for r in named(graph_file, name)}
    theirs = {tuple(frozenset(cell_set("" if v is None else str(v))) for v in row)
              for row in g.query(kgq.named_query(name).text)}
    assert ours == theirs


def test_cli_runs_a_named_query_with_params(graph_file, capsys):
    code, out, err = run_cli(capsys, "query", graph_file, "--name", "links", "--param", "a=United States",
                             "--param", "b=china", "--format", "tsv")
    assert code == 0 and err == ""
    assert out.splitlines()[0].split("\t") == ["?link", "?kind", "?sideA", "?asA", "?sideB", "?asB"]
    assert len(out.splitlines()) == 5


# ------------------------------------------------------------- seed graph

@pytest.fixture(scope="session")
def seed_graph(tmp_path_factory):
    from kg.pipeline import BuildOptions, build

    out = tmp_path_factory.mktemp("seed-query")
    build(BuildOptions(inputs=[str(ROOT / "data" / "articles")], out_dir=out, workers=1, quiet=True,
                       cache=False, validate=False))
    return out / "graph.ttl"


@pytest.mark.model
def test_seed_officials(seed_graph):
    rows = {(r["official"], r["title"], r["of"], r["leader"]) for r in named(seed_graph, "officials")}
    assert rows == {
        ("Xi Jinping", "President", "China", "yes"),
        ("Donald Trump", "President", "United States", "yes"),
        ("Scott Bessent", "Treasury Secretary", "United States", "no"),
    }


@pytest.mark.model
def test_seed_policies(seed_graph):
    rows = named(seed_graph, "policies")
    by_kind = {}
    for r in rows:
        by_kind.setdefault((r["kind"], r["imposedBy"]), []).append(r)
    # One policy per imposer, class and goods: a country's measures on unrelated goods are rows of their own.
    us = by_kind[("Export control", "United States")]
    assert "China" in {r["targets"] for r in us}
    assert {"chip design software", "semiconductor technology"} <= set().union(*(cell_set(r["appliesTo"]) for r in us))
    cn = by_kind.get(("Export control", "China"), []) + by_kind.get(("Export ban", "China"), [])
    cn_goods = set().union(*(cell_set(r["appliesTo"]) for r in cn))
    assert any(re.search(r"magnets?", c) for c in cn_goods)
    assert any(re.search(r"(critical|key) minerals?", c) for c in cn_goods)
    (deal,) = by_kind[("Trade agreement", "")]
    assert cell_set(deal["parties"]) == {"China", "United States"}
    assert (deal["date"], deal["duration"]) == ("--05-12", "P90D")
    assert len({r["policy"] for r in rows}) == len(rows)     # labels are unique


@pytest.mark.model
def test_seed_links(seed_graph):
    rows = named(seed_graph, "links")
    kinds = {(r["kind"], r["sideA"], r["sideB"]) for r in rows}
    assert ("Event", "Xi Jinping", "Donald Trump") in kinds
    assert ("Trade agreement", "China", "United States") in kinds
    assert ("Export control", "China", "United States") in kinds
    call = next(r for r in rows if r["kind"] == "Event")
    assert cell_set(call["asB"]) == {"participant", "initiated by"}
    assert call["asA"] == "participant"


@pytest.mark.model
def test_seed_evidence(seed_graph):
    rows = named(seed_graph, "evidence")
    assert [(r["subject"], r["predicate"], r["object"], r["document"]) for r in rows] == [
        ("Scott Bessent", "official of", "United States", "001_c3cb938c89e940bb"),
        ("Scott Bessent", "title", "Treasury Secretary", "001_c3cb938c89e940bb"),
    ]
    assert all("Treasury Secretary Scott Bessent" in r["sentence"] for r in rows)


@pytest.mark.model
def test_seed_events(seed_graph):
    rows = named(seed_graph, "events")
    assert len(rows) == 1
    assert rows[0]["initiatedBy"] == "Donald Trump"
    assert cell_set(rows[0]["participants"]) == {"Donald Trump", "Xi Jinping"}


@pytest.mark.model
def test_seed_pagerank(seed_graph):
    rows = named(seed_graph, "pagerank")
    assert 10 <= len(rows) <= 20
    ranks = [float(r["pageRank"]) for r in rows]
    assert ranks == sorted(ranks, reverse=True)
    top = {r["entity"] for r in rows[:10]}
    assert {"China", "United States", "Donald Trump", "Xi Jinping"} <= top
    assert all(r["kind"] for r in rows)


@pytest.mark.model
def test_seed_queries_in_the_docs_run(seed_graph, capsys):
    """Every `kg query` command shown in docs/querying.md runs on the seed graph."""
    doc = (ROOT / "docs" / "querying.md").read_text(encoding="utf-8")
    commands = re.findall(r"^\$ kg query output/graph\.ttl (.+)$", doc, flags=re.M)
    assert len(commands) >= 6
    import shlex

    for command in commands:
        code, out, err = run_cli(capsys, "query", seed_graph, *shlex.split(command))
        assert code == 0, (command, err)
        assert out.strip(), command
