"""The built mini site in a real browser: Debian's Chromium driven by Playwright, the site served from
127.0.0.1 by the standard library's HTTP server. Search, anchors, JavaScript errors and network privacy."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sitekit import HOSTILE, MINI, built_site, copy_project, fixture_ids, project_search_project, site_pages

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SEARCH_TIMEOUT_MS = 15_000

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect


# Serving and the browser ----------------------------------------------------------------------------------------

class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # keep pytest's output clean
        pass


@dataclass
class Served:
    site: Path
    base: str  # http://127.0.0.1:PORT/

    def url(self, page_url: str) -> str:
        return self.base + page_url


def _serve(site: Path) -> Iterator[Served]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(site, f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _serve(built_site(tmp_path_factory, MINI, "--strict")[0])


@pytest.fixture(scope="session")
def mini_project_search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    # The same corpus with the real site's search options (its custom separator), so a change there is caught.
    project = project_search_project(tmp_path_factory.mktemp("project-search") / "project")
    yield from _serve(built_site(tmp_path_factory, project, "--strict")[0])


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _serve(built_site(tmp_path_factory, HOSTILE, "--no-strict")[0])


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(SEARCH_TIMEOUT_MS)
    yield pg
    context.close()


def page_urls(site: Path) -> list[str]:
    """Every page of a built site, as site URLs ('' is home)."""
    return [u for u in site_pages(site) if u != "404.html"] + ["404.html"]


# a. Search finds actors by native-script aliases -----------------------------------------------------------------

def search(pg: Any, query: str) -> Any:
    """Type a query into Material's search box the way a reader does; return the result items."""
    box = pg.locator("input.md-search__input")
    box.click()  # at desktop width the box sits in the header (on phones the icon opens it)
    expect(box).to_be_focused()
    box.fill(query)
    box.press("End")  # Material reads the query on keyup; fill() alone sends none
    items = pg.locator("li.md-search-result__item")
    expect(items.first).to_be_visible(timeout=SEARCH_TIMEOUT_MS)  # the first search loads the index
    return items


@pytest.mark.parametrize("site", ["mini", "mini_project_search"])
@pytest.mark.parametrize(("query", "profile"), [
    ("Иванов", "actors/ivanov/"),  # Cyrillic, one word of the alias 'Пётр Иванов'
    ("Пётр Иванов", "actors/ivanov/"),
    ("Руритания", "actors/ruritania/"),
    ("خامنه‌ای", "actors/khamenei-test/"),  # Persian, with its zero-width non-joiner (U+200C)
    ("علی", "actors/khamenei-test/"),  # Arabic script, a single word of the alias
])
def test_search_finds_an_actor_by_a_native_script_alias(request: pytest.FixtureRequest, page: Any, site: str,
                                                        query: str, profile: str) -> None:
    served: Served = request.getfixturevalue(site)
    page.goto(served.url(""))
    items = search(page, query)
    hrefs = [items.nth(i).locator("a").first.get_attribute("href") for i in range(items.count())]
    assert hrefs[0] == served.url(profile), f"results for {query!r}: {hrefs}"


# b. A claim link lands on its anchor -----------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "link"), [
    ("briefings/alpha-talks/", "claims/#deal-fell-apart"),
    ("briefings/beta-holds/", "claims/#unshakeable"),
    ("sources/beta-holds/", "claims/#deal-held"),  # a marked quote leads to its claim
    ("actors/vlad/", "events/#partnership-2016"),
])
def test_a_link_lands_on_its_anchor(mini: Served, page: Any, start: str, link: str) -> None:
    anchor = link.split("#")[1]
    page.goto(mini.url(start))
    page.locator(f'article a[href$="{link}"]').first.click()
    page.wait_for_url(f"**#{anchor}")
    assert urlsplit(page.url).fragment == anchor
    target = page.locator(f"#{anchor}")
    expect(target).to_be_in_viewport()
    # Not hidden under Material's sticky header either.
    header = page.locator("header.md-header").bounding_box()
    box = target.bounding_box()
    assert header is not None and box is not None
    assert box["y"] + box["height"] > header["y"] + header["height"], "the anchor is hidden under the header"


# c, d. Every page: no JavaScript errors, no request off this machine ------------------------------------------------

@dataclass
class Visit:
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)


def visit_all(browser: Any, served: Served, query: str) -> Visit:
    """Open every page, then run one search (which loads the search worker and index) and record what happens."""
    seen = Visit()
    context = browser.new_context()
    context.on("request", lambda r: seen.requests.append(r.url))  # context-wide: includes the search worker's
    pg = context.new_page()
    pg.set_default_timeout(SEARCH_TIMEOUT_MS)
    pg.on("pageerror", lambda e: seen.errors.append(f"{pg.url}: uncaught {e}"))
    pg.on("console", lambda m: m.type == "error" and seen.errors.append(f"{pg.url}: console.error {m.text}"))

    def dialog(d: Any) -> None:
        seen.dialogs.append(f"{pg.url}: {d.type} {d.message!r}")
        d.dismiss()

    pg.on("dialog", dialog)
    try:
        for url in page_urls(served.site):
            pg.goto(served.url(url), wait_until="load")
            pg.wait_for_load_state("networkidle")
            seen.pages.append(url)
        pg.goto(served.url(""))
        search(pg, query)
        pg.wait_for_load_state("networkidle")
    finally:
        context.close()
    return seen


@pytest.fixture(scope="module")
def mini_visit(browser: Any, mini: Served) -> Visit:
    return visit_all(browser, mini, "Ivanov")


def test_no_javascript_errors_on_any_page(mini_visit: Visit, mini: Served) -> None:
    assert mini_visit.pages == page_urls(mini.site), "every page was visited"
    assert not mini_visit.errors, "JavaScript errors:\n" + "\n".join(mini_visit.errors)


def test_no_request_leaves_localhost(mini_visit: Visit) -> None:
    assert any("search_index.json" in r for r in mini_visit.requests), "the search index was loaded too"
    away = [r for r in mini_visit.requests
            if urlsplit(r).scheme not in ("data", "blob") and urlsplit(r).hostname not in LOCAL_HOSTS]
    assert not away, "requests to other hosts:\n" + "\n".join(sorted(set(away)))


def test_search_runs_in_the_sites_own_worker(mini_visit: Visit) -> None:
    # Material's lunr worker takes seconds to index a large site before it answers (generator/plugin.py).
    assert any(urlsplit(r).path == "/javascripts/search-worker.js" for r in mini_visit.requests)
    assert any(urlsplit(r).path == "/search/docs.json.gz" for r in mini_visit.requests), "the entries, compressed"
    assert not [r for r in mini_visit.requests if "/workers/search." in r], "Material's own worker was started"


def test_hostile_site_runs_no_script_from_input(browser: Any, hostile: Served) -> None:
    # The end-to-end check of test_site's hostile tests: an alert() from input would open a dialog.
    seen = visit_all(browser, hostile, "Evil")  # results show names and text: Material inserts them as HTML
    assert not seen.dialogs, "input ran as script:\n" + "\n".join(seen.dialogs)
    assert not seen.errors, "JavaScript errors:\n" + "\n".join(seen.errors)


# f. Pictures (issue 13) with JavaScript off ---------------------------------------------------------------------
# The mini corpus plus a second relation between one pair, so parallel edges show. Links land, shapes differ, text
# reads in both schemes, phones scroll the picture and not the page.

PICTURES_BETA = "briefings/beta-holds.yml"
SECOND_RELATION = """  - between: [khamenei-test, vlad]
    kind: talks
    date: 2016-03
"""
PICTURE_PAGES = ["events/", "actors/", "actors/vlad/", "briefings/beta-holds/"]


def pictures_project(dst: Path) -> Path:
    project = copy_project(MINI, dst)
    path = project / PICTURES_BETA
    text = path.read_text(encoding="utf-8")
    assert text.rstrip().endswith("claims: [unshakeable]"), "beta-holds no longer ends with its relation"
    path.write_text(text.rstrip() + "\n" + SECOND_RELATION, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def pictures_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    project = pictures_project(tmp_path_factory.mktemp("pictures") / "project")
    yield from _serve(built_site(tmp_path_factory, project, "--strict")[0])


def no_script_page(browser: Any, width: int = 1280) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    return context, context.new_page()


@pytest.fixture
def nojs_page(browser: Any) -> Iterator[Any]:
    context, pg = no_script_page(browser)
    yield pg
    context.close()


def test_events_timeline_marks_link_to_their_anchors(pictures_site: Served, nojs_page: Any) -> None:
    nojs_page.goto(pictures_site.url("events/"))
    marks = nojs_page.locator("svg.bf-timeline a")
    hrefs = [marks.nth(i).get_attribute("href") for i in range(marks.count())]
    events = set(fixture_ids(MINI).events)
    assert sorted(hrefs) == sorted(f"#{e}" for e in events), "a mark for every event, linking to its anchor"
    nojs_page.locator('svg.bf-timeline a[href="#partnership-2016"] rect').click()
    nojs_page.wait_for_url("**#partnership-2016")
    target = nojs_page.locator("#partnership-2016")
    expect(target).to_be_in_viewport()
    header, box = nojs_page.locator("header.md-header").bounding_box(), target.bounding_box()
    assert box["y"] + box["height"] > header["y"] + header["height"], "the event is hidden under the header"


def test_an_interval_is_a_bar_wider_than_a_days_point(pictures_site: Served, nojs_page: Any) -> None:
    nojs_page.goto(pictures_site.url("events/"))
    day = nojs_page.locator('svg.bf-timeline a[href="#vienna-2015"] circle').bounding_box()  # 2015-11-14
    span = nojs_page.locator('svg.bf-timeline a[href="#partnership-2016"] rect').bounding_box()  # 15-29 Feb 2016
    assert span["width"] > 1.5 * day["width"], (span, day)
    approx = nojs_page.locator('svg.bf-timeline a[href="#collapse-2015"] rect')  # 2015-11~: approximate, dashed
    assert approx.evaluate("e => getComputedStyle(e).strokeDasharray") not in ("none", "")


def test_briefing_timeline_marks_events_defined_elsewhere(pictures_site: Served, nojs_page: Any) -> None:
    nojs_page.goto(pictures_site.url("briefings/beta-holds/"))
    ref = nojs_page.locator('svg.bf-timeline a[href$="events/#vienna-2015"]')  # reported here, defined in alpha-talks
    assert "defined in another briefing" in ref.get_attribute("aria-label")
    assert ref.locator("text").text_content().startswith("↗")
    own = nojs_page.locator('svg.bf-timeline a[href$="events/#partnership-2016"]')
    assert "another briefing" not in own.get_attribute("aria-label")


def test_profile_graph_draws_an_edge_per_relation_and_links_nodes(pictures_site: Served, nojs_page: Any) -> None:
    nojs_page.goto(pictures_site.url("actors/vlad/"))
    rows = nojs_page.locator("#_relations + ul > li")
    edges = nojs_page.locator("svg.bf-graph path.bf-gr-edge")
    assert rows.count() == 2 and edges.count() == rows.count(), "an edge per relation in the list"
    paths = {edges.nth(i).get_attribute("d") for i in range(edges.count())}
    assert len(paths) == 2, "two relations between one pair are drawn apart"
    labels = nojs_page.locator("svg.bf-graph text").all_text_contents()
    assert "alliance (Feb 2016)" in labels and "talks (Mar 2016)" in labels
    nojs_page.locator('svg.bf-graph a[href$="/khamenei-test/"] circle').click()
    nojs_page.wait_for_url("**/actors/khamenei-test/")
    expect(nojs_page.locator("h1")).to_contain_text("Ali Test")


def test_pictures_have_text_alternatives(pictures_site: Served, nojs_page: Any) -> None:
    for url in PICTURE_PAGES:
        nojs_page.goto(pictures_site.url(url))
        pictures = nojs_page.locator("figure.bf-figure")
        assert pictures.count(), f"/{url} has no picture"
        for i in range(pictures.count()):
            fig = pictures.nth(i)
            assert fig.locator("svg").get_attribute("aria-label").strip()
            assert fig.locator("figcaption").inner_text().strip()
            links = fig.locator("svg a")
            for j in range(links.count()):
                a = links.nth(j)
                assert a.get_attribute("aria-label").strip(), f"/{url}: a mark without a label"
                assert a.locator("title").text_content().strip(), f"/{url}: a mark without a <title>"


def test_pictures_need_no_script_and_stay_on_this_machine(pictures_site: Served, browser: Any) -> None:
    context, pg = no_script_page(browser)
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    pg.on("console", lambda m: m.type == "error" and errors.append(f"{pg.url}: {m.text}"))
    pg.on("pageerror", lambda e: errors.append(f"{pg.url}: {e}"))
    try:
        for url in PICTURE_PAGES:
            pg.goto(pictures_site.url(url), wait_until="load")
            assert pg.locator("svg.bf-pic").first.is_visible()
    finally:
        context.close()
    away = [r for r in requests
            if urlsplit(r).scheme not in ("data", "blob") and urlsplit(r).hostname not in LOCAL_HOSTS]
    assert not away, "requests to other hosts:\n" + "\n".join(sorted(set(away)))
    assert not errors, "console errors:\n" + "\n".join(errors)


# Contrast: WCAG's relative luminance, from the colours the browser computed ----------------------------------

def _rgba(css: str) -> tuple[float, float, float, float]:
    nums = [float(x) for x in re.findall(r"[\d.]+", css)]
    assert css.startswith("rgb") and len(nums) in (3, 4), f"not a computed colour: {css!r}"
    return nums[0], nums[1], nums[2], nums[3] if len(nums) == 4 else 1.0


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg_css: str, bg_css: str) -> float:
    *bg, _ = _rgba(bg_css)
    *fg, alpha = _rgba(fg_css)
    shown = tuple(alpha * f + (1 - alpha) * b for f, b in zip(fg, bg, strict=True))  # text over the page
    hi, lo = sorted((_luminance(shown), _luminance(tuple(bg))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_picture_text_contrast_is_at_least_4_5_in_both_schemes(pictures_site: Served, nojs_page: Any,
                                                               scheme: str) -> None:
    low = []
    for url in PICTURE_PAGES:
        nojs_page.goto(pictures_site.url(url))
        # Material's schemes are attributes on <body>; without script the reader's choice is not applied, so set it.
        nojs_page.locator("body").evaluate(f"b => b.setAttribute('data-md-color-scheme', '{scheme}')")
        bg = nojs_page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
        assert _rgba(bg)[3] == 1.0, f"the page background is not opaque: {bg}"
        fills = nojs_page.locator("svg.bf-pic text").evaluate_all(
            "ts => ts.map(t => [t.textContent, getComputedStyle(t).fill, getComputedStyle(t).opacity])")
        assert fills, f"/{url}: no text in its pictures"
        for text, fill, opacity in fills:
            ratio = contrast(fill, bg)
            if ratio < 4.5 or float(opacity) < 1:
                low.append(f"/{url} {text!r}: {fill} on {bg} = {ratio:.2f}:1, opacity {opacity}")
    assert not low, f"labels below 4.5:1 in the {scheme} scheme:\n" + "\n".join(low)


def test_on_a_phone_the_picture_scrolls_in_its_box_and_labels_stay_readable(pictures_site: Served,
                                                                            browser: Any) -> None:
    context, pg = no_script_page(browser, width=390)
    try:
        pg.goto(pictures_site.url("actors/vlad/"))
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390, "the page itself scrolls sideways"
        box = pg.locator(".bf-figure--graph .bf-pic-scroll")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the picture scrolls inside its box"
        # The font size times the SVG's scale on screen (rotated labels too: the matrix's length, not its a).
        heights = pg.locator(".bf-figure--graph svg text").evaluate_all(
            "ts => ts.map(t => { const m = t.getScreenCTM(); "
            "return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b); })")
        assert min(heights) >= 10, f"labels render at {min(heights):.1f} px on a phone"
    finally:
        context.close()
