"""Incremental rebuilds (`mkdocs serve --dirty`, what `make serve` runs): after any sequence of edits the served
site equals a clean build's, byte for byte, apart from the build date in the sitemap. The edits go through the
same build path serve uses (MkDocs' `build(config, dirty=True)`, one plugin instance and one site folder kept
across builds); the clean build runs in its own process, as the first build of a plain `mkdocs serve`."""

from __future__ import annotations

import gc
import gzip
import re
import shutil
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from sitekit import ENV, split_project

from generator.incremental import IdleCollector, TemplateCache

PACKAGE_TEMPLATES = Path(__file__).resolve().parents[1] / "generator" / "templates"

SERVE_URL = "http://127.0.0.1:8000/"
BETA = "briefings/beta-holds.yml"
ALPHA = "briefings/2015/alpha-talks.yml"
ACTORS = "briefings/actors.yml"

CLEAN = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(config_file=sys.argv[1], site_dir=sys.argv[2])
config.site_url = sys.argv[3]
config.plugins.on_startup(command="serve", dirty=False)
build(config, serve_url=sys.argv[3], dirty=False)
"""


def serve_build(project: Path, site: Path, first: bool = False) -> MkDocsConfig:
    """One build as `mkdocs serve --dirty` runs it: a fresh config each time, the plugins kept."""
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    config.site_url = SERVE_URL
    if first:
        config.plugins.on_startup(command="serve", dirty=True)
    build(config, serve_url=SERVE_URL, dirty=True)
    return config


def clean_build(project: Path, site: Path) -> None:
    r = subprocess.run([sys.executable, "-c", CLEAN, str(project / "mkdocs.yml"), str(site), SERVE_URL],
                       cwd=project, env=ENV, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]


def _unstamped(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name == "sitemap.xml.gz":
        data = gzip.decompress(data)
    if path.name.startswith("sitemap.xml"):
        data = re.sub(rb"<lastmod>[^<]*</lastmod>", b"", data)
    return data


def differences(served: Path, clean: Path) -> list[str]:
    a = {p.relative_to(served).as_posix() for p in served.rglob("*") if p.is_file()}
    b = {p.relative_to(clean).as_posix() for p in clean.rglob("*") if p.is_file()}
    out = [f"only served: {p}" for p in sorted(a - b)] + [f"only clean: {p}" for p in sorted(b - a)]
    out += [f"differs: {p}" for p in sorted(a & b) if _unstamped(served / p) != _unstamped(clean / p)]
    return out


def _new_briefing(n: int, events: int) -> str:
    evs = "".join(f"  - id: extra-{n}-e{i}\n    date: 2016-0{1 + i % 9}-1{i % 10}\n    title: Extra event {i}\n"
                  f"    actors: [vlad]\n" for i in range(events))
    return (f"title: Extra briefing {n}\nsource:\n  title: Extra {n}\n  publication: gazette\n  published: 2016-04\n"
            f"summary: Extra summary {n}, about [[vlad]].\nactors:\n  vlad: Speaks.\n"
            + (f"events:\n{evs}" if events else "")
            + f"claims:\n  - text: Extra claim {n}.\n    by: vlad\n    sourcing: named\n")


# One edit: (what, argument). Each keeps the corpus valid except `break`, which a later `fix` (or the end of
# the sequence) repairs: the served site must then catch up with it.
EDITS = st.one_of(
    st.tuples(st.just("title"), st.text("abcxyz ", min_size=1, max_size=8)),
    st.tuples(st.just("add"), st.integers(0, 3)),
    st.tuples(st.just("delete"), st.integers(0, 3)),
    st.tuples(st.just("rename"), st.integers(0, 3)),
    st.tuples(st.just("alias"), st.text("abcxyz", min_size=1, max_size=6)),
    st.tuples(st.just("event-id"), st.sampled_from(["partnership-2016", "partnership-renamed"])),
    # One field of one record in a briefing, the others parsed anew as they were.
    st.tuples(st.just("record"), st.tuples(st.sampled_from(["    title: Partnership", "    text: The partnership is",
                                                            "    text: Holds, per"]), st.text("abc", max_size=3))),
    st.tuples(st.just("break"), st.sampled_from([BETA, ALPHA])),
    st.tuples(st.just("template"), st.text("abc", max_size=3)),
    st.tuples(st.just("seed"), st.text("abc ", min_size=1, max_size=5)),
    st.tuples(st.just("doc"), st.text("abc", max_size=3)),
    st.tuples(st.just("nothing"), st.just(0)),
    st.tuples(st.just("fix"), st.just(0)),
)


def apply(project: Path, edit: tuple[str, object], original: dict[str, str], counter: list[int]) -> None:
    what, arg = edit
    extras = sorted((project / "briefings").glob("extra-*.yml"))
    if what == "title":
        path = project / BETA
        path.write_text(re.sub(r"^title: .*$", f"title: Beta {arg}".rstrip(), path.read_text(), count=1,
                               flags=re.M))
    elif what == "add":
        counter[0] += 1
        (project / "briefings" / f"extra-{counter[0]}.yml").write_text(_new_briefing(counter[0], int(arg)))  # type: ignore[call-overload]
    elif what == "delete" and extras:
        extras[int(arg) % len(extras)].unlink()  # type: ignore[call-overload]
    elif what == "rename" and extras:  # a briefing's id is its file name
        counter[0] += 1
        old = extras[int(arg) % len(extras)]  # type: ignore[call-overload]
        old.rename(old.with_name(f"extra-{counter[0]}.yml"))
    elif what == "alias":
        path = project / ACTORS
        path.write_text(path.read_text().replace("aliases: [Владимир]", f"aliases: [Владимир, {arg}]"))
    elif what == "event-id":
        path = project / BETA
        text = path.read_text()
        path.write_text(text.replace("partnership-2016", str(arg)) if "partnership-2016" in text
                        else text.replace("partnership-renamed", str(arg)))
    elif what == "record":
        start, word = arg  # type: ignore[misc]
        path = project / BETA
        path.write_text(re.sub(rf"^{start}[a-z]*", f"{start}{word}", path.read_text(), count=1, flags=re.M))
    elif what == "template":  # the project's override of one template: added, changed, or (empty) removed
        override = project / "templates" / "briefing.html.j2"
        if arg:
            override.parent.mkdir(exist_ok=True)
            override.write_text((PACKAGE_TEMPLATES / "briefing.html.j2").read_text() + f"\nOverridden {arg}\n")
        else:
            override.unlink(missing_ok=True)
    elif what == "seed":  # a source text: its page changes, the quotes are still found
        path = project / "seeds" / "beta.txt"
        path.write_text(path.read_text() + f"\n{arg}\n")
    elif what == "doc":  # a page of docs/: added, changed, or (empty) removed
        page = project / "docs" / "notes.md"
        if arg:
            page.write_text(f"# Notes {arg}\n\nSee [the briefings](briefings/index.md).\n")
        else:
            page.unlink(missing_ok=True)
    elif what == "break":
        path = project / str(arg)
        # Idempotent, so that a second break before a fix leaves what one fix repairs.
        path.write_text(re.sub(r"by: (vlad|ivanov)$", r"by: \g<1>x", path.read_text(), flags=re.M))
    elif what == "fix":
        for rel in original:
            current = (project / rel).read_text()
            (project / rel).write_text(re.sub(r"by: (vlad|ivanov)x$", r"by: \g<1>", current, flags=re.M))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(EDITS, min_size=1, max_size=4))
@example(edits=[("add", 3), ("title", "x y"), ("template", "a"), ("rename", 0), ("alias", "q"), ("add", 0),
                ("event-id", "partnership-renamed"), ("break", BETA), ("fix", 0), ("template", ""), ("delete", 1),
                ("seed", "b"), ("doc", "a"), ("nothing", 0), ("doc", ""), ("nothing", 0)])
@example(edits=[("record", ("    title: Partnership", "b")), ("record", ("    text: The partnership is", "a")),
                ("record", ("    text: Holds, per", "c")), ("title", "y"), ("record", ("    title: Partnership", ""))])
def test_served_site_equals_a_clean_build_after_any_edits(edits: list[tuple[str, object]]) -> None:
    with tempfile.TemporaryDirectory(prefix="briefings-incremental-") as tmp:
        base = Path(tmp)
        # Small split thresholds: added and deleted events also add and remove split pages.
        project = split_project(base / "project")
        cfg = project / "mkdocs.yml"
        cfg.write_text(cfg.read_text().replace("split_threshold: 1, actor_split_threshold: 1",
                                               "split_threshold: 2, actor_split_threshold: 2"))
        original = {rel: (project / rel).read_text() for rel in (BETA, ALPHA)}
        served, counter = base / "served", [0]
        serve_build(project, served, first=True)
        try:
            for edit in [*edits, ("fix", 0)]:
                apply(project, edit, original, counter)
                serve_build(project, served)
            clean_build(project, base / "clean")
            assert differences(served, base / "clean") == [], edits
        finally:
            load_config(config_file=str(cfg)).plugins.on_shutdown()


def test_a_dirty_rebuild_rebuilds_only_the_pages_that_changed(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    project = split_project(tmp_path / "project")
    served = tmp_path / "served"
    serve_build(project, served, first=True)
    try:
        page = served / "briefings" / "beta-holds" / "index.html"
        untouched = served / "actors" / "ivanov" / "index.html"  # shows nothing of beta-holds
        before = untouched.stat().st_mtime_ns
        path = project / BETA
        path.write_text(path.read_text().replace("title: Beta alliance holds", "title: Beta alliance still holds"))
        caplog.clear()
        with caplog.at_level("INFO"):
            serve_build(project, served)
        assert "Beta alliance still holds" in page.read_text()
        assert untouched.stat().st_mtime_ns == before, "a page the edit does not touch was rebuilt"
        said = re.search(r"briefings: (\d+) of (\d+) pages rebuilt \(incremental; (\d+) rendered", caplog.text)
        assert said, caplog.text
        assert 0 < int(said[1]) < int(said[2]) / 2, said[0]
        assert 0 < int(said[3]) < int(said[2]), "the templates ran for every page, not only the edit's"
        assert "still holds" in (served / "search" / "search_index.json").read_text()
        caplog.clear()
        with caplog.at_level("INFO"):
            config = serve_build(project, served)  # nothing changed (the watcher fired twice): nothing rendered
        assert "briefings: 0 of " in caplog.text
        assert config.plugins["briefings"].timings["render"] == 0.0  # type: ignore[attr-defined]
        path.write_text(path.read_text().replace("by: vlad", "by: vladd"))  # a broken save
        caplog.clear()
        with caplog.at_level("INFO"):
            serve_build(project, served)
        assert "This preview is stale" in page.read_text(), "the broken file's page says the preview is stale"
        assert "This preview is stale" in (served / "index.html").read_text()
        assert untouched.stat().st_mtime_ns == before, "a broken save rebuilt pages it does not concern"
        said = re.search(r"briefings: (\d+) of (\d+) pages rebuilt", caplog.text)
        assert said and int(said[1]) < int(said[2]) / 2, caplog.text
    finally:
        load_config(config_file=str(project / "mkdocs.yml")).plugins.on_shutdown()
    shutil.rmtree(served)


def test_the_pages_of_a_rebuild_that_failed_are_built_by_the_next(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A rebuild can fail after the edit's pages were rendered (a full disk while writing): the next rebuild, with
    nothing edited since, still writes them, and the served site equals a clean build."""
    import mkdocs.commands.build as mkdocs_build

    project = split_project(tmp_path / "project")
    served, clean = tmp_path / "served", tmp_path / "clean"
    serve_build(project, served, first=True)
    try:
        path = project / BETA
        path.write_text(path.read_text().replace("title: Beta alliance holds", "title: Beta alliance still holds"))

        def disk_full(*args: object, **kwargs: object) -> None:
            raise OSError(28, "No space left on device")

        with monkeypatch.context() as m:
            m.setattr(mkdocs_build, "_build_page", disk_full)
            with pytest.raises(OSError):  # MkDocs reports it; `mkdocs serve` carries on
                serve_build(project, served)
        assert "still holds" not in (served / "briefings" / "beta-holds" / "index.html").read_text()
        serve_build(project, served)
        assert "still holds" in (served / "briefings" / "beta-holds" / "index.html").read_text()
        clean_build(project, clean)
        assert differences(served, clean) == []
    finally:
        load_config(config_file=str(project / "mkdocs.yml")).plugins.on_shutdown()


def test_parsed_files_are_reused_only_while_their_bytes_are_the_same(tmp_path: Path) -> None:
    from generator.corpus import load_corpus
    from generator.errors import BriefingsError
    from generator.loader import ParseCache

    project = split_project(tmp_path / "project")
    cache: ParseCache = {}

    def errors(use_cache: bool) -> list[str]:
        try:
            load_corpus(project, cache=cache if use_cache else None)
        except BriefingsError as e:
            return [str(err) for err in e.errors]
        return []

    assert errors(True) == [] and len(cache) == 3  # the registry and two briefings
    beta = project / BETA
    good = beta.read_text()
    beta.write_text(good.replace("by: vlad", "by: vladd"))
    fresh = errors(False)
    assert fresh and errors(True) == fresh and errors(True) == fresh  # parsed anew, then reused: same errors
    beta.write_text(good.replace("title: Beta alliance holds", "title: Beta alliance still holds"))
    assert errors(True) == []
    assert load_corpus(project, cache=cache).briefings["beta-holds"].title == "Beta alliance still holds"


def _until(predicate: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return predicate()


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_under_serve_the_collector_runs_between_builds_not_during_them() -> None:
    collector = IdleCollector(delay=0.05, idle=60)
    try:
        collector.resume_later()  # the first build, made with the collector on
        assert gc.get_freeze_count() > 0, "what it made is frozen at once: later collections skip it"
        gc.unfreeze()
        collector.pause()
        assert not gc.isenabled(), "off while a build runs"
        collector.resume_later()
        assert not gc.isenabled(), "not at once: the reader first gets the page"
        assert _until(gc.isenabled), "on again once the build is over"
        assert gc.get_freeze_count() > 0, "what survived the build is frozen"
        collector.pause()
        collector.resume_later()
        collector.pause()  # the next build began before the collection
        time.sleep(0.2)
        assert not gc.isenabled(), "a build that has begun is not interrupted"
    finally:
        collector.close()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0, "the session ends: nothing left frozen"


def test_under_serve_a_build_that_fails_after_it_ended_leaves_the_collector_on() -> None:
    """on_post_build says the build ended, then fails (a full disk while the search index is written), and
    on_build_error says it again: the collector must still come back on."""
    collector = IdleCollector(delay=0.05, idle=60)
    try:
        collector.pause()
        collector.resume_later()
        collector.resume_later()
        assert _until(gc.isenabled), "on again after the build, however often its end is said"
    finally:
        collector.close()


def test_under_serve_a_long_run_of_edits_frees_frozen_garbage_without_a_pause() -> None:
    """An analyst who saves every few seconds for an hour never leaves the session idle: once the frozen objects
    have grown by a quarter, a full collection frees what the edits replaced."""
    collector = IdleCollector(delay=0.05, idle=3600)
    try:
        collector.resume_later()  # the first build: everything so far frozen
        base = gc.get_freeze_count()
        page = _Node()
        kept = weakref.ref(page)
        collector.pause()
        collector.resume_later()
        assert _until(gc.isenabled), "the young collection has run: `page`, alive, is frozen"
        del page  # replaced by the next edit
        collector.pause()
        grown = [_Node() for _ in range(base // 3 + 1000)]  # what the next rebuilds keep, frozen in turn
        collector.resume_later()
        assert _until(lambda: kept() is None), "freed by a full collection, with no idle pause"
        assert len(grown) > base // 3
    finally:
        collector.close()


def test_under_serve_garbage_among_frozen_objects_is_freed_once_idle() -> None:
    """What a rebuild replaces (MkDocs' page of the edited briefing: a cycle with its file) was frozen after the
    build that made it; left frozen, a long session would keep every edit's."""
    collector = IdleCollector(delay=0.05, idle=0.6)
    try:
        collector.pause()
        page = _Node()
        kept = weakref.ref(page)
        collector.resume_later()
        assert _until(gc.isenabled), "the young collection has run: `page`, alive, is frozen"
        del page  # the next edit replaces it, before the session has been idle
        collector.pause()
        collector.resume_later()
        time.sleep(0.3)
        assert kept() is not None, "frozen: the young collections leave it"
        assert _until(lambda: kept() is None), "the full collection, once idle, frees it"
    finally:
        collector.close()


def test_the_theme_is_compiled_once_per_serve_session_and_again_once_edited(tmp_path: Path) -> None:
    """MkDocs makes a new Jinja environment for every build; the plugin gives each the session's compiled code."""
    cache, compiled = TemplateCache(), []

    class Env(jinja2.Environment):
        def _compile(self, source: str, filename: str) -> Any:
            compiled.append(filename)
            return super()._compile(source, filename)

    def render() -> str:
        return Env(loader=jinja2.FileSystemLoader(tmp_path), bytecode_cache=cache).get_template("t.html").render(x=1)

    (tmp_path / "t.html").write_text("one {{ x }}")
    assert render() == render() == "one 1"
    assert len(compiled) == 1, "compiled once"
    (tmp_path / "t.html").write_text("two {{ x }}")
    assert render() == "two 1", "an edited template is compiled anew"
    assert len(compiled) == 2


def test_each_change_of_a_watched_file_reaches_mkdocs_once(tmp_path: Path) -> None:
    """Under `mkdocs serve` a briefing is watched by MkDocs' polling and by a native observer (watching.py): one
    save, one rebuild, whichever observer reports it first; a build reading the files triggers none."""
    from watchdog.events import (
        FileClosedNoWriteEvent,
        FileModifiedEvent,
        FileMovedEvent,
        FileOpenedEvent,
        FileSystemEventHandler,
    )

    from generator.watching import OnceHandler

    passed: list[str] = []

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: Any) -> None:
            passed.append(event.src_path)

    old = tmp_path / "old.yml"
    old.write_text("title: Old\n")
    once = OnceHandler(Handler(), str(tmp_path))
    once.dispatch(FileModifiedEvent(str(old)))
    assert passed == [], "a file as it was when watching began is no change"
    once.dispatch(FileOpenedEvent(str(old)))
    once.dispatch(FileClosedNoWriteEvent(str(old)))
    assert passed == [], "a build reading a file is no change"
    briefing = tmp_path / "b.yml"
    briefing.write_text("title: One\n")
    once.dispatch(FileModifiedEvent(str(briefing)))  # the native observer, at once
    once.dispatch(FileModifiedEvent(str(briefing)))  # MkDocs' polling, up to half a second later
    assert passed == [str(briefing)]
    time.sleep(0.01)
    briefing.write_text("title: Two, longer\n")
    once.dispatch(FileModifiedEvent(str(briefing)))
    assert passed == [str(briefing)] * 2, "the next save is news"
    saved = tmp_path / ".b.yml.tmp"  # an editor's atomic save: a new file moved over the old one
    saved.write_text("title: Three\n")
    saved.replace(briefing)
    once.dispatch(FileMovedEvent(str(saved), str(briefing)))
    once.dispatch(FileModifiedEvent(str(briefing)))
    assert passed == [str(briefing)] * 2 + [str(saved)]


def test_without_native_file_events_the_polling_still_reports_changes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Where the native observer cannot start (an inotify limit reached, an unsupported file system), MkDocs'
    polling observer still gets the handler: live reload keeps working, half a second slower."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers.polling import PollingObserver

    from generator import watching

    class NoNative:
        def __init__(self) -> None:
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watching, "Observer", NoNative)
    passed: list[str] = []

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: Any) -> None:
            passed.append(event.src_path)

    polling = PollingObserver(timeout=0.1)
    native = watching.NativeWatch()
    assert native.watch(polling, Handler(), str(tmp_path)) is not None
    assert native.native is None
    polling.start()
    try:
        time.sleep(0.3)
        (tmp_path / "b.yml").write_text("title: New\n")
        end = time.monotonic() + 10
        while not passed and time.monotonic() < end:
            time.sleep(0.05)
    finally:
        polling.stop()
        polling.join()
        native.close()
    assert passed and set(passed) == {str(tmp_path / "b.yml")}, passed
