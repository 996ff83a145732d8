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
from kg.extract.titles import announced, bodyish, context_country, entity_in, is_head, match_office, portfolio_word, shouting, split_body, title_run
from kg.extract.names import generic_heads
from kg.lexicon import Office, lexicon
from kg.model import COUNTRY, OFFICIAL, ORGANIZATION, Literal

_NOT_SERVING = {"former", "ex", "late", "then", "outgoing", "incoming", "would-be", "prospective"}
_LEAD_BREAKERS = {"vice", "deputy", "acting", "assistant", "under", "interim", "former"}
_DETS = {"the", "a", "an"}


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


_COMPANY_WORDS = {"co", "co.", "corp", "corp.", "inc", "inc.", "ltd", "ltd.", "plc", "llc", "group", "holdings",
                  "company", "limited", "gmbh", "sa", "s.a.", "airlines", "motors", "industries", "capital"}


def _public_body(table, lid: str) -> bool:
    """A government or international body (its officials hold public office), not a company."""
    lex = lexicon()
    ent = table.entities[lid]
    words = set(ent.name.lower().replace("'s", "").split())
    if ent.name in lex.org_forms.values() or words & lex.government_heads:
        return True
    # A national body named with its country ("Chilean Copper Institute") is the state's.
    return bool(ent.attrs.get("country")) and bool(words & lex.org_heads) and not words & _COMPANY_WORDS


def _emit(par: Paragraph, person: str, title_tokens, office: Office, body: str | None,
          modifiers: set[str], token, named_body: bool = False) -> None:
    """Record title and service facts for one person."""
    table = par.table
    lex = lexicon()
    words = list(title_tokens)
    while words and words[0].lower_ in _NOT_SERVING:
        words = words[1:]       # "then president": the office is "president"
    title = " ".join(t.text for t in words).replace(" - ", "-").strip(" ,") if words else ""
    if words and len(words) == len(title_tokens):
        title = title_tokens.text.strip(" ,")
    if not title:
        return
    ev = par.evidence(token)
    table.fact(person, "title", Literal(title), ev)
    if modifiers & _NOT_SERVING:
        return                  # "former", "then": the title as written, serving no one now
    if body is not None and table.entities[body].type == ORGANIZATION and not _public_body(table, body):
        return                  # the head of a company or an association holds no public office
    if not office.public and body is None:
        return                  # a spokesman or a founder of no named body
    weak = False
    if body is None and not office.country and not office.leader:
        body = context_country(par, token, named_body)
        weak = body is not None
    if body is None and office.country:
        body = table.add(COUNTRY, lex.countries[office.country].name, lex.countries[office.country].name,
                         (-1, -1), key=office.country)
        table.entities[body].forms.discard(lex.countries[office.country].name)
        table.entities[body].spans.remove((-1, -1))
    table.entities[person].vote(OFFICIAL, 3)
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
    if shouting(doc):
        return False
    sent_start = doc[start].sent.start
    stop = start - 1 if start - 1 > sent_start and doc[start - 1].text == "(" else start   # "Minister (Ana) Ruiz"
    first = title_run(par, stop, sent_start)
    if first >= stop:
        return _title_before_comma(par, start, person)
    run = doc[first:stop]
    office, title, body_phrase = None, None, None
    for s in range(len(run)):                       # the longest suffix that is a title
        cand = run[s:]
        if cand[0].text in ("-", "–") or cand[0].lower_ in ("and", "&"):
            continue
        if lex.office(cand.text) or (s == len(run) - 1 or not any(bodyish(t) for t in cand[:-1])):
            office = match_office(cand)
            if office:
                title, first = cand, cand.start
                break
        m, body_phrase = split_body(par, cand)
        if body_phrase is not None:
            title, first = cand[m:], cand.start
            office = match_office(title)
            if office is not None:      # the president of a body leads no state
                office = Office(office.title, False, office.country, office.public)
            break
    if office is None or (len(title) == 1 and title[0].text == "Official"):
        return _title_before_comma(par, start, person)     # "the Official Gazette": no title
    body = country = None
    named_body = False
    if body_phrase is not None and len(body_phrase):
        lead = body_phrase.start
        prev = par.tok_ent.get(lead - 1) if lead - 1 >= sent_start else None
        if prev and par.type_of(prev) == ORGANIZATION and len(body_phrase) == 1 and body_phrase[0].is_title \
                and body_phrase[0].lower_ in generic_heads():
            while lead - 1 >= sent_start and par.tok_ent.get(lead - 1) == prev:
                lead -= 1       # "Central Reserve | Board chairman": a lone generic head goes on over the body before it
            body_phrase, first = doc[lead:body_phrase.end], min(first, lead)
        _retract(par, body_phrase)
        if all(t.is_title or t.is_upper or t.lower_ in ("of", "and", "for") for t in body_phrase):
            from kg.extract.mentions import add_mention
            lead = body_phrase.start - 1
            if lead >= sent_start and doc[lead].text in lex.demonyms and par.type_of(par.tok_ent.get(lead)) == COUNTRY:
                # "Chilean Copper Institute president": a national body named with its demonym.
                body_phrase, first = doc[lead:body_phrase.end], lead
                country = par.tok_ent[lead]
            known = par.table.acronyms.get(body_phrase.text)
            name = par.table.entities[known].name if known else lex.org_forms.get(body_phrase.text, body_phrase.text)
            body = add_mention(par, ORGANIZATION, name, body_phrase.start, body_phrase.end,
                               key=par.table.entities[known].key if known else name, vote=ORGANIZATION)
            if country is not None:
                par.table.entities[body].attrs["country"] = country
        else:
            named_body = True                   # "central bank president": a body without a name
    _retract(par, title)
    before = doc[first - 1] if first - 1 >= sent_start else None
    mods = {t.lower_ for t in run}
    if before is not None:
        mods.add(before.lower_)
    owner = _owner_before(par, first, sent_start)
    if body is None:
        body = owner
    elif owner is not None and par.type_of(owner) == COUNTRY:
        par.table.entities[body].attrs.setdefault("country", owner)
    if body is None and named_body:
        body = par.table.generic_bodies.get(" ".join(t.lower_ for t in body_phrase))
    if body is None:
        body = _counterpart_country(par, first)
    if body is None:
        end = start
        while end < len(doc) and par.tok_ent.get(end) == person:
            end += 1
        body = _country_after_of(par, end, doc[start].sent.end)
    _emit(par, person, title, office, body, mods, doc[start], named_body=named_body)
    return True


def _owner_before(par: Paragraph, first: int, sent_start: int) -> str | None:
    """The country or body a title belongs to, written before it: "Japan's", "Korean", "chilean"."""
    doc = par.doc
    body, _ = _country_before(par, first)
    if body is None and first - 2 >= sent_start and doc[first - 1].text in ("'s", "’s"):
        # "the central bank's governor": a body the article tied to its country before.
        k = first - 2
        while k > sent_start and doc[k - 1].is_lower and doc[k - 1].lower_ not in _DETS:
            k -= 1
        return par.table.generic_bodies.get(" ".join(t.lower_ for t in doc[k:first - 1]))
    if body is None and first - 1 >= sent_start:
        t = doc[first - 1]
        code = lexicon().country_of(t.text, allow_ambiguous=False) if t.is_alpha else None
        if code and t.text in lexicon().demonyms or (code and t.is_lower):
            from kg.extract.mentions import add_mention
            body = add_mention(par, COUNTRY, lexicon().countries[code].name, first - 1, first, key=code)
        elif t.lower_ in lexicon().title_modifiers | _NOT_SERVING:
            body, _ = _country_before(par, first - 1)
    return body


_PREPS = {"in", "at", "to", "of", "for", "with"}


def _title_before_comma(par: Paragraph, start: int, person: str) -> bool:
    """ "The Minister of Commerce of Peru, Rosa Quispe, said", "Kenya's agricultural attache in its
    Rome embassy, Peter Mwangi,": a title phrase, a comma, the name."""
    doc = par.doc
    sent_start = doc[start].sent.start
    if start - 2 < sent_start or doc[start - 1].text != "," or shouting(doc):
        return False
    comma = start - 1
    lex = lexicon()
    for h in range(comma - 1, max(sent_start, comma - 10) - 1, -1):
        t = doc[h]
        if t.is_punct and t.text not in ("-", "."):
            return False
        if t.pos_ in ("VERB", "AUX"):
            return False
        if not is_head(t) or par.entity_at(t):
            continue
        if h + 1 < comma and doc[h + 1].lower_ not in _PREPS:
            continue
        first = title_run(par, h + 1, sent_start)
        tail_first = h + 1
        # "Minister of Commerce of Peru": the table's own "of" titles run on.
        for e in range(comma, h + 1, -1):
            if lex.office(doc[first:e].text):
                tail_first = e
                break
        title = doc[first:tail_first]
        office = match_office(title)
        if office is None:
            continue
        before = doc[first - 1] if first > sent_start else None
        if before is not None and before.lower_ not in _DETS and before.text not in ("'s", "’s", "'") \
                and not par.entity_at(before) and not lexicon().country_of(before.text, allow_ambiguous=False) \
                and before.lower_ not in ("by", "said", "says", "from", "with", "and"):
            return False
        body = _owner_before(par, first, sent_start)
        if body is None:
            body = _country_after_of(par, tail_first, comma) if tail_first < comma else None
            if body is None and tail_first < comma and doc[tail_first].lower_ == "of":
                body = entity_in(par, tail_first, comma)
        _retract(par, title)
        _emit(par, person, title, office, body, {t.lower_ for t in title} | ({before.lower_} if before is not None else set()),
              doc[start])
        return True
    return False


def _apposition_after(par: Paragraph, end: int, person: str) -> bool:
    """ "<name>, [the] [Country's|Country|demonym] <title> [of|for <body or country>]," """
    doc = par.doc
    sent_end = doc[end - 1].sent.end if end > 0 else len(doc)
    if end >= sent_end or doc[end].text != "," or shouting(doc):
        return False
    lex = lexicon()
    stop = end + 1
    while stop < sent_end and stop - end <= 14 and doc[stop].text not in (",", ";", ".", "(", ")", "—", "–", ":"):
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
    elif i < stop and doc[i].is_lower and lex.country_of(doc[i].text, allow_ambiguous=False):
        body = _owner_before(par, i + 1, i)
        i += 1
    run_end = i
    while run_end < stop and not par.entity_at(doc[run_end]) and (
            portfolio_word(doc[run_end]) or is_head(doc[run_end]) or doc[run_end].lower_ in lex.title_modifiers
            or (doc[run_end].text == "-" and run_end > i)) and doc[run_end].pos_ not in ("AUX", "PRON", "DET", "ADP") \
            and not (doc[run_end].pos_ == "VERB" and doc[run_end].dep_ != "amod"):
        run_end += 1
    title, office = None, None
    for e in range(run_end, i, -1):
        if is_head(doc[e - 1]) or lex.office(doc[i:e].text):
            office = match_office(doc[i:e])
            if office:
                title = doc[i:e]
                break
    if office is None:
        return False
    e = title.end
    # "minister for fisheries and forests", "head of research": portfolio words after the head.
    if e + 1 < stop and doc[e].lower_ in ("for", "of") and doc[e + 1].is_lower:
        k = e + 1
        while k < stop and doc[k].is_lower and portfolio_word(doc[k]) and doc[k].pos_ not in ("DET", "ADP"):
            k += 1
        if k > e + 1 and match_office(doc[i:k]):
            title, e = doc[i:k], k
    named_body = False
    if body is not None and par.type_of(body) == COUNTRY and e < stop and doc[e].lower_ in ("of", "at"):
        staff_of = entity_in(par, e, stop)
        if staff_of and par.type_of(staff_of) == ORGANIZATION:
            body = staff_of     # "the Estonia manager of Acme Bank": the bank's post for Estonia, no state's
    if body is None and e < stop and doc[e].lower_ in ("of", "for", "at", "to"):
        body = _country_after_of(par, e, stop) or entity_in(par, e, stop)
        if body is None and doc[e].lower_ in ("of", "for", "at"):
            named_body = any(t.lower_ in lex.government_heads for t in doc[e:stop])
            if not named_body and any(t.lower_ in lex.org_heads or t.lower_ in lex.company_nouns for t in doc[e:stop]):
                # "secretary general of the steel producers' association": a private body, no state's
                _retract(par, title)
                _emit(par, person, title, Office(office.title, False, None, False), None, set(), doc[end - 1])
                return True
    _retract(par, title)
    _emit(par, person, title, office, body, {t.lower_ for t in title}, doc[end - 1], named_body=named_body)
    return True


def find_offices(par: Paragraph) -> None:
    """Office facts for every person mention in the paragraph."""
    doc = par.doc
    if not par.persons and par.table.announced_official is None:
        announced(par)
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
