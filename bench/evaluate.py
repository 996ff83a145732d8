#!/usr/bin/env python3
"""Score kg's extraction on the hand-annotated articles in tests/corpus/.

Usage: .venv/bin/python bench/evaluate.py [--corpus tests/corpus] [-v] [--out bench/results/extraction.md]

Each article is built on its own (as `kg build` would, with the article's own
date), then its entities and facts are compared with tests/corpus/gold/<name>.json.
Prints precision, recall and F1 per entity type and per relation, micro-averaged
over all articles, and the errors with -v.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.evaluate import Score, evaluate, format_table, load_gold, total  # noqa: E402
from kg.ingest import read_document  # noqa: E402
from kg.nlp import build_pipeline  # noqa: E402
from kg.pipeline import parse_documents  # noqa: E402
from kg.resolve import resolve  # noqa: E402


def run(corpus_dir: Path, verbose: bool = False):
    nlp, _ = build_pipeline()
    ent_scores: dict[str, Score] = defaultdict(Score)
    fact_scores: dict[str, Score] = defaultdict(Score)
    for article in sorted((corpus_dir / "articles").glob("*.txt")):
        gold = load_gold(corpus_dir / "gold" / f"{article.stem}.json")
        doc = read_document(article)
        corpus = resolve(parse_documents(nlp, [doc]))
        ents, facts = evaluate(corpus, gold)
        for k, s in ents.items():
            ent_scores[k].add(s)
        for k, s in facts.items():
            fact_scores[k].add(s)
        if verbose:
            for k, s in sorted({**ents, **facts}.items()):
                for kind, t in s.errors:
                    print(f"{article.stem}: {kind}: {t}")
    return ent_scores, fact_scores


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus")
    ap.add_argument("--out", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    ents, facts = run(args.corpus, args.verbose)
    both = Score()
    both.add(total(ents))
    both.add(total(facts))
    text = "\n\n".join([
        format_table("entity type", ents),
        format_table("relation", facts),
        f"Entities and facts together: P {both.precision:.2f}, R {both.recall:.2f}, F1 {both.f1:.2f}",
    ])
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(f"# Extraction on the annotated articles of {args.corpus.name}/\n\n" + text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
