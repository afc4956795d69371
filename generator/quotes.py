"""Quote verification: find a quote in its source text after normalising typography."""

from __future__ import annotations

import re

# Typographic quotes, apostrophes and dashes fold to their ASCII forms.
_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form quotes are compared in: typography folded, whitespace runs as one space, trimmed."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip()


class NormalisedText:
    """A source text in normalised form, with a map back to the original's character offsets."""

    def __init__(self, original: str) -> None:
        self.original = original
        folded = original.translate(_FOLD)
        chars: list[str] = []
        offsets: list[int] = []
        in_space = True  # drops leading whitespace
        for i, ch in enumerate(folded):
            if ch.isspace():
                if not in_space:
                    chars.append(" ")
                    offsets.append(i)
                in_space = True
            else:
                chars.append(ch)
                offsets.append(i)
                in_space = False
        self.text = "".join(chars)
        self.offsets = offsets

    def find(self, quote: str) -> tuple[int, int] | None:
        """The (start, end) span of `quote` in the original text, or None."""
        needle = normalise(quote)
        if not needle:
            return None
        at = self.text.find(needle)
        if at < 0:
            return None
        return self.offsets[at], self.offsets[at + len(needle) - 1] + 1
