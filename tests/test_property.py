"""Property-based tests: hostile text through the whole build.

Arbitrary Unicode, and names with quotes, angle brackets, backslashes, newlines
and control characters, are pushed through ingest → parse → extract → resolve →
graph → analysis → Turtle, page, report, GraphML. Each example must build
without an exception, give Turtle that rdflib and Oxigraph both parse to the
same triples, mint IRIs only from safe slugs, keep hostile strings inside
literals and inside the page's JSON, and give the same bytes when built again.

The budget comes from the Hypothesis profile: ``ci`` (40 examples a test) in
``./scripts/test``; ``HYPOTHESIS_PROFILE=long ./scripts/test tests/test_property.py``
for 2,000. See docs/robustness.md.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from kg.ingest import Skip, make_document
from kg.textutil import slugify
from kg.vocab import INSTANCE_NS

# Characters that break hand-built Turtle, HTML, JSON, XML or Markdown.
NASTY = list('"\'<>\\&;{}[]@#:/|*_`$%^~') + ["\n", "\r", "\t", "\x00", "\x01", "\x1b", "\x7f", "\x85",
                                             "\u2028", "\u2029", "\ufeff", "\u202e", "\u200b", "\ufffd",
                                             '"""', "'''", "</script>", "<!--", "]]>", "\\u0022", "\\n"]
nasty = st.lists(st.sampled_from(NASTY) | st.characters(codec="utf-8"), max_size=6).map("".join)
capital = st.sampled_from(["Ana", "Omar", "Li", "Zoë", "Jean-Luc", "O'Brien", "Łukasz", "Nguyễn", "Ngozi"])
surname = st.sampled_from(["Silva", "Haddad", "Wei", "Ünal", "Okonjo-Iweala", "Tanaka", "D'Souza", "Picard"])
# A name that looks like one to the tagger, with something hostile inside or around it.
hostile_name = st.one_of(
    st.builds(lambda a, x, b: f"{a} {x}{b}", capital, nasty, surname),
    st.builds(lambda a, x, b: f"{a}{x} {b}", capital, nasty, surname),
    st.builds(lambda a, b, x: f"{a} {b}{x}", capital, surname, nasty),
    st.text(max_size=30),
)
CONTEXTS = [
    "Trade Minister {name} said on Monday that Japan would cut tariffs on steel imports from India.",
    "{name}, China's foreign minister, said Beijing would respond to the new export controls.",
    "U.S. President Donald Trump met {name} in Geneva on Saturday to discuss soybean purchases.",
    "Commerce Secretary {name} announced a 25% tariff on Canadian aluminum, effective March 12.",
    "The European Union and Mercosur signed a trade agreement, {name} told reporters in Brussels.",
]
stem = st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=24).filter(
    lambda s: s not in (".", "..") and not s.startswith("."))

SAFE_INSTANCE = re.compile(re.escape(INSTANCE_NS) + r"[a-z]+(?:/[a-z0-9][a-z0-9-]*)+")


def _build(nlp, name: str, raw: bytes):
    """The whole build of one article, in process: (document, graph, outputs by file name)."""
    from kg import analyze, render, report
    from kg.graph import build_graph, to_turtle
    from kg.model import ArticleStats, BuildStats
    from kg.pipeline import parse_documents
    from kg.resolve import resolve

    document = make_document(Path(name), raw)
    if isinstance(document, Skip):
        return document, None, {}
    results = list(parse_documents(nlp, [document]))
    corpus = resolve(results)
    graph = build_graph(corpus)
    analysis = analyze.analyze(graph)
    analyze.add_to_graph(graph, analysis)
    stats = BuildStats(articles=[ArticleStats(r.document.doc_id, r.document.title, len(r.entities),
                                              len(r.facts)) for r in results], model="test")
    outputs = {
        "graph.ttl": to_turtle(graph),
        "graph.html": render.render_html(graph, analysis),
        "report.md": report.render_report(graph, analysis, stats),
        "analysis.json": analyze.to_json(analysis),
        "graph.graphml": analyze.to_graphml(graph, analysis),
    }
    return document, graph, outputs


def _terms(triples):
    """IRIs and plain string literals of some triples (rdflib terms), as multisets."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    iris, strings = Counter(), Counter()
    for triple in triples:
        for term in triple:
            if isinstance(term, URIRef):
                iris[str(term)] += 1
            elif isinstance(term, Literal) and term.language is None and term.datatype in (None, XSD.string):
                strings[str(term)] += 1
    return iris, strings


def _oxigraph_terms(turtle: str):
    import pyoxigraph as ox

    iris, strings = Counter(), Counter()
    count = 0
    for triple in ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE):
        count += 1
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                iris[term.value] += 1
            elif isinstance(term, ox.Literal) and term.language is None and \
                    term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
                strings[term.value] += 1
    return count, iris, strings


def check_turtle(graph, turtle: str) -> None:
    """Both parsers read ``turtle`` back to the triples of ``graph``: nothing lost, nothing injected."""
    from rdflib import Graph

    parsed = Graph().parse(data=turtle, format="turtle")
    assert len(parsed) == len(graph)
    expected = _terms(graph)
    assert _terms(parsed) == expected
    count, iris, strings = _oxigraph_terms(turtle)
    assert count == len(graph)
    assert (iris, strings) == expected


def check_iris(graph) -> None:
    """Every instance IRI is a safe slug path; no other IRI comes from the text."""
    from rdflib import URIRef

    from kg.graph import ontology_triples

    known = {str(t) for triple in ontology_triples() for t in triple if isinstance(t, URIRef)}
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and str(term) not in known:
                value = str(term)
                if value.startswith(INSTANCE_NS):
                    assert SAFE_INSTANCE.fullmatch(value), value
                else:   # a vocabulary term the code names (kg:, rdf:, xsd:...), never one built from text
                    assert re.fullmatch(r"https?://[A-Za-z0-9./#_-]+", value), value


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple] = []
        self.data_json = ""
        self._in_data = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(sorted(attrs))))
        self._in_data = dict(attrs).get("id") == "kg-data"

    def handle_data(self, data):
        if self._in_data:
            self.data_json += data

    def handle_endtag(self, tag):
        self._in_data = False


_BENIGN_TAGS: list = []


def check_page(nlp, html: str) -> None:
    """The page has the same elements as a benign page; text sits only in the JSON data block."""
    page = _Tags()
    page.feed(html)
    if not _BENIGN_TAGS:
        benign = _build(nlp, "benign.txt", CONTEXTS[0].format(name="Ana Silva").encode())[2]["graph.html"]
        parser = _Tags()
        parser.feed(benign)
        _BENIGN_TAGS.extend(parser.tags)
    assert page.tags == _BENIGN_TAGS
    data = json.loads(page.data_json)
    assert isinstance(data, dict)
    assert "</" not in page.data_json and "<!--" not in page.data_json


def check_report(report: str) -> None:
    """Hostile text cannot break the report's tables: every row has its header's number of cells."""
    cells = None
    for line in report.splitlines():
        if line.startswith("|"):
            n = len(re.findall(r"(?<!\\)\|", line))
            cells = n if cells is None else cells
            assert n == cells, line
        else:
            cells = None


def check_everything(nlp, name: str, raw: bytes) -> None:
    document, graph, outputs = _build(nlp, name, raw)
    if isinstance(document, Skip):
        assert document.reason and "\n" not in document.reason
        return
    assert document.doc_id == Path(name).stem
    check_turtle(graph, outputs["graph.ttl"])
    check_iris(graph)
    check_page(nlp, outputs["graph.html"])
    check_report(outputs["report.md"])
    ET.fromstring(outputs["graph.graphml"].encode("utf-8"))
    json.loads(outputs["analysis.json"])
    again = _build(nlp, name, raw)[2]
    assert again == outputs, "a second build gave different bytes"


@pytest.mark.model
@given(name=hostile_name, contexts=st.lists(st.sampled_from(CONTEXTS), min_size=1, max_size=3),
       headline=hostile_name)
@example(name='Ana "Bobby" Silva', contexts=CONTEXTS[:2], headline="Tariffs <b>rise</b>")
@example(name="Li \\Wei\\", contexts=CONTEXTS[:3], headline='""" \'\'\' \\')
@example(name='Omar ">O\'Hara', contexts=CONTEXTS[1:3], headline="</script><script>alert(1)</script>")
@example(name="Jean-Luc \n\r\tPicard", contexts=CONTEXTS, headline="@prefix x: <http://evil/> .")
def test_hostile_names_through_the_whole_build(nlp, name, contexts, headline):
    text = headline + "\n\n" + "\n".join(c.format(name=name) for c in contexts) + "\n"
    check_everything(nlp, "article.txt", text.encode("utf-8"))


@pytest.mark.model
@given(stem=stem, name=hostile_name)
@example(stem='evil "quoted" <name> \\', name="Ana Silva")
@example(stem="\u202e\ufeff\n\t", name="Ana Silva")
def test_hostile_file_names(nlp, stem, name):
    """The file name becomes dcterms:identifier and the document's IRI slug."""
    text = "Ministers meet on trade\n\n" + CONTEXTS[0].format(name=name) + "\n"
    check_everything(nlp, f"{stem}.txt", text.encode("utf-8"))


@pytest.mark.model
@given(text=st.text(max_size=400))
def test_arbitrary_unicode_article(nlp, text):
    check_everything(nlp, "random.txt", text.encode("utf-8"))


@pytest.mark.model
@given(text=st.text(max_size=300), markup=st.sampled_from(["html", "md"]))
def test_arbitrary_markup(nlp, text, markup):
    body = CONTEXTS[0].format(name=text)
    if markup == "html":
        raw = f"<html><head><title>{text}</title></head><body><h1>{text}</h1><p>{body}</p></body></html>"
    else:
        raw = f"# {text}\n\n{body}\n\n- {text}\n"
    check_everything(nlp, f"page.{markup}", raw.encode("utf-8"))


# --------------------------------------------------------------------------- ingest alone (fast)

@settings(max_examples=settings.default.max_examples * 10,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=2000), suffix=st.sampled_from(["txt", "html", "md", "pdf", ""]))
@pytest.mark.filterwarnings("error")
def test_ingest_never_raises_on_arbitrary_bytes(raw, suffix):
    item = make_document(Path(f"x.{suffix}" if suffix else "x"), raw)
    if isinstance(item, Skip):
        assert item.reason and "\n" not in item.reason
    else:
        assert item.text.strip() and "\r" not in item.text and "\x00" not in item.text
        assert not re.search(r"\n{3,}", item.text)


@settings(max_examples=settings.default.max_examples * 10)
@given(text=st.text())
def test_slugs_are_always_safe(text):
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)
