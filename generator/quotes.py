"""Quote verification: find a quote in its source text after normalising typography."""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from bisect import bisect_right

# Typographic quotes, apostrophes and dashes fold to their ASCII forms.
_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
})
_SPACE = re.compile(r"\s+")
_SPACE_RUN = re.compile(r"[^\S ]\s*| \s+")  # whitespace other than a lone space: what normalising changes


def normalise(text: str) -> str:
    """The form quotes are compared in: Unicode NFC (an accent typed as one character or as a letter plus a
    combining mark compares equal), typography folded, whitespace runs as one space, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).translate(_FOLD)).strip()


def _nfc_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """`text` in NFC, and where each of its characters starts in `text` (None: already NFC, offsets unchanged).
    Composition happens inside a base character and the marks after it, so each such cluster is composed on its
    own and keeps its span."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    parts: list[str] = []
    starts: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or "\u1160" <= text[j] <= "\u11ff"):  # marks, jamo V/T
            j += 1
        piece = unicodedata.normalize("NFC", text[i:j])
        parts.append(piece)
        starts.extend([i] * len(piece))
        i = j
    starts.append(n)
    return "".join(parts), starts


class NormalisedText:
    """A source text in normalised form, with a map back to the original's character offsets.

    Folding is one character to one, so only whitespace runs move offsets. The normalised text is made in one
    regex pass; each run's start in the original and in the normalised text are kept in two machine-integer
    arrays (16 bytes a run, no Python object per run or character), and a found position is mapped back by
    bisection. A run's end follows from the next run's shift, so a sentinel run closes the arrays.
    """

    def __init__(self, original: str) -> None:
        self.original = original
        nfc, self._nfc_starts = _nfc_with_offsets(original)  # offsets below are in the NFC form
        folded = nfc.translate(_FOLD)
        self.text = _SPACE_RUN.sub(" ", folded)
        self._norm_at = array("q")  # where each whitespace run starts in the normalised text
        self._orig_at = array("q")  # ... and in the original
        shift = 0
        for m in _SPACE_RUN.finditer(folded):
            start = m.start()
            self._orig_at.append(start)
            self._norm_at.append(start - shift)
            shift += m.end() - start - 1
        end = len(folded) + 1  # the sentinel: a one-character run past the end
        self._orig_at.append(end)
        self._norm_at.append(end - shift)

    def _to_original(self, j: int) -> int:
        k = bisect_right(self._norm_at, j) - 1
        if k < 0:
            return j
        if j == self._norm_at[k]:
            return self._orig_at[k]
        # The run k ends where the shift grows to the next run's: its length is 1 + that growth.
        run = 1 + (self._orig_at[k + 1] - self._norm_at[k + 1]) - (self._orig_at[k] - self._norm_at[k])
        return self._orig_at[k] + run + (j - self._norm_at[k] - 1)

    # By text and quote, kept across the builds of `mkdocs serve` (texts are kept: corpus.normalised_text).
    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019
    def find(self, quote: str) -> tuple[int, int] | None:
        """The (start, end) span of `quote` in the original text, or None."""
        needle = normalise(quote)
        if not needle:
            return None
        at = self.text.find(needle)
        if at < 0:
            return None
        start, end = self._to_original(at), self._to_original(at + len(needle) - 1) + 1
        if self._nfc_starts is not None:  # offsets so far are in the NFC form of the original
            start, end = self._nfc_starts[start], self._nfc_starts[end]
        return start, end
