"""The pictures (issue 13) in a real browser with JavaScript off: Debian's Chromium on the mini corpus, plus a
second relation between one pair so parallel edges show. Links land, shapes differ, text reads in both schemes."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sitekit import MINI, built_site, copy_project, fixture_ids
from test_browser import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS, Served, _serve

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
expect = sync_api.expect

BETA = "briefings/beta-holds.yml"
SECOND_RELATION = """  - between: [khamenei-test, vlad]
    kind: talks
    date: 2016-03
"""
PICTURE_PAGES = ["events/", "actors/", "actors/vlad/", "briefings/beta-holds/"]


def pictures_project(dst: Path) -> Path:
    project = copy_project(MINI, dst)
    path = project / BETA
    text = path.read_text(encoding="utf-8")
    assert text.rstrip().endswith("claims: [unshakeable]"), "beta-holds no longer ends with its relation"
    path.write_text(text.rstrip() + "\n" + SECOND_RELATION, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    project = pictures_project(tmp_path_factory.mktemp("pictures") / "project")
    yield from _serve(built_site(tmp_path_factory, project, "--strict")[0])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make chromium`)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def no_script_page(browser: Any, width: int = 1280) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    return context, context.new_page()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context, pg = no_script_page(browser)
    yield pg
    context.close()


def test_events_timeline_marks_link_to_their_anchors(site: Served, page: Any) -> None:
    page.goto(site.url("events/"))
    marks = page.locator("svg.bf-timeline a")
    hrefs = [marks.nth(i).get_attribute("href") for i in range(marks.count())]
    events = set(fixture_ids(MINI).events)
    assert sorted(hrefs) == sorted(f"#{e}" for e in events), "a mark for every event, linking to its anchor"
    page.locator('svg.bf-timeline a[href="#partnership-2016"] rect').click()
    page.wait_for_url("**#partnership-2016")
    target = page.locator("#partnership-2016")
    expect(target).to_be_in_viewport()
    header, box = page.locator("header.md-header").bounding_box(), target.bounding_box()
    assert box["y"] + box["height"] > header["y"] + header["height"], "the event is hidden under the header"


def test_an_interval_is_a_bar_wider_than_a_days_point(site: Served, page: Any) -> None:
    page.goto(site.url("events/"))
    day = page.locator('svg.bf-timeline a[href="#vienna-2015"] circle').bounding_box()  # 2015-11-14
    span = page.locator('svg.bf-timeline a[href="#partnership-2016"] rect').bounding_box()  # 15-29 Feb 2016
    assert span["width"] > 1.5 * day["width"], (span, day)
    approx = page.locator('svg.bf-timeline a[href="#collapse-2015"] rect')  # 2015-11~: approximate, dashed
    assert approx.evaluate("e => getComputedStyle(e).strokeDasharray") not in ("none", "")


def test_briefing_timeline_marks_events_defined_elsewhere(site: Served, page: Any) -> None:
    page.goto(site.url("briefings/beta-holds/"))
    ref = page.locator('svg.bf-timeline a[href$="events/#vienna-2015"]')  # reported here, defined in alpha-talks
    assert "defined in another briefing" in ref.get_attribute("aria-label")
    assert ref.locator("text").text_content().startswith("↗")
    own = page.locator('svg.bf-timeline a[href$="events/#partnership-2016"]')
    assert "another briefing" not in own.get_attribute("aria-label")


def test_profile_graph_draws_an_edge_per_relation_and_links_nodes(site: Served, page: Any) -> None:
    page.goto(site.url("actors/vlad/"))
    rows = page.locator("#_relations ~ table").first.locator("tbody tr")
    edges = page.locator("svg.bf-graph path.bf-gr-edge")
    assert rows.count() == 2 and edges.count() == rows.count(), "an edge per relation in the table"
    paths = {edges.nth(i).get_attribute("d") for i in range(edges.count())}
    assert len(paths) == 2, "two relations between one pair are drawn apart"
    labels = page.locator("svg.bf-graph text").all_text_contents()
    assert "alliance (Feb 2016)" in labels and "talks (Mar 2016)" in labels
    page.locator('svg.bf-graph a[href$="/khamenei-test/"] circle').click()
    page.wait_for_url("**/actors/khamenei-test/")
    expect(page.locator("h1")).to_contain_text("Ali Test")


def test_pictures_have_text_alternatives(site: Served, page: Any) -> None:
    for url in PICTURE_PAGES:
        page.goto(site.url(url))
        pictures = page.locator("figure.bf-figure")
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


def test_pictures_need_no_script_and_stay_on_this_machine(site: Served, browser: Any) -> None:
    context, pg = no_script_page(browser)
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    pg.on("console", lambda m: m.type == "error" and errors.append(f"{pg.url}: {m.text}"))
    pg.on("pageerror", lambda e: errors.append(f"{pg.url}: {e}"))
    try:
        for url in PICTURE_PAGES:
            pg.goto(site.url(url), wait_until="load")
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
def test_picture_text_contrast_is_at_least_4_5_in_both_schemes(site: Served, page: Any, scheme: str) -> None:
    low = []
    for url in PICTURE_PAGES:
        page.goto(site.url(url))
        # Material's schemes are attributes on <body>; without script the reader's choice is not applied, so set it.
        page.locator("body").evaluate(f"b => b.setAttribute('data-md-color-scheme', '{scheme}')")
        bg = page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
        assert _rgba(bg)[3] == 1.0, f"the page background is not opaque: {bg}"
        fills = page.locator("svg.bf-pic text").evaluate_all(
            "ts => ts.map(t => [t.textContent, getComputedStyle(t).fill, getComputedStyle(t).opacity])")
        assert fills, f"/{url}: no text in its pictures"
        for text, fill, opacity in fills:
            ratio = contrast(fill, bg)
            if ratio < 4.5 or float(opacity) < 1:
                low.append(f"/{url} {text!r}: {fill} on {bg} = {ratio:.2f}:1, opacity {opacity}")
    assert not low, f"labels below 4.5:1 in the {scheme} scheme:\n" + "\n".join(low)


def test_on_a_phone_the_picture_scrolls_in_its_box_and_labels_stay_readable(site: Served, browser: Any) -> None:
    context, pg = no_script_page(browser, width=390)
    try:
        pg.goto(site.url("actors/vlad/"))
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


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_pictures(site: Served, browser: Any, tmp_path: Path, width: int) -> None:
    # For humans (not asserted beyond existing): /tmp/pictures-<page>-<width>.png, where the lead looks.
    context, pg = no_script_page(browser, width)
    try:
        for url in ("events/", "actors/vlad/"):
            pg.goto(site.url(url))
            shot = tmp_path / f"pictures-{url.strip('/').replace('/', '-')}-{width}.png"
            pg.locator("figure.bf-figure").first.screenshot(path=str(shot))
            assert shot.stat().st_size > 0
            shutil.copyfile(shot, Path("/tmp") / shot.name)
    finally:
        context.close()
