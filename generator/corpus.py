"""Validate and link: check every reference and quote across the corpus, then build the indexes the pages
need. `load_corpus` is the core's entry point: files in, one linked `Corpus` out, or every error at once."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import BriefingError, BriefingsError, Location, suggest
from .links import LINK, parse_links
from .loader import PLACEHOLDER_SOURCE, Loaded, load_files
from .markup import plain_text
from .model import Actor, Briefing, Claim, Event, EventRef, Located, Relation
from .quotes import NormalisedText, normalise


@dataclass(eq=False)
class Corpus:
    root: Path
    actors: dict[str, Actor]
    briefings: dict[str, Briefing]  # newest source first
    events: dict[str, Event]  # chronological
    claims: dict[str, Claim]  # by briefing, then in document order
    relations: list[Relation]
    kind: dict[str, str] = field(default_factory=dict)  # id -> briefing | actor | event | claim
    # Indexes, filled by link_corpus.
    actor_briefings: dict[str, list[tuple[Briefing, str]]] = field(default_factory=lambda: defaultdict(list))
    actor_events: dict[str, list[Event]] = field(default_factory=lambda: defaultdict(list))
    actor_claims_by: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    actor_claims_about: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    actor_relations: dict[str, list[Relation]] = field(default_factory=lambda: defaultdict(list))
    actor_coactors: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    actor_members: dict[str, list[Actor]] = field(default_factory=lambda: defaultdict(list))  # affiliated actors
    event_briefings: dict[str, list[Briefing]] = field(default_factory=lambda: defaultdict(list))
    event_reports: dict[str, list[EventRef]] = field(default_factory=lambda: defaultdict(list))
    event_claims: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    claim_supported_by: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    claim_contradicted_by: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    claim_relations: dict[str, list[Relation]] = field(default_factory=lambda: defaultdict(list))
    briefing_events: dict[str, list[Event]] = field(default_factory=dict)  # defined or reported, by date

    def label(self, id: str) -> str:
        """How a `[[id]]` reads: an actor's name, a briefing's or event's title, a claim's id."""
        kind = self.kind.get(id)
        if kind == "actor":
            return self.actors[id].name
        if kind == "briefing":
            return self.briefings[id].title
        if kind == "event":
            return self.events[id].title
        if kind == "claim":
            return claim_label(self.claims[id].text, self)
        return id

    def newest(self, n: int) -> list[Briefing]:
        return list(self.briefings.values())[:n]

    def most_cited(self, n: int) -> list[tuple[Actor, int]]:
        """Actors ranked by briefings, claims made and claims about them."""
        scored = [(a, len(self.actor_briefings[a.id]) + len(self.actor_claims_by[a.id])
                   + len(self.actor_claims_about[a.id])) for a in self.actors.values()]
        return sorted((x for x in scored if x[1]), key=lambda x: (-x[1], x[0].id))[:n]

    def counts(self) -> dict[str, int]:
        return {"briefings": len(self.briefings), "actors": len(self.actors), "events": len(self.events),
                "claims": len(self.claims), "relations": len(self.relations)}


def claim_label(text: str, corpus: Corpus, limit: int = 60) -> str:
    """A claim read as a link: its text as plain words, shortened."""
    def inner(m: re.Match[str]) -> str:  # a claim inside a claim shows its id: no loops
        id = m[1].strip()
        return m[2] or (id if corpus.kind.get(id) == "claim" else corpus.label(id))

    plain = " ".join(plain_text(LINK.sub(inner, text)).split())
    if len(plain) > limit:
        plain = plain[: limit - 1].rsplit(" ", 1)[0] + "…"
    return f"“{plain}”"


class _Checker:
    """Collects reference errors; the nearest known ids of the right kind become the suggestion."""

    def __init__(self, kind: dict[str, str], ids_of: dict[str, list[str]]) -> None:
        self.kind, self.ids_of = kind, ids_of
        self.errors: list[BriefingError] = []

    def error(self, obj: Located, key: str, message: str) -> None:
        self.errors.append(BriefingError(obj.loc_of(key), obj.path_of(key), message))

    def ref(self, obj: Located, key: str, id: str, want: str) -> bool:
        got = self.kind.get(id)
        if got == want or got == "*":  # "*": an id guessed from a file that did not parse
            return True
        if got:
            self.error(obj, key, f"'{id}' is {_a(got)}, not {_a(want)}{suggest(id, self.ids_of[want])}")
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


def _link_loc(loc: Location, offset: int) -> Location:
    """Where a link stands: exact in a one-line scalar (col known), else the field's first line."""
    return Location(loc.file, loc.line, loc.col + offset) if loc.col else Location(loc.file, loc.line, 1)


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _register(loaded: Loaded) -> tuple[dict[str, str], dict[str, Located], list[BriefingError]]:
    """Every id in the one shared namespace; a second definition is an error naming the first."""
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
            if isinstance(e, Event):
                add(e.id, "event", e, "id")
        for c in b.claims:
            add(c.id, "claim", c, "id")
    return kind, where, errors


def _check_quote(b: Briefing, c: Claim, text: NormalisedText | None, chk: _Checker) -> None:
    if c.quote is None:
        return
    if b.source.text is None:
        chk.error(c, "quote", "a quote needs the source text: add source.text (e.g. seeds/article.txt) "
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
    chk.error(c, "quote", f"quote not found in {b.source.text} ({detail}); copy the words exactly "
              "(spacing, curly quotes and dashes may differ)")


def link_corpus(loaded: Loaded) -> tuple[Corpus, list[BriefingError]]:
    kind, _where, errors = _register(loaded)
    ids_of: dict[str, list[str]] = defaultdict(list)
    for id, k in kind.items():
        ids_of[k].append(id)
    # Ids of records that failed to load resolve for checking, so one mistake is reported once.
    chk = _Checker({**loaded.broken, **kind}, ids_of)

    actors = {a.id: a for a in loaded.actors if kind.get(a.id) == "actor"}
    events = {e.id: e for b in loaded.briefings for e in b.events if isinstance(e, Event)}
    claims = {c.id: c for b in loaded.briefings for c in b.claims}

    for a in loaded.actors:
        if a.affiliation is not None:
            if a.affiliation == a.id:
                chk.error(a, "affiliation", "an actor cannot be affiliated with itself")
            else:
                chk.ref(a, "affiliation", a.affiliation, "actor")

    for b in loaded.briefings:
        src = b.source
        source_known = src is not PLACEHOLDER_SOURCE  # a source that failed to load is reported already
        if source_known and (chk.ref(src, "publication", src.publication, "actor") and src.publication in actors
                and actors[src.publication].kind != "media"):
            chk.error(src, "publication", f"'{src.publication}' is of kind {actors[src.publication].kind}; "
                      "a publication must be an actor of kind media")
        for aid in b.actors:
            chk.ref(b, f"actors.{aid}", aid, "actor")
        reported: set[str] = set()
        for e in b.events:
            if isinstance(e, Event):
                chk.refs(e, "actors", e.actors, "actor")
            elif chk.ref(e, "ref", e.ref, "event") and e.ref in events:
                if events[e.ref].briefing == b.id:
                    chk.error(e, "ref", f"'{e.ref}' is defined in this briefing; list it once")
                elif e.ref in reported:
                    chk.error(e, "ref", f"'{e.ref}' is reported twice in this briefing; list it once")
                reported.add(e.ref)
        text = NormalisedText(b.source_text) if b.source_text is not None else None
        for c in b.claims:
            chk.ref(c, "by", c.by, "actor")
            chk.refs(c, "about", c.about, "actor")
            chk.refs(c, "events", c.events, "event")
            for key in ("supports", "contradicts"):
                for i, cid in enumerate(getattr(c, key)):
                    if cid == c.id:
                        chk.error(c, f"{key}[{i}]", f"a claim cannot {key[:-1]} itself")
                    else:
                        chk.ref(c, f"{key}[{i}]", cid, "claim")
            if source_known:
                _check_quote(b, c, text, chk)
        for r in b.relations:
            chk.refs(r, "between", r.between, "actor")
            chk.refs(r, "claims", r.claims, "claim")

    for path, loc, text in loaded.markdown:
        for link in parse_links(text):
            if link.id in chk.kind:
                if text[link.start:link.end].rstrip("]").endswith("|"):
                    chk.errors.append(BriefingError(_link_loc(loc, link.start), path, f"[[{link.id}|]] has an "
                                                    f"empty label; write [[{link.id}]] or [[{link.id}|a label]]"))
                continue
            at = _link_loc(loc, link.start)
            if not link.id:
                chk.errors.append(BriefingError(at, path, "[[...]] without an id; write [[id]] or [[id|label]]"))
                continue
            known = suggest(link.id, kind)
            chk.errors.append(BriefingError(at, path, f"[[{link.id}]] links to nothing{known or ''}; "
                                            "use the id of a briefing, actor, event or claim"))

    errors.extend(chk.errors)
    corpus = _index(loaded, kind, actors, events, claims)
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

    co: dict[str, Counter[str]] = defaultdict(Counter)
    for b in briefings:
        present = [a for a in b.actors if a in actors]
        for aid in present:
            corpus.actor_briefings[aid].append((b, b.actors[aid]))
            co[aid].update(x for x in present if x != aid)
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
    for rels in corpus.actor_relations.values():
        rels.sort(key=lambda r: r.date.sort_key if r.date else (_MAX_DATE,))
    for a in actors.values():
        if a.affiliation in actors:
            corpus.actor_members[a.affiliation].append(a)
    for aid, counter in co.items():
        corpus.actor_coactors[aid] = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return corpus


def load_corpus(root: Path, briefings_dir: str = "briefings") -> Corpus:
    """Read, validate and link a project; raise BriefingsError with every error found."""
    loaded = load_files(root, briefings_dir)
    corpus, errors = link_corpus(loaded)
    errors = loaded.errors + errors
    if errors:
        raise BriefingsError(errors)
    return corpus
