#!/usr/bin/env python3
"""Cached rebuilds in a row: each must finish (none hangs), and each must write the same graph.

Usage: .venv/bin/python bench/rebuilds.py CORPUS [--runs 30] [--out DIR] [--timeout 300]

Runs ``kg build CORPUS --out DIR`` with default settings (the machine's cores as
workers, the cache on) once to fill the cache, then ``--runs`` times more. A run
that takes longer than ``--timeout`` seconds counts as a hang: it is killed and the
script exits 1; so does a failed run or a graph.ttl that differs from the first.
Prints one line per run (wall seconds) and a summary line.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = Path(sys.executable)
KG = [str(PY.parent / "kg")] if (PY.parent / "kg").exists() else [str(PY), "-m", "kg.cli"]


def build(corpus: Path, out: Path, timeout: float) -> tuple[float, int]:
    """(wall seconds, exit status); status -1 for a run killed at the timeout."""
    started = time.perf_counter()
    proc = subprocess.Popen([*KG, "build", str(corpus), "--out", str(out), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return time.perf_counter() - started, -1
    if proc.returncode != 0:
        sys.stderr.write(err.decode("utf-8", "replace"))
    return time.perf_counter() - started, proc.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--out", type=Path, help="output folder (default: a temporary one)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds after which a run counts as hung")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="kg-rebuilds-"))
    first, code = build(args.corpus, out, args.timeout * 10)
    if code != 0:
        print(f"first build failed (status {code})", file=sys.stderr)
        return 1
    graph = (out / "graph.ttl").read_bytes()
    print(f"first build (fills the cache): {first:.1f}s", flush=True)
    walls = []
    for i in range(1, args.runs + 1):
        wall, code = build(args.corpus, out, args.timeout)
        walls.append(wall)
        same = (out / "graph.ttl").read_bytes() == graph
        print(f"rebuild {i}: {wall:.1f}s" + ("" if code == 0 else f" FAILED (status {code})")
              + ("" if same else " DIFFERENT GRAPH"), flush=True)
        if code != 0 or not same:
            return 1
    print(f"{args.runs} cached rebuilds of {args.corpus} all finished, same graph.ttl each time: "
          f"median {statistics.median(walls):.1f}s, slowest {max(walls):.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
