"""Where a name begins and ends, and whether it names a person or a body.

Patterns of newswire English that the NER gets wrong on real stories:

- a name set off by commas next to a title is a person ("Ana Ruiz, deputy trade commissioner of
  the Andean Pact," / "The new chairman of the Fund, Lars Berg,"), whatever the NER's label;
- a bare surname of a person the article has named in full is that person, not a body;
- a body's name is not cut at a country word, a number or a hyphen ("Bank of Korea",
  "Group of 20", "Trans-Pacific Forum");
- a lone generic head ("the Board", "the Commission") is the full body the article named with
  that head, or nothing;
- a title before "of" is the office, not part of the body ("Chairman of the Kenya Tea Board");
  a body's known name is not fused with the person's name that follows it.

These functions read tokens only (text, case, part of speech), never the model's parse.
"""
from __future__ import annotations

import json
from functools import lru_cache

from kg.extract.titles import is_head
from kg.lexicon import DATA_DIR, lexicon, norm_title
from kg.model import ORGANIZATION, PERSON

_DETS = {"the", "a", "an"}
_NAME_JOINERS = {"of", "for"}


@lru_cache(maxsize=1)
def _rules() -> dict:
    return json.loads((DATA_DIR / "name_rules.json").read_text(encoding="utf-8"))


def generic_heads() -> frozenset[str]:
    """Words that name a kind of body, not one body, when they stand alone ("the Board", "MPs")."""
    return frozenset(w.lower() for w in _rules()["generic_heads"])


def _person_noun(doc, k: int) -> bool:
    """An office head ("commissioner", "Director General") or a person's calling ("professor")."""
    return is_head(doc[k]) or _two_word_head(doc, k) or doc[k].lower_ in _rules()["appositive_nouns"]


def _name_like(words) -> bool:
    """2-4 capitalised words (particles and hyphens allowed), none a body's head word."""
    lex = lexicon()
    alpha = [t for t in words if t.text != "-"]
    return 2 <= len(alpha) <= 4 and all(t.is_title or t.text in lex.name_particles for t in alpha) \
        and not {t.lower_ for t in words} & lex.org_heads and doc_text(words) not in lex.org_forms


def doc_text(words) -> str:
    return words.text if hasattr(words, "text") else " ".join(t.text for t in words)


def _title_after(doc, end: int) -> bool:
    """ ", external relations commissioner of ...": a comma, then lower-case words and a title head."""
    if end >= len(doc) or doc[end].text != ",":
        return False
    lex = lexicon()
    for k in range(end + 1, min(len(doc), end + 8)):
        t = doc[k]
        if _person_noun(doc, k) and (k + 1 >= len(doc) or doc[k + 1].lower_ in ("of", "for", "at", "to", ",", ".", "and")
                           or doc[k + 1].is_punct):
            return True
        if not (t.lower_ in _DETS or t.is_lower and t.is_alpha or t.lower_ in lex.title_modifiers
                or t.text in ("'s", "’s", "-") or is_head(t)):
            return False
    return False


def _two_word_head(doc, k: int) -> bool:
    """ "Director General", "Executive Secretary": a head of two words ending at token k."""
    return k > 0 and norm_title(doc[k - 1:k + 1].text) in lexicon().office_heads


def untagged_names(doc) -> list[tuple[int, int]]:
    """ "Hideo Tanabe, Director General of the ...": a name the NER left out, with an appositive title."""
    out = []
    n = len(doc)
    i = 0
    while i < n:
        j = i
        while j < n and doc[j].is_title and doc[j].is_alpha and not doc[j].ent_type_ and j - i < 4:
            j += 1
        if j - i >= 2 and (i == 0 or doc[i - 1].is_punct or doc[i].i == doc[i].sent.start) \
                and appositive_person(doc, i, j) and not any(is_head(t) for t in doc[i:j]):
            out.append((i, j))
        i = max(j, i + 1)
    return out


def _title_before(doc, start: int) -> bool:
    """ "The new head of the Bank, X": a title head, "of" and a body, then a comma right before X."""
    if start < 3 or doc[start - 1].text != ",":
        return False
    for k in range(start - 2, max(-1, start - 10), -1):
        t = doc[k]
        if t.text in (",", ";", ".") or t.pos_ in ("VERB", "AUX"):
            return False
        if is_head(t) and doc[k + 1].lower_ in ("of", "at", "for") and (
                k == t.sent.start or doc[k - 1].lower_ in _DETS or doc[k - 1].is_lower or doc[k - 1].text == ","):
            return True
    return False


def appositive_person(doc, start: int, end: int) -> bool:
    """A name with an appositive title on either side is a person's, whatever the NER said."""
    return _name_like(doc[start:end]) and (_title_after(doc, end) or _title_before(doc, start))


def person_surname(par, start: int, end: int) -> bool:
    """A one-word "body" that is the family name of a person the article already named in full."""
    if end - start != 1:
        return False
    word = par.doc[start].text
    return any(e.type == PERSON or e.votes.get(PERSON) for e in par.table.entities.values()
               if e.forms and len(e.name.split()) >= 2 and e.name.replace("-", " ").split()[-1] == word
               and e.type != ORGANIZATION)


def extend_body(doc, start: int, end: int) -> tuple[int, int]:
    """Grow a body's span over what the NER cut off: "Bank of | Korea", "Group | of 20",
    "the Inter- | Pacific Fund", "Trans | - | Pacific Forum"."""
    n = len(doc)
    lex = lexicon()
    # left: words joined by a hyphen without spaces ("Trans-Pacific Fund" cut to "Pacific Fund")
    while start >= 2 and doc[start - 1].text in ("-", "–") and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_ and doc[start - 2].is_title:
        start -= 2
    # right: a name that ends in "of", "for" or a hyphen goes on over capitalised words or a number
    last = doc[end - 1]
    grow = last.lower_ in _NAME_JOINERS or (last.text.endswith("-") and not last.whitespace_) or (
        last.text in ("-", "–") and not last.whitespace_) or (
        end + 1 < n and doc[end].text in ("-", "–") and not doc[end - 1].whitespace_ and not doc[end].whitespace_
        and doc[end + 1].is_title)      # "the Inter-" trimmed to "Inter"
    if not grow and end + 1 < n and doc[end].lower_ == "of" and last.lower_ in lex.org_heads \
            and (doc[end + 1].like_num or doc[end + 1].lower_ in _NUMBER_WORDS):
        end += 1        # "Group | of 20"
        grow = True
    if grow:
        j = end
        while j < n and not stops_name(doc[j]) and (doc[j].is_title or (doc[j].is_upper and doc[j].is_alpha) or (
                j > start and doc[j - 1].lower_ == "of" and (doc[j].like_num or doc[j].lower_ in _NUMBER_WORDS))
                or (doc[j].text in ("-", "–") and not doc[j].whitespace_ and j + 1 < n and doc[j + 1].is_title)
                or (doc[j].lower_ in ("and", "of", "for") and j + 1 < n and doc[j + 1].is_title)):
            j += 1
        while j > end and doc[j - 1].lower_ in ("and", "of", "for", "-"):
            j -= 1
        if j > end:
            end = j
    return start, end


def stops_name(token) -> bool:
    """A body's name does not run on into a title or a person's name ("... of Mining Deputy Director Ana Ruiz")."""
    lex = lexicon()
    return is_head(token) or token.lower_ in lex.title_modifiers or token.ent_type_ == "PERSON"


def portfolio_of_title(doc, start: int) -> bool:
    """ "Vice President for International Markets": capitalised words after a title head and "for"
    are the title's portfolio, not a body."""
    return start >= 2 and doc[start - 1].lower_ == "for" and (is_head(doc[start - 2]) or _two_word_head(doc, start - 2))


def numbered_body(words) -> bool:
    """ "Group of 15": a body's head, "of" and a number (a number is otherwise no part of a name)."""
    return len(words) == 3 and words[0].lower_ in lexicon().org_heads and words[1].lower_ == "of" and words[2].like_num


_NUMBER_WORDS = {"two", "three", "five", "seven", "eight", "ten", "twenty"}


def title_prefix_end(doc, start: int, end: int) -> int:
    """ "President of the Kenya Tea Board": the first token of the body after an office title and
    "of"/"at" (``start`` when the span does not open with a title)."""
    lex = lexicon()
    for k in range(start + 1, min(end - 1, start + lex.office_max_words + 2)):
        if doc[k].lower_ in ("of", "at") and (lex.office(doc[start:k].text) or is_head(doc[k - 1])) \
                and doc[start].is_title and not doc[start].lower_ in lex.org_heads:
            m = k + 1
            while m < end and doc[m].lower_ in _DETS:
                m += 1
            return m if end - m >= 1 else start
    return start


def _squash(name: str) -> str:
    """A body's name for matching: no case, spaces or hyphens ("Co-operation" = "Cooperation")."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


@lru_cache(maxsize=1)
def known_forms() -> frozenset[str]:
    return frozenset(_squash(f) for f in lexicon().org_forms)


def known_body_then_person(par, start: int, end: int) -> int | None:
    """ "the Nordic Council of Ministers Lars Berg": a body's known name followed by a person's
    name; the token where the person's name begins, or None."""
    lex = lexicon()
    doc = par.doc
    forms = {_squash(f) for e in par.table.entities.values() if e.type == ORGANIZATION for f in e.forms}
    for k in range(end - 2, start, -1):
        body = _squash(doc[start:k].text)
        if (body in known_forms() or body in forms) and _name_like(doc[k:end]):
            return k
    return None


def lone_generic(par, start: int, end: int) -> str | None | bool:
    """A lone generic head ("the Board"): the local id of the one body of the article whose name
    ends in that head (its alias), False when there is none (no body at all), None when the
    span is not a lone generic head."""
    doc = par.doc
    if end - start != 1 or doc[start].lower_ not in generic_heads():
        return None
    word = doc[start].lower_
    bodies = {lid for lid, e in par.table.entities.items() if e.type == ORGANIZATION and e.forms
              and len(e.name.split()) > 1 and e.name.split()[-1].lower() == word}
    return next(iter(bodies)) if len(bodies) == 1 else False


def fragment_person(par, start: int, end: int) -> bool:
    """Words the NER took for a person that are no one: the last name of a firm ("Acme, Ode and
    | Lund"), a plural noun after an article ("The Banks have ...")."""
    doc = par.doc
    if end - start != 1:
        return False
    if start >= 2 and doc[start - 1].lower_ in ("and", "&") and par.type_of(par.tok_ent.get(start - 2)) == ORGANIZATION:
        return True
    nxt = doc[end] if end < len(doc) else None
    return start > 0 and doc[start - 1].lower_ in _DETS and (nxt is None or nxt.pos_ in ("VERB", "AUX", "PUNCT")
                                                             or nxt.is_punct)
