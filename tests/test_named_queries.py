"""The named queries about any entity (connections, links, measures, offices), on a hand-made graph
with exact answers and on a graph kg builds from two short articles written for these tests."""
from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
from rdflib import XSD, Literal, URIRef

from browser_support import GraphMaker
from kg import query as kgq
from kg.vocab import KG_NS, ROOT

ARTICLES = {
    "a1.txt": """Chile imposes tariffs on Argentine steel

SANTIAGO, March 3, 2025 - Chile will impose tariffs of 15% on steel from Argentina, Chile's Trade Minister Ana Soto said on Monday.

Soto said the duties would take effect on April 1. Argentina's Economy Minister Pablo Ruiz called the measure unfair and threatened retaliation.
""",
    "a2.txt": """Peru and Chile sign trade pact

LIMA, May 20, 2025 - Peru and Chile signed a free trade agreement on Tuesday, Peruvian President Rosa Quispe said.

Quispe and Chilean President Mateo Vargas held talks in Lima before the signing. Peru also banned imports of Bolivian potatoes last week, the agriculture ministry said.
""",
}


def run(graph, name, **params):
    text = kgq.run(graph, kgq.named_query(name).text, "csv", params or None)
    rows = list(csv.reader(io.StringIO(text)))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def cells(cell: str) -> set[str]:
    return {c for c in cell.split(", ") if c}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Kenya, Tanzania, Peru, a bloc, two officials, three measures (one with policy facts) and a meeting."""
    m = GraphMaker()
    d1, d2 = m.doc("k1", "Kenya bans maize"), m.doc("k2", "Bloc duty")
    kenya = m.entity("country/kenya", "Country", "Kenya", d1, d2, alts=("Nairobi",))
    tanzania = m.entity("country/tanzania", "Country", "Tanzania", d1)
    peru = m.entity("country/peru", "Country", "Peru", d2)
    bloc = m.entity("organization/eac", "Organization", "East African Community", d2, alts=("EAC",))
    maize = m.entity("commodity/maize", "Commodity", "maize", d1)
    wanjiru = m.entity("person/wanjiru", "Official", "Amina Wanjiru", d1, d2, alts=("Wanjiru",),
                       title="Trade Minister")
    m.fact(wanjiru, "officialOf", kenya, d1, "Kenya's Trade Minister Amina Wanjiru said.")
    m.fact(wanjiru, "officialOf", kenya, d2, "Trade Minister Amina Wanjiru of Kenya said.")
    quispe = m.entity("person/quispe", "Official", "Luis Quispe", d2, title="President")
    m.fact(quispe, "leaderOf", peru, d2, "Peruvian President Luis Quispe said.")
    m.fact(quispe, "officialOf", peru, d2, "Peruvian President Luis Quispe said.")
    sec = m.entity("person/secretary", "Official", "Odhiambo Otieno", d2, title="Secretary General")
    m.fact(sec, "officialOf", bloc, d2, "EAC Secretary General Odhiambo Otieno said.")
    ban = m.entity("policy/ban", "Policy", "Kenya import ban on maize from Tanzania", d1)
    m.fact(ban, "imposedBy", kenya, d1, "Kenya banned maize from Tanzania.")
    m.fact(ban, "targets", tanzania, d1, "Kenya banned maize from Tanzania.")
    m.fact(ban, "appliesTo", maize, d1, "Kenya banned maize from Tanzania.")
    for p, o in (("rate", Literal("25", datatype=XSD.decimal)), ("status", URIRef(KG_NS + "Lifted")),
                 ("effectiveDate", Literal("2025-03-01", datatype=XSD.date)),
                 ("endDate", Literal("2025-09-30", datatype=XSD.date))):
        m.g.add((ban, URIRef(KG_NS + p), o))
    duty = m.entity("policy/duty", "Tariff", "East African Community tariff on maize from Kenya", d2)
    m.fact(duty, "imposedBy", bloc, d2, "The EAC put a duty on Kenyan maize.")
    m.fact(duty, "targets", kenya, d2, "The EAC put a duty on Kenyan maize.")
    pact = m.entity("policy/pact", "TradeAgreement", "Kenya-Peru pact", d2)
    m.fact(pact, "party", kenya, d2, "Kenya and Peru signed a pact.")
    m.fact(pact, "party", peru, d2, "Kenya and Peru signed a pact.")
    m.fact(pact, "date", Literal("2025-06-02", datatype=XSD.date), d2, "They signed on June 2.")
    talks = m.entity("event/talks", "Event", "talks", d2)
    m.fact(talks, "participant", wanjiru, d2, "Wanjiru and Quispe held talks.")
    m.fact(talks, "participant", quispe, d2, "Wanjiru and Quispe held talks.")
    path = tmp_path_factory.mktemp("named") / "graph.ttl"
    m.g.serialize(path, format="turtle")
    return path


def test_every_new_query_says_what_it_answers_and_takes_its_parameters():
    for name, params in (("connections", {"entity"}), ("measures", {"country"}), ("offices", {"title", "body"}),
                         ("links", {"a", "b"})):
        q = kgq.named_query(name)
        assert q.summary.endswith("?") and set(q.params) == params, name


def test_connections_of_an_official_both_ways_with_support(made):
    rows = run(made, "connections", entity="wanjiru")
    assert [(r["subject"], r["predicate"], r["object"], r["otherKind"], r["sentences"], r["articles"])
            for r in rows] == [
        ("Amina Wanjiru", "official of", "Kenya", "Country", "2", "2"),
        ("talks", "participant", "Amina Wanjiru", "Event", "1", "1"),
    ]


def test_connections_of_a_bloc_and_of_a_good(made):
    bloc = {(r["subject"], r["predicate"], r["object"]) for r in run(made, "connections", entity="EAC")}
    assert bloc == {("East African Community tariff on maize from Kenya", "imposed by", "East African Community"),
                    ("Odhiambo Otieno", "official of", "East African Community")}
    good = run(made, "connections", entity="Maize")
    assert [(r["subject"], r["otherKind"]) for r in good] == [("Kenya import ban on maize from Tanzania", "Policy")]
    assert run(made, "connections", entity="Atlantis") == []


def test_measures_imposed_faced_and_agreed_with_policy_facts(made):
    rows = run(made, "measures", country="nairobi")
    got = [(r["role"], r["measure"], r["kind"], r["otherSide"]) for r in rows]
    assert got == [
        ("faced", "East African Community tariff on maize from Kenya", "Tariff", "East African Community"),
        ("imposed", "Kenya import ban on maize from Tanzania", "Policy", "Tanzania"),
        ("party", "Kenya-Peru pact", "Trade agreement", "Peru"),
    ]
    ban = rows[1]
    assert (ban["goods"], ban["rate"], ban["effective"], ban["ends"]) == ("maize", "25", "2025-03-01", "2025-09-30")
    assert ban["status"].lower() in ("lifted",)
    assert rows[2]["date"] == "2025-06-02"
    assert [(r["role"], r["otherSide"]) for r in run(made, "measures", country="east african community")] == [
        ("imposed", "Kenya")]
    assert run(made, "measures", country="maize") == []          # a good is no country


def test_offices_by_title_and_body(made):
    everyone = run(made, "offices")
    assert [(r["office"], r["holder"], r["of"], r["leader"], r["articles"]) for r in everyone] == [
        ("President", "Luis Quispe", "Peru", "yes", "1"),
        ("Secretary General", "Odhiambo Otieno", "East African Community", "no", "1"),
        ("Trade Minister", "Amina Wanjiru", "Kenya", "no", "2"),
    ]
    assert [r["holder"] for r in run(made, "offices", title="MINISTER")] == ["Amina Wanjiru"]
    assert [r["holder"] for r in run(made, "offices", body="eac")] == ["Odhiambo Otieno"]
    assert run(made, "offices", title="minister", body="Peru") == []


def test_links_between_entities_of_any_class(made):
    official_bloc = run(made, "links", a="Wanjiru", b="Luis Quispe")
    assert [(r["link"], r["kind"], r["sideA"], r["sideB"]) for r in official_bloc] == [
        ("talks", "Event", "Amina Wanjiru", "Luis Quispe")]
    bloc_country = {(r["link"], r["asA"], r["asB"]) for r in run(made, "links", a="EAC", b="Kenya")}
    assert bloc_country == {("East African Community tariff on maize from Kenya", "imposed by", "targets")}
    good_country = {(r["link"], r["asA"], r["asB"]) for r in run(made, "links", a="maize", b="Tanzania")}
    assert good_country == {("Kenya import ban on maize from Tanzania", "applies to", "targets")}


# ------------------------------------------------------------ on a built graph

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("built")
    result = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(folder), "--out", str(out),
                             "--workers", "1"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.model
@pytest.mark.slow
def test_named_queries_on_a_built_graph(built):
    g = built / "graph.ttl"
    offices = {(r["office"], r["holder"], r["of"]) for r in run(g, "offices", title="minister")}
    assert ("Trade Minister", "Ana Soto", "Chile") in offices
    assert ("Economy Minister", "Pablo Ruiz", "Argentina") in offices
    soto = {(r["subject"], r["predicate"], r["object"]) for r in run(g, "connections", entity="Soto")}
    assert ("Ana Soto", "official of", "Chile") in soto
    chile = run(g, "measures", country="Chile")
    assert any(r["role"] == "imposed" and "Argentina" in cells(r["otherSide"]) and "steel" in cells(r["goods"])
               for r in chile)
    assert any(r["role"] == "party" and "Peru" in cells(r["otherSide"]) for r in chile)
    argentina = run(g, "measures", country="Argentina")
    assert any(r["role"] == "faced" and "Chile" in cells(r["otherSide"]) for r in argentina)
    assert any(r["kind"] == "Trade agreement" for r in run(g, "links", a="Peru", b="Chile"))


@pytest.mark.model
@pytest.mark.slow
def test_built_report_has_officials_countries_timeline_and_its_figures(built):
    report = (built / "report.md").read_text(encoding="utf-8")
    for heading in ("## Officials", "## Countries", "## Policy timeline"):
        assert heading in report
    assert "| Ana Soto | Trade Minister | Chile |" in report
    for name in ("report-measures.svg", "report-communities.svg"):
        assert f"]({name})" in report
        assert (built / name).read_text(encoding="utf-8").rstrip().endswith("</svg>")
