"""One article: paragraphs → spaCy Docs → :class:`kg.model.ArticleResult`.

Extraction works paragraph by paragraph (so very large files never need one
huge Doc), headline last, so that headline words are read with the names the
body establishes. Nothing here changes the Docs.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from kg.extract.context import ArticleTable, Paragraph
from kg.extract.events import find_events
from kg.extract.mentions import find_mentions
from kg.extract.offices import find_offices
from kg.extract.policies import find_policies
from kg.model import COUNTRY, ArticleResult, Document, EVENT, POLICY_TYPES

# Extraction logic version: part of the incremental cache key.
EXTRACTOR_VERSION = "1"
MAX_PARAGRAPH_CHARS = 20000


def paragraphs(document: Document) -> Iterator[tuple[int, str]]:
    """(offset, text) of each paragraph; over-long ones are cut at sentence ends."""
    text = document.text
    first = True
    for m in re.finditer(r"[^\n]+", text):
        start, chunk = m.start(), m.group(0)
        if first and not (document.title and chunk == document.title):
            first = False
            d = _DATELINE_PREFIX.match(chunk)
            if d:
                # The dateline is parsed on its own: glued to the first sentence it confuses the parser.
                yield start, chunk[:d.end()]
                start, chunk = start + d.end(), chunk[d.end():]
        while len(chunk) > MAX_PARAGRAPH_CHARS:
            cut = max(chunk.rfind(". ", 0, MAX_PARAGRAPH_CHARS), chunk.rfind("\n", 0, MAX_PARAGRAPH_CHARS))
            cut = cut + 1 if cut > 0 else MAX_PARAGRAPH_CHARS
            yield start, chunk[:cut]
            start, chunk = start + cut, chunk[cut:]
        if chunk.strip():
            yield start, chunk


_DATELINE_PREFIX = re.compile(
    r"^\s*[A-Z][A-Z .'\-]{1,40}(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)*)?,\s+[^\n]{0,60}?\s[-–—]+\s+"
    r"|^\s*[A-Z][A-Za-z.'\-]+(?:\s[A-Z][A-Za-z.'\-]+){0,2}\s+\([A-Z][A-Za-z]{1,15}\)\s*[-–—:]+\s+")   # "Hanoi (VNA) – "
_DATELINE = re.compile(r"^\s*([A-Z][A-Z .'\-]{1,40}?|[A-Z][a-z]+(?=\s+\([A-Z][A-Za-z]{1,15}\)))(?:,|:|\s+\(|\s+[-–—])")


def _dateline(par: Paragraph, table: ArticleTable) -> None:
    """The country of a dateline's city ("NEW DELHI, July 24 -"): the article's home country."""
    from kg.lexicon import lexicon

    m = _DATELINE.match(par.doc.text)
    if not m:
        return
    lex = lexicon()
    place = m.group(1).strip()
    code = lex.country_of(place.title()) or lex.country_of(place)
    if code:
        start = par.offset + m.start(1)
        table.home_country = table.add(COUNTRY, lex.countries[code].name, place,
                                       (start, start + len(place)), key=code)


def extract_article(document: Document, docs: Iterable[tuple[int, object]]) -> ArticleResult:
    """Entities and facts of one article from its parsed paragraphs ((offset, Doc) pairs).

    ``docs`` may be a lazy stream: each body paragraph is read whole (mentions, offices,
    policies, events) and let go before the next, so an article of any length never needs
    all its Docs at once. The headline waits for the end, to be read with the body's names.
    """
    table = ArticleTable(document)
    headline: list[tuple[int, object]] = []
    state: dict = {}
    tokens = 0
    first = True
    for offset, doc in docs:
        tokens += len(doc)
        if offset == 0 and doc.text == document.title:
            headline.append((offset, doc))
            continue
        par = Paragraph(doc=doc, offset=offset, table=table, article_date=document.date)
        find_mentions(par)
        if first:
            _dateline(par, table)
            first = False
        _read_facts(par, state)
    name_tokens = {
        tok for ent in table.entities.values() if ent.type == "Person" for form in ent.forms for tok in form.split()
    }
    for offset, doc in headline:
        par = Paragraph(doc=doc, offset=offset, table=table, article_date=document.date, is_headline=True)
        find_mentions(par, name_tokens)
        _read_facts(par, state)
    used = {f.subject for f in table.facts} | {f.obj for f in table.facts if isinstance(f.obj, str)}
    entities = [
        e for e in table.entities.values()
        if e.local_id in used or (e.forms and e.type not in (EVENT, *POLICY_TYPES) and not e.attrs.get("open"))
    ]
    return ArticleResult(document=document, entities=entities, facts=table.facts, tokens=tokens)


def _read_facts(par: Paragraph, state: dict) -> None:
    find_offices(par)
    find_policies(par)
    find_events(par, state)
