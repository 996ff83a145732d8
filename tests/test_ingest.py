"""Ingestion without the model: decoding, markup, chrome, language, inputs, limits, atomic writes."""
from __future__ import annotations

import os
import signal
import sys
import tracemalloc
from pathlib import Path

import pytest

from kg import ingest
from kg.ingest import (NOT_ENGLISH, Document, Skip, decode, expand_inputs, iter_documents, make_document,
                       read_document)
from kg.sources import shown
from kg.io import atomic_path, leftover_temp_files, signals_held, write_atomic, write_outputs
from kg.textutil import (guess_language, iter_lines, looks_english, markdown_to_text, slugify,
                         unwrap, wrap_width)

ARTICLE = (
    "Indonesia extends nickel ore export ban\n"
    "\n"
    "JAKARTA, March 3 - Indonesia will keep its ban on exports of nickel ore, Mining Minister Bahlil "
    "Lahadalia said on Monday, as the government seeks to build a domestic smelting industry.\n"
    "\n"
    "The ban, first imposed in 2020, has drawn a complaint from the European Union at the World Trade "
    "Organization.\n"
)
BODY = (
    "Indonesia extends nickel ore export ban\n\n"
    "JAKARTA, March 3 - Indonesia will keep its ban on exports of nickel ore, Mining Minister Bahlil "
    "Lahadalia said on Monday, as the government seeks to build a domestic smelting industry.\n\n"
    "The ban, first imposed in 2020, has drawn a complaint from the European Union at the World Trade "
    "Organization."
)


def doc(raw: bytes | str, name: str = "a.txt") -> Document | Skip:
    return make_document(Path(name), raw.encode("utf-8") if isinstance(raw, str) else raw)


# --------------------------------------------------------------------------- decoding

@pytest.mark.parametrize("raw, note", [
    (ARTICLE.encode("utf-8"), None),
    (b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"), None),
    (ARTICLE.encode("utf-16"), "decoded as UTF-16 (byte-order mark)"),
    (ARTICLE.encode("utf-16-be").join([b"\xfe\xff", b""]), "decoded as UTF-16 (byte-order mark)"),
    (ARTICLE.encode("utf-16-le"), "decoded as UTF-16-LE (no byte-order mark)"),
    (ARTICLE.encode("utf-16-be"), "decoded as UTF-16-BE (no byte-order mark)"),
    (ARTICLE.encode("utf-32"), "decoded as UTF-32 (byte-order mark)"),
])
def test_encodings_give_the_same_article(raw, note):
    d = doc(raw)
    assert isinstance(d, Document)
    assert d.text == BODY
    assert d.title == "Indonesia extends nickel ore export ban"
    assert list(d.notes) == ([note] if note else [])


@pytest.mark.parametrize("eol", ["\r\n", "\r", "\n", "\u2028"])
def test_line_endings_and_bom_are_normalized(eol):
    d = doc("\ufeff" + ARTICLE.replace("\n", eol))
    assert d.text == BODY
    assert "\r" not in d.text and "\ufeff" not in d.text and "\u2028" not in d.text
    assert d.date == "--03-03"


def test_windows_1252_fallback_is_reported():
    raw = ("Caf\u00e9 owners in S\u00e3o Paulo said the \u201ctariffs\u201d would hurt them. "
           "The minister said the duties were needed.").encode("cp1252")
    d = doc(raw)
    assert d.notes == ("not valid UTF-8; decoded as Windows-1252",)
    assert "Caf\u00e9" in d.text and "\u201ctariffs\u201d" in d.text


def test_mostly_utf8_keeps_utf8_and_counts_bad_bytes():
    raw = ("The minister\u2019s caf\u00e9 said \u201cno\u201d to the tariffs. The duties were needed."
           .encode("utf-8")).replace(b"no", b"n\xff")
    d = doc(raw)
    assert d.notes == ("not valid UTF-8 (1 bad byte replaced by U+FFFD)",)
    assert "minister\u2019s" in d.text and "\ufffd" in d.text


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty file"),
    (b" \n\r\n\t ", "empty file"),
    (b"\xef\xbb\xbf", "empty file"),
    (b"\xef\xbb\xbf\r\n \r\n", "empty file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (a PDF document), not text"),
    (b"PK\x03\x04\x14\x00\x06\x00", "binary file (a ZIP archive (or a Word, OpenDocument or EPUB file)), not text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (a PNG image), not text"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary file (a JPEG image), not text"),
    (b"\x1f\x8b\x08\x00", "binary file (a gzip archive), not text"),
    (b"\x7fELF\x02\x01\x01", "binary file (a program), not text"),
    (bytes(range(256)) * 64, "binary file (NUL bytes), not text"),
    (b"abc\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12" * 40, "binary file (control bytes), not text"),
])
def test_empty_and_binary_files_are_skipped(raw, reason):
    d = doc(raw)
    assert isinstance(d, Skip)
    assert d.reason == reason
    assert d.path == "a.txt"


def test_decode_raises_only_value_error_for_binary():
    with pytest.raises(ValueError, match="binary"):
        decode(b"\x00\x01\x02\x03" * 100)
    assert decode(b"plain") == ("plain", [])


def test_control_characters_and_invisible_marks_are_dropped():
    d = doc("Trade\x00 Minister\u200b Ana\u202e Silva\x07 said on Monday that Chile would cut duties.\x0b"
            "The ministry\u00a0agreed.")
    assert isinstance(d, Document)
    for ch in "\x00\u200b\u202e\x07\x0b\u00a0":
        assert ch not in d.text
    assert "Ana Silva" in d.text


# --------------------------------------------------------------------------- HTML and Markdown

PAGE = """<!DOCTYPE html>
<html><head><title>China curbs gallium exports | Example News</title>
<script>document.write("<p>Trade Minister Injected said</p>")</script>
<style>p { color: red }</style></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><header><h1>China curbs gallium exports</h1><p>By Jane Doe</p></header>
<p>BEIJING, July 3 - China&#8217;s commerce ministry said on Monday it would restrict
exports of gallium and germanium, two metals used in chips.</p>
<p>Share this article</p>
<p>The curbs take effect on August 1, the ministry said &amp; added that &quot;national
security&quot; was at stake.</p>
<!-- <p>Commented out paragraph</p> -->
</article><footer>Copyright 2023 Example News</footer></body></html>"""


def test_html_main_text_and_metadata():
    d = doc(PAGE, "page.html")
    assert d.title == "China curbs gallium exports"
    assert d.text.startswith("China curbs gallium exports\n\n")
    assert ("BEIJING, July 3 - China\u2019s commerce ministry said on Monday it would restrict exports of gallium "
            "and germanium, two metals used in chips.") in d.text
    assert "The curbs take effect on August 1, the ministry said & added that \"national security\" was at stake." in d.text
    for gone in ("Injected", "Commented", "Copyright", "Home", "color: red"):
        assert gone not in d.text
    assert d.date == "--07-03"           # no date in the markup: the dateline's
    assert d.notes == ()


def test_html_is_recognised_without_the_suffix_and_title_loses_the_site_name():
    page = PAGE.replace("<h1>China curbs gallium exports</h1>", "")
    d = doc(page, "page.txt")
    assert d.title == "China curbs gallium exports"
    assert "Injected" not in d.text and "Commented" not in d.text and "Copyright" not in d.text


def test_html_with_no_text_is_skipped():
    d = doc("<html><head><script>var a = 1;</script></head><body><nav>Home</nav></body></html>", "x.html")
    assert isinstance(d, Skip) and d.reason == ingest.NO_MAIN_TEXT and d.kind == "no main text"


MARKDOWN = """---
title: "EU agrees tariffs on Chinese EVs"
author: Someone
---

# EU agrees tariffs on Chinese EVs

The European Commission said on **Tuesday** it would impose
duties of up to 38% on [Chinese electric vehicles](https://example.com/evs),
a move Beijing called _protectionist_.

![chart](chart.png)

- Trade Commissioner Valdis Dombrovskis said the duties were
  proportionate.
- China's commerce ministry vowed a response.

```python
print("Trade Minister Code said")
```

[ref]: https://example.com
"""


def test_markdown_is_converted_and_paragraph_lines_joined():
    d = doc(MARKDOWN, "ev.md")
    assert d.title == "EU agrees tariffs on Chinese EVs"
    assert d.text == (
        "EU agrees tariffs on Chinese EVs\n\n"
        "The European Commission said on Tuesday it would impose duties of up to 38% on Chinese electric "
        "vehicles, a move Beijing called protectionist.\n\n"
        "Trade Commissioner Valdis Dombrovskis said the duties were proportionate.\n\n"
        "China's commerce ministry vowed a response."
    )
    assert d.notes == ("Markdown converted to text",)


def test_markdown_heading_is_its_own_paragraph():
    assert markdown_to_text("# Title here\nBody line one\nbody line two.") == "Title here\n\nBody line one body line two.\n"


# --------------------------------------------------------------------------- plain text clean-up

WRAPPED = """Indonesia extends nickel ore export ban

JAKARTA, March 3 - Indonesia will keep its ban on exports of nickel ore,
Mining Minister Bahlil Lahadalia said on Monday, as the government seeks to
build a domestic smelting industry.

The ban, first imposed in 2020, has drawn a complaint from the European Union
at the World Trade Organization.
"""


def test_hard_wrapped_text_is_unwrapped():
    d = doc(WRAPPED)
    assert d.text == BODY
    assert wrap_width(WRAPPED) == max(len(line) for line in WRAPPED.splitlines()) == 77


def test_text_with_whole_paragraph_lines_is_not_unwrapped():
    text = "Short headline here\nFirst paragraph ends here.\nSecond paragraph ends here.\n"
    assert wrap_width(text) is None
    assert list(unwrap(["a b", "c", "", "d"], 3)) == ["a b c", "", "d"]


def test_page_chrome_and_a_repeated_headline_are_dropped():
    raw = ("Indonesia extends nickel ore export ban\nShare this article\nAdvertisement\n"
           "Indonesia extends nickel ore export ban\n" + ARTICLE.split("\n", 1)[1] + "\nCopyright 2025 Example\n")
    assert doc(raw).text == BODY


@pytest.mark.parametrize("raw", ["Share this article\nAdvertisement\n", "   \nhttps://example.com/x\n"])
def test_only_chrome_is_skipped(raw):
    d = doc(raw)
    assert isinstance(d, Skip) and d.reason == ingest.NO_TEXT


def test_iter_lines_matches_splitlines():
    text = "a\r\nb\rc\nd\x0be\x0cf\x1cg\x1dh\x1ei\x85j\u2028k\u2029l\n\nm"
    assert list(iter_lines(text)) == text.splitlines()


# --------------------------------------------------------------------------- language

FOREIGN = {
    "French": "Le président français a annoncé mardi une nouvelle série de mesures pour soutenir les "
              "exportations agricoles. Selon le ministre, ces mesures entreront en vigueur dès le mois "
              "prochain et concerneront surtout les producteurs de blé et de vin.",
    "German": "Die Bundesregierung hat am Dienstag neue Zölle auf Stahlimporte aus China angekündigt. Nach "
              "Angaben des Wirtschaftsministeriums sollen die Maßnahmen im kommenden Monat in Kraft treten.",
    "Spanish": "El gobierno de México anunció el martes nuevos aranceles a las importaciones de acero "
               "procedentes de China. Según el ministro de Economía, las medidas entrarán en vigor el "
               "próximo mes.",
    "Italian": "Il governo italiano ha annunciato martedì nuove misure per sostenere le esportazioni "
               "agricole. Secondo il ministro, le misure entreranno in vigore il mese prossimo.",
    "Portuguese": "O governo brasileiro anunciou na terça-feira novas tarifas sobre as importações de aço "
                  "da China. Segundo o ministro da Economia, as medidas entrarão em vigor no próximo mês.",
    "Dutch": "De Nederlandse regering heeft dinsdag nieuwe maatregelen aangekondigd om de export van "
             "landbouwproducten te steunen. Volgens de minister gaan de maatregelen volgende maand in.",
    "Chinese": "中国商务部周四宣布，将对部分关键矿产实施出口管制，以维护国家安全和利益。美国财政部长表示，双方将在下周继续举行贸易谈判。",
    "Russian": "Министерство торговли Китая в четверг объявило о введении экспортного контроля на некоторые "
               "критически важные минералы. Министр финансов США заявил, что стороны продолжат переговоры.",
    "Japanese": "日本政府は木曜日、半導体材料の韓国向け輸出規制を強化すると発表した。",
    "Arabic": "أعلنت وزارة التجارة الصينية يوم الخميس فرض قيود على تصدير بعض المعادن الحيوية.",
}

ENGLISH = [
    "Tariffs rise.",
    "China halts rare earth exports",
    "EU slaps duties on Chinese EVs",
    "Trade Minister Piyush Goyal said India would cut duties on wine.",
    "Lula da Silva visits Beijing",
    "Indonesia bans nickel ore exports. Jakarta says the ban starts in January.",
    "U.S. Treasury Secretary Scott Bessent met Vice Premier He Lifeng in Geneva on Saturday. The two sides "
    "agreed to cut tariffs for 90 days.",
    "Ursula von der Leyen and Emmanuel Macron met Xi Jinping in Paris, where the three leaders discussed "
    "electric vehicles and brandy.",
]


@pytest.mark.parametrize("language", sorted(FOREIGN))
def test_foreign_text_is_skipped(language):
    d = doc(f"{FOREIGN[language]}\n\n{FOREIGN[language]}\n")
    assert isinstance(d, Skip)
    assert d.reason == NOT_ENGLISH == "not English text; nothing built from it"
    assert not looks_english(FOREIGN[language])


@pytest.mark.parametrize("text", ENGLISH)
def test_short_english_is_not_skipped(text):
    assert looks_english(text)
    assert isinstance(doc(text + "\n"), Document)


def test_english_article_quoting_another_language_is_english():
    text = ARTICLE + "\n" + FOREIGN["French"] + "\n"
    assert isinstance(doc(text), Document)
    assert guess_language(FOREIGN["German"]) == "de" and guess_language(FOREIGN["Chinese"]) == "non-latin"


# --------------------------------------------------------------------------- files and folders

def test_read_document_reports_missing_folder_special_and_large(tmp_path):
    assert read_document(tmp_path / "nope.txt").reason == "cannot read: No such file or directory"
    assert read_document(tmp_path).reason == "not a regular file"
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert read_document(fifo).reason == "not a regular file"
    big = tmp_path / "big.txt"
    big.write_text(ARTICLE * 10)
    size = big.stat().st_size
    skip = read_document(big, max_bytes=1000)
    assert skip.reason == f"too large: {size:,} bytes, over the --max-bytes limit of 1,000"
    assert isinstance(read_document(big, max_bytes=size), Document)


def test_unreadable_file_is_a_skip(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text(ARTICLE)
    real_open = os.open

    def deny(p, *a, **k):
        if Path(p) == path:
            raise PermissionError(13, "Permission denied", str(p))
        return real_open(p, *a, **k)

    monkeypatch.setattr(ingest.os, "open", deny)
    assert read_document(path).reason == "cannot read: Permission denied"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_on_disk_is_a_skip(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text(ARTICLE)
    path.chmod(0)
    try:
        assert read_document(path).reason == "cannot read: Permission denied"
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_read_error_is_a_skip():
    assert read_document(Path("/proc/self/mem")).reason == "cannot read: Input/output error"


def test_expand_inputs(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / ".hidden").mkdir()
    for name in ("b.txt", "a.md", "sub/c.html", "d", ".hidden/e.txt", ".f.txt", "g.jsonl", "h.csv.gz"):
        (corpus / name).write_text(ARTICLE)
    (corpus / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    files, skips = expand_inputs([corpus, empty, tmp_path / "missing", corpus / "b.txt"])
    assert [(f.path.relative_to(corpus).as_posix(), f.doc_id, f.kind, f.gzip) for f in files] == [
        ("a.md", "a", "markdown", False), ("b.txt", "b", "text", False), ("d", "d", "text", False),
        ("g.jsonl", "g", "jsonl", False), ("h.csv.gz", "h", "csv", True), ("sub/c.html", "sub/c", "html", False)]
    assert [(Path(s.path).name, s.reason, s.kind) for s in skips] == [
        ("photo.png", "not an article file (.png); kg reads .txt, .md, .html, .jsonl and .csv files, also gzipped (.gz)",
         "not an article file"),
        ("empty", "empty folder: no article files in it (kg reads .txt, .md, .html, .jsonl and .csv files, also "
                  "gzipped (.gz))",
         "empty"),
        ("missing", "no such file or folder", "missing"),
    ]


def test_links_inside_the_folder_are_read_once_and_links_out_are_reported(tmp_path):
    """A link to a file counts once with its target; a link that leaves the input folder
    is reported and not read (unless asked); a link back to a folder above is a loop."""
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text(ARTICLE)
    (corpus / "sub" / "b.txt").write_text(ARTICLE)
    (corpus / "link.txt").symlink_to(corpus / "a.txt")
    (corpus / "outside.txt").symlink_to(tmp_path / "elsewhere.txt")
    (corpus / "broken.txt").symlink_to(tmp_path / "nothing.txt")
    (tmp_path / "elsewhere.txt").write_text(ARTICLE)
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)
    alias = tmp_path / "alias"
    alias.symlink_to(corpus, target_is_directory=True)
    files, skips = expand_inputs([corpus, alias, alias / "sub" / "b.txt", tmp_path / "elsewhere.txt"])
    assert [f.path.relative_to(tmp_path).as_posix() for f in files] == [
        "corpus/a.txt", "corpus/sub/b.txt", "elsewhere.txt"]
    reasons = {(Path(s.path).relative_to(tmp_path).as_posix(), s.kind): s.reason for s in skips}
    assert reasons[("corpus/outside.txt", "symbolic link")].startswith("symbolic link to ")
    assert reasons[("corpus/outside.txt", "symbolic link")].endswith(
        "outside the input folder; not followed (--follow-symlinks reads it)")
    assert reasons[("corpus/broken.txt", "symbolic link")] == "broken symbolic link (its target does not exist)"
    assert reasons[("corpus/loop", "symbolic link")].startswith("symbolic link loop")
    followed, _ = expand_inputs([corpus], follow_symlinks=True)
    assert "corpus/outside.txt" in [f.path.relative_to(tmp_path).as_posix() for f in followed]


def test_a_symlink_loop_named_directly_is_reported(tmp_path):
    (tmp_path / "x.txt").symlink_to(tmp_path / "y.txt")
    (tmp_path / "y.txt").symlink_to(tmp_path / "x.txt")
    files, skips = expand_inputs([tmp_path / "x.txt"])
    assert files == [] and [(s.reason, s.kind) for s in skips] == [
        ("symbolic link loop; not followed", "symbolic link")]


def test_same_named_files_in_two_folders_are_two_documents(tmp_path):
    for sub in ("x", "y"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        (tmp_path / "in" / sub / "a.txt").write_text(ARTICLE)
    files, _ = expand_inputs([tmp_path / "in"])
    items = list(iter_documents(files))
    assert [d.doc_id for d in items] == ["x/a", "y/a"]


def test_the_same_name_from_two_inputs_gets_its_folder_name(tmp_path):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "a.txt").write_text(ARTICLE)
    files, _ = expand_inputs([tmp_path / "x", tmp_path / "y", tmp_path / "x" / "a.txt"])
    assert [d.doc_id for d in iter_documents(files)] == ["a", "y/a"]
    direct = list(iter_documents([tmp_path / "x" / "a.txt", tmp_path / "y" / "a.txt"]))
    assert [d.doc_id for d in direct] == ["a", "a~2"]


def test_names_in_messages_are_escaped(tmp_path):
    bad = tmp_path / "evil\nkg build: 99 articles built.txt"
    bad.write_bytes(b"")
    files, _ = expand_inputs([tmp_path])
    (skip,) = list(iter_documents(files))
    assert "\n" not in skip.path and skip.path.endswith("evil\\nkg build: 99 articles built.txt")
    assert shown("a\x1b[2Jb\u202ec\udcff") == "a\\x1b[2Jb\\u202ec\\xff"


# --------------------------------------------------------------------------- very large files

def test_large_article_is_read_without_many_copies(tmp_path):
    """A ~30 MB article: the traced peak stays near two copies of its text (old code: ~13)."""
    paragraph = ("Trade Minister Ana Silva said on Monday that Chile would cut duties on copper cathodes "
                 "exported to China, the country\u2019s largest buyer, from January. ") * 4
    path = tmp_path / "big.txt"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Chile cuts copper duties\n\n")
        while fh.tell() < 30_000_000:
            fh.write(paragraph + "\n")
    size = path.stat().st_size
    ingest._chrome_pattern()
    tracemalloc.start()
    try:
        d = read_document(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(d, Document)
    text_bytes = len(d.text) * 2            # the text holds U+2019, so 2 bytes a character
    assert peak < 2.4 * text_bytes, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"
    assert d.title == "Chile cuts copper duties"


# --------------------------------------------------------------------------- slugs

@pytest.mark.parametrize("name", ['Robert "Bobby" Tables', "<script>alert(1)</script>", "a\\b\nc\x00d",
                                  "Ursula von der Leyen", "毛泽东", "", "---", "Ёлка > x"])
def test_slugs_are_safe(name):
    slug = slugify(name)
    assert slug and all(ch in "abcdefghijklmnopqrstuvwxyz0123456789-" for ch in slug)
    assert slug == slugify(name)


# --------------------------------------------------------------------------- atomic writes

def test_write_atomic_replaces_whole_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out" / "graph.ttl"
    write_atomic(target, "old")
    write_atomic(target, "new \u2019")
    assert target.read_text(encoding="utf-8") == "new \u2019"
    assert leftover_temp_files(target.parent) == []
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    target.chmod(0o640)
    write_atomic(target, b"newer")
    assert target.stat().st_mode & 0o777 == 0o640 and target.read_bytes() == b"newer"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "graph.ttl"
    target.write_text("previous")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "previous"
    assert leftover_temp_files(tmp_path) == []


def test_write_outputs_is_all_or_nothing(tmp_path):
    for name in ("graph.ttl", "graph.html"):
        (tmp_path / name).write_text(f"old {name}")
    with pytest.raises(TypeError):
        write_outputs({tmp_path / "graph.html": "new", tmp_path / "graph.ttl": object()})
    assert (tmp_path / "graph.html").read_text() == "old graph.html"
    assert leftover_temp_files(tmp_path) == []
    write_outputs({tmp_path / "graph.html": "new", tmp_path / "graph.ttl": b"new"})
    assert (tmp_path / "graph.ttl").read_text() == "new"


def test_atomic_path_removes_its_temp_on_error(tmp_path):
    target = tmp_path / "graph.nt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("serializer failed")
    assert target.read_text() == "old" and leftover_temp_files(tmp_path) == []
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_signals_are_held_during_the_renames():
    seen = []
    with pytest.raises(KeyboardInterrupt):
        with signals_held():
            os.kill(os.getpid(), signal.SIGINT)
            seen.append("renamed")
    assert seen == ["renamed"]


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX interval timers")
def test_interrupted_writes_never_leave_a_temp_or_a_torn_file(tmp_path):
    """Interrupt write_atomic at random moments, hundreds of times: the file is always one whole version."""
    import random

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    target = tmp_path / "graph.ttl"
    versions = [bytes([65 + i]) * 200_000 for i in range(4)]
    target.write_bytes(versions[0])
    rng = random.Random(7)
    previous = signal.signal(signal.SIGALRM, interrupt)
    interrupted = 0
    try:
        for i in range(300):
            try:
                signal.setitimer(signal.ITIMER_REAL, rng.uniform(0, 0.002))
                write_atomic(target, versions[i % 4], sync=i % 2 == 0)
                signal.setitimer(signal.ITIMER_REAL, 0)
            except KeyboardInterrupt:
                interrupted += 1
            assert target.read_bytes() in versions
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert interrupted > 10
    assert leftover_temp_files(tmp_path) == []
