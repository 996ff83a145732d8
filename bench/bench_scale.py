#!/usr/bin/env python3
"""Benchmark `kg build` on the first N stories of a JSON Lines corpus, beside a bare spaCy parse.

Usage: .venv/bin/python bench/bench_scale.py CORPUS.jsonl [--sizes 1000,2000,5000,19032]
           [--workers W] [--as auto|jsonl|txt] [--page] [--work DIR] [--results PATH]

For each N (sizes above the corpus's record count are cut to it):

1. the first N records are written out, streamed: as ``first_N.jsonl`` when ``kg``
   reads JSON Lines (``--as auto`` asks ``kg text`` whether it does), else as one
   ``.txt`` file a record (headline, blank line, text), named by the record's id;
2. **bare**: a fresh process loads the spaCy model ``kg`` uses, with every component,
   and runs one ``nlp.pipe`` over the records' texts (the ``text``, ``body`` or
   ``content`` field, headline excluded), one process, spaCy's default batch size;
3. **kg**: ``kg build INPUT --out DIR --workers W --quiet`` as a user runs it (cache
   emptied first);
4. both are measured by ``bench_build.measured``: wall time, CPU time, and peak
   memory of the process tree (summed RSS sampled every 50 ms, and PSS, which counts
   pages shared by forked workers once); kg's ratio to the bare parse is given for
   wall time and for memory, and the Documents in the graph are counted;
5. with ``--page``, the page ``graph.html`` is opened in Chromium (network blocked)
   and the time to a drawn, settled page and to a search's answer recorded.

The two runs of a size follow each other, so a machine shared with other work loads
both alike; on a loaded machine compare the ratios, not the seconds.
Prints a markdown table and writes it to ``bench/results/scale.md`` (raw numbers
beside it in ``scale.json``).
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
from bench_build import KG, PY, measured, model_name  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "scale.md"
TEXT_FIELDS = ("text", "body", "content")

BARE = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import spacy
model, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
nlp = spacy.load(model)
t1 = time.perf_counter()
def texts():
    with open(path, encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if k == n:
                return
            rec = json.loads(line)
            yield next((rec[f] for f in ("text", "body", "content") if isinstance(rec.get(f), str)), "")
tokens = articles = 0
for doc in nlp.pipe(texts()):
    tokens += len(doc)
    articles += 1
print(json.dumps({"load_s": t1 - t0, "parse_s": time.perf_counter() - t1, "tokens": tokens,
                  "articles": articles, "components": nlp.pipe_names}))
"""


def count_records(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def first_records(path: Path, n: int):
    """The first ``n`` records, one at a time (the file is never read whole)."""
    with open(path, encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if k == n:
                return
            yield line


def kg_reads_jsonl(work: Path, corpus: Path) -> bool:
    """Whether this kg reads JSON Lines: ``kg text probe.jsonl --json`` gives one record back."""
    probe = work / "probe.jsonl"
    probe.write_text(next(first_records(corpus, 1)), encoding="utf-8")
    done = subprocess.run([*KG, "text", str(probe), "--json"], capture_output=True, text=True, cwd=ROOT)
    lines = [x for x in done.stdout.splitlines() if x.strip()]
    try:
        return done.returncode == 0 and len(lines) == 1 and bool(json.loads(lines[0]).get("text"))
    except ValueError:
        return False


def write_input(corpus: Path, n: int, work: Path, as_jsonl: bool) -> Path:
    if as_jsonl:
        out = work / f"first_{n}.jsonl"
        if not out.is_file():
            with open(out, "w", encoding="utf-8") as fh:
                fh.writelines(first_records(corpus, n))
        return out
    folder = work / f"txt_{n}"
    if folder.is_dir() and sum(1 for _ in folder.glob("*.txt")) == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for k, line in enumerate(first_records(corpus, n)):
        rec = json.loads(line)
        text = next((rec[f] for f in TEXT_FIELDS if isinstance(rec.get(f), str)), "")
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(rec.get("id", k)))
        head = f"{rec['title']}\n\n" if rec.get("title") else ""
        (folder / f"{name}.txt").write_text(head + text, encoding="utf-8")
    return folder


def documents(out: Path) -> int:
    nt = out / "graph.nt"
    if not nt.is_file():
        return 0
    doc = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/kg-news/ontology#Document>"
    with open(nt, "rb") as fh:
        return sum(1 for line in fh if doc in line)


def page_times(page_path: Path) -> dict:
    from browser_support import chromium_missing_reason, open_page, wait_ready

    if chromium_missing_reason() or not page_path.is_file():
        return {}
    with open_page(page_path, timeout_ms=300000) as (page, log):
        started = time.monotonic()
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        wait_ready(page, 300000)
        ready = time.monotonic() - started
        query = page.evaluate("kgView.data.info.length ? kgView.data.info[kgView.data.info.length - 1].label.slice(0, 6) : ''")
        search_ms = page.evaluate(SEARCH_JS, query)
        clean = not (log.blocked or log.console_errors or log.page_errors or log.dialogs)
    return {"ready_s": ready, "search_ms": search_ms, "query": query, "clean": clean,
            "page_mb": page_path.stat().st_size / 1e6}


SEARCH_JS = """async (q) => {
    const s = document.getElementById('kg-search'), t = performance.now();
    s.value = q; s.dispatchEvent(new Event('input'));
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t;
}"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="a .jsonl file, one article a record")
    ap.add_argument("--sizes", default="1000,2000,5000,19032")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--as", dest="form", choices=("auto", "jsonl", "txt"), default="auto",
                    help="how kg is given the stories (auto: .jsonl when kg reads it, else .txt files)")
    ap.add_argument("--page", action="store_true", help="also open each graph.html in Chromium")
    ap.add_argument("--model", help="spaCy model (default: the one kg uses)")
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "scale")
    ap.add_argument("--results", type=Path, default=RESULTS)
    args = ap.parse_args()
    if not args.corpus.is_file():
        print(f"bench_scale: no such file: {args.corpus}", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    total = count_records(args.corpus)
    sizes = sorted({min(int(s), total) for s in args.sizes.split(",") if s.strip()})
    as_jsonl = kg_reads_jsonl(args.work, args.corpus) if args.form == "auto" else args.form == "jsonl"
    model = model_name(args.model)
    rows = []
    for n in sizes:
        source = write_input(args.corpus, n, args.work, as_jsonl)
        bare = measured([PY, "-c", BARE, model, str(args.corpus), str(n)])
        info = json.loads(bare.out.strip().splitlines()[-1]) if bare.code == 0 else {}
        out = args.work / f"out_{n}"
        shutil.rmtree(out / ".kg-cache", ignore_errors=True)
        kg = measured([*KG, "build", str(source), "--out", str(out), "--workers", str(args.workers), "--quiet"])
        row = {"n": n, "input": source.name, "bare": vars(bare) | {"out": "", "err": ""}, "bare_info": info,
               "kg": vars(kg) | {"out": "", "err": kg.err[-2000:]}, "documents": documents(out)}
        if args.page and kg.code == 0:
            row["page"] = page_times(out / "graph.html")
        rows.append(row)
        print(f"N={n}: bare {bare.wall:.1f} s {bare.peak_tree_mb:.0f} MB; kg {kg.wall:.1f} s "
              f"{kg.peak_tree_mb:.0f} MB; {row['documents']} Documents", file=sys.stderr)
    text = report(rows, args, model, as_jsonl, total)
    print(text)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text, encoding="utf-8")
    args.results.with_suffix(".json").write_text(json.dumps(rows, indent=1, default=str) + "\n", encoding="utf-8")
    return 0 if all(r["kg"]["code"] == 0 for r in rows) else 1


def report(rows: list[dict], args, model: str, as_jsonl: bool, total: int) -> str:
    lines = [
        "# Scale benchmark: kg build beside a bare spaCy parse", "",
        f"Corpus: `{args.corpus}` ({total} records), the first N given to kg "
        + ("as one .jsonl file." if as_jsonl else "as one .txt file a record (this kg reads no .jsonl)."),
        f"Bare: `spacy.load({model!r})`, every component, one `nlp.pipe` over the records' texts, one process. "
        f"kg: `kg build INPUT --workers {args.workers} --quiet`, cache emptied. "
        f"Machine: {platform.machine()}, Python {platform.python_version()}; shared with other work, "
        "so compare ratios measured side by side, not seconds.", "",
        "| N | bare wall | kg wall | kg / bare (time) | bare peak RSS | kg peak RSS (PSS) | kg / bare (memory) "
        "| Documents | tokens |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        b, k = r["bare"], r["kg"]
        failed = "" if k["code"] == 0 else f" (failed, exit {k['code']})"
        lines.append(
            f"| {r['n']} | {b['wall']:.1f} s | {k['wall']:.1f} s{failed} | {k['wall'] / b['wall']:.2f}x "
            f"| {b['peak_tree_mb']:.0f} MB | {k['peak_tree_mb']:.0f} MB ({k['peak_tree_pss_mb']:.0f} MB) "
            f"| {k['peak_tree_mb'] / b['peak_tree_mb']:.2f}x | {r['documents']} | {r['bare_info'].get('tokens', '?')} |")
    pages = [r for r in rows if r.get("page")]
    if pages:
        lines += ["", "| N | page | navigation to drawn, settled | search answered | requests or errors |",
                  "|---|---|---|---|---|"]
        lines += [f"| {r['n']} | {r['page']['page_mb']:.1f} MB | {r['page']['ready_s']:.2f} s "
                  f"| {r['page']['search_ms']:.0f} ms | {'none' if r['page']['clean'] else 'SOME'} |" for r in pages]
    lines += ["", f"Reproduce: `.venv/bin/python bench/bench_scale.py {args.corpus} --sizes "
              f"{','.join(str(r['n']) for r in rows)} --workers {args.workers}" + (" --page" if pages else "") + "`."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
