"""`kg build` on a messy corpus: one line per bad file, the good files still built, the right exit status.

One build runs over a folder that mixes good articles in every supported form
(plain, HTML, Markdown, Windows line endings with a byte-order mark, Windows-1252,
UTF-16) with every kind of bad input; each test then checks one input's line.
Further builds check the exit status when nothing can be built, and that the
previous outputs are then left alone. `kg query` and `kg validate` error paths
are checked at the end (one line, exit status 2, no traceback).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "corpus" / "articles"
KG_SCRIPT = Path(sys.executable).with_name("kg")
KG = [str(KG_SCRIPT)] if KG_SCRIPT.exists() else [sys.executable, "-m", "kg.cli"]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run_kg(*args, timeout: float = 900, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env={**os.environ, **(env or {})})


def article(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


def lines_naming(stderr: str, path: Path | str) -> list[str]:
    """The lines about ``path`` ("kg build: PATH: ...", "kg build: skipped PATH: ...", or a log line)."""
    about = re.compile(r"kg[\w ]*: (?:skipped )?" + re.escape(str(path)) + ": ")
    return [line for line in stderr.splitlines() if about.match(line)]


FRENCH = ("Le gouvernement français a annoncé mardi une nouvelle série de mesures pour soutenir les exportations "
          "agricoles. Selon le ministre, ces mesures entreront en vigueur dès le mois prochain et concerneront "
          "surtout les producteurs de blé et de vin.\n")
GERMAN = ("Die Bundesregierung hat am Dienstag neue Zölle auf Stahlimporte aus China angekündigt. Nach Angaben "
          "des Wirtschaftsministeriums sollen die Maßnahmen im kommenden Monat in Kraft treten.\n")
SPANISH = ("El gobierno de México anunció el martes nuevos aranceles a las importaciones de acero procedentes de "
           "China. Según el ministro de Economía, las medidas entrarán en vigor el próximo mes.\n")
CHINESE = "中国商务部周四宣布，将对部分关键矿产实施出口管制，以维护国家安全和利益。美国财政部长表示，双方将在下周继续举行贸易谈判。\n"
RUSSIAN = ("Министерство торговли Китая в четверг объявило о введении экспортного контроля на некоторые "
           "критически важные минералы. Министр финансов США заявил, что стороны продолжат переговоры.\n")


def _html(text: str) -> str:
    title, body = text.split("\n", 1)
    paras = "".join(f"<p>{p}</p>\n" for p in body.split("\n") if p.strip())
    return (f"<!DOCTYPE html><html><head><title>{title} | Wire</title><script>var ad = '<p>Buy</p>';</script>"
            f"</head><body><nav>Home | World</nav><article><h1>{title}</h1>\n{paras}</article>"
            f"<footer>Copyright 2025 Wire</footer></body></html>")


def _markdown(text: str) -> str:
    title, body = text.split("\n", 1)
    return f"# {title}\n\n" + body.replace("tariffs", "**tariffs**", 1)


# doc id → (file name, bytes, expected title, expected note)
GOOD = {
    "plain": ("plain.txt", article("a01_indonesia_nickel.txt").encode(), None, None),
    "page": ("page.html", _html(article("a02_eu_ev_tariffs.txt")).encode(),
             "EU slaps duties on Chinese electric vehicles as Beijing hits back at French brandy", None),
    "notes": ("notes.md", _markdown(article("a05_australia_china_barley_wine.txt")).encode(),
              "China to scrap tariffs on Australian wine as relations thaw", "Markdown converted to text"),
    "windows": ("windows.txt", b"\xef\xbb\xbf" + article("a03_japan_korea_chip_materials.txt")
                .replace("\n", "\r\n").encode(),
                "Japan tightens chip material exports to South Korea, Seoul vows response", None),
    "latin": ("latin.txt", (article("a07_canada_softwood_lumber.txt") +
                            "\nAnalysts at Soci\u00e9t\u00e9 G\u00e9n\u00e9rale said the duties would last.\n")
              .encode("cp1252"),
              "U.S. raises duties on Canadian softwood lumber, Ottawa vows to fight",
              "not valid UTF-8; decoded as Windows-1252"),
    "wide": ("wide.txt", article("a06_us_mexico_steel_call.txt").encode("utf-16"), None,
             "decoded as UTF-16 (byte-order mark)"),
    # the same file name in a sub-folder: another article, identified by its path in the input folder
    "sub/plain": ("sub/plain.md", article("a08_uk_india_fta.txt").encode(), None, "Markdown converted to text"),
}

# case → (file name or None for special cases, bytes, expected reason)
BAD = {
    "empty": ("empty.txt", b"", "empty file"),
    "blank": ("blank.txt", b" \r\n\t\r\n", "empty file"),
    "binary": ("binary.txt", bytes(range(256)) * 16, "binary file (NUL bytes), not text"),
    "pdf": ("scan.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n",
            "binary file (a PDF document), not text"),
    "image": ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
              "not an article file (.png); kg reads .txt, .md, .html, .jsonl and .csv files, also gzipped (.gz)"),
    "french": ("french.txt", FRENCH.encode(), "not English text; nothing built from it"),
    "german": ("german.txt", GERMAN.encode(), "not English text; nothing built from it"),
    "spanish": ("spanish.txt", SPANISH.encode(), "not English text; nothing built from it"),
    "chinese": ("chinese.txt", CHINESE.encode(), "not English text; nothing built from it"),
    "russian": ("russian.txt", RUSSIAN.encode(), "not English text; nothing built from it"),
    "chrome": ("chrome.html", b"<html><body><nav>Home</nav><p>Share this article</p></body></html>",
               "no main text found in the page"),
    "huge": ("huge.txt", (article("a04_india_rice_export_ban.txt") * 200).encode(), None),   # reason below
    "missing": (None, b"", "no such file or folder"),
    "empty folder": (None, b"", "empty folder: no article files in it (kg reads .txt, .md, .html, "
                                ".jsonl and .csv files, also gzipped (.gz))"),
    "fifo": (None, b"", "not a regular file"),
}
if not IS_ROOT:
    BAD["unreadable"] = ("locked.txt", article("a09_brazil_soybeans_china.txt").encode(),
                         "cannot read: Permission denied")
if Path("/proc/self/mem").exists():
    BAD["read error"] = (None, b"", "cannot read: Input/output error")
MAX_BYTES = 200 * 1024


@dataclass
class Run:
    result: subprocess.CompletedProcess
    corpus: Path
    out: Path
    paths: dict


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("messy")
    corpus = root / "corpus"
    (corpus / "sub").mkdir(parents=True)
    paths: dict[str, Path] = {}
    for key, (name, raw, *_) in {**GOOD, **BAD}.items():
        if name:
            paths[key] = corpus / name
            paths[key].write_bytes(raw)
    if "unreadable" in BAD:
        paths["unreadable"].chmod(0)
    paths["missing"] = root / "missing.txt"
    paths["empty folder"] = root / "nothing-here"
    paths["empty folder"].mkdir()
    paths["fifo"] = root / "pipe.txt"
    os.mkfifo(paths["fifo"])
    extra = [paths["missing"], paths["empty folder"], paths["fifo"]]
    if "read error" in BAD:
        paths["read error"] = Path("/proc/self/mem")
        extra.append(paths["read error"])
    out = root / "out"
    result = run_kg("build", corpus, *extra, "--out", out, "--max-bytes", "200k", "--workers", "1",
                    "--no-validate", "--no-cache")
    if "unreadable" in BAD:
        paths["unreadable"].chmod(0o644)
    return Run(result, corpus, out, paths)


def expected_reason(key: str, run: Run) -> str:
    reason = BAD[key][2]
    if key == "huge":
        size = run.paths["huge"].stat().st_size
        reason = f"too large: {size:,} bytes, over the --max-bytes limit of {MAX_BYTES:,}"
    return reason


def built_ids(out: Path) -> set[str]:
    from rdflib import Graph
    from rdflib.namespace import DCTERMS, RDF

    from kg.vocab import KG

    g = Graph().parse(out / "graph.ttl", format="turtle")
    return {str(g.value(d, DCTERMS.identifier)) for d in g.subjects(RDF.type, KG.Document)}


@pytest.mark.model
@pytest.mark.parametrize("key", sorted(BAD))
def test_each_bad_input_has_one_line_and_the_rest_is_built(messy, key):
    path = messy.paths[key]
    assert messy.result.returncode == 0, messy.result.stderr
    assert "Traceback" not in messy.result.stderr
    assert lines_naming(messy.result.stderr, path) == [f"kg build: skipped {path}: {expected_reason(key, messy)}"]
    assert built_ids(messy.out) == set(GOOD)


@pytest.mark.model
@pytest.mark.parametrize("key", sorted(GOOD))
def test_each_good_form_is_built_and_noted(messy, key):
    from rdflib import Graph, Literal
    from rdflib.namespace import DCTERMS

    name, _, title, note = GOOD[key]
    path = messy.paths[key]
    expected = [f"kg build: {path}: {note}"] if note else []
    assert lines_naming(messy.result.stderr, path) == expected
    g = Graph().parse(messy.out / "graph.ttl", format="turtle")
    doc = g.value(predicate=DCTERMS.identifier, object=Literal(key))
    assert doc is not None, f"{name} was not built"
    if title:
        assert str(g.value(doc, DCTERMS.title)) == title
    assert "\ufeff" not in (messy.out / "graph.ttl").read_text(encoding="utf-8")


@pytest.mark.model
def test_summary_counts_built_and_skipped(messy):
    summary = [line for line in messy.result.stdout.splitlines() if "articles built" in line]
    assert len(summary) == 1
    assert summary[0].startswith(f"kg build: {len(GOOD)} articles built, {len(BAD)} skipped (")
    assert "not English: 5" in summary[0]
    for name in ("graph.ttl", "graph.html", "report.md"):
        assert (messy.out / name).stat().st_size > 0
    assert not [p for p in messy.out.rglob("*.tmp")]


@pytest.mark.model
def test_nothing_built_is_exit_1_and_keeps_previous_outputs(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    previous = {"graph.ttl": "@prefix kg: <https://w3id.org/kg-news/ontology#> .\n", "graph.html": "<p>old</p>",
                "report.md": "# old\n"}
    for name, text in previous.items():
        (out / name).write_text(text)
    (tmp_path / "french.txt").write_text(FRENCH)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "nothing").mkdir()
    result = run_kg("build", tmp_path / "french.txt", tmp_path / "empty.txt", tmp_path / "nothing",
                    tmp_path / "gone.txt", "--out", out, "--workers", "1", "--no-validate")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert sorted(lines[:-1]) == sorted([
        f"kg build: skipped {tmp_path / 'french.txt'}: not English text; nothing built from it",
        f"kg build: skipped {tmp_path / 'empty.txt'}: empty file",
        f"kg build: skipped {tmp_path / 'nothing'}: empty folder: no article files in it (kg reads .txt, .md, "
        ".html, .jsonl and .csv files, also gzipped (.gz))",
        f"kg build: skipped {tmp_path / 'gone.txt'}: no such file or folder",
    ])
    assert lines[-1] == f"kg build: error: nothing built: 0 articles, 4 skipped; nothing written to {out}"
    assert {p.name: p.read_text() for p in out.iterdir() if p.is_file()} == previous


@pytest.mark.model
def test_an_empty_folder_alone_is_exit_1(tmp_path):
    result = run_kg("build", tmp_path, "--out", tmp_path / "out", "--workers", "1", "--no-validate")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"kg build: skipped {tmp_path}: empty folder: no article files in it (kg reads .txt, .md, "
        ".html, .jsonl and .csv files, also gzipped (.gz))")
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_bad_max_bytes_is_a_usage_error():
    result = run_kg("build", "--max-bytes", "lots")
    assert result.returncode == 2
    assert "--max-bytes" in result.stderr and "Traceback" not in result.stderr


def test_unwritable_output_is_one_line(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")
    result = run_kg("build", ARTICLES / "a01_indonesia_nickel.txt", "--out", blocker, "--workers", "1",
                    "--no-validate", "--no-cache")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and str(blocker) in errors[0], result.stderr
    assert blocker.read_text() == "a file where the output folder should be"


def test_internal_error_is_one_line_and_handlers_are_restored(tmp_path, monkeypatch, capsys):
    import signal

    import kg.pipeline
    from kg.cli import main

    def boom(options):
        raise RuntimeError("the extractor\nexploded")

    monkeypatch.setattr(kg.pipeline, "build", boom)
    before = signal.getsignal(signal.SIGTERM)
    assert main(["build", str(ARTICLES), "--out", str(tmp_path), "--workers", "1"]) == 70
    assert capsys.readouterr().err.splitlines() == [
        "kg build: internal error: RuntimeError: the extractor exploded (run with -v for the traceback)"]
    assert signal.getsignal(signal.SIGTERM) == before


# --------------------------------------------------------------------------- kg query / kg validate

GOOD_TTL = """@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/kg-news/id/country/japan> a kg:Country ; rdfs:label "Japan" .
"""
BAD_TTL = """@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/kg-news/id/country/japan> a kg:Country ; rdfs:label "Japan .
"""


@pytest.fixture()
def graphs(tmp_path):
    (tmp_path / "good.ttl").write_text(GOOD_TTL)
    (tmp_path / "bad.ttl").write_text(BAD_TTL)
    (tmp_path / "binary.ttl").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "bad.rq").write_text("SELEC ?s WHERE { ?s ?p ?o ")
    return tmp_path


def _cli_has(command: str) -> bool:
    try:
        from kg.cli import build_parser

        build_parser().parse_args([command, "--help"])
    except SystemExit:
        return True
    except Exception:
        return False
    return True


QUERY_ERRORS = {
    "missing graph": ["query", "{d}/nope.ttl", "-e", "SELECT * WHERE {{ ?s ?p ?o }}"],
    "malformed graph": ["query", "{d}/bad.ttl", "-e", "SELECT * WHERE {{ ?s ?p ?o }}"],
    "binary graph": ["query", "{d}/binary.ttl", "-e", "SELECT * WHERE {{ ?s ?p ?o }}"],
    "malformed query": ["query", "{d}/good.ttl", "-e", "SELEC ?s WHERE {{ ?s ?p ?o "],
    "malformed query file": ["query", "{d}/good.ttl", "{d}/bad.rq"],
    "missing query file": ["query", "{d}/good.ttl", "{d}/nope.rq"],
    "missing graph (validate)": ["validate", "{d}/nope.ttl"],
    "malformed graph (validate)": ["validate", "{d}/bad.ttl"],
    "binary graph (validate)": ["validate", "{d}/binary.ttl"],
}


@pytest.mark.parametrize("case", sorted(QUERY_ERRORS))
def test_query_and_validate_errors_are_one_line_exit_2(graphs, case):
    args = [a.format(d=graphs) for a in QUERY_ERRORS[case]]
    if not _cli_has(args[0]):
        pytest.skip(f"kg {args[0]} is not there yet")
    result = run_kg(*args, timeout=300)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"kg {args[0]}: ")
    if "graph" in case or case == "missing query file":
        named = re.search(r"(nope|bad|binary)\.(ttl|rq)", " ".join(args)).group(0)
        assert named in lines[0], "the line names the file"
    assert result.stdout == ""
