"""The ontology's terms, named once for the code, and where the package's files live.

``KG.officialOf`` works; ``KG.offcialOf`` raises ``AttributeError``: the
namespace is closed over the terms that ``kg/ontology/kg.ttl`` declares (a test
checks that the two agree).

The ontology, the shapes, the named queries, the data tables and the sample
articles ship inside the package and are found with ``importlib.resources``,
so an installed kg works from any folder, with no checkout beside it.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace

PACKAGE_DIR = Path(str(files("kg")))
ONTOLOGY_DIR = PACKAGE_DIR / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "kg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
QUERIES_DIR = PACKAGE_DIR / "queries"
DATA_DIR = PACKAGE_DIR / "data"
ARTICLES_DIR = DATA_DIR / "articles"       # the bundled sample articles (kg build's default input)
ROOT = PACKAGE_DIR.parent                  # the checkout, when kg runs from one (tests and bench)

KG_NS = "https://w3id.org/kg-news/ontology#"
INSTANCE_NS = "https://w3id.org/kg-news/id/"


class KG(DefinedNamespace):
    """The kg: vocabulary (closed: unknown terms raise)."""

    _NS = Namespace(KG_NS)
    _fail = True

    # classes
    Agent: object
    Person: object
    Official: object
    Country: object
    Organization: object
    Policy: object
    ExportControl: object
    Tariff: object
    TradeAgreement: object
    Sanction: object
    Quota: object
    ImportBan: object
    ExportBan: object
    AntiDumpingDuty: object
    CountervailingDuty: object
    PolicyStatus: object
    # PolicyStatus individuals
    Threatened: object
    Proposed: object
    InForce: object
    Suspended: object
    Lifted: object
    Commodity: object
    Event: object
    Document: object
    # object properties
    officialOf: object
    leaderOf: object
    participant: object
    initiatedBy: object
    imposedBy: object
    targets: object
    appliesTo: object
    party: object
    mentionedIn: object
    source: object
    # data properties
    title: object
    date: object
    duration: object
    rate: object
    status: object
    effectiveDate: object
    endDate: object
    sentence: object
    startOffset: object
    endOffset: object
    pageRank: object
    degree: object
    betweenness: object
    community: object
    component: object


ID = Namespace(INSTANCE_NS)

# Predicates whose facts carry provenance statements (the contract's list).
FACT_PREDICATES = (
    "officialOf", "leaderOf", "participant", "initiatedBy", "imposedBy",
    "targets", "appliesTo", "party", "title", "date", "duration",
    "rate", "status", "effectiveDate", "endDate",
)

# Path segment of instance IRIs per entity type.
TYPE_PATHS = {
    "Person": "person",
    "Official": "person",
    "Country": "country",
    "Organization": "organization",
    "Commodity": "commodity",
    "Event": "event",
    "Policy": "policy",
    "ExportControl": "policy",
    "Tariff": "policy",
    "TradeAgreement": "policy",
    "Sanction": "policy",
    "Quota": "policy",
    "ImportBan": "policy",
    "ExportBan": "policy",
    "AntiDumpingDuty": "policy",
    "CountervailingDuty": "policy",
    "Document": "document",
}
