"""Which words start a policy: the one table in kg/data/triggers.json ("policy").

Each class of measure lists, in the table's order (the first class that matches wins,
so the more specific come first):
- ``nouns``: phrases that name the measure ("anti-dumping duty", "quota", "trade pact");
- ``head_nouns`` with ``verb_objects``: a head whose complement is one of the objects
  ("ban on imports of", "import ban", "curbs on the export of", the "on" may hang on the verb);
- ``verbs`` with ``verb_objects``: a verb whose object is one of them ("halted exports",
  "imports were banned");
- ``bare_verbs``: verbs that are the measure on their own ("sanctioned 130 vessels");
- ``goods_heads``: a head whose complement names goods ("a ban on laptops").
A new kind of measure is a new entry in that table and a class in the ontology.
"""
from __future__ import annotations

from kg.extract.context import base, verb_forms
from kg.lexicon import lexicon

EXPORT_WORDS = {"export", "exports", "shipment", "shipments", "sale", "sales"}
_EXPORT_WORDS = EXPORT_WORDS
# Nouns that need a complement or a modifier to be a tariff ("duty" alone may be a soldier's).
_WEAK_TARIFF = {"duty", "levy", "surcharge", "tax", "taxation"}
_TARIFF_MODIFIERS = {"import", "anti", "dumping", "anti-dumping", "countervailing", "customs", "export", "punitive",
                     "retaliatory", "additional", "higher", "new", "excise", "special", "extra", "stiff", "heavy"}
_NOT_GOODS = {"trade", "travel", "visit", "use", "sale", "smoking", "entry", "flight", "investment", "transaction",
              "transactions", "activity", "contact", "talks"}


def _table() -> dict:
    return lexicon().triggers["policy"]


_ENDINGS: list = []     # [(nouns, {last word: [multi-word nouns ending in it]})], one entry a class


def _ending_in(nouns, word: str) -> list:
    """The multi-word ``nouns`` whose last word is ``word`` (indexed once: this runs for every token)."""
    for seen, index in _ENDINGS:
        if seen is nouns:
            return index.get(word, [])
    index: dict = {}
    for n in nouns:
        if " " in n:
            index.setdefault(n.rsplit(" ", 1)[1], []).append(n)
    _ENDINGS.append((nouns, index))
    return index.get(word, [])


def policy_class(token) -> str | None:
    """The policy class a token triggers, or None."""
    table = _table()
    b = base(token)
    if token.pos_ in ("NOUN", "PROPN"):
        mods = [c for c in token.lefts if c.dep_ in ("compound", "amod")]
        children = {c.lower_ for c in token.children if c.dep_ in ("compound", "amod", "nmod")}
        start = min([m.left_edge.i for m in mods] or [token.i])
        words = " ".join(w.lower_ for w in token.doc[start:token.i]).replace(" - ", "-").replace(" -", "-")
        phrase = f"{words} {b}".strip()      # "duty - free import" → "duty-free import"
        for cls, spec in table.items():
            nouns = spec.get("nouns", ())
            if b in nouns or any(phrase.endswith(" " + n) or phrase == n for n in _ending_in(nouns, b)):
                if cls == "Tariff" and b in _WEAK_TARIFF and not _tariff_context(token):
                    continue
                return cls
            if b in spec.get("head_nouns", ()):
                objects = set(spec.get("verb_objects", ()))
                if children & objects or _prep_object(token, objects):
                    return cls
        for cls, spec in table.items():
            if b in spec.get("goods_heads", ()) and _prep_goods(token):
                return cls
    predicative = token.pos_ == "ADJ" and token.dep_ == "acomp"     # "the export of X is restricted"
    if token.pos_ == "VERB" or predicative:
        forms = verb_forms(token)
        args = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
        if predicative:
            args = [c for c in token.head.children if c.dep_ == "nsubj"]
        elif not args and token.dep_ == "conj" and not any(c.dep_ == "nsubj" for c in token.children):
            args = [c for c in token.head.children if c.dep_ in ("nsubj", "nsubjpass")]    # shared subject
        for cls, spec in table.items():
            if forms & set(spec.get("verbs", ())):
                objects = set(spec.get("verb_objects", ()))
                for c in args:
                    if c.lower_ in objects or base(c) in objects:
                        return cls
            if forms & set(spec.get("bare_verbs", ())) and not predicative:
                return cls
    return None


def _tariff_context(token) -> bool:
    gov_preps = _has_prep(token.head, ("on",)) if token.dep_ == "dobj" else False
    preps = ("on", "of") if base(token) in ("tax", "taxation") else ("on",)
    return _has_prep(token, preps) or gov_preps or bool(
        {c.lower_ for c in token.subtree if c.i < token.i} & _TARIFF_MODIFIERS)


def _has_prep(token, preps) -> bool:
    return any(c.dep_ == "prep" and c.lower_ in preps for c in token.children)


def _preps(token):
    preps = list(token.children)
    if token.dep_ == "dobj":
        preps += [c for c in token.head.children if c.i > token.i]
    return [c for c in preps if c.dep_ == "prep" and c.lower_ in ("on", "of", "for", "against")]


def _prep_object(token, objects) -> bool:
    """ "restrictions on the export of X", "limitations on X exports" (the "on" may hang on the verb)."""
    for c in _preps(token):
        for g in c.children:
            if g.dep_ == "pobj" and any(x.lower_ in objects or base(x) in objects for x in [g, *(
                    y for y in g.children if y.dep_ in ("compound", "nmod") and y.i < g.i)]):
                return True     # "ban on imports", "ban on trade and investment"
    # "a ban to import apples", "the decision to halt exports"
    return any(c.dep_ in ("acl", "relcl", "xcomp") and c.pos_ in ("VERB", "NOUN") and verb_forms(c) & objects
               for c in token.children)


def _prep_goods(token) -> bool:
    """ "a ban on laptops": the complement is goods, not trade, travel or a country."""
    for c in _preps(token):
        if c.lower_ != "on":
            continue
        for g in c.children:
            if g.dep_ == "pobj" and g.pos_ == "NOUN" and base(g) not in _NOT_GOODS and g.lower_ not in _NOT_GOODS:
                return True
    return False


def bare_ban(token) -> bool:
    """ "a ban on cobalt ore": a ban that says neither imports nor exports (its class then
    follows the article's other bans)."""
    table = _table()
    if token.pos_ not in ("NOUN", "PROPN"):
        return False
    b = base(token)
    for spec in table.values():
        if b in spec.get("head_nouns", ()) and spec.get("goods_heads"):
            objects = set(spec.get("verb_objects", ()))
            children = {c.lower_ for c in token.children if c.dep_ in ("compound", "amod", "nmod")}
            return not (children & (objects | EXPORT_WORDS) or _prep_object(token, objects | EXPORT_WORDS))
    return False
