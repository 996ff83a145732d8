"""Extraction scored against annotated text, per facet, with floors that a regression breaks.

Four sets, each scored per facet (entity type or relation) and compared with the floors in
tests/score_floors.json (F1, set just under the figures measured when they were last raised):

- ``realnews-dev/reuters`` and ``realnews-dev/bbc-web``: the real development texts beside the
  checkout (``../shared/corpora/realnews-dev``), each part built on its own with ``kg build``
  (r* against gold-reuters.json, b* + w* against gold-bbc-web.json) and scored by
  ``../shared/tools/score.py --json``; skipped, with the reason, when ../shared is not there;
- ``tests/corpus`` and ``tests/heldout``: the project's own annotated articles, each article
  built on its own and scored with kg.evaluate against its gold file.

A facet below its floor fails; so does a facet that has no floor (add it to the data file).
To see today's figures and the floors they would give:
``.venv/bin/python tests/test_scores.py`` (add ``--write`` to rewrite the floors file).
"""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLOORS_FILE = HERE / "score_floors.json"
SHARED = ROOT.parent / "shared"
DEV = SHARED / "corpora" / "realnews-dev"
SCORE = SHARED / "tools" / "score.py"
MARGIN = 0.005          # floors sit this far under the measured F1 (less than one item in any facet)

DEV_PARTS = {
    "realnews-dev/reuters": (("r",), "gold-reuters.json"),
    "realnews-dev/bbc-web": (("b", "w"), "gold-bbc-web.json"),
}
OWN_SETS = {"tests/corpus": HERE / "corpus", "tests/heldout": HERE / "heldout"}


# ----------------------------------------------------------------------------- measuring

def _dev_available() -> bool:
    return SCORE.is_file() and (DEV / "texts").is_dir()


def score_dev_part(name: str, work: Path) -> dict[str, float]:
    """Build one part of the development set with `kg build`, score it with score.py: {facet: F1}."""
    prefixes, gold = DEV_PARTS[name]
    texts = work / "texts"
    texts.mkdir(parents=True)
    for path in sorted((DEV / "texts").glob("*.txt")):
        if path.name.startswith(prefixes):
            shutil.copyfile(path, texts / path.name)
    out = work / "out"
    build = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(texts), "--out", str(out),
                            "--workers", "1"], capture_output=True, text=True, cwd=ROOT)
    assert build.returncode == 0, build.stderr[-2000:]
    run = subprocess.run([sys.executable, str(SCORE), str(out / "graph.ttl"), str(DEV / gold), "--json"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    # score.py prints a line per facet, the JSON report, then a summary line
    text = run.stdout
    report = json.loads(text[text.index("\n{") + 1:text.rindex("}") + 1])
    return {facet: r["f1"] for facet, r in report.items() if facet != "micro"} | {"micro": report["micro"]["f1"]}


def score_own_set(nlp, corpus_dir: Path) -> dict[str, float]:
    """Each annotated article built on its own, scored with kg.evaluate: {facet: F1}, micro-averaged."""
    from kg.evaluate import Score, evaluate, load_gold
    from kg.ingest import read_document
    from kg.pipeline import parse_documents
    from kg.resolve import resolve

    scores: dict[str, Score] = defaultdict(Score)
    articles = sorted((corpus_dir / "articles").glob("*.txt"))
    assert articles, f"no articles in {corpus_dir}"
    for article in articles:
        gold = load_gold(corpus_dir / "gold" / f"{article.stem}.json")
        corpus = resolve(parse_documents(nlp, [read_document(article)]))
        ents, facts = evaluate(corpus, gold)
        for kind, table in (("entity", ents), ("fact", facts)):
            for key, s in table.items():
                scores[f"{kind}:{key}"].add(s)
    out = {facet: round(s.f1, 3) for facet, s in sorted(scores.items())}
    everything = Score()
    for s in scores.values():
        everything.add(s)
    out["micro"] = round(everything.f1, 3)
    return out


def floors() -> dict[str, dict[str, float]]:
    data = json.loads(FLOORS_FILE.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def check(name: str, measured: dict[str, float]) -> None:
    wanted = floors()[name]
    below = {f: (measured[f], wanted[f]) for f in wanted if f in measured and measured[f] < wanted[f]}
    gone = sorted(set(wanted) - set(measured))
    unguarded = sorted(set(measured) - set(wanted))
    report = json.dumps(measured, sort_keys=True)
    assert not below, f"{name}: F1 under the floor (measured, floor): {below}; all: {report}"
    assert not gone, f"{name}: facets with a floor that were not measured: {gone}; all: {report}"
    assert not unguarded, f"{name}: facets with no floor in {FLOORS_FILE.name}: {unguarded}; all: {report}"


# ----------------------------------------------------------------------------- tests

def test_floors_file_is_well_formed():
    data = floors()
    assert set(data) == set(DEV_PARTS) | set(OWN_SETS)
    for name, table in data.items():
        assert table, name
        for facet, value in table.items():
            assert isinstance(value, (int, float)) and 0.0 <= value <= 1.0, (name, facet, value)


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(OWN_SETS))
def test_own_annotated_corpus_stays_above_its_floors(nlp, name):
    check(name, score_own_set(nlp, OWN_SETS[name]))


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.skipif(not _dev_available(),
                    reason=f"the development set is not beside the checkout ({DEV} and {SCORE})")
@pytest.mark.parametrize("name", sorted(DEV_PARTS))
def test_development_set_stays_above_its_floors(tmp_path, name):
    check(name, score_dev_part(name, tmp_path))


# ----------------------------------------------------------------------------- today's figures

def _floor(value: float) -> float:
    return max(0.0, math.floor((value - MARGIN) * 1000) / 1000)


def main(argv: list[str]) -> int:
    import tempfile

    sys.path.insert(0, str(ROOT))
    from kg.nlp import build_pipeline

    nlp, _ = build_pipeline()
    measured = {name: score_own_set(nlp, path) for name, path in OWN_SETS.items()}
    if _dev_available():
        for name in DEV_PARTS:
            with tempfile.TemporaryDirectory() as tmp:
                measured[name] = score_dev_part(name, Path(tmp))
    print(json.dumps(measured, indent=1, sort_keys=True))
    if "--write" in argv:
        data = json.loads(FLOORS_FILE.read_text(encoding="utf-8")) if FLOORS_FILE.exists() else {}
        for name, table in measured.items():
            data[name] = {facet: _floor(v) for facet, v in sorted(table.items())}
        FLOORS_FILE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {FLOORS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
