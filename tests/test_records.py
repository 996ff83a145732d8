"""JSON Lines, CSV and gzip inputs; Document identity and its IRIs; the language check on tables."""
from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kg.graph import build_graph, doc_slugs, to_turtle, web_iri
from kg.ingest import Document, Skip, estimated_count, expand_inputs, iter_documents
from kg.model import Corpus
from kg.textutil import guess_language, looks_english
from kg.vocab import KG

from test_bad_input import run_kg

REUTERS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "reuters21578" / "reuters21578.jsonl"

STORY = ("Kenya lifted its ban on maize imports from Tanzania on Friday after talks between the two "
         "countries' trade ministers, officials said.")
STORY2 = "Ghana banned exports of raw cashew nuts for six months on Monday, the trade ministry said."


def records(tmp_path: Path, name: str, lines: list[str], compress: bool = False) -> Path:
    path = tmp_path / name
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


def read(*paths, **kw) -> list[Document | Skip]:
    sources, skips = expand_inputs(paths)
    return skips + list(iter_documents(sources, **kw))


def test_jsonl_records_become_documents_with_their_metadata(tmp_path):
    path = records(tmp_path, "news.jsonl", [
        json.dumps({"id": "ke-001", "title": "Kenya lifts maize ban", "date": "2024-03-08",
                    "url": "https://wire.example.com/ke-001", "text": STORY}),
        json.dumps({"body": STORY2, "date": "2024-03-04T10:15:00Z"}),
    ])
    first, second = read(path)
    assert (first.doc_id, first.title, first.date, first.url) == (
        "ke-001", "Kenya lifts maize ban", "2024-03-08", "https://wire.example.com/ke-001")
    assert first.text == "Kenya lifts maize ban\n\n" + STORY and first.path == f"{path}:1"
    assert (second.doc_id, second.date, second.title) == ("news:2", "2024-03-04", None)


def test_a_malformed_record_is_reported_by_line_and_the_rest_is_read(tmp_path):
    path = records(tmp_path, "news.jsonl", [
        json.dumps({"id": "a", "text": STORY}),
        '{"id": "b", "text": "unterminated',
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "c", "title": "no text"}),
        json.dumps({"id": "a", "text": STORY2}),
        json.dumps({"id": "d", "text": STORY2, "date": "2024-02-30"}),
    ])
    items = read(path)
    assert [(i.path, i.kind) for i in items if isinstance(i, Skip)] == [
        (f"{path}:2", "malformed record"), (f"{path}:4", "malformed record"), (f"{path}:5", "malformed record"),
        (f"{path}:6", "duplicate id")]
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.doc_id for d in docs] == ["a", "d"]
    assert docs[1].date is None and docs[1].notes == ("date '2024-02-30' is not an ISO 8601 date; ignored",)


def test_csv_with_a_quoted_multiline_text_and_a_bad_row(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('id,title,date,content\n'
                    f'gh-1,Ghana bans cashew exports,2024-03-04,"{STORY2}\n\nProcessors welcomed it."\n'
                    'gh-2,Too many,2024-03-05,text,extra\n'
                    f'ke-1,,2024-03-08,"{STORY}"\n', encoding="utf-8")
    items = read(path)
    assert [(i.path, i.kind) for i in items if isinstance(i, Skip)] == [(f"{path}:5", "malformed record")]
    docs = [i for i in items if isinstance(i, Document)]
    assert [(d.doc_id, d.title, d.date) for d in docs] == [("gh-1", "Ghana bans cashew exports", "2024-03-04"),
                                                           ("ke-1", None, "2024-03-08")]
    assert docs[0].text.endswith(STORY2 + "\n\nProcessors welcomed it.") and docs[1].path == f"{path}:6"


def test_csv_without_a_text_column_is_one_skip(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,headline\n1,Something\n")
    (skip,) = read(path)
    assert skip.kind == "malformed record" and "no text column" in skip.reason


@pytest.mark.parametrize("name", ["news.jsonl.gz", "story.txt.gz", "export.csv.gz"])
def test_gzip_inputs(tmp_path, name):
    if name.endswith(".jsonl.gz"):
        path = records(tmp_path, name, [json.dumps({"id": "k1", "text": STORY})], compress=True)
        want = "k1"
    elif name.endswith(".csv.gz"):
        path = records(tmp_path, name, ["id,text", f'k1,"{STORY}"'], compress=True)
        want = "k1"
    else:
        path = records(tmp_path, name, ["Kenya lifts maize ban", "", STORY], compress=True)
        want = "story"
    (d,) = read(tmp_path)
    assert isinstance(d, Document) and d.doc_id == want and STORY in d.text


def test_a_broken_gzip_file_is_a_skip(tmp_path):
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(("Kenya lifts maize ban\n\n" + STORY).encode())[:30])
    (skip,) = read(path)
    assert isinstance(skip, Skip) and skip.reason.startswith("not a readable gzip file")


def test_a_gzip_bomb_stops_at_the_size_limit(tmp_path):
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a " * 5_000_000))
    (skip,) = read(path, max_bytes=100_000)
    assert skip.kind == "too large"


def test_records_are_streamed_not_loaded_whole(tmp_path):
    """5,000 records of 1.5 kB: ingestion holds one at a time (the traced peak is far below the file's size)."""
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(5_000):
            fh.write(json.dumps({"id": f"r{i}", "date": "2024-01-02", "text": f"{STORY} Item {i}.\n\n" * 12}) + "\n")
    assert estimated_count(expand_inputs([path])[0]) == 5_000
    tracemalloc.start()
    try:
        count = 0
        for d in iter_documents(expand_inputs([path])[0]):
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 5_000
    assert peak < path.stat().st_size / 10      # the ids seen (for uniqueness) are the only thing that grows


@pytest.mark.slow
@pytest.mark.skipif(not REUTERS.is_file(), reason="needs ../shared/corpora/reuters21578")
def test_the_reuters_corpus_reads_whole_with_no_story_rejected_as_foreign():
    docs = skips = 0
    for item in iter_documents(expand_inputs([REUTERS])[0]):
        if isinstance(item, Document):
            docs += 1
        else:
            skips += 1
    assert (docs, skips) == (19_032, 0)


@pytest.mark.parametrize("text", [
    "Net 190.9 mln Swiss francs vs 150.4 mln\n\nTurnover 5.24 billion vs 5.38 billion\n\nDividend 160 per "
    "bearer vs 155 francs",
    "Shr eight cts vs 16 cts\n\nNet 188,000 vs 354,000\n\nRevs 538,000 vs 594,000\n\n(Del E. Webb Investment)",
    "VAN DORN CO 4TH QTR NET\n\nShr 55 cts vs 80 cts\n\nNet 2,517,443 vs 3,633,217",
    "ORD 17un unch\n\n11.00 12un unch\n\n12.00 3p up 5\n\nNC-NO COMPARISON unch-UNCHANGED dn-DOWN",
    "Tariffs rise.",
    "Lula da Silva visits Beijing",
])
def test_english_tables_and_short_texts_are_english(text):
    assert looks_english(text), guess_language(text)


def test_foreign_prose_is_still_foreign():
    assert guess_language("Le gouvernement a annoncé que les mesures entreront en vigueur dès le mois prochain "
                          "et qu'elles concerneront surtout les producteurs de blé et de vin.") == "fr"
    assert guess_language("O governo anunciou que as medidas entram em vigor no próximo mês para os "
                          "produtores de soja e de milho do país.") == "pt"


# --------------------------------------------------------------------------- identity and IRIs

def test_three_names_with_one_slug_give_three_documents_and_readable_iris(tmp_path):
    for name in ("a b.txt", "a-b.txt", "A_B.txt"):
        (tmp_path / name).write_text(f"Kenya lifts maize ban\n\n{STORY} ({name})\n")
    docs = read(tmp_path)
    assert sorted(d.doc_id for d in docs) == ["A_B", "a b", "a-b"]
    slugs = doc_slugs(d.doc_id for d in docs)
    assert slugs["a-b"] == "a-b"
    assert len(set(slugs.values())) == 3
    assert all(s.startswith("a-b-") and len(s) == len("a-b-") + 8 for k, s in slugs.items() if k != "a-b")
    assert doc_slugs(reversed([d.doc_id for d in docs])) == slugs            # not the order's choice
    g = Graph().parse(data=to_turtle(build_graph(Corpus(docs, {}, []))), format="turtle")
    assert len(set(g.subjects(RDF.type, KG.Document))) == 3


def test_document_metadata_triples(tmp_path):
    doc = Document(doc_id="ke-001", path="x", text="t", title="Kenya lifts maize ban", date="2024-03-08",
                   url='https://wire.example.com/a b"<x>', author="Marta Quiroga", publisher="The Southern Ledger")
    bad = Document(doc_id="ke-002", path="y", text="t", date="2024-02-30", url="javascript:alert(1)")
    g = Graph().parse(data=to_turtle(build_graph(Corpus([doc, bad], {}, []))), format="turtle")
    d = g.value(predicate=DCTERMS.identifier, object=Literal("ke-001"))
    assert g.value(d, DCTERMS.date) == Literal("2024-03-08", datatype=XSD.date)
    assert g.value(d, DCTERMS.source) == URIRef("https://wire.example.com/a%20b%22%3Cx%3E")
    assert g.value(d, DCTERMS.creator) == Literal("Marta Quiroga")
    assert g.value(d, DCTERMS.publisher) == Literal("The Southern Ledger")
    other = g.value(predicate=DCTERMS.identifier, object=Literal("ke-002"))
    assert g.value(other, DCTERMS.date) is None and g.value(other, DCTERMS.source) is None
    assert web_iri("ftp://x.example/a") is None and web_iri("not a url") is None


@pytest.mark.model
def test_a_jsonl_with_a_malformed_line_builds_the_rest(tmp_path):
    path = records(tmp_path, "news.jsonl", [
        json.dumps({"id": "ke-001", "title": "Kenya lifts maize ban", "date": "2024-03-08", "text": STORY}),
        "{not json",
        json.dumps({"id": "gh-001", "date": "2024-03-04", "text": STORY2}),
    ])
    out = tmp_path / "out"
    result = run_kg("build", path, "--out", out, "--workers", "1", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert f"kg build: skipped {path}:2: malformed record: not JSON (Expecting property name enclosed in " \
           "double quotes)" in result.stderr.splitlines()
    assert "2 articles built, 1 skipped (malformed record: 1)" in result.stdout
    g = Graph().parse(out / "graph.ttl", format="turtle")
    ids = {str(g.value(d, DCTERMS.identifier)) for d in g.subjects(RDF.type, KG.Document)}
    assert ids == {"ke-001", "gh-001"}


@pytest.mark.model
def test_three_same_slug_files_build_three_documents_and_a_conforming_graph(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name, country in (("a b.txt", "Kenya"), ("a-b.txt", "Ghana"), ("A_B.txt", "Peru")):
        (corpus / name).write_text(f"{country} bans maize exports\n\n{country} banned exports of maize on "
                                   "Monday, the trade ministry said.\n")
    out = tmp_path / "out"
    result = run_kg("build", corpus, "--out", out, "--workers", "1", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "conforms" in result.stderr and "3 articles built, 0 skipped" in result.stdout
    g = Graph().parse(out / "graph.ttl", format="turtle")
    docs = {str(g.value(d, DCTERMS.identifier)): d for d in g.subjects(RDF.type, KG.Document)}
    assert sorted(docs) == ["A_B", "a b", "a-b"] and len(set(docs.values())) == 3
    # each country is mentioned in its own article only
    for country, doc in (("Kenya", "a b"), ("Ghana", "a-b"), ("Peru", "A_B")):
        node = next(s for s in g.subjects(RDF.type, KG.Country) if str(g.value(s, RDFS.label)) == country)
        assert set(g.objects(node, KG.mentionedIn)) == {docs[doc]}


def test_a_record_over_the_size_limit_is_skipped_and_the_next_read(tmp_path):
    path = records(tmp_path, "news.jsonl", [json.dumps({"id": "a", "text": STORY}),
                                            json.dumps({"id": "b", "text": "word " * 5000}),
                                            json.dumps({"id": "c", "text": STORY2})])
    items = read(path, max_bytes=2000)
    assert [(i.path, i.kind) for i in items if isinstance(i, Skip)] == [(f"{path}:2", "too large")]
    assert [i.doc_id for i in items if isinstance(i, Document)] == ["a", "c"]


def test_a_records_file_without_a_cache_warms_a_worker_per_share_of_its_records(tmp_path):
    """One .jsonl holds many articles: with --no-cache (or a new cache) every record is a miss,
    so a two-worker build starts both workers, not one for the one file."""
    from kg.ingest import estimated_count, expand_inputs
    from kg.pipeline import _expected_misses

    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps({"id": f"r{i}", "text": "Chile raised tariffs on steel."}) + "\n"
                            for i in range(40)), encoding="utf-8")
    files, _ = expand_inputs([path])
    total = estimated_count(files)
    assert total == 40
    assert _expected_misses(files, None, 1 << 20, total) == 40
