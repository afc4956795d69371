"""Placeholders left from `briefings new`: a `TODO` in any text value. Allowed in drafts, an error elsewhere."""

from __future__ import annotations

import re

import yaml

from .errors import BriefingError, Location
from .reader import loc_of

PLACEHOLDER = re.compile(r"\bTODO\b")  # upper case, as the skeleton writes it; "todo" in prose is left alone


def find_placeholders(node: yaml.Node, rel: str, skip: set[Location] | None = None) -> list[BriefingError]:
    """Every scalar value with a TODO, located, in document order; `skip`: locations already in error."""
    errors: list[BriefingError] = []
    seen: set[int] = set()  # aliases share nodes: visit each once
    stack: list[tuple[yaml.Node, str]] = [(node, "")]
    while stack:
        n, path = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, yaml.ScalarNode):
            if PLACEHOLDER.search(n.value) and loc_of(n, rel) not in (skip or ()):
                errors.append(BriefingError(loc_of(n, rel), path, "placeholder 'TODO' left from `briefings new`: "
                                            "write the real value, or mark the briefing `draft: true` until "
                                            "it is done"))
        elif isinstance(n, yaml.SequenceNode):
            stack.extend((child, f"{path}[{i}]") for i, child in reversed(list(enumerate(n.value))))
        elif isinstance(n, yaml.MappingNode):
            stack.extend((v, f"{path}.{k.value}" if path else str(k.value)) for k, v in reversed(n.value))
    return sorted(errors, key=BriefingError.sort_key)
