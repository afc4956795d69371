"""Placeholders left from `briefings new`: a `TODO` in any text value. Allowed in drafts, an error elsewhere.
Parsing (`fields.Str`) notes each one as it reads the value; the loader reports them once it knows the briefing
is not a draft."""

from __future__ import annotations

import re

from .errors import BriefingError, Location

PLACEHOLDER = re.compile(r"\bTODO\b")  # upper case, as the skeleton writes it; "todo" in prose is left alone


def has_placeholder(value: str) -> bool:
    return "TODO" in value and PLACEHOLDER.search(value) is not None


def placeholder_errors(found: list[tuple[str, Location]], skip: set[Location]) -> list[BriefingError]:
    """The placeholders noted while parsing, as errors; `skip`: locations already in error (an invalid id or date
    that is a placeholder is reported once)."""
    return [BriefingError(loc, path, "placeholder 'TODO' left from `briefings new`: write the real value, or mark "
                          "the briefing `draft: true` until it is done") for path, loc in found if loc not in skip]
