"""kg.analyze: known answers on tiny graphs, the entity graph of a built-shaped graph, outputs."""
from __future__ import annotations

import json
import math
from decimal import Decimal

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import rdflib
from rdflib import Literal, URIRef

from browser_support import HOSTILE_NAME, ID, news_graph
from kg import analyze as an
from kg.vocab import KG


def weighted(edges) -> nx.Graph:
    g = nx.Graph()
    for u, v, w in edges:
        g.add_edge(u, v, weight=w)
    return g


# ---------------------------------------------------------------- known answers

def test_degree_counts_distinct_neighbours_ignoring_direction_parallels_and_loops():
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="officialOf", weight=1)
    g.add_edge("a", "b", key="leaderOf", weight=2)
    g.add_edge("c", "b", key="party", weight=1)
    g.add_edge("b", "b", key="x", weight=1)
    g.add_node("d")
    assert an.degree(g) == {"a": 1, "b": 2, "c": 1, "d": 0}
    assert an.strength(g) == {"a": 3, "b": 4, "c": 1, "d": 0}


def test_pagerank_of_a_cycle_is_uniform():
    pr = an.pagerank(nx.cycle_graph(4))
    assert all(v == pytest.approx(0.25, abs=1e-9) for v in pr.values())


def test_pagerank_of_a_star_matches_the_closed_form():
    # centre c, three leaves l: c = 0.15/4 + 0.85*3*l, l = 0.15/4 + 0.85*c/3, c + 3l = 1
    pr = an.pagerank(nx.star_graph(3))
    c = (0.0375 + 2.55 * 0.0375) / (1 - 0.7225)
    assert pr[0] == pytest.approx(c, abs=1e-9)
    assert pr[1] == pr[2] == pr[3] == pytest.approx((1 - c) / 3, abs=1e-9)
    assert round(c, 6) == 0.479730


def test_pagerank_is_weighted():
    # b sends 3/4 of its rank to a and 1/4 to c: b = 0.9/1.85, a = 0.05 + 0.6375 b, c = 0.05 + 0.2125 b
    pr = an.pagerank(weighted([("a", "b", 3), ("b", "c", 1)]))
    b = 0.9 / 1.85
    assert pr["b"] == pytest.approx(b, abs=1e-9)
    assert pr["a"] == pytest.approx(0.05 + 0.6375 * b, abs=1e-9)
    assert pr["c"] == pytest.approx(0.05 + 0.2125 * b, abs=1e-9)


def test_pagerank_of_an_empty_graph_is_empty():
    assert an.pagerank(nx.Graph()) == {}


def test_betweenness_of_a_path_and_a_star():
    assert an.betweenness(nx.path_graph(["a", "b", "c"])) == {"a": 0.0, "b": 1.0, "c": 0.0}
    star = an.betweenness(nx.star_graph(4))
    assert star[0] == 1.0 and all(star[i] == 0.0 for i in range(1, 5))
    # path of 5: the middle node lies on 4 of the 6 pairs of others
    assert an.betweenness(nx.path_graph(5))[2] == pytest.approx(4 / 6)


def test_betweenness_ignores_weights_as_distances():
    g = weighted([("a", "b", 100), ("b", "c", 100), ("a", "c", 1)])
    assert an.betweenness(g) == {"a": 0.0, "b": 0.0, "c": 0.0}


def test_sampled_betweenness_is_seeded():
    g = nx.barabasi_albert_graph(60, 2, seed=1)
    assert an.betweenness(g, sample=20) == an.betweenness(g, sample=20)
    assert an.betweenness(g, sample=20) != an.betweenness(g)


def test_components_are_numbered_by_size_then_first_member():
    g = nx.Graph([("x", "y"), ("y", "z"), ("a", "b"), ("b", "c"), ("p", "q")])
    g.add_node("lone")
    assert an.components(g) == {"a": 1, "b": 1, "c": 1, "x": 2, "y": 2, "z": 2, "p": 3, "q": 3, "lone": 4}


def test_communities_split_two_triangles_joined_by_a_bridge():
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    g.add_node("zz")
    comm = an.communities(g)
    assert comm == {"a": 1, "b": 1, "c": 1, "x": 2, "y": 2, "z": 2, "zz": 3}
    # two disjoint triangles: Q = 2 * (3/6 - (6/12)^2) = 0.5
    two = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z")])
    assert an.modularity(two, an.communities(two)) == pytest.approx(0.5)


def test_communities_without_edges_are_singletons():
    g = nx.Graph()
    g.add_nodes_from(["b", "a"])
    assert an.communities(g) == {"a": 1, "b": 2}
    assert an.modularity(g, an.communities(g)) == 0.0


def test_metric_functions_leave_their_input_unchanged():
    g = an.entity_graph(news_graph())
    before = (list(g.nodes(data=True)), list(g.edges(keys=True, data=True)))
    for f in (an.degree, an.strength, an.pagerank, an.betweenness, an.components, an.communities):
        f(g)
    assert (list(g.nodes(data=True)), list(g.edges(keys=True, data=True))) == before


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(1, 4)), max_size=30),
       st.integers(1, 12))
def test_metrics_cover_every_node_and_agree_with_each_other(edges, n):
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for u, v, w in edges:
        if u < n and v < n:
            g.add_edge(u, v, weight=w)
    pr, comp, comm = an.pagerank(g), an.components(g), an.communities(g)
    assert set(pr) == set(comp) == set(comm) == set(an.degree(g)) == set(an.betweenness(g)) == set(g)
    assert math.isclose(sum(pr.values()), 1.0, abs_tol=1e-9)
    assert sorted(set(comp.values())) == list(range(1, nx.number_connected_components(g) + 1))
    # a community never spans two components
    for u in g:
        for v in g:
            if comm[u] == comm[v]:
                assert comp[u] == comp[v]


# ---------------------------------------------------------------- the entity graph

def test_entity_graph_has_entities_and_facts_only():
    g = an.entity_graph(news_graph())
    assert sorted(g.nodes) == sorted(str(ID[u]) for u in (
        "person/minister-ruiz", "person/scott-bessent", "country/spain", "country/united-states",
        "commodity/steel", "policy/us-tariffs-on-steel", "event/ruiz-bessent-call", "organization/reuters"))
    ruiz = str(ID["person/minister-ruiz"])
    assert g.nodes[ruiz]["label"] == HOSTILE_NAME
    assert g.nodes[ruiz]["type"] == "Official"
    assert g.nodes[ruiz]["aliases"] == ["<b>Ruiz</b>", "Ruiz"]
    assert g.nodes[ruiz]["titles"] == ["Trade Minister <i>acting</i>"]
    assert g.degree(str(ID["organization/reuters"])) == 0          # no facts, still a node
    tariff, steel = str(ID["policy/us-tariffs-on-steel"]), str(ID["commodity/steel"])
    assert g[tariff][steel]["appliesTo"] == {"property": "appliesTo", "weight": 2}
    call = str(ID["event/ruiz-bessent-call"])
    assert set(g[call][ruiz]) == {"participant", "initiatedBy"}
    assert g.number_of_edges() == 8                                   # kg:title and kg:date are not edges


def test_entity_graph_prefers_the_most_specific_type_and_ignores_documents():
    g = news_graph(with_ontology=False)
    ruiz = ID["person/minister-ruiz"]
    g.add((ruiz, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), KG.Person))
    eg = an.entity_graph(g)
    assert eg.nodes[str(ruiz)]["type"] == "Official"
    assert not any("/document/" in n for n in eg)


def test_a_fact_without_statements_weighs_one():
    g = news_graph()
    g.add((ID["country/spain"], KG.party, ID["country/united-states"]))     # no provenance
    eg = an.entity_graph(g)
    assert eg[str(ID["country/spain"])][str(ID["country/united-states"])]["party"]["weight"] == 1


# ---------------------------------------------------------------- analysis and its outputs

def test_analyze_on_the_news_graph():
    a = an.analyze(news_graph())
    tariff = str(ID["policy/us-tariffs-on-steel"])
    assert a.ranked("pagerank", 1) == [tariff]
    assert a.degree[tariff] == 3
    assert a.strength[tariff] == 4
    assert math.isclose(sum(a.pagerank.values()), 1.0, abs_tol=1e-5)
    assert a.component[str(ID["organization/reuters"])] == 2
    assert a.facts == 8 and a.links == 7
    assert a.neighbours[tariff][0] in {str(ID["country/spain"]), str(ID["country/united-states"]),
                                       str(ID["commodity/steel"])}
    assert a.betweenness_sample is None


def test_large_graphs_sample_betweenness(monkeypatch):
    monkeypatch.setattr(an, "EXACT_BETWEENNESS_MAX", 3)
    monkeypatch.setattr(an, "BETWEENNESS_SAMPLE", 4)
    a = an.analyze(news_graph())
    assert a.betweenness_sample == 4
    assert "sampled from 4 pivots" in json.loads(an.to_json(a))["summary"]["betweenness"]


def test_sampled_betweenness_reports_its_sample_size():
    assert an.betweenness_sample(an.EXACT_BETWEENNESS_MAX) is None
    assert an.betweenness_sample(an.EXACT_BETWEENNESS_MAX + 1) == an.BETWEENNESS_SAMPLE


def test_add_to_graph_writes_rankable_deterministic_values_once():
    g = news_graph()
    a = an.analyze(g)
    an.add_to_graph(g, a)
    tariff = ID["policy/us-tariffs-on-steel"]
    values = list(g.objects(tariff, KG.pageRank))
    assert len(values) == 1 and values[0].datatype == rdflib.XSD.decimal
    assert values[0].toPython() == Decimal(f"{a.pagerank[str(tariff)]:.6f}")
    assert g.value(tariff, KG.degree) == Literal(3, datatype=rdflib.XSD.integer)
    assert g.value(tariff, KG.community).datatype == rdflib.XSD.integer
    assert g.value(tariff, KG.component) == Literal(1, datatype=rdflib.XSD.integer)
    assert g.value(tariff, KG.betweenness).datatype == rdflib.XSD.decimal
    rows = list(g.query("PREFIX kg: <https://w3id.org/kg-news/ontology#> "
                        "SELECT ?e WHERE { ?e kg:pageRank ?r } ORDER BY DESC(?r) LIMIT 1"))
    assert rows[0][0] == tariff
    turtle = g.serialize(format="turtle")
    assert f"kg:pageRank {a.pagerank[str(tariff)]:.6f}" in turtle


def test_reanalysis_replaces_every_earlier_value():
    """Analysis written back a second time, after the graph changed, leaves one value per metric:
    the new one."""
    g = news_graph()
    first = an.analyze(g)
    an.add_to_graph(g, first)
    # Bessent now also serves Spain, and the isolated Reuters reports the call: degrees,
    # ranks, components change
    bessent, spain = ID["person/scott-bessent"], ID["country/spain"]
    reuters, call = ID["organization/reuters"], ID["event/ruiz-bessent-call"]
    g.add((bessent, KG.officialOf, spain))
    g.add((call, KG.participant, reuters))
    second = an.analyze(g)
    changed = [e for e in second.entities if second.degree[e] != first.degree[e]]
    assert str(bessent) in changed and str(reuters) in changed
    assert any(f"{second.pagerank[e]:.6f}" != f"{first.pagerank[e]:.6f}" for e in second.entities)
    an.add_to_graph(g, second)
    for e in second.entities:
        node = URIRef(e)
        for pred in an.ANALYSIS_PREDICATES:
            assert len(list(g.objects(node, pred))) == 1, (e, pred, list(g.objects(node, pred)))
        assert g.value(node, KG.pageRank).toPython() == Decimal(f"{second.pagerank[e]:.6f}"), e
        assert g.value(node, KG.degree).toPython() == second.degree[e], e
        assert g.value(node, KG.component).toPython() == second.component[e], e
    assert len(list(g.subject_objects(KG.pageRank))) == len(second.entities)


def test_json_is_deterministic_sorted_and_complete():
    a1, a2 = an.analyze(news_graph()), an.analyze(news_graph())
    text = an.to_json(a1)
    assert text == an.to_json(a2)
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert data["summary"]["entities"] == 8
    ruiz = next(e for e in data["entities"] if e["label"] == HOSTILE_NAME)
    assert ruiz["type"] == "Official" and ruiz["degree"] == 2
    assert sum(c["size"] for c in data["communities"]) == 8
    assert data["top"]["pagerank"][0] == str(ID["policy/us-tariffs-on-steel"])


def test_graphml_round_trips_for_gephi_and_cytoscape():
    g = news_graph()
    a = an.analyze(g)
    text = an.to_graphml(g, a)
    assert text == an.to_graphml(news_graph(), an.analyze(news_graph()))
    back = nx.parse_graphml(text, force_multigraph=True)
    ruiz = str(ID["person/minister-ruiz"])
    assert back.nodes[ruiz]["label"] == HOSTILE_NAME
    assert back.nodes[ruiz]["type"] == "Official"
    assert back.nodes[ruiz]["pagerank"] == pytest.approx(a.pagerank[ruiz])
    assert back.nodes[ruiz]["community"] == a.community[ruiz]
    props = sorted(d["property"] for _, _, d in back.edges(data=True))
    assert props == sorted(["officialOf", "officialOf", "imposedBy", "targets", "appliesTo",
                            "participant", "participant", "initiatedBy"])
    assert text.startswith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml")
    assert "<img" not in text and "&lt;img" in text


def test_graphml_drops_characters_xml_cannot_hold():
    g = news_graph()
    g.set((ID["country/spain"], URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Spa\x01in")))
    text = an.to_graphml(g, an.analyze(g))
    assert "\x01" not in text and ">Spain<" in text
