"""Imports flow one way: no cycle among kg's modules, and the build's modules stay under 400 lines."""
from __future__ import annotations

import subprocess
import sys

import pytest

from kg.vocab import ROOT

TOOL = ROOT.parent / "shared" / "tools" / "imports.py"
BUILD_MODULES = ("pipeline", "parse", "parallel", "distributed", "build_cmd", "cli", "errors", "progress",
                 "triples", "writer", "export", "analyze", "entitygraph", "validate", "prefixes", "vocab")


def report() -> list[str]:
    if not TOOL.is_file():
        pytest.skip(f"{TOOL} is not there")
    result = subprocess.run([sys.executable, str(TOOL), str(ROOT / "kg"), "400"], capture_output=True, text=True)
    return result.stdout.splitlines()


def test_no_import_cycle():
    assert [line for line in report() if line.startswith("cycle")] == []


def test_the_build_modules_are_under_400_lines():
    long = [line for line in report() if line.startswith("long")]
    assert [line for line in long if any(f"kg/{name}.py " in line for name in BUILD_MODULES)] == []


def test_errors_import_nothing_of_kg():
    source = (ROOT / "kg" / "errors.py").read_text(encoding="utf-8")
    assert "import kg" not in source and "from kg" not in source
