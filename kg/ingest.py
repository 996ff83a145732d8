"""Ingestion: inputs → :class:`kg.model.Document` records, one at a time.

Plain text and Markdown: decoded (UTF-8, byte-order marks, UTF-16, a reported
fallback), page chrome dropped (share prompts, comment rules, a repeated
headline), hard-wrapped lines joined, the headline and a dateline's date found.
Web pages: the main text and the page's metadata (headline, publication date,
author, site, canonical URL) by trafilatura (kg.webpage). JSON Lines and CSV
files: one article a record (kg.records), streamed. ``.gz`` inputs are read
through gzip. Anything that cannot become an English article is a
:class:`Skip` with a one-line reason and a kind; nothing here raises on bad input.

The build sees one narrow interface: :func:`expand_inputs` (kg.sources) and
:func:`iter_documents`, which yields Documents and Skips in input order.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import stat
import zlib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.decoding import decode
from kg.model import Document
from kg.sources import Skip, Source, expand_inputs, kind_of
from kg.textutil import (clean_line, find_article_date, iter_lines, looks_english, markdown_lines, split_headline,
                         unwrap, wrap_width)

__all__ = ["Document", "Skip", "Source", "expand_inputs", "iter_documents", "read_document", "make_document",
           "decode", "DEFAULT_MAX_BYTES", "NOT_ENGLISH", "NO_TEXT", "NO_MAIN_TEXT"]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
NOT_ENGLISH = "not English text; nothing built from it"
NO_TEXT = "no article text after removing markup and page chrome"
NO_MAIN_TEXT = "no main text found in the page"
Reuse = Callable[[str, str], "Document | None"]


# --------------------------------------------------------------------------- text → lines

@lru_cache(maxsize=1)
def _chrome_pattern() -> re.Pattern:
    from kg.vocab import DATA_DIR

    spec = json.loads((DATA_DIR / "chrome.json").read_text(encoding="utf-8"))
    # One alternation: one regex call a line instead of one a pattern.
    return re.compile("|".join(f"(?:{p})" for p in spec["line_patterns"]), re.IGNORECASE)


def is_chrome(line: str) -> bool:
    """True for a line of page chrome in a saved text (a share prompt, a cookie notice, a byline...)."""
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


def text_lines(text: str, kind: str) -> Iterator[str]:
    """Clean text lines of one article (before chrome removal): ``kind`` is "text" or "markdown"."""
    lines = (clean_line(line) for line in iter_lines(text))
    if kind == "markdown":
        return markdown_lines(lines)
    width = wrap_width(text)
    return unwrap(lines, width) if width else lines


# --------------------------------------------------------------------------- documents

def _kind(kind: str, text: str) -> str:
    if kind == "html" or re.match(r"\s*(<!doctype html|<html)", text[:512], re.I):
        return "html"
    return kind if kind == "markdown" else "text"


def make_document(path: Path, raw: bytes, date: str | None = None, doc_id: str | None = None) -> Document | Skip:
    """Bytes of one file → a Document, or a Skip saying why not (the kind of file from its name)."""
    path = Path(path)
    kind, _, stem = kind_of(path)
    return _from_bytes(Source(path, doc_id or stem, kind or "text"), [raw], date)


def _from_bytes(source: Source, box: list[bytes], date: str | None, sha: str | None = None) -> Document | Skip:
    """As make_document; the bytes come in a list that is emptied, so they can be freed once decoded."""
    name = source.name
    raw = box.pop()
    if not raw or raw.isspace():
        return Skip(name, "empty file", "empty")
    sha = sha or hashlib.sha256(raw).hexdigest()
    try:
        text, notes = decode(raw)
    except ValueError as exc:
        return Skip(name, str(exc), "binary")
    del raw
    if not text or text.isspace():
        return Skip(name, "empty file", "empty")
    kind = _kind(source.kind, text)
    if kind == "html":
        from kg.webpage import extract_page

        page = extract_page(text)
        if page is None:
            return Skip(name, NO_MAIN_TEXT, "no main text")
        return article(source.doc_id, name, [page.text], "html", sha, notes, date, title=page.title,
                       meta_date=page.date, url=page.url, author=page.author, publisher=page.site)
    if kind == "markdown":
        notes.append("Markdown converted to text")
    box = [text]
    del text
    return article(source.doc_id, name, box, kind, sha, notes, date)


def article(doc_id: str, name: str, box: list[str], kind: str, sha: str, notes: list[str], date: str | None,
            title: str | None = None, meta_date: str | None = None, url: str | None = None,
            author: str | None = None, publisher: str | None = None) -> Document | Skip:
    """Text of one article → a Document (headline first, paragraphs apart), or a Skip.

    The text comes in a one-item list that is emptied, so that it can be freed
    as soon as it is cleaned (a large article costs two copies at the peak).

    ``kind`` "html" is a page's main text (one paragraph a line, as kg.webpage gives
    it); "text" and "markdown" are cleaned here. ``title`` and ``meta_date`` come
    from the input's metadata (a page's, a record's); the date is, in order, the
    metadata's, the ``--date`` option's, or a dateline's.
    """
    text = box.pop()
    paragraphs: list[str] = []
    title = clean_line(title) if title else None
    seen: set[str] = set()
    if title:
        paragraphs.append(title)
        seen.add(title)
    if kind == "html":
        lines: Iterable[str] = (clean_line(line) for line in iter_lines(text))
        for line in lines:
            if line and not (line == title and len(paragraphs) == 1):
                paragraphs.append(line)
    else:
        for line in iter_strip_chrome(text_lines(text, kind), seen):
            if line:
                paragraphs.append(line)
    del text
    if not paragraphs or (title and len(paragraphs) == 1):
        return Skip(name, NO_MAIN_TEXT if kind == "html" else NO_TEXT,
                    "no main text" if kind == "html" else "no article text")
    title = title or split_headline(paragraphs[:1])
    if not looks_english(" ".join(_sample(paragraphs))):
        return Skip(name, NOT_ENGLISH, "not English")
    first = paragraphs[1:4] if title and len(paragraphs) > 1 else paragraphs[:3]
    doc_date = meta_date or date or find_article_date(title, *first)
    body = "\n\n".join(paragraphs)
    paragraphs.clear()
    return Document(doc_id=doc_id, path=name, text=body, title=title, date=doc_date, sha256=sha,
                    notes=tuple(notes), url=url, author=author, publisher=publisher)


def _sample(paragraphs: list[str], limit: int = 20000) -> Iterator[str]:
    total = 0
    for p in paragraphs:
        yield p[:limit - total]
        total += len(p) + 1
        if total >= limit:
            return


def too_large(size: int, max_bytes: int) -> str:
    return f"too large: {size:,} bytes, over the --max-bytes limit of {max_bytes:,}"


def _open(path: Path) -> int:
    """A file descriptor for reading ``path`` without blocking on a FIFO."""
    return os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))


def _read_bytes(source: Source, max_bytes: int) -> bytes | Skip:
    """The file's bytes (decompressed for .gz), at most ``max_bytes``; a Skip when they cannot be had."""
    name = source.name
    try:
        fd = _open(source.path)
    except OSError as exc:
        return Skip(name, f"cannot read: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Skip(name, "not a regular file")
        if info.st_size > max_bytes and not source.gzip:
            return Skip(name, too_large(info.st_size, max_bytes), "too large")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            stream = gzip.GzipFile(fileobj=fh, mode="rb") if source.gzip else fh
            raw = stream.read(max_bytes + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        return Skip(name, f"not a readable gzip file ({exc or 'truncated'})", "binary")
    except OSError as exc:
        return Skip(name, f"cannot read: {exc.strerror or exc}")
    finally:
        os.close(fd)
    if len(raw) > max_bytes:
        what = "decompressed, over" if source.gzip else "over"
        return Skip(name, f"too large: {what} the --max-bytes limit of {max_bytes:,}", "too large")
    return raw


def read_document(path: Path | Source, max_bytes: int = DEFAULT_MAX_BYTES, date: str | None = None,
                  reuse: Reuse | None = None) -> Document | Skip:
    """Read one article file; never raises for a bad file (a missing, unreadable, special or oversized one).

    ``reuse(doc_id, sha256)`` may return the Document an earlier build made of these
    bytes (the build cache's :meth:`~kg.cache.ArticleCache.reuse`): it is returned
    as it is and the file is not decoded again.
    """
    source = path if isinstance(path, Source) else _source(Path(path))
    raw = _read_bytes(source, max_bytes)
    if isinstance(raw, Skip):
        return raw
    sha = hashlib.sha256(raw).hexdigest()
    if reuse is not None and raw and not raw.isspace():
        known = reuse(source.doc_id, sha)
        if known is not None:
            return replace(known, path=source.name)
    box = [raw]
    del raw
    return _from_bytes(source, box, date, sha)


def _source(path: Path) -> Source:
    kind, gz, stem = kind_of(path)
    return Source(path, stem, kind or "text", gz)


def raw_sha256(source: Path | Source, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """SHA-256 of an article file's bytes, or None when it cannot be read, is over ``max_bytes``
    or is a file of records (whose records have their own)."""
    source = source if isinstance(source, Source) else _source(Path(source))
    if source.kind in ("jsonl", "csv"):
        return None
    raw = _read_bytes(source, max_bytes)
    return None if isinstance(raw, Skip) else hashlib.sha256(raw).hexdigest()


def read_records(source: Source, max_bytes: int = DEFAULT_MAX_BYTES, date: str | None = None,
                 reuse: Reuse | None = None) -> Iterator[Document | Skip]:
    """The articles of a JSON Lines or CSV file, one record at a time."""
    from kg.records import iter_csv, iter_jsonl

    name = source.name
    try:
        fd = _open(source.path)
    except OSError as exc:
        yield Skip(name, f"cannot read: {exc.strerror or exc}")
        return
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            yield Skip(name, "not a regular file")
            return
        stream = gzip.GzipFile(fileobj=fh, mode="rb") if source.gzip else fh
        records = (iter_jsonl if source.kind == "jsonl" else iter_csv)(stream, name, max_bytes)
        try:
            for rec in records:
                if isinstance(rec, Skip):
                    yield rec
                    continue
                doc_id = rec.id or f"{source.doc_id}:{rec.line}"
                where = f"{name}:{rec.line}"
                sha = hashlib.sha256(rec.raw).hexdigest()
                known = reuse(doc_id, sha) if reuse is not None else None
                if known is not None:
                    yield replace(known, path=where)
                    continue
                yield article(doc_id, where, [rec.text], "text", sha, list(rec.notes), date, title=rec.title,
                              meta_date=rec.date, url=rec.url)
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            yield Skip(name, f"not a readable gzip file ({exc or 'truncated'}); records after it not read", "binary")
        except OSError as exc:
            yield Skip(name, f"cannot read: {exc.strerror or exc}; records after it not read")


def estimated_count(sources: Iterable[Source]) -> int:
    """How many articles the sources hold: one a file, one a line of a records file (a quick count)."""
    total = 0
    for s in sources:
        if s.kind not in ("jsonl", "csv"):
            total += 1
            continue
        try:
            with (gzip.open if s.gzip else open)(s.path, "rb") as fh:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        except (OSError, EOFError, zlib.error):
            total += 1
    return total


def iter_documents(sources: Iterable[Source | Path], max_bytes: int = DEFAULT_MAX_BYTES,
                   date: str | None = None, reuse: Reuse | None = None) -> Iterator[Document | Skip]:
    """Documents one at a time (the corpus is never held whole); see read_document for ``reuse``.

    Identifiers are unique: a file whose identity another input already took is
    named with its input folder ("news/report"); a record whose id was already
    used is skipped and reported.
    """
    ids: dict[str, str] = {}        # identifier → the name of its input (one string an input)
    for source in sources:
        source = source if isinstance(source, Source) else _source(Path(source))
        name = source.name
        if source.kind in ("jsonl", "csv"):
            items: Iterable[Document | Skip] = read_records(source, max_bytes, date, reuse)
        else:
            items = (_unique_file(source, ids, max_bytes, date, reuse),)
        for item in items:
            if isinstance(item, Document):
                if item.doc_id in ids:
                    yield Skip(item.path, f"duplicate id {item.doc_id!r} (already used in {ids[item.doc_id]})",
                               "duplicate id")
                    continue
                ids[item.doc_id] = name
            yield item


def _unique_file(source: Source, ids: dict[str, str], max_bytes: int, date: str | None,
                 reuse: Reuse | None) -> Document | Skip:
    """Read a file under an identity no earlier input has taken."""
    doc_id = source.doc_id
    if doc_id in ids and source.root:
        doc_id = f"{source.root}/{doc_id}"
    n = 2
    base = doc_id
    while doc_id in ids:
        doc_id = f"{base}~{n}"
        n += 1
    if doc_id != source.doc_id:
        source = Source(source.path, doc_id, source.kind, source.gzip, source.root)
    return read_document(source, max_bytes, date, reuse)
