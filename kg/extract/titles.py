"""Office titles as wires write them, beyond the closed table of offices.

A title is [modifiers] [portfolio words] HEAD [for|of portfolio words], with HEAD one of the
office head nouns of ``offices.json`` ("minister", "commissioner", "ambassador", "vice-chairman",
"spokesman", "counsellor"...): "External Trade Commissioner", "energy and mines minister",
"secretary for trade and industry", "subcommittee chairman". The table of full titles still
decides which offices lead a state and which belong to one country ("Treasury Secretary").
These functions read tokens only (text, case, part of speech), never the model.
"""
from __future__ import annotations

from kg.lexicon import Office, lexicon, norm_title

LEAD_BREAKERS = {"vice", "deputy", "acting", "assistant", "under", "interim", "former", "co"}
_JOINERS = {"and", "&"}
_POS_OK = {"NOUN", "PROPN", "ADJ", ""}          # "" for hand-built Docs without tags
_PORTFOLIO_PREPS = {"for", "of"}


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
    """A word that can stand in a title before or after its head: "energy", "External", "trade"."""
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
    # HEAD at the end, portfolio words before it ("External Trade Commissioner").
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
    # HEAD first, then "for/of" and portfolio words ("secretary for trade and industry").
    for i, t in enumerate(toks[:-2]):
        if toks[i + 1].lower_ in _PORTFOLIO_PREPS and head_office(" ".join(x.text for x in toks[:i + 1])):
            rest = toks[i + 2:]
            if rest[0].lower_ not in _JOINERS and all(portfolio_word(x) for x in rest):
                head = head_office(" ".join(x.text for x in toks[:i + 1]))
                return Office(words, False, None, head.public)
    return None
