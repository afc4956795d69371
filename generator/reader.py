"""Reading YAML safely: size, encoding, line length and nesting are checked before parsing; the result is
the composed node tree (every node keeps its line and column), never constructed Python objects, so no
tag can run code and YAML 1.1 type guessing (`no`, `1:30`, `2015-11-14`) never applies by itself."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import BriefingError, Location

try:  # libyaml is ~10x faster; the pre-checks below keep its deep-nesting crash out of reach.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 2_000_000
MAX_LINE_CHARS = 10_000
MAX_DEPTH = 64
# Standard tags only: anything else (`!!python/object`, `!custom`) is refused, not constructed.
CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)


_BRACKETS = re.compile(r"[\[\]{}\n]")
_DEEP_INDENT = re.compile(rf"^[ \t-]{{{MAX_DEPTH * 4 + 1},}}", re.MULTILINE)


def _nesting_error(text: str, rel: str) -> BriefingError | None:
    """Refuse documents nested deeper than MAX_DEPTH before a parser recurses into them.

    Block nesting shows as indentation; flow nesting as brackets. Brackets inside quoted strings count
    too, which only errs on the side of refusing a pathological file.
    """
    m = _DEEP_INDENT.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        return BriefingError(Location(rel, line, m.end() - m.start()), "",
                             f"nesting is deeper than the format allows (indentation {m.end() - m.start()}); "
                             "a briefing needs at most a few levels")
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth, line, line_start = 0, 1, 0
    for m in _BRACKETS.finditer(text):
        ch = m[0]
        if ch == "\n":
            line, line_start = line + 1, m.end()
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return BriefingError(Location(rel, line, m.start() - line_start + 1), "",
                                     f"brackets nest more than {MAX_DEPTH} deep; a briefing needs at most a few levels")
        else:
            depth = max(0, depth - 1)
    return None


class _FastLoader(_Loader):
    """Implicit scalars resolve to null or str only: the spec types every value from its raw text, so
    YAML 1.1's guessing (bool, int, sexagesimal, timestamp) is skipped, and with it most of the cost."""

    def resolve(self, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return NULL_TAG if value in _NULLS else _STR
        return super().resolve(kind, value, implicit)


NULL_TAG, _STR = "tag:yaml.org,2002:null", "tag:yaml.org,2002:str"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


def read_yaml(path: Path, rel: str) -> tuple[yaml.Node | None, list[BriefingError]]:
    """The composed node tree of one YAML file, or None with located errors."""
    try:
        with path.open("rb") as f:  # at most one byte past the limit, whatever the file claims to be
            size = os.fstat(f.fileno()).st_size
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        return None, [BriefingError(Location(rel), "", f"cannot read file: {e.strerror}")]
    if len(data) > MAX_FILE_BYTES:
        shown = f"{size:,}" if size > MAX_FILE_BYTES else f"over {MAX_FILE_BYTES:,}"  # a pipe has no size
        return None, [BriefingError(Location(rel), "", f"file is {shown} bytes; the limit is {MAX_FILE_BYTES:,}: "
                                    "split it into several briefings")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        at_line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        return None, [BriefingError(Location(rel, at_line, col), "",
                                    f"not UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8")]
    text = text.removeprefix("\ufeff")
    for lineno, line in enumerate(text.splitlines(), 1):
        if len(line) > MAX_LINE_CHARS:
            return None, [BriefingError(Location(rel, lineno, MAX_LINE_CHARS + 1), "",
                                        f"line is {len(line):,} characters; the limit is {MAX_LINE_CHARS:,}: "
                                        "use a block scalar (|) and break the text into lines")]
        if "\x00" in line:
            return None, [BriefingError(Location(rel, lineno, line.index("\x00") + 1), "",
                                        "NUL byte in file; remove it (is this a text file?)")]
    nesting = _nesting_error(text, rel)
    if nesting:
        return None, [nesting]
    try:
        node = yaml.compose(text, Loader=_FastLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        loc = Location(rel, mark.line + 1, mark.column + 1) if mark else Location(rel)
        what = " ".join(x for x in (e.context, e.problem) if x)
        return None, [BriefingError(loc, "", f"YAML syntax error: {what}{_syntax_hint(what)}")]
    except yaml.YAMLError as e:
        return None, [BriefingError(Location(rel), "", f"YAML error: {e}")]
    except RecursionError:
        return None, [BriefingError(Location(rel), "", "nesting too deep")]
    return node, []


def _syntax_hint(problem: str) -> str:
    """The usual cause of PyYAML's commonest complaints, in the analyst's terms."""
    if "mapping values are not allowed" in problem:
        return " (a colon followed by a space inside a text starts a key: put the whole text in quotes)"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return (" (often a quote mark inside a quoted text: inside '...' write an apostrophe as '', "
                'inside "..." write \\"; or an indentation that does not line up)')
    if "found character '\\t'" in problem:
        return " (a tab: indent with spaces)"
    return ""


def loc_of(node: yaml.Node, rel: str) -> Location:
    mark = node.start_mark
    return Location(rel, mark.line + 1, mark.column + 1)


def tag_error(node: yaml.Node) -> str | None:
    """Why a node's tag is refused, or None for a standard one."""
    if node.tag in CORE_TAGS:
        return None
    return f"tag '{node.tag.removeprefix('tag:yaml.org,2002:')}' is not allowed: remove it (no tags are needed)"
