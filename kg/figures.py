"""The report's figures, drawn with matplotlib as SVG text: the same input gives the same bytes.

Figures are drawn on :class:`matplotlib.figure.Figure` objects without pyplot (no global
state, no display), with ``svg.hashsalt`` fixed and no date in the metadata, so the
SVG is deterministic. Text from the articles is drawn as text, never as markup: math
parsing is off, so a "$" in a name stays a dollar sign.
"""
from __future__ import annotations

import io

MEASURES_FIGURE = "report-measures.svg"
COMMUNITIES_FIGURE = "report-communities.svg"
FIGURE_FILES = (MEASURES_FIGURE, COMMUNITIES_FIGURE)
TOP_IMPOSERS = 6          # imposers drawn each in its own colour; the rest are "others"
TOP_COMMUNITIES = 10
MAX_MONTHS = 60           # above this many months the bars count years
LABEL_CHARS = 40
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
RC = {
    "svg.hashsalt": "kg-report",
    "svg.fonttype": "path",
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(fig) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _figure(width: float, height: float):
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(RC):
        return Figure(figsize=(width, height), layout="constrained")


def _empty(message: str) -> str:
    import matplotlib

    with matplotlib.rc_context(RC):
        fig = _figure(6, 1.2)
        fig.text(0.5, 0.5, message, ha="center", va="center")
        return _svg(fig)


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def measures_per_month(counts: dict[str, dict[str, int]]) -> str:
    """Stacked bars: measures per month (or year, over long spans), coloured by imposer.

    ``counts`` is ``{imposer: {"YYYY-MM": n}}``; the imposers with the most measures get
    their own colour, the others share one.
    """
    import matplotlib

    if not counts:
        return _empty("No measure is dated to a month in the texts.")
    all_months = sorted({m for by in counts.values() for m in by})
    periods = _months(all_months[0], all_months[-1])
    by_year = len(periods) > MAX_MONTHS
    if by_year:
        periods = [str(y) for y in range(int(all_months[0][:4]), int(all_months[-1][:4]) + 1)]

    def period(month: str) -> str:
        return month[:4] if by_year else month

    totals = sorted(counts, key=lambda who: (-sum(counts[who].values()), who.casefold(), who))
    named = totals[:TOP_IMPOSERS]
    series = {who: counts[who] for who in named}
    others = {}
    for who in totals[TOP_IMPOSERS:]:
        for m, n in counts[who].items():
            others[m] = others.get(m, 0) + n
    if others:
        series[f"{len(totals) - TOP_IMPOSERS} others"] = others
    with matplotlib.rc_context(RC):
        fig = _figure(max(6.0, min(14.0, 0.35 * len(periods) + 3)), 3.6)
        ax = fig.add_subplot()
        x = list(range(len(periods)))
        base = [0] * len(periods)
        for i, (who, by) in enumerate(series.items()):
            heights = [0] * len(periods)
            for m, n in by.items():
                heights[periods.index(period(m))] += n
            ax.bar(x, heights, bottom=base, color=PALETTE[i % len(PALETTE)], label=_short(who), width=0.8)
            base = [b + h for b, h in zip(base, heights)]
        step = max(1, len(periods) // 24)
        ax.set_xticks(x[::step], periods[::step], rotation=90 if len(periods) > 8 else 0)
        ax.set_xlim(-0.6, max(len(periods), 6) - 0.4)      # a lone month stays a bar, not a wall
        ax.set_ylabel("measures")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(f"Measures per {'year' if by_year else 'month'}, by imposer")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(fig)


def largest_communities(rows: list[tuple[str, dict[str, int]]]) -> str:
    """Horizontal stacked bars, largest community on top: its size, split by kind of entity.

    ``rows`` is ``[(label, {kind: members})]``, largest first.
    """
    import matplotlib

    rows = rows[:TOP_COMMUNITIES]
    if not rows:
        return _empty("No community has two or more entities.")
    kinds = sorted({k for _, by in rows for k in by}, key=lambda k: (-sum(by.get(k, 0) for _, by in rows), k))
    with matplotlib.rc_context(RC):
        fig = _figure(8, 0.45 * len(rows) + 1.4)
        ax = fig.add_subplot()
        y = list(range(len(rows)))[::-1]
        left = [0] * len(rows)
        for i, kind in enumerate(kinds):
            widths = [by.get(kind, 0) for _, by in rows]
            ax.barh(y, widths, left=left, color=PALETTE[i % len(PALETTE)], label=_short(kind), height=0.7)
            left = [a + b for a, b in zip(left, widths)]
        ax.set_yticks(y, [_short(label, 50) for label, _ in rows])
        ax.set_xlabel("entities")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title("The largest communities, by kind of member")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(fig)
