"""Shared helpers for test_site.py and test_browser.py: build real sites with the real MkDocs CLI (a subprocess,
as a user runs it) and read the HTML they produce with the standard library's parser. No mocks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
MINI = FIXTURES / "mini"
HOSTILE = FIXTURES / "hostile"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
TIMEOUT = 300
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; the tests never download a browser
# Quiet and offline: no component updates, sync or first-run pings during the tests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


# Running the real commands ------------------------------------------------------------------------------------

def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A command as a user runs it; output captured so a failure can show it."""
    return subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=TIMEOUT, check=False)


def ensure_docs_dir(project: Path) -> None:
    """Git keeps no empty folders, so a fresh clone may lack a fixture's empty docs/ (MkDocs requires it)."""
    (project / "docs").mkdir(exist_ok=True)


def mkdocs_build(project: Path, site_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    ensure_docs_dir(project)
    return run([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site_dir),
                *extra], cwd=project)


def briefings_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "generator.cli", *args], cwd=cwd)


def output(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"


_BUILT: dict[tuple[Path, tuple[str, ...]], tuple[Path, subprocess.CompletedProcess[str]]] = {}


def built_site(factory: pytest.TempPathFactory, project: Path,
               *extra: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Build a project once per test session (both test files share it) and return (site dir, the run)."""
    key = (project, extra)
    if key not in _BUILT:
        site = factory.mktemp(f"site-{project.name}")
        proc = mkdocs_build(project, site, *extra)
        if proc.returncode != 0:
            pytest.fail(f"mkdocs build of {project} failed\n{output(proc)}")
        _BUILT[key] = (site, proc)
    return _BUILT[key]


def copy_project(src: Path, dst: Path) -> Path:
    """A fixture project copied elsewhere (it uses the package's templates, so it builds anywhere)."""
    shutil.copytree(src, dst)
    ensure_docs_dir(dst)
    return dst


def split_project(dst: Path, src: Path = MINI) -> Path:
    """A fixture project (mini by default) with every index split over several pages (thresholds of 1), as a big
    corpus gets it."""
    project = copy_project(src, dst)
    cfg = project / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    plain = "plugins: [search, briefings]"
    assert plain in text, f"{src.name}'s mkdocs.yml no longer configures the plugin as {plain!r}"
    cfg.write_text(text.replace(plain, "plugins: [search, briefings: {split_threshold: 1, actor_split_threshold: 1}]"),
                   encoding="utf-8")
    return project


def project_search_project(dst: Path) -> Path:
    """The mini project with the search options of the project's own mkdocs.yml (its separator, language)."""
    project = copy_project(MINI, dst)
    real = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = real["plugins"]  # a mapping (so mkdocs-offline.yml can add to it) or a list
    search = plugins["search"] if isinstance(plugins, dict) else next(
        p["search"] for p in plugins if isinstance(p, dict) and "search" in p)
    cfg = project / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    assert "plugins: [search, " in text, "mini's mkdocs.yml no longer lists `search` first in a flow list"
    cfg.write_text(text.replace("plugins: [search, ", f"plugins: [{{search: {json.dumps(search)}}}, "),
                   encoding="utf-8")
    return project


# Reading HTML ------------------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    @property
    def classes(self) -> set[str]:
        return set((self.get("class") or "").split())

    def iter(self) -> Iterator[Node]:
        """This node and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.get(k) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def one(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        """The first match, which must exist."""
        node = self.find(tag, cls, **attrs)
        assert node is not None, f"no <{tag or '*'} class={cls!r} {attrs}> under <{self.tag}>"
        return node

    def by_id(self, id: str) -> Node | None:
        return next((n for n in self.iter() if n.get("id") == id), None)

    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def text(self) -> str:
        """The visible words, whitespace collapsed (what a reader sees, roughly)."""
        return " ".join(self.raw_text().split())

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs), parent=self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        # Tolerant: close up to the matching open element, ignore a stray end tag.
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


@dataclass(eq=False)
class Page:
    """One built page: its site URL ('' for the home page, 'actors/ivanov/'), raw HTML and parsed tree."""

    url: str
    path: Path
    html: str
    root: Node

    @property
    def article(self) -> Node:
        """The page's own content, without Material's header, nav and footer."""
        node = self.root.find("article", cls="md-content__inner")
        assert node is not None, f"{self.url}: no <article class=md-content__inner>"
        return node

    @property
    def ids(self) -> set[str]:
        return {n.get("id") or "" for n in self.root.iter() if n.get("id")}

    @property
    def title(self) -> str:
        node = self.root.find("title")
        return node.raw_text() if node else ""


def url_of(site: Path, path: Path) -> str:
    rel = path.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


@cache
def site_pages(site: Path) -> dict[str, Page]:
    """Every HTML page of a built site by URL (read once per site)."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        pages[url_of(site, path)] = Page(url_of(site, path), path, text, parse_html(text))
    return pages


def page(site: Path, url: str) -> Page:
    pages = site_pages(site)
    assert url in pages, f"no page /{url} in the built site; have: {sorted(pages)}"
    return pages[url]


EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def resolve(site: Path, from_url: str, href: str) -> tuple[Path, str]:
    """(file, fragment) an internal link from the page at `from_url` leads to."""
    parts = urlsplit(urljoin("http://site.invalid/" + from_url, href))
    target = site / unquote(parts.path).lstrip("/")
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


# The mini fixture's ids, read from its YAML so the tests follow the fixture --------------------------------

@dataclass(frozen=True)
class FixtureIds:
    briefings: tuple[str, ...]
    actors: tuple[str, ...]
    with_source: tuple[str, ...]
    events: tuple[str, ...]
    claims: tuple[str, ...]


def fixture_ids(project: Path) -> FixtureIds:
    actors = yaml.safe_load((project / "briefings" / "actors.yml").read_text(encoding="utf-8"))
    briefings, with_source, events, claims = [], [], [], []
    for path in sorted((project / "briefings").rglob("*.yml")):
        if path.name == "actors.yml":
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        briefings.append(path.stem)
        if doc["source"].get("text"):
            with_source.append(path.stem)
        events += [e["id"] for e in doc.get("events", []) if "id" in e]
        claims += [c.get("id") or f"{path.stem}-{n}" for n, c in enumerate(doc.get("claims", []), 1)]
    return FixtureIds(tuple(briefings), tuple(actors), tuple(with_source), tuple(events), tuple(claims))


def contract_urls(ids: FixtureIds) -> list[str]:
    """Every page the contract promises for a corpus ('' is the home page)."""
    return ["", "briefings/", "actors/", "events/", "claims/",
            *(f"briefings/{b}/" for b in ids.briefings), *(f"actors/{a}/" for a in ids.actors),
            *(f"sources/{b}/" for b in ids.with_source)]


def anchored_block(pg: Page, id: str) -> Node | None:
    """The block an id anchors: the element itself, or the block around a heading that carries it (the appendix's
    claims and the events index anchor their headings, for search)."""
    node = pg.root.by_id(id)
    if node is not None and node.tag in ("h2", "h3") and node.parent is not None:
        return node.parent
    return node
