"""Offices from the syntax: who holds which title, serving which country or body.

Three shapes, each read from the tokens around a person's name:
- a title before the name: "Treasury Secretary Scott Bessent", "China's Vice-Premier
  He Lifeng", "Chinese President Xi Jinping", "U.S. President Donald Trump";
- an apposition after it: "Li Chenggang, China international trade representative,",
  "Ana Ruiz, Chile's trade minister," "Ruiz, the foreign minister of Peru,";
- a body before the title: "Commerce Ministry spokesperson He Yadong".
The country comes from the text (demonym, possessive, compound, "of X"); only when
the text names none does the closed table of one-country offices supply it.
"""
from __future__ import annotations

from kg.extract.context import Paragraph
from kg.lexicon import Office, lexicon, norm_title
from kg.model import COUNTRY, OFFICIAL, ORGANIZATION, Literal

_NOT_SERVING = {"former", "ex", "late", "then", "outgoing", "incoming", "would-be", "prospective"}
_LEAD_BREAKERS = {"vice", "deputy", "acting", "assistant", "under", "interim", "former"}
_DETS = {"the", "a", "an"}


def _match_office(words: str) -> Office | None:
    """An office for a title as written, allowing leading modifiers and a longest-suffix head."""
    lex = lexicon()
    office = lex.office(words)
    if office:
        return office
    parts = norm_title(words).split(" ")
    for k in range(1, len(parts)):
        rest = " ".join(parts[k:])
        if all(p in lex.title_modifiers for p in parts[:k]) and lex.office(rest):
            found = lex.office(rest)
            return Office(words, found.leader and not (set(parts[:k]) & _LEAD_BREAKERS), found.country, found.public)
    return None


def _country_before(par: Paragraph, i: int) -> tuple[str | None, int]:
    """The country or body named just before token i (possessive, compound, demonym)."""
    doc = par.doc
    j = i - 1
    if j >= 0 and doc[j].text in ("'s", "’s", "'", "’"):
        j -= 1
    if j >= 0:
        lid = par.entity_at(doc[j])
        if lid and par.type_of(lid) in (COUNTRY, ORGANIZATION):
            start = j
            while start > 0 and par.entity_at(doc[start - 1]) == lid:
                start -= 1
            return lid, start
    return None, i


def _country_after_of(par: Paragraph, i: int, end: int) -> str | None:
    """ "of China" / "of the United States" starting at token i (before ``end``)."""
    doc = par.doc
    if i < end and doc[i].lower_ == "of":
        k = i + 1
        while k < end and doc[k].lower_ in _DETS:
            k += 1
        if k < end:
            lid = par.entity_at(doc[k])
            if lid and par.type_of(lid) in (COUNTRY, ORGANIZATION):
                return lid
    return None


def _public_body(name: str) -> bool:
    lex = lexicon()
    words = set(name.lower().replace("'s", "").split())
    return name in lex.org_forms.values() or bool(words & lex.government_heads)


def _emit(par: Paragraph, person: str, title_tokens, office: Office, body: str | None,
          modifiers: set[str], token, named_body: bool = False) -> None:
    """Record title and service facts for one person."""
    if not office.public or modifiers & _NOT_SERVING:
        return
    table = par.table
    lex = lexicon()
    title = title_tokens.text.strip(" ,")
    if not title:
        return
    weak = False
    if body is not None and table.entities[body].type == ORGANIZATION and not _public_body(table.entities[body].name):
        return      # the head of a company or an association holds no public office
    if body is None and not office.country and table.home_country and not named_body and not office.leader:
        # The dateline's country, as a default any explicit fact overrules, when the sentence
        # names no other country (never for heads of state: they are too often foreign).
        others = {par.tok_ent.get(t.i) for t in token.sent} - {None, table.home_country}
        if not any(table.entities[o].type == COUNTRY for o in others):
            body, weak = table.home_country, True
    if body is None and office.country:
        body = table.add(COUNTRY, lex.countries[office.country].name, lex.countries[office.country].name,
                         (-1, -1), key=office.country)
        table.entities[body].forms.discard(lex.countries[office.country].name)
        table.entities[body].spans.remove((-1, -1))
    ev = par.evidence(token)
    table.entities[person].vote(OFFICIAL, 3)
    table.fact(person, "title", Literal(title), ev)
    if body is not None:
        is_country = table.entities[body].type == COUNTRY
        predicate = "leaderOf" if office.leader and is_country else "officialOf"
        table.fact(person, predicate, body, ev, weak=weak)


def _retract(par: Paragraph, tokens) -> None:
    """Words read as part of a title ("Treasury" in "Treasury Secretary") are not an organization.

    An organization that only partly overlaps the title ("EU Trade" before "Commissioner")
    keeps the words outside it ("EU").
    """
    from kg.extract.mentions import add_mention

    inside = {t.i for t in tokens}
    for t in tokens:
        lid = par.tok_ent.get(t.i)
        if not lid or par.type_of(lid) != ORGANIZATION:
            continue
        ent_tokens = [i for i, v in par.tok_ent.items() if v == lid and abs(i - t.i) < 12]
        start = min(ent_tokens)
        while start - 1 in par.tok_ent and par.tok_ent[start - 1] == lid:
            start -= 1
        run = [i for i in range(start, max(ent_tokens) + 1) if par.tok_ent.get(i) == lid]
        for i in run:
            par.tok_ent.pop(i, None)
        par.table.retract(lid, par.offset + par.doc[run[0]].idx)
        outside = [i for i in run if i not in inside]
        if outside and outside == list(range(outside[0], outside[-1] + 1)) and outside[-1] < min(inside):
            span = par.doc[outside[0]:outside[-1] + 1]
            lex = lexicon()
            code = lex.country_of(span.text, allow_ambiguous=False)
            if code:
                add_mention(par, COUNTRY, lex.countries[code].name, span.start, span.end, key=code)
            else:
                name = lex.org_forms.get(span.text, span.text)
                add_mention(par, ORGANIZATION, name, span.start, span.end, key=name, vote=ORGANIZATION)


def _counterpart_country(par: Paragraph, i: int) -> str | None:
    """ "his Chinese counterpart, Commerce Minister Zhou Ping": the country of the counterpart."""
    doc = par.doc
    if i >= 2 and doc[i - 1].text == "," and doc[i - 2].lower_ in ("counterpart", "counterparts"):
        for c in doc[i - 2].children:
            if c.dep_ in ("amod", "poss", "compound"):
                lid = par.entity_at(c)
                if lid and par.type_of(lid) == COUNTRY:
                    return lid
    return None


def _title_before(par: Paragraph, start: int, person: str) -> bool:
    doc = par.doc
    lex = lexicon()
    sent_start = doc[start].sent.start
    for k in range(min(lex.office_max_words + 2, start - sent_start), 0, -1):
        span = doc[start - k:start]
        if any(t.is_punct and t.text not in ("-", ".") for t in span) or any(
                par.entity_at(t) and par.type_of(par.entity_at(t)) != ORGANIZATION for t in span):
            continue
        if not span[0].is_title and not span[0].is_upper:
            continue
        office = _match_office(span.text)
        if office is None:
            continue
        title, body = span, None
        if not lexicon().office(span.text):
            # "EU Trade Commissioner", "Commerce Ministry spokesperson": a body, then the title.
            for m in range(1, k):
                head = span[:m]
                if lexicon().office(span[m:].text) and all(
                        par.type_of(par.entity_at(t)) == ORGANIZATION or t.is_upper for t in head):
                    _retract(par, span)
                    from kg.extract.mentions import add_mention
                    name = lexicon().org_forms.get(head.text, head.text)
                    body = add_mention(par, ORGANIZATION, name, head.start, head.end, key=name)
                    title, office = span[m:], lexicon().office(span[m:].text)
                    break
        if body is None:
            _retract(par, span)
        first = start - k
        before = doc[first - 1] if first - 1 >= sent_start else None
        mods = {before.lower_} if before is not None else set()
        if body is None:
            body, _ = _country_before(par, first)
        if body is None and before is not None and before.lower_ in lex.title_modifiers | _NOT_SERVING:
            body, _ = _country_before(par, first - 1)
        if body is None:
            body = _counterpart_country(par, first)
        if body is None:
            end = start
            while end < len(doc) and par.tok_ent.get(end) == person:
                end += 1
            body = _country_after_of(par, end, doc[start].sent.end)
        _emit(par, person, title, office, body, mods | {t.lower_ for t in title}, doc[start])
        return True
    return _title_before_comma(par, start, person)


def _title_before_comma(par: Paragraph, start: int, person: str) -> bool:
    """ "The Minister of Commerce of Peru, Rosa Quispe, said": a title phrase, a comma, the name."""
    doc = par.doc
    sent_start = doc[start].sent.start
    if start - 2 < sent_start or doc[start - 1].text != ",":
        return False
    comma = start - 1
    k = comma - 1
    body = None
    lid = par.entity_at(doc[k])
    if lid and par.type_of(lid) in (COUNTRY, ORGANIZATION):
        while k >= sent_start and par.entity_at(doc[k]) == lid:
            k -= 1
        while k >= sent_start and doc[k].lower_ in _DETS:
            k -= 1
        if k < sent_start or doc[k].lower_ != "of":
            return False
        body, k = lid, k - 1
    end = k + 1
    for begin in range(max(sent_start, end - lexicon().office_max_words), end):
        words = doc[begin:end]
        if not words or not all(t.is_alpha for t in words) or any(par.entity_at(t) for t in words):
            continue
        office = _match_office(words.text)
        if office is None:
            continue
        before = doc[begin - 1] if begin > sent_start else None
        if before is None or before.lower_ in _DETS:
            _emit(par, person, words, office, body, set(), doc[start])
            return True
        if body is None and before.text in ("'s", "’s", "'"):
            # "Paraguay's foreign minister, Rodrigo Benitez," "Seoul's trade minister, Choi Min-ho,"
            owner, _ = _country_before(par, begin)
            if owner is not None:
                _emit(par, person, words, office, owner, set(), doc[start])
                return True
        if body is None and par.type_of(par.entity_at(before)) == COUNTRY:
            # "Canadian trade minister, Mary Ng,"
            _emit(par, person, words, office, par.entity_at(before), set(), doc[start])
            return True
    return False


def _apposition_after(par: Paragraph, end: int, person: str) -> bool:
    """ "<name>, [the] [Country's|Country|demonym] <title> [of <Country>]," """
    doc = par.doc
    sent_end = doc[end - 1].sent.end if end > 0 else len(doc)
    if end >= sent_end or doc[end].text != ",":
        return False
    stop = end + 1
    while stop < sent_end and stop - end <= 12 and doc[stop].text not in (",", ";", ".", "(", ")", "—", "–"):
        stop += 1
    i = end + 1
    while i < stop and doc[i].lower_ in _DETS:
        i += 1
    body = None
    lid = par.entity_at(doc[i]) if i < stop else None
    if lid and par.type_of(lid) in (COUNTRY, ORGANIZATION):
        body = lid
        while i < stop and par.entity_at(doc[i]) == lid:
            i += 1
        if i < stop and doc[i].text in ("'s", "’s", "'"):
            i += 1
    title_end = i
    while title_end < stop and doc[title_end].lower_ != "of" and doc[title_end].is_alpha \
            and not par.entity_at(doc[title_end]):
        title_end += 1
    if title_end == i:
        return False
    words = doc[i:title_end]
    if any(t.pos_ in ("AUX", "PRON") or (t.pos_ == "VERB" and t.dep_ != "amod") for t in words):
        return False
    office = _match_office(words.text)
    if office is None:
        return False
    named_body = False
    if body is None:
        body = _country_after_of(par, title_end, stop)
        named_body = body is None and title_end < stop and doc[title_end].lower_ in ("of", "for", "at")
    elif title_end < stop and doc[title_end].lower_ == "of":
        return False
    mods = {t.lower_ for t in words}
    _emit(par, person, words, office, body, mods, doc[end - 1], named_body=named_body)
    return True


def find_offices(par: Paragraph) -> None:
    """Office facts for every person mention in the paragraph."""
    doc = par.doc
    seen: set[int] = set()
    for start, person in par.persons:
        if start in seen:
            continue
        seen.add(start)
        end = start
        while end < len(doc) and par.tok_ent.get(end) == person:
            end += 1
        if not _title_before(par, start, person):
            _apposition_after(par, end, person)
