"""`kg text FILE...`: what kg reads from each input, the way it will be parsed.

For each article: its headline, date, URL and main text (a web page's main
text without its navigation, banners and comments; a record of a JSON Lines or
CSV file). ``--json`` prints one JSON object a line with ``source``, ``id``,
``title``, ``date``, ``url``, ``author``, ``publisher`` and ``text``. Inputs
that give no article are reported on stderr by name with the reason, and
counted in the last line.
"""
from __future__ import annotations

import json
import sys


def add_parser(sub) -> None:
    from kg.build_cmd import _size
    from kg.ingest import DEFAULT_MAX_BYTES

    p = sub.add_parser(
        "text",
        help="print what kg reads from each input (headline, date, URL, main text)",
        description="Print what kg reads from each input, as it will be parsed: the headline, date, URL and "
                    "main text of each article (web pages, text, Markdown, JSON Lines and CSV records).",
    )
    p.add_argument("inputs", nargs="+", metavar="FILE", help="article files and folders")
    p.add_argument("--json", action="store_true",
                   help="one JSON object a line: source, id, title, date, url, author, publisher, text")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="the articles' date where they carry none (as kg build --date)")
    p.add_argument("--max-bytes", type=_size, default=DEFAULT_MAX_BYTES, metavar="N",
                   help="skip (and report) files, and records, larger than N bytes (as kg build --max-bytes)")
    p.add_argument("--follow-symlinks", action="store_true",
                   help="read symbolic links that lead outside the input folders")
    p.set_defaults(func=command)


def command(args) -> int:
    from kg.build_cmd import check_date, skip_kinds
    from kg.ingest import Skip, expand_inputs, iter_documents

    date = check_date(args.date) if args.date is not None else None
    out = sys.stdout
    sources, skips = expand_inputs(args.inputs, args.follow_symlinks)
    counts: dict[str, int] = {}
    shown = 0

    def report(skip: Skip) -> None:
        counts[skip.kind] = counts.get(skip.kind, 0) + 1
        print(f"kg text: skipped {skip.path}: {skip.reason}", file=sys.stderr)

    for skip in skips:
        report(skip)
    for item in iter_documents(sources, args.max_bytes, date):
        if isinstance(item, Skip):
            report(item)
            continue
        shown += 1
        if args.json:
            out.write(json.dumps({"source": item.path, "id": item.doc_id, "title": item.title,
                                  "date": item.date, "url": item.url, "author": item.author,
                                  "publisher": item.publisher, "text": item.text}, ensure_ascii=False) + "\n")
        else:
            if shown > 1:
                out.write("\n")
            out.write(f"==> {item.path} <==\n")
            for label, value in (("id", item.doc_id), ("title", item.title), ("date", item.date),
                                 ("url", item.url), ("author", item.author), ("publisher", item.publisher)):
                if value:
                    out.write(f"{label}: {' '.join(value.split())}\n")
            out.write("\n" + item.text + "\n")
    skipped = sum(counts.values())
    print(f"kg text: {shown} article{'' if shown == 1 else 's'}, {skipped} skipped{skip_kinds(counts)}",
          file=sys.stderr)
    return 0 if shown else 1
