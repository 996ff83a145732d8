"""The incremental build cache: keys, entries, and rebuilds that equal clean builds."""
from __future__ import annotations

import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kg import cache as kgcache
from kg import parallel
from kg.cache import ArticleCache, cache_context, default_cache_dir, model_identity
from kg.model import ArticleResult, BuildStats, Document, Entity, Evidence, Fact, Literal
from kg.pipeline import BuildOptions, build, extract_corpus

CORPUS = Path(__file__).parent / "corpus" / "articles"


def document(doc_id="a01", text="Japan restricts gallium exports.", **kw) -> Document:
    return Document(doc_id=doc_id, path=f"in/{doc_id}.txt", text=text, title=kw.pop("title", None),
                    date=kw.pop("date", "2025-01-02"), sha256=kw.pop("sha256", "ab" * 32), **kw)


def result_for(doc: Document) -> ArticleResult:
    ev = Evidence(doc_id=doc.doc_id, sentence=doc.text, start=0, end=len(doc.text))
    ents = [Entity(local_id="e1", type="Country", name="Japan", forms={"Japan"}, key="JP", spans=[(0, 5)]),
            Entity(local_id="e2", type="ExportControl", name="restricts", forms={"restricts"})]
    facts = [Fact("e2", "imposedBy", "e1", ev), Fact("e2", "date", Literal("2025-01-02", "date"), ev)]
    return ArticleResult(document=doc, entities=ents, facts=facts, tokens=5)


# --------------------------------------------------------------------------- entries

def test_put_then_get_gives_an_equal_result_carrying_the_current_document(tmp_path):
    c = ArticleCache(tmp_path, "ctx" * 8)
    doc = document()
    assert c.get(doc) is None
    c.put(doc, result_for(doc))
    moved = replace(doc, path="elsewhere/a01.txt")          # same article, read from another folder
    got = c.get(moved)
    assert got == replace(result_for(doc), document=moved)
    assert got.document is moved
    assert (c.stats.hits, c.stats.misses, c.stats.writes) == (1, 1, 1)
    # The entry does not hold the article text (the key stands for it).
    (entry,) = [p for p in tmp_path.rglob("*.json")]
    stored = kgcache.load_entry(entry.read_bytes(), c.key(doc))
    assert stored.document.text == ""
    assert not [p for p in tmp_path.rglob("*.tmp")]


@pytest.mark.parametrize("change", [
    {"doc_id": "a02"},
    {"sha256": "cd" * 32},
])
def test_any_change_to_the_article_misses(tmp_path, change):
    # The key is the file's bytes (their SHA-256) and name: what ingestion makes of
    # them (text, headline, date) follows from them, the --date option and kg's code,
    # which are all in the context.
    c = ArticleCache(tmp_path, "ctx" * 8)
    doc = document()
    c.put(doc, result_for(doc))
    assert c.get(replace(doc, **change)) is None
    assert c.get(doc) is not None


def test_reuse_finds_an_entry_before_ingestion(tmp_path):
    c = ArticleCache(tmp_path, "ctx" * 8)
    doc = document()
    c.put(doc, result_for(doc))
    again = ArticleCache(tmp_path, "ctx" * 8)
    assert again.reuse(doc.doc_id, "cd" * 32) is None       # other bytes
    assert again.reuse("other-name", doc.sha256) is None     # another article's identity
    known = again.reuse(doc.doc_id, doc.sha256)
    assert known is not None and known.text == "" and known.doc_id == doc.doc_id
    assert (known.title, known.date, known.notes) == (doc.title, doc.date, doc.notes)
    hit = again.get(known)
    assert hit is not None and hit.document is known and hit.facts == result_for(doc).facts
    assert (again.stats.hits, again.stats.misses) == (1, 0)


def test_ingestion_skips_decoding_for_a_cached_file(tmp_path, monkeypatch):
    from kg import ingest

    article = tmp_path / "a01.txt"
    article.write_text("Japan restricts germanium exports.\n\nTokyo said on Monday it would curb exports.\n")
    (first,) = ingest.iter_documents([article])
    c = ArticleCache(tmp_path / "cache", "ctx" * 8)
    c.put(first, result_for(first))
    monkeypatch.setattr(ingest, "decode", lambda raw: pytest.fail("decoded a cached file"))
    (again,) = ingest.iter_documents([article], reuse=c.reuse)
    assert again.text == "" and again.title == first.title and again.sha256 == first.sha256
    article.write_text("Korea restricts gallium exports.\n")           # changed bytes: ingested anew
    with pytest.raises(pytest.fail.Exception):
        list(ingest.iter_documents([article], reuse=c.reuse))


def test_another_context_misses(tmp_path):
    doc = document()
    ArticleCache(tmp_path, "one" * 8).put(doc, result_for(doc))
    assert ArticleCache(tmp_path, "two" * 8).get(doc) is None
    assert ArticleCache(tmp_path, "one" * 8).get(doc) is not None


class _Marker:
    """Unpickling this creates a file: proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _same_length_edit(raw: bytes) -> bytes:
    """``raw`` with one letter of an entity's name changed (same length)."""
    at = raw.index(b'"name":"Japan"') + len(b'"name":"Jap')
    return raw[:at] + b"o" + raw[at + 1:]


def test_damaged_edited_foreign_or_code_entries_are_rejected_and_counted(tmp_path):
    c = ArticleCache(tmp_path, "ctx" * 8)
    doc, other = document(), document(doc_id="a02")
    c.put(doc, result_for(doc))
    c.put(other, result_for(other))
    entry, other_entry = c._path(c.key(doc)), c._path(c.key(other))
    good = entry.read_bytes()
    marker = tmp_path / "code-ran"
    bad = {
        "not an entry": b"not an entry",
        "truncated": good[:-10],
        "same-length edit": _same_length_edit(good),
        "foreign (another article's entry)": other_entry.read_bytes(),
        "crafted pickle": pickle.dumps(_Marker(marker)),
        "old pickled format": pickle.dumps((c.key(doc), result_for(doc))),
        "checksum recomputed but not our format": good.replace(b'"version": "3"', b'"version": "9"'),
    }
    assert len(_same_length_edit(good)) == len(good)
    for n, (what, raw) in enumerate(bad.items(), start=1):
        entry.write_bytes(raw)
        fresh = ArticleCache(tmp_path, "ctx" * 8)
        assert fresh.get(doc) is None, what
        assert fresh.reuse(doc.doc_id, doc.sha256) is None, what
        assert (fresh.stats.rejected, fresh.stats.misses) == (1, 1), what     # counted once
    assert not marker.exists()
    entry.write_bytes(good)
    assert ArticleCache(tmp_path, "ctx" * 8).get(doc) == replace(result_for(doc), document=doc)


def test_decode_builds_only_kg_records():
    from kg.cache import BadEntry, decode, encode

    value = result_for(document())
    assert decode(encode(value)) == value
    for data in ({"$": "Popen", "args": ["true"]}, {"$": "Document", "doc_id": "x", "evil": 1},
                 {"$s": [[1]]}, {"other": 1}, {"$t": "x"}):
        with pytest.raises(BadEntry):
            decode(data)


def test_unwritable_cache_does_not_fail_the_build(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    c = ArticleCache(blocker / "cache", "ctx" * 8)      # a folder under a file cannot be made
    doc = document()
    c.put(doc, result_for(doc))
    assert c.stats.errors == 1 and c.get(doc) is None


# --------------------------------------------------------------------------- the context

def test_context_depends_on_extractor_version_model_date_data_and_code(monkeypatch):
    import kg.extract.article as article

    base = cache_context(None, None)[1]
    assert cache_context(None, None)[1] == base
    assert cache_context(None, "2025-10-10")[1] != base
    assert cache_context("some_other_model", None)[1] != base
    monkeypatch.setattr(article, "EXTRACTOR_VERSION", article.EXTRACTOR_VERSION + "-next")
    assert cache_context(None, None)[1] != base
    monkeypatch.undo()
    monkeypatch.setattr(kgcache, "data_fingerprint", lambda: "other data")
    assert cache_context(None, None)[1] != base
    monkeypatch.undo()
    monkeypatch.setattr(kgcache, "code_fingerprint", lambda: "other code")
    assert cache_context(None, None)[1] != base


def test_fingerprints_cover_the_data_and_extraction_files():
    kgcache.data_fingerprint.cache_clear()
    kgcache.code_fingerprint.cache_clear()
    assert len(kgcache.data_fingerprint()) == 64 and len(kgcache.code_fingerprint()) == 64
    assert kgcache._hash_files([]) != kgcache.data_fingerprint()


def test_model_identity_names_an_installed_model_and_its_version_without_loading_it(tmp_path):
    from kg.nlp import MODEL_CANDIDATES, RULE_ONLY

    desc, identity = model_identity(None)
    assert desc in (*MODEL_CANDIDATES, RULE_ONLY)
    if desc != RULE_ONLY:
        from importlib import metadata

        assert f"{desc}=={metadata.version(desc)}" in identity
    model_dir = tmp_path / "my_model"
    model_dir.mkdir()
    (model_dir / "meta.json").write_text('{"lang": "en", "name": "custom", "version": "9.9.9"}')
    assert model_identity(str(model_dir)) == (str(model_dir), f"{model_dir}==9.9.9 (en_custom); "
                                              f"spacy=={kgcache._version('spacy')}")


def test_default_cache_dir_is_inside_the_output_folder(tmp_path):
    assert default_cache_dir(tmp_path / "output") == tmp_path / "output" / ".kg-cache"
    ignored = (Path(__file__).parent.parent / ".gitignore").read_text()
    assert ".kg-cache/" in ignored.split()


# --------------------------------------------------------------------------- extract_corpus with a stand-in extractor

@pytest.fixture()
def counted(monkeypatch):
    """Replace the extraction function: count the articles it is given."""
    seen: list[str] = []

    def fake(documents, model=None, batch_size=64):
        seen.extend(d.doc_id for d in documents)
        return "fake", [result_for(d) for d in documents]

    monkeypatch.setattr(parallel, "extract_batch", fake)
    return seen


def write_articles(folder: Path, names) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / f"{name}.txt").write_text(f"Headline for {name} here\n\nJapan restricts gallium exports ({name}).\n")
    return folder


def test_rebuild_extracts_only_new_and_changed_articles(tmp_path, counted):
    src = write_articles(tmp_path / "in", ["a", "b", "c"])
    opts = BuildOptions(inputs=[str(src)], out_dir=tmp_path / "out")
    first = extract_corpus(opts, BuildStats())
    assert counted == ["a", "b", "c"]
    write_articles(src, ["d"])
    (src / "b.txt").write_text("Headline for b changed\n\nJapan restricts germanium exports.\n")
    counted.clear()
    second = extract_corpus(opts, BuildStats())
    assert counted == ["b", "d"]
    assert [r.document.doc_id for r in second] == ["a", "b", "c", "d"]
    assert second[0] == first[0] and second[2] == first[2]
    assert (tmp_path / "out" / ".kg-cache").is_dir()


def test_no_cache_neither_reads_nor_writes(tmp_path, counted):
    src = write_articles(tmp_path / "in", ["a", "b"])
    opts = BuildOptions(inputs=[str(src)], out_dir=tmp_path / "out", cache=False)
    extract_corpus(opts, BuildStats())
    extract_corpus(opts, BuildStats())
    assert counted == ["a", "b", "a", "b"]
    assert not (tmp_path / "out" / ".kg-cache").exists()


def test_cache_dir_option_and_date_option(tmp_path, counted):
    src = write_articles(tmp_path / "in", ["a"])
    opts = BuildOptions(inputs=[str(src)], out_dir=tmp_path / "out", cache_dir=tmp_path / "elsewhere")
    extract_corpus(opts, BuildStats())
    extract_corpus(opts, BuildStats())
    assert counted == ["a"]
    assert list((tmp_path / "elsewhere").rglob("*.json")) and not (tmp_path / "out" / ".kg-cache").exists()
    extract_corpus(replace(opts, date="2024-05-06"), BuildStats())
    assert counted == ["a", "a"]


# --------------------------------------------------------------------------- real builds

def corpus_of(tmp_path: Path, name: str, n: int) -> Path:
    """n articles: the 10 test articles, then copies of them under other names."""
    sources = sorted(CORPUS.glob("*.txt"))
    dst = tmp_path / name
    dst.mkdir()
    for i in range(n):
        src = sources[i % len(sources)]
        shutil.copy(src, dst / (src.name if i < len(sources) else f"{src.stem}_v{i // len(sources)}.txt"))
    return dst


def build_graph_file(src: Path, out: Path, **kw) -> bytes:
    build(BuildOptions(inputs=[str(src)], out_dir=out, validate=False, quiet=True, **kw))
    return (out / "graph.ttl").read_bytes()


@pytest.mark.model
@pytest.mark.slow
def test_adding_one_article_parses_one_and_equals_a_clean_build(tmp_path, monkeypatch):
    src = corpus_of(tmp_path, "corpus", 20)
    out = tmp_path / "out"
    build_graph_file(src, out)                                   # clean, fills the cache
    assert len(list((out / ".kg-cache").rglob("*.json"))) == 20
    extra = corpus_of(tmp_path, "more", 21)
    added = sorted(set(p.name for p in extra.iterdir()) - set(p.name for p in src.iterdir()))
    assert len(added) == 1
    shutil.copy(extra / added[0], src / added[0])

    parsed: list[str] = []
    real = parallel.extract_batch

    def counting(documents, *args, **kwargs):
        parsed.extend(d.doc_id for d in documents)
        return real(documents, *args, **kwargs)

    monkeypatch.setattr(parallel, "extract_batch", counting)
    incremental = build_graph_file(src, out)
    assert parsed == [Path(added[0]).stem]
    monkeypatch.undo()
    clean = build_graph_file(src, tmp_path / "clean", cache=False)
    assert incremental == clean


@pytest.mark.model
def test_fully_cached_rebuild_loads_no_model_and_changes_nothing(tmp_path, monkeypatch):
    src = corpus_of(tmp_path, "corpus", 6)
    out = tmp_path / "out"
    first = build_graph_file(src, out)

    def no_model(*args, **kwargs):
        raise AssertionError("the spaCy pipeline was loaded")

    monkeypatch.setattr(parallel, "worker_pipeline", no_model)
    import kg.nlp

    monkeypatch.setattr(kg.nlp, "build_pipeline", no_model)
    again = build_graph_file(src, out, workers=2)
    assert again == first


@pytest.mark.model
def test_cache_filled_by_two_workers_serves_one(tmp_path):
    src = corpus_of(tmp_path, "corpus", 10)
    out = tmp_path / "out"
    pooled = build_graph_file(src, out, workers=2)
    inline = build_graph_file(src, out, workers=1)
    assert pooled == inline


@pytest.mark.model
def test_tampered_cache_files_change_nothing_and_run_no_code(tmp_path, capsys):
    """A crafted pickle or a same-length edit in every cache file: the graph equals a clean build's."""
    from kg import cli

    src = corpus_of(tmp_path, "corpus", 4)
    out = tmp_path / "out"
    clean = build_graph_file(src, tmp_path / "clean", cache=False)
    assert build_graph_file(src, out) == clean
    marker = tmp_path / "code-ran"
    files = sorted(p for p in (out / ".kg-cache").rglob("*") if p.is_file())
    assert len(files) >= 4
    for n, path in enumerate(files):
        raw = path.read_bytes()
        if n % 2 and b'"name":"' in raw:   # change one letter of a name, keep the length
            at = raw.index(b'"name":"') + len(b'"name":"')
            raw = raw[:at] + bytes([raw[at] ^ 1]) + raw[at + 1:]
        else:
            raw = pickle.dumps(_Marker(marker))
        path.write_bytes(raw)
    capsys.readouterr()
    assert cli.main(["build", str(src), "--out", str(out), "--no-validate", "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert f"{len(files)} cache entries rejected" in err
    assert (out / "graph.ttl").read_bytes() == clean
    assert not marker.exists()
