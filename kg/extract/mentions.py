"""Mentions: the entities a paragraph names (people, countries, organizations, goods).

Countries come from the closed tables (names, aliases, demonyms, capitals),
never from the NER label alone; people and organizations come from the
statistical NER, cleaned of titles, possessives and headline words.
"""
from __future__ import annotations

import re

from kg.extract.bodies import company_names, government_bodies, letterhead, org_phrases, organization, table_row
from kg.extract.context import Paragraph, add_mention, span_chars
from kg.extract.names import (appositive_person, extend_body, fragment_person, known_body_then_person, lone_generic,
                              person_surname, portfolio_of_title, title_prefix_end, untagged_names)
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
_LOCATIVE = {"in", "at", "near", "outside", "around", "across", "via", "inside"}


def _place_not_state(doc, start: int, text: str) -> bool:
    """A capital after a locative preposition names the city ("a meeting in Vienna"); as a subject,
    object or possessive it stands for its government ("Ottawa asked Canberra")."""
    lex = lexicon()
    name = strip_possessive(text)
    return (name in lex.capitals and name not in lex.country_forms and start > 0
            and doc[start - 1].lower_ in _LOCATIVE)


_NOT_VARIETY = {"imported", "exported", "subsidized", "subsidised", "dumped", "shipped", "sold", "made",
                "manufactured", "produced", "related", "affected", "targeted", "listed", "restricted",
                "banned", "sanctioned", "needed", "used", "mined", "traded", "purchased", "bought",
                "discounted", "priced", "taxed", "covered", "named", "unnamed", "proposed", "planned", "added",
                "included", "controlled", "licensed", "required", "approved", "cleared", "halted", "stopped"}
_POSSESSIVE = ("'s", "’s", "'", "’")
_ORG_REJECT = re.compile(r"^(?:[a-z\W\d]+|\W.*)$")


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


def find_mentions(par: Paragraph, body_name_tokens: set[str] | None = None) -> None:
    """Fill ``par.tok_ent`` and the article table with the paragraph's mentions.

    In a headline, only words seen in people's names in the body count as a
    name ("Trump and Xi Agree..." names Trump and Xi, not "Xi Agree").
    """
    doc = par.doc
    lex = lexicon()
    if not par.is_headline:
        for start, end in untagged_names(doc):
            _person(par, start, end, None)
    for ent in doc.ents:
        start, end = _trim(doc, ent.start, ent.end)
        if start >= end or any(par.type_of(par.tok_ent.get(k)) == PERSON for k in range(start, end)):
            continue        # already read as a part of a person's name ("Ana de la | Vega")
        if all(par.type_of(par.tok_ent.get(k)) == ORGANIZATION for k in range(start, end)):
            continue        # already inside a body's name ("Bank of | Korea")
        text = doc[start:end].text
        label = ent.label_
        if label in ("GPE", "NORP", "LOC", "FAC", "ORG", "PERSON"):
            code = lex.country_of(text, allow_ambiguous=label in ("GPE", "NORP", "LOC"))
            if code and end < len(doc) and doc[end].is_title and doc[end].lower_ in lex.instrument_heads:
                continue    # "the Doha Round", "the Paris Agreement": the name of an instrument
            if code and _place_not_state(doc, start, text):
                continue    # "talks in Vienna": a city where something happens, not its government
            if code:
                add_mention(par, COUNTRY, lex.countries[code].name, start, end, key=code)
                continue
        if label == "COMMODITY":
            _commodity(par, start, end)
        elif label == "PERSON" and _dateline_agency(doc, start, end):
            organization(par, start, end, "ORG")
        elif label == "PERSON":
            if not fragment_person(par, start, end):
                _person(par, start, end, body_name_tokens)
        elif label in ("ORG", "FAC"):
            _body_or_person(par, start, end, label)
    org_phrases(par)
    company_names(par)
    letterhead(par)
    government_bodies(par)
    for token in doc:
        if token.i in par.tok_ent:
            continue
        parts = [p for p in re.split(r"[-–]", token.text) if p]
        for part, code in zip(parts, _country_token_parts(token)):
            lid = par.table.add(COUNTRY, lex.countries[code].name, part,
                                span_chars(par, token.i, token.i + 1), key=code)
            par.tok_ent.setdefault(token.i, lid)
    par.persons.sort()


def _body_or_person(par: Paragraph, start: int, end: int, label: str) -> None:
    """The NER's organization: a person after all, a body cut short, a generic head, or a body."""
    doc = par.doc
    if end - start > 2 and doc[start].is_lower and doc[start + 1].text in _POSSESSIVE[:2]:
        start += 2      # "the ministry's Economic Bureau": the owner's common noun is no part of the name
    if portfolio_of_title(doc, start):
        return          # "Vice President for Global Markets at ...": a title's portfolio, not a body
    start, end = extend_body(doc, start, end)
    if appositive_person(doc, start, end) or person_surname(par, start, end):
        _person(par, start, end, None)
        return
    cut = known_body_then_person(par, start, end)
    if cut is not None:
        organization(par, start, cut, label)
        _person(par, cut, end, None)
        return
    alias = lone_generic(par, start, end)
    if alias is False:
        return          # "the Board" with no Board named in full: no body of its own
    if alias:
        ent = par.table.entities[alias]
        add_mention(par, ORGANIZATION, ent.name, start, end, key=ent.key or ent.name)
        return
    if organization(par, title_prefix_end(doc, start, end), end, label) == PERSON:
        _person(par, start, end, None)
        return
    lid = par.tok_ent.get(end - 1)
    if lid and par.type_of(lid) == ORGANIZATION and "country" not in par.table.entities[lid].attrs:
        _country_of_body(par, lid, start, end)


def _country_of_body(par: Paragraph, lid: str, start: int, end: int) -> None:
    """A national body named with its country after "of" ("Bank of Korea") knows that country."""
    doc = par.doc
    lex = lexicon()
    for k in range(start + 1, end):
        code = lex.country_of(doc[k].text, allow_ambiguous=False) if doc[k - 1].lower_ == "of" else None
        if code and (k + 1 == end or not doc[k + 1].is_title):
            country = par.table.add(COUNTRY, lex.countries[code].name, doc[k].text, span_chars(par, k, k + 1), key=code)
            par.table.entities[lid].attrs.update(country=country, country_code=code)
            return


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
        if t.lower_ in lex.triggers.get("generic_modifiers", ()):
            break       # "world coffee prices", "surplus rice": the good itself
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
    if end - start == 1 and doc[start].pos_ in ("VERB", "AUX", "ADP", "PRON", "DET", "ADV", "ADJ"):
        return      # (a lone adjective, "electronic goods", is not the good)
    if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ == "non":
        return      # "non-petroleum imports": everything but the good
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
    if table_row(doc) or _heading(doc, start, end):
        return          # a cell of a table, a heading line ("Closing Statement")
    if start >= 2 and doc[start - 1].is_title and doc[start - 1].i != doc[start - 1].sent.start \
            and len(doc[start - 1].text) <= 4 and not doc[start - 1].ent_type_:
        # "Vice-Premier He Lifeng": a short family name the NER left out, right after a title.
        if any(lex.office(doc[k:start - 1].text) for k in range(max(0, start - 1 - lex.office_max_words), start - 1)):
            start -= 1
    if start >= 1 and doc[start - 1].is_upper and doc[start - 1].is_alpha and 2 <= len(doc[start - 1]) <= 5 \
            and start - 1 != doc[start - 1].sent.start and not par.tok_ent.get(start - 1) \
            and not lex.country_of(doc[start - 1].text, allow_ambiguous=False):
        # "NKT Cables": an acronym and a name are a company's name, not a person's.
        organization(par, start - 1, end, "ORG")
        return
    end = _name_end(doc, end)
    inner = _bracketed_first_name(doc, start, end)
    titled = start > 0 and (doc[start - 1].lower_ in lex.office_heads or bool(lex.office(doc[start - 1].text)))
    if par.is_headline and body_name_tokens is not None and not titled:
        # In a headline a name counts when the body names it, or right after a title ("Minister Okafor").
        while start < end and doc[start].text not in body_name_tokens:
            start += 1
        stop = start
        while stop < end and doc[stop].text in body_name_tokens:
            stop += 1
        end = stop
    if start >= end:
        return
    words = [t for t in doc[start:end] if t.text not in ("(", ")")]
    if len(words) > 6 or not any(t.is_alpha for t in words):
        return
    if any(t.like_num or (t.is_lower and t.text not in lex.name_particles and not (t.i > 0 and t.nbor(-1).text == "-"))
           or "@" in t.text or "/" in t.text for t in words if t.text not in ("-", ".")):
        return
    if any(_country_token_parts(t) or lex.country_of(t.text, allow_ambiguous=False) for t in words
           if t.text not in lex.name_particles and not (t.i + 1 < len(doc) and doc[t.i + 1].text == "-")) \
            and not (len(words) > 2 and words[-2].text in lex.name_particles):
        return
    name = strip_possessive(" ".join(t.text for t in words) if inner else doc[start:end].text)
    name = name.replace(" - ", "-")
    if not name or lex.office(name):
        return
    lid = add_mention(par, PERSON, name, start, end, key=name, vote=PERSON)
    if _speaks(doc, end):
        par.table.entities[lid].attrs["speaker"] = "1"
    par.persons.append((start, lid))


def _name_end(doc, end: int) -> int:
    """ "Ana de la | Vega": a name that ends in a particle goes on to the next capitalised word;
    "(Helmut) Rask": a bracketed first name goes on past the bracket."""
    lex = lexicon()
    while end < len(doc) and doc[end - 1].text in lex.name_particles and doc[end].is_title:
        end += 1
    if end + 1 < len(doc) and doc[end].text == ")" and doc[end + 1].is_title and doc[end + 1].pos_ in ("PROPN", "") \
            and not lex.country_of(doc[end + 1].text, allow_ambiguous=False):
        end += 2
        while end < len(doc) and doc[end].is_title and doc[end].pos_ in ("PROPN", ""):
            end += 1
    return end


def _bracketed_first_name(doc, start: int, end: int) -> bool:
    return any(t.text == ")" for t in doc[start:end])


def _heading(doc, start: int, end: int) -> bool:
    """The whole paragraph is the name, not in brackets: a heading line, not a person."""
    words = [t for t in doc if not t.is_space]
    return bool(words) and words[0].i == start and words[-1].i == end - 1 and len(words) == end - start


def _speaks(doc, end: int) -> bool:
    """The name is followed by a verb of saying ("Osei said", "Osei, ..., told reporters")."""
    verbs = lexicon().speech_verbs
    k = end
    while k < len(doc) and doc[k].text in (",", "'s", "’s", "also", "has", "had", "was", "later"):
        k += 1
    last = doc[end - 1]
    return k < len(doc) and doc[k].lower_ in verbs or (
        last.dep_ in ("nsubj", "nsubjpass") and (last.head.lower_ in verbs or last.head.pos_ == "VERB"))
