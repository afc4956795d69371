"""What a page reads while it renders, so that an edit re-renders only the pages that read what changed
(incremental.py). Under `mkdocs serve --dirty` the corpus' collections are swapped for recording ones; every
lookup made while a page renders adds a key `(collection, id)` to the page's set, and walking a whole
collection adds `(collection, EVERY)`. Plain builds never record: nothing here runs for them but `memo`'s
lookup."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

EVERY = "\0every"  # the key of a page that walked a whole collection: any change in it counts
Key = tuple[str, str]
T = TypeVar("T")


class Sink:
    """Where lookups are recorded: the set of the page being rendered, or None (not recording)."""

    keys: set[Key] | None = None


SINK = Sink()


class RecordingDict(defaultdict[Any, Any]):
    """A collection of the corpus that records its lookups. A defaultdict, so that an index keeps answering an
    empty list for an id with no entry; `default_factory` None for the records themselves (KeyError as before)."""

    def __init__(self, name: str, data: dict[Any, Any]) -> None:
        super().__init__(data.default_factory if isinstance(data, defaultdict) else None, data)
        self.name = name
        self._keys: dict[Any, Key] = {}  # one tuple per key, shared by the pages' sets (a million at 1,000 briefings)

    def _record(self, key: Any) -> None:
        if SINK.keys is not None:
            k = self._keys.get(key)
            if k is None:
                k = self._keys[key] = (self.name, key)
            SINK.keys.add(k)

    def __getitem__(self, key: Any) -> Any:
        self._record(key)
        return super().__getitem__(key)

    def __missing__(self, key: Any) -> Any:
        # An index's empty entry, not stored: the collection stays equal to the next build's, compared whole.
        if self.default_factory is None:
            raise KeyError(key)
        return self.default_factory()

    def get(self, key: Any, default: Any = None) -> Any:
        self._record(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._record(key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[Any]:
        self._record(EVERY)
        return super().__iter__()

    def __len__(self) -> int:
        self._record(EVERY)
        return super().__len__()

    def keys(self) -> Any:
        self._record(EVERY)
        return super().keys()

    def values(self) -> Any:
        self._record(EVERY)
        return super().values()

    def items(self) -> Any:
        self._record(EVERY)
        return super().items()


class RecordingList(list[Any]):
    """A list of the corpus (the relations) that records being read at all."""

    def __init__(self, name: str, data: list[Any]) -> None:
        super().__init__(data)
        self.name = name

    def _record(self) -> None:
        if SINK.keys is not None:
            SINK.keys.add((self.name, EVERY))

    def __iter__(self) -> Iterator[Any]:
        self._record()
        return super().__iter__()

    def __len__(self) -> int:
        self._record()
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._record()
        return super().__getitem__(index)


def memo(cache: dict[Any, tuple[T, frozenset[Key]]], key: Any, compute: Callable[[], T]) -> T:
    """`compute()` once per key, as a cache shared by the pages of a build does; while recording, a later page
    that takes the cached value records what computing it read, as if it had computed it itself."""
    hit = cache.get(key)
    outer = SINK.keys
    if hit is None:
        if outer is None:
            value = compute()
            cache[key] = (value, frozenset())
            return value
        inner: set[Key] = set()
        SINK.keys = inner
        try:
            value = compute()
        finally:
            SINK.keys = outer
        outer |= inner
        cache[key] = (value, frozenset(inner))
        return value
    if outer is not None and hit[1]:
        outer |= hit[1]
    return hit[0]
