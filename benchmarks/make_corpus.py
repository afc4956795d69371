"""Deterministic synthetic corpus generator for benchmarking the briefing-site generator.

Usage::

    python benchmarks/make_corpus.py N OUTDIR [--seed 1] [--force]

It writes a complete project in OUTDIR, following the format contract (the briefing format):

- ``briefings/actors.yml``: about ``max(60, N // 2)`` actors of every kind (person, state,
  organization, group, media, other). A handful of ``media`` actors are the publications. Some
  actors have aliases, a few in Cyrillic or Arabic/Persian script (some with a ZWNJ); affiliations
  point at other actors; descriptions are Markdown with ``[[id]]`` and ``[[id|label]]`` links.
- ``briefings/<yyyy>/<briefing-id>.yml``: N briefings, filed under their source's year, with ids
  like ``2015-11-27-pipeline-truce`` (true publication date, two words). Source
  dates increase with the briefing's index and span 2000-2025, so events (dated up to about 2.5
  years before their source) fall in every year of that range.
- ``seeds/<briefing-id>.txt``: each briefing's source text, 3-6 KB of pseudo-prose built from word
  lists, with typographic apostrophes, quotes and dashes and, in some texts, double spaces.
- ``mkdocs.yml`` (Material theme, ``search`` and ``briefings`` plugins) and ``docs/index.md``.

Design:

- Everything comes from one ``random.Random(seed)``, consumed in a fixed order, and the outputs are
  written in a fixed order, so a given (N, seed) always gives the same bytes. The YAML is written
  by a small emitter here (PyYAML's representer took half the run time); PyYAML's resolver decides
  which strings must be quoted, and every file loads with ``yaml.safe_load``.
- Ids live in one namespace (briefings, actors, events, claims). All briefing ids are made first,
  and for each one the default claim ids ``<briefing-id>-1`` to ``-15`` are reserved at once, so
  no explicit id (deduplicated against the reserved set with ``-2``, ``-3``... suffixes) can ever
  equal a default. Whether ``n`` in a default id counts a claim's position in the list or only
  the claims without an id, it is the same number for claims that come before any claim with an
  explicit id; only those default ids are ever referred to.
- Actor usage is Zipf-like: actors are ranked and drawn with weight ``1 / rank ** 1.07``, and the
  three top-ranked actors are put in nearly every briefing.
- A claim's ``quote`` is 6-15 consecutive words sliced from the source text, so it is an exact
  substring, except that a few quotes use straight ASCII quotes, apostrophes and dashes instead of
  the typographic ones, or one space where the text has two, to exercise normalisation.
- Cross-briefing references only point backwards: ``ref:`` events, ``supports`` and
  ``contradicts`` (to explicit claim ids) and ``[[id]]`` links go to earlier briefings, preferring
  ones that share an actor with the current briefing.
- Dates are EDTF strings (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, with ``~``, ``?`` or ``%``, and
  intervals); the emitter quotes any that would otherwise load as a date or a number.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FIRST = dt.date(2000, 1, 1)
EARLIEST_EVENT = dt.date(1997, 6, 1)  # events may predate the first source; not clamped onto one day
LAST = dt.date(2025, 12, 31)
MAX_CLAIMS = 15

# --- word lists -----------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Adrian Aleksei Amira Anton Ayesha Bahram Beatriz Boris Camille Carlos Dara Dmitri Elena Emre "
    "Farid Fatima Gideon Hassan Helga Ilya Ines Ivan Jamal Jonas Karim Katarina Leila Lorenzo Mahmoud "
    "Maria Marek Mehdi Mikhail Mina Nadia Nikolai Noor Olga Omar Pavel Rania Reza Rustam Salma Samir "
    "Sergei Sofia Tariq Timur Valentina Viktor Yasmin Yusuf Zainab Zoran Anders Claire Hugo Ingrid"
)
LAST_NAMES = _words(
    "Abbasi Adler Ahmadi Aliyev Antonov Bakr Baranov Becker Bennani Bogdan Castillo Chaudhry Darwish "
    "Demir Dufour Egorov Farahani Fedorov Ghani Haddad Hakimi Halvorsen Hosseini Ibrahim Ivanova "
    "Jansen Kazemi Khalil Kovac Kuznetsov Larsen Lebedev Mansour Markovic Mendez Mirza Morozov Nasser "
    "Novak Orlov Osman Petrov Popescu Qasim Rahimi Romanov Saleh Sadeghi Sokolov Suleiman Tahir "
    "Tehrani Toma Usmanov Vasquez Volkov Wagner Yilmaz Zaidi Zamani Zhukov Karimi Hamdan Lindqvist "
    "Moreau Novikov Okafor Pereira Rashidi Sorensen Talabani Varga Weber Yazdani"
)
STATE_HEADS = _words("Val Kes Mor Tar Bel Zan Ost Cor Lun Ard Sar Dra Vel Nor Esk Gal Ker Pol Rha Tav")
STATE_MIDS = ("", "a", "e", "o", "i")
STATE_TAILS = _words("doria tania mark via stan land goria bania ria nesia mir vonia thea garia lia")
CITIES = _words(
    "Vienna Geneva Doha Ankara Moscow Tehran Damascus Baghdad Beirut Cairo Riyadh Muscat Baku Tbilisi "
    "Yerevan Kyiv Minsk Warsaw Berlin Paris London Brussels Rome Athens Nicosia Amman Jerusalem "
    "Istanbul Astana Tashkent Kabul Islamabad Delhi Beijing Tokyo Seoul Washington Ottawa Oslo "
    "Stockholm Helsinki Tallinn Riga Vilnius Sofia Bucharest Belgrade Zagreb Tunis Algiers Rabat "
    "Tripoli Khartoum Sanaa Aden Manama Kuwait Dubai Latakia Aleppo Mosul Erbil Basra Sochi Sevastopol"
)
WORDS_A = _words(
    "Northern Southern Eastern Western Central Atlantic Caspian Baltic Red Amber Iron Silver Crescent "
    "Harbour Summit Meridian Horizon Pioneer Beacon Falcon Cedar Granite Delta Unity Liberty Sentinel"
)
NOUNS = _words(
    "agreement army border budget cabinet ceasefire coalition commander convoy corridor council crisis "
    "deal delegation deployment diplomat drone economy election embargo envoy faction frontier "
    "government grain harbour intelligence investment leadership ministry militia negotiation offensive "
    "oil opposition parliament pipeline port proposal protest rebellion reform refinery regime reserve "
    "resolution sanction security settlement shipment summit supply talks tanker territory treaty "
    "troops truce uprising vote warship airbase garrison consortium bloc mandate accord"
)
VERBS = _words(
    "accepted announced approved blocked confirmed criticised delayed denied deployed discussed "
    "dismissed endorsed expanded financed halted ignored launched leaked negotiated opposed postponed "
    "pressed proposed rejected renewed resumed revealed secured signed suspended threatened tightened "
    "undermined urged warned backed courted disowned"
)
ADJS = _words(
    "bilateral brief cautious covert decisive delicate fragile hasty heavy informal joint major military "
    "narrow nervous new northern official partial political quiet regional rival secret senior sharp "
    "southern strategic sudden tacit temporary tense uneasy unexpected wider"
)
ADVS = _words("abruptly quietly openly reluctantly swiftly firmly cautiously repeatedly privately publicly")
TIMES = (
    "last week", "on Monday", "before the summit", "in the spring", "by the end of the month",
    "earlier this year", "overnight", "within days", "after the elections", "at the weekend",
    "on Thursday", "late last year",
)
PREPS = _words("across along beyond near inside over against around")
SOURCES = (
    "Western intelligence sources", "diplomatic sources", "military sources", "a senior official",
    "people familiar with the talks", "Gulf sources", "our sources", "a leaked memo",
)
TAGS = _words(
    "energy sanctions diplomacy ceasefire elections arms-trade intelligence maritime cyber refugees "
    "nuclear border-dispute terrorism insurgency trade oil-gas alliances mediation protests succession "
    "air-campaign naval hostages"
)
EVENT_KINDS = _words(
    "talks summit strike raid shootdown election protest deal visit meeting ceasefire sanctions leak "
    "arrest bombing drill offensive blockade accord"
)
RELATION_KINDS = (
    "alliance", "rift", "talks", "rivalry", "funding", "arms supply", "mediation", "ceasefire",
    "sanctions", "command", "patronage", "back channel",
)
SOURCING = ("named", "anonymous", "publication", "document", "observed")
SOURCING_W = (30, 30, 20, 12, 8)
RELIABILITY = "ABCDEF"
PERSON_TITLES = (
    "President", "Prime Minister", "Foreign Minister", "Defence Minister", "Chief of Staff",
    "Intelligence Chief", "Ambassador", "Special Envoy", "Spokesperson", "Commander", "Chairman",
)
KIND_NOUNS = {
    "person": "figure", "state": "state", "organization": "organization", "group": "armed group",
    "media": "outlet", "other": "source",
}
CYRILLIC = {
    "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц", "ya": "я", "yu": "ю", "a": "а", "b": "б",
    "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "й", "k": "к", "l": "л",
    "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в",
    "w": "в", "x": "кс", "y": "и", "z": "з",
}
PERSIAN = {
    "sh": "ش", "ch": "چ", "zh": "ژ", "kh": "خ", "gh": "غ", "a": "ا", "b": "ب", "c": "ک", "d": "د",
    "e": "ی", "f": "ف", "g": "گ", "h": "ه", "i": "ی", "j": "ج", "k": "ک", "l": "ل", "m": "م", "n": "ن",
    "o": "و", "p": "پ", "q": "ق", "r": "ر", "s": "س", "t": "ت", "u": "و", "v": "و", "w": "و",
    "x": "کس", "y": "ی", "z": "ز",
}
STRAIGHTEN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


# --- ids ----------------------------------------------------------------------------------------

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 48) -> str:
    """A lowercase ASCII slug of `text`, at most `limit` characters, never empty."""
    s = _NOT_SLUG.sub("-", text.lower()).strip("-")[:limit].strip("-")
    return s or "x"


class Namespace:
    """The one id namespace shared by briefings, actors, events and claims."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def reserve(self, ident: str) -> None:
        if ident in self.used:
            raise AssertionError(f"id {ident!r} reserved twice")
        self.used.add(ident)

    def unique(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`... whichever is free first; reserved on return."""
        base = slug(base, 56)
        ident, n = base, 1
        while ident in self.used:
            n += 1
            ident = f"{base}-{n}"
        self.used.add(ident)
        return ident


def transliterate(name: str, table: dict[str, str]) -> str:
    out: list[str] = []
    low = name.lower()
    i = 0
    while i < len(low):
        pair = low[i : i + 2]
        if pair in table:
            out.append(table[pair])
            i += 2
            continue
        ch = low[i]
        out.append(table.get(ch, ch if ch in " -" else ""))
        i += 1
    text = "".join(out)
    if table is CYRILLIC:
        text = " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return text


# --- dates --------------------------------------------------------------------------------------


def add_months(d: dt.date, months: int) -> tuple[int, int]:
    m = d.year * 12 + d.month - 1 + months
    return m // 12, m % 12 + 1


def edtf_published(rng: random.Random, d: dt.date) -> str:
    r = rng.random()
    if r < 0.6:
        return d.isoformat()
    if r < 0.8:
        return d.isoformat() + "~"
    if r < 0.95:
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}-{d.month:02d}?"


def edtf_event(rng: random.Random, d: dt.date) -> tuple[str, str]:
    """A fuzzy EDTF date around `d` and the digits to put in an event id."""
    day, month, year = d.isoformat(), f"{d.year:04d}-{d.month:02d}", f"{d.year:04d}"
    r = rng.random()
    if r < 0.33:
        return day, day
    if r < 0.52:
        return month, month
    if r < 0.58:
        return year, year
    if r < 0.8:
        value = rng.choice((day, day, month, month, year))
        return value + rng.choice("~~?%"), value
    if r < 0.94:
        y, m = add_months(d, rng.randint(1, 8))
        if (y, m) > (LAST.year, LAST.month):
            return month + "~", month
        return f"{month}/{y:04d}-{m:02d}", month
    end = min(d + dt.timedelta(days=rng.randint(1, 20)), LAST)
    if end == d:
        return day, day
    return f"{day}/{end.isoformat()}", day


# --- actors -------------------------------------------------------------------------------------


@dataclass
class Actor:
    id: str
    name: str
    kind: str
    profile: dict[str, Any] = field(default_factory=dict)


def unique_name(seen: set[str], make: Callable[[], str]) -> str:
    for _ in range(60):
        name = make()
        if name not in seen:
            seen.add(name)
            return name
    base, n = make(), 2
    while f"{base} {n}" in seen:
        n += 1
    seen.add(f"{base} {n}")
    return f"{base} {n}"


def make_actors(rng: random.Random, ns: Namespace, count: int) -> tuple[list[Actor], list[Actor]]:
    """All actors, in Zipf rank order (most used first), and the publications."""
    n_media = max(8, round(count * 0.05))
    n_state = max(8, round(count * 0.09))
    n_org = max(8, round(count * 0.17))
    n_group = max(5, round(count * 0.09))
    n_other = max(3, round(count * 0.04))
    n_person = max(10, count - n_media - n_state - n_org - n_group - n_other)
    seen: set[str] = set()

    def state_name() -> str:
        return rng.choice(STATE_HEADS) + rng.choice(STATE_MIDS) + rng.choice(STATE_TAILS)

    states = [unique_name(seen, state_name) for _ in range(n_state)]

    def place() -> str:
        return rng.choice(CITIES) if rng.random() < 0.5 else rng.choice(states)

    def org_name() -> str:
        pattern = rng.randrange(6)
        if pattern == 0:
            return f"Ministry of Defence of {rng.choice(states)}"
        if pattern == 1:
            return f"{rng.choice(WORDS_A)} Energy Corporation"
        if pattern == 2:
            return f"{rng.choice(CITIES)} Institute for Strategic Studies"
        if pattern == 3:
            return f"{rng.choice(states)} National Bank"
        if pattern == 4:
            return f"International {rng.choice(NOUNS).title()} Agency"
        return f"{rng.choice(WORDS_A)} {rng.choice(('Holdings', 'Shipping', 'Logistics', 'Group'))}"

    def group_name() -> str:
        pattern = rng.randrange(4)
        if pattern == 0:
            return f"{rng.choice(states)} Liberation Front"
        if pattern == 1:
            return f"{rng.choice(CITIES)} Brigade"
        if pattern == 2:
            return f"Sons of {rng.choice(WORDS_A)}"
        return f"{rng.choice(WORDS_A)} Movement"

    def media_name() -> str:
        pattern = rng.randrange(5)
        if pattern == 0:
            return f"The {rng.choice(CITIES)} Herald"
        if pattern == 1:
            return f"{rng.choice(states)} Weekly"
        if pattern == 2:
            return f"{rng.choice(WORDS_A)} News Agency"
        if pattern == 3:
            return f"{place()} Observer"
        return f"{rng.choice(WORDS_A)} Review"

    def other_name() -> str:
        pattern = rng.randrange(3)
        if pattern == 0:
            return f"{rng.choice(states)} diplomatic sources"
        if pattern == 1:
            return f"{rng.choice(CITIES)} intelligence sources"
        return f"Anonymous {rng.choice(NOUNS)} officials"

    def person_name() -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"

    actors: list[Actor] = [Actor(ns.unique(n), n, "state") for n in states]
    for kind, number, maker in (
        ("organization", n_org, org_name),
        ("group", n_group, group_name),
        ("media", n_media, media_name),
        ("other", n_other, other_name),
        ("person", n_person, person_name),
    ):
        for _ in range(number):
            name = unique_name(seen, maker)
            actors.append(Actor(ns.unique(name), name, kind))

    by_kind: dict[str, list[Actor]] = {}
    for a in actors:
        by_kind.setdefault(a.kind, []).append(a)
    name_of = {a.id: a.name for a in actors}

    for a in actors:
        p: dict[str, Any] = {"name": a.name, "kind": a.kind}
        aff: Actor | None = None
        if a.kind == "person":
            p["title"] = f"{rng.choice(PERSON_TITLES)} of {rng.choice(states)}"
            if rng.random() < 0.8:
                aff = rng.choice(by_kind[rng.choice(("state", "state", "organization", "group", "media"))])
        elif a.kind in ("organization", "group", "media") and rng.random() < 0.6:
            aff = rng.choice(by_kind["state"])
        elif a.kind == "state" and rng.random() < 0.1:
            aff = rng.choice(by_kind["organization"])
        if aff is not None:
            p["affiliation"] = aff.id
        aliases: list[str] = []
        if a.kind == "person" and rng.random() < 0.5:
            surname = a.name.split()[-1]
            aliases.append(f"{p['title'].split(' of ')[0]} {surname}")
            if rng.random() < 0.2:
                aliases.append(transliterate(a.name, CYRILLIC if rng.random() < 0.5 else PERSIAN))
        elif a.kind == "state" and rng.random() < 0.3:
            aliases.append(f"Republic of {a.name}")
            if rng.random() < 0.5:
                aliases.append(transliterate(a.name, rng.choice((CYRILLIC, PERSIAN))))
        elif a.kind == "media" and rng.random() < 0.4:
            short = "".join(w[0] for w in a.name.split() if w[0].isupper())
            aliases.append(short)
            if rng.random() < 0.5:
                aliases.append("هفته\u200cنامه " + transliterate(a.name.split()[-1], PERSIAN))
        if aliases:
            p["aliases"] = list(dict.fromkeys(aliases))
        if rng.random() < 0.85:
            p["description"] = actor_description(rng, a, aff, actors, name_of)
        if rng.random() < 0.3:
            links: dict[str, str] = {"wikidata": f"Q{rng.randint(1000, 99_999_999)}"}
            if rng.random() < 0.5:
                links["wikipedia"] = f"https://example.org/wiki/{a.id}"
            p["links"] = links
        a.profile = p

    # Zipf rank: a state, a person and an organization head the list, the rest in random order.
    rng.shuffle(actors)
    heads = [next(a for a in actors if a.kind == k) for k in ("state", "person", "organization")]
    ranked = heads + [a for a in actors if a not in heads]
    publications = by_kind["media"][:8]
    return ranked, publications


def actor_description(
    rng: random.Random, a: Actor, aff: Actor | None, actors: Sequence[Actor], name_of: dict[str, str]
) -> str:
    other = rng.choice(actors)
    what = f"{rng.choice(ADJS)} {KIND_NOUNS[a.kind]}"
    article = "an" if what[0] in "aeiou" else "a"
    parts = [f"{a.name} is {article} {what} active in the {rng.choice(NOUNS)} file"]
    if aff is not None:
        parts.append(f", tied to [[{aff.id}]]")
    if other.id != a.id:
        label = other.name.split()[-1]
        link = f"[[{other.id}|{label}]]" if rng.random() < 0.3 else f"[[{other.id}]]"
        parts.append(f". It has {rng.choice(VERBS)} {link} {rng.choice(TIMES)}")
    parts.append(".")
    return "".join(parts)


# --- prose --------------------------------------------------------------------------------------


def sentence(rng: random.Random, names: Sequence[str], places: Sequence[str], year: int) -> str:
    name = rng.choice(names)
    n1, n2, n3 = rng.choice(NOUNS), rng.choice(NOUNS), rng.choice(NOUNS)
    v1, v2 = rng.choice(VERBS), rng.choice(VERBS)
    a1, a2 = rng.choice(ADJS), rng.choice(ADJS)
    t = rng.randrange(10)
    if t == 0:
        return f"{name} {v1} the {a1} {n1} {rng.choice(TIMES)}."
    if t == 1:
        return f"According to {rng.choice(SOURCES)}, the {n1} {v1} the {n2} {rng.choice(PREPS)} the {n3}."
    if t == 2:
        return f"“The {n1} is {a1},” {name} said, adding that the {n2} had been {v1} {rng.choice(ADVS)}."
    if t == 3:
        return f"The {n1}’s {n2} — {a1} and {a2} — was {v1} {rng.choice(TIMES)}."
    if t == 4:
        y1 = max(2000, year - rng.randint(1, 6))
        return f"Between {y1}–{year} the {n1} {v1} a {a1} {n2} {rng.choice(ADVS)}."
    if t == 5:
        return (
            f"{name}’s {n1} {v1} the {n2}; officials in {rng.choice(places)} {v2} the move—{a1}, "
            f"they said—{rng.choice(TIMES)}."
        )
    if t == 6:
        return f"Officials said it was “{a1}” that the {n1} had been {v1} in {rng.choice(places)}."
    if t == 7:
        return f"It’s not clear whether {name} {v1} the {n1} {rng.choice(PREPS)} {rng.choice(places)}."
    return (
        f"The {a1} {n1} {v1} the {n2} {rng.choice(PREPS)} the {n3}, and the {rng.choice(NOUNS)} "
        f"{v2} {rng.choice(ADVS)}."
    )


def source_text(
    rng: random.Random, title: str, names: Sequence[str], places: Sequence[str], year: int
) -> tuple[str, int]:
    """The article text and the offset where its body starts (after the title line)."""
    target = rng.randint(3000, 6000)
    gap = "  " if rng.random() < 0.25 else " "
    head = f"{title}\n\n"
    paras: list[str] = []
    size = len(head.encode())
    while size < target:
        if paras and rng.random() < 0.12:
            para = f"\n{rng.choice(names)} and the {rng.choice(NOUNS)}\n"
        else:
            para = gap.join(sentence(rng, names, places, year) for _ in range(rng.randint(3, 6)))
        paras.append(para)
        size += len(para.encode()) + 1
    return head + "\n".join(paras) + "\n", len(head)


_WORD_START = re.compile(r"(?<!\S)\S")
# n words separated by spaces only, so a quote never spans a line break
_RUNS = {n: re.compile(rf"\S+(?: +\S+){{{n - 1}}}") for n in range(6, 16)}
_TYPO = re.compile("[’‘“”–—]")


def pick_quote(rng: random.Random, text: str, body: int, typo: list[int]) -> str:
    """6-15 consecutive words of `text` (after `body`), within one line; a few made inexact.

    `typo` holds the offsets of typographic characters: a good share of quotes include one.
    """
    for _ in range(100):
        if typo and rng.random() < 0.4:
            at = max(body, rng.choice(typo) - rng.randint(0, 60))
        else:
            at = rng.randrange(body, len(text))
        word = _WORD_START.search(text, at)
        if word is None:
            continue
        m = _RUNS[rng.randint(6, 15)].match(text, word.start())
        if m is not None:
            quote = m.group()
            break
    else:  # pragma: no cover - every text has many lines of well over 15 words
        raise AssertionError("no quotable line")
    if _TYPO.search(quote) and rng.random() < 0.06:
        quote = quote.translate(STRAIGHTEN)
    if "  " in quote and rng.random() < 0.15:
        quote = re.sub(r" {2,}", " ", quote)
    return quote


# --- briefings ----------------------------------------------------------------------------------


class Zipf:
    def __init__(self, items: Sequence[Actor], s: float = 1.07) -> None:
        self.items = items
        acc = 0.0
        self.cum: list[float] = []
        for r in range(len(items)):
            acc += 1.0 / (r + 1) ** s
            self.cum.append(acc)

    def sample(self, rng: random.Random, k: int, chosen: list[Actor]) -> list[Actor]:
        ids = {a.id for a in chosen}
        total = self.cum[-1]
        while len(chosen) < k:
            a = self.items[min(bisect.bisect(self.cum, rng.random() * total), len(self.items) - 1)]
            if a.id not in ids:
                ids.add(a.id)
                chosen.append(a)
        return chosen


def link(rng: random.Random, a: Actor) -> str:
    if rng.random() < 0.15:
        return f"[[{a.id}|{a.name.split()[-1]}]]"
    return f"[[{a.id}]]"


@dataclass
class Pools:
    """What earlier briefings defined, for backward references."""

    events: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    briefings: list[str] = field(default_factory=list)
    events_by_actor: dict[str, list[str]] = field(default_factory=dict)
    claims_by_actor: dict[str, list[str]] = field(default_factory=dict)


def pick_earlier(rng: random.Random, by_actor: dict[str, list[str]], pool: list[str], actors: list[Actor]) -> str:
    a = rng.choice(actors)
    lst = by_actor.get(a.id)
    if lst and rng.random() < 0.7:
        return rng.choice(lst[-50:])
    return rng.choice(pool)


def make_briefing(
    rng: random.Random,
    ns: Namespace,
    bid: str,
    published: dt.date,
    title_words: tuple[str, str],
    zipf: Zipf,
    publications: list[Actor],
    pools: Pools,
) -> tuple[dict[str, Any], str]:
    head = zipf.items
    chosen = [a for a, p in zip(head[:3], (0.93, 0.88, 0.8), strict=True) if rng.random() < p]
    k = rng.randint(max(4, len(chosen)), 10)
    actors = zipf.sample(rng, k, chosen)
    rng.shuffle(actors)
    pub = publications[min(int(rng.paretovariate(1.2)) - 1, len(publications) - 1)]
    persons = [a for a in actors if a.kind == "person"]
    names = [a.name for a in actors] + ["the minister", "the envoy"]
    places = rng.sample(CITIES, 4)
    a0, a1 = actors[0], actors[1]
    title = (
        f"{a0.name} and {a1.name} {rng.choice(VERBS)} {rng.choice(ADJS)} "
        f"{title_words[0]} over {title_words[1]}"
    )
    text, body = source_text(rng, f"{title_words[0].title()} {rng.choice(VERBS)} in {places[0]}",
                             names, places, published.year)
    typo = [m.start() for m in _TYPO.finditer(text, body)]

    source: dict[str, Any] = {
        "title": text.split("\n", 1)[0],
        "publication": pub.id,
        "published": edtf_published(rng, published),
    }
    if rng.random() < 0.5:
        source["url"] = f"https://example.com/{pub.id}/{published.year}/{bid}"
    source["text"] = f"seeds/{bid}.txt"

    # Events: this briefing's own, then references to earlier ones.
    events: list[dict[str, Any]] = []
    event_ids: list[str] = []
    for _ in range(rng.randint(3, 8)):
        when = max(EARLIEST_EVENT, published - dt.timedelta(days=rng.randint(0, 900)))
        date, digits = edtf_event(rng, when)
        kind, place = rng.choice(EVENT_KINDS), rng.choice(places)
        eid = ns.unique(f"{slug(place)}-{kind}-{digits}")
        who = rng.sample(actors, rng.randint(1, min(3, len(actors))))
        ev: dict[str, Any] = {
            "id": eid,
            "date": date,
            "title": f"{who[0].name} {rng.choice(VERBS)} {kind} in {place}",
        }
        if rng.random() < 0.85:
            ev["place"] = place
        ev["actors"] = [a.id for a in who]
        if rng.random() < 0.8:
            ev["description"] = (
                f"{link(rng, who[-1])} {rng.choice(VERBS)} the {rng.choice(ADJS)} {rng.choice(NOUNS)}."
            )
        events.append(ev)
        event_ids.append(eid)
    refs: list[str] = []
    if pools.events:
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            ref = pick_earlier(rng, pools.events_by_actor, pools.events, actors)
            if ref not in refs:
                refs.append(ref)
                entry: dict[str, Any] = {"ref": ref}
                if rng.random() < 0.4:
                    entry["description"] = f"Recalled by {link(rng, rng.choice(actors))} as background."
                events.append(entry)
    all_events = event_ids + refs

    # Claims. Some briefings leave their first claims without ids (default ids that mean the same
    # under either reading of n); a few others leave later claims without ids too.
    n_claims = rng.randint(5, MAX_CLAIMS)
    leading = rng.choice((0, 0, 1, 2)) if rng.random() < 0.4 else 0
    claims: list[dict[str, Any]] = []
    referable: list[str] = []
    explicit: list[tuple[str, list[str]]] = []
    for n in range(1, n_claims + 1):
        about = rng.sample(actors, rng.randint(1, min(4, len(actors))))
        sourcing = rng.choices(SOURCING, SOURCING_W)[0]
        if sourcing == "named" and not persons:
            sourcing = "publication"
        by = pub
        attribution = f"{pub.name}’s sources"
        if sourcing == "named":
            by = rng.choice(persons)
            attribution = f"{by.name}, speaking {rng.choice(TIMES)}"
        elif sourcing == "anonymous":
            attribution = rng.choice(SOURCES)
        elif sourcing == "document":
            by = rng.choice([a for a in actors if a.kind in ("state", "organization")] or [pub])
            attribution = f"a {rng.choice(ADJS)} {rng.choice(NOUNS)} document"
        elif sourcing == "observed":
            attribution = f"{pub.name} reporters"
        verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
        claim: dict[str, Any] = {}
        has_id = n > leading and rng.random() < 0.9
        if has_id:
            claim["id"] = ns.unique(f"{slug(by.name.split()[-1])}-{verb}-{noun}")
        else:
            referable.extend([f"{bid}-{n}"] if n <= leading else [])
        cevents = rng.sample(all_events, rng.randint(0, min(2, len(all_events))))
        subject = next((a for a in about if a.id != by.id), about[0])
        claim["text"] = (
            f"{link(rng, by)} says {link(rng, subject)} {verb} the {rng.choice(ADJS)} {noun}"
            + (f" during [[{cevents[0]}]]" if cevents and rng.random() < 0.5 else "")
            + "."
        )
        claim["by"] = by.id
        if rng.random() < 0.9:
            claim["attribution"] = attribution
        claim["sourcing"] = sourcing
        if rng.random() < 0.92:
            claim["quote"] = pick_quote(rng, text, body, typo)
        claim["about"] = [a.id for a in about]
        if cevents:
            claim["events"] = cevents
        if rng.random() < 0.9:
            claim["reliability"] = rng.choice(RELIABILITY)
            claim["credibility"] = rng.randint(1, 6)
        if pools.claims and rng.random() < 0.25:
            supports = {pick_earlier(rng, pools.claims_by_actor, pools.claims, about) for _ in range(2)}
            claim["supports"] = sorted(supports)
        if pools.claims and rng.random() < 0.12:
            other = pick_earlier(rng, pools.claims_by_actor, pools.claims, about)
            if other not in claim.get("supports", ()):
                claim["contradicts"] = [other]
        claims.append(claim)
        if has_id:
            referable.append(claim["id"])
            explicit.append((claim["id"], claim["about"]))

    relations: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 4)):
        x, y = rng.sample(actors, 2)
        rel: dict[str, Any] = {"between": [x.id, y.id], "kind": rng.choice(RELATION_KINDS)}
        if rng.random() < 0.8:
            when = max(EARLIEST_EVENT, published - dt.timedelta(days=rng.randint(0, 400)))
            rel["date"] = edtf_event(rng, when)[0]
        rel["text"] = f"{link(rng, x)} and {link(rng, y)}: {rng.choice(ADJS)} {rng.choice(NOUNS)}."
        if referable and rng.random() < 0.85:
            rel["claims"] = rng.sample(referable, rng.randint(1, min(2, len(referable))))
        relations.append(rel)

    summary = (
        f"{link(rng, a0)} and {link(rng, a1)} {rng.choice(VERBS)} the {rng.choice(ADJS)} "
        f"{title_words[0]}, while {link(rng, actors[-1])} {rng.choice(VERBS)} the {title_words[1]} "
        f"{rng.choice(TIMES)}. [[{pub.id}]] reports it."
    )
    key_points = [
        f"{link(rng, rng.choice(actors))} {rng.choice(VERBS)} the {rng.choice(NOUNS)}"
        + (f" ([[{rng.choice(all_events)}]])" if rng.random() < 0.4 else "")
        + "."
        for _ in range(rng.randint(2, 4))
    ]
    if pools.briefings and rng.random() < 0.3:
        key_points.append(f"Follows [[{rng.choice(pools.briefings[-200:])}]].")
    if referable and rng.random() < 0.3:
        key_points.append(f"See [[{rng.choice(referable)}]].")

    doc: dict[str, Any] = {
        "title": title,
        "source": source,
        "summary": summary,
        "key_points": key_points,
        "tags": rng.sample(TAGS, rng.randint(1, 4)),
        "actors": {
            a.id: f"{rng.choice(VERBS).capitalize()} the {rng.choice(ADJS)} {rng.choice(NOUNS)}"
            + (f" with {link(rng, actors[0])}." if a is not actors[0] and rng.random() < 0.3 else ".")
            for a in actors
        },
        "events": events,
        "claims": claims,
        "relations": relations,
    }

    # Publish this briefing's ids for later briefings.
    pools.briefings.append(bid)
    for ev in events:
        if "id" in ev:
            pools.events.append(ev["id"])
            for aid in ev["actors"]:
                pools.events_by_actor.setdefault(aid, []).append(ev["id"])
    for cid, about_ids in explicit:
        pools.claims.append(cid)
        for aid in about_ids:
            pools.claims_by_actor.setdefault(aid, []).append(cid)
    return doc, text


# --- output -------------------------------------------------------------------------------------


_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.,;()/’‘“”–—'\"?!%~\[\]|-]*(?<! )")
# what a single-quoted YAML scalar can hold as is: no control characters, line breaks (NEL, LS, PS)
# or BOM; anything else is written double-quoted, with escapes
_YAML_PRINTABLE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_plain_cache: dict[str, bool] = {}


def _is_plain(text: str) -> bool:
    """Whether `text` can be written as a plain scalar and still load as the same string."""
    ok = _plain_cache.get(text)
    if ok is None:
        ok = (
            _PLAIN.fullmatch(text) is not None
            and "  " not in text
            and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG
        )
        if len(_plain_cache) < 200_000:
            _plain_cache[text] = ok
    return ok


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"unexpected scalar {value!r}")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _is_plain(text):
        return text
    if _YAML_PRINTABLE.fullmatch(text):
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def _mapping(data: dict[str, Any], indent: int, out: list[str], first: str | None = None) -> None:
    pad = " " * indent
    for i, (key, value) in enumerate(data.items()):
        lead = first if i == 0 and first is not None else pad
        _value(f"{lead}{_scalar(key)}:", value, indent, out)


def _value(head: str, value: Any, indent: int, out: list[str]) -> None:
    if isinstance(value, dict):
        if value:
            out.append(head)
            _mapping(value, indent + 2, out)
        else:
            out.append(f"{head} {{}}")
    elif isinstance(value, list):
        if not value:
            out.append(f"{head} []")
        elif all(isinstance(x, str) and _ID.fullmatch(x) and _is_plain(x) for x in value):
            out.append(f"{head} [{', '.join(value)}]")
        else:
            out.append(head)
            item = " " * (indent + 2) + "-"
            for x in value:
                if isinstance(x, dict) and x:
                    _mapping(x, indent + 4, out, first=item + " ")
                else:
                    _value(item, x, indent + 4, out)
    else:
        out.append(f"{head} {_scalar(value)}")


def dump(data: dict[str, Any]) -> str:
    """Block-style YAML for `data` (mappings, lists, str and int), lists of ids in flow style.

    Written by hand because PyYAML's representer dominated the run time. Strings are plain only
    when the YAML 1.1 resolver would load them back as the same string (so dates, numbers and
    words like `no` are quoted); otherwise single-quoted.
    """
    out: list[str] = []
    _mapping(data, 0, out)
    return "\n".join(out) + "\n"


def prepare(outdir: Path, force: bool) -> None:
    if outdir.exists() and any(outdir.iterdir()):
        if not force:
            sys.exit(f"{outdir} is not empty (use --force to replace its briefings/, seeds/, docs/)")
        for sub in ("briefings", "seeds", "docs"):
            shutil.rmtree(outdir / sub, ignore_errors=True)
        (outdir / "mkdocs.yml").unlink(missing_ok=True)
    (outdir / "briefings").mkdir(parents=True, exist_ok=True)
    (outdir / "seeds").mkdir(exist_ok=True)
    (outdir / "docs").mkdir(exist_ok=True)


def generate(n: int, outdir: Path, seed: int = 1) -> dict[str, int]:
    """Write the corpus; returns counts of what was written."""
    rng = random.Random(seed)
    ns = Namespace()
    for tag in TAGS:  # tags are not in the namespace, but keep them unambiguous anyway
        ns.reserve(tag)
    ranked, publications = make_actors(rng, ns, max(60, n // 2))
    zipf = Zipf(ranked)

    # All briefing ids first, each with its possible default claim ids reserved.
    start = dt.date(2000, 3, 1)
    span = (LAST - start).days
    plan: list[tuple[str, dt.date, tuple[str, str]]] = []
    for i in range(n):
        published = start + dt.timedelta(days=min(span, int((i + rng.random()) / n * span)))
        words = (rng.choice(NOUNS), rng.choice(NOUNS))
        bid = ns.unique(f"{published.isoformat()}-{words[0]}-{words[1]}")
        for k in range(1, MAX_CLAIMS + 1):
            ns.reserve(f"{bid}-{k}")
        plan.append((bid, published, words))

    (outdir / "briefings" / "actors.yml").write_text(
        dump({a.id: a.profile for a in sorted(ranked, key=lambda a: a.id)}), encoding="utf-8"
    )
    pools = Pools()
    counts = {"actors": len(ranked), "briefings": n, "events": 0, "claims": 0, "relations": 0}
    for bid, published, words in plan:
        doc, text = make_briefing(rng, ns, bid, published, words, zipf, publications, pools)
        folder = outdir / "briefings" / f"{published.year:04d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{bid}.yml").write_text(dump(doc), encoding="utf-8")
        (outdir / "seeds" / f"{bid}.txt").write_text(text, encoding="utf-8")
        counts["events"] += sum(1 for e in doc["events"] if "id" in e)
        counts["claims"] += len(doc["claims"])
        counts["relations"] += len(doc["relations"])

    (outdir / "mkdocs.yml").write_text(
        f"site_name: Synthetic {n}\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - briefings\n"
        "docs_dir: docs\n",
        encoding="utf-8",
    )
    (outdir / "docs" / "index.md").write_text(
        f"# Synthetic {n}\n\nA synthetic corpus of {n} briefings (seed {seed}) "
        "made by `benchmarks/make_corpus.py`.\n",
        encoding="utf-8",
    )
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a deterministic synthetic briefing corpus.")
    parser.add_argument("n", type=int, metavar="N", help="number of briefings")
    parser.add_argument("outdir", type=Path, metavar="OUTDIR", help="project directory to create")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--force", action="store_true", help="replace an earlier corpus in OUTDIR")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    t0 = time.perf_counter()
    prepare(args.outdir, args.force)
    counts = generate(args.n, args.outdir, args.seed)
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    print(f"{args.outdir}: {summary} in {time.perf_counter() - t0:.2f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
