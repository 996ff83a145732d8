"""Main-text extraction on a public benchmark: precision, recall and F1 of what kg reads from web pages.

Reads a main-text benchmark in the format of trafilatura's evaluation set
(``tests/evaldata.json`` and the pages under ``tests/eval/`` and ``tests/cache/``
of the trafilatura repository): for each page, snippets that belong to the
article ("with") and boilerplate snippets that do not ("without"). A page's
text is scored as that benchmark does: a "with" snippet found in it is a true
positive, one missing a false negative; a "without" snippet found is a false
positive (whitespace-normalised substring match).

The pages are not in this repository (their licences vary): pass the folder.

    python bench/bench_extract.py PATH/TO/trafilatura/tests [--lang en] [--all-languages] [-v]

Prints one line per extractor: kg's own ingestion (``kg.ingest.make_document``,
the text kg parses: headline and main text) and, for comparison, trafilatura
called directly with its benchmark settings. English pages are those whose
``<html lang>`` says English (or, without one, whose main text as trafilatura
reads it is English to kg's language check) and whose main text is not
recognised as another language.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.ingest import Document, make_document  # noqa: E402
from kg.textutil import guess_language  # noqa: E402

_LANG = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z-]+)", re.I)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_language(raw: bytes, item: dict) -> str:
    """The page's language: its ``<html lang>``, unless the page's main text as trafilatura reads it
    is recognised as another language (many pages keep a theme's lang="en" over German text)."""
    text = trafilatura_text(raw)
    guessed = guess_language(text or " ".join(item["with"] + item["without"]))
    if guessed not in ("en", "unknown"):
        return guessed
    m = _LANG.search(raw[:5000])
    if m:
        return m.group(1).decode("ascii").lower().split("-")[0]
    return guessed


def load(root: Path, lang: str | None) -> list[tuple[str, bytes, dict]]:
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(data):
        item = data[url]
        path = next((p for p in (root / "eval" / item["file"], root / "cache" / item["file"]) if p.is_file()), None)
        if path is None:
            continue
        raw = path.read_bytes()
        if lang and page_language(raw, item) != lang:
            continue
        pages.append((url, raw, item))
    return pages


def kg_text(raw: bytes) -> str:
    d = make_document(Path("page.html"), raw)
    return d.text if isinstance(d, Document) else ""


def trafilatura_text(raw: bytes) -> str:
    import trafilatura

    return trafilatura.extract(raw, include_comments=False, include_tables=True, include_formatting=False) or ""


def score(extract, pages, verbose: bool = False) -> dict:
    tp = fp = fn = tn = 0
    started = time.perf_counter()
    for url, raw, item in pages:
        try:
            text = norm(extract(raw))
        except Exception as exc:  # counted as a page with no text
            print(f"  {url}: {type(exc).__name__}: {exc}", file=sys.stderr)
            text = ""
        found = [w for w in item["with"] if norm(w) in text]
        leaked = [w for w in item["without"] if norm(w) in text]
        tp += len(found)
        fn += len(item["with"]) - len(found)
        fp += len(leaked)
        tn += len(item["without"]) - len(leaked)
        if verbose and (leaked or len(found) < len(item["with"])):
            print(f"  {url}: missed {[w for w in item['with'] if w not in found]} kept {leaked}", file=sys.stderr)
    seconds = time.perf_counter() - started
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pages": len(pages), "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision,
            "recall": recall, "f1": f1, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("root", type=Path, help="folder with evaldata.json and eval/ (and cache/) pages")
    p.add_argument("--lang", default="en", help="only pages in this language (default: en)")
    p.add_argument("--all-languages", action="store_true", help="every page, whatever its language")
    p.add_argument("--no-trafilatura", action="store_true", help="score kg only")
    p.add_argument("-v", "--verbose", action="store_true", help="list the pages with misses or leaks")
    args = p.parse_args(argv)
    if not (args.root / "evaldata.json").is_file():
        print(f"bench_extract: error: no evaldata.json in {args.root}", file=sys.stderr)
        return 2
    pages = load(args.root, None if args.all_languages else args.lang)
    runs = [("kg (kg.ingest)", kg_text)]
    if not args.no_trafilatura:
        runs.append(("trafilatura.extract", trafilatura_text))
    print(f"{len(pages)} pages ({'all languages' if args.all_languages else args.lang})")
    print("| extractor | pages | precision | recall | F1 | seconds |")
    print("|---|---|---|---|---|---|")
    for name, fn in runs:
        s = score(fn, pages, args.verbose)
        print(f"| {name} | {s['pages']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
              f"{s['seconds']:.1f} |")
    skipped = sum(1 for _, raw, _ in pages if not isinstance(make_document(Path("page.html"), raw), Document))
    print(f"kg skipped {skipped} of the {len(pages)} pages (no main text, or not English)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
