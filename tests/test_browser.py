"""The built mini site in a real browser: Debian's Chromium driven by Playwright, the site served from
127.0.0.1 by the standard library's HTTP server. Search, anchors, JavaScript errors and network privacy."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sitekit import HOSTILE, MINI, built_site, project_search_project, site_pages

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
# Quiet and offline: no component updates, sync or first-run pings during the tests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
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


# Module scope: other test modules import this fixture, and Playwright's sync API allows one instance at a time.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make chromium`); "
                    "these tests never download a browser")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


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


def test_hostile_site_runs_no_script_from_input(browser: Any, hostile: Served) -> None:
    # The end-to-end check of test_site's hostile tests: an alert() from input would open a dialog.
    seen = visit_all(browser, hostile, "Evil")  # results show names and text: Material inserts them as HTML
    assert not seen.dialogs, "input ran as script:\n" + "\n".join(seen.dialogs)
    assert not seen.errors, "JavaScript errors:\n" + "\n".join(seen.errors)


# e. Screenshots for humans (not asserted) -------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "name"), [("briefings/alpha-talks/", "briefing"), ("actors/ivanov/", "actor")])
def test_screenshots(mini: Served, page: Any, tmp_path: Path, url: str, name: str) -> None:
    page.goto(mini.url(url))
    shot = tmp_path / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0
    shutil.copyfile(shot, f"/tmp/{name}.png")  # where the lead looks
