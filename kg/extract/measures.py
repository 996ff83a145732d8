"""What a trade measure says about itself: the goods its scope names and its rates.

Functions of a parsed Doc (and the policy's anchor token); no entity table needed except for
open goods, which :mod:`kg.extract.policies` registers. Word lists are data
(kg/data/triggers.json: "generic_goods", "generic_modifiers", "container_nouns"); the status and dates
of a measure are read by :mod:`kg.extract.measure_state`.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from kg.extract.context import base, verb_forms
from kg.lexicon import lexicon

_TRADE_WORDS = {"import", "imports", "export", "exports", "importation", "shipment", "shipments", "sale", "sales",
                "re-export", "supply", "supplies", "purchase", "purchases", "delivery", "deliveries"}
TRADE_WORDS = _TRADE_WORDS
_RATE_UNITS = {"pct", "percent", "per", "%", "pc", "percentage"}


def words(key: str) -> set[str]:
    return set(lexicon().triggers.get(key, []))


# ----------------------------------------------------------------------- goods

def goods_heads(anchor, gov) -> list:
    """Head nouns of the goods a measure names: "tariffs on X", "imports of X", "X exports", lists split."""
    heads: list = []
    roots: list = []

    def trade_word(t) -> bool:
        return t.lower_ in _TRADE_WORDS or base(t) in _TRADE_WORDS

    def from_trade(t):
        # "imports of X", "X imports", "the export of X"
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "in"):
                for g in c.children:
                    if g.dep_ == "pobj":
                        visit(g)
            if c.dep_ in ("compound", "amod", "nmod") and c.pos_ in ("NOUN", "PROPN") and not trade_word(c):
                roots.append(c)
        for c in t.children:
            if c.dep_ == "conj" and trade_word(c) and _direction(c) == _direction(t):
                from_trade(c)

    def visit(t, depth=0):
        if trade_word(t):
            from_trade(t)
        elif t.pos_ in ("NOUN", "PROPN"):
            roots.append(t)
            if base(t) in words("container_nouns") | {"good", "product", "item", "commodity"} and depth < 3:
                # "three categories of copper goods", "a new product--digital audio recorders"
                for c in t.children:
                    if c.dep_ == "prep" and c.lower_ == "of":
                        for g in c.children:
                            if g.dep_ == "pobj":
                                visit(g, depth + 1)
                    if c.dep_ == "appos" and c.pos_ == "NOUN":
                        visit(c, depth + 1)
                for x in _examples(t):      # "goods taken from a list that ranged from computers to film"
                    visit(x, depth + 1)

    own_args = any(c.dep_ in ("nsubj", "nsubjpass", "dobj") for c in anchor.children)
    if anchor.dep_ == "acomp" or (anchor.dep_ == "conj" and anchor.pos_ == "VERB" and not own_args):
        for c in anchor.head.children:      # "the export of X is restricted"; a subject shared by "or"
            if c.dep_ in ("nsubj", "nsubjpass"):
                visit(c)
    node = anchor
    for _ in range(6):      # "Other goods to have their duties cut include some plastics, glass"
        if node.dep_ == "nsubj" and node.head.pos_ == "VERB" and verb_forms(node.head) & {"include", "cover"}:
            for c in node.head.children:
                if c.dep_ == "dobj":
                    visit(c)
            break
        if node.head.i == node.i:
            break
        node = node.head
    if gov is not None and gov.dep_ == "relcl" and gov.head.pos_ == "NOUN" and any(
            c.lower_ in ("where", "on", "which") and c.dep_ in ("advmod", "prep") for c in gov.children):
        visit(gov.head)     # "Japanese photocopiers, where it has imposed duties"
    holders = [anchor] + ([gov] if gov is not None and gov.i != anchor.i else [])
    if anchor.dep_ == "dobj" and anchor.head.pos_ == "VERB":
        holders.append(anchor.head)
    for c in anchor.children:       # "duties of 20 percent on steel wire": the goods hang on the rate
        if c.dep_ == "prep" and c.lower_ == "of":
            for g in c.children:
                if g.dep_ == "pobj" and g.lower_ in _RATE_UNITS | {"per cent", "cent"}:
                    for p in g.children:
                        if p.dep_ == "prep" and p.lower_ == "on":
                            for x in p.children:
                                if x.dep_ == "pobj":
                                    visit(x)
    for h in holders:
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in ("on", "of", "for", "to") and not (c.lower_ in ("of", "to") and h is not anchor):
                for g in c.children:
                    if g.dep_ == "pobj":
                        visit(g)
            elif c.dep_ in ("dobj", "nsubjpass") and h.pos_ == "VERB" and h is anchor:
                visit(c)
            elif c.dep_ in ("compound", "nmod") and h is anchor and c.pos_ == "NOUN":
                visit(c)
            elif c.dep_ in ("acl", "xcomp", "relcl") and h is anchor and c.pos_ in ("VERB", "NOUN") \
                    and verb_forms(c) & (_TRADE_WORDS | {"buy", "sell", "ship", "deliver"}):
                for g in c.children:
                    if g.dep_ == "dobj":
                        roots.append(g)
    seen = set()
    for r in roots:
        for t in _with_conjuncts(r) + _list_items(r):
            if t.i not in seen:
                seen.add(t.i)
                heads.append(t)
    return heads


def _examples(t) -> list:
    """Goods a generic noun is illustrated by: "ranging from X and Y to Z", "including X"."""
    out = []
    for c in t.children:
        if c.dep_ == "prep" and c.lower_ in ("from", "to"):     # "U.S. products from steel to playing cards"
            for g in c.children:
                if g.dep_ == "pobj":
                    out.extend(_with_conjuncts(g))
                    for cc in g.children:
                        if cc.dep_ == "prep" and cc.lower_ == "to":
                            out.extend(h for h in cc.children if h.dep_ == "pobj")
    for x in t.subtree:
        if x.i - t.i > 25:
            break
        path, node = [], x.head
        while node.i != t.i and node.head.i != node.i and len(path) < 6:
            path.append(node)
            node = node.head
        if any(n.pos_ == "NOUN" and base(n) not in words("container_nouns") for n in path):
            continue        # "materials essential to industries ranging from ...": the industries' range
        if x.pos_ == "VERB" and verb_forms(x) & {"range", "include", "span", "cover"}:
            for c in x.children:
                if c.dep_ == "prep" and c.lower_ in ("from", "to"):
                    out.extend(g for g in c.children if g.dep_ == "pobj")
                    for g in c.children:        # "to power tools": a second "to" may hang on "from"
                        for cc in g.children:
                            if cc.dep_ == "prep" and cc.lower_ == "to":
                                out.extend(h for h in cc.children if h.dep_ == "pobj")
                if c.dep_ == "dobj" and x.lower_.startswith("includ"):
                    out.append(c)
    return out


def crosses_flow(t, anchor) -> bool:
    """Whether t hangs under trade words of both flows on its way up to the anchor ("a ban on exports
    of coal and imports of pears": pears are not the export ban's)."""
    flows = set()
    node = t
    for _ in range(12):
        if node.i == anchor.i or node.head.i == node.i:
            break
        node = node.head
        if node.lower_ in _TRADE_WORDS or base(node) in _TRADE_WORDS:
            flows.add(_direction(node))
    if len(flows) > 1:
        return True
    # The words themselves, as parsers attach "and imports of pears" anywhere: the nearest trade
    # word before t and the first one after the anchor.
    lo, hi = sorted((anchor.i, t.i))
    between = [w for w in t.doc[lo:hi] if w.lower_ in _TRADE_WORDS or base(w) in _TRADE_WORDS]
    return len({_direction(w) for w in between}) > 1 and t.i > anchor.i


def _direction(t) -> str:
    """ "import" or "export" side of a trade word ("imports of apples" is not an export ban's scope)."""
    return "import" if base(t) in ("import", "importation", "purchase") else "export"


def _with_conjuncts(t) -> list:
    out = [t]
    for c in t.children:
        if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN") and not (
                base(c) in _TRADE_WORDS and _direction(c) != _direction(t)):
            out.extend(_with_conjuncts(c))
        if c.dep_ == "prep" and c.lower_ in ("including", "like") or (c.dep_ == "amod" and c.lower_ == "such"):
            for g in c.children:
                if g.dep_ == "pobj":
                    out.extend(_with_conjuncts(g))
        if c.dep_ == "prep" and c.lower_ == "as" and any(s.lower_ == "such" for s in c.lefts):
            for g in c.children:
                if g.dep_ == "pobj":
                    out.extend(_with_conjuncts(g))
    return out


_CHUNK_ENDS = {",", "and", "or", "/", "(", ")", ";", "etc", ".", "&"}


def _list_items(root) -> list:
    """The last noun of each chunk of a flat list after the root ("a ban on phones, home appliances,
    fruits (except from X), crockery, ... and chocolates"), read from the words, as parsers often
    break long lists at brackets. Chunks led by "except" are left out; the list stops at a verb."""
    doc = root.doc
    if root.i + 1 >= len(doc) or doc[root.i + 1].text not in (",", "/") and not any(
            c.dep_ == "conj" for c in root.children):
        return []
    out, depth, skip = [], 0, False
    end = root.sent.end
    for i in range(root.i + 1, end):
        t = doc[i]
        if t.text == "(":
            depth += 1
            skip = i + 1 < end and doc[i + 1].lower_ in ("except", "excluding", "other", "i.e.", "e.g.")
            continue
        if t.text == ")":
            depth = max(0, depth - 1)
            skip = False if depth == 0 else skip
            continue
        if t.pos_ in ("VERB", "AUX") and t.tag_ not in ("VBN", "VBG") or t.lower_ in ("which", "that", "who", ";"):
            break
        if depth == 0 and (t.text in ("—", "–", "--", ":") or t.lower_ in ("from", "to", "for", "with", "in")):
            break       # "magnets—materials essential to industries ...": the list is over
        if skip or depth and t.lower_ == "except":
            continue
        if base(t) in _TRADE_WORDS:
            break       # "exports of coal and imports of pears": another measure's scope
        nxt = doc[i + 1] if i + 1 < end else None
        if t.dep_ == "ROOT" or t.dep_ in ("nsubj", "dobj", "nsubjpass", "attr") and t.head.pos_ in ("VERB", "AUX"):
            break       # the list is over: a clause of its own ("... and terbium hurt buyers")
        if t.pos_ == "NOUN" and (nxt is None or nxt.lower_ in _CHUNK_ENDS):
            out.append(t)
    return out


def goods_name(t) -> str | None:
    """The name of a good from its head noun: its noun and variety modifiers, not numbers or places."""
    if t.pos_ not in ("NOUN",) or not t.is_alpha and "-" not in t.text:
        return None
    if any(c.dep_ == "nummod" for c in t.children) or (t.i > 0 and t.doc[t.i - 1].like_num):
        return None
    if t.ent_type_ in ("GPE", "NORP", "ORG", "PERSON", "DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "QUANTITY", "ORDINAL"):
        return None
    if base(t) in words("generic_goods") or t.lower_ in words("generic_goods"):
        # "cobalt concentrate", "steel products": the modifier names the good.
        mods = [c for c in t.lefts if c.dep_ == "compound" and c.pos_ == "NOUN" and c.i == t.i - 1]
        adj = [c for c in t.lefts if c.dep_ == "amod" and c.pos_ == "ADJ" and c.i == t.i - 1 and c.is_lower
               and c.lower_ not in words("generic_modifiers") and not c.ent_type_
               and base(t) in ("product", "good", "item", "commodity", "article")]
        if adj and not mods:
            return f"{adj[0].lower_} {t.lower_}"    # "pharmaceutical products"
        if not mods:
            return None
        inner = goods_name(mods[0])
        return f"{inner} {t.lower_}" if inner else None
    start = t.i
    for c in sorted(t.lefts, key=lambda x: -x.i):
        if c.i != start - 1:
            break
        if c.dep_ == "compound" and c.pos_ == "PROPN" and not c.ent_type_ and (c.is_alpha or "-" in c.text):
            start = c.left_edge.i if all(x.pos_ in ("PROPN", "PUNCT", "NUM") for x in c.subtree) else c.i
            # a product's own name: "Remdesivir-X vials"
        elif c.dep_ == "amod" and c.is_lower and c.tag_ == "VBN" and not any(True for _ in c.children) \
                and c.i == start - 1 and c.lower_ not in words("generic_modifiers"):
            start = c.i     # "preserved fruits", "frozen fish" (not "independently produced films")
        elif c.dep_ in ("compound", "amod") and c.is_lower and c.pos_ in ("NOUN", "ADJ") \
                and c.lower_ not in words("generic_modifiers") and c.ent_type_ in ("", "COMMODITY"):
            start = c.i
        elif c.text == "-" or c.dep_ == "punct" and c.text in ("-", "‐") or (c.dep_ == "amod" and "-" in c.text and c.is_lower):
            start = c.i
        else:
            break
    toks = [w for w in t.doc[start:t.i + 1]]
    name = " ".join(w.text for w in toks).lower().replace(" - ", "-")
    while " " in name and name.split(" ")[0] in words("generic_modifiers"):
        name = name.split(" ", 1)[1]        # "cut-price chips"
    return None if _not_a_good(name) else name


_ADJECTIVE_ENDS = ("ic", "ical", "ive", "ous", "tion", "sion")


def _not_a_good(name: str) -> bool:
    """A lone adjective ("electronic", "non-petroleum") or act ("reintroduction") the goods table does not know."""
    return " " not in name and name not in lexicon().commodities and (
        name.startswith("non-") or name.endswith(_ADJECTIVE_ENDS))


# ----------------------------------------------------------------------- rates

def rates(tokens) -> list[Decimal]:
    """Ad valorem rates in percent among the tokens: "25 pct", "25 per cent", "between 12.4 and 19.8 percent";
    for "from 10% to 25%" only the new one; "94.7% of exports" (a share) and "percentage points" are not rates."""
    toks = sorted(tokens, key=lambda t: t.i)
    found: list[Decimal] = []
    for t in toks:
        if not t.like_num or t.i + 1 >= len(t.doc):
            continue
        value = _number(t.text)
        if value is None:
            continue
        nxt = t.doc[t.i + 1]
        unit = _unit_end(t.doc, t.i + 1)
        if unit is None and nxt.lower_ in ("and", "to", "-", "–") and t.i + 2 < len(t.doc) and t.doc[t.i + 2].like_num:
            unit = _unit_end(t.doc, t.i + 3)   # "between 12.4 and 19.8 percent"
            if unit is not None and nxt.lower_ == "to" and t.i > 0 and t.doc[t.i - 1].lower_ == "from":
                continue
        if unit is None:
            continue
        after = t.doc[unit] if unit < len(t.doc) else None
        if after is not None and after.lower_ in ("of", "points", "point", "share"):
            continue
        prev = t.doc[t.i - 1] if t.i > 0 else None
        if prev is not None and prev.lower_ == "from" and _to_rate_follows(t.doc, unit):
            continue      # "raised from 10% to 25%": the old rate
        if value not in found:
            found.append(value)
    return found


def _unit_end(doc, i) -> int | None:
    """Index just past a percent unit starting at i ("pct", "%", "per cent", "percent"), or None."""
    if i >= len(doc):
        return None
    w = doc[i].lower_
    if w in ("pct", "percent", "%", "pc") or w == "per-cent":
        return i + 1
    if w == "per" and i + 1 < len(doc) and doc[i + 1].lower_ == "cent":
        return i + 2
    return None


def _to_rate_follows(doc, i) -> bool:
    return i + 2 < len(doc) and doc[i].lower_ == "to" and doc[i + 1].like_num and _unit_end(doc, i + 2) is not None


def _number(text: str) -> Decimal | None:
    try:
        v = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return v if v >= 0 else None
