#!/usr/bin/env python3
"""The build's in-memory store, measured: kg's TripleGraph against rdflib's Graph and pyoxigraph's Store.

Usage: .venv/bin/python bench/bench_store.py GRAPH.ttl [--repeat R]

Reads the triples of a graph kg built (e.g. from 300 articles) and times, for each
store, what a build does with it: add every triple (kg.graph adds them one by one),
read it the way the analysis does (a subject index and the provenance evidence),
write Turtle + N-Triples + JSON-LD (kg.writer's Oxigraph writer, or Oxigraph's own
serializer for the Store), and hand it to pySHACL as an rdflib graph (the TripleGraph
through its read-only view, as the build does; the Store by a copy). With ``--pyshacl``
it also times one validation of each rdflib graph handed over. The fastest of
``--repeat`` runs is kept; compare within one run (the machine may be shared).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402
from rdflib import Graph  # noqa: E402

from kg import entitygraph  # noqa: E402
from kg.graph import PREFIXES  # noqa: E402
from kg.triples import TripleGraph  # noqa: E402
from kg.writer import OxigraphWriter, serialize_many  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t)
    return best, value


def pyshacl_run(data) -> float:
    from kg.validate import load_shapes, run_pyshacl

    t = time.perf_counter()
    run_pyshacl(data, load_shapes(), inplace=True)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pyshacl", action="store_true", help="also time one pySHACL validation per store")
    args = ap.parse_args()
    triples = list(Graph().parse(args.graph))
    rows = []

    def fill(make):
        def run():
            g = make()
            add = g.add
            for t in triples:
                add(t)
            return g
        return run

    for name, make in (("TripleGraph (kg.triples)", lambda: TripleGraph(PREFIXES)),
                       ("rdflib Graph (Memory)", lambda: Graph(bind_namespaces="none"))):
        add_s, g = timed(fill(make), args.repeat)
        read_s, _ = timed(lambda: (entitygraph._index(g), entitygraph.evidence(g)), args.repeat)
        write_s, _ = timed(lambda: serialize_many(g, ("turtle", "nt", "jsonld"), PREFIXES), args.repeat)
        shacl_s, data = timed((lambda: g.as_rdflib()) if isinstance(g, TripleGraph) else (lambda: g), args.repeat)
        rows.append((name, add_s, read_s, write_s, shacl_s) + ((pyshacl_run(data),) if args.pyshacl else ()))

    writer = OxigraphWriter({})
    def ox_fill():
        store = ox.Store()
        term = writer.term
        store.bulk_extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in triples)
        return store
    add_s, store = timed(ox_fill, args.repeat)

    def ox_read():
        index = {}
        for q in store.quads_for_pattern(None, None, None):
            index.setdefault(q.subject, {}).setdefault(q.predicate, {})[q.object] = None
        return index
    read_s, _ = timed(ox_read, args.repeat)
    write_s, _ = timed(lambda: [store.dump(format=f, from_graph=ox.DefaultGraph()) for f in
                                (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD)], args.repeat)

    def ox_to_rdflib():
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        return Graph().parse(data=data.decode("utf-8"), format="nt")
    shacl_s, data = timed(ox_to_rdflib, args.repeat)
    rows.append(("pyoxigraph Store (read: pyoxigraph terms, unsorted output)", add_s, read_s, write_s, shacl_s)
                + ((pyshacl_run(data),) if args.pyshacl else ()))

    print(f"{len(triples)} triples from {args.graph}, fastest of {args.repeat}\n")
    extra = " pySHACL run |" if args.pyshacl else ""
    print("| store | add all | read (index + evidence) | Turtle + N-Triples + JSON-LD | rdflib graph for pySHACL |"
          + extra + " total |")
    print("|---|---|---|---|---|---|" + ("---|" if args.pyshacl else ""))
    for name, *secs in rows:
        print(f"| {name} | " + " | ".join(f"{s:.2f} s" for s in secs) + f" | {sum(secs):.2f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
