"""Issue 13 without a browser: the order of events, and the pictures' SVG (deterministic, escaped, linked)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from corpuskit import ALPHA, corpus_of, make_project
from sitekit import HOSTILE, MINI, Node, built_site, page, parse_html

from generator.corpus import load_corpus
from generator.dates import parse_edtf
from generator.layout import Layout, SiteOptions
from generator.model import Actor, Event, Relation
from generator.pictures import render_graph, render_network, render_timeline
from generator.render import render_site
from generator.searchindex import load_search_entries

REPO = Path(__file__).resolve().parents[1]


# Order: start of what the date allows, then its end, then the order the briefing lists them ------------------------

SAME_SPAN = """  - id: zulu-first
    date: 2015-02/2015-10
    title: Listed first, sorts by id last
  - id: alpha-second
    date: 2015-02/2015-10
    title: Listed second, sorts by id first
  - id: shorter
    date: 2015-02/2015-03
    title: Same start, ends sooner
  - id: month-feb
    date: 2015-02
    title: February, ends sooner still
  - id: day-in-feb
    date: 2015-02-01
    title: The first of February
"""


def test_events_sort_by_start_then_end_then_the_briefings_order(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: ("events:\n", "events:\n" + SAME_SPAN)})
    corpus = corpus_of(root)
    ours = [e for e in corpus.events if e in {"zulu-first", "alpha-second", "shorter", "month-feb", "day-in-feb"}]
    assert ours == ["day-in-feb", "month-feb", "shorter", "zulu-first", "alpha-second"]
    in_briefing = [e.id for e in corpus.briefing_events["alpha-talks"]]
    assert in_briefing[:5] == ours, "a briefing's own list follows the same rule"


def test_the_shipped_2011_pair_reads_in_the_order_it_happened() -> None:
    # Both are dated Feb-Oct 2011; the no-show in Tunis followed the understanding, and the briefing lists it second.
    events = list(load_corpus(REPO).events)
    assert events.index("us-russia-libya-understanding-2011") < events.index("tunis-meeting-no-show-2011")


# The pictures as SVG -------------------------------------------------------------------------------------------

def event(id: str, when: str, title: str = "", briefing: str = "b") -> Event:
    return Event(id=id, date=parse_edtf(when), title=title or id, briefing=briefing)


def actor(id: str, name: str = "") -> Actor:
    return Actor(id=id, name=name or id.title(), kind="person")


def relation(a: str, b: str, kind: str, when: str | None = None) -> Relation:
    return Relation(between=[a, b], kind=kind, date=parse_edtf(when) if when else None, briefing="b")


def svg_of(markup: str) -> Node:
    root = parse_html(markup)
    return root.one("svg")


def test_the_same_corpus_draws_the_same_bytes(tmp_path: Path) -> None:
    first = render_site(corpus_of(make_project(tmp_path / "one")))
    second = render_site(corpus_of(make_project(tmp_path / "two")))
    pictures = [p for p, text in first.items() if "<svg" in text]
    assert {"events/index.md", "actors/index.md", "actors/vlad.md", "briefings/beta-holds.md"} <= set(pictures)
    assert all(first[p] == second[p] for p in pictures)


@pytest.mark.parametrize("directory_urls", [True, False])
def test_picture_links_are_the_final_urls_other_raw_html_uses(tmp_path: Path, directory_urls: bool) -> None:
    corpus = corpus_of(make_project(tmp_path))
    options = SiteOptions(use_directory_urls=directory_urls, split_threshold=1)  # events over several pages
    layout = Layout(corpus, options)
    checked = 0
    for path, text in render_site(corpus, options=options).items():
        if not path.endswith(".md"):  # the pages, not the stylesheets and scripts
            continue
        for svg in parse_html(text).find_all("svg"):
            for a in svg.find_all("a"):
                here = "http://site.invalid/" + layout.html_url("index.md", path)
                href = urljoin(here, a.get("href") or "")
                ids = [i for i in corpus.kind_of if urljoin(here, layout.html_url(path, *layout.target(i))) == href]
                assert ids or "#_relations" in href, f"{path}: {href} is no id's URL"
                checked += 1
    assert checked > 20


def test_a_timeline_marks_days_as_points_and_spans_as_bars_with_links_and_titles() -> None:
    events = [event("day", "2015-11-14", "A day"), event("month", "2015-11~", "A month, approximately"),
              event("span", "2016-02-15/2016-02-29?", "Two weeks, uncertain end")]
    svg = svg_of(render_timeline(events, lambda e: f"#{e.id}"))
    marks = {a.get("href"): a for a in svg.find_all("a")}
    assert set(marks) == {"#day", "#month", "#span"}
    assert marks["#day"].find("circle") is not None and marks["#month"].find("rect") is not None
    assert "bf-tl-approx" in marks["#month"].one("rect").classes
    assert "bf-tl-uncertain" in marks["#span"].one("rect").classes
    assert marks["#day"].one("title").text() == "14 Nov 2015: A day" == marks["#day"].get("aria-label")
    assert svg.get("aria-label") == "Timeline of 3 events, c. Nov 2015 to 29 Feb 2016?"


def test_timeline_labels_are_text_not_markup() -> None:
    markup = render_timeline([event("x", "2020-01-01", '<script>alert(1)</script> & "q"')], lambda e: "#x")
    assert "<script" not in markup and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;" in markup


def test_a_crowded_timeline_drops_labels_then_counts_events_per_period_and_says_so() -> None:
    events = [event(f"e{i}", f"{2000 + i // 10}-{i % 10 + 1:02d}-01") for i in range(200)]
    bare = svg_of(render_timeline(events[:60], lambda e: f"#{e.id}", labelled=40, max_marks=120))
    assert len(bare.find_all("a")) == 60 and not [a for a in bare.find_all("a") if a.find("text")]
    markup = render_timeline(events, lambda e: f"#{e.id}", labelled=40, max_marks=120)
    bars = svg_of(markup).find_all("a")
    assert len(bars) == 40, "a bar a half-year, not a mark per event"
    assert bars[0].get("aria-label") == "6 events from Jan 2000" and bars[0].get("href") == "#e0"
    assert "Too many events to draw one by one: each bar counts the events that start in its 6 months" in (
        parse_html(markup).one("figcaption").text())


def test_a_graph_draws_an_edge_per_relation_and_links_every_node() -> None:
    actors = {a.id: a for a in (actor("putin", "Vladimir Putin"), actor("assad"), actor("obama"), actor("shoigu"))}
    rels = [relation("putin", "assad", "support", "2015-11"), relation("assad", "putin", "basing agreement"),
            relation("putin", "obama", "rift", "2015-11-19")]
    markup = render_graph(actors["putin"], rels, [("shoigu", 3, 1), ("assad", 2, 0)], actors, lambda a: f"../{a}/",
                          lambda r: "../../briefings/b/#_relations")
    svg = svg_of(markup)
    edges = svg.find_all("path", cls="bf-gr-edge")
    assert len(edges) == 3
    assert len({e.get("d") for e in edges}) == 3, "two relations between one pair are drawn apart"
    kinds = {next(c for c in e.classes if c.startswith("bf-rel-")) for e in edges}
    assert len(kinds) == 3, "each kind its own colour"
    nodes = {a.get("href") for a in svg.find_all("a") if a.find("circle") is not None}
    assert nodes == {"../putin/", "../assad/", "../obama/", "../shoigu/"}
    assert svg.find_all("path", cls="bf-gr-co"), "the actor it appears with, lighter"
    labels = [t.text() for t in svg.find_all("text")]
    assert "support (Nov 2015)" in labels and "basing agreement" in labels


def test_the_actors_graph_keeps_the_most_connected_and_says_what_is_left_out() -> None:
    actors = [actor(f"a{i:02d}") for i in range(40)]
    rels = [relation("a00", f"a{i:02d}", "talks") for i in range(1, 40)] + [relation("a01", "a02", "rift")]
    markup = render_network(actors, rels, lambda a: f"{a}/", max_nodes=10)
    svg = svg_of(markup)
    assert len(svg.find_all("a")) == 10
    assert "Left out: 30 less connected actors and 30 pairs of related actors." in parse_html(markup).text()


def test_hostile_labels_in_pictures_read_as_written(tmp_path_factory: pytest.TempPathFactory) -> None:
    site = built_site(tmp_path_factory, HOSTILE, "--strict")[0]
    events = page(site, "events/").article.one("svg", cls="bf-timeline")
    assert [t.text() for t in events.find_all("title")] == ["1 Jan 2020: <script>alert(1)</script> event {{ 7*7 }}"]
    graph = page(site, "actors/evil/").article.one("svg", cls="bf-graph")
    assert "Evil {{ 7*7 }} Actor ↔ " in graph.find_all("title")[0].text()
    assert "<script>alert(1)</script> {{ 7*7 }} (2020)" in graph.find_all("title")[0].text()
    assert not graph.find_all("script") and not events.find_all("script")


def test_pictures_stay_out_of_the_search_index(tmp_path_factory: pytest.TempPathFactory) -> None:
    site = built_site(tmp_path_factory, MINI, "--strict")[0]
    assert "bf-timeline" in (site / "events" / "index.html").read_text(encoding="utf-8")
    docs = load_search_entries(site)
    assert not [d["location"] for d in docs if "Each mark links to its event" in d["text"]]


@pytest.mark.parametrize("dates", [["0001-01-01"], ["9999-12-31"], ["0001", "9999"], ["0001-01-01/9999-12-31"],
                                   [f"9999-12-{d:02d}" for d in range(1, 32)] * 6])
def test_timelines_draw_dates_at_the_ends_of_the_calendar(dates: list[str]) -> None:
    events = [event(f"e{i}", d) for i, d in enumerate(dates)]
    assert svg_of(render_timeline(events, lambda e: f"#{e.id}")).find_all("a")
