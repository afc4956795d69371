"""`[[id]]` and `[[id|label]]` references inside Markdown fields."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# An empty id or label still matches, so that `check` reports it instead of it showing as raw text.
LINK = re.compile(r"\[\[([^\[\]|\n]*?)(?:\|([^\[\]\n]*?))?\]\]")


@dataclass(frozen=True, slots=True)
class LinkRef:
    id: str
    label: str | None
    start: int
    end: int


# Kept across the builds of `mkdocs serve`: an edit links every field of the corpus again, nearly all unchanged.
@functools.lru_cache(maxsize=1 << 17)
def parse_links(text: str) -> tuple[LinkRef, ...]:
    """Every `[[...]]` in a Markdown string, in order."""
    return tuple(LinkRef(m[1].strip(), (m[2] or "").strip() or None, m.start(), m.end()) for m in LINK.finditer(text))
