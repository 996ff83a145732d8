"""The closed-world data of kg/data/*.json, loaded once into lookup tables.

Countries, demonyms, capitals, office titles, commodity terms and trigger
words are data; this module only indexes them. Nothing here knows a person.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.vocab import DATA_DIR


def norm_title(text: str) -> str:
    """Normalize an office title for lookup: lower case, hyphens and dots as spaces."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"[\-–.]", " ", text)
    return " ".join(text.split())


def plural_forms(term: str) -> set[str]:
    """The term plus its simple singular/plural counterpart (last word only)."""
    forms = {term}
    head, _, last = term.rpartition(" ")
    pre = head + " " if head else ""
    low = last.lower()
    if low.endswith("ies") and len(low) > 4:
        forms.add(pre + last[:-3] + "y")
    elif low.endswith(("ches", "shes", "sses", "xes")):
        forms.add(pre + last[:-2])
    elif low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3:
        forms.add(pre + last[:-1])
    elif low[-1:].isalpha() and not low.endswith(("s", "ware", "oil", "gas", "rice", "corn", "wheat",
                                                  "beef", "pork", "steel", "fentanyl", "aluminum",
                                                  "aluminium", "copper", "cotton", "timber", "sugar")):
        forms.add(pre + last + ("es" if low.endswith(("ch", "sh", "x")) else "s"))
    return forms


@dataclass(frozen=True)
class Country:
    code: str
    name: str


@dataclass(frozen=True)
class Office:
    title: str
    leader: bool
    country: str | None
    public: bool


@dataclass
class Lexicon:
    countries: dict[str, Country] = field(default_factory=dict)         # code -> Country
    country_forms: dict[str, str] = field(default_factory=dict)         # surface -> code (names, aliases)
    demonyms: dict[str, str] = field(default_factory=dict)              # surface -> code
    capitals: dict[str, str] = field(default_factory=dict)              # surface -> code
    ambiguous: set[str] = field(default_factory=set)
    offices: dict[str, Office] = field(default_factory=dict)            # norm title -> Office
    office_heads: dict[str, Office] = field(default_factory=dict)       # head noun ("minister") -> Office
    office_max_words: int = 1
    title_modifiers: set[str] = field(default_factory=set)
    org_heads: set[str] = field(default_factory=set)
    government_heads: set[str] = field(default_factory=set)
    commodities: dict[str, str] = field(default_factory=dict)           # lower surface -> concept name
    commodity_max_words: int = 1
    triggers: dict = field(default_factory=dict)
    org_forms: dict[str, str] = field(default_factory=dict)             # surface -> canonical body name
    blocs: set[str] = field(default_factory=set)                        # canonical names of blocs (EU, OPEC)
    instrument_heads: set[str] = field(default_factory=set)             # "Agreement", "Act": not bodies
    company_nouns: set[str] = field(default_factory=set)                # "firm", "agency": "the firm Acme"
    name_particles: set[str] = field(default_factory=set)               # "de", "van", "al": inside names
    speech_verbs: set[str] = field(default_factory=set)                 # "said", "told": a person speaks

    def country_of(self, surface: str, allow_ambiguous: bool = True) -> str | None:
        """The country code a surface form stands for (name, alias, demonym, capital), or None."""
        text = surface.strip()
        text = re.sub(r"^(?:the|The)\s+", "", text)
        text = re.sub(r"(?:'s|’s|'|’)$", "", text).strip()
        if not allow_ambiguous and text in self.ambiguous:
            return None
        for table in (self.country_forms, self.demonyms, self.capitals):
            if text in table:
                return table[text]
        if text.istitle() or (text.isupper() and len(text) <= 3):
            return None
        titled = text.title()
        for table in (self.country_forms, self.demonyms, self.capitals):
            if titled in table:
                return table[titled]
        return None

    def office(self, title: str) -> Office | None:
        return self.offices.get(norm_title(title))


def _load(name: str):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    lex = Lexicon()
    for c in _load("countries.json"):
        code = c["code"]
        lex.countries[code] = Country(code, c["name"])
        for form in [c["name"], *c.get("aliases", [])]:
            lex.country_forms.setdefault(form, code)
        for form in c.get("demonyms", []):
            lex.demonyms.setdefault(form, code)
        for form in c.get("capitals", []):
            lex.capitals.setdefault(form, code)
        lex.ambiguous.update(c.get("ambiguous", []))
    offices = _load("offices.json")
    for o in offices["titles"]:
        entry = Office(o["title"], bool(o.get("leader")), o.get("country"), bool(o.get("public", True)))
        for form in [o["title"], *o.get("variants", [])]:
            key = norm_title(form)
            lex.offices.setdefault(key, entry)
            lex.office_max_words = max(lex.office_max_words, len(key.split()))
    for h in offices.get("heads", []):
        lex.office_heads[norm_title(h["head"])] = Office(h["head"], bool(h.get("leader")), None,
                                                         bool(h.get("public", True)))
    lex.title_modifiers = {m.lower() for m in offices.get("modifiers", [])}
    lex.org_heads = {h.lower() for h in offices.get("organization_heads", [])}
    lex.government_heads = {h.lower() for h in offices.get("government_heads", [])}
    for term in _load("commodities.json")["terms"]:
        for form in [term["name"], *term.get("variants", [])]:
            for variant in plural_forms(form):
                lex.commodities.setdefault(variant.lower(), term["name"])
                lex.commodity_max_words = max(lex.commodity_max_words, len(variant.split()))
    lex.triggers = _load("triggers.json")
    orgs = _load("organizations.json")
    for org in orgs["organizations"]:
        for form in [org["name"], *org.get("aliases", [])]:
            lex.org_forms.setdefault(form, org["name"])
        if org.get("bloc"):
            lex.blocs.add(org["name"])
    lex.instrument_heads = {w.lower() for w in orgs.get("instrument_heads", [])}
    lex.company_nouns = set(orgs.get("company_nouns", []))
    names = _load("names.json")
    lex.name_particles = set(names["particles"])
    lex.speech_verbs = set(names["speech_verbs"])
    return lex
