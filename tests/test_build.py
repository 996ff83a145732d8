"""The whole build on the bundled articles: outputs, competency questions, determinism, strict parsing."""
from __future__ import annotations

import re
import subprocess
import sys

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.namespace import RDFS, SKOS

from kg.vocab import KG, ROOT

pytestmark = pytest.mark.model
SHARED = ROOT.parent / "shared"
ARTICLES = ROOT / "data" / "articles"


def kg(*args, check=True):
    return subprocess.run([sys.executable, "-m", "kg.cli", *map(str, args)], capture_output=True, text=True,
                          check=check, cwd=ROOT)


@pytest.fixture(scope="module")
def built(seed_build, tmp_path_factory):
    out1, r1 = seed_build
    out2 = tmp_path_factory.mktemp("build2")
    kg("build", ARTICLES, "--out", out2, "--workers", "1", "--no-cache")
    return out1, out2, r1


def test_writes_the_outputs(built):
    out, _, result = built
    for name in ("graph.ttl", "graph.html", "report.md"):
        assert (out / name).stat().st_size > 0, name
    assert "2 articles built, 0 skipped" in result.stdout


def test_two_builds_are_byte_identical(built):
    out1, out2, _ = built
    for name in ("graph.ttl", "graph.html", "report.md"):
        assert (out1 / name).read_bytes() == (out2 / name).read_bytes(), name


def test_turtle_parses_with_rdflib_and_oxigraph(built):
    data = (built[0] / "graph.ttl").read_bytes()
    assert len(Graph().parse(data=data, format="turtle")) > 100
    assert len(list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE))) > 100


@pytest.mark.skipif(not (SHARED / "tools" / "cq.py").exists(), reason="shared/tools/cq.py not present")
def test_every_competency_question_holds(built):
    result = subprocess.run([sys.executable, str(SHARED / "tools" / "cq.py"), str(built[0] / "graph.ttl")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert re.search(r"^(\d+)/\1 competency questions hold", result.stdout, re.M), result.stdout


def _texts():
    return [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))]


def test_no_label_or_alias_that_is_not_in_the_text(built):
    """Every name comes from the articles, except the canonical names of closed tables (countries, bodies)."""
    from kg.lexicon import lexicon

    lex = lexicon()
    canonical = {c.name for c in lex.countries.values()} | set(lex.org_forms.values())
    texts = "\n".join(_texts())
    g = Graph().parse(built[0] / "graph.ttl", format="turtle")
    composed = ("https://w3id.org/kg-news/id/event/", "https://w3id.org/kg-news/id/policy/")
    for s, p, o in g:
        if p in (RDFS.label, SKOS.altLabel) and str(s).startswith("https://w3id.org/kg-news/id/"):
            if p == RDFS.label and (str(o) in canonical or str(s).startswith(composed)):
                continue    # events and policies are named from their facts; their words stay as altLabels
            assert str(o) in texts, f"{s} {p} {o!r} does not occur in the articles"


def test_entities_have_exactly_one_label(built):
    g = Graph().parse(built[0] / "graph.ttl", format="turtle")
    for s in set(g.subjects(KG.mentionedIn, None)):
        assert len(list(g.objects(s, RDFS.label))) == 1, s


def test_analysis_results_are_in_the_graph(built):
    g = Graph().parse(built[0] / "graph.ttl", format="turtle")
    ranked = sorted(((float(o), str(g.value(s, RDFS.label))) for s, o in g.subject_objects(KG.pageRank)), reverse=True)
    top3 = {name for _, name in ranked[:3]}
    assert top3 & {"Donald Trump", "China", "United States", "Xi Jinping"}


def test_build_help_and_bad_arguments():
    assert "--out" in kg("build", "--help").stdout
    bad = kg("build", "--workers", "0", check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
