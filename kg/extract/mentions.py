"""Mentions: the entities a paragraph names (people, countries, organizations, goods).

Countries come from the closed tables (names, aliases, demonyms, capitals),
never from the NER label alone; people and organizations come from the
statistical NER, cleaned of titles, possessives and headline words.
"""
from __future__ import annotations

import re

from kg.extract.context import Paragraph
from kg.lexicon import lexicon, norm_title
from kg.model import COMMODITY, COUNTRY, ORGANIZATION, PERSON
from kg.textutil import strip_possessive

# Heads that make a compound "X <head>" a use of the good, not a thing of its own
# ("semiconductor production" is an industry; "critical mineral exports" are minerals).
TRADE_HEADS = {
    "export", "exports", "import", "imports", "supply", "supplies", "shipment", "shipments",
    "sale", "sales", "trade", "price", "prices", "smuggling", "trafficking", "purchase",
    "purchases", "stockpile", "stockpiles", "output", "market", "markets", "deliveries",
    "delivery", "flow", "flows", "quota", "quotas", "tariff", "tariffs", "duties", "ban",
    "growers", "farmers", "producers", "exporters", "importers", "miners", "buyers", "sellers",
    "shipments", "cargoes", "cargo", "consignments", "volumes", "stocks", "inventories", "reserves",
}
_NOT_VARIETY = {"imported", "exported", "subsidized", "subsidised", "dumped", "shipped", "sold", "made",
                "manufactured", "produced", "related", "affected", "targeted", "listed", "restricted",
                "banned", "sanctioned", "needed", "used", "mined", "traded", "purchased", "bought",
                "discounted", "priced", "taxed", "covered", "named", "unnamed", "proposed", "planned", "added",
                "included", "controlled", "licensed", "required", "approved", "cleared", "halted", "stopped"}
_POSSESSIVE = ("'s", "’s", "'", "’")
_ORG_REJECT = re.compile(r"^(?:[a-z\W\d]+|\W.*)$")


def _span_chars(par: Paragraph, start_tok: int, end_tok: int) -> tuple[int, int]:
    doc = par.doc
    return par.offset + doc[start_tok].idx, par.offset + doc[end_tok - 1].idx + len(doc[end_tok - 1].text)


def _trim(doc, start: int, end: int) -> tuple[int, int]:
    """Drop leading determiners and trailing possessive markers and punctuation."""
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct):
        end -= 1
    return start, end


def _strip_title(doc, start: int, end: int) -> int:
    """Move ``start`` past office-title words the NER included in a person's span."""
    lex = lexicon()
    for k in range(min(end - start - 1, lex.office_max_words + 1), 0, -1):
        words = doc[start:start + k].text
        first = norm_title(words).split(" ")
        if lex.office(words) or (first and first[0] in lex.title_modifiers and lex.office(" ".join(first[1:]))):
            return start + k
    return start


def _country_token_parts(token) -> list[str]:
    """Codes of countries in a hyphenated token such as "U.S.-China"."""
    if "-" not in token.text:
        return []
    lex = lexicon()
    parts = [p for p in re.split(r"[-–]", token.text) if p]
    codes = [lex.country_of(p, allow_ambiguous=False) for p in parts]
    if len(parts) >= 2 and all(codes):
        return codes
    return []


def add_mention(par: Paragraph, type_: str, name: str, start: int, end: int,
         key: str | None = None, vote: str | None = None) -> str:
    surface = par.doc[start:end].text
    lid = par.table.add(type_, name, surface, _span_chars(par, start, end), key=key, vote=vote)
    for i in range(start, end):
        par.tok_ent[i] = lid
    return lid


def find_mentions(par: Paragraph, body_name_tokens: set[str] | None = None) -> None:
    """Fill ``par.tok_ent`` and the article table with the paragraph's mentions.

    In a headline, only words seen in people's names in the body count as a
    name ("Trump and Xi Agree..." names Trump and Xi, not "Xi Agree").
    """
    doc = par.doc
    lex = lexicon()
    for ent in doc.ents:
        start, end = _trim(doc, ent.start, ent.end)
        if start >= end:
            continue
        text = doc[start:end].text
        label = ent.label_
        if label in ("GPE", "NORP", "LOC", "FAC", "ORG", "PERSON"):
            code = lex.country_of(text, allow_ambiguous=label in ("GPE", "NORP", "LOC"))
            if code:
                add_mention(par, COUNTRY, lex.countries[code].name, start, end, key=code)
                continue
        if label == "COMMODITY":
            _commodity(par, start, end)
        elif label == "PERSON" and _dateline_agency(doc, start, end):
            _organization(par, start, end, "ORG")
        elif label == "PERSON":
            _person(par, start, end, body_name_tokens)
        elif label in ("ORG", "FAC"):
            _organization(par, start, end, label)
    _org_phrases(par)
    _government_bodies(par)
    for token in doc:
        if token.i in par.tok_ent:
            continue
        parts = [p for p in re.split(r"[-–]", token.text) if p]
        for part, code in zip(parts, _country_token_parts(token)):
            lid = par.table.add(COUNTRY, lex.countries[code].name, part,
                                _span_chars(par, token.i, token.i + 1), key=code)
            par.tok_ent.setdefault(token.i, lid)
    par.persons.sort()


_VARIETY = {"white", "brown", "crude", "raw", "refined", "frozen", "fresh", "basmati", "rough", "green",
            "unprocessed", "processed", "finished", "semi-finished", "flat", "rolled", "primary", "secondary",
            "liquefied", "enriched", "natural", "synthetic", "used", "medical", "industrial", "agricultural"}


def _extend_left(doc, start: int) -> int:
    """Take in the modifiers that name a variety of the good ("non-basmati white rice", "rock lobster")."""
    lex = lexicon()
    while start > 0:
        t = doc[start - 1]
        if t.ent_type_ and t.ent_type_ not in ("COMMODITY",) or lex.country_of(t.text, allow_ambiguous=False):
            break
        if t.dep_ == "compound" and t.pos_ == "NOUN" and t.is_lower and t.is_alpha:
            start -= 1
        elif t.dep_ in ("amod", "compound") and t.is_lower and (
                t.lower_ in _VARIETY or (t.lower_.endswith("ed") and t.lower_ not in _NOT_VARIETY)
                or ("-" in t.text and not t.text.startswith("-"))):
            start -= 1
        elif t.text == "-" and start >= 2 and doc[start - 2].is_lower:
            start -= 2
        else:
            break
    return start


def _dateline_agency(doc, start: int, end: int) -> bool:
    """ "ANKARA, 31 October 2025 (Bosphorus Press) -": the name in a dateline's brackets is the agency."""
    return (start > 0 and doc[start - 1].text == "(" and end < len(doc) and doc[end].text == ")"
            and bool(re.search(r"[-–—]\s*$", doc.text)))


def _commodity(par: Paragraph, start: int, end: int) -> None:
    doc = par.doc
    if end - start == 1 and doc[start].pos_ in ("VERB", "AUX", "ADP", "PRON", "DET", "ADV"):
        return
    last = doc[end - 1]
    nxt = doc[end] if end < len(doc) else None
    # A good used as a modifier of another noun is that noun's kind, unless the noun is trade in it.
    if nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and last.head.i == nxt.i and last.dep_ in ("compound", "amod", "nmod"):
        if nxt.lower_ not in TRADE_HEADS:
            return
    if nxt is not None and nxt.text == "-":
        return
    concept = lexicon().commodities.get(doc[start:end].text.lower())
    if concept is None:
        return
    wide = _extend_left(doc, start)
    if wide < start:
        text = doc[wide:end].text
        for k in range(wide, start):
            old = par.tok_ent.pop(k, None)
            if old:
                for sp in list(par.table.entities[old].spans):
                    if sp[0] == par.offset + doc[k].idx:
                        par.table.retract(old, sp[0])
        add_mention(par, COMMODITY, text, wide, end, key=text.lower())
        return
    add_mention(par, COMMODITY, doc[start:end].text, start, end, key=concept)


def _person(par: Paragraph, start: int, end: int, body_name_tokens: set[str] | None) -> None:
    doc = par.doc
    start = _strip_title(doc, start, end)
    lex = lexicon()
    if start >= 2 and doc[start - 1].is_title and doc[start - 1].i != doc[start - 1].sent.start \
            and len(doc[start - 1].text) <= 4 and not doc[start - 1].ent_type_:
        # "Vice-Premier He Lifeng": a short family name the NER left out, right after a title.
        if any(lex.office(doc[k:start - 1].text) for k in range(max(0, start - 1 - lex.office_max_words), start - 1)):
            start -= 1
    if par.is_headline and body_name_tokens is not None:
        while start < end and doc[start].text not in body_name_tokens:
            start += 1
        stop = start
        while stop < end and doc[stop].text in body_name_tokens:
            stop += 1
        end = stop
    if start >= end:
        return
    words = [t for t in doc[start:end]]
    if len(words) > 5 or not any(t.is_alpha for t in words):
        return
    if any(t.like_num or (t.is_lower and not (t.i > 0 and t.nbor(-1).text == "-")) or "@" in t.text
           or "/" in t.text for t in words if t.text not in ("-", ".")):
        return
    lex = lexicon()
    if any(_country_token_parts(t) or lex.country_of(t.text, allow_ambiguous=False) for t in words):
        return
    name = strip_possessive(doc[start:end].text)
    if not name or lex.office(name):
        return
    lid = add_mention(par, PERSON, name, start, end, key=name, vote=PERSON)
    par.persons.append((start, lid))


def _after_title(doc, start: int) -> bool:
    """Whether an office title ends right before ``start`` (optionally with a comma between)."""
    lex = lexicon()
    stop = start - 1 if start > 0 and doc[start - 1].text == "," else start
    return any(lex.office(doc[k:stop].text) for k in range(max(0, stop - lex.office_max_words), stop))


def _organization(par: Paragraph, start: int, end: int, label: str) -> None:
    doc = par.doc
    lex = lexicon()
    name = strip_possessive(doc[start:end].text)
    words = doc[start:end]
    if label == "ORG" and 2 <= len(words) <= 3 and all(t.text[0].isupper() for t in words if t.is_alpha) \
            and not {t.lower_ for t in words} & lex.org_heads and name not in lex.org_forms and _after_title(doc, start):
        # "Agriculture Minister Heather MacLeod" tagged as an organization: a person after a title.
        _person(par, start, end, None)
        return
    if not name or _ORG_REJECT.match(name) or len(name) > 120:
        return
    if lex.commodities.get(name.lower()) or lex.office(name):
        return
    if label == "FAC" and not ({t.lower_ for t in doc[start:end]} & lex.org_heads) and name not in lex.org_forms:
        return
    canonical = lex.org_forms.get(name, name)
    add_mention(par, ORGANIZATION, canonical, start, end, key=canonical, vote=ORGANIZATION)


_ORG_JOINERS = {"of", "for", "&", "the", "in"}


def _org_phrases(par: Paragraph) -> None:
    """ "Indonesian Nickel Miners Association", "U.S. Lumber Coalition": capitalized words up to an
    organization head word, which the ruler's demonym or the NER may have split."""
    doc = par.doc
    lex = lexicon()
    heads = lex.org_heads
    i = 0
    n = len(doc)
    while i < n:
        t = doc[i]
        if not (t.is_title or t.is_upper) or t.is_punct or t.i == t.sent.start and t.lower_ in ("the", "a"):
            i += 1
            continue
        j = i
        last_head = -1
        while j < n and (doc[j].is_title or doc[j].is_upper or (doc[j].lower_ in _ORG_JOINERS and j > i)) \
                and not doc[j].is_punct:
            if doc[j].lower_ in heads and (doc[j].is_title or doc[j].is_upper):
                last_head = j
            j += 1
        if last_head > i and not any(par.type_of(par.tok_ent.get(k)) == PERSON for k in range(i, last_head + 1)):
            end = last_head + 1
            # "Chamber of Mining Entrepreneurs", "Council of Canada": the name goes on after "of".
            if end < j and doc[end].lower_ == "of":
                stop = j
                while stop > end and doc[stop - 1].lower_ in _ORG_JOINERS:
                    stop -= 1
                if stop > end + 1:
                    end = stop
            start = i
            if doc[start].lower_ in ("the",):
                start += 1
            name = doc[start:end].text
            title_next = end < n and any(lex.office(doc[end:end + w].text) for w in (1, 2, 3))
            if end - start >= 2 and not title_next and not lex.office(name) and not any(
                    lex.office(doc[k:end].text) for k in range(start, end)):
                olds = {}
                for k in range(start, end):
                    old = par.tok_ent.pop(k, None)
                    if old and old not in olds:
                        olds[old] = k
                for old in olds:
                    for sp in list(par.table.entities[old].spans):
                        if par.offset + doc[start].idx <= sp[0] < par.offset + doc[end - 1].idx + len(doc[end - 1]):
                            par.table.retract(old, sp[0])
                add_mention(par, ORGANIZATION, name, start, end, key=name, vote=ORGANIZATION)
        i = max(j, i + 1)


def _government_bodies(par: Paragraph) -> None:
    """Bodies of a state: "China's Ministry of Commerce", "the U.S. Commerce Department",
    "Malaysia's trade ministry" (a lower-case body becomes an organization here)."""
    doc = par.doc
    lex = lexicon()
    for token in doc:
        if token.lower_ not in lex.government_heads or token.pos_ not in ("NOUN", "PROPN"):
            continue
        lid = par.tok_ent.get(token.i)
        start = token.i
        if lid and par.type_of(lid) == ORGANIZATION:
            while start > 0 and par.tok_ent.get(start - 1) == lid:
                start -= 1
        elif lid:
            continue
        else:
            while start > 0 and doc[start - 1].dep_ in ("compound", "amod") and doc[start - 1].head.i == token.i \
                    and doc[start - 1].is_alpha and not par.tok_ent.get(start - 1) and doc[start - 1].lower_ not in ("the", "its"):
                start -= 1
            if start == token.i and token.is_lower:
                continue
        j = start - 1
        if j >= 0 and doc[j].text in ("'s", "’s"):
            j -= 1
        owner = par.tok_ent.get(j) if j >= 0 else None
        if owner is None or par.type_of(owner) != COUNTRY:
            # "... of China's Ministry" or a demonym/country inside the name
            inner = [par.tok_ent.get(k) for k in range(start, token.i + 1)]
            owner = next((o for o in inner if o and par.type_of(o) == COUNTRY), None)
        if owner is None:
            continue
        if not lid:
            # A lower-case body ("the trade ministry") is no name of its own: it stands for its country.
            for k in range(start, token.i + 1):
                par.body_country[k] = owner
            continue
        par.table.entities[lid].attrs["country"] = owner
        par.table.entities[lid].attrs["country_code"] = par.table.entities[owner].key or ""
