"""Small text helpers shared by the stages (no spaCy, no rdflib).

Line splitting, Markdown to text, a cheap language check, safe slugs.
The converters work line by line (generators), so a very large article is
never held as several whole copies at once.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
import unicodedata
from typing import Iterable, Iterator

MONTHS = {
    "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
    "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
    "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}

# --------------------------------------------------------------------------- lines

# Every line boundary str.splitlines() knows (CR LF, CR, LF, VT, FF, FS, GS, RS, NEL, LS, PS).
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Control characters and odd spaces become plain spaces; invisible format characters
# (byte-order marks, zero-width spaces, bidirectional overrides, soft hyphens) go.
_SPACES = re.compile(r"[\x00-\x1f\x7f-\x9f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\ufeff\ufffe\uffff\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\u00ad]")


def iter_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` (as ``str.splitlines``), one at a time, without a list of them all."""
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        yield text[pos:m.start()]
        pos = m.end()
    if pos < len(text):
        yield text[pos:]


def clean_line(line: str) -> str:
    """One line with odd spaces made plain, invisible and control characters dropped, ends trimmed."""
    line = _SPACES.sub(" ", line)
    line = _INVISIBLE.sub("", line)
    return line.strip()


WRAP_SAMPLE_LINES = 2000
MAX_WRAP_WIDTH = 120


def wrap_width(text: str) -> int | None:
    """The width at which ``text`` is hard-wrapped, or None when its lines are whole paragraphs.

    Hard-wrapped text has blank lines between paragraphs and, inside one,
    lines that were broken because the next word would not fit.
    """
    lengths: list[tuple[int, int]] = []   # (length of the line, length of its first word); (0, 0) blank
    for line in iter_lines(text):
        line = line.strip()
        lengths.append((len(line), len(line.split(None, 1)[0]) if line else 0))
        if len(lengths) >= WRAP_SAMPLE_LINES:
            break
    filled = [n for n, _ in lengths if n]
    if len(filled) < 3 or len(filled) == len(lengths):
        return None
    width = max(filled)
    if width > MAX_WRAP_WIDTH:
        return None
    joins = sum(1 for (n, _), (m, word) in zip(lengths, lengths[1:]) if n and m and n + 1 + word > width)
    return width if joins >= max(2, 0.3 * len(filled)) else None


def unwrap(lines: Iterable[str], width: int) -> Iterator[str]:
    """Lines of a paragraph hard-wrapped at ``width`` joined into one; "" between paragraphs."""
    para: list[str] = []
    for line in lines:
        if not line:
            if para:
                yield " ".join(para)
                para.clear()
            yield ""
            continue
        if para and len(para[-1]) + 1 + len(line.split(None, 1)[0]) <= width:
            yield " ".join(para)       # the last line ended short of the margin: a paragraph ended
            para.clear()
        para.append(line)
    if para:
        yield " ".join(para)


# --------------------------------------------------------------------------- language

_FUNCTION_WORDS = {
    "en": "the of and to in a is that for on with as was by at it from be has have said are were this an "
          "not which its their but or will would had been also after over about new he she they we his her "
          "who than more into could should",
    "fr": "le la les des du et est une que qui dans pour pas sur au aux avec ce cette il elle sont ont été "
          "par plus se son sa ses leur mais ou nous vous être fait comme",
    "de": "der die das und ist ein eine nicht mit den dem des zu von im auf sich für es sie wird wurde auch "
          "bei nach aus noch dass oder sind hat ich wir einen einer",
    "es": "el la los las del y que en un una es por con para se al lo como su sus pero más fue ha son está "
          "este esta ya muy sin sobre entre",
    "it": "il lo la gli le di del della che un una per con non è sono da nel alla anche ma come più "
          "questo sua suo dei delle",
    "pt": "o os as do da dos das que em um uma para com não por se na no mais foi é são ao pelo pela "
          "seu sua também",
    "nl": "de het een en van is dat op te niet met zijn voor ook aan er die wordt werd naar bij heeft "
          "hij maar nog wel",
}
_WORD_SETS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_WORD = re.compile(r"[^\W\d_]+")
_WHOLE_WORD = re.compile(r"\b[^\W\d_]+\b")    # letters only, not glued to digits ("17un" is no "un")
_NON_LATIN = re.compile("[^\x00-\u024f]")
LANGUAGE_SAMPLE = 20000


# English words that are also function words of another language above ("as", "no", "per"):
# they are evidence for English, never against it. Proper names ("Van Dorn", "Del Monte",
# "UND CIE") are capitalised, so only lowercase words count for another language.
_ALSO_ENGLISH = frozenset(_FUNCTION_WORDS["en"].split()) | frozenset(
    "as no do se per die son sin plus con pour van den am".split())


def guess_language(text: str) -> str:
    """A cheap guess from the start of ``text``: "en", another code, "non-latin" or "unknown" (too little evidence).

    Latin-script text is scored by each language's function words. Another
    language needs positive evidence: its own lowercase function words (not
    words English shares) making a share of the text and outnumbering English
    ones two to one. Tables of figures and headline-sized texts, which have
    few function words of any language, stay English or "unknown".
    """
    sample = text[:LANGUAGE_SAMPLE]
    letters = _WORD.findall(sample)
    joined = "".join(letters)
    n_letters = len(joined)
    if not n_letters:
        return "unknown"
    latin = n_letters - len(_NON_LATIN.findall(joined))
    if latin < 0.6 * n_letters:
        return "non-latin"
    words = _WHOLE_WORD.findall(sample)
    counts = Counter(w.lower() for w in words)
    lower = Counter(w for w in words if w.islower() and w not in _ALSO_ENGLISH)
    english = sum(counts[w] for w in _WORD_SETS["en"] if w in counts)
    scores = {lang: sum(lower[w] for w in s if w in lower) for lang, s in _WORD_SETS.items() if lang != "en"}
    best = max(sorted(scores), key=lambda lang: scores[lang])
    foreign = scores[best]
    if len(words) < 8:
        # A headline-sized text: foreign only with two of its function words and no English one.
        if english:
            return "en"
        return best if foreign >= 2 else "unknown"
    if foreign >= max(3, 0.08 * len(words)) and foreign > 2 * english:
        return best
    return "en" if english else "unknown"


def looks_english(text: str) -> bool:
    """True when the text reads as English (short Latin-script text with no foreign function words passes)."""
    return guess_language(text) in ("en", "unknown") and bool(_WORD.search(text[:LANGUAGE_SAMPLE]))


# --------------------------------------------------------------------------- headline and date

def split_headline(lines: Iterable[str]) -> str | None:
    """The first line is a headline when it is short and does not end like a sentence."""
    for line in lines:
        if line:
            if len(line) <= 160 and not re.search(r"[.!?:;,\"”’]$", line) and len(line.split()) >= 2:
                return line
            return None
    return None


DATELINE = re.compile(
    r"^\s*[A-Z][A-Za-z .'\-]{1,40}(?:,\s*[A-Z][A-Za-z .'\-]{1,30})?,?\s+(?:[A-Z][a-z]+day,?\s+)?"
    r"(?P<month>" + "|".join(MONTHS) + r")\.?\s+(?P<day>\d{1,2})\b(?:,\s*(?P<year>\d{4}))?"
)
# "LONDON, 17 July 2025 (Albion Press) -": day before month.
DATELINE_DMY = re.compile(
    r"^\s*[A-Z][A-Za-z .'\-]{1,40}(?:,\s*[A-Z][A-Za-z .'\-]{1,30})?,?\s+(?:[A-Z][a-z]+day,?\s+)?(?P<day>\d{1,2})\s+"
    r"(?P<month>" + "|".join(MONTHS) + r")\.?(?:,?\s*(?P<year>\d{4}))?\b"
)
YEAR_DATE = re.compile(
    r"\b(?P<month>" + "|".join(MONTHS) + r")\.?\s+(?P<day>\d{1,2}),\s*(?P<year>(?:19|20)\d{2})\b"
)


def find_article_date(title: str | None, *paragraphs: str) -> str | None:
    """The article's own date: from a full date in the headline or a dateline opening one of the
    first ``paragraphs``, as ISO (partial: --MM-DD)."""
    candidates = []
    if title:
        m = YEAR_DATE.search(title)
        if m:
            candidates.append(m)
    for body in paragraphs:
        first = body.lstrip()[:200]
        m = DATELINE.match(first) or DATELINE_DMY.match(first)
        if m:
            candidates.append(m)
            break
    for m in candidates:
        month = MONTHS[m.group("month")]
        day = int(m.group("day"))
        if not 1 <= day <= 31:
            continue
        year = m.groupdict().get("year")
        return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    return None


# --------------------------------------------------------------------------- slugs

def slugify(name: str, max_len: int = 80) -> str:
    """A safe IRI path segment: ASCII letters, digits and hyphens only (a hash when nothing is left)."""
    norm = unicodedata.normalize("NFKD", name)
    ascii_ = norm.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:max_len].strip("-")
    return slug or "x" + _short_hash(name)


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def strip_possessive(text: str) -> str:
    return re.sub(r"(?:'s|’s|'|’)$", "", text.strip()).strip()


# --------------------------------------------------------------------------- Markdown

_MD_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_MD_BLOCK = re.compile(r"^\s{0,3}(?:#{1,6}(?:\s|$)|>|[-*+]\s|\d{1,9}[.)]\s|\|)")
_MD_RULE = re.compile(r"^\s{0,3}(?:(?:[-*_]\s*){3,}|=+\s*)$")
_MD_REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S")
_MD_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}(?=\s|$)|(?:>\s?)+|[-*+](?=\s)|\d{1,9}[.)](?=\s))\s*")
_MD_INLINE = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),                   # images
    (re.compile(r"\[\^[^\]]*\]"), ""),                             # footnote marks
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),                  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),                 # [text][ref]
    (re.compile(r"<(?:https?://|mailto:)[^>]*>"), ""),              # autolinks
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # inline HTML tags
    (re.compile(r"(\*\*|\*|``|`)(\S(?:.*?\S)?)\1"), r"\2"),        # emphasis, code
    (re.compile(r"(?<!\w)(__|_)(\S(?:.*?\S)?)\1(?!\w)"), r"\2"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),          # backslash escapes
    (re.compile(r"#+\s*$"), ""),                                    # closing hashes of a heading
)


def _md_inline(text: str) -> str:
    for pattern, repl in _MD_INLINE:
        text = pattern.sub(repl, text)
    return text.strip()


def markdown_lines(lines: Iterable[str]) -> Iterator[str]:
    """Markdown lines → text lines: one line a paragraph, heading, list item or table row; "" between.

    Lines of one paragraph are joined (Markdown's own rule), code blocks, front
    matter, rules and link definitions are dropped; a front-matter ``title:``
    comes out first, as the headline.
    """
    fence = ""
    para: list[str] = []
    front = None  # None: not decided; True: inside front matter; False: done
    for raw in lines:
        line = raw.rstrip()
        if front is None:
            if not line.strip():
                continue
            front = line.strip() == "---"
            if front:
                continue
        elif front:
            if line.strip() in ("---", "..."):
                front = False
            else:
                m = re.match(r"\s*title\s*:\s*(.+)$", line, re.I)
                if m:
                    yield _md_inline(m.group(1).strip().strip("\"'"))
                    yield ""
            continue
        if fence:
            if line.strip().startswith(fence):
                fence = ""
            continue
        m = _MD_FENCE.match(line)
        if m:
            fence = m.group(1)[0] * 3
            yield from _flush(para)
            continue
        if not line.strip() or _MD_RULE.match(line) or _MD_REFDEF.match(line):
            yield from _flush(para)
            continue
        if re.match(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$", line):
            continue  # the rule under a table's header row
        if _MD_BLOCK.match(line):
            yield from _flush(para)
            alone = line.lstrip()[:1] in ("#", "|")   # a heading or a table row is a block of its own
            if line.lstrip().startswith("|"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                line = "; ".join(c for c in cells if c)
            else:
                line = _MD_PREFIX.sub("", line)
            para.append(line.strip())
            if alone:
                yield from _flush(para)
            continue
        para.append(line.strip())
    yield from _flush(para)


def _flush(para: list[str]) -> Iterator[str]:
    if para:
        text = _md_inline(" ".join(para))
        para.clear()
        if text:
            yield text
        yield ""


def markdown_to_text(md: str) -> str:
    """Markdown syntax dropped, words kept (one line a paragraph)."""
    return "\n".join(markdown_lines(iter_lines(md)))
