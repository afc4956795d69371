"""Incremental rebuilds under `mkdocs serve --dirty`: what the plugin keeps between two builds of one serve
session so that an edit rebuilds only the pages whose text changed, and the served site still equals a clean
build's. No MkDocs import here (plugin.py is the adapter).

MkDocs' dirty mode rebuilds a page when its source is newer than its output. Generated pages therefore get a
real source file in a cache folder outside docs/, rewritten only when the page's text changed; outputs of
pages that are gone are deleted; and the search index, which Material merges as if one page had changed, is
rewritten from each page's own entries."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any


class PageCache:
    """The generated pages of the previous build, as files MkDocs can compare with their outputs."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="briefings-pages-"))  # per serve session, never in docs/
        self.texts: dict[str, str] = {}

    def source(self, path: str) -> str:
        return str(self.dir / path)

    def update(self, pages: dict[str, str]) -> list[str]:
        """Write the pages whose text changed (or that are new), delete those that are gone; the changed."""
        changed = [path for path, text in pages.items() if self.texts.get(path) != text]
        for path in self.texts.keys() - pages.keys():
            (self.dir / path).unlink(missing_ok=True)
        for path in changed:
            target = self.dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="") as f:  # the bytes MkDocs would have had
                f.write(pages[path])
        self.texts = dict(pages)
        return changed

    def forget(self) -> None:
        """Every page counts as changed at the next build (the configuration changed, or the site was cleared)."""
        self.texts = {}

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


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


def mark_newer(source: str, output: str) -> None:
    """Make a changed page's source newer than its last output: two writes within one tick of a coarse clock
    would otherwise leave the page looking unchanged to MkDocs."""
    try:
        out = os.stat(output).st_mtime_ns
    except FileNotFoundError:
        return
    if os.stat(source).st_mtime_ns <= out:
        t = max(time.time_ns(), out + 10**7)
        os.utime(source, ns=(t, t))


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
