"""What of a generated page stays in Material's search index. The whole index is fetched, parsed and indexed by
the reader's browser before the first result shows (25 MB at 1,000 briefings, most of it text repeated from page
to page), so each page keeps what is its own and leaves out what only repeats what has a result of its own:

- the page itself: its title, and the first `PAGE_TEXT` characters of its text (an actor's kind, title and aliases;
  a briefing's source line and tags; an index's or a tag's list, cut);
- every claim: its statement, the row's heading (the rest of the row is out of search);
- every event: its heading, place and descriptions (its actors, briefings and claims are `data-search-exclude`);
- a briefing's summary and key points.

Material's parser reads a page without what is marked `data-search-exclude` (`searchable`). Left out: the other
sections, which list what has a result of its own (a briefing's claims, actors, events and
relations; a profile's briefings, claims, relations and disputes; the year lists of briefings, the claims pages'
headings per briefing, the index tables, the legend)."""

from __future__ import annotations

import functools
import re
from collections.abc import Container
from typing import Any

PAGE_TEXT = 1000
KEPT_SECTIONS = frozenset({"_summary", "_key-points"})
_TAG = re.compile(r"<[^>]*>")
_EXCLUDED = re.compile(r"<([a-z][a-z0-9]*)\b[^>]*\sdata-search-exclude\b[^>]*>")


def searchable(html: str) -> str:
    """A generated page's HTML without the elements marked `data-search-exclude`, for Material's search plugin to
    parse: it reads every element of a page, those it then leaves out too, and that was half of a build's time."""
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
