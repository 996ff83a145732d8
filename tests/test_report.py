"""kg.report: a report that stands on its own, says what the numbers mean and escapes article text."""
from __future__ import annotations

import re

import pytest

from browser_support import HOSTILE_NAME, news_graph
from kg import analyze as an
from kg.model import ArticleStats, BuildStats
from kg.report import md, render_report


@pytest.fixture(scope="module")
def report() -> str:
    g = news_graph()
    a = an.analyze(g)
    an.add_to_graph(g, a)            # as the pipeline does: the analysis triples must not count as facts
    stats = BuildStats(
        articles=[ArticleStats("002_call", "Ruiz and Bessent talk by phone", 4, 5),
                  ArticleStats("001_tariffs", "Spain answers US tariffs", 6, 7)],
        skipped=[("bad/notes.pdf", "not UTF-8 text")],
        model="en_core_web_sm",
    )
    return render_report(g, a, stats)


def section(report: str, title: str) -> str:
    return report.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_sections_in_order(report):
    heads = re.findall(r"^## (.+)$", report, re.M)
    assert heads == ["What was built", "Most central entities", "Officials", "Countries", "Communities", "Policies",
                     "Policy timeline", "Articles"]


def test_what_was_built(report):
    s = section(report, "What was built")
    assert "2 articles gave 8 entities and 11 facts, 8 of them between two entities" in s
    assert "1 file was skipped" in s
    assert "| Official | 2 |" in s and "| Country | 2 |" in s and "| all | 8 |" in s
    assert "| kg:appliesTo | 1 | 2 |" in s           # one fact, two supporting sentences
    assert "| kg:title | 2 | 1 |" in s
    assert "pageRank" not in s and "kg:degree" not in s


def test_centrality_ranks_and_explains(report):
    s = section(report, "Most central entities")
    rows = [r for r in s.splitlines() if r.startswith("| 1 |")]
    assert rows[0].startswith("| 1 | U.S. tariffs on steel | Tariff |")
    assert "PageRank spreads importance" in s and "Betweenness counts" in s
    assert "At the top, U.S. tariffs on steel (Tariff) is linked to 3 entities" in s
    assert "The main broker," in s
    assert "exact" in s


def test_communities_list_every_entity_once(report):
    s = section(report, "Communities")
    labels = ["Minister \\<img src=x onerror=alert(1)\\> Ruiz", "Scott Bessent", "Spain", "United States",
              "steel", "U.S. tariffs on steel", "phone call", "Reuters"]
    member_lines = [line for line in s.splitlines() if line.startswith(("Members by PageRank", "Entities with no facts"))]
    text = "\n".join(member_lines)
    for label in labels:
        assert len(re.findall(r"(?:: |; )" + re.escape(label) + r" \(", text)) == 1, label
    assert "Modularity is" in s
    assert "Leaving out the entities linked to no other, the graph has 1 connected component;" in s
    assert "Reuters (Organization)" in s.split("Entities with no facts")[1]


def test_policies_say_who_imposed_what_on_whom(report):
    s = section(report, "Policies")
    row = next(r for r in s.splitlines() if r.startswith("| U.S. tariffs on steel"))
    assert row == "| U.S. tariffs on steel | Tariff | United States | steel | Spain | 12 May 2025 | 001_tariffs |"


def test_articles_with_their_counts_and_skips(report):
    s = section(report, "Articles")
    assert s.index("001_tariffs") < s.index("002_call")
    assert "| 001_tariffs | Spain answers US tariffs | 6 | 7 |" in s
    assert "- bad/notes.pdf: not UTF-8 text" in s


def test_articles_from_the_graph_when_no_stats():
    g = news_graph()
    s = section(render_report(g, an.analyze(g), BuildStats()), "Articles")
    assert "| 002_call | Ruiz and Bessent talk by phone | 5 | 5 |" in s


def test_untrusted_text_is_inert(report):
    assert not re.search(r"(?<!\\)[<>]", report)           # every angle bracket is escaped
    assert "Minister \\<img src=x onerror=alert(1)\\> Ruiz" in report
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(report)
    assert "<script" not in html
    # the only images are the report's own figures
    assert all(re.fullmatch(r'<img src="report-[a-z]+\.svg" alt="[^"<>]*" />', tag)
               for tag in re.findall(r"<img[^>]*>", html))
    assert "Minister &lt;img src=x onerror=alert(1)&gt; Ruiz" in html


def test_md_escapes_markup_but_keeps_names_readable():
    assert md("a|b *c* [d](e) <f> `g` ~h~") == "a\\|b \\*c\\* \\[d\\](e) \\<f\\> \\`g\\` \\~h\\~"
    assert md("001_c3cb snake_case") == "001_c3cb snake_case"
    assert md("_lead") == "\\_lead"
    assert md("line\nbreak\ttab") == "line break tab"
    assert md("AT&T &amp;") == "AT&T &amp;amp;"


def test_report_is_deterministic_and_has_no_clock(report):
    g = news_graph()
    a = an.analyze(g)
    an.add_to_graph(g, a)
    stats = BuildStats(
        articles=[ArticleStats("001_tariffs", "Spain answers US tariffs", 6, 7),
                  ArticleStats("002_call", "Ruiz and Bessent talk by phone", 4, 5)],
        skipped=[("bad/notes.pdf", "not UTF-8 text")], model="en_core_web_sm", seconds=12.5)
    assert render_report(g, a, stats) == report
    assert not re.search(r"\d\d:\d\d|seconds", report)


def test_an_empty_graph_still_reports():
    from rdflib import Graph

    text = render_report(Graph(), an.analyze(Graph()), BuildStats())
    assert "0 articles gave 0 entities" in text and "The graph has no entities." in text
    assert "No policies were found." in text
    assert HOSTILE_NAME not in text


def test_entities_sharing_a_name_are_folded_and_long_cells_capped():
    from browser_support import GraphMaker

    m = GraphMaker()
    d = m.doc("001_x", "Calls")
    hub = m.entity("country/spain", "Country", "Spain", d)
    for i in range(12):
        call = m.entity(f"event/call-{i}", "Event", "phone call", d)
        m.fact(call, "participant", hub, d, f"Call {i} took place.")
    tariff = m.entity("policy/t", "Tariff", "tariffs", d)
    for i in range(11):
        good = m.entity(f"commodity/g{i}", "Commodity", f"good {i:02d}", d)
        m.fact(tariff, "appliesTo", good, d, "Tariffs on goods.")
    text = render_report(m.g, an.analyze(m.g), BuildStats())
    assert "phone call ×12 (Event, up to " in text
    assert section(text, "Communities").count("phone call") == 1
    row = next(r for r in text.splitlines() if r.startswith("| tariffs |"))
    assert "good 00, good 01" in row and "good 07 and 3 more" in row
