"""The per-article entity table and the per-paragraph view the rules share."""
from __future__ import annotations

from dataclasses import dataclass, field

from kg.model import COUNTRY, PERSON, OFFICIAL, Document, Entity, Evidence, Fact, Literal

PRONOUNS = {"he", "she", "him", "her", "his"}


def base(token) -> str:
    """A cheap lemma for trigger words (the lemmatizer is not loaded): lower case, plural dropped."""
    w = token.lower_ if hasattr(token, "lower_") else str(token).lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "xes", "sses")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


_IRREGULAR = {
    "met": "meet", "spoke": "speak", "spoken": "speak", "held": "hold", "froze": "freeze", "frozen": "freeze",
    "struck": "strike", "set": "set", "cut": "cut", "put": "put", "led": "lead", "sought": "seek",
    "took": "take", "taken": "take", "began": "begin", "begun": "begin", "made": "make", "told": "tell",
    "said": "say", "won": "win", "hit": "hit", "brought": "bring", "laid": "lay", "kept": "keep",
    "wrote": "write", "written": "write", "gave": "give", "given": "give", "rose": "rise", "risen": "rise",
    "drew": "draw", "drawn": "draw", "withdrew": "withdraw", "withdrawn": "withdraw", "upheld": "uphold",
}


def verb_forms(token) -> set[str]:
    """Candidate base forms of a verb without a lemmatizer: "halted" → {"halt", ...}, "banned" → "ban"."""
    w = token.lower_
    forms = {w, _IRREGULAR.get(w, w)}
    for suffix in ("ed", "es", "s", "ing", "d"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[: -len(suffix)]
            forms.update({stem, stem + "e"})
            if len(stem) > 2 and stem[-1] == stem[-2]:
                forms.add(stem[:-1])
            if stem.endswith("i"):
                forms.add(stem[:-1] + "y")
    return forms


class ArticleTable:
    """Entities of one article, merged by key (countries, goods) or by exact name."""

    def __init__(self, document: Document):
        self.document = document
        self.entities: dict[str, Entity] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        self.facts: list[Fact] = []
        self._fact_keys: set = set()
        self.country_counts: dict[str, int] = {}
        self.home_country: str | None = None     # local id of the dateline's country, if any
        self.last_agreement: str | None = None   # the latest agreement named with its parties
        self.generic_bodies: dict[str, str] = {}  # "central bank" -> the country whose it is here
        self.announced_official: str | None = None  # "A senior Danish official said": that country
        self.acronyms: dict[str, str] = {}        # "IBC" -> the body's name spelled out in the article

    def add(self, type_: str, name: str, surface: str, span: tuple[int, int],
            key: str | None = None, vote: str | None = None) -> str:
        group = "agent" if type_ in (PERSON, OFFICIAL) else type_
        k = (group, key or name)
        lid = self._by_key.get(k)
        if lid is None:
            lid = f"e{len(self.entities)}"
            self._by_key[k] = lid
            self.entities[lid] = Entity(local_id=lid, type=type_, name=name, key=key)
        ent = self.entities[lid]
        ent.forms.add(surface)
        ent.spans.append(span)
        ent.vote(vote or type_)
        if type_ == COUNTRY and key:
            self.country_counts[key] = self.country_counts.get(key, 0) + 1
        return lid

    def retract(self, lid: str, char_start: int) -> None:
        """Take back one mention (a word that turned out to belong to a title)."""
        ent = self.entities[lid]
        ent.spans = [sp for sp in ent.spans if sp[0] != char_start]
        if not ent.spans:
            ent.forms.clear()

    def new(self, type_: str, name: str, span: tuple[int, int]) -> str:
        """A fresh entity that is never merged by name (policies, events)."""
        lid = f"e{len(self.entities)}"
        self.entities[lid] = Entity(local_id=lid, type=type_, name=name, forms={name}, spans=[span])
        return lid

    def fact(self, subject: str, predicate: str, obj: str | Literal, evidence: Evidence,
             weak: bool = False) -> None:
        if subject == obj:
            return
        key = (subject, predicate, obj, evidence.start)
        if key in self._fact_keys:
            return
        self._fact_keys.add(key)
        self.facts.append(Fact(subject, predicate, obj, evidence, weak))

    def top_countries(self, n: int = 2) -> list[str]:
        ranked = sorted(self.country_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [self._by_key[(COUNTRY, code)] for code, _ in ranked[:n]]


@dataclass
class Paragraph:
    """One paragraph's Doc with the entity found at each token."""

    doc: object                     # spacy Doc
    offset: int                     # of the paragraph in the article text
    table: ArticleTable
    article_date: str | None
    is_headline: bool = False
    tok_ent: dict[int, str] = field(default_factory=dict)      # token index -> local id
    persons: list[tuple[int, str]] = field(default_factory=list)  # (token index, local id), in order
    body_country: dict[int, str] = field(default_factory=dict)    # token of "the trade ministry" -> its country

    def evidence(self, token) -> Evidence:
        sent = token.sent
        return Evidence(
            doc_id=self.table.document.doc_id,
            sentence=sent.text.strip(),
            start=self.offset + sent.start_char,
            end=self.offset + sent.end_char,
        )

    def entity_at(self, token) -> str | None:
        return self.tok_ent.get(token.i)

    def type_of(self, lid: str | None) -> str | None:
        return self.table.entities[lid].type if lid else None

    def person_before(self, i: int) -> str | None:
        """The nearest fitting person before token i in this paragraph: the nearest one that was the
        subject of its clause or holds an office, else the nearest one."""
        before = [(idx, lid) for idx, lid in self.persons if idx < i]
        for idx, lid in reversed(before):
            ent = self.table.entities[lid]
            end = idx
            while end + 1 < len(self.doc) and self.tok_ent.get(end + 1) == lid:
                end += 1
            if self.doc[end].dep_ in ("nsubj", "nsubjpass") or ent.votes.get("Official"):
                return lid
        return before[-1][1] if before else None

    def agent_at(self, token) -> str | None:
        """The entity a token stands for, resolving he/she to the nearest person before it."""
        lid = self.tok_ent.get(token.i)
        if lid:
            return lid
        if token.pos_ == "PROPN" and token.is_title:
            # A surname the NER missed ("at Kang's request") names the person already seen.
            for _, plid in reversed(self.persons):
                if token.text in self.table.entities[plid].name.replace("-", " ").split():
                    return plid
        if token.lower_ in PRONOUNS:
            return self.person_before(token.i)
        if token.lower_ in ("it", "its"):
            return self.body_before(token.i)
        if token.i in self.body_country:
            return self.body_country[token.i]
        return None

    def body_before(self, i: int) -> str | None:
        """The nearest country or organization before token i that was the subject of its clause."""
        from kg.model import COUNTRY, ORGANIZATION

        for k in range(i - 1, -1, -1):
            t = self.doc[k]
            lid = self.tok_ent.get(k) or self.body_country.get(k)
            if lid and t.dep_ in ("nsubj", "nsubjpass") and self.type_of(lid) in (COUNTRY, ORGANIZATION):
                return lid
        return None


def span_chars(par: Paragraph, start_tok: int, end_tok: int) -> tuple[int, int]:
    doc = par.doc
    return par.offset + doc[start_tok].idx, par.offset + doc[end_tok - 1].idx + len(doc[end_tok - 1].text)


def add_mention(par: Paragraph, type_: str, name: str, start: int, end: int,
         key: str | None = None, vote: str | None = None) -> str:
    surface = par.doc[start:end].text
    lid = par.table.add(type_, name, surface, span_chars(par, start, end), key=key, vote=vote)
    for i in range(start, end):
        par.tok_ent[i] = lid
    return lid
