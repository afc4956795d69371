"""Located errors: every problem names file, line, column and the document path."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple


class Location(NamedTuple):
    """A spot in a source file; line and column count from 1 (0: the whole file or line)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class BriefingError:
    """One problem in the input, with where it is and what would be valid."""

    loc: Location
    path: str
    message: str
    warning: bool = False  # reported, but the corpus still builds

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.loc}: {'warning: ' if self.warning else ''}{where}{self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.loc.file, self.loc.line, self.loc.col, self.message)


class BriefingsError(Exception):
    """Raised with every error found, so one run reports them all."""

    def __init__(self, errors: Iterable[BriefingError]) -> None:
        self.errors = sorted(set(errors), key=BriefingError.sort_key)
        super().__init__(self.report())

    def report(self) -> str:
        lines = [str(e) for e in self.errors]
        n = len(self.errors)
        lines.append(f"{n} error{'s' if n != 1 else ''} found.")
        return "\n".join(lines)


def suggest(name: str, known: Iterable[str]) -> str:
    """' (did you mean 'putin'?)' for the nearest known ids, or ''."""
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
