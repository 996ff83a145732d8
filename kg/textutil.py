"""Small text helpers shared by the stages (no spaCy, no rdflib)."""
from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

MONTHS = {
    "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
    "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
    "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}

_ENGLISH = set(
    "the of and to in a is that for on with as was by at it from be has have said are were "
    "this an not which its their but or will would had been also after over about new".split()
)


def looks_english(text: str) -> bool:
    """True when enough of the words are common English function words."""
    words = re.findall(r"[^\W\d_]+", text[:20000].lower())
    if len(words) < 8:
        return bool(words) and any(w in _ENGLISH for w in words) or (
            bool(words) and all(w.isascii() for w in words))
    share = sum(w in _ENGLISH for w in words) / len(words)
    return share >= 0.12


def slugify(name: str, max_len: int = 80) -> str:
    """A safe IRI path segment: ASCII letters, digits and hyphens only."""
    norm = unicodedata.normalize("NFKD", name)
    ascii_ = norm.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:max_len].strip("-")
    return slug or "x" + _short_hash(name)


def _short_hash(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def strip_possessive(text: str) -> str:
    return re.sub(r"(?:'s|’s|'|’)$", "", text.strip()).strip()


class _TextExtractor(HTMLParser):
    SKIP = {"script", "style", "nav", "footer", "header", "aside", "form", "noscript", "template", "svg"}
    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section",
             "article", "blockquote", "pre", "title", "ul", "ol", "table", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.title: list[str] = []
        self.h1: list[str] = []
        self._in = ""

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip_depth += 1
        if tag in self.BLOCK:
            self.parts.append("\n")
        if tag in ("title", "h1"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip_depth:
            self.skip_depth -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")
        if tag == self._in:
            self._in = ""

    def handle_data(self, data):
        if self._in == "title":
            self.title.append(data)
            return
        if self.skip_depth:
            return
        if self._in == "h1":
            self.h1.append(data)
        self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None]:
    """Markup stripped to text (one line a block), and the page's headline if it has one."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in "".join(parser.parts).split("\n")]
    text = "\n".join(ln for ln in lines if ln)
    title = " ".join("".join(parser.h1 or parser.title).split()) or None
    return text, title


def markdown_to_text(md: str) -> str:
    """Markdown syntax dropped, words kept."""
    text = re.sub(r"```.*?```", "", md, flags=re.S)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|\*|_|`)(\S.*?\S|\S)\1", r"\2", text)
    text = re.sub(r"^\s*([-*_]\s*){3,}$", "", text, flags=re.M)
    return text
