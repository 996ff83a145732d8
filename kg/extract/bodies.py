"""Organizations: named bodies, companies and blocs, and the bodies of a state.

The NER's organizations are taken only when they look like a body's name: not an all-caps
headline fragment the body never names, not a law or an agreement ("... Act", "... Agreement"),
not a cell of a table or a file number, not a country. An acronym in brackets after a body is that
body's alias ("the Andean Tin Council (ATC)"), and a bracketed acronym after anything else is no
body at all ("foot-and-mouth disease (FMD)"). Capitalised phrases that end in an organization head
word are bodies even where the NER split them ("Coal and Lignite Mining Board").
"""
from __future__ import annotations

import re

from kg.extract.context import Paragraph, add_mention
from kg.extract.names import numbered_body, stops_name, title_prefix_end
from kg.extract.titles import is_head, shouting
from kg.lexicon import lexicon
from kg.model import COUNTRY, ORGANIZATION, PERSON
from kg.textutil import strip_possessive

_ORG_REJECT = re.compile(r"^(?:[a-z\W\d]+|\W.*)$")
_ORG_JOINERS = {"of", "for", "&", "the", "in", "and"}
_OPENERS = ("(", '"', "“", "‘", "'", "[")


def _after_title(doc, start: int) -> bool:
    """Whether an office title ends right before ``start`` (optionally with a comma between)."""
    lex = lexicon()
    stop = start - 1 if start > 0 and doc[start - 1].text == "," else start
    return any(lex.office(doc[k:stop].text) for k in range(max(0, stop - lex.office_max_words), stop))


def table_row(doc) -> bool:
    """A row of a table scraped with its page ("S.No. | Description | Policy |")."""
    found = doc.user_data.get("kg_table_row")
    if found is None:
        found = doc.user_data["kg_table_row"] = sum(t.text == "|" for t in doc) >= 2
    return found


def _glued(doc, start: int, end: int) -> bool:
    """Written without a space against a neighbour that is not a bracket or quote ("Ref. 44/KX/EU/7")."""
    before = start > 0 and not doc[start - 1].whitespace_ and doc[start - 1].text not in _OPENERS
    after = end < len(doc) and not doc[end - 1].whitespace_ and doc[end].text in ("/", "\\", "-", "_")
    return before or after


def nxt_text(doc, end: int) -> str:
    return doc[end].text if end < len(doc) else ""


def _country_words(words) -> bool:
    """ "Franco-German", "German Democratic Republic": words that only name countries."""
    lex = lexicon()
    parts = [p for t in words for p in re.split(r"[-–]", t.text) if p]
    return bool(parts) and (lex.country_of(" ".join(t.text for t in words), allow_ambiguous=False) is not None
                            or all(lex.country_of(p, allow_ambiguous=False) for p in parts))


def fold_acronym(par: Paragraph, lid: str, end: int) -> None:
    """ "Andean Tin Council (ATC)": the bracketed acronym is the body's alias."""
    doc = par.doc
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" and doc[end + 1].is_upper \
            and doc[end + 1].is_alpha and 2 <= len(doc[end + 1].text) <= 8:
        ent = par.table.entities[lid]
        old = par.tok_ent.get(end + 1)
        if old and old != lid:
            par.table.retract(old, par.offset + doc[end + 1].idx)
        add_mention(par, ORGANIZATION, ent.name, end + 1, end + 2, key=ent.key or ent.name)
        par.table.acronyms[doc[end + 1].text] = lid


def organization(par: Paragraph, start: int, end: int, label: str) -> str | None:
    """Add the NER's organization [start, end) if it is one; PERSON if it is a person after a title."""
    doc = par.doc
    lex = lexicon()
    name = strip_possessive(doc[start:end].text)
    words = doc[start:end]
    if label == "ORG" and 2 <= len(words) <= 3 and all(t.text[0].isupper() for t in words if t.is_alpha) \
            and not {t.lower_ for t in words} & lex.org_heads and name not in lex.org_forms and _after_title(doc, start):
        return PERSON       # "Agriculture Minister Heather MacLeod" tagged as an organization
    if not name or _ORG_REJECT.match(name) or len(name) > 120:
        return None
    known = name in lex.org_forms
    if _glued(doc, start, end):
        return None
    if not known and len(words) == 1 and words[0].is_upper and (
            len(words[0]) > 6 or (nxt_text(doc, end) == ":")):
        return None     # "RELATIONSHIP", "SUBJECT:": a shouted word or a field label, not an acronym
    nxt = doc[end] if end < len(doc) else None
    if not known and (any(c in name for c in '"|/“”') or any(ch.isdigit() for ch in name) and not numbered_body(words)
                      or words[-1].lower_ in lex.instrument_heads or table_row(doc) or _country_words(words)
                      or (nxt is not None and nxt.is_lower and nxt.lower_ in lex.instrument_heads)):
        return None     # a law, a status, a cell, a file number: "Most Favoured Nation status"
    if not known and nxt is not None and is_head(nxt) and all(
            t.lower_ in lex.title_modifiers or not t.is_alpha for t in words):
        return None     # "Joint Additional | Secretary": words of a title, not a body
    if lex.commodities.get(name.lower()) or lex.office(name):
        return None
    if label == "FAC" and not ({t.lower_ for t in words} & lex.org_heads) and not known:
        return None
    table = par.table
    if start > 0 and end < len(doc) and doc[start - 1].text == "(" and doc[end].text == ")" \
            and len(words) == 1 and words[0].is_upper:
        prev = par.tok_ent.get(start - 2)
        if prev and par.type_of(prev) == ORGANIZATION:
            fold_acronym(par, prev, start - 1)
            return None
        if not known:
            return None     # "foot-and-mouth disease (FMD)": the short form of something that is no body
    if start > 0 and end < len(doc) and doc[start - 1].text == "(" and doc[end].text == ")" and len(words) == 1 \
            and not known:
        return None         # "(Excerpt)": a bracketed word, no body
    if name in table.acronyms:
        ent = table.entities[table.acronyms[name]]
        add_mention(par, ORGANIZATION, ent.name, start, end, key=ent.key or ent.name)
        return None
    canonical = lex.org_forms.get(name, name)
    if (shouting(doc) or all(t.is_upper for t in words if t.is_alpha) and len(words) > 1) and not known:
        # An all-caps headline or dateline names a body only as the article's body names it.
        seen = {f.lower(): e for e in table.entities.values() if e.type == ORGANIZATION and e.forms
                for f in e.forms}
        match = seen.get(name.lower())
        if match is None:
            return None
        canonical = match.key or match.name
    lid = add_mention(par, ORGANIZATION, canonical, start, end, key=canonical, vote=ORGANIZATION)
    fold_acronym(par, lid, end)
    return None


def org_phrases(par: Paragraph) -> None:
    """ "Indonesian Nickel Miners Association", "Coal and Lignite Mining Board": capitalized words
    up to an organization head word, which the ruler's demonym or the NER may have split."""
    doc = par.doc
    lex = lexicon()
    if shouting(doc) or table_row(doc):
        return
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
        while j < n and _hyphen_inside(doc, j, i) or j < n and not doc[j].is_punct and (doc[j].is_title or doc[j].is_upper or (
                doc[j].lower_ in _ORG_JOINERS and j > i and (doc[j].lower_ != "and" or _and_inside(par, j)))
                or (doc[j].text in ("'s", "’s") and j > i and j + 1 < n and doc[j + 1].is_title and is_head(doc[j - 1]))):
            if doc[j].lower_ in heads and (doc[j].is_title or doc[j].is_upper) and not doc[j].is_punct:
                last_head = j
            j += 1
        if last_head > i and not any(par.type_of(par.tok_ent.get(k)) == PERSON for k in range(i, last_head + 1)):
            _phrase(par, i, last_head + 1, j)
        i = max(j, i + 1)


def _hyphen_inside(doc, j: int, i: int) -> bool:
    """ "Trans-Pacific Fund": a hyphen written without spaces between two capitalised words."""
    return j > i and doc[j].text in ("-", "–") and not doc[j].whitespace_ and not doc[j - 1].whitespace_ \
        and j + 1 < len(doc) and doc[j + 1].is_title


def _and_inside(par: Paragraph, j: int) -> bool:
    """ "Timber and Pulp Export Corp": "and" between two capitalised words, not after a country."""
    doc = par.doc
    prev = par.tok_ent.get(j - 1)
    if prev and par.type_of(prev) == ORGANIZATION and par.tok_ent.get(j) != prev:
        return False        # "Acme and Borealis Mining": a named body ends before "and"
    return j + 1 < len(doc) and doc[j + 1].is_title and not (prev and (
        par.type_of(prev) == COUNTRY or par.table.entities[prev].name in lexicon().org_forms.values()))


def _phrase(par: Paragraph, i: int, end: int, j: int) -> None:
    doc = par.doc
    lex = lexicon()
    n = len(doc)
    # "Chamber of Mining Entrepreneurs", "Council of Canada": the name goes on after "of".
    if end < j and doc[end].lower_ in ("of", "for"):
        stop = next((k for k in range(end + 1, j) if stops_name(doc[k])), j)     # "... of Mines Deputy Director"
        while stop > end and doc[stop - 1].lower_ in _ORG_JOINERS:
            stop -= 1
        if stop > end + 1:
            end = stop
    start = i
    for k in range(i + 1, end):
        if doc[k].lower_ == "the" and doc[k - 1].lower_ not in ("of", "for", "in"):
            start = k           # "Later the Senate": a name does not run on over "the"
    while start < end and doc[start].lower_ in ("the", "and"):
        start += 1
    start = title_prefix_end(doc, start, end)     # "Chairman of the Tea Board": the office is no part of it
    name = doc[start:end].text
    title_next = end < n and any(lex.office(doc[end:end + w].text) for w in (1, 2, 3))
    if end - start < 2 or title_next or lex.office(name) or _country_words(doc[start:end]) or any(
            lex.office(doc[k:end].text) for k in range(start, end)):
        return
    olds = {}
    for k in range(start, end):
        old = par.tok_ent.pop(k, None)
        if old and old not in olds:
            olds[old] = k
    for old in olds:
        for sp in list(par.table.entities[old].spans):
            if par.offset + doc[start].idx <= sp[0] < par.offset + doc[end - 1].idx + len(doc[end - 1]):
                par.table.retract(old, sp[0])
    canonical = lex.org_forms.get(name, name)
    lid = add_mention(par, ORGANIZATION, canonical, start, end, key=canonical, vote=ORGANIZATION)
    fold_acronym(par, lid, end)


def _gov_head(doc, token) -> int | None:
    """The first token of a government head word at ``token`` ("ministry", "central bank"), or None."""
    heads = lexicon().government_heads
    if token.lower_ in heads:
        return token.i
    if token.i > 0 and f"{doc[token.i - 1].lower_} {token.lower_}" in heads:
        return token.i - 1
    return None


def government_bodies(par: Paragraph) -> None:
    """Bodies of a state: "China's Ministry of Commerce", "the U.S. Commerce Department",
    "Malaysia's trade ministry" (a lower-case body stands for its country, here and later in the
    article: "the Chilean central bank" ... "the central bank's governor")."""
    doc = par.doc
    for token in doc:
        first = _gov_head(doc, token)
        if first is None or token.pos_ not in ("NOUN", "PROPN", ""):
            continue
        lid = par.tok_ent.get(token.i)
        start = first
        if lid and par.type_of(lid) == ORGANIZATION:
            while start > 0 and par.tok_ent.get(start - 1) == lid:
                start -= 1
        elif lid:
            continue
        else:
            while start > 0 and doc[start - 1].dep_ in ("compound", "amod") and doc[start - 1].head.i in (token.i, first) \
                    and doc[start - 1].is_alpha and not par.tok_ent.get(start - 1) and doc[start - 1].lower_ not in ("the", "its"):
                start -= 1
            if start == token.i and token.is_lower and first == token.i:
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
            phrase = " ".join(t.lower_ for t in doc[start:token.i + 1] if par.tok_ent.get(t.i) != owner)
            par.table.generic_bodies.setdefault(phrase, owner)
            continue
        par.table.entities[lid].attrs["country"] = owner
        par.table.entities[lid].attrs["country_code"] = par.table.entities[owner].key or ""


_SMALL = {"of", "and", "for", "the", "on", "in", "&"}


def letterhead(par: Paragraph) -> None:
    """An all-caps line that is a body's name on its own ("MINISTRY OF FISHERIES", "AGENCY FOR
    TRADE PROMOTION"): the letterhead of a notice, not a headline fragment."""
    doc = par.doc
    lex = lexicon()
    words = [t for t in doc if not t.is_space]
    if par.is_headline or not words or not shouting(doc) or len(words) > 8 or any(t.is_punct for t in words):
        return
    if not (words[0].lower_ in lex.org_heads or words[-1].lower_ in lex.org_heads):
        return
    start, end = words[0].i, words[-1].i + 1
    name = " ".join(t.lower_ if t.lower_ in _SMALL and k else t.text.capitalize() for k, t in enumerate(words))
    for k in range(start, end):
        old = par.tok_ent.pop(k, None)
        if old:
            par.table.retract(old, par.offset + doc[k].idx)
    add_mention(par, ORGANIZATION, lex.org_forms.get(name, name), start, end, key=lex.org_forms.get(name, name),
                vote=ORGANIZATION)


def company_names(par: Paragraph) -> None:
    """Names the NER split: a capitalised run that ends in a good written with a capital in running
    text ("Nordic Timber", "Atlas Copper Cables"), or that follows a company noun ("the Danish firm
    Holm Maritime", "statistics agency Estat")."""
    doc = par.doc
    lex = lexicon()
    if par.is_headline or shouting(doc) or table_row(doc):
        return
    n = len(doc)
    i = 0
    while i < n:
        t = doc[i]
        after_noun = i > 0 and doc[i - 1].is_lower and doc[i - 1].lower_ in lex.company_nouns
        if not t.is_title or t.i == t.sent.start or (not after_noun and not _capital_good(doc, i)) \
                or par.type_of(par.tok_ent.get(i)) == ORGANIZATION:
            i += 1
            continue
        start = i
        end = i + 1
        if not after_noun:
            while start > 0 and (doc[start - 1].i != doc[start - 1].sent.start or doc[start - 1].text in lex.demonyms) \
                    and doc[start - 1].is_title and par.type_of(par.tok_ent.get(start - 1)) != PERSON or (
                    start > 1 and doc[start - 1].lower_ in ("and", "&") and doc[start - 2].is_title):
                start -= 1
            while end < n and doc[end].is_title and doc[end].lower_ in lex.org_heads:
                end += 1
            before = [par.tok_ent.get(k) for k in range(start, i)]
            if len(before) == 1 and before[0] and par.type_of(before[0]) == COUNTRY and end == i + 1:
                start = end         # "Colombian Coffee": a good and its origin, no company
            elif start == i and end > i + 1 and start > 0 and doc[start - 1].text in lex.demonyms:
                start -= 1          # "Chilean Copper Institute": a national body with its demonym
        else:
            while end < n and (doc[end].is_title or doc[end].is_upper and doc[end].is_alpha) and not (
                    par.type_of(par.tok_ent.get(end)) == COUNTRY and doc[end].text not in lex.demonyms):
                end += 1
        if start < end and (end - start >= 2 or after_noun) and not _country_words(doc[start:end]) and not any(
                lex.office(doc[k:end].text) or is_head(doc[k]) for k in range(start, end)) and not (start < i and all(
                par.type_of(par.tok_ent.get(k)) == COUNTRY and doc[k].text not in lex.demonyms
                for k in range(start, i))):
            _take(par, start, end)
        i = end


def _capital_good(doc, i: int) -> bool:
    return lexicon().commodities.get(doc[i].lower_) is not None and doc[i].is_title


def _take(par: Paragraph, start: int, end: int) -> None:
    doc = par.doc
    lex = lexicon()
    olds = {par.tok_ent.pop(k) for k in range(start, end) if k in par.tok_ent}
    for old in olds:
        for sp in list(par.table.entities[old].spans):
            if par.offset + doc[start].idx <= sp[0] < par.offset + doc[end - 1].idx + len(doc[end - 1]):
                par.table.retract(old, sp[0])
    par.persons = [(k, lid) for k, lid in par.persons if lid not in olds]
    name = strip_possessive(doc[start:end].text)
    lid = add_mention(par, ORGANIZATION, lex.org_forms.get(name, name), start, end,
                      key=lex.org_forms.get(name, name), vote=ORGANIZATION)
    code = lex.demonyms.get(doc[start].text)
    if code:
        # A national body knows its country, which the article still mentions.
        country = par.table.add(COUNTRY, lex.countries[code].name, doc[start].text,
                                (par.offset + doc[start].idx, par.offset + doc[start].idx + len(doc[start])), key=code)
        par.table.entities[lid].attrs.update(country=country, country_code=code)
    fold_acronym(par, lid, end)
