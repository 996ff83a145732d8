"""Ingestion: files and folders → :class:`kg.model.Document` records.

Reads bytes, decodes them (UTF-8, byte-order marks, UTF-16, a reported
fallback), turns HTML and Markdown into text, drops page chrome (share
prompts, comment disclaimers, stray words, a repeated headline), joins
hard-wrapped lines, finds the headline and the article's date. Anything that
cannot become an English article is a :class:`Skip` with a one-line reason;
nothing here raises on bad input.

Memory: a file is read once; its bytes are dropped as soon as they are decoded,
and the text is cleaned one line at a time, so a very large article costs about
two copies of its text at the peak (the decoded text and the cleaned one).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.model import Document
from kg.textutil import (MONTHS, clean_line, html_to_text, iter_lines, looks_english, markdown_lines,
                         unwrap, wrap_width)

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ""}
HTML_SUFFIXES = {".html", ".htm"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
NOT_ENGLISH = "not English text; nothing built from it"
NO_TEXT = "no article text after removing markup and page chrome"


@dataclass(frozen=True)
class Skip:
    """A file that was not built, and why (one line)."""

    path: str
    reason: str


# --------------------------------------------------------------------------- inputs

def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[Path], list[Skip]]:
    """Files named directly, and article files found (recursively, sorted) in folders.

    Every input that gives nothing is a :class:`Skip`: a missing path, a folder
    with no article files, a file in a folder whose type kg does not read
    (hidden files and folders are passed over silently).
    """
    files: list[tuple[Path, str | None]] = []      # (path, its real path when known without asking)
    skips: list[Skip] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            found, others = _scan_folder(path, skips)
            skips.extend(Skip(str(p), f"not an article file ({p.suffix}); kg reads .txt, .md and .html files")
                         for p in others)
            if not found and not others:
                skips.append(Skip(str(path), "empty folder: no article files (.txt, .md, .html) in it"))
            files.extend(found)
        elif path.is_file():
            files.append((path, None))
        elif path.exists():
            skips.append(Skip(str(path), "not a regular file"))
        else:
            skips.append(Skip(str(path), "no such file or folder"))
    seen: set[str] = set()
    unique = []
    for f, real in files:
        key = real or os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, skips


def _scan_folder(folder: Path, skips: list[Skip]) -> tuple[list[tuple[Path, str | None]], list[Path]]:
    """(article files with their real paths, other visible files) under ``folder``, sorted.

    Unreadable sub-folders are skips; hidden files and folders are passed over, and
    so are symbolic links to folders (as ``os.walk`` does). One ``scandir`` per folder
    and no call per file: a file that is not a symbolic link has the real path of its
    folder joined with its name, so that only links need resolving.
    """
    found: list[tuple[Path, str | None]] = []
    others: list[Path] = []
    pending = [(folder, os.path.realpath(folder))]
    while pending:
        here, real = pending.pop()
        try:
            with os.scandir(here) as it:
                entries = list(it)
        except OSError as exc:
            skips.append(Skip(str(exc.filename or here), f"cannot read folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                link = entry.is_symlink()
                if entry.is_dir(follow_symlinks=False):
                    pending.append((here / name, os.path.join(real, name)))
                    continue
                if not entry.is_file():            # follows a link to a file
                    continue
            except OSError:
                continue
            p = here / name
            if p.suffix.lower() in TEXT_SUFFIXES:
                found.append((p, None if link else os.path.join(real, name)))
            else:
                others.append(p)
    found.sort(key=lambda item: item[0])
    return found, sorted(others)


# --------------------------------------------------------------------------- bytes → text

_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, OpenDocument or EPUB file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def decode(raw: bytes) -> tuple[str, list[str]]:
    """Bytes → text. Returns the text and notes on what was done; raises ValueError for binary data.

    UTF-8 (with or without a byte-order mark) and UTF-16/32 with a byte-order
    mark are read silently; UTF-16 without one is recognised by its zero
    bytes; text that is not valid UTF-8 is read as Windows-1252 (or as UTF-8
    with the few bad bytes replaced, when it is mostly UTF-8), with a note.
    """
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return _not_binary(raw.decode(codec, errors="replace")), [f"decoded as {codec.upper()} (byte-order mark)"]
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise ValueError(f"binary file ({what}), not text")
    head = raw[:8192]
    if head.count(0) > max(2, len(head) // 1000):     # a stray NUL or two is noise in a text file
        codec = _utf16_without_bom(head)
        if not codec:
            raise ValueError("binary file (NUL bytes), not text")
        return _not_binary(raw.decode(codec, errors="replace")), [f"decoded as {codec.upper()} (no byte-order mark)"]
    notes: list[str] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        # Valid multi-byte sequences make the text shorter than the bytes; stray
        # Windows-1252 bytes do not. Mostly UTF-8 with a few bad bytes stays UTF-8.
        if len(raw) - len(text) >= bad:
            if text.startswith("\ufeff"):
                text = text[1:]
            notes.append(f"not valid UTF-8 ({bad} bad byte{'s' if bad != 1 else ''} replaced by U+FFFD)")
        else:
            del text
            text = raw.decode("cp1252", errors="replace")
            notes.append("not valid UTF-8; decoded as Windows-1252")
    return _not_binary(text), notes


_BINARY_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _not_binary(text: str) -> str:
    """``text``, unless its start is full of control characters (binary data that happened to decode)."""
    sample = text[:8192]
    controls = len(_BINARY_CONTROLS.findall(sample))
    if controls > max(8, len(sample) // 50):
        raise ValueError("binary file (control bytes), not text")
    return text


def _utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the zero bytes fall where UTF-16 puts them for Latin text."""
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even, odd = head[0:pairs * 2:2].count(0), head[1:pairs * 2:2].count(0)
    if odd >= 0.4 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.4 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def normalize(text: str) -> str:
    """Line endings made plain (\\n), control and invisible characters dropped, odd spaces made plain."""
    return "\n".join(clean_line(line) for line in iter_lines(text))


# --------------------------------------------------------------------------- text → lines

@lru_cache(maxsize=1)
def _chrome_pattern() -> re.Pattern:
    from kg.vocab import DATA_DIR

    spec = json.loads((DATA_DIR / "chrome.json").read_text(encoding="utf-8"))
    # One alternation: one regex call a line instead of one a pattern.
    return re.compile("|".join(f"(?:{p})" for p in spec["line_patterns"]), re.IGNORECASE)


def is_chrome(line: str) -> bool:
    """True for a line of page chrome (a share prompt, a cookie notice, a byline...)."""
    return _chrome_pattern().fullmatch(line) is not None


def iter_strip_chrome(lines: Iterable[str], seen: set[str] | None = None) -> Iterator[str]:
    """Lines without page chrome and without repeats of an earlier short line; blank lines kept as ""."""
    seen = set() if seen is None else seen
    for line in lines:
        stripped = line.strip()
        if not stripped:
            yield ""
            continue
        if is_chrome(stripped):
            continue
        if len(stripped) < 300:
            if stripped in seen:
                continue
            seen.add(stripped)
        yield stripped


def strip_chrome(lines: Iterable[str]) -> list[str]:
    """Drop page chrome lines and repeats of an earlier line (a repeated headline)."""
    return list(iter_strip_chrome(lines))


def text_lines(text: str, kind: str) -> Iterator[str]:
    """Clean text lines of one article (before chrome removal): ``kind`` is "text" or "markdown"."""
    lines = (clean_line(line) for line in iter_lines(text))
    if kind == "markdown":
        return markdown_lines(lines)
    width = wrap_width(text)
    return unwrap(lines, width) if width else lines


# --------------------------------------------------------------------------- headline and date

def split_headline(lines: Iterable[str]) -> str | None:
    """The first line is a headline when it is short and does not end like a sentence."""
    for line in lines:
        if line:
            if len(line) <= 160 and not re.search(r"[.!?:;,\"”’]$", line) and len(line.split()) >= 2:
                return line
            return None
    return None


DATELINE = re.compile(
    r"^\s*[A-Z][A-Za-z .'\-]{1,40}(?:,\s*[A-Z][A-Za-z .'\-]{1,30})?,?\s+(?:[A-Z][a-z]+day,?\s+)?"
    r"(?P<month>" + "|".join(MONTHS) + r")\.?\s+(?P<day>\d{1,2})\b(?:,\s*(?P<year>\d{4}))?"
)
# "LONDON, 17 July 2025 (Albion Press) -": day before month.
DATELINE_DMY = re.compile(
    r"^\s*[A-Z][A-Za-z .'\-]{1,40}(?:,\s*[A-Z][A-Za-z .'\-]{1,30})?,?\s+(?:[A-Z][a-z]+day,?\s+)?(?P<day>\d{1,2})\s+"
    r"(?P<month>" + "|".join(MONTHS) + r")\.?(?:,?\s*(?P<year>\d{4}))?\b"
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
    m = DATELINE.match(first) or DATELINE_DMY.match(first)
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


# --------------------------------------------------------------------------- documents

def _kind(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES or re.match(r"\s*(<!doctype html|<html)", text[:512], re.I):
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def make_document(path: Path, raw: bytes, date: str | None = None) -> Document | Skip:
    """Bytes of one file → a Document, or a Skip saying why not."""
    return _document_from_bytes(Path(path), [raw], date)


def _document_from_bytes(path: Path, box: list[bytes], date: str | None,
                         sha: str | None = None) -> Document | Skip:
    """As make_document; the bytes come in a list that is emptied, so they can be freed once decoded."""
    name = str(path)
    raw = box.pop()
    if not raw or raw.isspace():
        return Skip(name, "empty file")
    sha = sha or hashlib.sha256(raw).hexdigest()
    try:
        text, notes = decode(raw)
    except ValueError as exc:
        return Skip(name, str(exc))
    del raw
    if not text or text.isspace():
        return Skip(name, "empty file")
    kind = _kind(path, text)
    seen: set[str] = set()
    paragraphs: list[str] = []
    title = None
    if kind == "html":
        text, title = html_to_text(text)
        notes.append("HTML markup stripped to text")
        lines = (clean_line(line) for line in iter_lines(text))
        if title:
            paragraphs.append(title)
            seen.add(title)
    else:
        if kind == "markdown":
            notes.append("Markdown converted to text")
        lines = text_lines(text, kind)
    for line in iter_strip_chrome(lines, seen):
        if line:
            paragraphs.append(line)
    del text, lines
    if not paragraphs or (title and len(paragraphs) == 1):
        return Skip(name, NO_TEXT)
    title = title or split_headline(paragraphs[:1])
    if not looks_english(" ".join(_sample(paragraphs))):
        return Skip(name, NOT_ENGLISH)
    first = paragraphs[1] if title and len(paragraphs) > 1 else paragraphs[0]
    doc_date = date or find_article_date(title, first)
    body = "\n\n".join(paragraphs)
    paragraphs.clear()
    return Document(doc_id=path.stem, path=name, text=body, title=title, date=doc_date,
                    sha256=sha, notes=tuple(notes))


def _sample(paragraphs: list[str], limit: int = 20000) -> Iterator[str]:
    total = 0
    for p in paragraphs:
        yield p[:limit - total]
        total += len(p) + 1
        if total >= limit:
            return


def too_large(size: int, max_bytes: int) -> str:
    return f"too large: {size:,} bytes, over the --max-bytes limit of {max_bytes:,}"


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, date: str | None = None,
                  reuse: Callable[[str, str], Document | None] | None = None) -> Document | Skip:
    """Read one file; never raises for a bad file (a missing, unreadable, special or oversized one).

    ``reuse(path, sha256)`` may return the Document an earlier build made of these
    bytes (the build cache's :meth:`~kg.cache.ArticleCache.reuse`): it is returned
    as it is and the file is not decoded again.
    """
    path = Path(path)
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return Skip(name, f"cannot read: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Skip(name, "not a regular file")
        if info.st_size > max_bytes:
            return Skip(name, too_large(info.st_size, max_bytes))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            want = min(info.st_size, max_bytes) + 1
            raw = fh.read(want)
            if len(raw) == want <= max_bytes:   # the file grew (or its size is not known): read on, to the limit
                raw += fh.read(max_bytes + 1 - len(raw))
    except OSError as exc:
        return Skip(name, f"cannot read: {exc.strerror or exc}")
    finally:
        os.close(fd)
    if len(raw) > max_bytes:
        return Skip(name, too_large(len(raw), max_bytes))
    sha = hashlib.sha256(raw).hexdigest()
    if reuse is not None and raw and not raw.isspace():
        known = reuse(name, sha)
        if known is not None:
            return known
    box = [raw]
    del raw
    return _document_from_bytes(path, box, date, sha)


def raw_sha256(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """SHA-256 of a file's bytes, or None when it cannot be read or is over ``max_bytes``."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError:
        return None
    if len(raw) > max_bytes:
        return None
    return hashlib.sha256(raw).hexdigest()


def iter_documents(files: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES,
                   date: str | None = None,
                   reuse: Callable[[str, str], Document | None] | None = None) -> Iterator[Document | Skip]:
    """Documents one at a time (the corpus is never held whole); see read_document for ``reuse``."""
    ids: dict[str, str] = {}
    for path in files:
        item = read_document(path, max_bytes, date, reuse)
        if isinstance(item, Document):
            if item.doc_id in ids:
                yield Skip(item.path, f"same file name as {ids[item.doc_id]}; identifiers must be unique")
                continue
            ids[item.doc_id] = item.path
        yield item
