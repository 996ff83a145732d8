"""kg.render: a self-contained, deterministic page whose untrusted text stays data."""
from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph

from browser_support import (HOSTILE_NAME, HOSTILE_SCRIPT, ID, news_graph, policy_graph, scale_graph,
                             synthetic_graph)
from kg import analyze as an
from kg import render
from kg.vocab import ONTOLOGY_FILE

SHAPES_WITH_SIZE = {"dot", "diamond", "square", "triangle", "triangleDown", "star", "hexagon"}


@pytest.fixture(scope="module")
def page() -> str:
    g = news_graph()
    return render.render_html(g, an.analyze(g))


@pytest.fixture(scope="module")
def data() -> dict:
    g = news_graph()
    return render.page_data(g, an.analyze(g))


def embedded_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def scripts(html: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", html, re.S)


# ---------------------------------------------------------------- offline and safe

def test_page_loads_nothing_from_anywhere(page):
    assert not re.search(r"<(script|img|iframe|link)[^>]*\s(src|href)=", page, re.I)
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", page, re.I)
    assert "sourceMappingURL" not in page
    assert "bootstrap" not in page.lower()


def test_page_forbids_requests_and_allows_only_its_own_scripts(page):
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    allowed = set(re.findall(r"'(sha256-[^']+)'", csp))
    found = {"sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts(page)}
    assert len(scripts(page)) == 2 and found == allowed


def test_hostile_text_never_appears_as_markup(page):
    assert "<img" not in page
    assert page.count("</script>") == 3           # data, vis-network, view.js: nothing else closes a script
    assert "alert(2)" in page                     # it is there, as escaped data
    d = embedded_data(page)
    labels = [i["label"] for i in d["info"]]
    assert HOSTILE_NAME in labels
    assert any(HOSTILE_SCRIPT in s for _, s in d["sentences"])
    assert any(HOSTILE_SCRIPT in title for _, title in d["docs"])


def test_page_script_never_writes_html():
    js = (render.DATA_DIR / "view.js").read_text()
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", js)


@given(st.text())
def test_script_json_cannot_close_its_element(text):
    out = render.script_json({"t": text})
    assert not set(out) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(out) == {"t": text}


# ---------------------------------------------------------------- deterministic

def test_same_graph_same_bytes(page):
    again = news_graph()
    assert render.render_html(again, an.analyze(again)) == page


def test_same_bytes_after_a_turtle_round_trip(page):
    g = Graph()
    g.parse(data=news_graph().serialize(format="turtle"), format="turtle")   # new blank nodes, new order
    assert render.render_html(g, an.analyze(g)) == page


# ---------------------------------------------------------------- what is drawn

def test_one_node_per_linked_entity_sized_by_pagerank_and_isolated_ones_left_out(data):
    style = render.load_style()
    assert len(data["info"]) == 8
    drawn = {n["id"] for n in data["nodes"]}
    left_out = [i["label"] for k, i in enumerate(data["info"]) if k not in drawn]
    assert left_out == ["Reuters"]                   # mentioned, but no fact links it: not drawn
    assert data["summary"] | {} == {**data["summary"], "entities": 8, "drawn": 7, "isolated": 1}
    for node in data["nodes"]:
        assert isinstance(node["x"], int) and isinstance(node["y"], int)
        assert set(node) == {"id", "x", "y", "size"}    # class style and tooltips are added by the page
    sizes = sorted((data["info"][n["id"]]["pr"], n["size"]) for n in data["nodes"])
    assert [s for _, s in sizes] == sorted(s for _, s in sizes)
    assert sizes[0][1] == style["node_size"]["min"] and sizes[-1][1] == style["node_size"]["max"]
    assert data["groups"] == []                      # a small graph: nothing collapsed


def test_community_count_leaves_isolated_entities_out(data):
    g = news_graph()
    analysis = an.analyze(g)
    assert len(set(analysis.community.values())) == data["summary"]["communities"] + 1
    assert data["summary"]["components"] == len(set(analysis.component.values())) - 1


def test_positions_are_distinct(data):
    points = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(points) == len(data["nodes"])


def test_edges_are_labelled_by_property_and_carry_their_evidence(data):
    info = data["info"]
    by_iri = {i["iri"]: k for k, i in enumerate(info)}
    call, ruiz = by_iri[str(ID["event/ruiz-bessent-call"])], by_iri[str(ID["person/minister-ruiz"])]
    edge = next(e for e in data["edges"] if e["from"] == call and e["to"] == ruiz)
    assert edge["label"] == "initiated by, participant"       # the ontology's labels, one drawn edge
    assert data["options"]["edges"]["arrows"]["to"]["enabled"]
    facts = data["facts"][edge["id"]]
    assert [f[1] for f in facts] == ["initiatedBy", "participant"]
    said = [data["sentences"][s][1] for s in facts[0][2]]
    assert said == ["The call was requested by Ruiz."]
    tariff, steel = by_iri[str(ID["policy/us-tariffs-on-steel"])], by_iri[str(ID["commodity/steel"])]
    edge = next(e for e in data["edges"] if e["from"] == tariff and e["to"] == steel)
    docs = sorted(data["docs"][data["sentences"][s][0]][0] for s in data["facts"][edge["id"]][0][2])
    assert docs == ["001_tariffs", "002_call"]
    assert edge["width"] > next(e for e in data["edges"] if e["from"] == call)["width"] - 1


def test_tooltip_and_detail_data(data):
    ruiz = next(i for i in data["info"] if i["label"] == HOSTILE_NAME)
    assert ruiz["type"] == "Official"
    assert ruiz["aliases"] == ["<b>Ruiz</b>", "Ruiz"]
    assert [data["docs"][d][0] for d in ruiz["docs"]] == ["001_tariffs", "002_call"]
    (prop, value, cited, local), = ruiz["attrs"]
    assert (prop, value, local) == ("title", "Trade Minister <i>acting</i>", "title")
    assert HOSTILE_SCRIPT in data["sentences"][cited[0]][1]
    assert ruiz["com"] >= 1 and ruiz["deg"] == 2


def test_classes_in_the_legend_are_those_present_in_legend_order(data):
    assert [c["name"] for c in data["classes"]] == [
        "Official", "Country", "Organization", "Event", "Commodity", "Tariff"]
    assert {c["name"]: c["count"] for c in data["classes"]}["Official"] == 2


def test_style_covers_every_class_of_the_ontology():
    onto = Graph().parse(ONTOLOGY_FILE)
    q = "SELECT ?c WHERE { ?c a owl:Class }"
    classes = {str(r[0]).split("#")[1] for r in onto.query(q, initNs={"owl": "http://www.w3.org/2002/07/owl#"})
               if "kg-news" in str(r[0])} - {"Document", "Agent", "PolicyStatus"}
    style = render.load_style()["classes"]
    assert classes <= set(style)
    assert all(s["shape"] in SHAPES_WITH_SIZE for s in style.values())
    assert len({s["color"] for s in style.values()}) == len(style)


def test_large_graph_lays_out_every_linked_node_and_trades_detail_for_speed():
    g = synthetic_graph(700)
    d = render.page_data(g, an.analyze(g))
    linked = an.undirected(an.entity_graph(g))
    assert len(d["nodes"]) == sum(1 for n in linked if linked.degree(n)) > render.COLLAPSE_FROM
    assert d["big"] and d["options"]["interaction"]["hideEdgesOnDrag"]
    assert d["options"]["physics"]["enabled"] is False
    assert len({(n["x"], n["y"]) for n in d["nodes"]}) == len(d["nodes"])


@pytest.fixture(scope="module")
def scale():
    g = scale_graph(3000)
    analysis = an.analyze(g)
    return g, analysis, render.page_data(g, analysis)


def test_at_scale_isolated_entities_stay_searchable_but_are_not_drawn(scale):
    _, analysis, d = scale
    h = an.undirected(analysis.fact_graph)
    isolated = {n for n in h if h.degree(n) == 0}
    assert len(isolated) > len(analysis.entities) / 2
    assert len(d["info"]) == len(analysis.entities)                  # every entity is in the page's data
    drawn = {d["info"][n["id"]]["iri"] for n in d["nodes"]}
    assert drawn == set(h) - isolated
    assert d["summary"]["isolated"] == len(isolated) and d["summary"]["drawn"] == len(drawn)
    assert d["summary"]["communities"] == len({analysis.community[n] for n in drawn})
    assert sorted(d["order"]) == list(range(len(d["info"])))         # PageRank order of all, for labels and search
    assert [d["info"][i]["pr"] for i in d["order"]] == sorted((e["pr"] for e in d["info"]), reverse=True)


def test_at_scale_large_communities_are_collapsed_into_one_node_each(scale):
    _, analysis, d = scale
    n = len(d["info"])
    drawn = {node["id"] for node in d["nodes"]}
    sizes: dict = {}
    for i in drawn:
        sizes.setdefault(d["info"][i]["com"], []).append(i)
    large = {c for c, members in sizes.items() if len(members) >= render.COLLAPSE_MIN}
    assert large and {grp["com"] for grp in d["groups"]} == large
    assert [grp["id"] for grp in d["groups"]] == list(range(n, n + len(d["groups"])))
    for grp in d["groups"]:
        assert sorted(grp["members"]) == sorted(sizes[grp["com"]])
        prs = [d["info"][i]["pr"] for i in grp["members"]]
        assert prs == sorted(prs, reverse=True)                       # its label names the most central
        xs = [next(node["x"] for node in d["nodes"] if node["id"] == i) for i in grp["members"]]
        assert min(xs) <= grp["x"] <= max(xs)
    # a small drawing is not collapsed
    assert render.page_data(scale[0], analysis, collapse_from=10 ** 6)["groups"] == []


def test_at_scale_same_graph_same_bytes(scale):
    g, analysis, _ = scale
    again = scale_graph(3000)
    assert render.render_html(g, analysis) == render.render_html(again, an.analyze(again))


def test_policy_kind_rate_status_and_dates_with_their_evidence():
    g = policy_graph()
    d = render.page_data(g, an.analyze(g))
    by_label = {e["label"]: e for e in d["info"]}
    duty = by_label["Chile anti-dumping duty on copper from Peru"]
    assert duty["type"] == "AntiDumpingDuty" and duty["status"] == "InForce"
    shown = {(a[3], a[1]) for a in duty["attrs"]}
    assert shown == {("status", "In force"), ("rate", "12.5%"), ("effectiveDate", "2024-03-01"),
                     ("endDate", "2029-02-28")}
    said = {a[3]: [d["sentences"][s][1] for s in a[2]] for a in duty["attrs"]}
    assert said["rate"] == ["The duty was raised to 12.5 pct."]
    assert said["status"] == ["The measure is now inforce."]
    assert by_label["Chile import ban on wine"]["status"] == "Lifted"
    assert by_label["Chile quota on wine"]["status"] == ""          # a policy with no status stated
    assert "status" not in by_label["Chile"]                        # not a policy
    assert [(s["name"], s["count"]) for s in d["statuses"]] == [("InForce", 1), ("Lifted", 1), ("", 1)]
    style = {c["name"]: c["label"] for c in d["classes"]}
    assert style["AntiDumpingDuty"] == "Anti-dumping duty" and style["ImportBan"] == "Import ban"


def test_layout_is_deterministic_and_handles_tiny_graphs():
    import networkx as nx

    g = nx.barabasi_albert_graph(120, 2, seed=3)
    assert render.layout(g) == render.layout(g)
    assert render.layout(nx.Graph()) == {}
    one = nx.Graph()
    one.add_node("a")
    assert render.layout(one) == {"a": (0, 0)}


_HASH_SEED_SCRIPT = r"""
import hashlib, json, random
import networkx as nx
from kg import analyze as an, render
rng = random.Random(5)
g = nx.MultiDiGraph()
names = [f"https://w3id.org/kg-news/id/person/p{i:03d}-{rng.random():.6f}" for i in range(400)]
for block in range(8):
    members = names[block * 50:(block + 1) * 50]
    for _ in range(120):
        u, v = rng.sample(members, 2)
        g.add_edge(u, v, key="participant", weight=1)
for _ in range(30):
    u, v = rng.sample(names, 2)
    g.add_edge(u, v, key="party", weight=1)
h = an.undirected(g)
community = an.communities(h)
pos = render.layout(g, community)
print(hashlib.sha256(json.dumps([sorted(community.items()), sorted(pos.items())]).encode()).hexdigest())
"""


def test_layout_and_communities_do_not_depend_on_the_hash_seed():
    # networkx's Louvain and its small subgraph views iterate Python sets of strings,
    # whose order changes with PYTHONHASHSEED: the page must not.
    import os
    import subprocess
    import sys

    outs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", _HASH_SEED_SCRIPT], env=env, capture_output=True, text=True,
                             check=True)
        outs.add(run.stdout.strip())
    assert len(outs) == 1
