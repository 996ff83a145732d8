"""Web pages: the main text and the page's metadata (trafilatura), on pages written for these tests."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.ingest import NO_MAIN_TEXT, Document, Skip, make_document
from kg.webpage import extract_page

from test_bad_input import run_kg

ARTICLE_P1 = ("MONTEVIDEO, May 14 - Uruguay will cut its import tariff on Brazilian rice to zero from June, "
              "the agriculture ministry said on Tuesday, after millers warned of a shortage.")
ARTICLE_P2 = ("The measure covers white and brown rice and will be reviewed after twelve months, the ministry "
              "said in a statement that also promised support for local growers.")
ARTICLE_P3 = ("Brazil's trade secretariat welcomed the decision and said exporters in Rio Grande do Sul "
              "expected to ship the first cargoes within weeks.")

NEWS = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Uruguay scraps tariff on Brazilian rice | The Southern Ledger</title>
<meta property="og:title" content="Uruguay scraps tariff on Brazilian rice">
<meta property="og:site_name" content="The Southern Ledger">
<meta name="author" content="Marta Quiroga">
<meta property="article:published_time" content="2024-05-14T09:30:00-03:00">
<link rel="canonical" href="https://ledger.example.org/economy/2024/05/uruguay-rice-tariff">
<script>window.dataLayer = [];</script>
</head><body>
<div class="top-menu"><ul><li><a href="/">Front page</a></li><li><a href="/economy">Economy</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li></ul></div>
<div id="cookie-consent" class="cookie-banner"><p>By clicking Accept Cookies, you agree to the storing of
cookies on your device to enhance site navigation and analyse site usage.</p>
<button>Accept Cookies</button><button>Cookie Settings</button></div>
<main><article>
<h1>Uruguay scraps tariff on Brazilian rice</h1>
<p>{ARTICLE_P1}</p>
<p>{ARTICLE_P2}</p>
<div class="related-articles"><h3>Related stories</h3><ul>
<li><a href="/a1">Argentine wheat farmers brace for a dry winter season</a></li>
<li><a href="/a2">Paraguay soybean harvest sets a fresh record in the east</a></li></ul></div>
<p>{ARTICLE_P3}</p>
</article></main>
<section id="comments" class="comments"><h2>Comments</h2>
<p class="comment-rules">Comments are moderated. Please keep the discussion civil and on topic.</p>
<div class="comment"><span class="comment-author">rice_watcher</span>
<p class="comment-body">About time, prices at the supermarket have doubled since last winter.</p></div>
</section>
<footer><p>Copyright 2024 The Southern Ledger. All rights reserved.</p></footer>
</body></html>"""


def page(html: str, name: str = "page.html") -> Document | Skip:
    return make_document(Path(name), html.encode("utf-8"))


def test_news_page_keeps_the_article_and_drops_menus_banner_related_links_and_comments():
    d = page(NEWS)
    assert isinstance(d, Document)
    for kept in (ARTICLE_P1, ARTICLE_P2, ARTICLE_P3):
        assert kept in d.text
    for gone in ("Front page", "Accept Cookies", "By clicking", "Argentine wheat farmers", "Paraguay soybean",
                 "Comments are moderated", "supermarket have doubled", "rice_watcher", "All rights reserved",
                 "dataLayer"):
        assert gone not in d.text, gone
    assert d.text.startswith("Uruguay scraps tariff on Brazilian rice\n\n" + ARTICLE_P1)


def test_news_page_metadata_becomes_the_documents():
    d = page(NEWS)
    assert (d.title, d.date, d.author, d.publisher, d.url) == (
        "Uruguay scraps tariff on Brazilian rice", "2024-05-14", "Marta Quiroga", "The Southern Ledger",
        "https://ledger.example.org/economy/2024/05/uruguay-rice-tariff")


def test_a_page_without_a_date_in_its_markup_takes_no_date_from_a_year_in_the_text():
    html = NEWS.replace('<meta property="article:published_time" content="2024-05-14T09:30:00-03:00">', "")
    html = html.replace("Copyright 2024", "Copyright").replace("/2024/05/", "/")
    html = html.replace(ARTICLE_P2, ARTICLE_P2 + " Tariffs were last cut in 2019.")
    d = page(html)
    assert d.date == "--05-14"        # the dateline's day and month, not "2019-01-01"


def test_the_date_option_does_not_override_the_pages_own_date():
    d = make_document(Path("page.html"), NEWS.encode(), "2030-01-01")
    assert d.date == "2024-05-14"


FORM_PAGE = f"""<html><head><title>Ministry of Trade - Press release</title></head><body>
<form method="post" action="./release.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4">
<div class="menu"><a href="/">Home</a> <a href="/releases">Releases</a></div>
<div id="content"><h1>Uruguay cuts rice tariff</h1>
<p>{ARTICLE_P1}</p><p>{ARTICLE_P2}</p></div>
</form></body></html>"""


def test_a_page_wrapped_in_a_form_keeps_its_article():
    d = page(FORM_PAGE)
    assert isinstance(d, Document)
    assert ARTICLE_P1 in d.text and ARTICLE_P2 in d.text
    assert "VIEWSTATE" not in d.text and "dDwtMTA4" not in d.text


UNCLOSED_HEADER = f"""<html><head><title>Rice tariff cut</title></head><body>
<header><div class="logo">The Southern Ledger</div>
<h1>Uruguay scraps tariff on Brazilian rice</h1>
<p>{ARTICLE_P1}</p>
<p>{ARTICLE_P2}</p>
<p>{ARTICLE_P3}</p>
</body></html>"""


def test_everything_after_an_unclosed_header_is_kept():
    d = page(UNCLOSED_HEADER)
    assert isinstance(d, Document)
    for kept in (ARTICLE_P1, ARTICLE_P2, ARTICLE_P3):
        assert kept in d.text


TEMPLATE_PAGE = f"""<html><head><title>Uruguay scraps tariff on Brazilian rice - Blog</title></head><body>
<div id="app"></div>
<script type="text/template" id="post-template"><article><h1>Uruguay scraps tariff on Brazilian rice</h1>
<p>{ARTICLE_P1}</p><p>{ARTICLE_P2}</p></article></script>
<script>render("#post-template", "#app");</script></body></html>"""


def test_a_post_inside_a_script_template_is_read():
    d = page(TEMPLATE_PAGE)
    assert isinstance(d, Document)
    assert ARTICLE_P1 in d.text and ARTICLE_P2 in d.text
    assert "render(" not in d.text


def test_a_byline_becomes_the_author_and_leaves_the_text():
    html = NEWS.replace('<meta name="author" content="Marta Quiroga">', "").replace(
        "<h1>Uruguay scraps tariff on Brazilian rice</h1>",
        "<h1>Uruguay scraps tariff on Brazilian rice</h1><p>By Lucia Ferreyra</p>")
    d = page(html)
    assert d.author == "Lucia Ferreyra" and "Lucia Ferreyra" not in d.text


@pytest.mark.parametrize("html", [
    "<html><body><nav><a href='/'>Home</a></nav><p>Share</p></body></html>",
    "<html><head><script>var a = 1;</script></head><body></body></html>",
    "<html><body><div id='app'></div><script src='app.js'></script></body></html>",
])
def test_a_page_without_main_text_is_skipped_and_says_so(html):
    d = page(html)
    assert isinstance(d, Skip) and d.reason == NO_MAIN_TEXT and d.kind == "no main text"


def test_markup_and_script_text_never_reach_the_text():
    html = NEWS.replace(ARTICLE_P3, ARTICLE_P3 + "<script>alert('x')</script><style>p{color:red}</style>")
    p = extract_page(html)
    assert "alert" not in p.text and "color:red" not in p.text and "<" not in p.text


def test_kg_text_prints_what_kg_reads(tmp_path):
    (tmp_path / "news.html").write_text(NEWS, encoding="utf-8")
    (tmp_path / "empty.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (tmp_path / "wire.txt").write_text("Chile cuts copper duties\n\nSANTIAGO, May 2 - Chile cut its duties "
                                       "on copper cathodes on Friday, the finance ministry said.\n")
    result = run_kg("text", "--json", tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in rows] == [str(tmp_path / "news.html"), str(tmp_path / "wire.txt")]
    news = rows[0]
    assert {k: news[k] for k in ("title", "date", "url")} == {
        "title": "Uruguay scraps tariff on Brazilian rice", "date": "2024-05-14",
        "url": "https://ledger.example.org/economy/2024/05/uruguay-rice-tariff"}
    assert ARTICLE_P1 in news["text"] and "Accept Cookies" not in news["text"]
    assert rows[1]["title"] == "Chile cuts copper duties" and rows[1]["date"] == "--05-02" and rows[1]["url"] is None
    err = result.stderr.splitlines()
    assert f"kg text: skipped {tmp_path / 'empty.html'}: {NO_MAIN_TEXT}" in err
    assert err[-1] == "kg text: 2 articles, 1 skipped (no main text: 1)"
    plain = run_kg("text", tmp_path / "news.html")
    assert plain.returncode == 0
    assert plain.stdout.startswith(f"==> {tmp_path / 'news.html'} <==\nid: news\n"
                                   "title: Uruguay scraps tariff on Brazilian rice\ndate: 2024-05-14\n"
                                   "url: https://ledger.example.org/economy/2024/05/uruguay-rice-tariff\n")


def test_kg_text_with_nothing_to_show_is_exit_1(tmp_path):
    (tmp_path / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    result = run_kg("text", tmp_path / "empty.html", tmp_path / "gone.txt")
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == "kg text: 0 articles, 2 skipped (missing: 1, no main text: 1)"


@pytest.mark.model
def test_relative_dates_resolve_against_the_pages_publication_date(nlp):
    from kg.model import Literal
    from kg.pipeline import parse_documents
    from kg.resolve import resolve

    html = NEWS.replace(ARTICLE_P1, "Chilean Trade Minister Ana Ruiz phoned Japanese Economy Minister Hiro Tanaka "
                                    "on Thursday to discuss copper tariffs.")
    d = page(html)
    assert d.date == "2024-05-14"         # a Tuesday
    corpus = resolve(parse_documents(nlp, [d]))
    dates = {f.obj.value for f in corpus.facts if f.predicate == "date" and isinstance(f.obj, Literal)}
    assert "2024-05-09" in dates


def test_the_main_text_benchmark_runs_on_a_tiny_set(tmp_path):
    """bench/bench_extract.py on two pages in the benchmark's format: kg keeps every article snippet
    and no boilerplate snippet of these pages."""
    import subprocess
    import sys

    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "news.html").write_text(NEWS, encoding="utf-8")
    (tmp_path / "eval" / "form.html").write_text(FORM_PAGE.replace("<html>", '<html lang="en">'), encoding="utf-8")
    (tmp_path / "evaldata.json").write_text(json.dumps({
        "https://a.example/news": {"file": "news.html", "with": [ARTICLE_P1, ARTICLE_P3],
                                   "without": ["Accept Cookies", "Paraguay soybean harvest"]},
        "https://a.example/form": {"file": "form.html", "with": [ARTICLE_P2], "without": ["Releases"]},
    }), encoding="utf-8")
    bench = Path(__file__).resolve().parent.parent / "bench" / "bench_extract.py"
    result = subprocess.run([sys.executable, str(bench), str(tmp_path), "--no-trafilatura"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "| kg (kg.ingest) | 2 | 1.000 | 1.000 | 1.000 |" in result.stdout
