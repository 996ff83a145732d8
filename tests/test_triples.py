"""kg.triples: the build's in-memory graph answers like rdflib's, and writes deterministic RDF."""
from __future__ import annotations

import random

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef, compare
from rdflib.namespace import RDF, RDFS, XSD

from kg.graph import PREFIXES, ontology_triples
from kg.triples import TripleGraph, serialize, serialize_many

E = "http://example.org/"
IRIS = [URIRef(E + name) for name in ("a", "b", "c", "d")]
PREDICATES = [URIRef(E + name) for name in ("p", "q")] + [RDF.type, RDFS.label]
OBJECTS = IRIS + [Literal("x"), Literal("y", lang="en"), Literal(3), Literal("2025-06-05", datatype=XSD.date)]

triple_lists = st.lists(st.tuples(st.sampled_from(IRIS), st.sampled_from(PREDICATES), st.sampled_from(OBJECTS)),
                        max_size=40)
pattern_parts = (st.one_of(st.none(), st.sampled_from(IRIS)), st.one_of(st.none(), st.sampled_from(PREDICATES)),
                 st.one_of(st.none(), st.sampled_from(OBJECTS)))


def both(triples) -> tuple[TripleGraph, Graph]:
    ours, theirs = TripleGraph(), Graph()
    for t in triples:
        ours.add(t)
        theirs.add(t)
    return ours, theirs


@given(triple_lists, triple_lists, st.tuples(*pattern_parts))
@settings(deadline=None)
def test_reads_like_an_rdflib_graph(added, removed, pattern):
    ours, theirs = both(added)
    for t in removed[:5]:
        ours.remove(t)
        theirs.remove(t)
    ours.remove((None, RDFS.label, None)) if pattern[1] == RDFS.label else None
    theirs.remove((None, RDFS.label, None)) if pattern[1] == RDFS.label else None
    assert len(ours) == len(theirs)
    assert set(ours) == set(theirs)
    assert sorted(ours.triples(pattern)) == sorted(theirs.triples(pattern))
    s, p, o = pattern
    assert sorted(ours.objects(s, p)) == sorted(theirs.objects(s, p))
    assert sorted(ours.subjects(p, o)) == sorted(theirs.subjects(p, o))
    assert sorted(ours.subject_objects(p)) == sorted(theirs.subject_objects(p))
    assert sorted(ours.predicate_objects(s)) == sorted(theirs.predicate_objects(s))
    for t in added[:5]:
        assert (t in ours) == (t in theirs)
    if s is not None and p is not None:
        assert (ours.value(s, p) is None) == (theirs.value(s, p) is None)
        if ours.value(s, p) is not None:
            assert ours.value(s, p) in set(theirs.objects(s, p))


def test_remove_with_wildcards_keeps_the_indexes_consistent():
    g = TripleGraph()
    a, b = IRIS[:2]
    p, q = PREDICATES[:2]
    g.update([(a, p, b), (a, q, b), (b, p, a), (a, p, Literal("x"))])
    g.remove((a, None, b))
    assert set(g) == {(b, p, a), (a, p, Literal("x"))}
    assert list(g.subjects(p, b)) == [] and list(g.subjects(p, a)) == [b]
    g.remove((None, p, None))
    assert len(g) == 0 and list(g) == [] and list(g.subjects(p, a)) == []


def test_adding_a_triple_twice_counts_once():
    g = TripleGraph()
    t = (IRIS[0], PREDICATES[0], Literal("x"))
    g.add(t).add(t)
    assert len(g) == 1


def awkward_graph(order_seed: int | None = None) -> TripleGraph:
    """The ontology (blank-node unions) plus literals that need escaping."""
    triples = list(ontology_triples()) + [
        (IRIS[0], RDFS.label, Literal('a "quoted" line\nand a tab\tand \\ and \x01 and </script>')),
        (IRIS[0], RDFS.label, Literal("les États-Unis", lang="fr")),
        (IRIS[0], PREDICATES[0], Literal("--05-12", datatype=XSD.gMonthDay)),
        (IRIS[1], PREDICATES[0], Literal("0.120000", datatype=XSD.decimal)),
        (BNode(), RDFS.comment, Literal("a blank node of our own")),
    ]
    if order_seed is not None:
        random.Random(order_seed).shuffle(triples)
    g = TripleGraph(PREFIXES)
    g.update(triples)
    return g


@pytest.mark.parametrize("fmt,parse_as", [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_serializations_round_trip(fmt, parse_as):
    g = awkward_graph()
    text = serialize(g, fmt, PREFIXES)
    assert compare.isomorphic(Graph().parse(data=text, format=parse_as), g.to_rdflib())
    strict = {"turtle": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES,
              "jsonld": pyoxigraph.RdfFormat.JSON_LD}[fmt]
    assert len(list(pyoxigraph.parse(text.encode(), format=strict))) == len(g)


def test_output_depends_on_content_only():
    texts = {tuple(serialize_many(awkward_graph(seed), ("turtle", "nt", "jsonld"), PREFIXES).values())
             for seed in (None, 1, 2, 3)}
    assert len(texts) == 1


def test_turtle_header_lists_the_prefixes_sorted_and_uses_them():
    text = serialize(awkward_graph(), "turtle", PREFIXES)
    header = [line for line in text.splitlines() if line.startswith("@prefix")]
    assert header == [f"@prefix {k}: <{v}> ." for k, v in sorted(PREFIXES.items())]
    assert "\nkg:Official a owl:Class" in text
    assert "person:" in text.split("\n\n", 1)[0]      # instance paths have their own prefixes


def test_ntriples_lines_are_sorted():
    lines = serialize(awkward_graph(), "nt").splitlines()
    assert lines == sorted(lines)


def test_empty_graph():
    g = TripleGraph(PREFIXES)
    out = serialize_many(g, ("turtle", "nt", "jsonld"), PREFIXES)
    assert out["nt"] == ""
    assert out["jsonld"].strip() == "[]"
    assert len(Graph().parse(data=out["turtle"], format="turtle")) == 0


def test_rdflib_round_trip():
    g = awkward_graph()
    back = TripleGraph.from_rdflib(g.to_rdflib())
    assert set(back) == set(g) and dict(back.namespaces()) == dict(g.namespaces())


def test_rdflib_view_reads_the_same_triples_and_refuses_writes():
    from rdflib import Literal, URIRef

    g = awkward_graph(3)
    view = g.as_rdflib()
    assert len(view) == len(g) and set(view) == set(g)
    s, p, o = next(iter(g))
    assert (s, p, o) in view and set(view.objects(s, p)) == set(g.objects(s, p))
    with pytest.raises(TypeError):
        view.add((URIRef("http://example.org/a"), URIRef("http://example.org/b"), Literal("c")))
