"""Events: calls, meetings, talks, summits, with who took part and who started them.

"X held a telephone conversation with Y", "X and Y spoke in a phone
conversation", "X spoke by phone with Y" give participants; "initiated by X",
"at X's request", "at the request of X" give the initiator. A later definite
mention of the same kind ("the call", "this call", "Thursday's call") is the
same event.
"""
from __future__ import annotations

from kg.extract.context import Paragraph, base, verb_forms
from kg.extract.dates import parse_date
from kg.lexicon import lexicon
from kg.model import COUNTRY, EVENT, OFFICIAL, ORGANIZATION, PERSON

FAMILIES = {
    "call": "call", "conversation": "call", "phone": "call", "telephone": "call",
    "talk": "talks", "negotiation": "talks", "dialogue": "talks", "discussion": "talks",
    "meeting": "meeting", "summit": "summit", "visit": "visit", "videoconference": "call",
}
_AGENTS = (PERSON, OFFICIAL, COUNTRY, ORGANIZATION)
_MEET = {"meet", "host", "receive", "visit", "call", "phone"}
_ATTEND = {"attend", "chair", "host", "join", "hold", "convene", "lead"}
_SPEAK = {"speak", "talk", "phone", "confer"}
_INITIATE = {"initiate", "initiated", "request", "requested", "arrange", "arranged", "seek", "sought",
             "convene", "convened", "call", "called", "organize", "organized", "host", "hosted"}


def _is_trigger(token) -> str | None:
    nouns = set(lexicon().triggers["event"]["nouns"])
    if token.pos_ not in ("NOUN", "PROPN"):
        return None
    b = base(token)
    if b == "talk" and token.lower_ != "talks":
        return None
    if b in nouns or token.lower_ in nouns:
        return FAMILIES.get(b, b)
    return None


def _conj_group(token):
    yield token
    for t in token.subtree:
        if t.dep_ == "conj" and t.head.i != t.i:
            yield t


def _agents_in(par: Paragraph, tokens) -> list[str]:
    found = []
    for t in tokens:
        lid = par.agent_at(t)
        if lid and par.type_of(lid) in _AGENTS and lid not in found:
            found.append(lid)
    return found


_GROUPS = {"official", "delegation", "negotiator", "leader", "minister", "representative", "envoy", "diplomat",
           "team", "side"}


def _participants(par: Paragraph, trig, verb) -> list[str]:
    found: list[str] = []
    def extend(lids):
        for lid in lids:
            if lid not in found:
                found.append(lid)
    for c in trig.children:
        if c.dep_ == "prep" and c.lower_ in ("with", "between", "among"):
            extend(_agents_in(par, c.subtree))
        if c.dep_ == "poss":
            extend(_agents_in(par, [c]))
    if verb is not None:
        for c in verb.children:
            if c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and c.i != trig.i):
                extend(_agents_in(par, _conj_group(c)))
                if base(c) in _GROUPS:
                    # "Officials from Vietnam and the Philippines held a video call"
                    for p in c.children:
                        if p.dep_ == "prep" and p.lower_ in ("from", "of"):
                            extend(_agents_in(par, p.subtree))
            if c.dep_ == "prep" and c.lower_ in ("with", "between"):
                extend(_agents_in(par, c.subtree))
            if c.dep_ == "dobj" and c.i != trig.i and verb_forms(verb) & (_MEET | {"telephone"}):
                extend(_agents_in(par, _conj_group(c)))
    # "a ceremony attended by X and Y", "the meeting was chaired by X"
    holders = [c for c in trig.children if c.dep_ in ("acl", "relcl")]
    if verb is not None and trig.dep_ == "nsubjpass":
        holders.append(verb)
    for h in holders:
        if verb_forms(h) & _ATTEND:
            for c in h.children:
                if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                    extend(_agents_in(par, c.subtree))
            for c in h.children:
                if c.dep_ == "conj" and verb_forms(c) & _ATTEND:
                    for g in c.children:
                        if g.dep_ == "agent" or (g.dep_ == "prep" and g.lower_ == "by"):
                            extend(_agents_in(par, g.subtree))
    return found


def _initiator(par: Paragraph, trig) -> str | None:
    """ "initiated by X", "at X's request", "at the request of X" within the trigger's reach."""
    sent = trig.sent
    for t in sent:
        if t.lower_ in ("initiated", "requested", "arranged", "convened", "sought", "organized", "proposed") \
                and (t.head.i == trig.i or t.i == trig.head.i or abs(t.i - trig.i) <= 6):
            for c in t.children:
                if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                    lids = _agents_in(par, c.subtree)
                    if lids:
                        return lids[0]
                if c.dep_ == "prep" and c.lower_ == "at":
                    lid = _request(par, c)
                    if lid:
                        return lid
        if t.lower_ == "at" and (abs(t.i - trig.i) <= 8 or t.head.i == trig.i):
            lid = _request(par, t)
            if lid:
                return lid
    return None


def _request(par: Paragraph, prep) -> str | None:
    for g in prep.children:
        if g.dep_ == "pobj" and base(g) in ("request", "invitation", "initiative", "suggestion"):
            for c in g.children:
                if c.dep_ == "poss":
                    lids = _agents_in(par, [c])
                    if lids:
                        return lids[0]
                if c.dep_ == "prep" and c.lower_ == "of":
                    lids = _agents_in(par, c.subtree)
                    if lids:
                        return lids[0]
    return None


def _verb_of(trig):
    t = trig
    for _ in range(3):
        if t.head.pos_ in ("VERB", "AUX") and t.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass", "attr", "prep"):
            return t.head
        if t.dep_ in ("pobj", "prep"):
            t = t.head
            continue
        break
    return None


def _label(trig) -> str:
    doc = trig.doc
    left = trig.i
    for c in trig.lefts:
        if c.dep_ in ("compound",) or (c.dep_ == "amod" and c.lower_ in ("phone", "telephone", "video")):
            left = min(left, c.left_edge.i)     # "closed-door talks", not "door talks"
    return doc[left:trig.i + 1].text


def _verb_label(verb) -> str:
    """ "spoke by phone", "met": the words of the text that name the event."""
    doc = verb.doc
    end = verb.i + 1
    for c in verb.rights:
        if c.dep_ == "prep" and any(g.lower_ in ("phone", "telephone") for g in c.children):
            end = max(g.i for g in c.children) + 1
            break
        if c.dep_ == "prep" and c.lower_ == "with":
            end = c.i + 1
            break
    return doc[verb.i:end].text


def find_events(par: Paragraph, state: dict) -> None:
    """Events of a paragraph; ``state`` carries the article's last event per family."""
    table = par.table
    for token in par.doc:
        family = _is_trigger(token)
        verb = _verb_of(token) if family else None
        if family is None and token.pos_ == "VERB" and verb_forms(token) & _SPEAK:
            # "X spoke by phone with Y", "X spoke with Y" (a person)
            if any(c.dep_ == "prep" and any(g.lower_ in ("phone", "telephone") or (
                    c.lower_ == "with" and par.type_of(par.agent_at(g)) in (PERSON, OFFICIAL)) for g in c.children)
                   for c in token.children):
                family, verb = "call", token
        if family is None and token.pos_ == "VERB" and verb_forms(token) & {"meet", "phone", "telephone", "call"} \
                and token.tag_ in ("VBD", "VBZ", "VBP") and not any(c.dep_ in ("oprd", "xcomp") for c in token.children):
            # "He met Chinese Vice Premier Huang Lei in Beijing", "Ruiz phoned Tanaka"
            if any(c.dep_ == "dobj" and par.type_of(par.agent_at(c)) in (PERSON, OFFICIAL) for c in token.children):
                family = "meeting" if verb_forms(token) & {"meet"} else "call"
                verb = token
        if family is None:
            continue
        parts = _participants(par, token, verb)
        people = [p for p in parts if par.type_of(p) in (PERSON, OFFICIAL)]
        if people:
            parts = people + [p for p in parts if par.type_of(p) == ORGANIZATION and False]
        initiator = _initiator(par, token)
        ev = par.evidence(token)
        definite = any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that") or c.ent_type_ == "DATE"
                       for c in token.children)
        previous = state.get(family)
        if previous and (definite or not parts):
            eid = previous
        elif len(set(parts) | ({initiator} if initiator else set())) >= 2:
            eid = table.new(EVENT, _label(token) if token.pos_ != "VERB" else _verb_label(token), (ev.start, ev.end))
            table.entities[eid].attrs["family"] = family
            state[family] = eid
        else:
            continue
        for p in parts:
            table.fact(eid, "participant", p, ev)
        if initiator:
            table.fact(eid, "initiatedBy", initiator, ev)
            if initiator not in parts:
                table.fact(eid, "participant", initiator, ev)
        for c in [*token.children, *(verb.children if verb is not None else [])]:
            if c.ent_type_ == "DATE" or any(g.ent_type_ == "DATE" for g in c.children):
                ent = next((e for e in par.doc.ents if e.label_ == "DATE" and
                            (e.start <= c.i < e.end or any(e.start <= g.i < e.end for g in c.children))), None)
                lit = parse_date(ent.text, par.article_date) if ent else None
                if lit:
                    table.fact(eid, "date", lit, ev)
                    break
