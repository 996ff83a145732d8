"""A measure's state and dates from the words that govern it: kg:status, and whether a date is when
it takes effect or when it ends. Word lists are data (kg/data/triggers.json: "status",
"effective_words", "end_words")."""
from __future__ import annotations

import re

from kg.extract.context import base, verb_forms
from kg.extract.measures import TRADE_WORDS as _TRADE_WORDS, words as _words
from kg.lexicon import lexicon

_MODALS_PROPOSED = {"would", "should", "might", "could", "may"}


def _status_table() -> dict[str, list[str]]:
    return lexicon().triggers.get("status", {})


# ----------------------------------------------------------------------- status

def status(anchor, gov) -> str | None:
    """The policy's state from the words that govern it: the nearest cue wins.

    "threatened to impose" → Threatened; "proposed", "plans to", "would ban", "a bill to" → Proposed;
    "suspended" → Suspended; "lifted", "removed", "ended" → Lifted; "imposed", "banned", "in force" → InForce.
    """
    table = {k: set(v) for k, v in _status_table().items()}
    node = anchor
    for _ in range(8):      # "if it were to revoke permits": a hypothesis states no status
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in node.children):
            return None
        if node.head.i == node.i:
            break
        node = node.head
    node = anchor
    for _ in range(6):
        cue = _cue(node, table, node is anchor)
        if cue:
            return cue
        if node.head.i == node.i:
            break
        if node.dep_ in ("relcl",) and node.head.pos_ == "NOUN":
            # "a plan that would ban imports": the noun it describes.
            cue = _noun_cue(node.head, table)
            if cue:
                return cue
        node = node.head
    return None


def _noun_cue(noun, table) -> str | None:
    for state, words in table.items():
        if base(noun) in words or noun.lower_ in words:
            return state
    for c in noun.children:
        if c.dep_ in ("amod", "compound") and (c.lower_ in table.get("Proposed", ()) or base(c) in table.get("Proposed", ())):
            return "Proposed"
    return None


def _cue(node, table, is_anchor: bool) -> str | None:
    if node.pos_ in ("NOUN", "PROPN"):
        for c in node.children:
            if c.dep_ in ("amod", "compound"):
                for state in ("Proposed", "Threatened", "Suspended", "Lifted"):
                    if c.lower_ in table.get(state, ()) or (verb_forms(c) & table.get(state, ()) and c.tag_ == "VBN"):
                        return state
        if not is_anchor:
            return _noun_cue(node, table) if node.dep_ not in ("pobj",) else None
        return None
    if node.pos_ not in ("VERB", "AUX"):
        return None
    forms = verb_forms(node)
    aux = {c.lower_ for c in node.children if c.dep_ in ("aux", "auxpass")}
    for state in ("Threatened", "Proposed", "Suspended", "Lifted"):
        if forms & table.get(state, ()) and not (is_anchor and state in ("Suspended",) and _is_measure_verb(node)):
            if state in ("Suspended", "Lifted") and node.dep_ == "xcomp" and verb_forms(node.head) & (
                    table.get("Proposed", set()) | table.get("Threatened", set()) | {"press", "pressure", "pressuring"}):
                return "InForce"    # "will press Japan to eliminate the quota": it is still in force
            return state
    if aux & _MODALS_PROPOSED:
        return "Proposed"
    if forms & table.get("InForce", ()) or (is_anchor and node.tag_ in ("VBD", "VBN", "VBZ", "VBP")):
        if node.tag_ == "VB" and not aux & {"will", "shall", "'ll"} and node.dep_ in ("xcomp",):
            return None     # "decided to ..." is read at its head
        return "InForce"
    return None


def _is_measure_verb(node) -> bool:
    """ "suspended exports": the verb is the measure (an export ban), not a suspension of one."""
    return any(c.dep_ in ("dobj", "nsubjpass") and (c.lower_ in _TRADE_WORDS or base(c) in _TRADE_WORDS)
               for c in node.children)


# ----------------------------------------------------------------------- dates

_EFFECT_RE = re.compile(r"\b(?:with immediate effect|effective immediately|with effect from today|immediate(?:ly)?)\b", re.I)


def date_role(ent) -> str | None:
    """ "effective" for "from July 1", "put into force on May 3", "taking effect on", "as of";
    "end" for "until June 2026", "through", "expire on"; else None (an announcement date)."""
    doc = ent.doc
    before = " ".join(t.lower_ for t in doc[max(ent.sent.start, ent.start - 6):ent.start])
    first = doc[ent.start]
    prep = first.head if first.head.dep_ == "prep" else None
    if first.lower_ in ("from", "until", "till", "through"):
        prep = first
    word = prep.lower_ if prep is not None else (doc[ent.start - 1].lower_ if ent.start > 0 else "")
    if word in _words("end_words") or re.search(r"\b(until|till|through|expires? on|expired? in|ends? on|ending)$", before):
        return "end"
    if word in _words("effective_words") or re.search(
            r"\b(from|effective|as of|starting|beginning|since)$|\b(into force|into effect|take effect|takes effect|took effect|"
            r"taking effect|go into effect|goes into effect|come into effect|comes into force|enter into force|enters into force|"
            r"entered into force|in force|effect)(?: on| from| in)?$", before):
        return "effective"
    return None


def immediate(sent) -> bool:
    return bool(_EFFECT_RE.search(sent.text))
