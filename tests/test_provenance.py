"""Provenance checked against the articles: a real `kg build`, then every rdf:Statement in
graph.ttl is read back against the text of the article it cites.

For each statement: exactly one start and one end offset, start < end, and the article's text
between them (as kg reads the file) is the quoted kg:sentence, verbatim; the fact it
reifies is in the graph; it names its Document. Every extracted fact has such a statement.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from kg.ingest import read_document
from kg.vocab import FACT_PREDICATES, ID, KG

pytestmark = pytest.mark.model

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARTICLES = sorted((HERE / "corpus" / "articles").glob("*.txt"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """graph.ttl of the project's annotated articles (tests/corpus), and each article's text by identifier and stem."""
    work = tmp_path_factory.mktemp("provenance")
    src = work / "articles"
    src.mkdir()
    for path in ARTICLES:
        shutil.copyfile(path, src / path.name)
    out = work / "out"
    run = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(src), "--out", str(out), "--workers", "1"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    texts = {}
    for path in sorted(src.glob("*.txt")):
        doc = read_document(path)
        texts[doc.doc_id] = texts[path.stem] = doc.text
    return Graph().parse(out / "graph.ttl", format="turtle"), texts


def _text_of(graph, texts, doc) -> str:
    ident = str(graph.value(doc, DCTERMS.identifier))
    if ident in texts:
        return texts[ident]
    stems = [k for k in texts if ident.endswith(k)]           # identifiers may carry a folder
    assert len(stems) == 1, f"no article for document {ident!r}"
    return texts[stems[0]]


def test_every_statement_quotes_its_article_between_its_offsets(built):
    graph, texts = built
    statements = sorted(graph.subjects(RDF.type, RDF.Statement))
    assert len(statements) >= 50                         # ten articles: many facts, not a vacuous pass
    for st in statements:
        starts = list(graph.objects(st, KG.startOffset))
        ends = list(graph.objects(st, KG.endOffset))
        assert len(starts) == 1 and len(ends) == 1, st
        start, end = starts[0].toPython(), ends[0].toPython()
        assert isinstance(start, int) and isinstance(end, int), st
        assert 0 <= start < end, (st, start, end)
        sentence = str(graph.value(st, KG.sentence))
        doc = graph.value(st, KG.source)
        assert doc is not None, st
        text = _text_of(graph, texts, doc)
        assert end <= len(text), (st, end, len(text))
        assert text[start:end] == sentence, (st, start, end, text[start:end], sentence)
        s, p, o = graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object)
        assert (s, p, o) in graph, st


def test_every_extracted_fact_has_a_statement(built):
    graph, _ = built
    facts = [(s, p, o) for s, p, o in graph
             if isinstance(s, URIRef) and str(s).startswith(str(ID)) and "/statement/" not in str(s)
             and str(p).startswith(str(KG)) and str(p)[len(str(KG)):] in FACT_PREDICATES]
    assert len(facts) >= 50
    reified = {(graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object))
               for st in graph.subjects(RDF.type, RDF.Statement)}
    assert [f for f in facts if f not in reified] == []
