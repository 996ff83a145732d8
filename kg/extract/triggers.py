"""Which words start a policy: trigger nouns and verbs from kg/data/triggers.json.

"export restrictions", "restrictions on the export of", "limitations on X exports" (the
"on" may hang on the verb), "tariffs", "anti-dumping duties", "sanctions", "truce", "halt
exports", "banned exports", "sanctioned": each gives the policy class it starts.
"""
from __future__ import annotations

from kg.extract.context import base, verb_forms
from kg.lexicon import lexicon
from kg.model import EXPORT_CONTROL, POLICY, SANCTION, TARIFF, TRADE_AGREEMENT

EXPORT_WORDS = {"export", "exports", "shipment", "shipments", "sale", "sales"}
_EXPORT_WORDS = EXPORT_WORDS


def policy_class(token) -> str | None:
    """The policy class a token triggers, or None."""
    trig = lexicon().triggers["policy"]
    b = base(token)
    if token.pos_ in ("NOUN", "PROPN"):
        children = {c.lower_ for c in token.children if c.dep_ in ("compound", "amod", "nmod")}
        phrase = " ".join([*(c.lower_ for c in token.lefts if c.dep_ in ("compound", "amod")), b])
        for type_ in ("ExportControl", "Policy", "Sanction", "Tariff", "TradeAgreement"):
            spec = trig.get(type_, {})
            nouns = set(spec.get("nouns", []))
            if type_ in ("ExportControl", "Policy"):
                objects = _EXPORT_WORDS if type_ == "ExportControl" else set(spec.get("verb_objects", []))
                heads = {n.split()[-1] for n in spec.get("head_nouns", [])}
                if b in heads and (children & objects or _prep_object(token, objects)):
                    return _CLASS[type_]
                if any(phrase.endswith(n) for n in nouns if len(n.split()) > 1):
                    return _CLASS[type_]
                continue
            if b in nouns or any(phrase.endswith(n) for n in nouns if " " in n):
                gov_preps = _has_prep(token.head, ("on",)) if token.dep_ == "dobj" else False
                if type_ == "Tariff" and b in ("duty", "levy", "surcharge") and not _has_prep(token, ("on",)) \
                        and not gov_preps and not {c.lower_ for c in token.subtree if c.i < token.i} & {
                            "import", "anti", "dumping", "anti-dumping", "countervailing", "customs", "export",
                            "punitive", "retaliatory", "additional", "higher", "new"}:
                    return None
                return _CLASS[type_]
    if token.pos_ == "VERB":
        forms = verb_forms(token)
        for type_ in ("ExportControl", "Policy", "Sanction"):
            spec = trig.get(type_, {})
            if forms & set(spec.get("verbs", [])):
                objects = set(spec.get("verb_objects", [])) | (_EXPORT_WORDS if type_ == "ExportControl" else set())
                for c in token.children:
                    if c.dep_ in ("dobj", "nsubjpass") and (c.lower_ in objects or base(c) in objects):
                        return _CLASS[type_]
            if forms & set(spec.get("bare_verbs", [])):
                return _CLASS[type_]
    return None


_CLASS = {"ExportControl": EXPORT_CONTROL, "Policy": POLICY, "Sanction": SANCTION, "Tariff": TARIFF,
          "TradeAgreement": TRADE_AGREEMENT}


def _has_prep(token, preps) -> bool:
    return any(c.dep_ == "prep" and c.lower_ in preps for c in token.children)


def _prep_object(token, objects) -> bool:
    """ "restrictions on the export of X", "limitations on X exports" (the "on" may hang on the verb)."""
    preps = list(token.children)
    if token.dep_ == "dobj":
        preps += [c for c in token.head.children if c.i > token.i]
    for c in preps:
        if c.dep_ == "prep" and c.lower_ in ("on", "of", "for"):
            for g in c.children:
                if g.dep_ == "pobj" and (g.lower_ in objects or base(g) in objects):
                    return True
    return False
