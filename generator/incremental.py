"""Incremental rebuilds under `mkdocs serve --dirty`: what the plugin keeps between two builds of one serve
session so that an edit rebuilds only the pages whose text changed, and the served site still equals a clean
build's. No MkDocs import here (plugin.py is the adapter).

PageRenderer renders again only the pages that read what an edit changed (what a page reads is recorded:
recording.py). MkDocs' dirty mode then rebuilds only the pages it is told changed: generated pages get a real
source file in a cache folder outside docs/, rewritten only when the page's text changed; outputs of pages that
are gone are deleted; and the search index, which Material merges as if one page had changed, is
rewritten from each page's own entries."""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import itertools
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import jinja2.bccache

from .corpus import Corpus
from .layout import ActorPeriod, DisputeGroup, Layout, PageSpec, SiteOptions
from .model import Actor, Briefing, Claim, Event, Located
from .recording import EVERY, SINK, Key, RecordingDict, RecordingList
from .render import Renderer


class PageCache:
    """The generated pages of the previous build, as files MkDocs reads, and which of them are still to be built.
    MkDocs' dirty mode compares each file's time with its output's (33,000 stat calls an edit at a thousand
    briefings); the plugin knows which pages changed, so it answers for its own files (`pending`)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="briefings-pages-"))  # per serve session, never in docs/
        self.root = str(self.dir)
        self.texts: dict[str, str] = {}
        self.pending: set[str] = set()  # changed since the last build that ended: a failed build leaves them here

    def source(self, path: str) -> str:
        return os.path.join(self.root, path)

    def update(self, pages: dict[str, str]) -> list[str]:
        """Write the pages whose text changed (or that are new), delete those that are gone; the changed."""
        changed = [path for path, text in pages.items() if self.texts.get(path) != text]
        for path in self.texts.keys() - pages.keys():
            (self.dir / path).unlink(missing_ok=True)
        for path in changed:
            target = self.dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            # The bytes MkDocs would have had; encoded whole, at half the time of a text file's writes in chunks
            # (corpus.json: 40 MB at 3,000 briefings).
            target.write_bytes(pages[path].encode("utf-8"))
        self.texts = dict(pages)
        self.pending = (self.pending & pages.keys()) | set(changed)
        return changed

    def built(self) -> None:
        """MkDocs has written every pending page."""
        self.pending = set()

    def forget(self) -> None:
        """Every page counts as changed at the next build (the configuration changed, or the site was cleared)."""
        self.texts = {}

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class TemplateCache(jinja2.BytecodeCache):
    """The theme's templates, compiled once per serve session: MkDocs makes a new Jinja environment for every
    build, which compiled Material's 37 templates again at each edit (0.2-0.5 s). Jinja checks each template's
    source against the checksum stored with its code, so an edited template is compiled anew."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


class IdleCollector:
    """Under `mkdocs serve --dirty`, the cycle collector waits until the reader has the rebuilt page, and then walks
    only what the rebuild made. A serve session holds a large heap (the corpus, every page, MkDocs' objects), and
    each rebuild allocated enough to set off a full collection over all of it in the middle of the rebuild: 0.5-1.3 s
    of a 5 s edit at 1,000 briefings. So the collector is off while a rebuild runs; `delay` seconds after it, it
    collects and freezes what survives (`gc.freeze`), which later collections skip: 0.1-0.25 s at 1,000 briefings
    instead of 0.5 s, which an analyst's next save had to wait for. A garbage cycle among frozen objects is kept
    (the MkDocs pages an edit replaces: 600-800 objects an edit), so a full collection frees those too once no
    build has run for `idle` seconds, or at once when the frozen objects have grown by a quarter since the last
    full collection (a long run of edits; CPython's own rule for a full collection). A build that has begun is not
    interrupted by any of them; the session's first build runs with the collector on."""

    def __init__(self, delay: float = 0.3, idle: float = 30.0) -> None:
        self.delay, self.idle = delay, idle
        self.timer: threading.Timer | None = None
        self.building, self.froze = False, False
        self.frozen = 0  # objects frozen after the last full collection
        self.lock = threading.Lock()  # a collection that was due as a build began waits, and then gives way

    def pause(self) -> None:
        """A build begins."""
        with self.lock:
            self.building = True
            self._cancel()
            gc.disable()

    def resume_later(self) -> None:
        """A build has ended (or failed; then it may be said twice: on_post_build, then on_build_error)."""
        with self.lock:
            self.building = False
            if not gc.isenabled():
                self._schedule(self.delay, self._collect_young)
                return
            # A build made with the collector on (the session's first): what it made is frozen at once. A first
            # collection of it all (1.4 s at 3,000 briefings) is what the analyst's first save would wait for.
            self._freeze()
            self._schedule(self.idle, self._collect_all)

    def close(self) -> None:
        """The session ends: the collector as it was."""
        with self.lock:
            self.building = True
            self._cancel()
            if self.froze:  # else what is frozen is `mkdocs build`'s, left to the end of the process
                gc.unfreeze()
                self.froze, self.frozen = False, 0
            gc.enable()

    def _schedule(self, seconds: float, collect: Callable[[], None]) -> None:
        self._cancel()
        self.timer = threading.Timer(seconds, collect)
        self.timer.daemon = True
        self.timer.start()

    def _cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _freeze(self) -> None:
        gc.freeze()
        self.froze = True
        if not self.frozen:
            self.frozen = gc.get_freeze_count()

    def _collect_young(self) -> None:
        with self.lock:
            if self.building:
                return
            gc.collect()
            self._freeze()
            gc.enable()
            if gc.get_freeze_count() > self.frozen * 5 // 4:
                self._collect_all_now()
            else:
                self._schedule(max(self.idle - self.delay, 0.0), self._collect_all)

    def _collect_all(self) -> None:
        with self.lock:
            if not self.building:
                self._collect_all_now()

    def _collect_all_now(self) -> None:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.frozen = gc.get_freeze_count()
        gc.enable()


INDEX_PAGES = ("index.md", "briefings/index.md", "actors/index.md", "events/index.md", "claims/index.md")


def stale_pages(error_files: Iterable[str], pages: Iterable[str]) -> set[str]:
    """The pages that carry the stale banner while the input has errors: the home page, the section indexes and
    the pages of the files with errors. On every page, a broken save would rebuild the whole site, and the fix
    again (two full builds, minutes at a thousand briefings)."""
    wanted = set(INDEX_PAGES)
    for file in error_files:
        stem = PurePosixPath(file).stem
        wanted |= {f"briefings/{stem}.md", f"sources/{stem}.md"}
    return wanted & set(pages)


def prune_outputs(before: set[str], now: set[str], site_dir: str) -> int:
    """Delete the outputs of files that were in the previous build and are not in this one (a deleted or
    renamed briefing, a page no longer split), and the folders they leave empty; how many."""
    root = Path(site_dir).resolve()
    gone = 0
    for output in sorted(before - now):
        path = Path(output)
        if not path.resolve().is_relative_to(root):
            continue
        if path.is_file():
            path.unlink()
            gone += 1
        parent = path.parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return gone


def clear_dir(site_dir: str) -> None:
    """Empty the site folder (what MkDocs does before a clean build), keeping the folder itself."""
    for entry in Path(site_dir).iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def fingerprint(path: str | None) -> str:
    """Of the configuration file: when it changes, every page may change (nav, theme, site name)."""
    if not path:
        return ""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def inputs_digest(folders: list[Path], files: list[Path]) -> str:
    """Of everything the generated pages are made from: every file below `folders` (the briefings, the template
    overrides) and `files` (the source texts), path and bytes. The same digest, the same pages."""
    h = hashlib.sha256()
    paths = [p for folder in folders if folder.is_dir() for p in sorted(folder.rglob("*")) if p.is_file()]
    for path in [*paths, *sorted(set(files))]:
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0unreadable"
        h.update(f"{path}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


class SearchEntries:
    """Each page's search entries, kept across builds, so the index written after a dirty build holds every
    page's current entries in the order a clean build writes them. Kept serialised: the index of a thousand
    briefings is 15 MB of JSON, and only the rebuilt pages' part changes."""

    def __init__(self) -> None:
        self.by_page: dict[str, str] = {}
        self.order: list[str] = []
        self.seen = 0

    def start(self, order: list[str]) -> None:
        """A build begins: `order`, the pages in the order MkDocs renders them."""
        self.order, self.seen = order, 0
        self.by_page = {page: self.by_page[page] for page in order if page in self.by_page}

    def note(self, page: str, entries: list[dict[str, Any]]) -> None:
        """`entries`: the search plugin's whole list so far; those past the last call belong to `page`."""
        # Serialised as the search plugin does; a list's items joined by "," are the list without its brackets.
        self.by_page[page] = json.dumps(entries[self.seen:], separators=(",", ":"), default=str)[1:-1]
        self.seen = len(entries)

    def rewrite(self, index: Path) -> None:
        """Replace the docs of the written index (`{"config":{...},"docs":[...]}`), keeping its config."""
        if not index.is_file():
            return
        text = index.read_text(encoding="utf-8")
        head = '{"config":'
        if not text.startswith(head):
            return
        _, end = json.JSONDecoder().raw_decode(text, len(head))
        docs = ",".join(part for page in self.order if (part := self.by_page.get(page)))
        index.write_bytes(f'{text[:end]},"docs":[{docs}]}}'.encode())


class PageRenderer:
    """Renders the pages of one serve session, each only when something it read last time changed.

    A full render records, per page, every lookup in the corpus and the layout (recording.py), and a signature
    of what the page's template gets (its records by id, other values as they are). The next render compares
    the new corpus with the previous one collection by collection (the model's records compare by identity,
    and an unchanged file's records are the very objects of the last build: loader.ParseCache), and renders
    again only the pages that are new, whose signature changed, or that read a key that changed. Anything
    that could change every page (the templates, the options, a split of the site's sections, a source text
    under unchanged YAML) renders everything."""

    def __init__(self, run: int = 64) -> None:
        self.run = run  # records in a run of corpus.json, on average (_runs)
        self.texts: dict[str, str] = {}
        self.reads: dict[str, frozenset[Key]] = {}
        self.signatures: dict[str, Any] = {}
        self.specs: dict[str, PageSpec] = {}  # what each signature was taken of; its objects are kept alive with it
        # The last render's renderer, collections, shape and sources; kept alive, as the shape names the renderer's
        # templates by id (_shape).
        self.previous: tuple[Renderer, dict[str, Any], Any, dict[str, Any]] | None = None
        self.rendered: list[str] = []  # the pages the last render rendered
        self.markdown: set[str] = set()  # the pages a project's Markdown templates make (render.Renderer)
        self.notices: list[str] = []
        # corpus.json, by runs of records (_runs), each under the id of its last record.
        self.runs: dict[int, Run] = {}

    def render(self, corpus: Corpus, overrides: Path | None, options: SiteOptions) -> dict[str, str]:
        """Every page's text, as render_site gives it. Raises BriefingsError on template errors (and then
        keeps the previous state)."""
        # The layout and its list of pages are made before the corpus records: nothing is recorded while they are
        # made, and each lookup in a recording collection is a Python call.
        renderer = Renderer(corpus, overrides, options)
        specs = renderer.pages()
        watched = _watch_corpus(corpus)
        watched |= _watch_layout(renderer.layout)
        watched["counts"] = renderer.common["counts"] = RecordingDict("counts", corpus.counts())
        shape, sources = _shape(renderer), _sources(corpus)
        changed = self._changed(watched, shape, sources)
        runs: dict[int, Run] = {}
        renderer.join = functools.partial(self._join, changed, runs)
        texts: dict[str, str] = {}
        reads: dict[str, frozenset[Key]] = {}
        signatures: dict[str, Any] = {}
        kept: dict[str, PageSpec] = {}
        rendered = []
        shared: dict[int, tuple[Any, set[Key]]] = {}
        for spec in specs:
            path = spec.path
            prior = self.specs.get(path)
            if (changed is not None and prior is not None and path in self.texts and prior.kind == spec.kind
                    and prior.values == spec.values and self.reads[path].isdisjoint(changed)):
                # The same values, records by identity (compared in C: a busy profile's list of 17,000 claims
                # signs in 11 ms, compares in 0.1). The last signature holds, with the spec it names.
                texts[path], reads[path], signatures[path] = self.texts[path], self.reads[path], self.signatures[path]
                kept[path] = prior
                continue
            keys: set[Key] = set()
            signature = (spec.kind, _signature(spec.values, keys, shared))
            kept[path] = spec
            if (changed is not None and path in self.texts and self.signatures.get(path) == signature
                    and self.reads[path].isdisjoint(changed)):
                texts[path], reads[path], signatures[path] = self.texts[path], self.reads[path], signature
                continue
            SINK.keys = keys
            try:
                texts[path] = renderer.render(spec)
            finally:
                SINK.keys = None
            reads[path], signatures[path] = frozenset(keys), signature
            rendered.append(path)
        self.texts, self.reads, self.signatures, self.rendered = texts, reads, signatures, rendered
        self.specs = kept
        if changed is not None and not runs:  # corpus.json not made again: its runs hold while what they read does
            runs = {key: run for key, run in self.runs.items() if run.read.isdisjoint(changed)}
        self.runs = runs
        self.markdown = {spec.path for spec in specs if spec.kind in renderer.markdown_kinds}
        self.notices = renderer.notices
        self.previous = (renderer, watched, shape, sources)
        return texts

    def _join(self, changed: set[Key] | None, runs: dict[int, Run], records: list[Any],
              make: Callable[[Any], str]) -> list[str]:
        """Records' JSON in corpus.json, by runs (corpus_json.Join). The file as a whole reads every record
        (58,000 at 3,000 briefings), so it is made at every edit; a record's last JSON is taken again while the
        record is the same object and nothing its back-links read changed. Looked up by runs of records, most of
        them unchanged. What the back-links read is not added to the page's reads (0.05-0.08 s an edit at 3,000
        briefings): the page reads every record, and an index changes only with a record it is made from, which
        makes the page again."""
        out = []
        for run in _runs(records, self.run):
            last = self.runs.get(id(run[-1]))
            if changed is not None and last is not None and last.records == run and last.read.isdisjoint(changed):
                fresh = last  # records compare by identity: the very same records, and nothing they read changed
            else:
                fresh = self._remake(changed, last, run, make)
            runs[id(run[-1])] = fresh
            out.append(fresh.text)
        return out

    def _remake(self, changed: set[Key] | None, last: Run | None, run: tuple[Any, ...],
                make: Callable[[Any], str]) -> Run:
        """A run's JSON, each record's taken again if it is unchanged (`last`: the previous run that ended with
        the same record, if any; a run holds its records, so their ids are not reused)."""
        before = {}
        if changed is not None and last is not None and last.records[-1] is run[-1]:
            before = {id(r): i for i, r in enumerate(last.records)}
        texts, reads = [], []
        for record in run:
            i = before.get(id(record))
            if (i is not None and last is not None and changed is not None and last.records[i] is record
                    and last.reads[i].isdisjoint(changed)):
                texts.append(last.texts[i])
                reads.append(last.reads[i])
                continue
            outer, SINK.keys = SINK.keys, set()
            try:
                texts.append(make(record))
                reads.append(frozenset(SINK.keys))
            finally:
                SINK.keys = outer
        return Run(run, tuple(texts), tuple(reads), ",".join(texts), frozenset().union(*reads))

    def _changed(self, watched: dict[str, Any], shape: Any, sources: dict[str, Any]) -> set[Key] | None:
        """The keys whose values differ from the previous render's; None: render everything."""
        if self.previous is None or self.previous[2] != shape:
            return None
        for bid, (b, *text) in self.previous[3].items():
            now = sources.get(bid)
            if now is not None and now[0] is b and list(now[1:]) != text:
                return None
        before = self.previous[1]
        out: set[Key] = set()
        for name, now in watched.items():
            old = before[name]
            if isinstance(now, dict):
                if dict.__eq__(old, now) is True:  # in C, records by identity: most collections, at most edits
                    continue
                keys = [k for k in dict.keys(old) | dict.keys(now)
                        if (a := dict.get(old, k)) is not (b := dict.get(now, k)) and a != b and not _same(a, b)]
                out.update((name, k) for k in keys)
                if keys:
                    out.add((name, EVERY))
            elif not list.__eq__(old, now):
                out.add((name, EVERY))
        return out


def _same(a: Any, b: Any) -> bool:
    # Records compare by identity (eq=False); a missing index entry is the empty list a defaultdict gives.
    return a is b or (not a and not b) or bool(a == b) or _same_values(a, b)


def _same_values(a: Any, b: Any) -> bool:
    """Whether `a` and `b` hold the same values, records field by field. An edited file is parsed anew, and its
    records the edit did not touch (the events of a briefing whose title changed) are new objects holding what
    the old ones held: the pages that read only them need not render again (at 3,000 briefings, a third of the
    pages a title edit rendered)."""
    if a is b:
        return True
    if isinstance(a, Located):
        return (type(a) is type(b) and a.broken == b.broken
                and all(_same_values(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)))
    if type(a) is list or type(a) is tuple:
        return type(a) is type(b) and len(a) == len(b) and all(map(_same_values, a, b))
    return bool(a == b)


@dataclasses.dataclass(frozen=True)
class Run:
    """Consecutive records of corpus.json and their JSON, each and joined; what each read, and all of them."""

    records: tuple[Any, ...]
    texts: tuple[str, ...]
    reads: tuple[frozenset[Key], ...]
    text: str
    read: frozenset[Key]


_GOLDEN = 0x9E3779B97F4A7C15  # Fibonacci hashing: addresses in steps, as allocated, spread over 64 bits


def _runs(records: list[Any], size: int) -> list[tuple[Any, ...]]:
    """`records` cut into runs of `size` on average, each cut after a record that its identity picks, not its
    position: a record added, removed or replaced changes its own run and at most the next."""
    out, start, below = [], 0, 2**64 // size
    for i, record in enumerate(records):
        if (id(record) * _GOLDEN) & 0xFFFFFFFFFFFFFFFF < below:
            out.append(tuple(records[start:i + 1]))
            start = i + 1
    if start < len(records):
        out.append(tuple(records[start:]))
    return out


RECORD_COLLECTIONS = {Briefing: "briefings", Actor: "actors", Event: "events", Claim: "claims"}
_PLAIN = {str, int, float, bool, type(None)}


def _signature(value: Any, keys: set[Key], shared: dict[int, tuple[Any, set[Key]]]) -> Any:
    """What a template gets, comparable across builds: a record by its id (what it holds is in `keys`, compared
    with the corpus), containers by their items, other objects (a relation, a report) by identity: the objects a
    kept signature names stay alive with the spec it was taken of (PageRenderer.specs), so an id is never reused.
    `shared`: the signatures of groupings that two pages get (a busy actor's year: its profile and its page)."""
    t = type(value)
    if t in _PLAIN:
        return value
    if t is list or t is tuple:
        first = type(value[0]) if value else None
        collection = RECORD_COLLECTIONS.get(first)  # type: ignore[arg-type]
        if collection is not None and all(type(v) is first for v in value):  # most lists: no call per item
            ids = tuple(v.id for v in value)
            keys.update(zip(itertools.repeat(collection), ids))
            return ids
        if first is str and all(type(v) is str for v in value):  # a busy actor's periods, on each period's page
            return tuple(value)
        return tuple(_signature(v, keys, shared) for v in value)
    if isinstance(value, dict):
        return tuple((k, _signature(v, keys, shared)) for k, v in value.items())
    collection = RECORD_COLLECTIONS.get(t)
    if collection is not None:
        keys.add((collection, value.id))
        return (collection, value.id)
    if t is ActorPeriod or t is DisputeGroup:
        hit = shared.get(id(value))
        if hit is None:
            own: set[Key] = set()
            fields = tuple(_signature(getattr(value, f.name), own, shared) for f in dataclasses.fields(value))
            hit = shared[id(value)] = ((t.__name__, fields), own)
        keys |= hit[1]
        return hit[0]
    return ("object", id(value))


def _watch_corpus(corpus: Corpus) -> dict[str, Any]:
    """Swap the corpus' collections for recording ones; name -> collection."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(corpus):
        value = getattr(corpus, f.name)
        if isinstance(value, dict):
            value = RecordingDict(f.name, value)
        elif isinstance(value, list) and f.name != "warnings":
            value = RecordingList(f.name, value)
        else:
            continue
        setattr(corpus, f.name, value)
        out[f.name] = value
    return out


def _watch_layout(layout: Layout) -> dict[str, Any]:
    """The layout's own maps (which page each event and dispute is on), computed now so that no page records
    computing them."""
    out: dict[str, Any] = {}
    for name in ("event_pages", "_group_pages", "_dispute_pages"):
        value = RecordingDict(f"layout.{name}", getattr(layout, name))
        setattr(layout, name, value)
        out[f"layout.{name}"] = value
    return out


def _shape(renderer: Renderer) -> Any:
    """What, when it changes, may change every page: the templates, the options, how the sections split."""
    layout = renderer.layout
    return (id(renderer.env), layout.options, layout.split_events, layout.split_claims, layout.split_briefings,
            layout.split_disputes, frozenset(layout.monthly_years))


def _sources(corpus: Corpus) -> dict[str, tuple[Briefing, str | None, tuple[Any, ...]]]:
    """Each briefing's source text and quote spans: read anew at every build, into the same objects when the YAML
    did not change, so identity alone would not show that they changed."""
    return {b.id: (b, b.source_text, tuple(c.span for c in b.claims)) for b in dict.values(corpus.briefings)}
