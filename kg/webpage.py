"""A saved web page → its main text and metadata, by trafilatura.

trafilatura finds the article's main text (leaving out navigation, cookie
banners, related links, comments and footers; with ``favor_precision``, which
measured 0.912 precision and 0.922 F1 against 0.903 and 0.924 without it on
the English pages of trafilatura's benchmark: see bench/bench_extract.py) and reads the page's metadata:
headline, publication date, author, site name and canonical URL. Nothing is
fetched: the page is parsed from the bytes kg read.

The publication date comes from the page's markup only (meta tags, ``<time>``
elements, JSON-LD, the URL), never guessed from a year in the running text.
A page whose post sits in a client-side template (``<script
type="text/template">`` or ``<template>``) is read from that template when the
page itself has no main text.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

# trafilatura and its helpers log their own diagnostics; kg reports one line per page instead.
for _name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)

DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d",
               "max_date": "2099-12-31"}   # a fixed bound: the result must not depend on the day of the build
_TEMPLATE = re.compile(r"<(script)\b[^>]*\btype\s*=\s*[\"']?text/(?:x-)?template[\"']?[^>]*>(.*?)</script\s*>"
                       r"|<(template)\b[^>]*>(.*?)</template\s*>", re.I | re.S)
MIN_WORDS = 5     # less is a menu or a label left over, not an article ("Home")
_TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A byline of its own near the top: "By Jane Roe", "By Jane Roe and John Doe".
_BYLINE = re.compile(r"By\s+((?:[A-Z][\w'’.-]+\s+){1,3}[A-Z][\w'’.-]+(?:\s+(?:and|&)\s+(?:[A-Z][\w'’.-]+\s+){1,3}"
                     r"[A-Z][\w'’.-]+)?)")


@dataclass(frozen=True)
class Page:
    """What kg reads from a web page."""

    text: str                      # main text: one paragraph, heading, list item or table row a line
    title: str | None = None
    date: str | None = None        # publication date, yyyy-mm-dd
    author: str | None = None
    site: str | None = None
    url: str | None = None         # canonical URL


def extract_page(html: str) -> Page | None:
    """The page's main text and metadata, or None when it has no main text."""
    page = _extract(html)
    if page is None:
        for m in _TEMPLATE.finditer(html):
            inner = m.group(2) if m.group(1) else m.group(4)
            found = _extract(f"<html><body>{inner}</body></html>")
            if found is not None:
                meta = _extract(html, text_needed=False)
                return Page(found.text, (meta and meta.title) or found.title, (meta and meta.date) or found.date,
                            (meta and meta.author) or found.author, (meta and meta.site) or found.site,
                            (meta and meta.url) or found.url)
    return page


def _extract(html: str, text_needed: bool = True) -> Page | None:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True,
                                          favor_precision=True,
                                          include_images=False, include_links=False,
                                          date_extraction_params=dict(DATE_PARAMS))
    except Exception:   # lxml or trafilatura failing on a broken page: no main text, reported as such
        return None
    if doc is None:
        return None
    lines = [line for line in (_line(line) for line in (doc.text or "").splitlines()) if line]
    author = _clean(doc.author)
    for i, line in enumerate(lines[:3]):
        m = _BYLINE.fullmatch(line)
        if m:                      # the byline is the page's author, not a sentence of the article
            author = author or m.group(1)
            del lines[i]
            break
    text = "\n".join(lines)
    if text_needed and len(text.split()) < MIN_WORDS:
        return None
    date = doc.date if doc.date and _ISO_DATE.fullmatch(doc.date) else None
    return Page(text=text, title=_clean(doc.title), date=date, author=author,
                site=_clean(doc.sitename), url=_clean(doc.url))


def _line(line: str) -> str:
    """A line of trafilatura's text as prose: a list item without its dash, a table row as "a; b"."""
    line = line.strip()
    m = _TABLE_ROW.match(line)
    if m:
        return "; ".join(c.strip() for c in m.group(1).split("|") if c.strip())
    if line.startswith("- "):
        return line[2:].strip()
    return line


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(str(value).split())
    return value or None
