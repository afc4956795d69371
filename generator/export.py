"""`briefings render --out DIR`: the generated pages and the hand-written docs as a plain docs folder with a
matching mkdocs.yml (our plugin removed), for engines that do not run it (Zensical, MkDocs without plugins)."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from .corpus import load_corpus
from .layout import SiteOptions
from .render import FILTER_SCRIPT, FILTER_STYLESHEET, SEARCH_WORKER, STYLESHEET, render_site

MARKER = ".briefings-render"  # marks a folder this command made, so it may replace it next time


class _Tagged:
    """A YAML tag we do not interpret (`!ENV`, `!!python/name:`), kept to be written back as it was."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag, self.value = tag, value


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        return _Tagged(tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return _Tagged(tag, loader.construct_sequence(node, deep=True))
    return _Tagged(tag, loader.construct_mapping(node, deep=True))  # type: ignore[arg-type]


def _represent(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_Loader.add_multi_constructor("!", _construct)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct)
_Dumper.add_representer(_Tagged, _represent)


def _plugin_options(plugins: list[Any] | dict[str, Any]) -> tuple[list[Any] | dict[str, Any], dict[str, Any]]:
    """The plugins without ours, and our options. `plugins` is MkDocs' list, or its mapping form (the project's
    mkdocs.yml uses it, so that mkdocs-offline.yml can inherit and add to it)."""
    if isinstance(plugins, dict):
        return {k: v for k, v in plugins.items() if k != "briefings"}, plugins.get("briefings") or {}
    kept: list[Any] = []
    plugin_options: dict[str, Any] = {}
    for p in plugins:
        if p == "briefings":
            continue
        if isinstance(p, dict) and "briefings" in p:
            plugin_options = p["briefings"] or {}
            continue
        kept.append(p)
    return kept, plugin_options


def _prepare_out(out: Path) -> None:
    """Refuse to touch a folder this command did not make."""
    if out.exists():
        if not out.is_dir():
            raise SystemExit(f"briefings render: {out} exists and is not a folder")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise SystemExit(f"briefings render: {out} is not empty and was not made by `briefings render`; "
                             "choose a new folder")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("made by `briefings render`; it replaces this folder on the next run\n")


_HEADING = re.compile(r'<h([1-6])(?: class="([^"]*)")? id="([^"]+)">(.*?)<a class="headerlink" [^>]*>&para;</a></h\1>')
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Depth(HTMLParser):
    """Where a page's elements begin, and how deep in other elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.starts: dict[tuple[int, int], int] = {}  # (line, column) -> depth

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts[self.getpos()] = self.depth
        if tag not in _VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1


def markdown_headings(page: str) -> str:
    """An HTML page with its top-level headings as Markdown headings, for an engine without the plugin, which makes
    a page's table of contents from its Markdown headings only (the plugin reads it from the HTML)."""
    depth = _Depth()
    body_at = page.find("\n---\n", 4) + 5 if page.startswith("---\n") else 0
    depth.feed(page[body_at:])
    lines = page[body_at:].split("\n")
    for n, line in enumerate(lines):
        m = _HEADING.fullmatch(line)
        if m and depth.starts.get((n + 1, 0)) == 0:
            attrs = f"#{m[3]}" + "".join(f" .{c}" for c in (m[2] or "").split())
            lines[n] = f"\n{'#' * int(m[1])} {m[4]} {{: {attrs} }}\n"
    return page[:body_at] + "\n".join(lines)


def export_site(root: Path, out: Path, briefings_dir: str = "briefings", config_file: str = "mkdocs.yml",
                seeds: str = "seeds") -> Path:
    root = root.resolve()
    config_path = root / config_file
    config: dict[str, Any] = {}
    if config_path.is_file():
        config = yaml.load(config_path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    plugins, plugin_options = _plugin_options(config.get("plugins", ["search"]))
    corpus = load_corpus(root, plugin_options.get("briefings", briefings_dir), plugin_options.get("seeds", seeds),
                         include_drafts=False)
    options = SiteOptions.from_config(config, plugin_options)
    pages = render_site(corpus, root / plugin_options.get("templates", "templates"), options)  # missing: the defaults
    pages.pop(f"javascripts/{SEARCH_WORKER}", None)  # only the plugin can hand it to Material's search box

    out = out.resolve()
    if out == root or root.is_relative_to(out):
        raise SystemExit("briefings render: --out must not be the project folder or contain it")
    docs_src = root / config.get("docs_dir", "docs")
    for inside in (docs_src.resolve(), *(root / plugin_options.get(k, k) for k in ("briefings", "seeds", "templates"))):
        if out.is_relative_to(inside.resolve()):  # it would be copied into itself, or read as input next time
            raise SystemExit(f"briefings render: --out must not be inside {inside}; choose a folder outside it "
                             f"(e.g. {root.name}-export next to the project, or export/ in it)")
    _prepare_out(out)
    docs_out = out / "docs"
    if docs_src.is_dir():
        shutil.copytree(docs_src, docs_out)
    for rel, text in pages.items():
        target = (docs_out / rel).resolve()
        if not target.is_relative_to(docs_out.resolve()):  # paths come from slug ids; belt and braces
            raise SystemExit(f"briefings render: refusing to write outside {docs_out}: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown_headings(text) if rel.endswith(".md") else text, encoding="utf-8")

    config["plugins"] = plugins
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    for css in (f"stylesheets/{STYLESHEET}", f"stylesheets/{FILTER_STYLESHEET}"):
        if css in pages:
            config["extra_css"] = [*config.get("extra_css", []), css]
    script = f"javascripts/{FILTER_SCRIPT}"
    if script in pages:
        config["extra_javascript"] = [*config.get("extra_javascript", []), script]
    (out / "mkdocs.yml").write_text(
        "# Made by `briefings render`: the briefings plugin's pages, pre-rendered.\n"
        + yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out
