"""Shared helpers for the analysis, page and report tests (and the page benchmark).

* ``news_graph()``: a small hand-built graph in the shape ``kg build`` writes,
  with hostile text (markup and a closing script tag) in names, titles and
  sentences.
* ``synthetic_graph(n)``: a graph of about ``n`` entities in the same shape,
  for scale tests when no builder output is at hand.
* ``scale_graph(n)``: about ``n`` entities shaped like a big news corpus: most
  entities are mentioned without a fact (isolated), a connected core of officials,
  policies (with rate, status and dates), countries and goods.
* ``policy_graph()``: policies with kg:rate, kg:status, kg:effectiveDate, kg:endDate.
* ``open_page()``: Debian's Chromium through Playwright with every request that
  is not a ``file://`` URL blocked and recorded, console errors and dialogs
  collected.
"""
from __future__ import annotations

import contextlib
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.vocab import INSTANCE_NS, KG, KG_NS, ONTOLOGY_FILE

ID = Namespace(INSTANCE_NS)
K = Namespace(KG_NS)          # open: the terms of other branches need not be in kg.vocab yet
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

HOSTILE_NAME = "Minister <img src=x onerror=alert(1)> Ruiz"
HOSTILE_SCRIPT = "</script><script>alert(2)</script>"


class GraphMaker:
    """Writes entities, documents and facts with provenance as ``kg build`` does."""

    def __init__(self, with_ontology: bool = True, graph=None):
        self.g = Graph() if graph is None else graph
        self.g.bind("kg", str(KG))
        if with_ontology:
            for t in Graph().parse(ONTOLOGY_FILE):
                self.g.add(t)
        self.n_statements = 0

    def doc(self, ident: str, title: str | None = None) -> URIRef:
        d = ID[f"document/{ident}"]
        self.g.add((d, RDF.type, KG.Document))
        self.g.add((d, DCTERMS.identifier, Literal(ident)))
        if title is not None:
            self.g.add((d, DCTERMS.title, Literal(title)))
        return d

    def entity(self, uid: str, type_: str, label: str, *docs: URIRef, alts=(), title=None) -> URIRef:
        e = ID[uid]
        self.g.add((e, RDF.type, K[type_]))
        self.g.add((e, RDFS.label, Literal(label)))
        for alt in alts:
            self.g.add((e, SKOS.altLabel, Literal(alt)))
        for d in docs:
            self.g.add((e, KG.mentionedIn, d))
        if title is not None:
            self.g.add((e, KG.title, Literal(title)))
        return e

    def fact(self, s, prop: str, o, doc: URIRef, sentence: str, start: int = 0):
        """``s kg:prop o`` with one provenance statement (call again for more support)."""
        self.g.add((s, K[prop], o))
        st = BNode(f"st{self.n_statements}")
        self.n_statements += 1
        for p, v in ((RDF.type, RDF.Statement), (RDF.subject, s), (RDF.predicate, K[prop]),
                     (RDF.object, o), (KG.sentence, Literal(sentence)), (KG.source, doc),
                     (KG.startOffset, Literal(start, datatype=XSD.integer)),
                     (KG.endOffset, Literal(start + len(sentence), datatype=XSD.integer))):
            self.g.add((st, p, v))
        return st


def news_graph(with_ontology: bool = True) -> Graph:
    """Two articles about a tariff and a call, with hostile text in them."""
    m = GraphMaker(with_ontology)
    d1 = m.doc("001_tariffs", f"Spain answers US tariffs {HOSTILE_SCRIPT}")
    d2 = m.doc("002_call", "Ruiz and Bessent talk by phone")
    ruiz = m.entity("person/minister-ruiz", "Official", HOSTILE_NAME, d1, d2,
                    alts=("Ruiz", "<b>Ruiz</b>"), title="Trade Minister <i>acting</i>")
    bessent = m.entity("person/scott-bessent", "Official", "Scott Bessent", d2, alts=("Bessent",),
                       title="Treasury Secretary")
    spain = m.entity("country/spain", "Country", "Spain", d1, d2, alts=("Spanish", "Madrid"))
    us = m.entity("country/united-states", "Country", "United States", d1, d2, alts=("U.S.", "Washington"))
    steel = m.entity("commodity/steel", "Commodity", "steel", d1)
    tariff = m.entity("policy/us-tariffs-on-steel", "Tariff", "U.S. tariffs on steel", d1)
    call = m.entity("event/ruiz-bessent-call", "Event", "phone call", d2)
    m.entity("organization/reuters", "Organization", "Reuters", d1)        # no facts: isolated
    s1 = f"Trade Minister {HOSTILE_NAME} said Spain would answer the U.S. tariffs on steel. {HOSTILE_SCRIPT}"
    m.fact(ruiz, "officialOf", spain, d1, s1, 0)
    m.fact(ruiz, "title", Literal("Trade Minister <i>acting</i>"), d1, s1, 0)
    m.fact(tariff, "imposedBy", us, d1, "The United States imposed tariffs on steel from Spain.", 120)
    m.fact(tariff, "targets", spain, d1, "The United States imposed tariffs on steel from Spain.", 120)
    m.fact(tariff, "appliesTo", steel, d1, "The United States imposed tariffs on steel from Spain.", 120)
    m.fact(tariff, "appliesTo", steel, d2, "The steel tariffs stay in place, Bessent said.", 40)
    m.fact(tariff, "date", Literal("2025-05-12", datatype=XSD.date), d1,
           "The tariffs took effect on May 12.", 200)
    m.fact(bessent, "officialOf", us, d2, "Treasury Secretary Scott Bessent spoke for the U.S.", 10)
    m.fact(call, "participant", ruiz, d2, "Ruiz and Bessent spoke by phone on Thursday.", 0)
    m.fact(call, "participant", bessent, d2, "Ruiz and Bessent spoke by phone on Thursday.", 0)
    m.fact(call, "initiatedBy", ruiz, d2, "The call was requested by Ruiz.", 60)
    return m.g


FIRST = "Alice Bruno Carmen Dmitri Elena Farid Grace Hiroshi Ines Jonas Kamala Lars Mei Nadia Omar".split()
LAST = "Abbott Becker Castillo Dubois Eriksen Fischer Gupta Haddad Ivanova Jensen Kowalski Moreau".split()
COUNTRIES = ("Japan Germany France India Brazil Canada Mexico Australia Indonesia Vietnam Turkey Italy "
             "Spain Poland Egypt Nigeria Chile Argentina Sweden Norway Thailand Malaysia Peru Kenya").split()
GOODS = ("lithium cobalt graphite gallium germanium soybeans steel aluminum copper nickel wheat corn "
         "pork beef timber tungsten antimony polysilicon").split()


def synthetic_graph(n_entities: int = 2000, seed: int = 7) -> Graph:
    """About ``n_entities`` entities in the builder's shape: each article adds officials, a
    tariff, an export control and a call among a shared pool of countries and goods."""
    rng = random.Random(seed)
    m = GraphMaker(with_ontology=True)
    countries = [m.entity(f"country/{c.lower()}", "Country", c) for c in COUNTRIES]
    goods = [m.entity(f"commodity/{c}", "Commodity", c) for c in GOODS]
    count, i = len(countries) + len(goods), 0
    while count < n_entities:
        d = m.doc(f"bench_{i:06d}", f"Article {i}")
        c1, c2 = rng.sample(countries, 2)
        g1, g2 = rng.sample(goods, 2)
        people = []
        for j in range(3):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}-{j}"
            p = m.entity(f"person/p{i}-{j}", "Official", name, d, alts=(name.split()[1],),
                         title="Trade Minister")
            m.fact(p, "officialOf", c1 if j < 2 else c2, d, f"{name} spoke for the government.")
            people.append(p)
        t = m.entity(f"policy/t{i}", "Tariff", f"tariffs on {rng.choice(GOODS)} {i}", d)
        m.fact(t, "imposedBy", c1, d, "The tariffs were imposed.")
        m.fact(t, "targets", c2, d, "The tariffs target imports.")
        m.fact(t, "appliesTo", g1, d, "The tariffs cover goods.")
        x = m.entity(f"policy/x{i}", "ExportControl", f"export controls {i}", d)
        m.fact(x, "imposedBy", c2, d, "Exports were halted.")
        m.fact(x, "appliesTo", g2, d, "Exports of goods were halted.")
        e = m.entity(f"event/e{i}", "Event", f"call {i}", d)
        m.fact(e, "participant", people[0], d, "They spoke by phone.")
        m.fact(e, "participant", people[2], d, "They spoke by phone.")
        m.fact(e, "initiatedBy", people[0], d, "The call was requested.")
        count += 6
        i += 1
    return m.g


STATUSES = ("Threatened", "Proposed", "InForce", "Suspended", "Lifted", None)


def add_policy_facts(m: GraphMaker, policy: URIRef, doc: URIRef, status: str | None, rate: str | None = None,
                     effective: str | None = None, end: str | None = None) -> None:
    """The policy facts of the contract ("Policy facts"), each with its provenance statement."""
    if status:
        m.fact(policy, "status", K[status], doc, f"The measure is now {status.lower()}.")
    if rate:
        m.fact(policy, "rate", Literal(rate, datatype=XSD.decimal), doc, f"The duty was raised to {rate} pct.")
    if effective:
        m.fact(policy, "effectiveDate", Literal(effective, datatype=XSD.date), doc, f"It takes effect on {effective}.")
    if end:
        m.fact(policy, "endDate", Literal(end, datatype=XSD.date), doc, f"It ends on {end}.")


def policy_graph() -> Graph:
    """Three policies of one imposer: in force with a rate and dates, lifted, and one with no status."""
    m = GraphMaker()
    d = m.doc("p001", "Duties <raised> & lifted")
    chile = m.entity("country/chile", "Country", "Chile", d)
    peru = m.entity("country/peru", "Country", "Peru", d)
    copper = m.entity("commodity/copper", "Commodity", "copper", d)
    wine = m.entity("commodity/wine", "Commodity", "wine", d)
    duty = m.entity("policy/chile-duty-copper", "AntiDumpingDuty", "Chile anti-dumping duty on copper from Peru", d)
    ban = m.entity("policy/chile-ban-wine", "ImportBan", "Chile import ban on wine", d)
    quota = m.entity("policy/chile-quota-wine", "Quota", "Chile quota on wine", d)
    for p, goods in ((duty, copper), (ban, wine), (quota, wine)):
        m.fact(p, "imposedBy", chile, d, "Chile acted <today>.")
        m.fact(p, "appliesTo", goods, d, "Chile acted on goods.")
    m.fact(duty, "targets", peru, d, "Chile imposed duties on copper from Peru.")
    add_policy_facts(m, duty, d, "InForce", "12.5", "2024-03-01", "2029-02-28")
    add_policy_facts(m, ban, d, "Lifted", None, "2023-01-10", "2024-05-02")
    return m.g


def scale_graph(n_entities: int = 30000, isolated_share: float = 0.9, seed: int = 11):
    """About ``n_entities`` entities shaped like a big wire-service corpus (a kg TripleGraph).

    A story is either about trade (a new official of a country, a policy with its
    imposer, target, goods, status, rate and dates, and a meeting: five linked
    entities) or mentions two new companies or people without any fact linking them
    (isolated). Stories about trade are drawn with the probability that makes
    ``isolated_share`` of the entities isolated.
    """
    from kg.triples import TripleGraph

    rng = random.Random(seed)
    m = GraphMaker(with_ontology=True, graph=TripleGraph())
    countries = [m.entity(f"country/{c.lower()}", "Country", c) for c in COUNTRIES]
    goods = [m.entity(f"commodity/{c}", "Commodity", c) for c in GOODS]
    kinds = ("Tariff", "Quota", "ImportBan", "ExportBan", "AntiDumpingDuty", "TradeAgreement", "ExportControl")
    trade = (2 - 2 * isolated_share) / (2 + 3 * isolated_share)
    count, i = len(countries) + len(goods), 0
    while count < n_entities:
        d = m.doc(f"s{i:06d}", f"Story {i}")
        if rng.random() < trade:
            c1, c2 = rng.sample(countries, 2)
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
            official = m.entity(f"person/o{i}", "Official", name, d, alts=(name.split()[1],), title="Minister")
            m.fact(official, "officialOf", c1, d, f"{name} spoke for the government.")
            kind = rng.choice(kinds)
            good = rng.choice(GOODS)
            policy = m.entity(f"policy/p{i}", kind, f"{kind} on {good} {i}", d)
            m.fact(policy, "imposedBy", c1, d, "The measure was imposed.")
            m.fact(policy, "targets", c2, d, "The measure targets imports.")
            m.fact(policy, "appliesTo", goods[GOODS.index(good)], d, "The measure covers goods.")
            month = rng.randrange(1, 13)
            add_policy_facts(m, policy, d, rng.choice(STATUSES), str(rng.choice((5, 10, 12.5, 25, 100))),
                             f"2020-{month:02d}-01", f"2022-{month:02d}-01" if rng.random() < 0.3 else None)
            company = m.entity(f"organization/c{i}", "Organization", f"Trading House {i}", d)
            m.fact(policy, "targets", company, d, "The company was named.")
            meeting = m.entity(f"event/m{i}", "Event", f"talks {i}", d)
            m.fact(meeting, "participant", official, d, "They met.")
            m.fact(meeting, "participant", c2, d, "They met.")
            m.fact(meeting, "initiatedBy", official, d, "The talks were called.")
            count += 4
        else:
            for j in range(2):
                if rng.random() < 0.5:
                    m.entity(f"organization/i{i}-{j}", "Organization", f"{rng.choice(LAST)} Holdings {i}-{j}", d)
                else:
                    m.entity(f"person/i{i}-{j}", "Person", f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}-{j}", d)
            count += 2
        i += 1
    return m.g


# ---------------------------------------------------------------- the browser

def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set KG_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@dataclass
class PageLog:
    """What a page did that a test wants to check."""

    blocked: list[str] = field(default_factory=list)       # requests that tried to leave
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextlib.contextmanager
def open_page(path: Path, width: int = 1400, height: int = 900, timeout_ms: int = 30000):
    """Open ``path`` in Chromium with the network cut off; yields ``(page, log)``."""
    from playwright.sync_api import sync_playwright

    log = PageLog()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height},
                                          service_workers="block")
            page = context.new_page()
            page.set_default_timeout(timeout_ms)

            def route(r):
                if r.request.url.startswith("file://"):
                    r.continue_()
                else:
                    log.blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("console", lambda msg: msg.type == "error" and log.console_errors.append(msg.text))
            page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))

            def dialog(d):
                log.dialogs.append(f"{d.type}: {d.message}")
                d.dismiss()

            page.on("dialog", dialog)
            page.goto(Path(path).resolve().as_uri())
            yield page, log
        finally:
            browser.close()


def wait_ready(page, timeout_ms: int = 30000) -> None:
    """Until the page script has built the network and vis-network has drawn it once.

    Predicates are given as functions: a bare expression would be re-evaluated with
    eval(), which the page's Content-Security-Policy forbids."""
    page.wait_for_function("() => window.kgView && window.kgView.ready === true", timeout=timeout_ms)


def node_point(page, node_id: int) -> tuple[float, float]:
    """Where node ``node_id`` is on the page, in CSS pixels."""
    p = page.evaluate("""(id) => {
        const n = kgView.network, c = n.canvasToDOM(n.getPositions([id])[id]);
        const r = document.getElementById('kg-network').getBoundingClientRect();
        return [r.left + c.x, r.top + c.y];
    }""", node_id)
    return p[0], p[1]


def edge_point(page, edge_id: int) -> tuple[float, float]:
    """The middle of drawn edge ``edge_id`` on the page."""
    p = page.evaluate("""(id) => {
        const e = kgView.edges.get(id), n = kgView.network;
        const pos = n.getPositions([e.from, e.to]);
        const c = n.canvasToDOM({x: (pos[e.from].x + pos[e.to].x) / 2, y: (pos[e.from].y + pos[e.to].y) / 2});
        const r = document.getElementById('kg-network').getBoundingClientRect();
        return [r.left + c.x, r.top + c.y];
    }""", edge_id)
    return p[0], p[1]
