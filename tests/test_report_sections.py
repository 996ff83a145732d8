"""The report's sections on officials, countries and the policy timeline, its figures, and its bounds."""
from __future__ import annotations

import re

import pytest
from rdflib import RDF, RDFS, XSD, Literal, URIRef

from browser_support import GraphMaker
from kg import analyze as an
from kg import figures
from kg.model import BuildStats
from kg.report import report_files, render_report
from kg.vocab import KG_NS

K = KG_NS


def section(report: str, title: str) -> str:
    return report.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def rows(text: str) -> list[list[str]]:
    """The body rows of the Markdown tables in ``text``, as cells."""
    out = []
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            out.append([c.strip() for c in line.strip("|").split(" | ")])
    return out


def fact(m: GraphMaker, s, prop: str, o, doc, sentence: str = "It was said."):
    """A fact on any kg: property (the policy-facts terms included), with its provenance."""
    p = URIRef(K + prop)
    m.g.add((s, p, o))
    st = URIRef(f"{s}#st{m.n_statements}")
    m.n_statements += 1
    for pp, v in ((RDF.type, RDF.Statement), (RDF.subject, s), (RDF.predicate, p), (RDF.object, o),
                  (URIRef(K + "sentence"), Literal(sentence)), (URIRef(K + "source"), doc)):
        m.g.add((st, pp, v))


def day(v):
    return Literal(v, datatype=XSD.date)


def month(v):
    return Literal(v, datatype=XSD.gYearMonth)


def rate(v):
    return Literal(v, datatype=XSD.decimal)


@pytest.fixture(scope="module")
def trade():
    """Measures between Kenya, Tanzania, the East African bloc and Peru, with rates, statuses and dates."""
    m = GraphMaker()
    d1, d2, d3 = m.doc("k1", "Kenya bans maize"), m.doc("k2", "Bloc duty"), m.doc("k3", "Peru and Kenya sign")
    kenya = m.entity("country/kenya", "Country", "Kenya", d1, d2, d3)
    tanzania = m.entity("country/tanzania", "Country", "Tanzania", d1)
    peru = m.entity("country/peru", "Country", "Peru", d3)
    m.entity("country/chad", "Country", "Chad", d2)                        # mentioned only
    bloc = m.entity("organization/eac", "Organization", "East African Community", d2)
    maize = m.entity("commodity/maize", "Commodity", "maize", d1)
    sugar = m.entity("commodity/sugar", "Commodity", "sugar", d2)
    ruto = m.entity("person/wanjiru", "Official", "Amina Wanjiru", d1, d3, title="Trade Minister")
    fact(m, ruto, "officialOf", kenya, d1)
    fact(m, ruto, "title", Literal("Trade Minister"), d1)
    quispe = m.entity("person/quispe", "Official", "Luis Quispe", d3, title="President")
    fact(m, quispe, "leaderOf", peru, d3)
    fact(m, quispe, "officialOf", peru, d3)

    ban = m.entity("policy/kenya-ban", "Policy", "Kenya import ban on maize from Tanzania", d1)
    m.g.add((ban, RDF.type, URIRef(K + "ImportBan")))
    fact(m, ban, "imposedBy", kenya, d1)
    fact(m, ban, "targets", tanzania, d1)
    fact(m, ban, "appliesTo", maize, d1)
    fact(m, ban, "date", day("2025-01-10"), d1)
    fact(m, ban, "effectiveDate", day("2025-03-01"), d1)
    fact(m, ban, "endDate", day("2025-09-30"), d1)
    fact(m, ban, "status", URIRef(K + "Lifted"), d1)

    duty = m.entity("policy/eac-duty", "Tariff", "East African Community tariff on sugar from Kenya", d2)
    fact(m, duty, "imposedBy", bloc, d2)
    fact(m, duty, "targets", kenya, d2)
    fact(m, duty, "appliesTo", sugar, d2)
    fact(m, duty, "rate", rate("10"), d2)
    fact(m, duty, "rate", rate("25.0"), d2)
    fact(m, duty, "date", month("2024-11"), d2)
    fact(m, duty, "status", URIRef(K + "InForce"), d2)

    pact = m.entity("policy/pact", "TradeAgreement", "Kenya-Peru trade pact", d3)
    fact(m, pact, "party", kenya, d3)
    fact(m, pact, "party", peru, d3)
    fact(m, pact, "date", Literal("--06-15", datatype=XSD.gMonthDay), d3)

    threat = m.entity("policy/threat", "Tariff", "Tanzania tariff on maize", d1)     # undated
    fact(m, threat, "imposedBy", tanzania, d1)
    fact(m, threat, "appliesTo", maize, d1)
    fact(m, threat, "status", URIRef(K + "Threatened"), d1)
    a = an.analyze(m.g)
    an.add_to_graph(m.g, a)
    return m.g, a


@pytest.fixture(scope="module")
def files(trade):
    g, a = trade
    return report_files(g, a, BuildStats())


def test_officials_name_office_body_and_articles(files):
    s = section(files["report.md"], "Officials")
    assert rows(s)[1:] == [["Amina Wanjiru", "Trade Minister", "Kenya", "2"],
                           ["Luis Quispe", "President", "Peru (leader)", "1"]]


def test_countries_imposed_faced_officials_partners(files):
    s = section(files["report.md"], "Countries")
    table = {r[0]: r[1:] for r in rows(s)[1:]}
    assert table["Kenya"] == ["1: Kenya import ban on maize from Tanzania",
                              "1: East African Community tariff on sugar from Kenya",
                              "1: Amina Wanjiru", "1: Peru"]
    assert table["Tanzania"] == ["1: Tanzania tariff on maize", "1: Kenya import ban on maize from Tanzania", "—", "—"]
    assert table["Peru"] == ["—", "—", "1: Luis Quispe", "1: Kenya"]
    assert table["East African Community (Organization)"][0] == "1: East African Community tariff on sugar from Kenya"
    assert "Chad" not in table and "1 country is only mentioned" in s


def test_timeline_in_date_order_with_rate_status_and_end(files):
    s = section(files["report.md"], "Policy timeline")
    assert rows(s)[0] == ["date", "imposer", "measure", "goods", "target", "rate", "status", "source"]
    assert rows(s)[1:] == [
        ["November 2024", "East African Community", "East African Community tariff on sugar from Kenya", "sugar",
         "Kenya", "10%, 25%", "in force", "k2"],
        ["1 March 2025 to 30 September 2025", "Kenya", "Kenya import ban on maize from Tanzania", "maize",
         "Tanzania", "—", "lifted", "k1"],
        ["15 June (year not given)", "Kenya, Peru", "Kenya-Peru trade pact", "—", "—", "—", "—", "k3"],
    ]
    assert "1 policy has no date" in s


def test_policies_name_the_contract_kinds(files):
    s = section(files["report.md"], "Policies")
    kinds = {r[0]: r[1] for r in rows(s)[1:]}
    assert kinds["Kenya import ban on maize from Tanzania"] in ("ImportBan", "Import ban")
    assert kinds["Kenya-Peru trade pact"] == "Trade agreement"


def test_figures_are_linked_written_and_deterministic(trade, files):
    g, a = trade
    assert set(files) == {"report.md", *figures.FIGURE_FILES}
    report = files["report.md"]
    assert "![Measures per month, by imposer](report-measures.svg)" in section(report, "Policy timeline")
    assert "![The largest communities, by kind of member](report-communities.svg)" in section(report, "Communities")
    for name in figures.FIGURE_FILES:
        svg = files[name]
        assert svg.startswith("<?xml") and svg.rstrip().endswith("</svg>")
        assert "<dc:date>" not in svg
    assert report_files(g, a, BuildStats()) == files
    assert render_report(g, a, BuildStats()) == report


def test_pipeline_writes_the_figures():
    from kg import pipeline

    assert set(figures.FIGURE_FILES) <= set(pipeline.OUTPUT_FILES)


def test_month_counts_group_by_imposer(trade):
    from kg import report_facts as rf

    g, a = trade
    f = rf.Facts.read(g, a, {i: e["label"] for i, e in a.entities.items()})
    assert rf.month_counts(f) == {"East African Community": {"2024-11": 1}, "Kenya": {"2025-03": 1}}


def test_measures_figure_draws_top_imposers_and_others_and_years_over_long_spans():
    counts = {f"Country {i}": {"2020-01": i + 1, "2020-04": 1} for i in range(8)}
    svg = figures.measures_per_month(counts)
    assert svg == figures.measures_per_month(dict(reversed(list(counts.items()))))
    assert "2 others" in svg and "Country 7" in svg and "Country 0" not in svg   # legend: top 6 by count
    assert "2020-02" in svg                                                     # empty months still drawn
    long = figures.measures_per_month({"Chile": {"2001-05": 1, "2019-02": 3}})
    assert "Measures per year" in long and "2001" in long and "2019-02" not in long


def test_figures_keep_article_text_inert():
    hostile = "--><script>alert(1)</script><!-- $x^2$ & <b>"
    for svg in (figures.measures_per_month({hostile: {"2025-01": 1}}),
                figures.largest_communities([(hostile, {hostile: 3})])):
        assert "<script" not in svg and "<b>" not in svg
        assert re.sub(r"<!--.*?-->", "", svg, flags=re.S).count("<!--") == 0


def test_empty_graph_gets_empty_figures_not_links():
    from rdflib import Graph

    out = report_files(Graph(), an.analyze(Graph()), BuildStats())
    assert "No measure is dated" in out[figures.MEASURES_FIGURE]
    assert "![" not in out["report.md"]
    assert "No officials were found." in out["report.md"]
    assert "No policies were found." in section(out["report.md"], "Policy timeline")


def test_long_lists_are_bounded():
    from kg import report_facts as rf

    m = GraphMaker()
    d = m.doc("big", "Many")
    for i in range(rf.MAX_OFFICIALS + 5):
        c = m.entity(f"country/c{i}", "Country", f"Country {i:03d}", d)
        p = m.entity(f"person/p{i}", "Official", f"Official {i:03d}", d, title="Minister")
        fact(m, p, "officialOf", c, d)
        t = m.entity(f"policy/t{i}", "Tariff", f"tariff {i:03d}", d)
        fact(m, t, "imposedBy", c, d)
        fact(m, t, "date", day(f"20{10 + i // 12:02d}-{i % 12 + 1:02d}-01"), d)
    for i in range(rf.MAX_TIMELINE):
        t = m.entity(f"policy/x{i}", "Tariff", f"extra tariff {i:03d}", d)
        fact(m, t, "imposedBy", URIRef(m.g.value(predicate=RDFS.label, object=Literal("Country 000"))), d)
        fact(m, t, "date", day("2030-01-01"), d)
    skipped = [(f"in/{i}.txt", "not English text" if i % 3 else "empty") for i in range(30)]
    report = render_report(m.g, an.analyze(m.g), BuildStats(skipped=skipped))
    assert len(rows(section(report, "Officials"))) == rf.MAX_OFFICIALS + 1
    assert "and 5 more: `kg query output/graph.ttl --name offices` lists all." in report
    assert len(rows(section(report, "Countries"))) == rf.MAX_COUNTRIES + 1
    timeline = section(report, "Policy timeline")
    assert len(rows(timeline)) == rf.MAX_TIMELINE + 1
    assert f"The {rf.MAX_TIMELINE} latest of {rf.MAX_TIMELINE + rf.MAX_OFFICIALS + 5} dated measures" in timeline
    policies = section(report, "Policies")
    assert len(rows(policies)) == (rf.MAX_IMPOSERS + 1) + (rf.MAX_POLICIES + 1)
    assert f"and {rf.MAX_OFFICIALS + 5 - rf.MAX_IMPOSERS} more imposers." in policies
    articles = section(report, "Articles")
    assert "30 inputs were skipped, by reason:" in articles
    assert "| not English text | 20 | in/1.txt, in/10.txt, in/11.txt and 17 more |" in articles
    assert "| empty | 10 |" in articles
    assert len(report.splitlines()) < 600


def test_many_articles_show_the_richest():
    from kg.model import ArticleStats
    from kg.report import MAX_ARTICLES

    m = GraphMaker()
    arts = [ArticleStats(f"a{i:03d}", f"Title {i}", i % 7, (i * 37) % 101) for i in range(MAX_ARTICLES + 30)]
    s = section(render_report(m.g, an.analyze(m.g), BuildStats(articles=arts)), "Articles")
    shown = rows(s)[1:]
    assert len(shown) == MAX_ARTICLES and f"The {MAX_ARTICLES} with the most facts of {MAX_ARTICLES + 30}" in s
    assert [r[0] for r in shown] == sorted(r[0] for r in shown)
    assert min(int(r[3]) for r in shown) >= sorted((a.facts for a in arts), reverse=True)[MAX_ARTICLES - 1]


def test_sampled_betweenness_states_its_sample_size():
    from browser_support import synthetic_graph

    g = synthetic_graph(an.EXACT_BETWEENNESS_MAX + 200)
    a = an.analyze(g)
    assert a.betweenness_sample == an.BETWEENNESS_SAMPLE
    s = section(render_report(g, a, BuildStats()), "Most central entities")
    assert f"estimated from {an.BETWEENNESS_SAMPLE} sampled sources (seed {an.SEED})" in s


def test_policies_counted_by_imposer(files):
    s = section(files["report.md"], "Policies")
    by = s.split("By imposer", 1)[1].split("\n\n", 2)[1]
    table = {r[0]: (r[1], r[2]) for r in rows(by)[1:]}
    assert table["Kenya"][0] == "2" and "1 Trade agreement" in table["Kenya"][1]
    assert table["East African Community"] == ("1", "1 Tariff")
    assert table["Tanzania"] == ("1", "1 Tariff") and table["Peru"] == ("1", "1 Trade agreement")
    assert list(table)[0] == "Kenya"


def test_offices_spelled_in_two_cases_show_once_and_cells_split_on_semicolons():
    from kg.report_text import counted

    m = GraphMaker()
    d = m.doc("x1", "Fiji")
    fiji = m.entity("country/fiji", "Country", "Fiji", d)
    p = m.entity("person/tui", "Official", "Sera Tui", d, title="finance minister")
    m.g.add((p, URIRef(K + "title"), Literal("Finance Minister")))
    fact(m, p, "officialOf", fiji, d)
    s = section(render_report(m.g, an.analyze(m.g), BuildStats()), "Officials")
    assert rows(s)[1] == ["Sera Tui", "Finance Minister", "Fiji", "1"]
    assert counted(["quota on sugar, rice", "ban on pork"], 1) == "2: quota on sugar, rice and 1 more"
    assert counted(["quota on sugar, rice", "ban on pork"]) == "2: quota on sugar, rice; ban on pork"


def test_figures_are_the_same_bytes_in_another_process():
    import os
    import subprocess
    import sys

    code = ("import sys; from kg import figures; "
            "sys.stdout.write(figures.measures_per_month({'Chile': {'2025-01': 2}, 'Peru': {'2025-03': 1}}) + "
            "figures.largest_communities([('1: around Chile', {'countries': 2, 'officials': 3})]))")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outs) == 1 and "</svg>" in outs.pop()
