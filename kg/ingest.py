"""Ingestion: files and folders → :class:`kg.model.Document` records.

Reads bytes, decodes them (UTF-8, byte-order marks, a reported fallback),
turns HTML and Markdown into text, drops page chrome (share prompts, comment
disclaimers, stray words, a repeated headline), finds the headline and the
article's date. Anything that cannot become an English article is a
:class:`Skip` with a one-line reason; nothing here raises on bad input.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from kg.model import Document
from kg.textutil import MONTHS, html_to_text, markdown_to_text, looks_english

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ""}
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Skip:
    """A file that was not built, and why (one line)."""

    path: str
    reason: str


@lru_cache(maxsize=1)
def _chrome_patterns() -> tuple[re.Pattern, ...]:
    from kg.vocab import DATA_DIR

    spec = json.loads((DATA_DIR / "chrome.json").read_text(encoding="utf-8"))
    return tuple(re.compile(p, re.IGNORECASE) for p in spec["line_patterns"])


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[Path], list[Skip]]:
    """Files named directly, and text files found (recursively, sorted) in folders."""
    files: list[Path] = []
    skips: list[Skip] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and p.suffix.lower() in TEXT_SUFFIXES
            )
            if not found:
                skips.append(Skip(str(path), "folder holds no article files (.txt, .md, .html)"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            skips.append(Skip(str(path), "not a regular file"))
        else:
            skips.append(Skip(str(path), "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, skips


def decode(raw: bytes) -> tuple[str, list[str]]:
    """Bytes → text. Returns the text and notes on what was done; raises ValueError for binary."""
    notes: list[str] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), notes
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), ["decoded as UTF-16 (byte-order mark)"]
    head = raw[:8192]
    if b"\x00" in head:
        raise ValueError("binary file (NUL bytes), not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        notes.append("not valid UTF-8; decoded as Windows-1252")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 50):
        raise ValueError("binary file (control bytes), not text")
    return text, notes


def normalize(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.replace("\u00a0", " ").replace("\u2028", "\n").replace("\u2029", "\n")
    # Control characters other than newline and tab carry no news.
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)


def strip_chrome(lines: list[str]) -> list[str]:
    """Drop page chrome lines and repeats of an earlier line (a repeated headline)."""
    patterns = _chrome_patterns()
    kept: list[str] = []
    seen: set[str] = set()
    for line in lines:
        stripped = line.strip()
        if not stripped:
            kept.append("")
            continue
        if any(p.fullmatch(stripped) for p in patterns):
            continue
        if stripped in seen and len(stripped) < 300:
            continue
        seen.add(stripped)
        kept.append(stripped)
    return kept


def split_headline(lines: list[str]) -> str | None:
    """The first line is a headline when it is short and does not end like a sentence."""
    for line in lines:
        if line:
            if len(line) <= 160 and not re.search(r"[.!?:;,\"”’]$", line) and len(line.split()) >= 2:
                return line
            return None
    return None


DATELINE = re.compile(
    r"^\s*[A-Z][A-Za-z .'\-]{1,40},?\s+(?:\w+\s+)?"
    r"(?P<month>" + "|".join(MONTHS) + r")\.?\s+(?P<day>\d{1,2})(?:,\s*(?P<year>\d{4}))?"
)
YEAR_DATE = re.compile(
    r"\b(?P<month>" + "|".join(MONTHS) + r")\.?\s+(?P<day>\d{1,2}),\s*(?P<year>(?:19|20)\d{2})\b"
)


def find_article_date(title: str | None, body: str) -> str | None:
    """The article's own date: from a dateline or a full date in the headline, as ISO (partial: --MM-DD)."""
    candidates = []
    if title:
        m = YEAR_DATE.search(title)
        if m:
            candidates.append(m)
    first = body.lstrip()[:200]
    m = DATELINE.match(first)
    if m:
        candidates.append(m)
    for m in candidates:
        month = MONTHS[m.group("month")]
        day = int(m.group("day"))
        if not 1 <= day <= 31:
            continue
        year = m.groupdict().get("year")
        return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    return None


def make_document(path: Path, raw: bytes, date: str | None = None) -> Document | Skip:
    """Bytes of one file → a Document, or a Skip saying why not."""
    name = str(path)
    if not raw.strip():
        return Skip(name, "empty file")
    try:
        text, notes = decode(raw)
    except ValueError as exc:
        return Skip(name, str(exc))
    text = normalize(text)
    suffix = path.suffix.lower()
    html_title = None
    if suffix in (".html", ".htm") or re.match(r"\s*(<!doctype html|<html)", text[:200], re.I):
        text, html_title = html_to_text(text)
        notes.append("HTML markup stripped")
    elif suffix in (".md", ".markdown"):
        text = markdown_to_text(text)
    lines = strip_chrome(text.split("\n"))
    title = html_title or split_headline(lines)
    if html_title and (not lines or lines[0] != html_title):
        lines = [html_title, ""] + [ln for ln in lines if ln != html_title]
    paragraphs = [p for p in "\n".join(lines).split("\n") if p.strip()]
    if not paragraphs:
        return Skip(name, "no article text after removing markup and page chrome")
    body = "\n\n".join(paragraphs)
    if not looks_english(body):
        return Skip(name, "not English text; nothing built from it")
    body_start = body[len(title):] if title and body.startswith(title) else body
    doc_date = date or find_article_date(title, body_start)
    return Document(
        doc_id=path.stem,
        path=name,
        text=body,
        title=title,
        date=doc_date,
        sha256=hashlib.sha256(raw).hexdigest(),
        notes=tuple(notes),
    )


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, date: str | None = None) -> Document | Skip:
    """Read one file; never raises for a bad file."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Skip(str(path), f"{size} bytes is over the --max-bytes limit of {max_bytes}")
        raw = path.read_bytes()
    except OSError as exc:
        return Skip(str(path), f"cannot read: {exc.strerror or exc}")
    return make_document(path, raw, date)


def iter_documents(files: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES,
                   date: str | None = None) -> Iterator[Document | Skip]:
    """Documents one at a time (the corpus is never held whole)."""
    ids: dict[str, str] = {}
    for path in files:
        item = read_document(path, max_bytes, date)
        if isinstance(item, Document):
            if item.doc_id in ids:
                yield Skip(item.path, f"same file name as {ids[item.doc_id]}; identifiers must be unique")
                continue
            ids[item.doc_id] = item.path
        yield item
