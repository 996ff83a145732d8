#!/usr/bin/env python3
"""Two English pipelines side by side on the real development set: entity scores and speed.

Usage: .venv/bin/python bench/bench_models.py MODEL [MODEL ...] [--repeat R]

MODEL is a spaCy package name or a model directory. For each model, in fresh child processes:

- **bare**: a Python process that runs ``spacy.load(MODEL)`` with every component, then ``nlp.pipe``
  over the 40 texts of ``../shared/corpora/realnews-dev/texts`` (the floor; start and load included);
- **kg**: ``kg build`` of the same 40 texts, ``--workers 1 --no-cache``;
- **scores**: each part (r*, b*+w*) built on its own and scored with ``../shared/tools/score.py``
  over the five entity facets (persons, countries, organizations, official_country,
  official_title), micro-averaged.

Times are wall seconds, the fastest of ``--repeat`` runs (the machine may be shared). Prints a
markdown table; nothing is written to the repository.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "corpora" / "realnews-dev"
FACETS = ("persons", "countries", "organizations", "official_country", "official_title")
KG = [sys.executable, "-m", "kg.cli"]

BARE = """
import sys, time, spacy
from pathlib import Path
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[2]).glob("*.txt"))]
nlp = spacy.load(sys.argv[1])
t = time.perf_counter()
for _ in nlp.pipe(texts):
    pass
print(time.perf_counter() - t)
"""


def timed(cmd) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t


def bare_seconds(model: str, texts: Path) -> float:
    """The whole child process (start, load, parse), as ``kg build`` is timed."""
    return timed([sys.executable, "-c", BARE, model, str(texts)])


def micro(graph: Path, gold: Path) -> tuple[float, float, float]:
    out = subprocess.run([sys.executable, str(ROOT.parent / "shared" / "tools" / "score.py"), str(graph),
                          str(gold), "--json"], check=True, capture_output=True, text=True).stdout
    report = json.loads(out[out.index("{"):out.rindex("}") + 1])
    tp = sum(report[f]["tp"] for f in FACETS)
    fp = sum(report[f]["fp"] for f in FACETS)
    fn = sum(report[f]["fn"] for f in FACETS)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    if not DEV.is_dir():
        print(f"bench_models: no development set at {DEV}", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        parts = {"r": ("r*.txt", DEV / "gold-reuters.json"), "bw": ("[bw]*.txt", DEV / "gold-bbc-web.json")}
        everything = tmp / "all"
        everything.mkdir()
        for name, (pattern, _) in parts.items():
            (tmp / name).mkdir()
            for p in sorted((DEV / "texts").glob(pattern)):
                shutil.copy(p, tmp / name / p.name)
                shutil.copy(p, everything / p.name)
        for model in args.models:
            bare = min(bare_seconds(model, everything) for _ in range(args.repeat))
            build = min(timed(KG + ["build", str(everything), "--out", str(tmp / "out"), "--workers", "1",
                                    "--no-cache", "--model", model]) for _ in range(args.repeat))
            scores = {}
            for name, (_, gold) in parts.items():
                timed(KG + ["build", str(tmp / name), "--out", str(tmp / f"o{name}"), "--workers", "1",
                            "--no-cache", "--model", model])
                scores[name] = micro(tmp / f"o{name}" / "graph.ttl", gold)
            rows.append((Path(model).name if "/" in model else model, bare, build, scores))
    print("| model | Reuters P / R / F1 | BBC+web P / R / F1 | bare parse s | kg build s | build / bare |")
    print("|---|---|---|---|---|---|")
    for model, bare, build, scores in rows:
        cells = [" / ".join(f"{v:.3f}" for v in scores[k]) for k in ("r", "bw")]
        print(f"| {model} | {cells[0]} | {cells[1]} | {bare:.1f} | {build:.1f} | {build / bare:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
