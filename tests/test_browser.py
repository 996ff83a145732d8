"""The page in a real browser (Debian's Chromium via Playwright), with the network cut off."""
from __future__ import annotations

import pytest

from browser_support import (HOSTILE_NAME, HOSTILE_SCRIPT, ID, chromium_missing_reason, edge_point,
                             news_graph, node_point, open_page, policy_graph, scale_graph, wait_ready)
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


def test_page_opens_offline_with_one_node_per_linked_entity(news_page):
    path, analysis, index = news_page
    with open_page(path) as (page, log):
        wait_ready(page)
        assert len(analysis.entities) == 8
        assert page.evaluate("kgView.nodes.length") == 7          # Reuters has no fact: not drawn
        assert page.evaluate(f"kgView.nodes.get({index[str(ID['organization/reuters'])]})") is None
        assert page.evaluate("kgView.network.body.nodeIndices.length") == 7
        assert page.evaluate("kgView.edges.length") == 7
        assert page.evaluate("document.querySelectorAll('#kg-legend input').length") == 6
        summary = page.inner_text("#kg-summary")
        assert "8 entities (7 drawn; 1 without links left out" in summary and "2 articles" in summary
        assert "3 communities" in summary                          # the isolated one is not counted
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
        page.wait_for_function("() => document.querySelector('#kg-details h2') && "
                               "document.querySelector('#kg-details h2').textContent.includes('Ruiz')")
        page.wait_for_function("() => kgView.network.getSelectedNodes().length === 1")      # drawn after the panel
        assert page.evaluate("kgView.network.getSelectedNodes()") == [index[str(ID["person/minister-ruiz"])]]
        page.fill("#kg-search", "washington")
        assert page.eval_on_selector_all("#kg-results button", "els => els.map(e => e.textContent)") == [
            "United States"]
        page.uncheck("#kg-legend input[data-class=Country]")
        assert page.evaluate("kgView.nodes.get({filter: n => !n.hidden}).length") == 5
        page.check("#kg-legend input[data-class=Country]")
        assert page.evaluate("kgView.nodes.get({filter: n => !n.hidden}).length") == 7
        no_markup_from_text(page)
        assert_clean(log)


def test_search_finds_an_entity_that_is_not_drawn(news_page):
    path, _, _ = news_page
    with open_page(path) as (page, log):
        wait_ready(page)
        page.fill("#kg-search", "reut")
        assert page.inner_text("#kg-results li").replace("\n", " ") == "Reuters Organization, not drawn"
        page.press("#kg-search", "Enter")
        page.wait_for_selector("#kg-details .kg-note")
        assert page.text_content("#kg-details h2").strip() == "Reuters"
        assert "Not in the drawing" in page.text_content("#kg-details .kg-note")
        assert "Mentioned in 1 article" in page.text_content("#kg-details")
        assert "Communitynone (no links)" in page.text_content("#kg-details .kg-metrics")
        assert page.evaluate("kgView.network.getSelectedNodes()") == []
        assert_clean(log)


@pytest.fixture(scope="module")
def scale_page(tmp_path_factory):
    return write_page(tmp_path_factory.mktemp("scale"), scale_graph(3000))


def drawn_ids(page) -> set:
    return set(page.evaluate("kgView.nodes.getIds()"))


def test_overview_at_scale_leaves_isolated_out_and_collapses_large_communities(scale_page):
    path, analysis = scale_page
    with open_page(path) as (page, log):
        wait_ready(page)
        d = page.evaluate("({s: kgView.data.summary, n: kgView.data.info.length, "
                          "groups: kgView.data.groups.map(g => [g.id, g.members])})")
        n, groups = d["n"], d["groups"]
        assert n == len(analysis.entities) and d["s"]["isolated"] > n / 2 and groups
        shown = drawn_ids(page)
        collapsed = {i for _, members in groups for i in members}
        assert {gid for gid, _ in groups} <= shown                 # one node per large community
        assert not shown & collapsed                              # its members are not drawn yet
        assert len(shown) == d["s"]["drawn"] - len(collapsed) + len(groups)
        assert f"{d['s']['isolated']} without links left out" in page.inner_text("#kg-summary")
        assert f"{d['s']['communities']} communities" in page.inner_text("#kg-summary")
        # the layout was computed in advance: nothing moves after the first drawing
        before = page.evaluate("JSON.stringify(kgView.network.getPositions())")
        page.wait_for_timeout(500)
        assert page.evaluate("JSON.stringify(kgView.network.getPositions())") == before
        page.screenshot(path=str(path.with_name("overview.png")))
        # a community opens on click: its node goes, its members come with their links
        gid, members = groups[0]
        page.mouse.click(*node_point(page, gid))
        page.wait_for_function(f"() => kgView.nodes.get({gid}) === null")
        after = drawn_ids(page)
        assert set(members) <= after and gid not in after
        assert after == (shown - {gid}) | set(members)
        inside = page.evaluate(f"""() => {{ const m = new Set({members});
            return kgView.data.edges.filter(e => m.has(e.from) && m.has(e.to)).map(e => e.id); }}""")
        assert inside and set(inside) <= set(page.evaluate("kgView.edges.getIds()"))
        assert page.text_content("#kg-details h2").startswith("Community")
        page.screenshot(path=str(path.with_name("community-open.png")))
        page.click("#kg-details button.kg-fit")                    # and closes again
        assert drawn_ids(page) == shown
        assert_clean(log)


def test_labels_are_drawn_only_where_they_fit(scale_page):
    path, _ = scale_page
    with open_page(path) as (page, log):
        wait_ready(page)
        page.evaluate("kgView.data.groups.forEach((g, k) => kgView.openGroup(k))")
        page.evaluate("kgView.network.fit({animation: false})")
        page.wait_for_function("() => kgView.labels.length > 0")
        labels, boxes, drawn = page.evaluate("[kgView.labels, kgView.boxes, kgView.nodes.length]")
        assert 0 < len(labels) < drawn                               # not every label fits the fitted view
        for k, a in enumerate(boxes):
            for b in boxes[k + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], "two labels overlap"
        order = page.evaluate("kgView.data.order")
        assert labels[0] == next(i for i in order if i in set(page.evaluate("kgView.nodes.getIds()")))
        # zoomed in on an entity without a label, its label appears
        hidden = page.evaluate("kgView.nodes.getIds().filter(id => !kgView.labels.includes(id))")[0]
        page.evaluate(f"kgView.network.moveTo({{position: kgView.network.getPositions([{hidden}])[{hidden}], "
                      "scale: 4, animation: false})")
        page.wait_for_function(f"() => kgView.labels.includes({hidden})")
        assert_clean(log)


def test_search_at_scale_finds_an_isolated_entity(scale_page):
    path, analysis = scale_page
    h = an.undirected(analysis.fact_graph)
    iri = next(i for i in sorted(h) if h.degree(i) == 0 and "Holdings" in analysis.entities[i]["label"])
    label = analysis.entities[iri]["label"]
    with open_page(path) as (page, log):
        wait_ready(page)
        page.fill("#kg-search", label.lower())
        assert page.inner_text("#kg-results li").replace("\n", " ") == f"{label} Organization, not drawn"
        page.press("#kg-search", "Enter")
        page.wait_for_function(f"() => document.querySelector('#kg-details h2').textContent.includes({label!r})")
        assert "Not in the drawing" in page.text_content("#kg-details")
        # an entity inside a collapsed community: its community opens and it is selected
        hidden = page.evaluate("kgView.data.groups[0].members[3]")
        page.fill("#kg-search", page.evaluate(f"kgView.data.info[{hidden}].label"))
        page.press("#kg-search", "Enter")
        page.wait_for_function("() => kgView.network.getSelectedNodes().length === 1")
        assert page.evaluate(f"kgView.nodes.get({hidden}) !== null")
        assert page.evaluate("kgView.network.getSelectedNodes()") == [hidden]
        assert_clean(log)


def test_policy_shows_kind_rate_status_and_dates_and_filters_by_status(tmp_path):
    path, analysis = write_page(tmp_path, policy_graph())
    index = {iri: i for i, iri in enumerate(sorted(analysis.entities))}
    duty = index[str(ID["policy/chile-duty-copper"])]
    ban = index[str(ID["policy/chile-ban-wine"])]
    with open_page(path) as (page, log):
        wait_ready(page)
        statuses = page.eval_on_selector_all("#kg-status label", "els => els.map(e => e.innerText.replace(/\\s+/g, ' '))")
        assert statuses == ["In force 1", "Lifted 1", "No status stated 1"]
        line = "Anti-dumping duty · In force · 12.5% · effective 2024-03-01 · ends 2029-02-28"
        page.mouse.move(*node_point(page, duty))
        assert line in page.wait_for_selector("div.vis-tooltip", state="visible").text_content()
        page.mouse.click(*node_point(page, duty))
        page.wait_for_selector("#kg-details .kg-sentence")
        assert page.text_content("#kg-details .kg-type") == line
        assert "The duty was raised to 12.5 pct." in page.text_content("#kg-details")
        visible = "kgView.nodes.get({filter: n => !n.hidden}).map(n => n.id)"
        page.uncheck("#kg-status input[data-status=InForce]")
        assert duty not in page.evaluate(visible) and ban in page.evaluate(visible)
        assert len(page.evaluate(visible)) == len(analysis.entities) - 1
        page.uncheck("#kg-status input[data-status='']")
        assert index[str(ID["policy/chile-quota-wine"])] not in page.evaluate(visible)
        page.check("#kg-status input[data-status=InForce]")
        assert duty in page.evaluate(visible)
        no_markup_from_text(page)
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
    linked = an.undirected(an.entity_graph(g))
    expected = sum(1 for n in linked if linked.degree(n))            # small: nothing is collapsed
    assert expected > 0
    with open_page(out / "graph.html") as (page, log):
        wait_ready(page)
        assert page.evaluate("kgView.network.body.nodeIndices.length") == expected
        # the headline with a closing script tag is shown, as text, in the tooltip of a node from that article
        node = page.evaluate("""() => kgView.data.info.findIndex((e, i) => kgView.nodes.get(i) &&
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
