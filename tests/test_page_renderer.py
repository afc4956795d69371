"""The pages `mkdocs serve --dirty` renders after an edit, where only the pages that read what changed are
rendered again (incremental.PageRenderer), equal `render_site` on a corpus loaded afresh, page for page, after
any sequence of edits; and a load from the cache of an edit session reports a fresh load's errors and warnings,
where only the files an edit changed are parsed and checked again. This is the load and render steps alone, so
many sequences run in seconds; test_incremental.py checks the whole served site against a clean build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from corpuskit import ACTORS, ALPHA, BETA, MINI
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.corpus import load_corpus
from generator.errors import BriefingsError
from generator.incremental import PageRenderer, _runs
from generator.layout import SiteOptions
from generator.loader import ParseCache
from generator.render import render_site

# Each edit swaps two texts in a file, either way: applied twice, it is undone. Together they change every kind
# of thing a page shows: titles, dates (events and claims change pages), claims' texts, grades and links
# between them, who is in a briefing, tags, relations, aliases, drafts, a source text.
SWAPS: list[tuple[str, str, str]] = [
    (BETA, "title: Beta alliance holds", "title: Beta alliance still holds"),
    (ALPHA, "published: 2015-11-27~", "published: 2016-01-05"),
    (BETA, "date: 2016-02-15/2016-02-29", "date: 2015-11-20"),
    (BETA, "text: The deal held for weeks.", "text: The deal held for months, says [[ivanov]]."),
    (BETA, "    contradicts: [deal-fell-apart]\n", "    supports: [alpha-talks-2]\n"),
    (BETA, "supports: [deal-held]", "contradicts: [deal-fell-apart]"),
    (BETA, "  khamenei-test: Hosts the officials.\n", "  khamenei-test: Hosts the officials.\n  ivanov: Comments.\n"),
    (BETA, "text: Holds, per [[unshakeable]].", "text: Still holds, per [[deal-fell-apart]]."),
    (BETA, "actors:\n  vlad:", "tags: [talks, extra]\nactors:\n  vlad:"),
    (BETA, "title: Beta alliance", "draft: true\ntitle: Beta alliance"),
    (ALPHA, "title: Talks in Vienna", "title: Talks at Vienna"),
    (ALPHA, "    reliability: F\n", "    reliability: A\n"),
    (ALPHA, "    place: Vienna\n", "    place: '[[ruritania]]'\n"),
    (ACTORS, "aliases: [Владимир]", "aliases: [Владимир, Vova]"),
    (ACTORS, "name: Ruritania", "name: Ruritania Republic"),
    ("seeds/beta.txt", "\n", "\n\n"),
    # Errors in a file that did not change: its publication no longer a medium; its quote gone from its source.
    (ACTORS, "  kind: media\n", "  kind: person\n"),
    ("seeds/alpha.txt", "the deal fell apart", "the deal fell through"),
]


def _extra(n: int) -> str:
    return (f"title: Extra briefing {n}\nsource:\n  title: Extra {n}\n  publication: gazette\n  published: 2016-04\n"
            f"summary: Extra summary {n}, about [[vlad]].\nactors:\n  vlad: Speaks.\n"
            f"events:\n  - id: extra-{n}-e\n    date: 2016-0{1 + n % 9}-11\n    title: Extra event {n}\n"
            f"    actors: [vlad]\nclaims:\n  - text: Extra claim {n} about [[partnership-2016]].\n    by: vlad\n"
            f"    sourcing: named\n    supports: [deal-held]\n    events: [vienna-2015]\n")


EDITS = st.one_of(
    st.tuples(st.just("swap"), st.integers(0, len(SWAPS) - 1)),
    st.tuples(st.just("add"), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.integers(0, 2)),
    st.tuples(st.just("rename"), st.integers(0, 2)),
    st.tuples(st.just("break"), st.just(0)),
)


def apply(project: Path, edit: tuple[str, int], counter: list[int]) -> None:
    what, n = edit
    extras = sorted((project / "briefings").glob("extra-*.yml"))
    if what == "swap":
        rel, a, b = SWAPS[n]
        path = project / rel
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(a, b, 1) if a in text else text.replace(b, a, 1), encoding="utf-8")
    elif what == "add":
        counter[0] += 1
        (project / "briefings" / f"extra-{counter[0]}.yml").write_text(_extra(counter[0]), encoding="utf-8")
    elif what == "delete" and extras:
        extras[n % len(extras)].unlink()
    elif what == "rename" and extras:
        counter[0] += 1
        old = extras[n % len(extras)]
        old.rename(old.with_name(f"extra-{counter[0]}.yml"))
    elif what == "break":  # toggled: a broken file is not rendered, and the next render must catch up
        path = project / BETA
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"by: vladx?$", lambda m: "by: vlad" if m[0].endswith("x") else "by: vladx", text,
                               flags=re.M), encoding="utf-8")


OPTIONS = SiteOptions(split_threshold=2, actor_split_threshold=2)  # small: edits add and remove split pages


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(EDITS, min_size=1, max_size=6))
@example(edits=[("swap", i) for i in range(len(SWAPS))] + [("swap", len(SWAPS) - 2), ("swap", len(SWAPS) - 1)]
         + [("add", 0), ("add", 1), ("rename", 0), ("delete", 0)])
def test_incremental_render_equals_a_full_render_after_any_edits(tmp_path_factory, edits) -> None:  # type: ignore[no-untyped-def]
    project = tmp_path_factory.mktemp("pages") / "project"
    shutil.copytree(MINI, project)
    cache: ParseCache = {}
    renderer, counter = PageRenderer(run=2), [0]  # corpus.json cached by runs of two records: edits cut and join them
    renderer.render(load_corpus(project, include_drafts=True, cache=cache), None, OPTIONS)
    for step, edit in enumerate(edits):
        apply(project, edit, counter)
        try:
            corpus = load_corpus(project, include_drafts=True, cache=cache)
        except BriefingsError as e:  # a broken save: nothing is rendered, and the errors are a fresh load's
            with pytest.raises(BriefingsError) as fresh:
                load_corpus(project, include_drafts=True)
            assert list(map(str, e.errors)) == list(map(str, fresh.value.errors)), edits[: step + 1]
            continue
        fresh_corpus = load_corpus(project, include_drafts=True)
        assert list(map(str, corpus.warnings)) == list(map(str, fresh_corpus.warnings)), edits[: step + 1]
        pages = renderer.render(corpus, None, OPTIONS)
        clean = render_site(fresh_corpus, None, OPTIONS)
        assert sorted(pages) == sorted(clean), edits[: step + 1]
        wrong = [path for path in clean if pages[path] != clean[path]]
        assert not wrong, (edits[: step + 1], wrong)


def test_an_edit_renders_only_the_pages_that_read_what_changed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(MINI, project)
    cache: ParseCache = {}
    renderer = PageRenderer()
    first = renderer.render(load_corpus(project, cache=cache), None, OPTIONS)
    assert renderer.rendered == list(first)
    renderer.render(load_corpus(project, cache=cache), None, OPTIONS)
    assert renderer.rendered == [], "nothing changed, nothing rendered"
    apply(project, ("swap", 0), [0])  # beta-holds' title
    pages = renderer.render(load_corpus(project, cache=cache), None, OPTIONS)
    assert "Beta alliance still holds" in pages["briefings/beta-holds.md"]
    assert "briefings/beta-holds.md" in renderer.rendered
    # Pages that show nothing of beta-holds (the fixture is small and closely linked: few do).
    for path in ("sources/alpha-talks.md", "actors/ivanov.md", "briefings/by-year/2015.md", "tags/talks.md"):
        assert path not in renderer.rendered
    assert pages == render_site(load_corpus(project), None, OPTIONS)


def test_an_edit_remakes_the_run_of_corpus_json_it_falls_in_and_at_most_the_next() -> None:
    records = [object() for _ in range(3000)]
    before = _runs(records, 16)
    assert [r for run in before for r in run] == records
    assert 3000 / 16 / 2 < len(before) < 3000 / 16 * 2  # runs of about the size asked
    edits = {"replace": lambda i: [*records[:i], object(), *records[i + 1:]],
             "insert": lambda i: [*records[:i], object(), *records[i:]],
             "delete": lambda i: [*records[:i], *records[i + 1:]]}
    kept = {tuple(map(id, run)) for run in before}
    for what, edit in edits.items():
        for i in (0, 1234, 2999):
            after = {tuple(map(id, run)) for run in _runs(edit(i), 16)}
            assert len(kept - after) <= 2, (what, i)


def test_corpus_json_is_remade_only_in_the_runs_of_records_an_edit_changed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(MINI, project)
    cache: ParseCache = {}
    renderer = PageRenderer(run=2)
    renderer.render(load_corpus(project, cache=cache), None, OPTIONS)
    made = dict(renderer.runs)
    # A save that changes no value (a comment): nothing is rendered, and the runs are kept for the next edit.
    actors = project / ACTORS
    actors.write_text(actors.read_text(encoding="utf-8") + "# checked\n", encoding="utf-8")
    renderer.render(load_corpus(project, cache=cache), None, OPTIONS)
    assert renderer.rendered == []
    assert renderer.runs == made
    apply(project, ("swap", 0), [0])  # beta-holds' title: alpha-talks' records are the same objects
    pages = renderer.render(load_corpus(project, cache=cache), None, OPTIONS)
    assert "data/corpus.json" in renderer.rendered
    kept = [key for key, run in renderer.runs.items() if made.get(key) is run]
    assert kept and len(kept) < len(renderer.runs)
    assert pages == render_site(load_corpus(project), None, OPTIONS)
