"""Structure checks for the closed-list data files in kg/data/."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "kg" / "data"
ARTICLES = ROOT / "data" / "articles"
CORPUS = ROOT / "tests" / "corpus"

# Policy trigger classes: the four subclasses plus plain "Policy" (import quotas, import bans...).
POLICY_CLASSES = {"ExportControl", "Tariff", "TradeAgreement", "Sanction", "Policy", "Quota", "ImportBan",
                  "ExportBan", "AntiDumpingDuty", "CountervailingDuty"}
TRIGGER_KEYS = {"nouns", "verbs", "verb_objects", "head_nouns", "bare_verbs", "goods_heads"}
CATEGORIES = {"minerals", "metals", "energy", "agriculture", "food", "technology",
              "software", "chemicals", "manufactured", "drugs"}
GENERIC_WORDS = {"goods", "products", "materials", "components", "items", "exports", "imports",
                 "technology", "technologies", "equipment", "parts", "supplies", "commodities",
                 "merchandise", "minerals", "metals", "devices", "tools", "machines",
                 "shipments", "resources", "raw materials", "products and services"}

# The page chrome at the end of 001_*.txt: the only article lines chrome may match.
CHROME_LINES = {
    "Tools",
    "Follow the CNewsLive English Readers channel on WhatsApp:",
    "https://whatsapp.com/channel/0029Vaz4fX77oQhU1lSymM1w",
    "The comments posted here are not from Cnews Live. Kindly refrain from using derogatory, "
    "personal, or obscene words in your comments.",
}


def load(name):
    with open(DATA / name, encoding="utf-8") as fh:
        return json.load(fh)


def is_sorted(xs):
    return list(xs) == sorted(xs, key=lambda s: (s.casefold(), s))


def strings(xs):
    return isinstance(xs, list) and all(isinstance(x, str) and x == x.strip() and x for x in xs)


# --- countries ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def countries():
    return load("countries.json")


def test_countries_structure(countries):
    assert isinstance(countries, list) and len(countries) >= 195
    for c in countries:
        assert list(c) == ["name", "code", "aliases", "demonyms", "capitals", "ambiguous"], c
        assert isinstance(c["name"], str) and c["name"]
        assert re.fullmatch(r"[A-Z]{2}", c["code"]), c
        for key in ("aliases", "demonyms", "capitals", "ambiguous"):
            assert strings(c[key]), (c["name"], key)
            assert is_sorted(c[key]), (c["name"], key)
            assert len(set(c[key])) == len(c[key]), (c["name"], key)
        assert c["name"] not in c["aliases"]
        assert not any(a.casefold().startswith("the ") for a in c["aliases"]), c["name"]
        forms = {c["name"], *c["aliases"], *c["demonyms"], *c["capitals"]}
        assert set(c["ambiguous"]) <= forms, c["name"]
    assert [c["name"] for c in countries] == sorted((c["name"] for c in countries), key=str.casefold)


def test_country_codes_unique_and_expected(countries):
    codes = [c["code"] for c in countries]
    assert len(codes) == len(set(codes))
    for code in ("US", "CN", "GB", "TW", "HK", "MO", "PS", "XK", "PR", "GL", "VA", "KR", "KP", "RU"):
        assert code in codes, code


def test_no_surface_form_shared_by_two_countries(countries):
    owner = {}
    for c in countries:
        for form in {c["name"], *c["aliases"], *c["demonyms"], *c["capitals"]}:
            key = form.casefold()
            assert owner.setdefault(key, c["code"]) == c["code"], (form, owner[key], c["code"])


def test_sample_country_forms(countries):
    by_code = {c["code"]: c for c in countries}
    us = by_code["US"]
    assert {"U.S.", "US", "America"} <= set(us["aliases"])
    assert "American" in us["demonyms"] and "Washington" in us["capitals"]
    assert "US" in us["ambiguous"]
    cn = by_code["CN"]
    assert cn["name"] == "China" and "Chinese" in cn["demonyms"] and "Beijing" in cn["capitals"]
    assert by_code["TW"]["name"] == "Taiwan"


# --- offices --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def offices():
    return load("offices.json")


def test_offices_structure(offices, countries):
    assert list(offices) == ["titles", "modifiers", "organization_heads", "government_heads", "heads"]
    titles = offices["titles"]
    assert len(titles) >= 150
    codes = {c["code"] for c in countries}
    seen = {}
    for t in titles:
        assert list(t) == ["title", "variants", "leader", "country", "public"], t
        assert isinstance(t["title"], str) and t["title"]
        assert strings(t["variants"]) and is_sorted(t["variants"]), t["title"]
        assert isinstance(t["leader"], bool) and isinstance(t["public"], bool)
        assert t["country"] is None or t["country"] in codes, t
        if t["leader"]:
            assert t["public"], t["title"]
        for form in (t["title"], *t["variants"]):
            key = form.casefold()
            assert key not in seen, (form, seen.get(key), t["title"])
            seen[key] = t["title"]
    for key in ("modifiers", "organization_heads", "government_heads"):
        xs = offices[key]
        assert strings(xs) and xs and is_sorted(xs) and len(set(xs)) == len(xs), key


def test_office_samples(offices):
    by_title = {t["title"]: t for t in offices["titles"]}
    assert by_title["President"]["leader"] and by_title["Prime Minister"]["leader"]
    assert by_title["Treasury Secretary"]["country"] == "US"
    assert "Secretary of the Treasury" in by_title["Treasury Secretary"]["variants"]
    assert not by_title["Vice Premier"]["leader"]
    assert not by_title["Chief Executive"]["public"]
    assert not by_title["Secretary-General"]["leader"]


# --- commodities ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def commodities():
    return load("commodities.json")


def test_commodities_structure(commodities):
    assert list(commodities) == ["terms"]
    terms = commodities["terms"]
    assert len(terms) >= 200
    seen = {}
    for t in terms:
        assert list(t) == ["name", "variants", "category"], t
        assert t["category"] in CATEGORIES, t
        assert strings([t["name"]]) and strings(t["variants"]) and is_sorted(t["variants"]), t
        for form in (t["name"], *t["variants"]):
            key = form.casefold()
            assert key not in seen, (form, seen.get(key), t["name"])
            seen[key] = t["name"]
            assert key not in GENERIC_WORDS, form
    assert [t["name"] for t in terms] == sorted((t["name"] for t in terms),
                                                key=lambda s: (s.casefold(), s))


def test_commodity_samples(commodities):
    names = {t["name"] for t in commodities["terms"]}
    forms = {f.casefold() for t in commodities["terms"] for f in (t["name"], *t["variants"])}
    gold = set()
    for path in (CORPUS / "gold").glob("*.json"):
        gold |= {e["label"] for e in json.loads(path.read_text(encoding="utf-8"))["entities"]
                 if e["type"] == "Commodity"}
    for case in json.loads((ROOT / "tests" / "extraction_cases.json").read_text(encoding="utf-8")):
        gold |= {label for type_, label in case.get("entities") or () if type_ == "Commodity"}
    assert gold
    for label in gold:
        assert label.casefold() in forms, label
    for name in ("critical minerals", "rare earth elements", "magnets", "chip design software",
                 "high-tech goods", "semiconductor technology", "fentanyl", "soybeans", "key minerals",
                 "rare earth materials", "rare earth minerals", "electric vehicles"):
        assert name in names, name


# --- triggers -------------------------------------------------------------------------

def test_triggers_structure():
    trig = load("triggers.json")
    assert list(trig)[:2] == ["policy", "event"]
    assert set(trig["policy"]) == POLICY_CLASSES
    lists = [(f"event.{k}", v) for k, v in trig["event"].items()]
    # further top-level lists (e.g. "imposing_verbs") are plain lower-case word lists
    lists += [(k, v) for k, v in trig.items() if k not in ("policy", "event", "status")]
    # "status": the words that give each PolicyStatus individual
    assert set(trig["status"]) == {"Threatened", "Proposed", "InForce", "Suspended", "Lifted"}
    lists += [(f"status.{k}", v) for k, v in trig["status"].items()]
    assert {"nouns", "verbs"} <= set(trig["event"])
    for cls, spec in trig["policy"].items():
        assert "nouns" in spec and set(spec) <= TRIGGER_KEYS, cls
        # "verbs" need a direct object from "verb_objects" when the class has verb_objects;
        # "head_nouns" count when their complement is a verb_object ("ban on exports of");
        # "bare_verbs" count on their own ("sanctioned 130 vessels").
        assert ("head_nouns" not in spec) or ("verb_objects" in spec), cls
        lists += [(f"{cls}.{k}", v) for k, v in spec.items()]
    for where, xs in lists:
        assert strings(xs) and xs, where
        assert all(x == x.lower() for x in xs), where
        assert len(set(xs)) == len(xs), where
        if where.split(".")[0] in POLICY_CLASSES | {"event"}:
            assert xs == sorted(xs), where
    nouns = {}
    for cls, spec in trig["policy"].items():
        for n in spec["nouns"]:
            assert nouns.setdefault(n, cls) == cls, (n, nouns[n], cls)


# --- chrome ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chrome():
    pats = load("chrome.json")
    assert list(pats) == ["line_patterns"]
    assert strings(pats["line_patterns"])
    return [re.compile(p, re.IGNORECASE) for p in pats["line_patterns"]]


def is_chrome(patterns, line):
    return [p.pattern for p in patterns if p.fullmatch(line.strip())]


def article_lines():
    paths = sorted(ARTICLES.glob("*.txt"))
    assert paths
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield path.name, line.strip()


def test_chrome_matches_the_real_chrome(chrome):
    found = {line for name, line in article_lines() if name.startswith("001_") and line in CHROME_LINES}
    assert found == CHROME_LINES
    for line in CHROME_LINES:
        assert is_chrome(chrome, line), line


def test_chrome_spares_news_lines_and_sentences(chrome):
    for name, line in article_lines():
        if line in CHROME_LINES:
            continue
        assert not is_chrome(chrome, line), (name, line, is_chrome(chrome, line))
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            assert not is_chrome(chrome, sentence), (name, sentence, is_chrome(chrome, sentence))


@pytest.mark.parametrize("line", [
    "By contrast, Beijing has said little about the talks.",
    "By Thursday, China Agrees to Resume Talks",
    "Research by Goldman Sachs shows tariffs have raised prices.",
    "Share prices fell 3% in Hong Kong.",
    "Follow-up talks are expected on Monday.",
    "Print media in China carried the statement on its front page.",
    "Read the statement carefully, the spokesperson told reporters.",
    "Copper prices rose on Thursday.",
    "The views expressed by the minister were echoed in Tokyo.",
    "Photos of the meeting were released by Xinhua.",
    "Subsidies to chipmakers have increased.",
    "Updated tariff schedules were published on Friday.",
    "Sources said the deal could be signed next week.",
    "Follow the money, the senator told reporters on Facebook.",
    "Copyright disputes have strained ties between the two countries since 2019.",
    "Following the call, Beijing issued a statement on X and Weibo.",
    "Reporting requirements for exporters will be tightened.",
    "Comments by the minister drew a sharp rebuke from Beijing.",
    "Watch manufacturers in Switzerland face a 39% tariff.",
    "Published figures showed exports rose 5% in October.",
    "By 2027, the country hopes to process all of its nickel at home.",
    "Tools and machinery accounted for a fifth of imports.",
    "Join the talks, Xi urged Trump, according to the readout.",
    "Terms of the deal were not disclosed.",
    "Reuters reported the figures on Sunday.",
    "The White House said the views expressed by the senator were his own.",
    "JAKARTA, March 3 (Reuters) - Indonesia will widen its ban on raw mineral exports.",
])
def test_chrome_spares_news_like_lines(chrome, line):
    assert not is_chrome(chrome, line), is_chrome(chrome, line)


@pytest.mark.parametrize("line", [
    "Share", "Print", "Email", "Advertisement", "ADVERTISEMENT", "Related articles:", "Read more: Trade war",
    "Subscribe to our newsletter", "Sign up for our daily newsletter", "Click here to read more",
    "Copyright 2025 Reuters. All rights reserved.", "© 2025 The Example Times", "Reporting by Jane Doe; Editing by John Roe",
    "Photo: Reuters", "Image caption, Xi and Trump in 2019", "Follow us on X", "https://example.com/a/b",
    "www.example.com", "Comments are moderated and will appear after approval.",
    "We use cookies to improve your experience.", "(Reuters)", "By Jane Doe and John Roe", "3 min read",
    "Follow the Example channel on Telegram", "Our Standards: The Thomson Reuters Trust Principles.",
    "Sign up to our Business Briefing newsletter", "Share this story on X, Facebook or LinkedIn",
    "Share: Facebook | X | WhatsApp", "Copyright The Example Times 2025", "Copyright © 2025 Example Media", "Facebook | X | LinkedIn | Email", "By Jane Doe, Reuters",
])
def test_chrome_matches_common_chrome(chrome, line):
    assert is_chrome(chrome, line), line


def test_chrome_on_the_test_corpus(chrome):
    """Gold chrome lines match, except the headlines listed under a "Read more:" line."""
    paths = sorted((CORPUS / "articles").glob("*.txt"))
    assert paths
    for path in paths:
        gold = json.loads((CORPUS / "gold" / (path.stem + ".json")).read_text(encoding="utf-8"))
        chrome_lines = set(gold["chrome"])
        in_read_more = False
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line:
                in_read_more = False
                continue
            if line in chrome_lines:
                if not in_read_more:
                    assert is_chrome(chrome, line), (path.name, line)
                in_read_more = in_read_more or line.casefold().startswith("read more")
            else:
                assert not is_chrome(chrome, line), (path.name, line, is_chrome(chrome, line))
                for sentence in re.split(r"(?<=[.!?])\s+", line):
                    assert not is_chrome(chrome, sentence), (path.name, sentence)
