"""The check that every link in a generated page leads somewhere: MkDocs checks the links of Markdown pages, and
the generated pages are HTML, which it takes as they are. A link to a page of the site must name one that
exists, and its anchor an id on that page (an anchor into a hand-written page is MkDocs' to check)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from urllib.parse import unquote

_HREF = re.compile(r'<a [^>]*?href="([^"]*)"')
_ID = re.compile(r' id="([^"]+)"')
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


def page_ids(html: str) -> frozenset[str]:
    """The anchors a page holds."""
    return frozenset(_ID.findall(html))


def _key(url: str) -> str:
    return posixpath.normpath(url) if url else "."


def find_broken_links(pages: Iterable[str], texts: Mapping[str, str], urls: Mapping[str, str],
                      ids: Mapping[str, frozenset[str]]) -> list[str]:
    """A message for each link in `pages` (paths into `texts`) that leads nowhere. `urls`: every file of the site,
    its URL from the site's root -> its path; `ids`: the anchors of the generated pages, by path."""
    by_url = {_key(url): path for url, path in urls.items()}
    here = {path: url for url, path in urls.items()}
    out = []
    for path in pages:
        url = here.get(path, "")
        base = url if url.endswith("/") else posixpath.dirname(url)
        seen: set[str] = set()
        for href in _HREF.findall(texts[path]):
            if href in seen or _EXTERNAL.match(href):
                continue
            seen.add(href)
            target, _, anchor = unquote(href.split("?", 1)[0]).partition("#")
            dest = path if not target else by_url.get(_key(posixpath.join(base, target)))
            if dest is None:
                out.append(f"{path}: the link '{href}' leads to no page of the site; fix the template that makes "
                           "this page")
            elif anchor and dest in ids and anchor not in ids[dest]:
                out.append(f"{path}: the link '{href}' leads to no anchor '#{anchor}' on {dest}; fix the template "
                           "that makes this page")
    return out
