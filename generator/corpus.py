"""Validate and link: check every reference and quote across the corpus, then build the indexes the pages
need. `load_corpus` is the core's entry point: files in, one linked `Corpus` out, or every error at once."""

from __future__ import annotations

import functools
import re
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import permutations
from pathlib import Path

from .errors import BriefingError, BriefingsError, Location, suggest
from .language import translation_hint
from .links import parse_links
from .loader import Loaded, ParseCache, load_files
from .model import PLACE_KINDS, Actor, Briefing, Claim, Event, EventRef, Located, Relation
from .quotes import NormalisedText, normalise


@dataclass(eq=False)
class Corpus:
    root: Path
    actors: dict[str, Actor]
    briefings: dict[str, Briefing]  # newest source first
    events: dict[str, Event]  # chronological
    claims: dict[str, Claim]  # by briefing, then in document order
    relations: list[Relation]
    kind_of: dict[str, str] = field(default_factory=dict)  # id -> briefing | actor | event | claim
    # Indexes, filled by link_corpus.
    actor_briefings: dict[str, list[tuple[Briefing, str]]] = field(default_factory=lambda: defaultdict(list))
    actor_events: dict[str, list[Event]] = field(default_factory=lambda: defaultdict(list))
    actor_claims_by: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    actor_claims_about: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    actor_relations: dict[str, list[Relation]] = field(default_factory=lambda: defaultdict(list))
    # Other actor, shared briefings, shared claims (either one asserts, relays or is the subject of the claim);
    # most shared briefings first, then most shared claims.
    actor_coactors: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    actor_members: dict[str, list[Actor]] = field(default_factory=lambda: defaultdict(list))  # affiliated actors
    event_briefings: dict[str, list[Briefing]] = field(default_factory=lambda: defaultdict(list))
    event_reports: dict[str, list[EventRef]] = field(default_factory=lambda: defaultdict(list))
    event_claims: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    claim_supported_by: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    claim_contradicted_by: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    claim_relations: dict[str, list[Relation]] = field(default_factory=lambda: defaultdict(list))
    # Claim id -> the claims on the other side of a `supports` (either way) that share its origin: circular
    # reporting, marked on both claims and left out of corroboration tallies.
    claim_same_origin_support: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    briefing_events: dict[str, list[Event]] = field(default_factory=dict)  # defined or reported, by date
    place_events: dict[str, list[Event]] = field(default_factory=lambda: defaultdict(list))  # `place: '[[id]]'`
    warnings: list[BriefingError] = field(default_factory=list)  # reported; the corpus builds all the same
    drafts_left_out: list[str] = field(default_factory=list)  # ids of draft briefings not in this corpus

    def newest(self, n: int) -> list[Briefing]:
        return list(self.briefings.values())[:n]

    def most_cited(self, n: int) -> list[tuple[Actor, int]]:
        """Actors ranked by briefings, claims made and claims about them."""
        scored = [(a, len(self.actor_briefings[a.id]) + len(self.actor_claims_by[a.id])
                   + len(self.actor_claims_about[a.id])) for a in self.actors.values()]
        return sorted((x for x in scored if x[1]), key=lambda x: (-x[1], x[0].id))[:n]

    @staticmethod
    def same_origin(a: Claim, b: Claim) -> bool:
        """Whether two claims trace to one origin (the same speaker, or one relayed through the other's
        speaker): one supporting the other is then not independent confirmation."""
        return a.by == b.by or a.by in b.via or b.by in a.via

    def relay_chain(self, claim: Claim) -> list[str]:
        """Actor ids from the speaker to the publication, in order: by, every via, the source's publication."""
        return [*claim.chain, self.briefings[claim.briefing].source.publication]

    def independent_support(self, claim_id: str) -> list[Claim]:
        """The claims that support this one and do not share its origin."""
        claim = self.claims[claim_id]
        return [c for c in self.claim_supported_by[claim_id] if not self.same_origin(c, claim)]

    @property
    def drafts(self) -> list[str]:
        """The ids of the draft briefings in this corpus (shown under `mkdocs serve` only)."""
        return [b.id for b in self.briefings.values() if b.draft]

    def counts(self) -> dict[str, int]:
        return {"briefings": len(self.briefings), "actors": len(self.actors), "events": len(self.events),
                "claims": len(self.claims), "relations": len(self.relations)}


class _Checker:
    """Collects reference errors; the nearest known ids of the right kind become the suggestion."""

    def __init__(self, kind: dict[str, str], ids_of: dict[str, list[str]], drafts: dict[str, str]) -> None:
        self.kind, self.ids_of, self.drafts = kind, ids_of, drafts
        self.errors: list[BriefingError] = []

    def error(self, obj: Located, key: str, message: str) -> None:
        self.errors.append(BriefingError(obj.loc_of(key), obj.path_of(key), message))

    def ref(self, obj: Located, key: str, id: str, want: str) -> bool:
        got = self.kind.get(id)
        if got == want:
            return True
        if got:
            self.error(obj, key, f"'{id}' is {_a(got)}, not {_a(want)}{suggest(id, self.ids_of[want])}")
        elif id in self.drafts:
            self.error(obj, key, in_draft(id, self.drafts[id]))
        else:
            known = suggest(id, self.ids_of[want])
            self.error(obj, key, f"unknown {want} '{id}'{known or self._hint(want)}")
        return False

    def refs(self, obj: Located, key: str, ids: Iterable[str], want: str) -> None:
        for i, id in enumerate(ids):
            self.ref(obj, f"{key}[{i}]", id, want)

    @staticmethod
    def _hint(want: str) -> str:
        if want == "actor":
            return "; add it to briefings/actors.yml"
        return f"; define the {want} in a briefing first"


def in_draft(id: str, briefing_id: str) -> str:
    what = "is the draft briefing" if id == briefing_id else "is defined in draft briefing"
    return f"'{id}' {what} '{briefing_id}', which builds leave out; publish it (draft: false) or remove the reference"


def _link_loc(loc: Location, offset: int) -> Location:
    """Where a link stands: exact in a one-line scalar (col known), else the field's first line."""
    return Location(loc.file, loc.line, loc.col + offset) if loc.col else Location(loc.file, loc.line, 1)


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _register(loaded: Loaded) -> tuple[dict[str, str], dict[str, Located], list[BriefingError]]:
    """Every id in the one shared namespace, broken records' too; a second definition is an error naming the
    first."""
    kind: dict[str, str] = {}
    where: dict[str, Located] = {}
    errors: list[BriefingError] = []

    def add(id: str, k: str, obj: Located, key: str) -> None:
        if id in kind:
            first = where[id]
            errors.append(BriefingError(obj.loc_of(key), obj.path_of(key) if key else obj.path,
                                        f"id '{id}' is already used by {_a(kind[id])} at {first.loc}; "
                                        "ids are unique across briefings, actors, events and claims"))
            return
        kind[id], where[id] = k, obj

    for a in loaded.actors:
        add(a.id, "actor", a, "")
    for b in loaded.briefings:
        add(b.id, "briefing", b, "")
        for e in b.events:
            if isinstance(e, Event) and e.id:  # a broken event's id may be missing
                add(e.id, "event", e, "id")
        for c in b.claims:
            add(c.id, "claim", c, "id")
    return kind, where, errors


# A source text's normalised form, for finding quotes in it: kept across the builds of `mkdocs serve`, where an
# edit would otherwise normalise every source text again (a third of linking at a thousand briefings).
normalised_text = functools.lru_cache(maxsize=4096)(NormalisedText)


def _check_quote(b: Briefing, c: Claim, text: NormalisedText | None, checker: _Checker) -> None:
    if c.quote is None:
        return
    if b.source.text is None:
        checker.error(c, "quote", "a quote needs the source text: add source.text (e.g. seeds/article.txt) "
                      "to this briefing, or remove the quote")
        return
    if text is None:
        return  # the unreadable text is reported already
    span = text.find(c.quote)
    if span:
        c.span = span
        return
    needle = normalise(c.quote)
    lo, hi = 0, len(needle)  # the longest prefix that is found
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if needle[:mid] in text.text:
            lo = mid
        else:
            hi = mid - 1
    detail = (f"the first {lo} characters match, then '{needle[lo:lo + 30]}' does not" if lo
              else "not even its first word matches")
    hint = translation_hint(c.quote, text.original, b.source.lang)
    if hint:
        checker.error(c, "quote", f"quote not found in {b.source.text} ({detail}); it looks like a translation "
                      f"({hint}): put the source's own words in quote and yours in translation")
        return
    checker.error(c, "quote", f"quote not found in {b.source.text} ({detail}); copy the words exactly "
                  "(spacing, curly quotes and dashes may differ)")


# "DEBKA Weekly asserts that...", "According to Moscow sources, ...": attribution inside the proposition.
ATTRIBUTED_OPENING = re.compile(
    r"\s*(?:according to\b|[^.;:\n]{0,80}?\b(?:asserts?|claims?|says|said|reports?|reported|writes|wrote|"
    r"alleges?|alleged|maintains|argues|contends|states|stated|insists|insisted)\s+that\b)", re.IGNORECASE)


@functools.lru_cache(maxsize=1 << 16)  # every claim's text, at each build of `mkdocs serve`
def _opens_with_attribution(text: str) -> bool:
    return ATTRIBUTED_OPENING.match(text) is not None


def _check_via(b: Briefing, c: Claim, checker: _Checker) -> None:
    for i, aid in enumerate(c.via):
        if aid == c.by:
            checker.error(c, f"via[{i}]", f"'{aid}' is who asserts it (by); via lists only the actors the statement "
                          "passed through after them")
        elif aid == b.source.publication:
            checker.error(c, f"via[{i}]", f"'{aid}' publishes this briefing's source, which the site shows already; "
                          "via lists only the actors between the speaker and the publication")
        else:
            checker.ref(c, f"via[{i}]", aid, "actor")


def _check_place(e: Event, kind: dict[str, str], actors: dict[str, Actor], checker: _Checker) -> None:
    """A link in `place` names a place (or a state); an unknown id is reported with the other links."""
    for link in parse_links(e.place or ""):
        got = kind.get(link.id)
        if got == "actor" and link.id in actors and actors[link.id].kind not in PLACE_KINDS:
            checker.error(e, "place", f"'{link.id}' is of kind {actors[link.id].kind}; a place links to an actor of "
                          "kind place (or a state): add the place to briefings/actors.yml with kind: place")
        elif got and got != "actor":
            checker.error(e, "place", f"'{link.id}' is {_a(got)}; a place links to an actor of kind place")


class _Checked:
    """Each briefing's errors and warnings from the last time it was checked, while it is checked against the same
    ids in the same order (suggestions follow it), drafts, actors' kinds and events' briefings (`context`). Under
    `mkdocs serve` an unchanged file's briefing is the same object at every build (loader.ParseCache), so an edit
    checks only its own briefing again, unless it changed what every briefing is checked against (an id added,
    removed or renamed). Kept by the briefing, as long as it lives; context and results swapped as one."""

    def __init__(self) -> None:
        self.last: tuple[object, weakref.WeakKeyDictionary[Briefing, tuple[str | None, list[BriefingError],
                                                                          list[BriefingError]]]]
        self.last = (None, weakref.WeakKeyDictionary())


_CHECKED = _Checked()


def _check_briefing(b: Briefing, kind: dict[str, str], actors: dict[str, Actor], events: dict[str, Event],
                    checker: _Checker, warnings: list[BriefingError]) -> None:
    """One briefing's references, quotes and texts; its errors go to `checker`, its warnings to `warnings`. Sets
    each quote's span in the source text."""
    src = b.source
    source_known = not src.broken
    if source_known and (checker.ref(src, "publication", src.publication, "actor") and src.publication in actors
            and actors[src.publication].kind != "media"):
        checker.error(src, "publication", f"'{src.publication}' is of kind {actors[src.publication].kind}; "
                      "a publication must be an actor of kind media")
    for aid in b.actors:
        checker.ref(b, f"actors.{aid}", aid, "actor")
    reported: set[str] = set()
    for e in b.events:
        if e.broken:
            continue
        if isinstance(e, Event):
            checker.refs(e, "actors", e.actors, "actor")
            _check_place(e, kind, actors, checker)
        elif checker.ref(e, "ref", e.ref, "event") and e.ref in events:
            if events[e.ref].briefing == b.id:
                checker.error(e, "ref", f"'{e.ref}' is defined in this briefing; list it once")
            elif e.ref in reported:
                checker.error(e, "ref", f"'{e.ref}' is reported twice in this briefing; list it once")
            reported.add(e.ref)
    text = normalised_text(b.source_text) if b.source_text is not None else None
    for c in b.claims:
        if c.broken:
            continue
        checker.ref(c, "by", c.by, "actor")
        _check_via(b, c, checker)
        if c.translation is not None and c.quote is None:
            checker.error(c, "translation", "a translation translates the quote; add the quote in the source's "
                          "own words, or remove the translation")
        if _opens_with_attribution(c.text):
            warnings.append(BriefingError(c.loc_of("text"), c.path_of("text"), "the text opens with who "
                                          "asserts it; state the proposition itself (who asserts it is `by`, "
                                          "`attribution` and `sourcing`)", warning=True))
        checker.refs(c, "about", c.about, "actor")
        checker.refs(c, "events", c.events, "event")
        for key in ("supports", "contradicts"):
            for i, cid in enumerate(getattr(c, key)):
                if cid == c.id:
                    checker.error(c, f"{key}[{i}]", f"a claim cannot {key[:-1]} itself")
                else:
                    checker.ref(c, f"{key}[{i}]", cid, "claim")
        if source_known:
            _check_quote(b, c, text, checker)
    for r in b.relations:
        if r.broken:
            continue
        checker.refs(r, "between", r.between, "actor")
        checker.refs(r, "claims", r.claims, "claim")


def link_corpus(loaded: Loaded, drafts: dict[str, str] | None = None) -> tuple[Corpus, list[BriefingError]]:
    """`drafts`: ids defined only in drafts left out of `loaded` -> their briefing, so a reference to one says so."""
    kind, _where, errors = _register(loaded)
    warnings: list[BriefingError] = []
    ids_of: dict[str, list[str]] = defaultdict(list)
    for id, k in kind.items():
        ids_of[k].append(id)
    checker = _Checker(kind, ids_of, drafts or {})

    # Broken records (their errors are reported) are registered but not checked: what they hold may be blanks.
    actors = {a.id: a for a in loaded.actors if kind.get(a.id) == "actor" and not a.broken}
    events = {e.id: e for b in loaded.briefings for e in b.events if isinstance(e, Event) and e.id}
    claims = {c.id: c for b in loaded.briefings for c in b.claims}

    for a in actors.values():
        if a.coordinates is not None and a.kind != "place":
            checker.error(a, "coordinates", f"'{a.id}' is of kind {a.kind}; coordinates are for actors of kind place")
        if a.affiliation is not None:
            if a.affiliation == a.id:
                checker.error(a, "affiliation", "an actor cannot be affiliated with itself")
            else:
                checker.ref(a, "affiliation", a.affiliation, "actor")

    context = (tuple(kind.items()), tuple(checker.drafts.items()), {a.id: a.kind for a in actors.values()},
               {e.id: e.briefing for e in events.values()})
    held, checked = _CHECKED.last
    if context != held:
        checked = weakref.WeakKeyDictionary()
        _CHECKED.last = (context, checked)
    for b in loaded.briefings:
        hit = checked.get(b)
        if hit is None or hit[0] != b.source_text:
            errors_before, warnings_before = len(checker.errors), len(warnings)
            _check_briefing(b, kind, actors, events, checker, warnings)
            hit = checked[b] = (b.source_text, checker.errors[errors_before:], warnings[warnings_before:])
        else:
            checker.errors += hit[1]
            warnings += hit[2]

    for path, loc, md_text in loaded.markdown:
        for link in parse_links(md_text):
            if link.id in checker.kind:
                if md_text[link.start:link.end].rstrip("]").endswith("|"):
                    checker.errors.append(BriefingError(_link_loc(loc, link.start), path, f"[[{link.id}|]] has an "
                                                        f"empty label; write [[{link.id}]] or [[{link.id}|a label]]"))
                continue
            at = _link_loc(loc, link.start)
            if not link.id:
                checker.errors.append(BriefingError(at, path, "[[...]] without an id; write [[id]] or [[id|label]]"))
                continue
            if link.id in checker.drafts:
                message = f"[[{link.id}]]: {in_draft(link.id, checker.drafts[link.id])}"
                checker.errors.append(BriefingError(at, path, message))
                continue
            known = suggest(link.id, kind)
            checker.errors.append(BriefingError(at, path, f"[[{link.id}]] links to nothing{known or ''}; "
                                                "use the id of a briefing, actor, event or claim"))

    errors.extend(checker.errors)
    corpus = _index(loaded, kind, actors, events, claims)
    corpus.warnings = sorted(warnings, key=BriefingError.sort_key)
    return corpus, errors


_MAX_DATE = date.max  # undated relations sort last


def _index(loaded: Loaded, kind: dict[str, str], actors: dict[str, Actor], events: dict[str, Event],
           claims: dict[str, Claim]) -> Corpus:
    briefings = sorted(loaded.briefings, key=lambda b: (b.source.published.sort_key, b.id), reverse=True)
    # Events by the start of what their date allows, then its end, then the order their briefing lists them.
    listed = {e.id: (b.id, i) for b in loaded.briefings for i, e in enumerate(b.events) if isinstance(e, Event)}

    def event_order(e: Event) -> tuple[date, date, str, int]:
        return (e.date.lower, e.date.upper, *listed.get(e.id, ("", 0)))

    ordered_events = sorted(events.values(), key=event_order)
    relations = [r for b in briefings for r in b.relations]
    corpus = Corpus(loaded.root, dict(sorted(actors.items())), {b.id: b for b in briefings},
                    {e.id: e for e in ordered_events}, claims, relations, kind)

    # (actor, other) -> briefings and claims they share; pairs counted in one call per briefing or claim.
    shared_briefings: Counter[tuple[str, str]] = Counter()
    shared_claims: Counter[tuple[str, str]] = Counter()
    for b in briefings:
        present = [a for a in b.actors if a in actors]
        for aid in present:
            corpus.actor_briefings[aid].append((b, b.actors[aid]))
        shared_briefings.update(permutations(present, 2))
        for e in b.events:
            eid = e.id if isinstance(e, Event) else e.ref
            if eid in events:
                corpus.event_briefings[eid].append(b)
                if isinstance(e, EventRef):
                    corpus.event_reports[eid].append(e)
        corpus.briefing_events[b.id] = sorted(
            {events[i] for i in (e.id if isinstance(e, Event) else e.ref for e in b.events) if i in events},
            key=event_order)
        for c in b.claims:
            shared_claims.update(permutations({x for x in (c.by, *c.via, *c.about) if x in actors}, 2))
            if c.by in actors:
                corpus.actor_claims_by[c.by].append(c)
            for aid in c.about:
                if aid in actors:
                    corpus.actor_claims_about[aid].append(c)
            for eid in c.events:
                if eid in events:
                    corpus.event_claims[eid].append(c)
            for cid in c.supports:
                if cid in claims:
                    corpus.claim_supported_by[cid].append(c)
                    if Corpus.same_origin(c, claims[cid]):
                        corpus.claim_same_origin_support[cid].append(c)
                        corpus.claim_same_origin_support[c.id].append(claims[cid])
            for cid in c.contradicts:
                if cid in claims:
                    corpus.claim_contradicted_by[cid].append(c)
        for r in b.relations:
            for aid in r.between:
                if aid in actors:
                    corpus.actor_relations[aid].append(r)
            for cid in r.claims:
                corpus.claim_relations[cid].append(r)
    for e in ordered_events:
        for aid in e.actors:
            if aid in actors:
                corpus.actor_events[aid].append(e)
        for link in parse_links(e.place or ""):
            here = corpus.place_events[link.id] if link.id in actors else None
            if here is not None and (not here or here[-1] is not e):  # a place linked twice in one event: once
                here.append(e)
    for rels in corpus.actor_relations.values():
        rels.sort(key=lambda r: r.date.sort_key if r.date else (_MAX_DATE,))
    for a in actors.values():
        if a.affiliation in actors:
            corpus.actor_members[a.affiliation].append(a)
    coactors: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for (aid, other), n in shared_briefings.items():
        coactors[aid].append((other, n, shared_claims[aid, other]))
    for aid in corpus.actor_briefings:  # every actor in a briefing, alone in it or not
        corpus.actor_coactors[aid] = sorted(coactors.get(aid, ()), key=lambda t: (-t[1], -t[2], t[0]))
    return corpus


def load_corpus(root: Path, briefings_dir: str = "briefings", seeds: str = "seeds", *,
                include_drafts: bool = True, cache: ParseCache | None = None) -> Corpus:
    """Read, validate and link a project; raise BriefingsError with every error found. Without drafts (what a
    build publishes), draft briefings are left out with their own errors, and a reference to anything they
    define is an error naming the draft. Source texts are read from the `seeds` folder. `cache`: parsed files
    kept between calls (see loader.ParseCache)."""
    loaded = load_files(root, briefings_dir, seeds, cache)
    if include_drafts:
        corpus, errors = link_corpus(loaded)
        errors = loaded.errors + errors
    else:
        corpus, errors = _link_published(loaded)
    if errors:
        raise BriefingsError(errors)
    return corpus


def check_corpus(root: Path, briefings_dir: str = "briefings", seeds: str = "seeds") -> Corpus:
    """What `briefings check` reports: every file checked, drafts included, and the errors a build (which leaves
    the drafts out) would add. Returns the whole corpus, drafts included."""
    loaded = load_files(root, briefings_dir, seeds)
    corpus, errors = link_corpus(loaded)
    errors = loaded.errors + errors
    if any(b.draft for b in loaded.briefings):
        errors += _link_published(loaded)[1]  # the same errors again collapse into one
    if errors:
        raise BriefingsError(errors)
    return corpus


def _link_published(loaded: Loaded) -> tuple[Corpus, list[BriefingError]]:
    """Link only the briefings that are not drafts; the errors of drafts' files are not the build's concern."""
    drafts = [b for b in loaded.briefings if b.draft]
    files = {b.file for b in drafts}
    defined: dict[str, str] = {}
    for b in drafts:
        defined[b.id] = b.id
        defined.update({e.id: b.id for e in b.events if isinstance(e, Event)})
        defined.update({c.id: b.id for c in b.claims})
    published = Loaded(loaded.root, actors=loaded.actors, briefings=[b for b in loaded.briefings if not b.draft],
                       markdown=[m for m in loaded.markdown if m[1].file not in files],
                       errors=[e for e in loaded.errors if e.loc.file not in files])
    corpus, errors = link_corpus(published, defined)
    corpus.drafts_left_out = sorted(b.id for b in drafts)
    return corpus, published.errors + errors
