"""The build benchmark runs end to end on a tiny corpus and reports what the issue asks for."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.vocab import ROOT

BENCH = ROOT / "bench" / "bench_build.py"
MAKE_CORPUS = ROOT.parent / "shared" / "tools" / "make_corpus.py"


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.skipif(not MAKE_CORPUS.is_file(), reason="../shared/tools/make_corpus.py is not beside the checkout")
def test_bench_build_on_a_tiny_corpus(tmp_path):
    results = tmp_path / "build.md"
    run = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "4,6", "--repeat", "1", "--stages-up-to", "6",
         "--incremental", "6", "--incremental-repeat", "1", "--work", str(tmp_path / "work"),
         "--results", str(results)],
        capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    text = results.read_text(encoding="utf-8")
    raw = json.loads(results.with_suffix(".json").read_text(encoding="utf-8"))
    assert [r["size"] for r in raw["rows"]] == [4, 6]
    for row in raw["rows"]:
        assert set(row["runs"]) == {"bare", "kg 1w", "kg 2w"}
        assert row["tokens"] > 0 and row["bare"]["articles"] == row["size"]
        for run_ in row["runs"].values():
            assert run_["wall"] > 0 and run_["peak_tree_mb"] > 0
        assert row["runs"]["kg 1w"]["triples"] == row["runs"]["kg 2w"]["triples"] > 0
        assert row["stages"]["parse (spaCy)"] > 0 and row["stages"]["validation"] > 0
    inc = raw["incremental"]
    assert inc["identical"] is True and set(inc["runs"]) == {"1", "2"}
    # the report has the tables the issue asks for: ratios to the bare parse, tokens and articles
    # per second, memory, growth, the rebuild's share of a clean build
    for heading in ("kg 1w ratio", "kg 2w tok/s", "kg 1w art/s", "PSS MB / 1k triples", "ms/article",
                    "median / clean", "**identical**"):
        assert heading in text
    again = tmp_path / "again.md"
    subprocess.run([sys.executable, str(BENCH), "--from-json", str(results.with_suffix(".json")),
                    "--results", str(again)], check=True, capture_output=True, timeout=120)
    assert again.read_text(encoding="utf-8") == text          # --from-json renders the same report
