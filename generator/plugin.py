"""The MkDocs adapter: the only module that imports mkdocs. Loads and validates in `on_config` (before MkDocs
cleans site/, so a bad edit leaves the last good site), adds the pages with `File.generated` (in memory; under
`mkdocs serve --dirty` from a cache of files, so unchanged pages are skipped: incremental.py), hands MkDocs their
HTML as it is (`_HtmlPage`) and checks their links (linkcheck.py), sanitizes them, builds into a staging folder
swapped in at the end (sitedir.py), and watches briefings, templates and seeds under `mkdocs serve`."""

from __future__ import annotations

import functools
import gc
import hashlib
import html
import logging
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from logging.handlers import BufferingHandler
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import CountHandler
from mkdocs.utils.templates import TemplateContext

from .corpus import Corpus, load_corpus
from .errors import BriefingsError
from .incremental import (
    IdleCollector,
    PageCache,
    PageRenderer,
    SearchEntries,
    TemplateCache,
    clear_dir,
    fingerprint,
    inputs_digest,
    prune_outputs,
    stale_pages,
)
from .layout import SiteOptions
from .linkcheck import find_broken_links, page_ids
from .loader import ParseCache
from .markup import sanitize_html
from .render import (
    DEFAULT_TEMPLATES,
    FILTER_SCRIPT,
    FILTER_STYLESHEET,
    SEARCH_WORKER,
    STYLESHEET,
    WORKER_SHIM,
    Renderer,
    make_env,
    template_error,
    toc_tokens,
    with_banner,
)
from .searchindex import compact_search_entries, pack_search_index, searchable
from .sitedir import (
    MARKER,
    BuildLock,
    SiteDirError,
    os_error_message,
    prepare_staging,
    recover,
    refuse_foreign,
    staging_of,
    swap_in,
)
from .watching import NativeWatch

log = logging.getLogger("mkdocs.plugins.briefings")
STALE_BANNER = "stale-banner.html.j2"  # a template, overridable like the others


class _TemplatesDir(c.Dir):
    """The project's overrides of the package's templates, file by file. The default folder may be absent (it holds
    only the templates a project changes); a folder named on purpose must exist."""

    def run_validation(self, value: object) -> str:
        path = super().run_validation(value)
        if value != "templates" and not os.path.isdir(path):
            raise ValidationError(f"the templates folder {path} does not exist; create it (it holds only the "
                                  "templates you change) or remove this option")
        return path


class BriefingsConfig(Config):
    # Plain strings, not c.Dir: the loader's messages name these folders as written, and a briefings folder gone
    # under `mkdocs serve` is a located error shown over the last good pages, not a configuration error.
    briefings = c.Type(str, default="briefings")
    templates = _TemplatesDir(default="templates")  # an absolute path once validated
    seeds = c.Type(str, default="seeds")
    split_threshold = c.Type(int, default=SiteOptions.split_threshold)
    actor_split_threshold = c.Type(int, default=SiteOptions.actor_split_threshold)


class BriefingsPlugin(BasePlugin[BriefingsConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        # A build's pages as UTF-8, each encoded as soon as it is rendered: half the memory of a str with one
        # character beyond Latin-1, which most pages have (`mkdocs serve` keeps `pages`: it reads them again).
        self.encoded: dict[str, bytes] = {}
        self.generated: set[str] = set()  # the paths of self.pages: a build releases their texts once MkDocs has them
        self.markdown: set[str] = set()  # the pages a project's Markdown templates make; the others are HTML
        self.ids: dict[str, frozenset[str]] = {}  # the anchors of each HTML page, for the link check
        self.held: dict[str, bytes] = {}  # a build's converted pages until written, as UTF-8 (_hold_content)
        self.whole: str | None = None  # a page's HTML while the search plugin reads it without what it leaves out
        self.corpus: Corpus | None = None
        self.seconds = 0.0
        self.timings: dict[str, float] = {}  # load (read + validate + link), render, sanitize: for the benchmark
        self.command: str | None = None
        self.dirty = False
        self.final_dir: Path | None = None  # the real site_dir while we build into a staging folder
        self.site_dir: Path | None = None  # the real site_dir of a build or gh-deploy (staged or --dirty)
        self.lock: BuildLock | None = None
        self.warnings = BufferingHandler(sys.maxsize)  # never flushed: a strict preview's warnings, for its banner
        self.warnings.setLevel(logging.WARNING)
        self.cache: PageCache | None = None  # `mkdocs serve --dirty`: incremental rebuilds (generator/incremental.py)
        self.search = SearchEntries()
        self.outputs: set[str] = set()
        # Under `mkdocs serve --dirty`: the last build's File (and Page) of each generated page, kept while the page
        # is unchanged, since MkDocs then neither reads nor writes it (making them: 0.11 of on_files' 0.22 s an edit
        # at 1,000 briefings). A changed mkdocs.yml starts afresh.
        self.served: dict[str, _ServedFile] = {}
        self.config_print: str | None = None
        self.worker: str | None = None  # the site's search worker's URL, from the site's root (on_files)
        self.rebuilt = 0
        self.parsed: ParseCache | None = None  # parsed YAML by file and content hash, under `mkdocs serve --dirty`
        self.inputs: str | None = None  # digest of the inputs of the last good pages, under `mkdocs serve --dirty`
        self.renderer: PageRenderer | None = None  # renders only what an edit changed, under `mkdocs serve --dirty`
        self.last_good: tuple[Corpus, dict[str, str]] | None = None  # served, marked stale, after a failed rebuild
        self.templates = TemplateCache()  # the theme's compiled templates, under `mkdocs serve --dirty`
        self.collector = IdleCollector()  # `mkdocs serve --dirty`: the cycle collector runs between rebuilds
        self.watcher = NativeWatch()  # `mkdocs serve`: an edit seen at once (watching.py)
        self.sigterm: Any = None  # `mkdocs serve`: the SIGTERM handler this plugin replaced

    @property
    def _texts(self) -> dict[str, str] | dict[str, bytes]:
        return self.encoded or self.pages

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Because this method exists, MkDocs calls it once per process and keeps this instance for every rebuild
        # of `mkdocs serve`: what one build leaves here (the last good pages, the caches) the next one finds.
        self.command, self.dirty = command, dirty
        if self.cache is not None:
            self.on_shutdown()
        if command == "serve":
            self._stop_cleanly_on_sigterm()
        if command == "serve" and dirty:
            self.cache, self.search, self.outputs, self.config_print = PageCache(), SearchEntries(), set(), None
            self.served = {}
            self.parsed, self.inputs, self.renderer = {}, None, PageRenderer()
            self.templates = TemplateCache()
            # MkDocs warns that a dirty build may leave stale pages; this plugin makes it exact, and in strict
            # mode the warning would abort every build.
            logging.getLogger("mkdocs.commands.build").addFilter(_quiet_dirty_warning)

    def _stop_cleanly_on_sigterm(self) -> None:
        """MkDocs deletes its temporary site, and this plugin its page cache, when serve stops on Ctrl-C; stopped
        by `kill`, `docker stop` or a service manager, serve left both behind (0.5-1 GB at 3,000 briefings, at each
        stop). So SIGTERM stops it as Ctrl-C does, unless someone else already handles it."""
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            self.sigterm = signal.signal(signal.SIGTERM, _interrupt)

    def on_shutdown(self) -> None:
        if self.sigterm is not None:
            if signal.getsignal(signal.SIGTERM) is _interrupt:  # else someone has set their own since
                signal.signal(signal.SIGTERM, self.sigterm)
            self.sigterm = None
        self.collector.close()
        self.watcher.close()
        if self.cache is not None:
            self.cache.close()
            self.cache, self.parsed, self.renderer = None, None, None
            logging.getLogger("mkdocs.commands.build").removeFilter(_quiet_dirty_warning)

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def _path(self, config: MkDocsConfig, value: str) -> Path:
        return (self._root(config) / value).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        t0 = time.perf_counter()
        if self.cache is not None and self.corpus is not None:
            # An incremental rebuild: the collector waits for its end (on_post_build, on_build_error). Not the
            # first build, which makes the whole site: kept off, its garbage would add 8 % to the session's peak.
            self.collector.pause()
        root = self._root(config)
        options = SiteOptions.from_config(config, self.config)
        if self.command in ("build", "gh-deploy"):  # every command that writes site_dir (serve: a temp folder)
            try:
                self._lock(config)
            except SiteDirError as e:
                raise PluginError(str(e)) from None
        # Taken before reading: a file written during the build only makes the next build read it again.
        sources = _sources(root, self.corpus)
        inputs = None
        if self.cache is not None and self.corpus is not None:
            inputs = inputs_digest([self._path(config, self.config.briefings), Path(self.config.templates)],
                                   sources) + repr(options)
        # A build's corpus and pages live until its process ends: the collector, which walked them again and again
        # while MkDocs worked (2-3 s at 1,000 briefings), leaves them be. Not under `mkdocs serve`, which replaces them.
        one_shot = self.command in ("build", "gh-deploy")
        if one_shot:
            gc.disable()
        try:
            if inputs is not None and inputs == self.inputs:
                # Nothing the pages are made from changed (a docs/ page was edited, or the watcher fired
                # twice): the same pages, without reading or rendering anything.
                raise _Unchanged
            self.inputs = None
            # Drafts are previewed, never published.
            self.corpus = load_corpus(root, self.config.briefings, self.config.seeds,
                                      include_drafts=self.command == "serve", cache=self.parsed)
            t1 = time.perf_counter()
            if self.renderer is not None:  # only the pages that read what changed
                self.pages = self.renderer.render(self.corpus, Path(self.config.templates), options)
                self.markdown, notices = self.renderer.markdown, self.renderer.notices
            else:
                renderer = Renderer(self.corpus, Path(self.config.templates), options)
                specs = renderer.pages()
                self.markdown = {spec.path for spec in specs if spec.kind in renderer.markdown_kinds}
                if self.command == "serve":
                    self.pages = {spec.path: renderer.render(spec) for spec in specs}
                else:
                    self.pages, self.encoded = {}, {spec.path: renderer.render(spec).encode() for spec in specs}
                notices = renderer.notices
            for notice in notices:
                log.warning(notice)
            self.timings = {"load": t1 - t0, "render": time.perf_counter() - t1, "sanitize": 0.0}
            for w in self.corpus.warnings:  # INFO, not WARNING: strict mode must not refuse an old corpus
                log.info(str(w))
            if self.command == "serve":
                self.last_good = (self.corpus, self.pages)
            if sources == _sources(root, self.corpus):  # else the digest did not cover every source text
                self.inputs = inputs
        except _Unchanged:
            self.timings = {"load": time.perf_counter() - t0, "render": 0.0, "sanitize": 0.0}
        except BriefingsError as e:
            if self.command != "serve" or self.last_good is None:
                for err in e.errors:
                    log.error(str(err))
                raise PluginError(f"briefings: {len(e.errors)} error(s) in the input; nothing was built and the "
                                  "last good site is untouched. Fix them and build again.") from None
            # Under `mkdocs serve` a failed build leaves every request waiting (MkDocs' live-reload server
            # serves nothing until a build succeeds), so keep serving the last good pages with the errors on
            # top. The errors go straight to the terminal: logged, strict mode would count them and abort
            # the build after all. `mkdocs build` still fails as above.
            for err in e.errors:
                print(f"ERROR   -  {err}", file=sys.stderr)
            print("WARNING -  briefings: serving the last good pages, marked stale, until the errors above are "
                  "fixed", file=sys.stderr)
            self.corpus, good = self.last_good
            stale = (stale_pages((err.loc.file for err in e.errors), good) if self.cache is not None
                     else {path for path in good if path.endswith(".md")})
            banner = _render_stale_banner(Path(self.config.templates), e)
            self.pages = {path: with_banner(text, banner) if path in stale else text for path, text in good.items()}
        finally:
            if one_shot:
                gc.enable()
                gc.freeze()
        if self.command == "serve" and config.strict:  # see _serve_despite_warnings
            self.warnings.buffer.clear()
            logging.getLogger("mkdocs").addHandler(self.warnings)
        for css in (f"stylesheets/{STYLESHEET}", f"stylesheets/{FILTER_STYLESHEET}"):
            if css in self._texts and css not in config.extra_css:
                config.extra_css.append(css)
        script = f"javascripts/{FILTER_SCRIPT}"
        if script in self._texts and script not in config.extra_javascript:
            config.extra_javascript.append(script)
        if self.command in ("build", "gh-deploy"):  # every command that writes site_dir (serve: a temp folder)
            try:
                self._stage(config)
            except SiteDirError as e:
                raise PluginError(str(e)) from None
        if self.cache is not None:
            print_ = fingerprint(config.config_file_path)
            if self.config_print is not None and print_ != self.config_print:  # nav, theme...: start afresh
                clear_dir(config.site_dir)
                self.cache.forget()
                self.outputs, self.served = set(), {}
            self.config_print = print_
        self.seconds = time.perf_counter() - t0
        return config

    # Atomic builds: MkDocs empties site_dir before it renders; we let it empty a staging folder instead and
    # swap that in only when the whole build succeeded, so a failure at any stage keeps the last good site.
    # One build at a time: a lock beside site_dir. `--dirty` writes in place (no swap), still locked and
    # still refusing a folder we did not make. See sitedir.py for exactly what the swap guarantees.
    def _lock(self, config: MkDocsConfig) -> None:
        """Before anything else: wait for any other build of this site, and put back a site that a build
        killed mid-swap left aside, so that a failing build does leave the last good site in place."""
        final = Path(config.site_dir).resolve()
        self.lock = BuildLock(final)
        self.lock.acquire(on_wait=log.info)  # a warning would fail a strict build
        recover(final)

    def _stage(self, config: MkDocsConfig) -> None:
        final = Path(config.site_dir).resolve()
        refuse_foreign(final)
        self.site_dir = final
        if self.dirty:
            return
        staging = prepare_staging(final)
        self.final_dir = final
        config.site_dir = str(staging)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        t0 = time.perf_counter()
        changed = set(self.cache.update(self.pages)) if self.cache is not None else set()
        titles = _nav_titles(config.nav)
        served: dict[str, _ServedFile] = {}
        for path, text in self._texts.items():
            existing = files.src_uris.get(path)  # our paths are POSIX already: no PurePath a page
            if existing is not None:
                log.warning(f"docs/{path} is replaced by the generated page; remove it, or edit the template")
                files.remove(existing)
            # Detail pages stay out of the nav by design (a nav of every page makes builds quadratic).
            inclusion = InclusionLevel.UNDEFINED if path.endswith("index.md") else InclusionLevel.NOT_IN_NAV
            if self.cache is None:
                file = File.generated(config, path, content=text, inclusion=inclusion)
            else:
                # MkDocs' dirty mode builds only the pages that changed since they were last built.
                modified = path in self.cache.pending
                kept = None if modified else self.served.get(path)
                if kept is None:
                    kept = cast(_ServedFile, _ServedFile.generated(config, path, abs_src_path=self.cache.source(path),
                                                                     inclusion=inclusion))  # generated makes a cls
                kept.modified = modified
                file = served[path] = kept
            if path.endswith(".md") and path not in self.markdown and file.page is None:
                _HtmlPage(titles.get(path), file, config)  # file.page: MkDocs makes no Page of its own for it
            files.append(file)
        self.served = served
        worker = self._texts.get(f"javascripts/{SEARCH_WORKER}")
        # Versioned, as Material's own worker is by its name: a browser never runs a cached worker on a newer index.
        self.worker = (f"javascripts/{SEARCH_WORKER}?v={hashlib.sha256(_bytes(worker)).hexdigest()[:12]}"
                       if worker is not None else None)
        self._local_worker_shim(files, config)
        self._check_links(files, set(self._texts) if self.cache is None else changed)
        self.generated, self.held = set(self._texts), {}
        if self.command != "serve":  # each File holds its text now, released once converted (_hold_content)
            self.pages, self.encoded = {}, {}
        if self.cache is not None:
            outputs = {f.abs_dest_path for f in files}
            prune_outputs(self.outputs, outputs, config.site_dir)
            self.outputs, self.rebuilt = outputs, 0
        self.seconds += time.perf_counter() - t0
        return files

    def _check_links(self, files: Files, changed: set[str]) -> None:
        """Every link of the HTML pages that changed must lead to a page and an anchor (linkcheck.py): a warning
        each, as MkDocs gives for a Markdown page's links, so a strict build fails."""
        t0 = time.perf_counter()
        texts = _Decoded(self._texts)
        pages = [path for path in changed if path in texts and path.endswith(".md") and path not in self.markdown]
        self.ids = {path: ids for path, ids in self.ids.items() if path in texts and path not in changed}
        for path in pages:
            self.ids[path] = page_ids(texts[path])
        for message in find_broken_links(pages, texts, {f.url: f.src_uri for f in files}, self.ids):
            log.warning(message)
        self.timings["links"] = time.perf_counter() - t0

    @staticmethod
    def _local_worker_shim(files: Files, config: MkDocsConfig) -> None:
        """Material's offline plugin (every plugin's on_config has run by now) adds a Web Worker shim for file://
        from a CDN; serve our vendored copy of it instead, so that reading from disk requests nothing either."""
        polyfills = config.extra.get("polyfills") or []
        remote = [p for p in polyfills if isinstance(p, str) and "iframe-worker" in p and "://" in p]
        if not remote:
            return
        path = f"javascripts/{WORKER_SHIM}"
        config.extra["polyfills"] = [path if p in remote else p for p in polyfills]
        if files.get_file_from_path(path) is None:
            text = (DEFAULT_TEMPLATES / WORKER_SHIM).read_text(encoding="utf-8")
            files.append(File.generated(config, path, content=text, inclusion=InclusionLevel.NOT_IN_NAV))

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        if self.cache is not None:
            env.bytecode_cache = self.templates
        if self.worker is not None and _search_index(config) is not None:
            _use_search_worker(env, self.worker)
        return env

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.cache is not None:
            self.search.start([f.src_uri for f in files.documentation_pages(inclusion=InclusionLevel.is_in_serve)])
        return nav

    @event_priority(100)  # before the search plugin's, which indexes it
    def _restore_content(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                         nav: Navigation) -> TemplateContext:
        held = self.held.pop(page.file.src_uri, None)
        if held is not None:
            page.content = held.decode("utf-8", "surrogatepass")
        searched = not (page.meta.get("search") or {}).get("exclude")  # as Material's search plugin decides
        if page.file.src_uri in self.generated and page.content and searched and _search_index(config) is not None:
            # The search plugin, next, reads what is left of the page; the page is written whole.
            self.whole = page.content
            page.content = searchable(page.content)
        return context

    def _note_search_entries(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                             nav: Navigation) -> TemplateContext:
        # After the search plugin's, which is listed first and has just indexed the page.
        if self.whole is not None:
            page.content, self.whole = self.whole, None
        if self.corpus is not None and page.file.src_uri in self.generated:
            index = _search_index(config)
            if index is not None:
                compact_search_entries(index.entries, page.url, self.corpus.claims, self.corpus.events)
        if self.cache is not None:
            self.rebuilt += 1
            index = _search_index(config)
            if index is not None:
                self.search.note(page.file.src_uri, index.entries)
        return context

    on_page_context = CombinedEvent(_restore_content, _note_search_entries)

    def _sanitize(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if page.file.src_uri in self.generated:
            t0 = time.perf_counter()
            html = sanitize_html(html)
            self.seconds += time.perf_counter() - t0
            self.timings["sanitize"] += time.perf_counter() - t0
        return html

    @event_priority(-200)  # after every other plugin's
    def _hold_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.command == "serve" or page.file.src_uri not in self.generated:
            return html
        # MkDocs keeps every page's Markdown, twice (the File's text and page.markdown), until the whole site is
        # written; a build never reads them again. "" rather than None: Page.title takes a None markdown for a
        # page not read yet.
        page.markdown = ""
        page.file.content_string = ""
        # MkDocs converts every page before it writes any, so it would hold the HTML of the whole site at once:
        # as UTF-8 it takes half the memory of a str with one character beyond Latin-1 (most pages have one).
        # Back as a str before the page is indexed and written (_restore_content).
        self.held[page.file.src_uri] = html.encode("utf-8", "surrogatepass")
        return ""

    on_page_content = CombinedEvent(_sanitize, _hold_content)

    @event_priority(-200)  # after every other plugin's
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if page.file.src_uri in self.generated:
            page.content = ""  # written: MkDocs would keep every page's HTML until the build ends
            if self.cache is not None:  # a kept page (on_files) is not read again while it is unchanged
                page.markdown = ""
        return output

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig,
                 builder: Callable[..., Any]) -> LiveReloadServer:
        for name in (self.config.briefings, self.config.templates, self.config.seeds):
            path = self._path(config, name)
            if path.exists():
                self._watch(server, str(path))
        return server

    def _watch(self, server: LiveReloadServer, path: str) -> None:
        """`server.watch(path)`, its handler scheduled on MkDocs' polling observer and a native one (watching.py)."""
        polling = getattr(server, "observer", None)
        if polling is None or not hasattr(polling, "schedule"):
            server.watch(path)
            return
        server.observer = _Redirect(polling, self.watcher)  # type: ignore[assignment]
        try:
            server.watch(path)
        finally:
            server.observer = polling

    @event_priority(-200)  # after every other plugin's (the offline plugin's, at -100, writes into site_dir)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.cache is not None:
            self.collector.resume_later()
        if (self.command in ("build", "gh-deploy") and _search_index(config) is not None
                and f"javascripts/{SEARCH_WORKER}" in self.generated and not _read_from_files(config)):
            pack_search_index(Path(config.site_dir))  # serve keeps it whole: rewritten after each edit, on localhost
        warned = sum(sum(h.counts.values()) for h in _strict_counters()) if config.strict else 0
        if self.command == "serve" and config.strict:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            if warned:
                _serve_despite_warnings(Path(config.site_dir), self.warnings.buffer, warned)
        if self.final_dir is not None:
            if not warned:  # strict mode aborts right after this event
                try:
                    swap_in(Path(config.site_dir), self.final_dir)
                except SiteDirError as e:
                    raise PluginError(str(e)) from None
                config.site_dir = str(self.final_dir)  # gh-deploy publishes from here once the build returns
                self._unlock()
        elif self.site_dir is not None:  # --dirty: written in place
            if self.site_dir.is_dir():
                (self.site_dir / MARKER).write_text("made by a briefings build; the next build replaces this folder\n")
            self._unlock()
        if self.cache is not None:
            self.cache.built()
            if _search_index(config) is not None:
                self.search.rewrite(Path(config.site_dir) / "search" / "search_index.json")
            rendered = len(self.renderer.rendered) if self.renderer is not None else 0
            t = self.timings
            log.info(f"briefings: {self.rebuilt} of {len(self.search.order)} pages rebuilt (incremental; "
                     f"{rendered} rendered; load {t['load']:.2f} s, render {t['render']:.2f} s)")
        if self.corpus is None:
            return
        n = self.corpus.counts()
        left = len(self.corpus.drafts_left_out)
        drafts = f"; {left} draft{'s' if left != 1 else ''} left out" if left else ""
        log.info(f"briefings: {n['briefings']} briefings, {n['actors']} actors, {n['events']} events, "
                 f"{n['claims']} claims{drafts}; {len(self.generated)} pages generated; generator {self.seconds:.2f} s")

    def on_build_error(self, *, error: Exception) -> None:
        if self.cache is not None:
            self.collector.resume_later()
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.final_dir is not None:
            shutil.rmtree(staging_of(self.final_dir), ignore_errors=True)
        self._unlock()
        if isinstance(error, OSError) and self.site_dir is not None:  # disk full, read-only: said, no traceback
            raise PluginError(os_error_message(error, self.site_dir)) from None

    def _unlock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None


class _ServedFile(File):
    """A generated file under `mkdocs serve --dirty`, read from the page cache: modified when its text changed
    since it was last built (incremental.PageCache.pending), not by comparing file times."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


class _Redirect:
    """Stands for MkDocs' observer while `server.watch` schedules its handler: to both observers, once a change."""

    def __init__(self, polling: Any, native: NativeWatch) -> None:
        self.polling, self.native = polling, native

    def schedule(self, handler: Any, path: str, recursive: bool = True) -> Any:
        return self.native.watch(self.polling, handler, path, recursive)


class _Decoded(Mapping[str, str]):
    """A build's pages as text, decoded one at a time from the UTF-8 they are kept in (plugin.encoded)."""

    def __init__(self, texts: dict[str, str] | dict[str, bytes]) -> None:
        self.texts = texts

    def __getitem__(self, path: str) -> str:
        text = self.texts[path]
        return text.decode() if isinstance(text, bytes) else text

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


class _HtmlPage(Page):
    """A generated page whose text is HTML already: its content as it is, without Python-Markdown; its table of
    contents from the headings that carry a permanent link (render.PageContext.heading)."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None:
            raise RuntimeError("the page was not read")
        self.content = self.markdown
        # A page that hides its table of contents (the claims pages: a heading a claim) gets none: Material would
        # still write it into the page's navigation.
        hidden = "toc" in (self.meta.get("hide") or [])
        self.toc = get_toc([] if hidden else toc_tokens(self.content))  # type: ignore[arg-type]
        self.present_anchor_ids = set(page_ids(self.content))  # MkDocs checks docs/ pages' links against them

    def _set_canonical_url(self, base: str | None) -> None:
        # MkDocs joins each page's URL to site_url with urljoin, for every page at every build: 0.13 s for the
        # 5,480 pages of 1,000 briefings. A generated page's URL is a plain relative path (ids are [a-z0-9-]),
        # which joined to a plain base is the two end to end (0.07 s).
        url = self.url
        split = _plain_base(base) if base and _PLAIN_URL.fullmatch(url) else None
        if split is None:
            super()._set_canonical_url(base)
            return
        self.canonical_url, self.abs_url = split[0] + url, split[1] + url


# Path segments that are not `.` or `..`, each but the last ending in `/`.
_PLAIN_URL = re.compile(r"(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?")


@functools.lru_cache(maxsize=8)
def _plain_base(base: str) -> tuple[str, str] | None:
    """site_url as MkDocs joins page URLs to it (ending in `/`) and its path; None if joining is more than
    appending (a query, a fragment, dot segments)."""
    if not base.endswith("/"):
        base += "/"
    parts = urlsplit(base)
    if parts.query or parts.fragment or "#" in base or "?" in base or "/./" in parts.path or "/../" in parts.path:
        return None
    return base, parts.path


def _nav_titles(nav: Any) -> dict[str, str]:
    """The titles mkdocs.yml's nav gives pages (a generated index page listed there keeps its label)."""
    out: dict[str, str] = {}
    for item in nav if isinstance(nav, list) else []:
        for title, value in item.items() if isinstance(item, dict) else []:
            if isinstance(value, str):
                out[value] = title
            else:
                out |= _nav_titles(value)
    return out


def _sources(root: Path, corpus: Corpus | None) -> list[Path]:
    return sorted(root / b.source.text for b in corpus.briefings.values() if b.source.text) if corpus else []


class _Unchanged(Exception):
    pass


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _quiet_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def _read_from_files(config: MkDocsConfig) -> bool:
    """Whether the site is built to be read from file:// (Material's offline plugin gave it a Web Worker shim)."""
    return any(isinstance(p, str) and "iframe-worker" in p for p in config.extra.get("polyfills") or [])


def _search_index(config: MkDocsConfig) -> Any:
    """Material's search index of this build, or None (search off, or another search plugin)."""
    for plugin in config.plugins.values():
        if hasattr(plugin, "search_index_prev"):
            index = getattr(plugin, "search_index", None)
            return index if isinstance(getattr(index, "entries", None), list) else None
    return None


_MATERIAL_WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")


def _use_search_worker(env: jinja2.Environment, worker: str) -> None:
    """Material's pages name their search worker through the `url` filter (`"search": "assets/.../search.<hash>
    .min.js" | url`, in base.html); they get ours, as Material's guide to a custom search has it, without copying its
    template: ours answers the first query in well under a second at 3,000 briefings, where lunr's index takes
    3.4 s to build (docs/performance.md)."""
    url = env.filters["url"]

    @jinja2.pass_context
    def url_filter(context: jinja2.runtime.Context, value: str) -> str:
        return cast(str, url(context, worker if _MATERIAL_WORKER.fullmatch(str(value)) else value))

    env.filters["url"] = url_filter


def _bytes(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")


def _render_stale_banner(templates: Path, error: BriefingsError) -> str:
    """The input's errors, for the top of a stale page: a template like the pages', so a project can change it."""
    try:
        return make_env(templates).get_template(STALE_BANNER).render(errors=error.errors)
    except Exception as e:  # the project's own banner is broken too: said, and the pages go without it
        print(f"ERROR   -  {template_error(e, templates)}", file=sys.stderr)
        return ""


def _strict_counters() -> list[CountHandler]:
    """MkDocs' own warning counter, on its logger during a strict build: it decides whether the build aborts."""
    return [h for h in logging.getLogger("mkdocs").handlers if isinstance(h, CountHandler)]


_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">')


def _serve_despite_warnings(site: Path, warnings: list[logging.LogRecord], count: int) -> None:
    """Under `mkdocs serve`, a strict build aborted on warnings leaves every request waiting (the live-reload
    server serves nothing until a build succeeds). So the build is kept, each page marked with the warnings on
    top, and MkDocs' strict count is cleared; `mkdocs build --strict` still refuses it."""
    for counter in _strict_counters():
        counter.counts.clear()
    print(f"WARNING -  briefings: strict mode would abort this build on the {count} warning(s) above; "
          "serving it anyway, each page marked, until they are fixed", file=sys.stderr)
    items = "".join(f"<li>{html.escape(w.getMessage())}</li>" for w in warnings[:50])
    banner = (f'<div class="bf-stale"><p><strong>This preview would fail a strict build: {count} '
              f"warning(s).</strong> Fix them and it rebuilds.</p><ul>{items}</ul></div>")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        m = _ARTICLE.search(text)
        if m:
            page.write_text(text[:m.end()] + banner + text[m.end():], encoding="utf-8")
