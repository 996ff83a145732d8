"""Office titles as wires write them, beyond the closed table of offices.

A title is [modifiers] [portfolio words] HEAD [for|of portfolio words], with HEAD one of the
office head nouns of ``offices.json`` ("minister", "commissioner", "ambassador", "vice-chairman",
"spokesman", "counsellor"...): "External Trade Commissioner", "fisheries and oceans minister",
"secretary for trade and industry", "subcommittee chairman". The table of full titles still
decides which offices lead a state and which belong to one country ("Treasury Secretary").
These functions read tokens only (text, case, part of speech), never the model.
"""
from __future__ import annotations

from kg.extract.context import Paragraph
from kg.lexicon import Office, lexicon, norm_title
from kg.model import COMMODITY, COUNTRY, ORGANIZATION, PERSON

LEAD_BREAKERS = {"vice", "deputy", "acting", "assistant", "under", "interim", "former", "co"}
_JOINERS = {"and", "&"}
_POS_OK = {"NOUN", "PROPN", "ADJ", ""}          # "" for hand-built Docs without tags
_PORTFOLIO_PREPS = {"for", "of"}


def shouting(doc) -> bool:
    """An all-caps line (a wire headline): its words are no evidence of titles."""
    found = doc.user_data.get("kg_shouting")
    if found is None:
        letters = [c for c in doc.text if c.isalpha()]
        found = len(letters) > 8 and sum(c.isupper() for c in letters) > 0.8 * len(letters)
        doc.user_data["kg_shouting"] = found
    return found


def head_office(words: str) -> Office | None:
    """The Office for a bare head noun ("minister", "vice-chairman" → chairman), or None."""
    parts = norm_title(words).split(" ")
    heads = lexicon().office_heads
    for k in range(len(parts)):
        rest = " ".join(parts[k:])
        if rest in heads and all(p in lexicon().title_modifiers for p in parts[:k]):
            found = heads[rest]
            return Office(words, found.leader and not (set(parts[:k]) & LEAD_BREAKERS), None, found.public)
    return None


def is_head(token) -> bool:
    return norm_title(token.text) in lexicon().office_heads or norm_title(token.text).split(" ")[-1] in lexicon().office_heads


def portfolio_word(token) -> bool:
    """A word that can stand in a title before or after its head: "fisheries", "Foreign", "energy"."""
    if token.lower_ in _JOINERS:
        return True
    if not token.text.replace("-", "").isalpha():
        return False
    return token.pos_ in _POS_OK or (token.pos_ == "VERB" and token.dep_ == "amod")


def match_office(tokens) -> Office | None:
    """An Office for a run of tokens written as a title, from the table or from the grammar."""
    lex = lexicon()
    words = " ".join(t.text for t in tokens)
    if not words:
        return None
    found = lex.office(words)
    if found:
        return found
    parts = norm_title(words).split(" ")
    for k in range(1, len(parts)):
        rest = " ".join(parts[k:])
        if all(p in lex.title_modifiers for p in parts[:k]) and lex.office(rest):
            found = lex.office(rest)
            return Office(words, found.leader and not (set(parts[:k]) & LEAD_BREAKERS), found.country, found.public)
    toks = list(tokens)
    # HEAD at the end, portfolio words before it ("Foreign Economic Relations Commissioner").
    for h in (2, 1):
        if len(toks) < h:
            continue
        head = head_office(" ".join(t.text for t in toks[-h:]))
        if head is None:
            continue
        prefix = toks[:-h]
        if prefix and (prefix[0].lower_ in _JOINERS or not all(portfolio_word(t) for t in prefix)):
            continue
        lead = head.leader and all(t.lower_ in lex.title_modifiers for t in prefix) \
            and not ({t.lower_ for t in prefix} & LEAD_BREAKERS)
        return Office(words, lead, None, head.public)
    # HEAD first, then "for/of" and portfolio words ("minister for fisheries and forests").
    for i, t in enumerate(toks[:-2]):
        if toks[i + 1].lower_ in _PORTFOLIO_PREPS and head_office(" ".join(x.text for x in toks[:i + 1])):
            rest = toks[i + 2:]
            if rest[0].lower_ not in _JOINERS and all(portfolio_word(x) for x in rest):
                head = head_office(" ".join(x.text for x in toks[:i + 1]))
                return Office(words, False, None, head.public)
    return None


def title_run(par: Paragraph, end: int, sent_start: int) -> int:
    """The first token of the run of title-like words that ends before token ``end``."""
    doc = par.doc
    lex = lexicon()
    k = end - 1
    while k >= sent_start and end - k <= 9:
        t = doc[k]
        lid = par.tok_ent.get(k)
        if lid and par.type_of(lid) not in (ORGANIZATION, COMMODITY):
            break                       # a person or a country ends the title; "Oil Minister" does not
        if lid and par.table.entities[lid].name in lex.org_forms.values():
            break                       # "EU", "WTO": the body, not a title word
        if lid and par.type_of(lid) == ORGANIZATION and not any(
                is_head(doc[x]) for x in range(max(sent_start, k - 8), min(len(doc), k + 8))
                if par.tok_ent.get(x) == lid) and not any(
                lex.office(doc[x:end].text) for x in range(max(sent_start, k - 6), k + 1)):
            break                       # a body the NER named whole: "Acme Shipping spokesman"
        if lid and par.type_of(lid) == ORGANIZATION and not is_head(t) and t.lower_ not in lex.title_modifiers and any(
                doc[x].lower_ in ("of", "for") and par.tok_ent.get(x) == lid for x in range(max(sent_start, k - 8), k)):
            break                       # "Bank of Korea governor": a body named with "of" is whole
        if t.is_lower and lex.country_of(t.text, allow_ambiguous=False):
            break                       # "bolivian mines minister": the demonym is the owner
        if t.text in ("-", "–") and k > sent_start and doc[k - 1].is_alpha:
            k -= 1
            continue
        low = t.lower_
        if low in lex.title_modifiers or is_head(t):
            k -= 1
            continue
        if low in ("of", "for") and k - 1 >= sent_start and is_head(doc[k - 1]) or (
                low == "the" and k - 2 >= sent_start and doc[k - 1].lower_ == "of" and is_head(doc[k - 2])):
            k -= 1              # "Secretary of the Treasury", "Minister for Trade"
            continue
        if t.is_stop and low not in ("and",) or t.pos_ in ("VERB", "AUX", "DET", "PRON", "ADP", "NUM") \
                or not portfolio_word(t) or (not t.is_lower and t.i == sent_start and low in ("the", "a")):
            break
        k -= 1
    start = k + 1
    while start < end and doc[start].lower_ in ("and", "&", "-"):
        start += 1
    return start


def split_body(par: Paragraph, run) -> tuple[int, object]:
    """Where a body named inside a title run ends: "Senate Banking Committee chairwoman"."""
    for m in range(len(run) - 1, 0, -1):
        lid = par.tok_ent.get(run[m - 1].i)
        named_end = lid is not None and par.type_of(lid) == ORGANIZATION and par.tok_ent.get(run[m].i) != lid \
            and len(run[:m]) > 1     # "Bank of Korea governor": the body's name ends where its mention ends
        if (bodyish(run[m - 1]) or named_end) and match_office(run[m:]):
            return m, run[:m]       # "ATC chairman": the acronym is the body
    return 0, None


def bodyish(token) -> bool:
    """A word that ends a body's name inside a title run: an organization head word or an acronym."""
    lex = lexicon()
    return token.lower_ in lex.org_heads or (token.is_upper and token.is_alpha and 2 <= len(token) <= 6
                                              and token.lower_ not in lex.title_modifiers)


def entity_in(par: Paragraph, i: int, end: int) -> str | None:
    """The body named in tokens [i, end), else the last country named there by its name (a demonym
    there qualifies something else: "head of research for Latin American markets")."""
    found = None
    for k in range(i, end):
        lid = par.tok_ent.get(k)
        if lid and par.type_of(lid) == ORGANIZATION:
            return lid
        if lid and par.type_of(lid) == COUNTRY and par.doc[k].text not in lexicon().demonyms:
            found = lid
    return found


def context_country(par: Paragraph, token, named_body: bool) -> str | None:
    """A default any explicit fact overrules: the one country the sentence names, the country of an
    unnamed official the lead announced ("A senior Danish official said ..."), else the dateline's
    when the sentence names no other country."""
    table = par.table
    # A country that qualifies someone's counterpart is the counterpart's ("his Chinese counterpart").
    countries = {par.tok_ent.get(t.i) for t in token.sent
                 if not (t.head.lower_ in ("counterpart", "counterparts") or t.nbor(1).lower_ in ("counterpart", "counterparts")
                         if t.i + 1 < len(t.doc) else False)} - {None}
    countries = {c for c in countries if table.entities[c].type == COUNTRY}
    if len(countries) == 1 and not named_body:
        return next(iter(countries))
    if table.announced_official is not None and not countries:
        found, table.announced_official = table.announced_official, None
        return found
    if table.home_country and not (countries - {table.home_country}):
        return table.home_country
    return None


def announced(par: Paragraph) -> None:
    """ "A senior Danish official said ...": a lead that names the official's country, not the name."""
    doc = par.doc
    for t in doc:
        if t.lower_ in lexicon().office_heads and t.i > 0 and not any(
                par.type_of(par.tok_ent.get(x.i)) == PERSON for x in t.sent):
            lid = par.tok_ent.get(t.i - 1)
            if lid and par.type_of(lid) == COUNTRY and doc[t.i - 1].text in lexicon().demonyms \
                    and t.sent.start < t.i - 1 and doc[t.sent.start].lower_ in ("a", "an"):
                par.table.announced_official = lid
                return
