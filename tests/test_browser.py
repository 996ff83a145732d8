"""The page in a real browser (Debian's Chromium via Playwright), with the network cut off."""
from __future__ import annotations


import pytest

from browser_support import (HOSTILE_NAME, HOSTILE_SCRIPT, ID, chromium_missing_reason, edge_point,
                             news_graph, node_point, open_page, synthetic_graph, wait_ready)
from kg import analyze as an
from kg import render

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_missing_reason() is not None, reason=chromium_missing_reason() or ""),
]


def write_page(tmp_path, graph, name="graph.html"):
    analysis = an.analyze(graph)
    path = tmp_path / name
    path.write_text(render.render_html(graph, analysis), encoding="utf-8")
    return path, analysis


@pytest.fixture(scope="module")
def news_page(tmp_path_factory):
    path, analysis = write_page(tmp_path_factory.mktemp("page"), news_graph())
    index = {iri: i for i, iri in enumerate(sorted(analysis.entities))}
    return path, analysis, index


def assert_clean(log):
    assert log.blocked == [], f"the page tried to reach {log.blocked}"
    assert log.console_errors == [] and log.page_errors == []
    assert log.dialogs == [], f"a script ran: {log.dialogs}"


def no_markup_from_text(page) -> None:
    """Nothing the articles said became an element."""
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed, i, b').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 3
    assert page.evaluate("window.__pwned === undefined")


def test_page_opens_offline_with_one_node_per_entity(news_page):
    path, analysis, _ = news_page
    with open_page(path) as (page, log):
        wait_ready(page)
        assert page.evaluate("kgView.nodes.length") == len(analysis.entities) == 8
        assert page.evaluate("kgView.network.body.nodeIndices.length") == 8
        assert page.evaluate("kgView.edges.length") == 7
        assert page.evaluate("document.querySelectorAll('#kg-legend input').length") == 6
        summary = page.inner_text("#kg-summary")
        assert "8 entities" in summary and "2 articles" in summary
        page.screenshot(path=str(path.with_suffix(".png")))
        no_markup_from_text(page)
        assert_clean(log)


def test_hover_shows_a_tooltip_with_type_aliases_title_and_articles(news_page):
    path, _, index = news_page
    with open_page(path) as (page, log):
        wait_ready(page)
        page.mouse.move(*node_point(page, index[str(ID["person/minister-ruiz"])]))
        tip = page.wait_for_selector("div.vis-tooltip", state="visible")
        text = tip.text_content()
        assert HOSTILE_NAME in text
        assert "Official · Trade Minister <i>acting</i>" in text
        assert "Also: <b>Ruiz</b>; Ruiz" in text
        assert "001_tariffs — Spain answers US tariffs " + HOSTILE_SCRIPT in text
        no_markup_from_text(page)
        assert_clean(log)


def test_click_on_a_node_shows_the_supporting_sentences(news_page):
    path, _, index = news_page
    with open_page(path) as (page, log):
        wait_ready(page)
        page.mouse.click(*node_point(page, index[str(ID["person/minister-ruiz"])]))
        page.wait_for_selector("#kg-details .kg-sentence")
        assert page.text_content("#kg-details h2") .strip() == HOSTILE_NAME
        sentences = page.eval_on_selector_all("#kg-details .kg-sentence", "els => els.map(e => e.textContent)")
        assert any(s.endswith(HOSTILE_SCRIPT) and HOSTILE_NAME in s for s in sentences)
        assert "The call was requested by Ruiz." in sentences
        sources = page.eval_on_selector_all("#kg-details .kg-source", "els => els.map(e => e.textContent)")
        assert "001_tariffs — Spain answers US tariffs " + HOSTILE_SCRIPT in sources
        assert "002_call — Ruiz and Bessent talk by phone" in sources
        page.screenshot(path=str(path.with_name("node-click.png")))
        no_markup_from_text(page)
        assert_clean(log)


def test_click_on_an_edge_shows_its_evidence_and_articles(news_page):
    path, _, index = news_page
    with open_page(path) as (page, log):
        wait_ready(page)
        tariff, steel = index[str(ID["policy/us-tariffs-on-steel"])], index[str(ID["commodity/steel"])]
        edge = page.evaluate(f"kgView.edges.get({{filter: e => e.from === {tariff} && e.to === {steel}}})[0].id")
        page.mouse.click(*edge_point(page, edge))
        page.wait_for_selector("#kg-details .kg-sentence")
        details = page.text_content("#kg-details")
        assert "applies to (kg:appliesTo)" in details
        assert "The United States imposed tariffs on steel from Spain." in details
        assert "The steel tariffs stay in place, Bessent said." in details
        assert "002_call — Ruiz and Bessent talk by phone" in details
        assert_clean(log)


def test_search_finds_by_alias_and_filter_hides_a_class(news_page):
    path, _, index = news_page
    with open_page(path) as (page, log):
        wait_ready(page)
        page.fill("#kg-search", "<b>ruiz")
        results = page.eval_on_selector_all("#kg-results button", "els => els.map(e => e.textContent)")
        assert results == [HOSTILE_NAME]
        page.press("#kg-search", "Enter")
        page.wait_for_function("document.querySelector('#kg-details h2') && "
                               "document.querySelector('#kg-details h2').textContent.includes('Ruiz')")
        assert page.evaluate("kgView.network.getSelectedNodes()") == [index[str(ID["person/minister-ruiz"])]]
        page.fill("#kg-search", "washington")
        assert page.eval_on_selector_all("#kg-results button", "els => els.map(e => e.textContent)") == [
            "United States"]
        page.uncheck("#kg-legend input[data-class=Country]")
        assert page.evaluate("kgView.nodes.get({filter: n => !n.hidden}).length") == 6
        page.check("#kg-legend input[data-class=Country]")
        assert page.evaluate("kgView.nodes.get({filter: n => !n.hidden}).length") == 8
        no_markup_from_text(page)
        assert_clean(log)


@pytest.mark.slow
def test_two_thousand_entities_open_and_stay_responsive(tmp_path):
    graph = synthetic_graph(2000)
    path, analysis = write_page(tmp_path, graph)
    assert len(analysis.entities) >= 2000
    with open_page(path) as (page, log):
        wait_ready(page)            # how fast: bench/bench_page.py measures it; no wall-clock limit here
        assert page.evaluate("kgView.network.body.nodeIndices.length") == len(analysis.entities)
        # the layout was computed in advance: nothing moves after the first drawing
        before = page.evaluate("JSON.stringify(kgView.network.getPositions([0, 1, 2]))")
        page.wait_for_timeout(500)
        assert page.evaluate("JSON.stringify(kgView.network.getPositions([0, 1, 2]))") == before
        page.mouse.move(*node_point(page, 0))
        page.wait_for_selector("div.vis-tooltip", state="visible")
        page.mouse.click(*node_point(page, 0))
        page.wait_for_selector("#kg-details .kg-fact")
        assert_clean(log)


HOSTILE_ARTICLES = {
    "001_ruiz.txt": f"""{HOSTILE_SCRIPT} Spain answers U.S. steel tariffs

Spanish Trade {HOSTILE_NAME} said on Monday that Spain would impose tariffs on steel from the United States. {HOSTILE_SCRIPT}

The United States imposed tariffs on Spanish steel and aluminum in May, U.S. Treasury Secretary Scott Bessent said.
""",
    "002_call.txt": f"""Bessent and Ruiz agree to talk again

U.S. Treasury Secretary Scott Bessent and Spanish Trade {HOSTILE_NAME} agreed on Friday to resume trade talks. China halted exports of rare earth magnets in April.
""",
}


@pytest.mark.model
def test_built_page_of_hostile_articles_shows_their_text_as_text(tmp_path):
    import subprocess
    import sys

    from rdflib import Graph

    corpus = tmp_path / "articles"
    corpus.mkdir()
    for name, text in HOSTILE_ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), "-q"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert "<img" not in html and html.count("</script>") == 3
    g = Graph().parse(out / "graph.ttl")
    expected = len(an.entities(g))
    assert expected > 0
    with open_page(out / "graph.html") as (page, log):
        wait_ready(page)
        assert page.evaluate("kgView.network.body.nodeIndices.length") == expected
        # the headline with a closing script tag is shown, as text, in the tooltip of a node from that article
        node = page.evaluate("""() => kgView.data.info.findIndex(e =>
            e.docs.some(d => kgView.data.docs[d][1].includes('alert(2)')))""")
        assert node >= 0, "no entity of 001_ruiz was drawn"
        page.mouse.move(*node_point(page, node))
        tip = page.wait_for_selector("div.vis-tooltip", state="visible")
        assert HOSTILE_SCRIPT + " Spain answers U.S. steel tariffs" in tip.text_content()
        # a sentence quoting the <img> markup is shown, as text, in the evidence of a fact citing it
        cited = page.evaluate("""() => {
            const d = kgView.data, hit = new Set();
            d.sentences.forEach((s, i) => { if (s[1].includes('onerror=alert(1)')) hit.add(i); });
            const e = d.edges.find(e => d.facts[e.id].some(f => f[2].some(i => hit.has(i))));
            return e ? e.from : d.info.findIndex(n => n.attrs.some(a => a[2].some(i => hit.has(i))));
        }""")
        if "onerror=alert(1)" in page.evaluate("JSON.stringify(kgView.data.sentences)"):
            assert cited >= 0
            page.mouse.click(*node_point(page, cited))
            page.wait_for_selector("#kg-details .kg-sentence")
            assert "<img src=x onerror=alert(1)>" in page.text_content("#kg-details")
        no_markup_from_text(page)
        assert_clean(log)
