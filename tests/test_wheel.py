"""The wheel: built from a copy of the checkout, installed into a fresh virtual environment,
it builds, queries and validates from another folder after the copy is deleted.

Offline: the wheel is built with pip's usual isolated build (setuptools from the local
package mirror) and installed with ``--no-deps``; the fresh environment sees kg's
dependencies (and the spaCy model) through a ``.pth`` line naming this environment's
site-packages, so the only kg it can import is the installed wheel's.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from kg.vocab import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.model]

SKIP = shutil.ignore_patterns(".git", ".venv", "output", "out", ".kg-cache", "__pycache__", "*.egg-info",
                              "build", ".pytest_cache", ".hypothesis")


def run(cmd: list, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "checkout"
    shutil.copytree(ROOT, src, symlinks=True, ignore=SKIP)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp / "dist", src], cwd=tmp)
    shutil.rmtree(src)                                   # the checkout is gone from here on
    (wheel,) = (tmp / "dist").glob("kg-*.whl")
    venv = tmp / "venv"
    run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", venv], cwd=tmp)
    py = venv / "bin" / "python"
    site = Path(run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp).stdout.strip())
    (site / "kg_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([py, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel], cwd=tmp)
    return venv


def test_the_wheel_holds_the_ontology_queries_data_and_articles(installed):
    py = installed / "bin" / "python"
    code = ("import kg, kg.vocab as v; print(kg.__file__); "
            "print(all(p.is_file() for p in (v.ONTOLOGY_FILE, v.SHAPES_FILE)), "
            "len(list(v.QUERIES_DIR.glob('*.rq'))) > 0, len(list(v.ARTICLES_DIR.glob('*.txt'))) > 0)")
    where, found = run([py, "-c", code], cwd=installed).stdout.splitlines()
    assert Path(where).is_relative_to(installed)
    assert found == "True True True"


def test_installed_kg_builds_queries_and_validates_from_another_folder(installed, tmp_path):
    kg = installed / "bin" / "kg"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    built = run([kg, "build", "--out", "out", "--workers", "1"], cwd=elsewhere)   # the bundled articles
    assert "2 articles built" in built.stdout
    assert {"graph.ttl", "graph.html", "report.md"} <= {p.name for p in (elsewhere / "out").iterdir()}
    assert "conforms" in built.stderr
    listed = run([kg, "query", "--list"], cwd=elsewhere).stdout
    assert "officials" in listed
    officials = run([kg, "query", "out/graph.ttl", "--name", "officials", "--format", "csv"], cwd=elsewhere)
    assert len(officials.stdout.splitlines()) > 1
    count = run([kg, "query", "out/graph.ttl", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Official }",
                 "--format", "csv"], cwd=elsewhere)
    assert int(count.stdout.splitlines()[1]) > 0
    checked = run([kg, "validate", "out/graph.ttl"], cwd=elsewhere)
    assert "conforms to the kg shapes" in checked.stdout
