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
    """' (did you mean 'putin'?)' for the nearest known ids, or ''.

    Bounded whatever the corpus: difflib compares `name` with at most MAX_COMPARED ids, those sharing the most
    trigrams with it (an index built once per collection of ids), so a run with thousands of unknown ids stays
    linear instead of comparing each with every id."""
    close = difflib.get_close_matches(name, _candidates(name, known), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"


MAX_COMPARED = 40  # ids difflib compares with one unknown name
_COMMON = 400  # a trigram in more ids than this says little about which is meant, and costs a long scan
_INDEXES: list[tuple[object, int, _TrigramIndex]] = []  # the last few collections' indexes, newest last


def _trigrams(text: str) -> set[str]:
    padded = f"^{text}$"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class _TrigramIndex:
    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self.postings: dict[str, list[int]] = {}
        for n, id in enumerate(ids):
            for t in _trigrams(id):
                self.postings.setdefault(t, []).append(n)

    def candidates(self, name: str) -> list[str]:
        shared: dict[int, int] = {}
        for t in _trigrams(name):
            posting = self.postings.get(t, ())
            if len(posting) > _COMMON:
                continue
            for n in posting:
                shared[n] = shared.get(n, 0) + 1
        best = sorted(shared, key=lambda n: (-shared[n], n))[:MAX_COMPARED]
        return [self.ids[n] for n in best]


def _candidates(name: str, known: Iterable[str]) -> list[str]:
    """At most MAX_COMPARED of the known ids, the likeliest matches first."""
    if isinstance(known, list | tuple | dict | set | frozenset):
        if len(known) <= MAX_COMPARED:
            return list(known)
        for obj, size, index in _INDEXES:  # the same collection asked again: reuse its index
            if obj is known and size == len(known):
                return index.candidates(name)
        index = _TrigramIndex(list(known))
        _INDEXES.append((known, len(known), index))
        del _INDEXES[:-4]
        return index.candidates(name)
    ids = list(known)
    return ids if len(ids) <= MAX_COMPARED else _TrigramIndex(ids).candidates(name)
