"""Where a measure's phrase reaches: its scope, what hangs off it through a clause of its own,
the agreement a tariff cut belongs to, and the policy's name as written."""
from __future__ import annotations

from kg.extract.context import base, verb_forms
from kg.extract.triggers import EXPORT_WORDS as _EXPORT_WORDS

EXTENDERS = {"cover", "include", "extend", "add", "apply", "affect", "hit", "target", "place", "put", "subject",
             "allow", "permit", "free", "liberalise", "liberalize"}


def scope(anchor, gov) -> list:
    """Tokens whose subtree may hold goods, targets and dates of the policy."""
    scope = list(anchor.subtree)
    if gov is not None:
        seen = {t.i for t in scope}
        for c in gov.children:
            extend = c.dep_ in ("prep", "npadvmod", "dative") or (
                c.dep_ in ("advcl", "xcomp") and c.pos_ == "VERB" and verb_forms(c) & EXTENDERS)
            if c.dep_ == "dobj" and verb_forms(gov) & EXTENDERS and not any(t.i in seen for t in c.subtree):
                extend = True
            if extend and c.i not in seen:
                scope.extend(t for t in c.subtree if t.i not in seen)
                seen.update(t.i for t in c.subtree)
    if anchor.pos_ == "VERB" and anchor.dep_ in ("acl", "xcomp") and anchor.head.pos_ == "NOUN":
        # "China's decision in April to halt exports": the decision's date and place count.
        seen = {t.i for t in scope}
        for c in anchor.head.children:
            if c.dep_ in ("prep", "npadvmod") and c.i not in seen:
                scope.extend(c.subtree)
    return scope


_CLAUSE_DEPS = {"acl", "relcl", "advcl", "ccomp", "csubj", "parataxis"}
WEAK_AGREEMENTS = {"pause", "ceasefire", "cease-fire"}


_ORIGIN_VERBS = {"originate", "come", "import", "produce", "make", "manufacture", "ship", "source", "export",
                 "refine", "process", "derive", "grow", "mine"}


def reachable(t, anchor, gov) -> bool:
    """False when t hangs off the policy phrase through a clause of its own ("used to make chips");
    "imported from X", "originating from X" still belong to it."""
    node = t
    for _ in range(12):
        if node.i in (anchor.i, getattr(gov, "i", -1)) or node.head.i == node.i:
            return True
        if node.dep_ in _CLAUSE_DEPS and not (node.pos_ == "VERB" and verb_forms(node) & (EXTENDERS | _ORIGIN_VERBS)):
            return False
        node = node.head
    return True


def means_of(gov):
    """The clause a "by easing ..." phrase is the means of (through subjectless purpose clauses), or None."""
    if gov is None or gov.dep_ != "pcomp" or gov.head.lower_ != "by":
        return None
    verb = gov.head.head
    while verb.dep_ == "advcl" and verb.head.pos_ == "VERB" and not any(c.dep_ == "nsubj" for c in verb.children):
        verb = verb.head
    return verb if verb.pos_ == "VERB" else None


def agreement_above(token, agreements: dict) -> str | None:
    """The agreement whose clause holds this token ("a deal that will cut tariffs on cars")."""
    node = token
    for _ in range(8):
        if node.i in agreements:
            return agreements[node.i]
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def label(anchor) -> str:
    """The policy's name as written: the trigger with its modifiers and first "on/of" phrase."""
    doc = anchor.doc
    left = anchor.i
    for c in anchor.lefts:
        if c.dep_ in ("compound", "amod", "nummod", "nmod") and c.i >= anchor.i - 4:
            left = min(left, min(t.i for t in c.subtree))
    while left < anchor.i and (doc[left].is_punct or doc[left].lower_ in ("new", "recent", "certain", "some", "the")):
        left += 1
    right = anchor.i + 1
    node = anchor
    for _ in range(4):
        nxt = None
        rights = list(node.rights)
        if node is anchor and anchor.dep_ == "dobj" and not any(c.dep_ == "prep" for c in rights):
            rights += [c for c in anchor.head.rights if c.i > anchor.i]
        for c in rights:
            if c.dep_ == "dobj" and node.pos_ == "VERB":
                nxt = c
                break
            if c.dep_ == "prep" and c.lower_ in ("on", "of", "for"):
                objs = [g for g in c.children if g.dep_ == "pobj"]
                if objs:
                    nxt = objs[0]
                break
        if nxt is None:
            break
        right = nxt.i + 1
        if base(nxt) not in _EXPORT_WORDS | {"export", "range", "variety", "number", "list", "host", "array", "set"}:
            break
        node = nxt
    return doc[left:right].text
