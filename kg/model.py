"""Plain records passed between the stages of kg.

Nothing here imports spaCy or rdflib: these are the values that travel from
ingestion to extraction, from extraction to resolution (possibly across
processes or a Dask cluster, so everything is picklable) and on to the graph.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Entity types: the local names of the ontology classes an entity may have.
PERSON = "Person"
OFFICIAL = "Official"
COUNTRY = "Country"
ORGANIZATION = "Organization"
COMMODITY = "Commodity"
EVENT = "Event"
POLICY = "Policy"
EXPORT_CONTROL = "ExportControl"
TARIFF = "Tariff"
TRADE_AGREEMENT = "TradeAgreement"
SANCTION = "Sanction"
QUOTA = "Quota"
IMPORT_BAN = "ImportBan"
EXPORT_BAN = "ExportBan"
ANTI_DUMPING_DUTY = "AntiDumpingDuty"
COUNTERVAILING_DUTY = "CountervailingDuty"

POLICY_TYPES = (POLICY, EXPORT_CONTROL, TARIFF, TRADE_AGREEMENT, SANCTION, QUOTA, IMPORT_BAN, EXPORT_BAN,
                ANTI_DUMPING_DUTY, COUNTERVAILING_DUTY)
# The five states of a policy (kg:PolicyStatus individuals), in no particular order.
POLICY_STATUSES = ("Threatened", "Proposed", "InForce", "Suspended", "Lifted")
AGENT_TYPES = (PERSON, OFFICIAL, COUNTRY, ORGANIZATION)
ENTITY_TYPES = AGENT_TYPES + (COMMODITY, EVENT) + POLICY_TYPES


@dataclass(frozen=True)
class Document:
    """One source article after ingestion.

    ``text`` is the cleaned article (headline first, page chrome removed);
    every character offset in kg refers to it.
    """

    doc_id: str            # path relative to the input folder without extension, or record id: dcterms:identifier
    path: str              # as given on the command line, escaped (for messages)
    text: str
    title: str | None = None
    date: str | None = None        # ISO yyyy-mm-dd of the article, when known
    sha256: str = ""               # of the raw bytes, for the incremental cache
    notes: tuple[str, ...] = ()    # what ingestion did (decoding fallback, ...)
    url: str | None = None         # the page's canonical URL or the record's url: dcterms:source
    author: str | None = None      # dcterms:creator
    publisher: str | None = None   # the site or agency: dcterms:publisher


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the verbatim sentence and its offsets in the article."""

    doc_id: str
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class Literal:
    """A typed literal object of a fact (kg:title, kg:date, kg:duration, kg:rate).

    A kg:status fact's object is a Literal whose value names a PolicyStatus individual
    ("InForce") and whose datatype is "PolicyStatus": the graph writes it as that IRI.
    """

    value: str
    datatype: str | None = None    # xsd local name ("date", "gMonthDay", "duration"...) or None


@dataclass
class Entity:
    """An entity as one article sees it (``local_id`` unique within the article).

    ``key`` is set for closed-list entities (a country code, a commodity
    concept) so that resolution can join them without looking at names.
    ``forms`` holds every surface form seen in the article, verbatim.
    ``votes`` counts the entity types that the evidence suggested (NER
    labels, titles...), so resolution can overrule a wrong label with the
    evidence of the whole corpus.
    """

    local_id: str
    type: str
    name: str
    forms: set[str] = field(default_factory=set)
    key: str | None = None
    votes: dict[str, int] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    def vote(self, type_: str, weight: int = 1) -> None:
        self.votes[type_] = self.votes.get(type_, 0) + weight


@dataclass(frozen=True)
class Fact:
    """subject --predicate--> object, with the sentence that supports it.

    ``subject`` and an entity ``obj`` are local ids of the same article;
    a literal object is a :class:`Literal`. ``predicate`` is the local name
    of a kg: property ("officialOf", "appliesTo", ...).
    """

    subject: str
    predicate: str
    obj: str | Literal
    evidence: Evidence
    weak: bool = False          # a default (the dateline's country), overruled by any explicit fact


@dataclass
class ArticleResult:
    """Everything extracted from one article; the unit cached and shipped to workers."""

    document: Document
    entities: list[Entity] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    tokens: int = 0


@dataclass
class ResolvedEntity:
    """One real-world entity of the corpus after resolution."""

    uid: str                       # "person/donald-trump": the IRI path under the instance base
    type: str
    label: str
    alt_labels: set[str] = field(default_factory=set)
    docs: set[str] = field(default_factory=set)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResolvedFact:
    subject: str                   # uid
    predicate: str
    obj: str | Literal             # uid or literal
    evidence: Evidence
    weak: bool = False


@dataclass
class Corpus:
    """The resolved corpus: what graph.py turns into triples."""

    documents: list[Document]
    entities: dict[str, ResolvedEntity]
    facts: list[ResolvedFact]


@dataclass(frozen=True)
class ArticleStats:
    """Per-article counts for the report."""

    doc_id: str
    title: str | None
    entities: int
    facts: int


@dataclass
class BuildStats:
    """What a build did, for the summary line and the report."""

    articles: list[ArticleStats] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (path, reason)
    skipped_by_kind: dict[str, int] = field(default_factory=dict)  # kind of reason ("not English"...) → count
    notes: list[tuple[str, str]] = field(default_factory=list)     # (path, what ingestion did)
    model: str = ""
    seconds: float = 0.0
    validation: tuple[bool, list[str]] | None = None    # (conforms, messages) when validated

    def skip(self, path: str, reason: str, kind: str = "unreadable") -> None:
        """Record an input that was not built: its (escaped) name, the reason, the kind of reason."""
        self.skipped.append((path, reason))
        self.skipped_by_kind[kind] = self.skipped_by_kind.get(kind, 0) + 1
