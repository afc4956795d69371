"""Telling a quote pasted in translation from one mistyped: by script, by shared words, by `source.lang`."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+")
# A few very common words per language: enough to tell which one a quote is in, not to identify any text.
_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "it", "we", "will", "with", "for", "not", "this", "if",
           "has", "have", "are", "was", "from"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "que", "qui", "dans", "pour", "pas", "nous", "sur", "du",
           "au", "ce", "si", "il", "elle"},
    "pt": {"o", "os", "as", "e", "do", "da", "dos", "das", "que", "em", "um", "uma", "para", "com", "não", "se",
           "ao", "pela", "pelo", "é"},
    "es": {"el", "los", "las", "y", "del", "que", "en", "un", "una", "para", "con", "no", "se", "por", "es", "al",
           "si", "lo", "su", "como"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "den", "ein", "eine", "zu", "auf", "wir", "sich",
           "dem", "des", "im", "für", "von", "wenn"},
    "it": {"il", "gli", "della", "che", "non", "per", "con", "una", "sono", "del", "nel", "alla", "anche", "più",
           "se", "lo", "ha", "di", "è", "questo"},
    "ru": {"и", "в", "не", "на", "что", "с", "по", "это", "как", "мы", "он", "к", "из", "для", "если", "будем"},
}
_NAMES = {"en": "English", "fr": "French", "pt": "Portuguese", "es": "Spanish", "de": "German", "it": "Italian",
          "ru": "Russian"}
SAMPLE = 200_000  # characters of the source read for its scripts and words: enough, and bounded


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0].title() if name else ""


def _scripts(text: str) -> Counter[str]:
    return Counter(_script(ch) for ch in text if ch.isalpha())


def _guess_language(words: list[str]) -> str | None:
    """The language whose common words the quote uses most, if it uses at least two of them."""
    hits = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    lang, n = max(hits.items(), key=lambda kv: kv[1])
    return lang if n >= 2 and list(hits.values()).count(n) == 1 else None


def translation_hint(quote: str, text: str, lang: str | None = None) -> str | None:
    """Why a quote that was not found looks like a translation of the source rather than its words, or None."""
    quote = unicodedata.normalize("NFC", quote)
    sample = unicodedata.normalize("NFC", text[:SAMPLE])
    q_scripts, t_scripts = _scripts(quote), _scripts(sample)
    if q_scripts and t_scripts:
        q_main = q_scripts.most_common(1)[0][0]
        total = sum(t_scripts.values())
        if t_scripts[q_main] < 0.05 * total:
            t_main = t_scripts.most_common(1)[0][0]
            return f"it is in {q_main} script and the source is in {t_main}"
    words = [w.casefold() for w in _WORD.findall(quote)]
    if len(words) < 3:
        return None
    known = {w.casefold() for w in _WORD.findall(sample)}
    found = sum(w in known for w in words) / len(words)
    guessed = _guess_language(words)
    primary = lang.split("-")[0].lower() if lang else None
    if primary and guessed and guessed != primary and found < 0.8:
        return f"it reads as {_NAMES[guessed]} and source.lang is {lang}"
    if found < 0.5:
        return f"only {found:.0%} of its words occur in the source"
    return None
