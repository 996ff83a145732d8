"""The README's query examples run, and print what the README says they print."""
from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from kg.vocab import ROOT

pytestmark = pytest.mark.model


def examples():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(\.venv/bin/kg query output/graph\.ttl.*?)\n```\n```\n(.*?)\n```", text, re.S)
    assert len(blocks) >= 3
    return blocks


@pytest.mark.parametrize("command, expected", examples())
def test_readme_query(seed_build, command, expected):
    out, _ = seed_build
    args = shlex.split(command)[1:]
    args[args.index("output/graph.ttl")] = str(out / "graph.ttl")
    result = subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected.strip()
