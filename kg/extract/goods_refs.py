"""Goods a measure names only indirectly: by the unit its quantity is stated in ("a 2 mln barrels a day
quota" → crude oil), by the goods "X imports" of its sentence when its own object is generic ("welcome
wheat imports by easing its ban on purchases from abroad"), or by a bare head noun that an earlier,
fuller goods phrase of the article explains ("the quota on yarn" after "cotton yarn").
The units are data (kg/data/goods_units.json)."""
from __future__ import annotations

import json
from functools import lru_cache

from kg.extract.context import Paragraph, base
from kg.extract.policy_facts import note_subject_country, state
from kg.lexicon import lexicon
from kg.model import COMMODITY, EXPORT_BAN, IMPORT_BAN, QUOTA
from kg.vocab import DATA_DIR

QUANTITY_HEADS = {"quota", "ceiling", "allocation", "limit", "cap"}
_FLOW = {IMPORT_BAN: {"import"}, EXPORT_BAN: {"export"}, QUOTA: {"import", "export"}}


@lru_cache(maxsize=1)
def _units() -> dict[str, str]:
    return json.loads((DATA_DIR / "goods_units.json").read_text(encoding="utf-8"))["units"]


def unit_good(doc, lo: int, hi: int) -> str | None:
    """The good a unit of quantity among doc[lo:hi] names ("barrels a day", "bales")."""
    units = _units()
    for i in range(lo, hi):
        for n in (3, 2, 1):
            if i + n <= hi and " ".join(w.lower_ for w in doc[i:i + n]) in units:
                return units[" ".join(w.lower_ for w in doc[i:i + n])]
    return None


def note_paragraph(par: Paragraph) -> None:
    """The paragraph's subject country, and the good of the article's quotas and ceilings stated in a
    unit that names it."""
    note_subject_country(par)
    for t in par.doc:
        if t.pos_ == "NOUN" and base(t) in QUANTITY_HEADS:
            good = unit_good(par.doc, t.left_edge.i, t.i)
            if good:
                state(par.table)["unit_good"] = good


def implied_goods(par: Paragraph, anchor, type_: str, ev) -> list[str]:
    """Goods of a measure whose scope names none: its unit's good, the article's quota unit, or the
    "X imports" / "imports of X" of its sentence."""
    if type_ not in _FLOW:
        return []
    good = unit_good(par.doc, anchor.left_edge.i, anchor.i) if anchor.pos_ == "NOUN" else None
    if type_ == QUOTA and (good or state(par.table).get("unit_good")):
        name = good or state(par.table)["unit_good"]
        return [par.table.add(COMMODITY, name, name, (ev.start, ev.end), key=name)]
    out: list[str] = []
    for t in anchor.sent:
        if base(t) not in _FLOW[type_] or t.pos_ != "NOUN":
            continue
        cands = [c for c in t.children if c.dep_ in ("compound", "nmod", "amod")]
        cands += [t.head] if t.head.i == t.i - 1 else []      # "wheat imports" parsed the other way round
        cands += [g for p in t.children if p.dep_ == "prep" and p.lower_ == "of" for g in p.children
                  if g.dep_ == "pobj"]
        cands += [x for c in list(cands) for x in c.children if x.dep_ == "conj"]
        for c in cands:
            lid = par.entity_at(c)
            concept = lexicon().commodities.get(c.lower_)
            if lid is None and concept and c.i == t.i - 1:       # "X imports" with X, a known good, taken for a verb
                start = par.offset + c.idx
                lid = par.table.add(COMMODITY, concept, c.text, (start, start + len(c.text)), key=concept)
            if par.type_of(lid) == COMMODITY and lid not in out:
                out.append(lid)
    return out


def fuller(par: Paragraph, lid: str) -> str:
    """A one-word good the goods table does not know ("yarn") stands for the article's one fuller goods
    phrase ending in it ("cotton yarn"); a known good ("steel") stays itself."""
    ent = par.table.entities[lid]
    if " " in ent.name or ent.name.lower() in lexicon().commodities:
        return lid
    tail = " " + ent.name.lower()
    found = {k for k, e in par.table.entities.items() if e.type == COMMODITY and e.spans
             and e.name.lower().endswith(tail)}
    return found.pop() if len(found) == 1 else lid
