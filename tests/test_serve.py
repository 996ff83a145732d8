"""kg serve: a read-only SPARQL 1.1 Protocol endpoint (Oxigraph's server), queried with SPARQLWrapper."""
from __future__ import annotations

import contextlib
import csv
import io
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from browser_support import news_graph
from kg import cli
from kg.vocab import ROOT

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper as Client  # noqa: E402

PREFIXES = """PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "graph.ttl"
    news_graph().serialize(path, format="turtle")
    return path


def _default_sigint():  # the child takes Ctrl-C even when the test runner was started in the background
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Served:
    """A running ``kg serve``: its base URL, its process, and the lines it printed on stderr."""

    def __init__(self, proc: subprocess.Popen, base: str):
        self.proc, self.base, self.lines = proc, base, []
        self.up = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line)
            if " read-only at " in line:
                self.up.set()
        self.up.set()                 # it exited

    def stop(self, signum) -> int:
        """Send ``signum``; the exit status once it has exited and its last line is read."""
        self.proc.send_signal(signum)
        code = self.proc.wait(STOP_WAIT)
        self.reader.join(STOP_WAIT)
        return code

    @property
    def stderr(self) -> str:
        return "".join(self.lines)


STOP_WAIT = 300     # generous: the machine may be loaded; a hang still ends the test


@contextlib.contextmanager
def kg_serve(graph, *extra):
    """``kg serve GRAPH --port N`` in a subprocess; yields a :class:`Served` once kg says it is up."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(graph), "--port", str(port), *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint)
    served = Served(proc, f"http://127.0.0.1:{port}")
    try:
        served.up.wait(STOP_WAIT)
        if proc.poll() is not None or not served.up.is_set():
            pytest.fail(f"kg serve did not come up: {served.stderr}")
        yield served
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def select(base, query, fmt):
    client = Client(base + "/query")
    client.setQuery(PREFIXES + query)
    client.setReturnFormat(fmt)
    return client.query().convert()


def test_select_ask_construct_over_http_then_updates_refused_and_clean_stop(graph_file):
    with kg_serve(graph_file) as served:
        base = served.base
        # SELECT, JSON results
        rows = select(base, "SELECT ?name ?title WHERE { ?p a kg:Official ; rdfs:label ?name ; kg:title ?title } "
                            "ORDER BY ?name", JSON)["results"]["bindings"]
        assert [(r["name"]["value"], r["title"]["value"]) for r in rows] == [
            ("Minister <img src=x onerror=alert(1)> Ruiz", "Trade Minister <i>acting</i>"),
            ("Scott Bessent", "Treasury Secretary")]
        # SELECT, CSV results
        text = select(base, "SELECT ?good WHERE { ?t kg:imposedBy/rdfs:label \"United States\" ; "
                            "kg:appliesTo/rdfs:label ?good }", CSV)
        assert list(csv.reader(io.StringIO(text.decode("utf-8")))) == [["good"], ["steel"]]
        # ASK
        assert select(base, 'ASK { ?c a kg:Country ; rdfs:label "Spain" }', JSON)["boolean"] is True
        assert select(base, 'ASK { ?c a kg:Country ; rdfs:label "Atlantis" }', JSON)["boolean"] is False
        # CONSTRUCT, as Turtle parsed by rdflib
        client = Client(base + "/query")
        client.setQuery(PREFIXES + "CONSTRUCT { ?p kg:officialOf ?c } WHERE { ?p kg:officialOf ?c }")
        client.setReturnFormat(TURTLE)
        from rdflib import Graph

        g = Graph().parse(data=client.query().convert(), format="turtle")
        assert len(g) == 2
        assert {str(o).rsplit("/", 1)[-1] for o in g.objects()} == {"spain", "united-states"}

        # updates: refused at the update endpoint and at the query endpoint, graph unchanged
        update = PREFIXES + 'INSERT DATA { <urn:x> rdfs:label "planted" }'
        request = urllib.request.Request(base + "/update", data=update.encode(), method="POST",
                                         headers={"Content-Type": "application/sparql-update"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
        client = Client(base + "/update")
        client.setMethod("POST")
        client.setQuery(update)
        with pytest.raises(Exception):
            client.query()
        assert select(base, 'ASK { ?x rdfs:label "planted" }', JSON)["boolean"] is False

        # Ctrl-C stops it cleanly: exit 0, a last line, the port free again
        assert served.stop(signal.SIGINT) == 0
        assert "read-only at " + base + "/query" in served.stderr
        assert served.stderr.rstrip().endswith("kg serve: stopped")
    with pytest.raises((urllib.error.URLError, OSError)):
        urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2)


def test_sigterm_stops_it_too(graph_file, tmp_path):
    with kg_serve(graph_file) as served:
        base = served.base
        assert served.stop(signal.SIGTERM) == 0
        assert served.stderr.rstrip().endswith("kg serve: stopped")
    with pytest.raises((urllib.error.URLError, OSError)):
        urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2)


def test_other_serializations_are_served(graph_file, tmp_path):
    nt = tmp_path / "graph.nt"
    news_graph().serialize(nt, format="nt", encoding="utf-8")
    with kg_serve(nt) as served:
        assert select(served.base, 'ASK { ?c rdfs:label "Spain" }', JSON)["boolean"] is True


def run_cli(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_errors_are_one_line(graph_file, tmp_path, capsys):
    code, _, err = run_cli(capsys, "serve", tmp_path / "missing.ttl", "--port", free_port())
    assert code == 2 and err == f"kg serve: error: cannot read {tmp_path / 'missing.ttl'}: no such file\n"
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kg: <https://w3id.org/kg-news/ontology#> .\nkg:a kg:b \n", encoding="utf-8")
    code, _, err = run_cli(capsys, "serve", bad, "--port", free_port())
    assert code == 2 and err.startswith(f"kg serve: error: {bad} is not valid Turtle:") and err.count("\n") == 1
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run_cli(capsys, "serve", graph_file, "--port", port)
    assert code == 2 and err == f"kg serve: error: port {port} on 127.0.0.1 is in use: choose another with --port\n"
    code, _, err = run_cli(capsys, "serve", graph_file, "--port", 70000)
    assert code == 2 and "out of range" in err


def test_help_says_read_only_and_localhost(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["serve", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for word in ("--port", "--host", "read-only", "127.0.0.1", "SPARQL 1.1 Protocol", "Updates are refused"):
        assert word in out


@pytest.mark.browser
def test_query_page_runs_a_query_in_chromium(graph_file):
    from browser_support import CHROMIUM, CHROMIUM_ARGS, chromium_missing_reason

    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with kg_serve(graph_file) as served:
        base = served.base
        left, errors = [], []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.set_default_timeout(30000)

                def route(r):     # the page needs nothing beyond the server
                    if r.request.url.startswith(base):
                        r.continue_()
                    else:
                        left.append(r.request.url)
                        r.abort()

                page.route("**/*", route)
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(base + "/")
                page.wait_for_selector(".CodeMirror")
                page.evaluate("""(q) => document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(q)""",
                              PREFIXES + "SELECT ?country WHERE { ?c a kg:Country ; rdfs:label ?country } "
                                         "ORDER BY ?country")
                page.click(".yasqe_queryButton")
                page.wait_for_selector(".yasr table td:has-text('United States')")
                cells = page.locator(".yasr table tbody td").all_inner_texts()
                assert "Spain" in cells and "United States" in cells
            finally:
                browser.close()
        assert errors == []     # and the query ran with every request beyond the server blocked


def test_the_readme_client_example_runs_against_kg_serve(graph_file):
    import ast
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    serving = text.split("### Serving the graph to other tools", 1)[1]
    code = re.search(r"```python\n(.*?)```", serving, re.S).group(1)
    assert 'SPARQLWrapper("http://127.0.0.1:7878/query")' in code
    with kg_serve(graph_file) as served:
        result = subprocess.run([sys.executable, "-c", code.replace("http://127.0.0.1:7878", served.base)],
                                capture_output=True, text=True, timeout=STOP_WAIT)
    assert result.returncode == 0, result.stderr
    assert sorted(ast.literal_eval(result.stdout)) == ["Minister <img src=x onerror=alert(1)> Ruiz", "Scott Bessent"]


def test_binding_beyond_localhost_warns_and_timeout_is_checked(graph_file, capsys):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run_cli(capsys, "serve", graph_file, "--host", "0.0.0.0", "--port", port)
    assert code == 2
    assert err.splitlines()[0] == "kg serve: warning: binding to 0.0.0.0: other machines may query this graph"
    code, _, err = run_cli(capsys, "serve", graph_file, "--timeout", 0)
    assert code == 2 and err == "kg serve: error: --timeout must be at least 1 second\n"


def test_a_query_timeout_is_passed_to_the_server(graph_file):
    with kg_serve(graph_file, "--timeout", "30") as served:
        assert select(served.base, 'ASK { ?c rdfs:label "Spain" }', JSON)["boolean"] is True
