"""Issue 13 without a browser: the order of events, and the pictures' SVG (deterministic, escaped, linked)."""

from __future__ import annotations

from pathlib import Path

from corpuskit import ALPHA, corpus_of, make_project

from generator.corpus import load_corpus

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
