"""JSON-LD and N-Triples beside the Turtle file: faithful, strict-parser clean, deterministic."""
from __future__ import annotations

import json
import random

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, compare
from rdflib.namespace import RDF, RDFS, XSD

from kg.export import bnode_labels, to_jsonld, to_ntriples, write_serializations
from kg.vocab import ID, KG, ONTOLOGY_FILE, ROOT

TRUMP, US, DOC = ID["person/donald-trump"], ID["country/united-states"], ID["document/d1"]


def triples(seed_bnodes: int = 0) -> list[tuple]:
    """Instance triples with provenance blank nodes and awkward literals, plus the ontology."""
    out = list(Graph().parse(ONTOLOGY_FILE))
    out += [
        (TRUMP, RDF.type, KG.Official),
        (TRUMP, RDFS.label, Literal("Donald Trump")),
        (TRUMP, KG.title, Literal("President")),
        (TRUMP, KG.leaderOf, US),
        (TRUMP, KG.pageRank, Literal("0.120000", datatype=XSD.decimal)),
        (TRUMP, KG.degree, Literal(4)),
        (US, RDF.type, KG.Country),
        (US, RDFS.label, Literal("United States")),
        (US, RDFS.comment, Literal("les États-Unis", lang="fr")),
        (DOC, RDF.type, KG.Document),
        (DOC, RDFS.comment, Literal('a "quoted" line\nand a tab\tand a backslash \\ and \x01 control')),
        (ID["policy/truce"], KG.date, Literal("--05-12", datatype=XSD.gMonthDay)),
        (ID["policy/truce"], KG.duration, Literal("P90D", datatype=XSD.duration)),
    ]
    for i, (p, o, sentence) in enumerate([
        (KG.leaderOf, US, "U.S. President Donald Trump spoke."),
        (KG.title, Literal("President"), "U.S. President Donald Trump spoke."),
        (KG.title, Literal("President"), "President Trump, who returned to office in January."),
    ]):
        st = BNode()
        out += [(st, RDF.type, RDF.Statement), (st, RDF.subject, TRUMP), (st, RDF.predicate, p), (st, RDF.object, o),
                (st, KG.sentence, Literal(sentence)), (st, KG.source, DOC), (st, KG.startOffset, Literal(10 * i))]
    return out


def make_graph(order_seed: int | None = None) -> Graph:
    ts = triples()
    if order_seed is not None:
        random.Random(order_seed).shuffle(ts)
    g = Graph(bind_namespaces="none")
    g.bind("kg", KG._NS)
    g.bind("rdfs", RDFS._NS)
    g.bind("xsd", XSD._NS)
    for t in ts:
        g.add(t)
    return g


def test_ntriples_round_trips(tmp_path):
    g = make_graph()
    text = to_ntriples(g)
    assert compare.isomorphic(Graph().parse(data=text, format="nt"), g)
    lines = text.splitlines()
    assert lines == sorted(lines) and len(lines) == len(g)


def test_ntriples_parse_with_a_strict_parser():
    g = make_graph()
    quads = list(pyoxigraph.parse(to_ntriples(g).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(quads) == len(g)


def test_ntriples_escapes_and_datatypes():
    text = to_ntriples(make_graph())
    assert '"a \\"quoted\\" line\\nand a tab\\tand a backslash \\\\ and \\u0001 control"' in text
    assert '"les États-Unis"@fr' in text
    assert '"--05-12"^^<http://www.w3.org/2001/XMLSchema#gMonthDay>' in text
    assert f'<{TRUMP}> <{RDFS.label}> "Donald Trump" .' in text  # xsd:string is left implicit


def test_jsonld_round_trips():
    g = make_graph()
    text = to_jsonld(g)
    assert compare.isomorphic(Graph().parse(data=text, format="json-ld"), g)
    store = pyoxigraph.Store()
    store.load(text.encode(), format=pyoxigraph.RdfFormat.JSON_LD)
    assert len(store) == len(g)


def test_jsonld_is_expanded_one_node_per_subject():
    text = to_jsonld(make_graph())
    doc = json.loads(text)
    assert isinstance(doc, list)
    trump = [n for n in doc if n["@id"] == str(TRUMP)]
    assert len(trump) == 1  # one node object per subject
    trump = trump[0]
    assert trump[str(RDF.type)] == [{"@id": str(KG.Official)}]
    assert trump[str(KG.leaderOf)] == [{"@id": str(US)}]
    assert trump[str(KG.pageRank)] == [{"@type": str(XSD.decimal), "@value": "0.120000"}]
    assert len(text.splitlines()) == len(doc)  # a line per node object
    ids = [n["@id"] for n in doc if not n["@id"].startswith("_:")]
    assert ids == sorted(ids)


@pytest.mark.parametrize("render", [to_ntriples, to_jsonld])
def test_output_does_not_depend_on_insertion_order_or_bnode_ids(render):
    texts = {render(make_graph(seed)) for seed in (None, 1, 2, 3)}
    assert len(texts) == 1


def test_bnode_labels_follow_content():
    g1, g2 = make_graph(1), make_graph(2)
    l1, l2 = bnode_labels(g1), bnode_labels(g2)
    assert len(set(l1.values())) == len(l1)  # every provenance node told apart
    assert sorted(l1.values()) == sorted(l2.values())
    g1.add((BNode(), RDFS.label, Literal("one more")))
    assert set(bnode_labels(g1).values()) > set(l1.values())  # the others keep their labels


def test_write_serializations(tmp_path):
    g = make_graph()
    paths = write_serializations(g, tmp_path / "out")
    assert [p.name for p in paths] == ["graph.nt", "graph.jsonld"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["graph.jsonld", "graph.nt"]  # no temp files left
    assert compare.isomorphic(Graph().parse(paths[0], format="nt"), g)
    assert compare.isomorphic(Graph().parse(paths[1], format="json-ld"), g)
    first = [p.read_bytes() for p in paths]
    write_serializations(make_graph(5), tmp_path / "out")
    assert [p.read_bytes() for p in paths] == first


def test_empty_graph():
    g = Graph(bind_namespaces="none")
    assert to_ntriples(g) == ""
    assert json.loads(to_jsonld(g)) == []


@pytest.fixture(scope="session")
def seed_out(tmp_path_factory):
    from kg.pipeline import BuildOptions, build

    out = tmp_path_factory.mktemp("seed-export")
    build(BuildOptions(inputs=[str(ROOT / "data" / "articles")], out_dir=out, workers=1, quiet=True,
                       cache=False, validate=False))
    return out


@pytest.mark.model
def test_seed_build_writes_the_same_graph_three_ways(seed_out):
    ttl = Graph().parse(seed_out / "graph.ttl", format="turtle")
    assert compare.isomorphic(Graph().parse(seed_out / "graph.nt", format="nt"), ttl)
    assert compare.isomorphic(Graph().parse(seed_out / "graph.jsonld", format="json-ld"), ttl)
    for name, fmt in (("graph.nt", pyoxigraph.RdfFormat.N_TRIPLES), ("graph.jsonld", pyoxigraph.RdfFormat.JSON_LD)):
        store = pyoxigraph.Store()
        store.bulk_load(path=str(seed_out / name), format=fmt)
        assert len(store) == len(ttl), name
