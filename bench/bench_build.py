#!/usr/bin/env python3
"""Benchmark `kg build` against spaCy's own parse of the same texts, in one run.

Usage: .venv/bin/python bench/bench_build.py [--sizes 100,300,1000,3000] [--workers 1,2]
           [--repeat R] [--repeat-up-to N] [--no-validate-too] [--stages-up-to N] [--incremental N | --no-incremental]

For each size N, ``../shared/tools/make_corpus.py`` writes N articles to
``bench/out/corpus_N/`` (seed 7; kept between runs), then each measurement runs
in a fresh child process:

- **bare**: ``spacy.load(<model>)`` with every component, then ``nlp.pipe`` over the
  article texts (one process, spaCy's default batch size) — the floor;
- **kg W**: ``kg build corpus_N --workers W --quiet`` exactly as a user runs it
  (validation on, cache on but emptied first), for each W in ``--workers``;
  with ``--no-validate-too`` also with ``--no-validate``.

Each measurement records wall time, CPU time (user + system, children included),
and peak memory: the peak of the summed RSS of the process and all its
children (sampled every 50 ms) and the largest single process (getrusage). With
``--repeat R`` the measurements are interleaved R times and the fastest of each
is kept (the machine may be shared); sizes above ``--repeat-up-to`` run once.
For sizes up to ``--stages-up-to``, one more one-worker build runs with timers on the build's stages (parse, extract,
resolve, graph, analysis, HTML, serializations, validation).

The incremental measurement (``--incremental N``, default 1000), for each
worker count: a clean build of N articles (cache emptied), its output folder
(with the cache) saved, one article added, and ``--incremental-repeat`` rebuilds
timed, each from the saved folder; then one clean ``--no-cache`` build of the
N + 1 articles, whose graph.ttl must be byte-identical to the rebuild's.

Prints a markdown report and writes it to ``bench/results/build.md``, and the raw
measurements to ``bench/results/build.json`` (``--from-json`` renders a report again).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "results" / "build.md"
MAKE_CORPUS = ROOT.parent / "shared" / "tools" / "make_corpus.py"
PY = sys.executable
KG = [str(Path(PY).parent / "kg")] if (Path(PY).parent / "kg").exists() else [PY, "-m", "kg.cli"]

# --------------------------------------------------------------------------- child modes

BARE = r"""
import json, sys, time, warnings
t0 = time.perf_counter()
warnings.simplefilter("ignore")
from pathlib import Path
import spacy
model, folder = sys.argv[1], Path(sys.argv[2])
t1 = time.perf_counter()
nlp = spacy.load(model)
t2 = time.perf_counter()
texts = (p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt")))
tokens = articles = 0
for doc in nlp.pipe(texts):
    tokens += len(doc)
    articles += 1
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "parse_s": t3 - t2, "tokens": tokens,
                  "articles": articles, "components": nlp.pipe_names}))
"""

STAGES = r"""
import json, sys, time, functools, importlib
timers = {}
def wrap(module, name, label):
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return
    if not hasattr(mod, name):
        return
    real = getattr(mod, name)
    @functools.wraps(real)
    def timed(*a, **k):
        t = time.perf_counter()
        try:
            return real(*a, **k)
        finally:
            timers[label] = timers.get(label, 0.0) + time.perf_counter() - t
    setattr(mod, name, timed)
def _timed_pipe():
    # spaCy's Language.pipe, counting the time spent inside it (the parse) wherever it is consumed.
    try:
        from spacy.language import Language
    except ImportError:
        return
    real = Language.pipe
    depth = [0]                       # pipe(as_tuples=True) calls pipe again: count the outer one only
    def pipe(self, *a, **k):
        it = iter(real(self, *a, **k))
        while True:
            t = time.perf_counter()
            depth[0] += 1
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    timers["parse (spaCy)"] = timers.get("parse (spaCy)", 0.0) + time.perf_counter() - t
            yield item
    Language.pipe = pipe
_timed_pipe()
for module, name, label in [
    ("kg.pipeline", "extract_corpus", "ingest+parse+extract"),
    ("kg.parse", "worker_pipeline", "model load"),
    ("kg.resolve", "resolve", "resolve"),
    ("kg.graph", "build_graph", "graph"),
    ("kg.analyze", "analyze", "analysis"),
    ("kg.analyze", "add_to_graph", "analysis"),
    ("kg.analyze", "to_json", "analysis.json"),
    ("kg.analyze", "to_graphml", "graphml"),
    ("kg.render", "render_html", "html"),
    ("kg.report", "render_report", "report"),
    ("kg.export", "serializations", "turtle+nt+jsonld"),
    ("kg.io", "write_outputs", "write files"),
    ("kg.validate", "validate_graph", "validation"),
]:
    wrap(module, name, label)
t = time.perf_counter()
from kg.cli import main
code = main(sys.argv[1:])
timers["total (in process)"] = time.perf_counter() - t
print(json.dumps(timers), file=sys.stderr)
sys.exit(code)
"""


@dataclass
class Run:
    wall: float
    cpu: float
    peak_tree_mb: float
    peak_proc_mb: float
    peak_tree_pss_mb: float = float("nan")    # summed proportional set size: shared pages counted once
    triples: int = 0                          # triples in the graph.nt a kg build wrote
    out: str = ""
    err: str = ""
    code: int = 0


@dataclass
class Row:
    size: int
    tokens: int = 0
    runs: dict = field(default_factory=dict)       # label -> Run
    bare: dict = field(default_factory=dict)
    stages: dict = field(default_factory=dict)


def measured(cmd: list[str], env: dict | None = None, pss: bool = True) -> Run:
    """Run ``cmd`` in a fresh child: wall, CPU (with its children), peak memory of the process tree.

    ``pss=False`` reads only the RSS (for the incremental rebuilds, whose few seconds the
    PSS readings would lengthen by about 5%)."""
    import threading

    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    chunks: dict[str, list[bytes]] = {"out": [], "err": []}

    def drain(stream, into):
        for chunk in iter(lambda: stream.read(65536), b""):
            into.append(chunk)

    readers = [threading.Thread(target=drain, args=(proc.stdout, chunks["out"]), daemon=True),
               threading.Thread(target=drain, args=(proc.stderr, chunks["err"]), daemon=True)]
    for r in readers:
        r.start()
    root = psutil.Process(proc.pid)
    peak = peak_pss = 0
    next_pss = 0.0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        total = total_pss = 0
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            procs = []
        # RSS (cheap: /proc/PID/statm) every 50 ms. PSS divides a page shared by forked
        # processes among them, but reading it walks the process's page tables (10 ms for
        # a 1 GB process): on two cores, sampling it that often would slow the build being
        # measured, so it is read twice a second (its peak may fall between two readings).
        for p in procs:
            try:
                total += p.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        peak = max(peak, total)
        if pss and time.perf_counter() >= next_pss:
            next_pss = time.perf_counter() + 0.5
            for p in procs:
                try:
                    total_pss += p.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
                    pass
            peak_pss = max(peak_pss, total_pss)
        time.sleep(0.05)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join()
    run = Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_tree_mb=peak / 2**20,
              peak_proc_mb=usage.ru_maxrss / 1024,          # the largest single process (KiB on Linux)
              peak_tree_pss_mb=peak_pss / 2**20 if peak_pss else float("nan"),
              out=b"".join(chunks["out"]).decode("utf-8", "replace"),
              err=b"".join(chunks["err"]).decode("utf-8", "replace"), code=proc.returncode)
    if run.code != 0:
        sys.stderr.write(f"command failed ({run.code}): {' '.join(cmd)}\n{run.err[-3000:]}\n")
    return run


# --------------------------------------------------------------------------- corpora and builds

def make_corpus(n: int, seed: int = 7) -> Path:
    folder = OUT / f"corpus_{n}"
    if folder.is_dir() and len(list(folder.glob("*.txt"))) == n:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    subprocess.run([PY, str(MAKE_CORPUS), "--docs", str(n), "--out", str(folder), "--seed", str(seed)],
                   check=True, stdout=subprocess.DEVNULL)
    return folder


def kg_build(corpus: Path, out: Path, workers: int, *extra: str, clear_cache: bool = True, pss: bool = True) -> Run:
    if clear_cache and (out / ".kg-cache").exists():
        shutil.rmtree(out / ".kg-cache")
    run = measured([*KG, "build", str(corpus), "--out", str(out), "--workers", str(workers), "--quiet", *extra],
                   pss=pss)
    nt = out / "graph.nt"
    if run.code == 0 and nt.is_file():
        with open(nt, "rb") as fh:
            run.triples = sum(1 for _ in fh)
    return run


def model_name(requested: str | None) -> str:
    if requested:
        return requested
    sys.path.insert(0, str(ROOT))
    from kg.cache import model_identity

    return model_identity(None)[0]


# --------------------------------------------------------------------------- report

def fmt(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}"


def report(rows: list[Row], labels: list[str], incremental: dict | None, args, model: str) -> str:
    lines = []
    lines.append("# `kg build` benchmark")
    lines.append("")
    lines.append(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
                 f"model {model}; kg at `{args.commit}`; load average (1 min) at the start {args.load_start:.2f}, "
                 f"at the end {args.load_end:.2f}. "
                 f"Best of {args.repeat} interleaved runs for sizes up to {args.repeat_up_to}, one run above. "
                 f"Corpora: `make_corpus.py --seed 7`.")
    lines.append("")
    lines.append("Times are wall-clock seconds of a fresh process (Python start, imports, model load included); "
                 "`bare pipe` is spaCy's `nlp.pipe` alone inside the bare process. Ratios are kg's wall time "
                 "over the bare process's wall time (and, in brackets, over the bare `nlp.pipe` time alone). "
                 "Peak memory is the summed RSS of the process and its workers.")
    lines.append("")
    head = ["articles", "tokens", "bare s", "bare pipe s", "bare MB"]
    for label in labels:
        head += [f"{label} s", f"{label} ratio", f"{label} tok/s", f"{label} art/s", f"{label} MB"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for row in rows:
        bare = row.runs["bare"]
        pipe = row.bare.get("parse_s", float("nan"))
        cells = [str(row.size), str(row.tokens), fmt(bare.wall), fmt(pipe), fmt(bare.peak_tree_mb, 0)]
        for label in labels:
            r = row.runs.get(label)
            if r is None:
                cells += ["–"] * 5
                continue
            cells += [fmt(r.wall), f"{r.wall / bare.wall:.2f} ({r.wall / pipe:.2f})",
                      fmt(row.tokens / r.wall, 0), fmt(row.size / r.wall, 1), fmt(r.peak_tree_mb, 0)]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("CPU seconds (user + system, workers included), and kg's CPU over the bare run's "
                 "(less sensitive than wall time to other load on the machine):")
    lines.append("")
    lines.append("| articles | bare | " + " | ".join(labels) + " |")
    lines.append("|---|---|" + "---|" * len(labels))
    for row in rows:
        bare_cpu = row.runs["bare"].cpu
        lines.append(f"| {row.size} | {fmt(bare_cpu)} | "
                     + " | ".join(f"{fmt(row.runs[l].cpu)} ({row.runs[l].cpu / bare_cpu:.2f})" if l in row.runs
                                  else "–" for l in labels) + " |")
    lines.append("")
    if len(rows) > 1:
        lines.append("Growth: CPU milliseconds per article (constant = linear growth) and peak memory:")
        lines.append("")
        lines.append("| articles | bare ms/article | " + " | ".join(f"{l} ms/article" for l in labels)
                     + " | " + " | ".join(f"{l} MB" for l in labels) + " |")
        lines.append("|---|---|" + "---|" * (2 * len(labels)))
        for row in rows:
            cells = [str(row.size), fmt(1000 * row.runs["bare"].cpu / row.size, 0)]
            cells += [fmt(1000 * row.runs[l].cpu / row.size, 0) if l in row.runs else "–" for l in labels]
            cells += [fmt(row.runs[l].peak_tree_mb, 0) if l in row.runs else "–" for l in labels]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines.append("Memory against the size of the graph: peak summed RSS (a page shared by forked processes "
                 "counts in each; sampled every 50 ms) and peak summed PSS (shared pages divided among the "
                 "processes that share them; sampled every 0.5 s, as reading it costs the measured build CPU), "
                 "in MB, and PSS per thousand triples of the graph (`graph.nt` lines):")
    lines.append("")
    lines.append("| articles | tokens | triples | bare RSS | bare PSS | "
                 + " | ".join(f"{l} RSS | {l} PSS | {l} PSS MB / 1k triples" for l in labels) + " |")
    lines.append("|---|---|---|---|---|" + "---|---|---|" * len(labels))
    for row in rows:
        bare = row.runs["bare"]
        triples = max((r.triples for r in row.runs.values()), default=0)
        cells = [str(row.size), str(row.tokens), str(triples or "–"), fmt(bare.peak_tree_mb, 0),
                 fmt(bare.peak_tree_pss_mb, 0)]
        for label in labels:
            r = row.runs.get(label)
            if r is None:
                cells += ["–"] * 3
                continue
            per = fmt(1000 * r.peak_tree_pss_mb / triples, 2) if triples else "–"
            cells += [fmt(r.peak_tree_mb, 0), fmt(r.peak_tree_pss_mb, 0), per]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    staged = [r for r in rows if r.stages]
    if staged:
        names = []
        for r in staged:
            names += [n for n in r.stages if n not in names]
        lines.append("Where a one-worker `kg build` spends its time (seconds, in process; "
                     "`parse (spaCy)` is the time spent inside spaCy's `nlp.pipe`; `ingest + extract (rules)` = "
                     "ingest+parse+extract − parse − model load):")
        lines.append("")
        lines.append("| stage | " + " | ".join(str(r.size) for r in staged) + " |")
        lines.append("|---|" + "---|" * len(staged))
        for n in names:
            lines.append(f"| {n} | " + " | ".join(fmt(r.stages.get(n, float('nan')), 2) for r in staged) + " |")
        lines.append("")
        for a, b in zip(staged, staged[1:]):
            k = b.size / a.size
            growth = [f"{n} ×{b.stages[n] / a.stages[n] / k:.1f}" for n in names
                      if n in a.stages and n in b.stages and a.stages[n] > 0.05 and n != "process wall"]
            lines.append(f"- Per-article cost at {b.size} articles over that at {a.size} (×1.0 = linear): "
                         + ", ".join(growth) + ".")
        lines.append("")
    if incremental:
        i = incremental
        lines.append(f"Incremental build ({i['size']} articles + 1; the cache and outputs of the clean build are "
                     f"restored before each rebuild, so every rebuild starts from the same state; these builds are "
                     f"measured with RSS sampling only):")
        lines.append("")
        lines.append("| workers | clean build s | rebuilds s | median rebuild s | median / clean |")
        lines.append("|---|---|---|---|---|")
        for w, r in sorted(i.get("runs", {}).items(), key=lambda kv: int(kv[0])):
            med = statistics.median(r["rebuilds"])
            lines.append(f"| {w} | {fmt(r['clean'])} | {', '.join(fmt(x) for x in r['rebuilds'])} | {fmt(med)} "
                         f"| {100 * med / r['clean']:.1f}% |")
        lines.append("")
        lines.append(f"A clean `--no-cache` build of the {i['size'] + 1} articles took {fmt(i['clean_plus'])} s; "
                     f"graph.ttl of the rebuild is {'**identical**' if i['identical'] else '**DIFFERENT**'} to "
                     f"its ({i['bytes']} bytes).")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main

def main() -> int:
    global OUT
    if len(sys.argv) > 1 and sys.argv[1] == "_stages":
        sys.argv = [sys.argv[0], *sys.argv[2:]]
        exec(compile(STAGES, "<stages>", "exec"), {"__name__": "__stages__"})
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,300,1000,3000", help="corpus sizes, comma-separated")
    ap.add_argument("--workers", default="1,2", help="worker counts for kg build, comma-separated")
    ap.add_argument("--repeat", type=int, default=2, help="interleaved repetitions; the fastest is kept")
    ap.add_argument("--repeat-up-to", type=int, default=300, help="repeat only sizes up to this (larger: once)")
    ap.add_argument("--no-validate-too", action="store_true", help="also time kg build --no-validate")
    ap.add_argument("--stages-up-to", type=int, default=1000, help="time the stages for sizes up to this")
    ap.add_argument("--incremental", type=int, default=1000, help="size for the incremental rebuild")
    ap.add_argument("--no-incremental", action="store_true")
    ap.add_argument("--incremental-repeat", type=int, default=3, help="rebuilds timed (from the same state)")
    ap.add_argument("--model", help="spaCy model (default: the one kg loads)")
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--work", type=Path, default=OUT, help="folder for the corpora and build outputs")
    ap.add_argument("--from-json", type=Path, nargs="+", metavar="FILE",
                    help="only render the report from the measurements earlier runs saved (their .json), merged")
    args = ap.parse_args()
    OUT = args.work.resolve()
    args.load_start = os.getloadavg()[0]
    args.commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip() or "?"
    if args.from_json:
        parts = [json.loads(f.read_text(encoding="utf-8")) for f in args.from_json]
        saved = dict(parts[0])
        by_size = {}
        for part in parts:
            by_size.update({r["size"]: r for r in part["rows"]})
            saved["incremental"] = part.get("incremental") or saved.get("incremental")
        saved["load_start"] = max(p.get("load_start", 0.0) for p in parts)
        saved["load_end"] = max(p.get("load_end", 0.0) for p in parts)
        rows = [Row(size=r["size"], tokens=r["tokens"], bare=r["bare"], stages=r["stages"],
                    runs={k: Run(**v) for k, v in r["runs"].items()}) for _, r in sorted(by_size.items())]
        args.load_start = saved.get("load_start", float("nan"))
        commits = list(dict.fromkeys(p.get("commit", "?") for p in parts))
        args.commit = saved.get("commit", "?") if len(commits) == 1 else "` + `".join(commits)
        args.load_end = saved.get("load_end", float("nan"))
        args.repeat, args.repeat_up_to = saved.get("repeat", args.repeat), saved.get("repeat_up_to", args.repeat_up_to)
        text = report(rows, saved["labels"], saved.get("incremental"), args, saved["model"])
        print(text)
        args.results.write_text(text + "\n", encoding="utf-8")
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s]
    workers = [int(w) for w in args.workers.split(",") if w]
    model = model_name(args.model)
    OUT.mkdir(parents=True, exist_ok=True)
    labels = [f"kg {w}w" for w in workers] + ([f"kg {w}w novalidate" for w in workers] if args.no_validate_too else [])
    rows = []
    for n in sizes:
        corpus = make_corpus(n)
        row = Row(size=n)
        for rep in range(args.repeat if n <= args.repeat_up_to else 1):
            bare = measured([PY, "-c", BARE, model, str(corpus)])
            info = json.loads(bare.out.strip().splitlines()[-1])
            if "bare" not in row.runs or bare.wall < row.runs["bare"].wall:
                row.runs["bare"], row.bare, row.tokens = bare, info, info["tokens"]
            for label in labels:
                w = int(label.split()[1][:-1])
                extra = ["--no-validate"] if label.endswith("novalidate") else []
                run = kg_build(corpus, OUT / f"build_{n}_{label.replace(' ', '_')}", w, *extra)
                if run.code == 0 and (label not in row.runs or run.wall < row.runs[label].wall):
                    row.runs[label] = run
            print(f"size {n} run {rep + 1}: " + ", ".join(f"{k} {v.wall:.1f}s" for k, v in row.runs.items()),
                  file=sys.stderr, flush=True)
        if n <= args.stages_up_to:
            run = measured([PY, str(Path(__file__).resolve()), "_stages", "build", str(corpus), "--out",
                            str(OUT / f"stages_{n}"), "--workers", "1", "--no-cache", "--quiet"])
            try:
                row.stages = json.loads(run.err.strip().splitlines()[-1])
            except (ValueError, IndexError):
                row.stages = {}
            if row.stages:
                s = row.stages
                s["ingest + extract (rules)"] = s.get("ingest+parse+extract", 0) - s.get("parse (spaCy)", 0) \
                    - s.get("model load", 0)
                s["process wall"] = run.wall
        rows.append(row)
        args.load_end = os.getloadavg()[0]
        print(report(rows, labels, None, args, model), file=sys.stderr, flush=True)
    incremental = None
    if not args.no_incremental and args.incremental:
        n = args.incremental
        base = make_corpus(n)
        plus = make_corpus(n + 1)
        new = sorted(set(p.name for p in plus.glob("*.txt")) - set(p.name for p in base.glob("*.txt")))[0]
        src = OUT / f"incremental_{n}"
        incremental = {"size": n, "new": new, "runs": {}}
        rebuilt = b""
        for w in workers:
            if src.exists():
                shutil.rmtree(src)
            shutil.copytree(base, src)
            out = OUT / f"incremental_{n}_{w}w_out"
            if out.exists():
                shutil.rmtree(out)
            clean = kg_build(src, out, w, pss=False)            # first build: empty cache
            saved = OUT / f"incremental_{n}_{w}w_saved"
            if saved.exists():
                shutil.rmtree(saved)
            shutil.copytree(out, saved, symlinks=True)          # the state a rebuild starts from (links kept)
            shutil.copy(plus / new, src / new)
            rebuilds = []
            for _ in range(args.incremental_repeat):
                shutil.rmtree(out)
                shutil.copytree(saved, out, symlinks=True)
                rebuilds.append(kg_build(src, out, w, clear_cache=False, pss=False).wall)
            rebuilt = (out / "graph.ttl").read_bytes()
            incremental["runs"][w] = {"clean": clean.wall, "rebuilds": rebuilds}
            print(f"incremental {n}+1, {w} worker(s): clean {clean.wall:.1f}s, rebuilds "
                  + ", ".join(f"{r:.1f}s" for r in rebuilds), file=sys.stderr, flush=True)
        clean_out = OUT / f"incremental_{n}_clean"
        clean_plus = kg_build(src, clean_out, max(workers), "--no-cache", pss=False)
        incremental.update(clean_plus=clean_plus.wall, bytes=len(rebuilt),
                           identical=rebuilt == (clean_out / "graph.ttl").read_bytes())
    args.load_end = os.getloadavg()[0]
    text = report(rows, labels, incremental, args, model)
    print(text)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text + "\n", encoding="utf-8")
    raw = {"model": model, "labels": labels, "load_start": args.load_start, "load_end": args.load_end,
           "commit": args.commit,
           "repeat": args.repeat,
           "repeat_up_to": args.repeat_up_to, "incremental": incremental,
           "rows": [{"size": r.size, "tokens": r.tokens, "bare": r.bare, "stages": r.stages,
                     "runs": {k: {**vars(v), "out": "", "err": ""} for k, v in r.runs.items()}} for r in rows]}
    args.results.with_suffix(".json").write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
