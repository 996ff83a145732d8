"""Benchmark: ``kg query`` (Oxigraph) against plain rdflib on a graph of a million triples.

Usage: python bench/bench_query.py [--triples N] [--timeout S] [--keep DIR] [--out FILE]

1. Generates, deterministically, a synthetic graph in the shape ``kg build`` writes
   (officials serving countries, policies, events, documents, one ``rdf:Statement``
   provenance node per fact, analysis results, and the ontology), as Turtle.
2. Times, in one run and on the same file and the same named queries:
   - kg's engine function (``kg.query.load_graph`` + ``execute`` + CSV formatting),
   - the ``kg query`` command line, one process per query (each loads the file),
   - plain rdflib: ``Graph().parse()`` then ``graph.query()``; each rdflib query is
     stopped after ``--timeout`` seconds (a lower bound is then reported).
3. Checks that both engines give the same rows, prints a table with the ratios and
   writes it to ``bench/results/query.md``.
"""
from __future__ import annotations

import argparse
import csv
import io
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from kg import query as kgq  # noqa: E402
from kg.prefixes import STANDARD_PREFIXES  # noqa: E402
from kg.vocab import ONTOLOGY_FILE  # noqa: E402

QUERIES = ("officials", "policies", "evidence", "pagerank", "links")

HEADER = """\
@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix person: <https://w3id.org/kg-news/id/person/> .
@prefix country: <https://w3id.org/kg-news/id/country/> .
@prefix organization: <https://w3id.org/kg-news/id/organization/> .
@prefix commodity: <https://w3id.org/kg-news/id/commodity/> .
@prefix event: <https://w3id.org/kg-news/id/event/> .
@prefix policy: <https://w3id.org/kg-news/id/policy/> .
@prefix document: <https://w3id.org/kg-news/id/document/> .

"""

_TITLES = ("President", "Prime Minister", "Treasury Secretary", "Commerce Minister",
           "Foreign Minister", "Trade Representative", "Ambassador", "Finance Minister")
_POLICY_KINDS = ("ExportControl", "Tariff", "Sanction", "TradeAgreement")
_EVENT_WORDS = ("phone call", "meeting", "talks", "summit", "visit")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Writer:
    """Counts triples as it writes them (one statement per ``s p o`` or per ``;``/``,`` item)."""

    def __init__(self, fh):
        self.fh = fh
        self.count = 0

    def subject(self, subject: str, pairs: list[tuple[str, str]]) -> None:
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        self.fh.write(f"{subject} {body} .\n")
        self.count += len(pairs)


def _statement(w: _Writer, s: str, p: str, o: str, sentence: str, doc: str, start: int) -> None:
    w.subject("[]", [
        ("a", "rdf:Statement"), ("rdf:subject", s), ("rdf:predicate", p), ("rdf:object", o),
        ("kg:sentence", _lit(sentence)), ("kg:source", doc),
        ("kg:startOffset", str(start)), ("kg:endOffset", str(start + len(sentence))),
    ])


def generate(path: Path, target: int = 1_000_000, seed: int = 7) -> int:
    """Write a synthetic kg graph of at least ``target`` triples to ``path``; return its size."""
    rng = random.Random(seed)
    ontology = ONTOLOGY_FILE.read_text(encoding="utf-8")
    ontology_body = "\n".join(l for l in ontology.splitlines() if not l.startswith("@prefix"))
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        fh.write("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n")
        fh.write("@prefix prov: <http://www.w3.org/ns/prov#> .\n@prefix schema: <https://schema.org/> .\n")
        fh.write("@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n\n")
        fh.write(ontology_body + "\n")
        w = _Writer(fh)
        w.count += _count_ontology_triples()

        countries = ["United States", "China", "Taiwan", "Japan", "Germany", "India"]
        countries += [f"Country {i}" for i in range(len(countries), 200)]
        for name in countries:
            pairs = [("a", "kg:Country"), ("rdfs:label", _lit(name)), ("skos:altLabel", _lit(name.upper())),
                     ("kg:pageRank", f"{rng.random() / 50:.6f}"), ("kg:degree", str(rng.randint(1, 400))),
                     ("kg:community", str(rng.randint(0, 30)))]
            if name == "United States":
                pairs.append(("skos:altLabel", _lit("U.S.")))
            w.subject(f"country:{_slug(name)}", pairs)
        commodities = ["rare earth magnets", "critical minerals", "chip design software", "soybeans"]
        commodities += [f"commodity {i}" for i in range(len(commodities), 500)]
        for name in commodities:
            w.subject(f"commodity:{_slug(name)}", [("a", "kg:Commodity"), ("rdfs:label", _lit(name))])
        for i in range(1000):
            w.subject(f"organization:org-{i}", [("a", "kg:Organization"), ("rdfs:label", _lit(f"Organization {i}"))])

        # Hub countries: a few countries take most of the facts, as in the news.
        weights = [1.0 / (rank + 1) for rank in range(len(countries))]
        officials: list[str] = []
        article = 0
        seeds = [("Donald Trump", "President", "united-states", True),
                 ("Xi Jinping", "President", "china", True),
                 ("Scott Bessent", "Treasury Secretary", "united-states", False)]
        while w.count < target:
            doc = f"document:d{article}"
            w.subject(doc, [("a", "kg:Document"), ("dcterms:identifier", _lit(f"{article:06d}_synthetic")),
                            ("dcterms:title", _lit(f"Article {article} on trade"))])
            offset = 0
            new = []
            for k in range(2):
                if seeds:
                    name, title, country, leads = seeds.pop(0)
                else:
                    name = f"Person {article}-{k}"
                    title = rng.choice(_TITLES)
                    country = _slug(rng.choices(countries, weights)[0])
                    leads = title in ("President", "Prime Minister") and rng.random() < 0.2
                iri = f"person:{_slug(name)}"
                rel = "kg:leaderOf" if leads else "kg:officialOf"
                w.subject(iri, [("a", "kg:Official"), ("rdfs:label", _lit(name)), ("skos:altLabel", _lit(name.split()[-1])),
                                ("kg:title", _lit(title)), (rel, f"country:{country}"), ("kg:mentionedIn", doc),
                                ("kg:pageRank", f"{rng.random() / 100:.6f}"), ("kg:degree", str(rng.randint(1, 40))),
                                ("kg:community", str(rng.randint(0, 30)))])
                sentence = f"{title} {name} spoke for {country} on Thursday."
                _statement(w, iri, "kg:title", _lit(title), sentence, doc, offset)
                _statement(w, iri, rel, f"country:{country}", sentence, doc, offset)
                offset += len(sentence) + 1
                new.append(iri)
            officials.extend(new)

            kind = rng.choice(_POLICY_KINDS)
            a, b = rng.sample(countries[:40], 2) if article else ("China", "United States")
            goods = rng.sample(commodities, 2)
            pol = f"policy:p{article}"
            pairs = [("a", f"kg:{kind}"), ("rdfs:label", _lit(f"{a} {kind} {article}")),
                     ("kg:date", f'"2025-{rng.randint(1, 12):02d}"^^xsd:gYearMonth'), ("kg:mentionedIn", doc)]
            facts = []
            if kind == "TradeAgreement":
                facts = [("kg:party", f"country:{_slug(a)}"), ("kg:party", f"country:{_slug(b)}"),
                         ("kg:appliesTo", f"commodity:{_slug(goods[0])}")]
                pairs.append(("kg:duration", '"P90D"^^xsd:duration'))
            else:
                facts = [("kg:imposedBy", f"country:{_slug(a)}"), ("kg:targets", f"country:{_slug(b)}"),
                         ("kg:appliesTo", f"commodity:{_slug(goods[0])}"), ("kg:appliesTo", f"commodity:{_slug(goods[1])}")]
            w.subject(pol, pairs + facts)
            sentence = f"{a} announced new measures against {b} on {goods[0]}."
            for p, o in facts:
                _statement(w, pol, p, o, sentence, doc, offset)
            offset += len(sentence) + 1

            who = rng.sample(officials, 2) if article else new[:2]
            ev = f"event:e{article}"
            facts = [("kg:initiatedBy", who[0]), ("kg:participant", who[0]), ("kg:participant", who[1])]
            w.subject(ev, [("a", "kg:Event"), ("rdfs:label", _lit(f"{rng.choice(_EVENT_WORDS)} {article}")),
                           ("kg:date", f'"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"^^xsd:date'),
                           ("kg:mentionedIn", doc)] + facts)
            sentence = f"The {article}th call took place at the request of one side."
            for p, o in facts:
                _statement(w, ev, p, o, sentence, doc, offset)
            article += 1
    return w.count


def _count_ontology_triples() -> int:
    import rdflib

    return len(rdflib.Graph().parse(ONTOLOGY_FILE))


# ------------------------------------------------------------------ timing

def _rows_from_csv(text: str) -> list[tuple[str, ...]]:
    rows = list(csv.reader(io.StringIO(text)))
    return [_normalize(r) for r in rows[1:]]


def _normalize(cells) -> tuple[str, ...]:
    # GROUP_CONCAT order is up to the engine: compare the concatenated items as sets;
    # Oxigraph prints decimals canonically ("0.01957"), rdflib as written ("0.019570").
    out = []
    for cell in map(str, cells):
        if _NUMBER.fullmatch(cell):
            cell = format(Decimal(cell).normalize(), "f")
        out.append(", ".join(sorted(cell.split(", "))))
    return tuple(out)


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def time_kg(path: Path, queries: dict[str, str]) -> dict:
    t0 = time.perf_counter()
    graph = kgq.load_graph(path)
    load = time.perf_counter() - t0
    out = {"load": load, "triples": len(graph.store), "queries": {}, "rows": {}}
    for name, text in queries.items():
        t0 = time.perf_counter()
        answer = kgq.format_result(kgq.execute(graph, text), "csv", graph.prefixes)
        out["queries"][name] = time.perf_counter() - t0
        out["rows"][name] = _rows_from_csv(answer)
    return out


def time_cli(path: Path, names) -> dict:
    kg_bin = Path(sys.executable).with_name("kg")
    cmd = [str(kg_bin)] if kg_bin.exists() else [sys.executable, "-m", "kg.cli"]
    out = {}
    for name in names:
        t0 = time.perf_counter()
        proc = subprocess.run(cmd + ["query", str(path), "--name", name, "--format", "csv"],
                              capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        out[name] = elapsed if proc.returncode == 0 else None
        if proc.returncode != 0:
            print(f"  kg query --name {name} failed: {proc.stderr.strip()}", file=sys.stderr)
    return out


def time_rdflib(path: Path, queries: dict[str, str], timeout: int) -> dict:
    import rdflib

    t0 = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    load = time.perf_counter() - t0
    out = {"load": load, "triples": len(graph), "queries": {}, "rows": {}}
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        for name, text in queries.items():
            t0 = time.perf_counter()
            signal.alarm(timeout)
            try:
                rows = [_normalize("" if v is None else v for v in row)
                        for row in graph.query(text, initNs=STANDARD_PREFIXES)]
                out["queries"][name] = time.perf_counter() - t0
                out["rows"][name] = rows
            except _Timeout:
                out["queries"][name] = None
                out["rows"][name] = None
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, old)
    return out


def _fmt(seconds) -> str:
    return "—" if seconds is None else f"{seconds:.2f}"


def report(triples: int, size_mb: float, kg: dict, cli: dict, rdf: dict, timeout: int) -> str:
    lines = [
        "# kg query (Oxigraph) vs plain rdflib",
        "",
        f"Graph: {triples:,} triples of synthetic kg data ({size_mb:.0f} MB of Turtle), "
        f"generated by `bench/bench_query.py`. Machine: {platform.machine()}, "
        f"Python {platform.python_version()}, {platform.system()}. Times in seconds, one run.",
        "",
        "Engines in one process (load once, then each query):",
        "",
        "| step | kg engine (Oxigraph) | rdflib | rdflib / kg | rows (kg / rdflib) |",
        "|---|---:|---:|---:|---|",
        f"| load the Turtle file | {_fmt(kg['load'])} | {_fmt(rdf['load'])} | {rdf['load'] / kg['load']:.1f}× | |",
    ]
    kg_total, rdf_total, lower = kg["load"], rdf["load"], False
    for name, seconds in kg["queries"].items():
        r = rdf["queries"][name]
        kg_total += seconds
        if r is None:
            lower = True
            rdf_total += timeout
            lines.append(f"| query `{name}` | {_fmt(seconds)} | > {timeout} (stopped) | > {timeout / seconds:.0f}× | "
                         f"{len(kg['rows'][name])} / — |")
        else:
            rdf_total += r
            same = sorted(kg["rows"][name]) == sorted(rdf["rows"][name])
            lines.append(f"| query `{name}` | {_fmt(seconds)} | {_fmt(r)} | {r / seconds:.0f}× | "
                         f"{len(kg['rows'][name])} / {len(rdf['rows'][name])}{'' if same else ' (DIFFER)'} |")
    ratio = rdf_total / kg_total
    more = "> " if lower else ""
    lines += [
        f"| **load + all queries** | **{kg_total:.2f}** | **{more}{rdf_total:.2f}** | **{more}{ratio:.1f}×** | |",
        "",
        "One query from a cold start, as a user runs it (`kg query GRAPH --name NAME --format csv` in a new "
        "process, against rdflib's load + the same query):",
        "",
        "| query | `kg query` command | rdflib load + query | rdflib / `kg query` |",
        "|---|---:|---:|---:|",
    ]
    for name, seconds in cli.items():
        r = rdf["queries"][name]
        total = rdf["load"] + (timeout if r is None else r)
        sign = "> " if r is None else ""
        shown = f"{sign}{total:.2f}"
        ratio_cli = f"{sign}{total / seconds:.1f}×" if seconds else "—"
        lines.append(f"| `{name}` | {_fmt(seconds)} | {shown} | {ratio_cli} |")
    lines += [
        "",
        f"Ratio, load and all queries (rdflib time / kg query time): **{'at least ' if lower else ''}{ratio:.1f}×**.",
    ]
    finished = [n for n, r in rdf["queries"].items() if r is not None]
    if lower and finished:
        kg_part = kg["load"] + sum(kg["queries"][n] for n in finished)
        rdf_part = rdf["load"] + sum(rdf["queries"][n] for n in finished)
        lines.append(f"On the queries rdflib finished ({', '.join(finished)}), load included: "
                     f"**{rdf_part / kg_part:.1f}×**.")
    lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="minimum graph size (default 1,000,000)")
    ap.add_argument("--timeout", type=int, default=120, help="seconds allowed to each rdflib query")
    ap.add_argument("--keep", type=Path, help="write the generated graph here and keep it")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "query.md", help="where to write the report")
    args = ap.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        path = (args.keep or workdir) / "bench-graph.ttl"
        path.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        triples = generate(path, args.triples)
        size_mb = path.stat().st_size / 1e6
        print(f"generated {triples:,} triples ({size_mb:.0f} MB) in {time.perf_counter() - t0:.1f} s", flush=True)
        queries = {name: kgq.named_query(name).text for name in QUERIES}
        kg = time_kg(path, queries)
        print(f"kg engine: load {kg['load']:.2f} s; queries {kg['queries']}", flush=True)
        cli = time_cli(path, QUERIES)
        print(f"kg query CLI: {cli}", flush=True)
        rdf = time_rdflib(path, queries, args.timeout)
        print(f"rdflib: load {rdf['load']:.2f} s; queries {rdf['queries']}", flush=True)
        text = report(kg["triples"], size_mb, kg, cli, rdf, args.timeout)
        print(text)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
