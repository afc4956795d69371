"""The site's search worker (generator/templates/search-worker.js) in Chromium, sent Material's messages: words
found by their beginning in any script, quotes, + and -, a page's sections grouped under it, titles first, matches
marked without breaking markup. That built sites start it: tests/test_browser.py."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_browser import SEARCH_TIMEOUT_MS, Served, _serve

from generator.render import DEFAULT_TEMPLATES, SEARCH_WORKER
from generator.searchindex import DOCS as DOCS_PATH
from generator.searchindex import PACKED_DOCS, load_search_entries, pack_search_index

pytestmark = pytest.mark.browser

SETUP, READY, QUERY, RESULT = 0, 1, 2, 3
CONFIG = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": ["stopWordFilter"],
          "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1000000.0}}}
DOCS = [
    {"location": "actors/vlad/", "title": "Vladimir Putin", "text": "<p>Also known as: Влади́мир Пу́тин · Путин</p>"},
    {"location": "briefings/talks/", "title": "Talks in Vienna", "text": "<p>Source: The Herald</p>"},
    {"location": "briefings/talks/#_summary", "title": "Summary",
     "text": "<p>First paragraph about nothing.</p><p>Second one.</p><ul><li>Putin &amp; Assad met.</li></ul>"},
    {"location": "claims/", "title": "Claims", "text": "<p>Every claim.</p>"},  # a page comes before its sections
    {"location": "claims/#deal", "title": "The deal fell apart", "text": "<p>Tehran sources say the deal fell.</p>"},
    {"location": "actors/khamenei/", "title": "Ali Khamenei", "text": "<p>Also known as: خامنه‌ای · علی</p>"},
    {"location": "briefings/evil/", "title": "&lt;script&gt;alert(1)&lt;/script&gt; Evil", "text": "<p>x</p>"},
]

ASK = """async ([url, data, queries]) => {
  const worker = new Worker(url)
  const ask = message => new Promise((resolve, reject) => {
    worker.onmessage = event => resolve(event.data)
    worker.onerror = event => reject(new Error(event.message))
    worker.postMessage(message)
  })
  const ready = await ask({type: SETUP, data})
  const results = []
  for (const query of queries) results.push((await ask({type: QUERY, data: query})).data)
  worker.terminate()
  return [ready, results]
}""".replace("SETUP", str(SETUP)).replace("QUERY", str(QUERY))


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    yield from _serve(DEFAULT_TEMPLATES)  # the worker as the package ships it


@pytest.fixture(scope="module")
def page(browser: Any, served: Served) -> Iterator[Any]:
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(SEARCH_TIMEOUT_MS)
    pg.goto(served.url(""))  # a page of the same origin, to start the worker from
    yield pg
    context.close()


def ask(pg: Any, queries: list[str], docs: list[dict[str, str]] = DOCS, worker: str = SEARCH_WORKER,
        config: dict[str, Any] = CONFIG) -> list[Any]:
    """Each query's results from the worker, set up with these entries, as Material's search box sends them."""
    data = {"config": config, "docs": docs, "options": {"suggest": False}}
    ready, results = pg.evaluate(ASK, [worker, data, queries])
    assert ready == {"type": READY}
    return results


def locations(result: Any) -> list[list[str]]:
    return [[item["location"] for item in group] for group in result["items"]]


def test_words_are_found_by_their_beginning_in_any_script(page: Any) -> None:
    vlad, upper, cyrillic, persian, arabic, middle = ask(page, ["vlad", "PUTIN", "Путин", "خامنه‌ای", "علی", "ladimir"])
    assert locations(vlad) == [["actors/vlad/"]]
    assert locations(upper)[0] == ["actors/vlad/"]  # the title: before the briefing that names him in its summary
    assert locations(cyrillic) == [["actors/vlad/"]]
    assert locations(persian) == locations(arabic) == [["actors/khamenei/"]]
    assert locations(middle) == [], "a word is found by its beginning, not its middle"


def test_sections_are_grouped_under_their_page(page: Any) -> None:
    assad, deal = ask(page, ["assad", "deal"])
    # Only the summary matches: Material shows the group under its page all the same.
    assert locations(assad) == [["briefings/talks/#_summary", "briefings/talks/"]]
    assert assad["items"][0][1]["score"] == 0
    assert locations(deal) == [["claims/#deal", "claims/"]]


def test_quotes_plus_and_minus_as_in_materials_search(page: Any) -> None:
    either, both, plus, minus, only_minus, minus_part, quoted_part = ask(page, [
        "tehran vienna", '"tehran vienna"', "+tehran vienna", "putin -assad", "-assad", "putin -ass", '"vien"'])
    assert sorted(g[0] for g in locations(either)) == ["briefings/talks/", "claims/#deal"]
    assert locations(both) == []
    assert locations(plus) == [["claims/#deal", "claims/"]]
    assert locations(minus) == [["actors/vlad/"]]
    assert locations(only_minus) == []
    # A word typed plainly is a beginning; a quoted, + or - one is a whole word, as in Material's search.
    assert sorted(g[0] for g in locations(minus_part)) == ["actors/vlad/", "briefings/talks/#_summary"]
    assert locations(quoted_part) == []


def test_stop_words_are_no_words_but_begin_others(page: Any) -> None:
    stop, mixed, required = ask(page, ["the", "the putin nobody", "+the putin"])
    assert stop == {"items": []}  # "The deal fell apart": "the" is no word of it
    first = mixed["items"][0][0]
    assert first["location"] == "actors/vlad/"
    assert first["terms"] == {"putin": True, "nobody": False}  # Material shows "Missing: nobody", not "the"
    assert locations(required)[0] == ["actors/vlad/"], "a required stop word is left out of the query"
    # Typed on the way to a longer word, a stop word finds it (Material's "in" finds "International").
    docs = [{"location": "a/", "title": "International talks", "text": "<p>Held in Vienna.</p>"}]
    (typing,) = ask(page, ["in"], docs)
    assert locations(typing) == [["a/"]]
    assert typing["items"][0][0]["title"] == "<mark>International</mark> talks"
    assert typing["items"][0][0]["text"] == "<p>Held in Vienna.</p>", "the stop word itself is not marked"


def test_matches_are_marked_without_breaking_markup(page: Any) -> None:
    putin, amp, script = ask(page, ["putin", "putin amp", "script"])
    groups = {g[0]["location"]: g[0] for g in putin["items"]}
    assert groups["actors/vlad/"]["title"] == "Vladimir <mark>Putin</mark>"
    # A section's teaser is the block that matches, as Material's worker cuts it.
    assert groups["briefings/talks/#_summary"]["text"] == "<ul><li><mark>Putin</mark> &amp; Assad met.</li></ul>"
    teasers = [item["text"] for group in amp["items"] for item in group]
    assert "<ul><li><mark>Putin</mark> &amp; Assad met.</li></ul>" in teasers, "never inside a character reference"
    # A teaser is a block with a match, not one where the term is only a character reference's name.
    docs = [{"location": "a/", "title": "A", "text": "<p>Smith &amp; Wesson</p><p>An ample store</p>"}]
    (ample,) = ask(page, ["amp"], docs)
    assert ample["items"][0][0]["text"] == "<p>An <mark>ample</mark> store</p>"
    evil = script["items"][0][0]["title"]
    assert evil == "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; Evil"
    assert "<script" not in evil


def test_a_separator_written_for_materials_worker_still_splits(page: Any) -> None:
    # `\_` is an escape that a Unicode-aware pattern refuses; Material's worker reads the separator without the flag.
    docs = [{"location": "a/", "title": "snake_case_name", "text": ""}]
    (found,) = ask(page, ["case"], docs, config={**CONFIG, "separator": r"[\s\_]+"})
    assert locations(found) == [["a/"]]


def test_a_built_sites_entries_are_moved_beside_its_index(tmp_path: Path) -> None:
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps({"config": CONFIG, "docs": DOCS}))
    pack_search_index(tmp_path)
    index = json.loads((tmp_path / "search" / "search_index.json").read_text())
    version = index["config"]["docs"][0].partition("?v=")[2]
    assert len(version) == 12  # a digest of the entries: a browser never takes a cached copy for new ones
    assert index == {"config": {**CONFIG, "docs": [f"{DOCS_PATH}?v={version}", f"{PACKED_DOCS}?v={version}"]},
                     "docs": []}  # what every page fetches
    assert json.loads(gzip.decompress((tmp_path / PACKED_DOCS).read_bytes())) == DOCS
    assert load_search_entries(tmp_path) == DOCS


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A site's worker and packed entries, and the worker of a browser without DecompressionStream."""
    site = tmp_path_factory.mktemp("packed")
    (site / "javascripts").mkdir()
    shutil.copy(DEFAULT_TEMPLATES / SEARCH_WORKER, site / "javascripts" / SEARCH_WORKER)
    (site / "javascripts" / "no-decompression.js").write_text(
        f"self.DecompressionStream = undefined\nimportScripts({json.dumps(SEARCH_WORKER)})\n")
    (site / "search").mkdir()
    (site / "search" / "search_index.json").write_text(json.dumps({"config": CONFIG, "docs": DOCS}))
    pack_search_index(site)
    yield from _serve(site)


@pytest.mark.parametrize(("worker", "gone", "fetched_from"), [
    (SEARCH_WORKER, None, PACKED_DOCS),
    ("no-decompression.js", None, DOCS_PATH),  # a browser without DecompressionStream
    (SEARCH_WORKER, PACKED_DOCS, DOCS_PATH),  # a host that does not serve the compressed copy
])
def test_the_worker_fetches_the_entries_it_was_not_sent(browser: Any, packed: Served, worker: str, gone: str | None,
                                                       fetched_from: str) -> None:
    context = browser.new_context()
    pg = context.new_page()
    fetched: list[str] = []
    context.on("requestfinished", lambda r: fetched.append(r.url.partition("?")[0]))
    hidden = packed.site / f"{gone}.hidden" if gone else None
    if gone and hidden:
        (packed.site / gone).rename(hidden)
    try:
        pg.goto(packed.url(""))
        config = json.loads((packed.site / "search" / "search_index.json").read_text())["config"]
        (putin,) = ask(pg, ["putin"], [], f"javascripts/{worker}", config)
    finally:
        context.close()
        if gone and hidden:
            hidden.rename(packed.site / gone)
    assert locations(putin)[0] == ["actors/vlad/"]
    assert packed.url(fetched_from) in fetched


def test_the_worker_needs_no_regular_expression_lookbehind() -> None:
    # Safari before 16.4 has none: a pattern with one would stop the whole worker from loading there.
    source = (DEFAULT_TEMPLATES / SEARCH_WORKER).read_text(encoding="utf-8")
    assert "(?<=" not in source and "(?<!" not in source
