"""kg query is safe by default: local only, stoppable, streaming, parameters bound by the engine,
and it says what looks wrong in a query (did-you-mean, syntax errors that name the query forms)."""
from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kg import cli
from kg import query as kgq
from kg.query_hints import service_use
from kg.vocab import ONTOLOGY_FILE, ROOT

DATA = """\
@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix person: <https://w3id.org/kg-news/id/person/> .
@prefix country: <https://w3id.org/kg-news/id/country/> .
@prefix policy: <https://w3id.org/kg-news/id/policy/> .
person:maria-kovalenko a kg:Official ; rdfs:label "Maria Kovalenko" ; skos:altLabel "Kovalenko" ;
    kg:title "Trade Minister" ; kg:officialOf country:ukraine .
country:ukraine a kg:Country ; rdfs:label "Ukraine" ; skos:altLabel "Kyiv" .
country:chile a kg:Country ; rdfs:label "Chile" ; skos:altLabel "Santiago" .
policy:chile-copper-quota a kg:Quota ; rdfs:label "Chile quota on copper" ; kg:imposedBy country:chile ;
    kg:targets country:ukraine .
"""
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
STREAMING_RUNAWAY = "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Path:
    ontology = ONTOLOGY_FILE.read_text(encoding="utf-8")
    head = "\n".join(line for line in ontology.splitlines() if line.startswith("@prefix"))
    body = "\n".join(line for line in ontology.splitlines() if not line.startswith("@prefix"))
    path = tmp_path_factory.mktemp("safety") / "graph.ttl"
    path.write_text(head + "\n" + DATA + "\n" + body, encoding="utf-8")
    return path


def run_cli(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def kg_process(*argv, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *map(str, argv)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


# ------------------------------------------------------------------ SERVICE stays off the network

@pytest.fixture()
def http_server():
    """A local HTTP server (127.0.0.1, an ephemeral port) that records the requests it gets."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            seen.append(self.path)
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"no")

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?x ?y ?z FILTER(?z<1)SERVICE<{url}>{{?s ?p ?o}} }}",
    "# a comment\nPREFIX r: <{url}>\nASK {{\n  SeRvIcE r: {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ VALUES ?u {{ <{url}> }} SERVICE ?u {{ ?s ?p ?o }} }}",
])
def test_service_is_refused_and_sends_no_request(graph, capsys, http_server, template):
    url, seen = http_server
    code, out, err = run_cli(capsys, "query", graph, "-e", template.format(url=url))
    assert code == 2 and out == ""
    assert err.startswith("kg query: error: the query calls a remote SERVICE (line ") and err.count("\n") == 1
    assert "--allow-service" in err
    assert seen == []


def test_service_words_in_strings_iris_and_comments_are_not_service():
    assert service_use('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE <x>') is None
    assert service_use("SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }") is None
    assert service_use("SELECT ?service WHERE { ?service ?p ?o }") is None
    assert service_use("SELECT * WHERE {\n  SERVICE <http://example.org/> { ?s ?p ?o } }") == (2, 3)


def test_allowed_service_reaches_the_server_and_its_failure_is_one_line(graph, capsys, http_server):
    url, seen = http_server
    code, out, err = run_cli(capsys, "query", graph, "--allow-service", "-e",
                             f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert seen, "the test server got no request: the refusal test would prove nothing"
    assert code == 2 and out == ""
    assert err.startswith("kg query: error: query failed: ") and err.count("\n") == 1


# ------------------------------------------------------------------ stoppable

def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def _wait_for_child(proc: subprocess.Popen) -> list[int]:
    for _ in range(400):
        kids = _children(proc.pid)
        if kids:
            return kids
        time.sleep(0.05)
    return []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to see the query's process")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_runaway_query_stops_at_once_on_a_signal(graph, signum):
    proc = kg_process("query", graph, "-e", RUNAWAY)
    kids = _wait_for_child(proc)
    assert kids, proc.communicate()
    time.sleep(1.0)                       # the query is running in native code by now
    sent = time.monotonic()
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - sent
    assert proc.returncode == 128 + signum
    assert err == f"kg query: interrupted ({signal.Signals(signum).name})\n"
    assert took < 10, took                # loose: it is well under a second on an idle machine
    assert all(_gone(k) for k in kids)


def test_runaway_query_stops_at_its_time_limit(graph):
    started = time.monotonic()
    proc = kg_process("query", graph, "--timeout", "1.5", "-e", RUNAWAY)
    out, err = proc.communicate(timeout=60)
    took = time.monotonic() - started
    assert proc.returncode == 2 and out == ""
    assert err == ("kg query: error: query stopped: it ran longer than the time limit of 1.5 s "
                   "(--timeout SECONDS to change it, 0 for none)\n")
    assert 1.5 <= took < 30, took


def test_results_stream_before_the_query_ends(graph):
    """A CSV answer arrives while the query runs: rows are written before the time limit stops it."""
    proc = kg_process("query", graph, "--timeout", "3", "--format", "csv", "-e", STREAMING_RUNAWAY)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "time limit of 3 s" in err
    lines = out.splitlines()
    assert lines[0] == "a,d,g" and len(lines) > 1000


def test_timeout_option_is_checked(graph, capsys):
    code, out, err = run_cli(capsys, "query", graph, "--timeout", "-1", "-e", "ASK {}")
    assert code == 2 and err.startswith("kg query: error: --timeout must be 0") and err.count("\n") == 1


def test_long_table_streams_with_the_preview_widths(graph, monkeypatch):
    monkeypatch.setattr(kgq, "TABLE_PREVIEW", 3)
    text = kgq.run(graph, "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s")
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.TURTLE)
    total = len(list(store.query("SELECT ?s WHERE { ?s ?p ?o }")))
    lines = text.splitlines()
    assert lines[0] == "s" + " " * (len(lines[1]) - 1) or lines[0] == "s"
    assert len(lines) == total + 3 and lines[-1] == f"({total} rows)"


# ------------------------------------------------------------------ parameters

def test_parameters_are_bound_by_the_engine_never_spliced(graph):
    query = 'SELECT ?who ?name WHERE { VALUES ?name { "Ukraine" } ?who rdfs:label|skos:altLabel ?name }'
    assert kgq.run(graph, query, "csv", {"name": "Kyiv"}).splitlines()[1:] == [
        "https://w3id.org/kg-news/id/country/ukraine,Kyiv"]
    for hostile in ['Kyiv" } ?who ?p ?o . VALUES ?x { "', 'x\\u0022 } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o',
                    'a\nb', "\\", '"""']:
        assert kgq.run(graph, query, "csv", {"name": hostile}).splitlines() == ["who,name"]


def test_parameter_inside_a_subquery_stays_a_literal(graph):
    query = ('SELECT ?who WHERE { { SELECT ?who WHERE { BIND("Chile" AS ?n) ?who rdfs:label ?n } } }')
    assert kgq.run(graph, query, "csv").splitlines()[1:] == ["https://w3id.org/kg-news/id/country/chile"]
    assert kgq.run(graph, query, "csv", {"n": "Ukraine"}).splitlines()[1:] == [
        "https://w3id.org/kg-news/id/country/ukraine"]
    assert kgq.run(graph, query, "csv", {"n": 'Ukraine" } ?who ?p ?o { "'}).splitlines() == ["who"]


# ------------------------------------------------------------------ diagnostics

@pytest.mark.parametrize("query,warning", [
    ("SELECT ?c WHERE { ?c a kg:Contry }", "kg:Contry is not in the graph: no class or property has that name "
                                           "(did you mean kg:Country?)"),
    ("SELECT ?p WHERE { ?p kg:imposdBy ?c }", "kg:imposdBy is not in the graph: no class or property has that "
                                              "name (did you mean kg:imposedBy?)"),
    ("SELECT ?p WHERE { ?p <https://w3id.org/kg-news/ontology#officalOf> ?c }",
     "<https://w3id.org/kg-news/ontology#officalOf> is not in the graph: no class or property has that name "
     "(did you mean kg:officialOf?)"),
    ('SELECT ?p WHERE { ?p rdfs:label|skos:altLabel "Kovalenco" }',
     'no entity is named "Kovalenco" (did you mean "Maria Kovalenko"?)'),
])
def test_did_you_mean_warnings(graph, capsys, query, warning):
    code, out, err = run_cli(capsys, "query", graph, "-e", query)
    assert code == 0 and out.endswith("(0 rows)\n")
    assert err == f"kg query: warning: {warning}\n"


def test_parameter_values_are_checked_too(graph, capsys):
    query = 'SELECT ?who WHERE { VALUES ?n { "Chile" } ?who rdfs:label|skos:altLabel ?n }'
    code, out, err = run_cli(capsys, "query", graph, "-e", query, "--param", "n=Ukriane")
    assert code == 0 and err == 'kg query: warning: no entity is named "Ukriane" (did you mean "Ukraine"?)\n'


def test_good_queries_get_no_warning(graph, capsys):
    for query in ['SELECT ?p WHERE { ?p a kg:Official ; rdfs:label ?n ; kg:officialOf ?c . ?c rdfs:label "ukraine" }',
                  'SELECT ?p WHERE { ?p rdfs:label ?n FILTER(CONTAINS(?n, "Kovalen")) BIND("yes" AS ?x) }',
                  'SELECT ?p WHERE { ?p kg:date "2024-05-01"^^xsd:date }']:
        code, out, err = run_cli(capsys, "query", graph, "-e", query)
        assert code == 0 and err == "", query


@pytest.mark.parametrize("query,message", [
    ("SELCT ?x WHERE { ?x ?p ?o }",
     "line 1, column 1: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, not 'SELCT' (did you mean SELECT?)"),
    ("PREFIX ex: <http://example.org/>\n\n  CONSTRCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
     "line 3, column 3: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, not 'CONSTRCT' "
     "(did you mean CONSTRUCT?)"),
    ("FIND ?x", "line 1, column 1: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, not 'FIND'"),
])
def test_syntax_error_names_line_column_and_the_query_forms(graph, capsys, query, message):
    code, out, err = run_cli(capsys, "query", graph, "-e", query)
    assert code == 2 and out == ""
    assert err == f"kg query: error: malformed query: {message}\n"


def test_syntax_error_elsewhere_keeps_line_and_column_and_a_short_expectation(graph, capsys):
    code, _, err = run_cli(capsys, "query", graph, "-e", "SELECT ?x WHERE {\n  ?x ?p ?o .\n  FILTER(?x = ) }")
    assert code == 2 and err.startswith("kg query: error: malformed query: line 3, column ")
    assert "expected" in err and "[" not in err and err.count("\n") == 1


def test_large_construct_streams_in_the_engine_order_with_the_same_triples(graph, monkeypatch):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    query = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }"
    sorted_text = kgq.run(graph, query)
    monkeypatch.setattr(kgq, "SORT_LIMIT", 3)
    streamed = kgq.run(graph, query)
    assert len(Graph().parse(data=streamed, format="turtle")) > 3
    assert isomorphic(Graph().parse(data=streamed, format="turtle"), Graph().parse(data=sorted_text, format="turtle"))


def test_a_runaway_that_needs_no_data_stops_at_its_time_limit(graph):
    """The syntax check on an empty store counts against the limit too (VALUES alone can run away)."""
    values = " ".join(f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(100))} }}" for i in range(6))
    proc = kg_process("query", graph, "--timeout", "1.5", "-e", f"ASK {{ {values} FILTER(?v0 + ?v1 + ?v2 + ?v3 + ?v4 + ?v5 < 0) }}")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "time limit of 1.5 s" in err
