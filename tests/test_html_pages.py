"""The pieces that let the generated pages be HTML: relative URLs, the table of contents read from the headings,
the page the search plugin reads, the link check, the headings an export writes back as Markdown, and a busy
actor's period links."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin

import pytest
from corpuskit import MINI
from hypothesis import given
from hypothesis import strategies as st

from generator.corpus import load_corpus
from generator.export import markdown_headings
from generator.layout import Layout, SiteOptions
from generator.linkcheck import find_broken_links, page_ids
from generator.render import render_site, toc_tokens
from generator.searchindex import _without_excluded, compact_search_entries, searchable

_FOLDERS = st.lists(st.sampled_from(["a", "b", "actors", "2015"]), max_size=3)
_URL = st.one_of(_FOLDERS.map(lambda f: "/".join(f) + "/" if f else ""),  # directory URLs
                 st.tuples(_FOLDERS, st.sampled_from(["index.html", "x.html"])).map(lambda t: "/".join([*t[0], t[1]])))


@given(_URL, _URL)
def test_a_relative_url_leads_where_it_should(src: str, dst: str) -> None:
    rel = Layout.relative(src, dst)
    assert urljoin("http://site/" + src, rel) == "http://site/" + dst, rel
    assert not rel.startswith("/") and rel


def test_the_table_of_contents_nests_the_headings_with_a_permanent_link() -> None:
    page = ('<h1 id="_title">T<a class="headerlink" href="#_title">¶</a></h1><h2 id="a">A <bdi>x</bdi>'
            '<a class="headerlink" href="#a">¶</a></h2><h3 class="bf-event-title" id="e">E'
            '<a class="headerlink" href="#e">¶</a></h3><h3 id="plain">not listed</h3>'
            '<h2 id="b">B<a class="headerlink" href="#b">¶</a></h2>')
    [title] = toc_tokens(page)
    assert [(t["id"], t["name"]) for t in title["children"]] == [("a", "A x"), ("b", "B")]
    assert [t["id"] for t in title["children"][0]["children"]] == ["e"]


def test_search_reads_a_page_without_what_it_leaves_out() -> None:
    page = ('<p>kept</p><div class="x" data-search-exclude><div>inner</div><p>after the inner div</p>'
            '<div data-search-exclude=""><p>nested</p></div></div><h2 id="s">Summary</h2>'
            '<figure data-search-exclude=""><svg><a href="#"><title>t</title></a></svg></figure><p>tail</p>')
    assert searchable(page) == '<p>kept</p><h2 id="s">Summary</h2><p>tail</p>'
    assert searchable("<p>no blocks</p>") == "<p>no blocks</p>"


def test_search_reads_a_page_without_the_sections_it_leaves_out() -> None:
    page = ('<h1 id="_title">T</h1><p>own</p><h2 id="_actors">Actors</h2><table><tr><td>x</td></tr></table>'
            '<h2 id="_summary">Summary</h2><p>kept</p><h2 id="_group">B</h2><div class="row"><h3 id="c1">claim</h3>'
            '</div><div><h2 id="_nested">N</h2><p>n</p></div><h2 id="_last">L</h2><ul><li>l<br>m</li></ul>')
    assert searchable(page) == ('<h1 id="_title">T</h1><p>own</p><h2 id="_summary">Summary</h2><p>kept</p>'
                                '<h2 id="_group">B</h2><div class="row"><h3 id="c1">claim</h3></div><div>'
                                '<h2 id="_nested">N</h2><p>n</p></div>'), \
        "a section goes when it opens and closes the same elements, at the top level; the page's own stays"
    assert searchable('<h2 id="_first">F</h2><p>own</p>') == '<h2 id="_first">F</h2><p>own</p>'


@pytest.mark.parametrize("project", [Path(__file__).parent.parent, *sorted((Path(__file__).parent / "fixtures")
                                                                           .iterdir())], ids=lambda p: p.name)
def test_search_entries_are_the_same_from_the_page_search_reads(project: Path) -> None:
    """Material's search plugin, given what `searchable` leaves of each generated page, makes the same entries,
    once pared down, as from the whole page (less the excluded blocks, which its parser leaves out too)."""
    from material.plugins.search.plugin import SearchIndex

    corpus = load_corpus(project)

    def entries(html: str) -> list[dict[str, str]]:
        index = SearchIndex()
        index.add_entry_from_context(SimpleNamespace(content=html, toc=[], url="p/", meta={}, title="T"))
        compact_search_entries(index.entries, "p/", corpus.claims, corpus.events)
        return index.entries

    shorter = 0
    for path, text in render_site(corpus).items():
        if path.endswith(".md"):
            html = text.split("\n---\n", 1)[1]
            assert entries(searchable(html)) == entries(_without_excluded(html)), path
            shorter += len(searchable(html)) < len(_without_excluded(html))
    assert shorter, "some sections were left out"


def test_the_link_check_names_links_to_no_page_and_no_anchor() -> None:
    texts = {"index.md": '<a href="actors/x/">x</a> <a href="actors/y/">y</a> <a href="#top">top</a>'
                         ' <a href="https://example.org/">web</a> <a href="actors/x/#_here">here</a>'
                         ' <a href="actors/x/#_gone">gone</a> <a href="claims/?sourcing=named">filtered</a>',
             "actors/x.md": '<h1 id="_here">X</h1><a href="../../">home</a><a href="../y/">y</a>',
             "claims/index.md": "<p>claims</p>"}
    urls = {"": "index.md", "actors/x/": "actors/x.md", "claims/": "claims/index.md"}
    ids = {path: page_ids(text) for path, text in texts.items()}
    assert find_broken_links(list(texts), texts, urls, ids) == [
        "index.md: the link 'actors/y/' leads to no page of the site; fix the template that makes this page",
        "index.md: the link '#top' leads to no anchor '#top' on index.md; fix the template that makes this page",
        "index.md: the link 'actors/x/#_gone' leads to no anchor '#_gone' on actors/x.md; fix the template that "
        "makes this page",
        "actors/x.md: the link '../y/' leads to no page of the site; fix the template that makes this page",
    ]
    flat = {"index.html": "index.md", "actors/x.html": "actors/x.md", "claims/index.html": "claims/index.md"}
    texts = {"index.md": '<a href="actors/x.html">x</a> <a href="claims/index.html">c</a>',
             "actors/x.md": '<a href="../index.html">home</a>', "claims/index.md": ""}
    assert find_broken_links(list(texts), texts, flat, {}) == []


def test_an_export_writes_its_top_level_headings_as_markdown() -> None:
    page = ('---\ntitle: "T"\n---\n<h2 id="_summary">Summary<a class="headerlink" href="#_summary" title="Permanent '
            'link">&para;</a></h2>\n<div class="bf-event">\n<h3 class="bf-event-title" id="e">E<a class="headerlink" '
            'href="#e" title="Permanent link">&para;</a></h3>\n</div>\n')
    out = markdown_headings(page)
    assert "\n## Summary {: #_summary }\n" in out
    assert '<h3 class="bf-event-title" id="e">' in out, "a heading inside a block stays HTML"
    assert out.startswith('---\ntitle: "T"\n---\n')


def test_a_busy_actors_period_page_links_its_neighbours_and_folds_the_rest(tmp_path: Path) -> None:
    """An actor of many periods: each period page leads to the one before and after, and lists all of them
    folded, every link leading to its period's page (the links are made once per actor)."""
    project = tmp_path / "project"
    shutil.copytree(MINI, project)
    for year in range(2001, 2015):
        (project / "briefings" / f"year-{year}.yml").write_text(
            f"title: Year {year}\nsource:\n  title: Y{year}\n  publication: gazette\n  published: {year}-04\n"
            f"summary: About [[vlad]].\nactors:\n  vlad: Speaks.\n", encoding="utf-8")
    pages = render_site(load_corpus(project), None, SiteOptions(actor_split_threshold=1))
    periods = sorted(p for p in pages if re.fullmatch(r"actors/vlad/[^/]+\.md", p))
    assert len(periods) > 12, periods
    layout_url = {p: p[:-3] + "/" for p in periods}  # directory URLs

    def links(html: str) -> dict[str, str]:
        return {label: urljoin("http://site/x/" + page_url, href) for href, label in
                re.findall(r'<a href="([^"]*)">([^<]*)</a>', html)}

    for i, path in enumerate(periods):
        page_url = layout_url[path]
        text = pages[path]
        head, _, folded = text.partition('<details class="bf-periods">')
        label = path.split("/")[-1][:-3]
        assert f"<summary>All {len(periods)} periods</summary>" in folded
        assert f"<strong>{label}</strong>" in folded and f">{label}</a>" not in folded, "its own period, not a link"
        everything = links(folded.split("</details>")[0])
        assert {u.removeprefix("http://site/x/") for u in everything.values()} == \
            {layout_url[p] for p in periods if p != path}, path
        intro = head[head.index("the profile."):]
        if i:
            before = periods[i - 1].split("/")[-1][:-3]
            assert links(intro)[before] == "http://site/x/" + layout_url[periods[i - 1]], "the one before"
        else:
            assert "Previous period" not in intro
        if i + 1 < len(periods):
            after = periods[i + 1].split("/")[-1][:-3]
            assert links(intro)[after] == "http://site/x/" + layout_url[periods[i + 1]], "the one after"
        else:
            assert "Next:" not in intro


@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8000/", "https://example.org/analysis", "https://example.org/a/b/",
                                      "https://example.org/a/../b/", "https://example.org/?q=1", None])
@pytest.mark.parametrize("directory_urls", [True, False])
def test_a_generated_page_has_the_canonical_url_mkdocs_would_give_it(site_url: str | None,
                                                                     directory_urls: bool) -> None:
    """The sitemap and each page's <link rel="canonical"> carry these: the plugin's quicker join must give what
    MkDocs' urljoin gives, for every kind of generated page."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    from generator.plugin import _HtmlPage

    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "site_url": site_url, "use_directory_urls": directory_urls})
    assert config.validate() == ([], [])
    for path in ["index.md", "briefings/index.md", "briefings/2015-11-03-a-b.md", "actors/iran/2015-11.md",
                 "claims/2015-11.md", "events/by-actor-2.md", "sources/x1.md"]:
        ours = _HtmlPage(None, File(path, None, "/site", directory_urls), config)
        theirs = Page(None, File(path, None, "/site", directory_urls), config)
        assert (ours.canonical_url, ours.abs_url) == (theirs.canonical_url, theirs.abs_url), path
