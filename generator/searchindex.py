"""What of a generated page stays in the search index (Material's search plugin writes it). The reader's browser
fetches all of it and reads every entry before the first result shows (25 MB at 1,000 briefings before it was
pared, most of it text repeated from page to page), so each page keeps what is its own and leaves out what only
repeats what has a result of its own:

- the page itself: its title, and the first `PAGE_TEXT` characters of its text (an actor's kind, title and aliases;
  a briefing's source line and tags; an index's or a tag's list, cut);
- every claim: its statement, the row's heading (the rest of the row is out of search);
- every event: its heading, place and descriptions (its actors, briefings and claims are `data-search-exclude`);
- a briefing's summary and key points.

Left out: the other sections, which list what has a result of its own (a briefing's claims, actors, events and
relations; a profile's briefings, claims, relations and disputes; the year lists of briefings, the claims pages'
headings per briefing, the index tables, the legend). Material's parser reads a page without what is marked
`data-search-exclude` and without the sections whose entries would be left out (`searchable`): parsing them was
most of its time."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
from collections.abc import Container
from pathlib import Path
from typing import Any

PAGE_TEXT = 1000
# The entries, apart from the index Material's pages fetch (pack_search_index), plain and compressed.
DOCS, PACKED_DOCS = "search/docs.json", "search/docs.json.gz"
KEPT_SECTIONS = frozenset({"_summary", "_key-points"})
_TAG = re.compile(r"<[^>]*>")
_EXCLUDED = re.compile(r"<([a-z][a-z0-9]*)\b[^>]*\sdata-search-exclude\b[^>]*>")
_HEADING = re.compile(r"<h[1-6]\b[^>]*\sid=")
_SECTION = re.compile(r'<h2\b[^>]*\sid="(_[^"]*)"')  # ids of our own sections begin with "_", never a record's
# An element's start tag, not a void element's nor a self-closed one's.
_OPEN = re.compile(r"<(?!(?:area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr)\b)"
                   r"[a-zA-Z][^>]*(?<!/)>")


def searchable(html: str) -> str:
    """A generated page's HTML without what would not stay in its search entries, for Material's search plugin to
    parse: it reads every element of a page, those it then leaves out too, and that was half of a build's time.
    Gives the same entries, once pared down (compact_search_entries), as the whole page."""
    return _without_sections(_without_excluded(html))


def _without_excluded(html: str) -> str:
    """Without the elements marked `data-search-exclude` (Material's parser leaves them out)."""
    out, at = [], 0
    while m := _EXCLUDED.search(html, at):
        out.append(html[at:m.start()])
        depth, at = 1, len(html)
        for tag in _tag_re(m[1]).finditer(html, m.end()):
            depth += -1 if tag[1] else 1
            if not depth:
                at = tag.end()
                break
    out.append(html[at:])
    return "".join(out)


def _without_sections(html: str) -> str:
    """Without the sections (a heading `<h2 id="_name">` up to the next heading with an id) whose entries are
    left out (not in KEPT_SECTIONS). Only a section at the top level of the page, whose HTML opens and closes the
    same elements, goes: the parser then reads the rest as before. Never the page's first heading (its entry is
    the page's own). The HTML is well formed (the sanitizer wrote it), so counting tags tells the depth."""
    starts = [m.start() for m in _HEADING.finditer(html)]
    if len(starts) < 2:
        return html
    bounds = [*starts, len(html)]
    depths, depth, at = [], 0, 0
    for pos in bounds:  # the depth of elements open at each heading, and at the end
        depth += len(_OPEN.findall(html, at, pos)) - html.count("</", at, pos)
        depths.append(depth)
        at = pos
    out, at = [], 0
    for i in range(1, len(starts)):
        m = _SECTION.match(html, starts[i])
        if m and m[1] not in KEPT_SECTIONS and depths[i] == depths[i + 1] == 0:
            out.append(html[at:starts[i]])
            at = bounds[i + 1]
    out.append(html[at:])
    return "".join(out)


@functools.cache
def _tag_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){name}\b[^>]*>")


def compact_search_entries(entries: list[dict[str, Any]], url: str, claims: Container[str],
                           events: Container[str]) -> None:
    """Pare down, in place, the entries Material's search plugin has just added for the page at `url` (the last
    ones of `entries`)."""
    start = len(entries)
    while start and entries[start - 1]["location"].split("#")[0] == url:
        start -= 1
    kept = []
    for entry in entries[start:]:
        anchor = entry["location"].partition("#")[2]
        if not anchor:
            kept.append(_cut(entry, PAGE_TEXT))
        elif anchor in claims:
            kept.append({**entry, "text": ""})
        elif anchor in events or anchor in KEPT_SECTIONS:
            kept.append(entry)
    entries[start:] = kept


def _cut(entry: dict[str, Any], limit: int) -> dict[str, Any]:
    """The entry with its text at most `limit` characters, as plain text (no list or paragraph left open) when
    cut. The text is escaped already: a '<' in it is markup."""
    text = entry["text"]
    if len(text) <= limit:
        return entry
    plain = " ".join(_TAG.sub(" ", text).split())
    if len(plain) > limit:
        plain = plain[:limit].rsplit(" ", 1)[0] + " …"
    return {**entry, "text": plain}


def pack_search_index(site: Path) -> None:
    """Move the entries out of `search/search_index.json`, which every page of Material's fetches, parses and hands
    to the search worker whole (11 MB at 3,000 briefings, over a link that may not compress it), into
    `search/docs.json` and a compressed copy that the site's search worker fetches itself (1.7 MB). The index keeps
    its config, which Material's pages read, and names the copies, with a digest of the entries in their URLs. Not
    for a site read from file://, whose worker cannot fetch: the offline plugin inlines the index as it is."""
    index = site / "search" / "search_index.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    docs = json.dumps(data["docs"], ensure_ascii=False, separators=(",", ":")).encode()
    (site / DOCS).write_bytes(docs)
    (site / PACKED_DOCS).write_bytes(gzip.compress(docs, compresslevel=9, mtime=0))
    version = hashlib.sha256(docs).hexdigest()[:12]  # in the URLs: a browser never takes a cached copy for new ones
    config = {**data["config"], "docs": [f"{DOCS}?v={version}", f"{PACKED_DOCS}?v={version}"]}
    index.write_text(json.dumps({"config": config, "docs": []}, separators=(",", ":")), encoding="utf-8")


def load_search_entries(site: Path) -> list[dict[str, Any]]:
    """A built site's search entries: in `search/search_index.json`, or beside it once pack_search_index has moved
    them out (for tests and the benchmark)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["config"].get("docs")
    if isinstance(docs, list):  # their URLs, with a version after the path
        return list(json.loads((site / docs[0].partition("?")[0]).read_text(encoding="utf-8")))
    return list(index["docs"])
