"""Finding things across briefings (issue 12, items 3, 5, 6, 8): the claims appendix narrowed by a filter kept in
the URL, search that lands on a claim or an event, the site read from files, tag pages. Real `mkdocs build` runs
and real Chromium (as in test_browser.py) on the `appendix` fixture: seven claims of every mix of grade and
sourcing, over two months and two publications."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
from sitekit import FIXTURES, REPO, Node, built_site, page, run, site_pages, split_project
from test_browser import SEARCH_TIMEOUT_MS, Served, _serve, search

from generator.searchindex import load_search_entries

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

APPENDIX = FIXTURES / "appendix"
# Every claim of the fixture: (id, reliability, sourcing).
CLAIMS = {
    "walkout-planned": ("F", "anonymous"), "ivanov-denies": ("F", "named"), "pipeline-shelved": ("D", "anonymous"),
    "tariff-published": ("B", "observed"), "vlad-brokered": ("F", "anonymous"), "herald-view": ("C", "publication"),
    "vlad-confirms": ("", "named"),
}
F_ANONYMOUS = {c for c, (rel, sourcing) in CLAIMS.items() if rel == "F" and sourcing == "anonymous"}


def links_of(node: Node, from_url: str = "") -> list[tuple[str, str]]:
    """(site URL with query and fragment, text) of every link under a node of the page at `from_url`."""
    base = "http://site.invalid/"
    out = []
    for a in node.find_all("a"):
        href = a.get("href")
        if href and not urlsplit(href).scheme:
            out.append((urljoin(base + from_url, href)[len(base):], a.text()))
    return out


@pytest.fixture(scope="module")
def appendix_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory, APPENDIX, "--strict")[0]


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = split_project(tmp_path_factory.mktemp("appendix-split") / "project", APPENDIX)
    return built_site(tmp_path_factory, project, "--strict")[0]


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project built as `make offline` builds it (its mkdocs-offline.yml), into a folder of ours."""
    site = tmp_path_factory.mktemp("offline") / "site-offline"
    proc = run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs-offline.yml"),
                "-d", str(site)], cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    return site


@pytest.fixture(scope="module")
def served(appendix_site: Path) -> Iterator[Served]:
    yield from _serve(appendix_site)


@pytest.fixture(scope="module")
def served_split(split_site: Path) -> Iterator[Served]:
    yield from _serve(split_site)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def pg(context: Any) -> Any:
    p = context.new_page()
    p.set_default_timeout(SEARCH_TIMEOUT_MS)
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.errors = errors
    return p


def visible_claims(p: Any) -> set[str]:
    return set(p.eval_on_selector_all(".bf-claim-row", "rows => rows.filter(r => r.offsetParent !== null)"
                                      ".map(r => r.querySelector('h3').id)"))


# 3. The claims appendix you can narrow ----------------------------------------------------------------------------

def test_every_claim_is_a_row_with_its_facets(appendix_site: Path) -> None:
    p = page(appendix_site, "claims/")
    rows = p.article.find_all("div", cls="bf-claim-row")
    got = {r.one("h3").get("id"): (r.get("data-rel"), r.get("data-sourcing")) for r in rows}
    assert got == CLAIMS
    row = next(r for r in rows if r.one("h3").get("id") == "vlad-brokered")
    assert row.get("data-about") == "vlad ruritania" and row.get("data-event") == "kalimantan-summit"
    assert row.get("data-briefing") == "talks-resume" and row.get("data-tag") == "talks" and row.get("data-cred") == "6"
    text = row.text()
    for shown in ("Vladimir Test brokered the resumption in secret.", "anonymous", "F6", "The Herald",
                  "Talks resume quietly", "2 Mar 2016"):
        assert shown in text, f"the row shows {shown!r}: {text}"


def test_claims_pages_read_as_text_not_markup(appendix_site: Path, split_site: Path) -> None:
    for site in (appendix_site, split_site):
        for url in ("claims/", "claims/2015-11/", "claims/2016-03/"):
            if url != "claims/" and site == appendix_site:
                continue
            text = page(site, url).article.text()
            assert "{:" not in text and "](" not in text and "**" not in text, f"/{url}: Markdown left raw"


def test_filter_f_and_anonymous_leaves_exactly_those_and_survives_reload(served: Served, pg: Any) -> None:
    pg.goto(served.url("claims/"))
    assert visible_claims(pg) == set(CLAIMS)
    pg.select_option(".bf-filter select[name=rel]", "F")
    assert visible_claims(pg) == {c for c, (rel, _) in CLAIMS.items() if rel == "F"}
    pg.select_option(".bf-filter select[name=sourcing]", "anonymous")
    assert visible_claims(pg) == F_ANONYMOUS
    assert parse_qs(urlsplit(pg.url).query) == {"rel": ["F"], "sourcing": ["anonymous"]}
    expect(pg.locator(".bf-filter-status")).to_contain_text(f"{len(F_ANONYMOUS)} of {len(CLAIMS)} claims")
    pg.reload()
    assert visible_claims(pg) == F_ANONYMOUS, "reloading the URL keeps the filter"
    assert pg.locator("select[name=rel]").input_value() == "F"
    pg.locator(".bf-filter-status button").click()  # Show all
    assert visible_claims(pg) == set(CLAIMS) and urlsplit(pg.url).query == ""
    assert not pg.errors


@pytest.mark.parametrize(("query", "expected"), [
    ("about=ruritania", {"pipeline-shelved", "vlad-brokered"}),
    ("by=herald", {"vlad-brokered", "herald-view"}),
    ("event=kalimantan-summit", {"walkout-planned", "vlad-brokered"}),
    ("tag=energy", {"walkout-planned", "ivanov-denies", "pipeline-shelved", "tariff-published"}),
    ("briefing=talks-resume&cred=3", {"herald-view"}),
    ("by=nobody", set()),  # a shared link naming a value no claim has: nothing, not everything
])
def test_each_facet_narrows_from_a_link(served: Served, pg: Any, query: str, expected: set[str]) -> None:
    pg.goto(served.url("claims/?" + query))
    assert visible_claims(pg) == expected
    # A briefing with nothing left is hidden whole, heading included.
    groups = pg.eval_on_selector_all(".bf-claims-group", "gs => gs.filter(g => g.offsetParent !== null).length")
    assert groups == len({"talks-resume" if c in ("vlad-brokered", "herald-view", "vlad-confirms") else "x"
                          for c in expected})


def test_without_javascript_every_claim_is_listed(browser: Any, served: Served) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    try:
        p = ctx.new_page()
        p.goto(served.url("claims/?rel=F&sourcing=anonymous"))
        assert visible_claims(p) == set(CLAIMS)
        expect(p.locator(".bf-filter")).to_be_hidden()  # no controls that would do nothing
    finally:
        ctx.close()


def test_home_sourcing_counts_link_to_their_filtered_views(served: Served, pg: Any) -> None:
    pg.goto(served.url(""))
    link = pg.locator("a.bf-sourcing-count", has_text="anonymous")
    expect(link).to_contain_text("3")
    link.click()
    pg.wait_for_url("**/claims/?sourcing=anonymous")
    assert visible_claims(pg) == {c for c, (_, s) in CLAIMS.items() if s == "anonymous"}


def test_split_appendix_filters_a_month_and_finds_the_others(served_split: Served, split_site: Path, pg: Any) -> None:
    # The index loads the claims' facets (no text), lists the briefings that hold matching claims...
    pg.goto(served_split.url("claims/?rel=F&sourcing=anonymous"))
    results = pg.locator(".bf-filter-results li")
    expect(results).to_have_count(2)
    assert results.all_inner_texts() == ["Talks resume quietly 2 Mar 2016 · 1 claim",
                                         "Talks stall over the pipeline 20 Nov 2015 · 1 claim"]
    expect(pg.locator(".bf-filter-status")).to_contain_text(f"{len(F_ANONYMOUS)} of {len(CLAIMS)} claims")
    # ...each opening its month's page with the same filter.
    results.filter(has_text="Talks stall").locator("a").click()
    pg.wait_for_url("**/claims/2015-11/?rel=F&sourcing=anonymous#_talks-stall")
    assert visible_claims(pg) == {"walkout-planned"}
    assert pg.locator("select[name=sourcing]").input_value() == "anonymous"
    # Opened without a filter, the index loads the facets only when the reader reaches for the filter.
    loaded: list[str] = []
    pg.on("request", lambda r: loaded.append(r.url))
    pg.goto(served_split.url("claims/"))
    pg.wait_for_load_state("networkidle")
    assert not [u for u in loaded if u.endswith("facets.js")], "facets.js is loaded on demand"
    pg.select_option(".bf-filter select[name=sourcing]", "anonymous")
    expect(pg.locator(".bf-filter-results li")).to_have_count(2)
    assert parse_qs(urlsplit(pg.url).query) == {"sourcing": ["anonymous"]}
    # Every facet works across months, the list facets too.
    pg.goto(served_split.url("claims/?event=kalimantan-summit&tag=talks"))
    expect(pg.locator(".bf-filter-results li")).to_have_count(2)
    assert pg.locator("select[name=event]").input_value() == "kalimantan-summit"
    facets = (split_site / "claims" / "facets.js").read_text(encoding="utf-8")
    assert "Ivanov planned the walkout" not in facets, "the index holds facets, not the claims' text"
    assert not pg.errors


# 5. Search finds the thing ----------------------------------------------------------------------------------------

def test_search_index_has_every_claim_and_event_as_its_own_section(appendix_site: Path, split_site: Path) -> None:
    for site in (appendix_site, split_site):
        docs = load_search_entries(site)
        anchors = {d["location"].split("#")[1] for d in docs if "#" in d["location"]}
        assert set(CLAIMS) | {"kalimantan-summit"} <= anchors
    claim = next(d for d in docs if d["location"].endswith("#pipeline-shelved"))
    assert claim["title"] == "Ruritania shelved the zanzibarite pipeline for a year."
    month = next(d for d in docs if d["location"] == "claims/2015-11/")
    assert "Source reliability" not in month["text"], "the filter's controls are not indexed"


def test_search_index_holds_each_thing_once_and_not_the_lists_that_repeat_it(appendix_site: Path,
                                                                            split_site: Path) -> None:
    # The reader's browser loads and indexes the whole index before the first result shows (generator/searchindex.py).
    for site in (appendix_site, split_site):
        docs = load_search_entries(site)
        sections = {d["location"].split("#")[1] for d in docs if "#_" in d["location"]}
        assert sections <= {"_summary", "_key-points"}, "a section listing what has results of its own"
        titles = [d["title"] for d in docs]
        for briefing in ("Talks stall over the pipeline", "Talks resume quietly"):
            assert titles.count(briefing) == 1, f"{briefing!r}: one result, its page"
        claims = [d for d in docs if d["location"].split("#")[-1] in CLAIMS]
        assert len(claims) == len(CLAIMS) and not any(d["text"] for d in claims), "a claim: its statement, once"
        event = next(d for d in docs if d["location"].endswith("#kalimantan-summit"))
        assert "Reported in" not in event["text"]


def test_searching_an_event_title_opens_its_anchor(served: Served, pg: Any) -> None:
    pg.goto(served.url(""))
    items = search(pg, "Kalimantan pipeline summit")
    hit = items.locator('a[href$="events/#kalimantan-summit"]').first
    hit.click()
    pg.wait_for_url("**/events/#kalimantan-summit")
    expect(pg.locator("#kalimantan-summit")).to_be_in_viewport()


def test_a_claim_is_its_own_search_result(served: Served, pg: Any) -> None:
    pg.goto(served.url(""))
    items = search(pg, "zanzibarite")
    hrefs = items.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert served.url("claims/#pipeline-shelved") in hrefs, hrefs
    items.locator('a[href$="claims/#pipeline-shelved"]').first.click()
    expect(pg.locator("#pipeline-shelved")).to_be_in_viewport()


def test_project_pages_are_out_of_reader_search_and_navigation(offline_site: Path) -> None:
    docs = load_search_entries(offline_site)
    locations = {d["location"].split("#")[0] for d in docs}
    assert locations and not {"writing-briefings.html", "threat-model.html", "performance.html"} & locations
    home = page(offline_site, "")
    nav = home.root.one("nav", cls="md-nav--primary")
    about = next(li for li in nav.find_all("li") if li.find("label") and "About" in li.find("label").text())
    assert {u for u, _ in links_of(about)} >= {"writing-briefings.html", "threat-model.html", "performance.html"}


# 6. Open from files ---------------------------------------------------------------------------------------------

def test_offline_build_opens_profiles_and_searches_from_file_urls(browser: Any, offline_site: Path) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    ctx.on("request", lambda r: requests.append(r.url))
    try:
        p = ctx.new_page()
        p.set_default_timeout(SEARCH_TIMEOUT_MS)
        errors: list[str] = []
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.goto((offline_site / "index.html").as_uri())
        actor = p.locator("article a[href^='actors/'][href$='.html']:not([href$='index.html'])").first
        name = actor.inner_text()
        actor.click()
        p.wait_for_load_state()
        assert p.url.endswith(".html") and "/actors/" in p.url, p.url
        expect(p.locator("article h1")).to_contain_text(name)  # the profile, not a directory listing
        p.goto((offline_site / "index.html").as_uri())
        items = search(p, "Putin")
        assert items.count() > 0
        assert not errors, errors
    finally:
        ctx.close()
    away = [r for r in requests if urlsplit(r).scheme not in ("file", "data", "blob")]
    assert not away, f"requests off the disk: {away}"


def test_offline_links_name_files(offline_site: Path) -> None:
    home = page(offline_site, "")
    hrefs = [a.get("href") or "" for a in home.article.find_all("a")]
    internal = [h for h in hrefs if not urlsplit(h).scheme]
    assert internal and all(urlsplit(h).path.endswith(".html") or not urlsplit(h).path for h in internal), internal
    assert "claims/index.html?sourcing=anonymous" in hrefs


def test_every_offline_link_names_a_file_that_exists(offline_site: Path) -> None:
    # A folder link from disk opens a directory listing: every internal link, ours in raw HTML included
    # (Layout.html_url), must name the file itself.
    bad = []
    for pg in site_pages(offline_site).values():
        if pg.url == "404.html":  # a server's page (absolute links); a browser on files never shows it
            continue
        for a in pg.root.find_all("a"):
            href = a.get("href") or ""
            parts = urlsplit(href)
            if parts.scheme or not parts.path:
                continue
            target = (pg.path.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                bad.append(f"{pg.url}: {href}")
    assert not bad, "links that name no file:\n" + "\n".join(sorted(set(bad))[:20])


def test_the_filter_works_read_from_disk(browser: Any, offline_site: Path) -> None:
    # From file:// too, the filter reads the address and narrows the claims (its screenshots: make screenshots).
    ctx = browser.new_context()
    try:
        p = ctx.new_page()
        p.goto((offline_site / "claims" / "index.html").as_uri() + "?rel=F&sourcing=anonymous")
        expect(p.locator(".bf-filter-status")).to_contain_text(re.compile(r"^\d+ of \d+ claims match"))
        shown, total = map(int, re.findall(r"\d+", p.locator(".bf-filter-status").inner_text())[:2])
        assert shown < total, "the filter narrows the shipped project's claims"
    finally:
        ctx.close()


# 8. Tags get pages ----------------------------------------------------------------------------------------------

def test_tags_have_pages_listing_their_briefings(appendix_site: Path) -> None:
    index = page(appendix_site, "tags/")
    assert {u for u, _ in links_of(index.article, index.url)} >= {"tags/talks/", "tags/energy/"}
    talks = page(appendix_site, "tags/talks/")
    got = {u for u, _ in links_of(talks.article, talks.url)}
    assert {"briefings/talks-stall/", "briefings/talks-resume/", "claims/?tag=talks"} <= got
    energy = page(appendix_site, "tags/energy/")
    assert "briefings/talks-resume/" not in {u for u, _ in links_of(energy.article, energy.url)}


@pytest.mark.parametrize(("directory_urls", "href"), [(True, "../../tags/talks/"), (False, "../tags/talks.html")])
def test_a_briefings_tags_link_to_their_pages(directory_urls: bool, href: str) -> None:
    # _tags.html.j2 is the tag line for briefing pages, where tags were plain text.
    from generator.corpus import load_corpus
    from generator.layout import Layout, SiteOptions
    from generator.render import PageContext, make_env

    corpus = load_corpus(APPENDIX)
    ctx = PageContext(Layout(corpus, SiteOptions(use_directory_urls=directory_urls)), "briefings/talks-stall.md")
    out = make_env(None).get_template("_tags.html.j2").render(b=corpus.briefings["talks-stall"], ctx=ctx)
    assert f'<a class="bf-tag" href="{href}">talks</a>' in out and ">energy</a>" in out


def test_render_out_keeps_the_filter_and_a_mapping_of_plugins(tmp_path: Path) -> None:
    # The project's mkdocs.yml lists its plugins as a mapping (for mkdocs-offline.yml's INHERIT).
    import yaml
    from sitekit import briefings_cli, output

    out = tmp_path / "out"
    proc = briefings_cli("render", "--out", str(out), cwd=REPO)
    assert proc.returncode == 0, output(proc)
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "briefings" not in config["plugins"] and "separator" in config["plugins"]["search"]
    assert "javascripts/claims-filter.js" in config["extra_javascript"]
    assert "stylesheets/claims-filter.css" in config["extra_css"]
    assert (out / "docs" / "javascripts" / "claims-filter.js").is_file()
    # Without the plugin, Material's search box keeps its own worker: ours would be a file nothing loads.
    assert not (out / "docs" / "javascripts" / "search-worker.js").exists()
