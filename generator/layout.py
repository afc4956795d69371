"""Where everything lives: the site's pages and every id's URL, from the contract. `Layout.pages()` is the list
of pages to render, each with what its template gets; templates and page helpers ask the layout for every path
(as Pelican's `*_URL` / `*_SAVE_AS` settings and `.url` on contents do), so a URL changes in one place."""

from __future__ import annotations

import functools
import posixpath
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .corpus import Corpus
from .dates import EdtfDate
from .model import Briefing, Claim, Event, Relation
from .recording import Key


@dataclass
class PageSpec:
    """One page to render: where it goes, which template (a key of render.TEMPLATES, or a kind of file that is
    not a template: 'asset', 'facets', 'corpus_json', 'corpus_schema') and what the template gets."""

    path: str
    kind: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SiteOptions:
    site_name: str = "Briefings"
    site_description: str = ""
    use_directory_urls: bool = True
    split_threshold: int = 200  # events or claims beyond this are split over pages of at most this many
    actor_split_threshold: int = 200  # an actor with more dated items gets a page a year (or month)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], plugin: Mapping[str, Any]) -> SiteOptions:
        """From mkdocs.yml's settings and the plugin's options: MkDocs' config objects (the plugin) or the plain
        YAML (`briefings render`); absent settings take MkDocs' and the plugin's defaults."""
        return cls(site_name=config.get("site_name") or cls.site_name,
                   site_description=config.get("site_description") or "",
                   use_directory_urls=config.get("use_directory_urls", True) is not False,
                   split_threshold=plugin.get("split_threshold", cls.split_threshold),
                   actor_split_threshold=plugin.get("actor_split_threshold", cls.actor_split_threshold))


class Layout:
    """Where every page and every id lives: the site's URLs, from the contract."""

    def __init__(self, corpus: Corpus, options: SiteOptions) -> None:
        self.corpus, self.options = corpus, options
        # Caches shared by the pages of a build (recording.memo: a page also records what the value was made from).
        self.label_cache: dict[str, tuple[str, frozenset[Key]]] = {}  # id -> its link text, as HTML
        self.statement_cache: dict[str, tuple[str, frozenset[Key]]] = {}
        self.period_cache: dict[tuple[str, str], tuple[dict[Any, str], frozenset[Key]]] = {}  # (actor, folder)
        self.root_urls: dict[str, tuple[str, frozenset[Key]]] = {}  # id -> its final URL from the root (pictures)
        # Each briefing's and event's place in the corpus' order (newest source first; chronological).
        self.order = {id: i for i, id in enumerate([*corpus.briefings, *corpus.events])}
        # An events page lists each event with the claims about it: both count towards `split_threshold`, so that
        # pages stay small however many claims an event draws.
        self.event_weight = {e.id: 1 + len(corpus.event_claims.get(e.id, ())) for e in corpus.events.values()}
        self.split_events = sum(self.event_weight.values()) > options.split_threshold
        year_weights: dict[int, int] = defaultdict(int)
        for e in corpus.events.values():
            year_weights[e.date.year] += self.event_weight[e.id]
        # A year too full for one page is split by month.
        self.monthly_years = {y for y, n in year_weights.items() if n > options.split_threshold}
        self.event_pages = self._event_pages() if self.split_events else {}
        self.split_claims = len(corpus.claims) > options.split_threshold
        # A briefing's summary weighs about four events: the index splits sooner.
        self.split_briefings = len(corpus.briefings) > options.split_threshold // 4

    def _event_pages(self) -> dict[str, str]:
        """Event id -> page key: '2015', or '2015-11' in a crowded year (events known only to the year stay
        on the year's page rather than crowding January's); a page still too full continues on '-2', '-3'."""
        groups: dict[str, list[str]] = defaultdict(list)
        for e in self.corpus.events.values():  # chronological
            groups[period_key(e.date) if e.date.year in self.monthly_years else str(e.date.year)].append(e.id)
        pages = {}
        limit = self.options.split_threshold
        for key, ids in groups.items():
            n, filled = 1, 0
            for eid in ids:
                if filled and filled + self.event_weight[eid] > limit:
                    n, filled = n + 1, 0
                pages[eid] = key if n == 1 else f"{key}-{n}"
                filled += self.event_weight[eid]
        return pages

    def event_period(self, event: Event) -> str:
        return self.event_pages.get(event.id) or str(event.date.year)

    def event_page(self, event: Event) -> str:
        return self.events_period_page(self.event_period(event)) if self.split_events else self.events_index

    def claims_month(self, briefing_id: str) -> str:
        """The month of a briefing's source, which groups claims when they are split: '2015-11' (or '2015'
        for a source dated only to the year)."""
        return period_key(self.corpus.briefings[briefing_id].source.published)

    @staticmethod
    def source_page(briefing_id: str) -> str:
        return f"sources/{briefing_id}.md"

    def claims_page(self, briefing_id: str) -> str:
        return self.claims_month_page(self.claims_month(briefing_id)) if self.split_claims else self.claims_index

    # Pages of our own beyond the contract's.
    disputes_page = "disputes/index.md"
    key_page = "key/index.md"

    @staticmethod
    def dispute_anchor(a: Claim, b: Claim) -> str:
        """The anchor of a contradicting pair on the disputes page, the same whichever side links to it."""
        first, second = sorted((a, b), key=lambda c: c.id)
        return f"_vs-{first.id}--{second.id}"

    @functools.cached_property
    def disputes(self) -> list[DisputeGroup]:
        return dispute_groups(self.corpus)

    @functools.cached_property
    def split_disputes(self) -> bool:
        links = sum(len(g.contradictions) + sum(map(len, g.supports.values())) for g in self.disputes)
        return links > self.options.split_threshold

    @functools.cached_property
    def _group_pages(self) -> dict[str, str]:
        """Where each group of disputes lives: one page, or, in a big corpus, the page of its event's period (as
        on /events/), and the groups about actors on numbered pages of at most `split_threshold` links each."""
        if not self.split_disputes:
            return {g.concerns: self.disputes_page for g in self.disputes}
        pages, n, filled = {}, 1, 0
        for g in self.disputes:
            if g.concerns in self.corpus.events:
                pages[g.concerns] = f"disputes/{self.event_period(self.corpus.events[g.concerns])}.md"
                continue
            # Weighed by what the page shows (a contradiction: both claims side by side, with their badges and
            # chains; a support: both claims), so that these pages stay as small as the events pages.
            size = 3 * len(g.contradictions) + 2 * sum(map(len, g.supports.values()))
            if filled and filled + size > self.options.split_threshold:
                n, filled = n + 1, 0
            pages[g.concerns] = f"disputes/by-actor-{n}.md"
            filled += size
        return pages

    def dispute_page(self, concerns: str) -> str:
        return self._group_pages.get(concerns, self.disputes_page)

    @functools.cached_property
    def _dispute_pages(self) -> dict[str, str]:
        return {self.dispute_anchor(a, b): self.dispute_page(g.concerns) for g in self.disputes
                for a, b in g.contradictions}

    def dispute_target(self, a: Claim, b: Claim) -> tuple[str, str]:
        """(page, anchor) of a contradicting pair."""
        anchor = self.dispute_anchor(a, b)
        return self._dispute_pages.get(anchor, self.disputes_page), anchor

    @staticmethod
    def key_anchor(what: str) -> str:
        """The key's row for a sourcing label, a reliability letter, a credibility digit or a modality."""
        return f"_key-{str(what).lower()}"

    @staticmethod
    def tag_page(tag: str) -> str:
        # A tag is an id, so it makes a safe file name; only 'index' would be the tags index itself.
        return f"tags/{tag}.md" if tag != "index" else "tags/index-tag.md"

    # The pages of each section, and of each id.
    home_page = "index.md"
    briefings_index = "briefings/index.md"
    actors_index = "actors/index.md"
    events_index = "events/index.md"
    claims_index = "claims/index.md"
    tags_index = "tags/index.md"
    claim_facets = "claims/facets.js"  # beside the split claims index: every claim's facets, for filtering
    corpus_json, corpus_schema = "data/corpus.json", "data/corpus.schema.json"

    @staticmethod
    def briefing_page(briefing_id: str) -> str:
        return f"briefings/{briefing_id}.md"

    @staticmethod
    def briefings_year_page(year: int) -> str:
        return f"briefings/by-year/{year}.md"

    @staticmethod
    def actor_page(actor_id: str) -> str:
        return f"actors/{actor_id}.md"

    @staticmethod
    def actor_period_page(actor_id: str, period: str) -> str:
        return f"actors/{actor_id}/{period}.md"

    @staticmethod
    def events_period_page(period: str) -> str:
        return f"events/{period}.md"

    @staticmethod
    def claims_month_page(month: str) -> str:
        return f"claims/{month}.md"

    @staticmethod
    def asset_page(name: str) -> str:
        """A stylesheet or script of ours: served beside the theme's own."""
        return f"stylesheets/{name}" if name.endswith(".css") else f"javascripts/{name}"

    def target(self, id: str) -> tuple[str, str]:
        """(page path, anchor) of an id."""
        kind = self.corpus.kind_of[id]
        if kind == "actor":
            return self.actor_page(id), ""
        if kind == "briefing":
            return self.briefing_page(id), ""
        if kind == "event":
            return self.event_page(self.corpus.events[id]), id
        return self.claims_page(self.corpus.claims[id].briefing), id

    def html_url(self, from_page: str, to_page: str, anchor: str = "") -> str:
        """A final URL, for raw HTML where MkDocs does not rewrite `.md` links."""
        return self.relative(self.page_url(from_page), self.page_url(to_page)) + (f"#{anchor}" if anchor else "")

    def page_url(self, path: str) -> str:
        """A page's final URL from the site's root."""
        if not self.options.use_directory_urls:
            return path[:-3] + ".html"
        if path == "index.md" or path.endswith("/index.md"):
            return path[: -len("index.md")]
        return path[:-3] + "/"

    @staticmethod
    def relative(src: str, dst: str) -> str:
        """The URL of `dst` from the page at `src`, both final URLs from the site's root (plain paths, no `..`):
        the folders they share dropped, and a `../` for each other folder of `src`."""
        here = src.split("/")[:-1]  # the folders of `src`: "a/b/" -> a, b; "a/b.html" -> a
        there = dst.split("/")
        k = 0
        while k < len(here) and k < len(there) - 1 and here[k] == there[k]:
            k += 1
        return "../" * (len(here) - k) + "/".join(there[k:]) or "./"

    def pages(self, assets: list[str]) -> list[PageSpec]:
        """Every page of the site, in the order MkDocs gets them, with what each template gets. `assets`: the
        file names of our stylesheets and scripts."""
        corpus, options = self.corpus, self.options
        out = [PageSpec(self.asset_page(name), "asset", {"name": name}) for name in assets]

        def page(path: str, kind: str, **values: Any) -> None:
            out.append(PageSpec(path, kind, values))

        page(self.home_page, "home")
        briefing_years: dict[int, list[Briefing]] = defaultdict(list)
        for b in corpus.briefings.values():
            briefing_years[b.source.published.year].append(b)
        page(self.briefings_index, "briefings", split=self.split_briefings, years=briefing_years)
        if self.split_briefings:
            for year, items in briefing_years.items():
                page(self.briefings_year_page(year), "briefings_year", year=year, briefings=items)
        for b in corpus.briefings.values():
            page(self.briefing_page(b.id), "briefing", briefing=b, events=corpus.briefing_events[b.id])
            if b.source_text is not None:
                page(self.source_page(b.id), "source", briefing=b)
        page(self.actors_index, "actors")
        published: dict[str, list[Claim]] = defaultdict(list)  # a publication's claims, in its articles' briefings
        for b in corpus.briefings.values():
            published[b.source.publication].extend(b.claims)
        limit = options.actor_split_threshold
        dates = {b.id: b.source.published for b in corpus.briefings.values()}
        for a in corpus.actors.values():
            periods = actor_periods(corpus, a.id, limit, dates) if actor_items(corpus, a.id) > limit else {}
            page(self.actor_page(a.id), "actor", actor=a, years=periods, published=published.get(a.id, []))
            for period, section in periods.items():
                page(self.actor_period_page(a.id, period), "actor_year", actor=a, year=period, section=section,
                     all_years=list(periods))

        by_year: dict[int, list[Event]] = defaultdict(list)
        event_periods: dict[str, list[Event]] = defaultdict(list)
        for e in corpus.events.values():
            by_year[e.date.year].append(e)
            event_periods[self.event_period(e)].append(e)
        page(self.events_index, "events", years=dict(sorted(by_year.items())),
             periods=dict(sorted(event_periods.items())), split=self.split_events)
        if self.split_events:
            for period, events in event_periods.items():
                page(self.events_period_page(period), "events_page", period=period, events=events)

        dispute_pages: dict[str, list[DisputeGroup]] = defaultdict(list)
        for g in self.disputes:
            dispute_pages[self.dispute_page(g.concerns)].append(g)
        if self.split_disputes:
            page(self.disputes_page, "disputes", groups=[], pages=dict(dispute_pages), period=None)
            for path, groups in dispute_pages.items():
                page(path, "disputes", groups=groups, pages={}, period=posixpath.basename(path)[:-3])
        else:
            page(self.disputes_page, "disputes", groups=self.disputes, pages={}, period=None)
        page(self.key_page, "key")

        months: dict[str, list[Briefing]] = defaultdict(list)
        for b in corpus.briefings.values():
            if b.claims:
                months[self.claims_month(b.id)].append(b)
        if self.split_claims:
            page(self.claim_facets, "facets", months=months)
        page(self.claims_index, "claims", split=self.split_claims, months=months,
             facets=posixpath.basename(self.claim_facets) if self.split_claims else "")
        if self.split_claims:
            for month, items in months.items():
                page(self.claims_month_page(month), "claims_page", month=month, briefings=items)
        # Data out: static files, not pages (the contract's /data/corpus.json, with its schema beside it).
        page(self.corpus_json, "corpus_json")
        page(self.corpus_schema, "corpus_schema")

        tags: dict[str, list[Briefing]] = defaultdict(list)
        for b in corpus.briefings.values():
            for t in b.tags:
                tags[t].append(b)
        tags = dict(sorted(tags.items()))
        page(self.tags_index, "tags", tags=tags)
        for tag, items in tags.items():
            page(self.tag_page(tag), "tag", tag=tag, briefings=items)
        return out

def period_key(d: EdtfDate) -> str:
    """A page key by month, '2015-11'; a date known only to the year keeps to the year's key, '2015'."""
    start = d.start
    return f"{start.year}-{start.month:02}" if start.month is not None else str(start.year)


def actor_items(corpus: Corpus, aid: str) -> int:
    return (len(corpus.actor_briefings[aid]) + len(corpus.actor_events[aid]) + len(corpus.actor_claims_by[aid])
            + len(corpus.actor_claims_about[aid]) + len(corpus.actor_relations[aid]))


@dataclass
class ActorPeriod:
    """One year of an actor's profile, for actors too busy for one page."""

    appearances: list[tuple[Briefing, str]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    made: list[Claim] = field(default_factory=list)
    about: list[Claim] = field(default_factory=list)
    rels: list[Relation] = field(default_factory=list)


def actor_periods(corpus: Corpus, aid: str, limit: int, published: dict[str, EdtfDate]) -> dict[str, ActorPeriod]:
    """An actor's dated items by year ('2015'), and by month ('2015-11') in a year with more than `limit`:
    briefings and claims by their source's date (`published`: briefing id -> its source's date), events and
    relations by their own (undated relations by their briefing's source)."""
    dated: list[tuple[EdtfDate, str, Any]] = []
    for b, role in corpus.actor_briefings[aid]:
        dated.append((published[b.id], "appearances", (b, role)))
    for e in corpus.actor_events[aid]:
        dated.append((e.date, "events", e))
    for c in corpus.actor_claims_by[aid]:
        dated.append((published[c.briefing], "made", c))
    for c in corpus.actor_claims_about[aid]:
        dated.append((published[c.briefing], "about", c))
    for r in corpus.actor_relations[aid]:
        dated.append((r.date or published[r.briefing], "rels", r))
    per_year = Counter(d.start.year for d, _, _ in dated)
    periods: dict[str, ActorPeriod] = defaultdict(ActorPeriod)
    for d, section, item in dated:  # each section's items keep their corpus order (by date)
        key = period_key(d) if per_year[d.start.year] > limit else str(d.start.year)
        getattr(periods[key], section).append(item)
    return dict(sorted(periods.items()))


@dataclass
class DisputeGroup:
    """Claims that contradict or support each other, gathered under the event or actor they concern."""

    concerns: str  # an event or actor id; "" for claims that name neither
    contradictions: list[tuple[Claim, Claim]] = field(default_factory=list)
    supports: dict[str, list[Claim]] = field(default_factory=dict)  # supported claim id -> claims supporting it


def _concerns(corpus: Corpus, a: Claim, b: Claim) -> str:
    """What a pair of claims is about: an event both concern, else either's; then an actor, likewise."""
    for key in ("events", "about"):
        mine, theirs = getattr(a, key), getattr(b, key)
        for id in [x for x in mine if x in theirs] + mine + theirs:
            if id in corpus.events or id in corpus.actors:
                return id
    return ""


def dispute_groups(corpus: Corpus) -> list[DisputeGroup]:
    """Every `contradicts` pair once, and every `supports` link, grouped: events in date order, then actors by
    name, then the rest."""
    groups: dict[str, DisputeGroup] = {}
    seen: set[tuple[str, str]] = set()
    published = {b.id: b.source.published.sort_key for b in corpus.briefings.values()}
    for c in corpus.claims.values():
        for cid in c.contradicts:
            other = corpus.claims.get(cid)
            pair = (min(c.id, cid), max(c.id, cid))
            if other is None or pair in seen:
                continue
            seen.add(pair)
            first, second = sorted((c, other), key=lambda x: (published[x.briefing], x.briefing, x.n))
            key = _concerns(corpus, c, other)
            groups.setdefault(key, DisputeGroup(key)).contradictions.append((first, second))
        for cid in c.supports:
            target = corpus.claims.get(cid)
            if target is not None:
                key = _concerns(corpus, c, target)
                groups.setdefault(key, DisputeGroup(key)).supports.setdefault(cid, []).append(c)
    event_order = {id: i for i, id in enumerate(corpus.events)}

    def order(g: DisputeGroup) -> tuple[int, int, str]:
        if g.concerns in event_order:
            return (0, event_order[g.concerns], "")
        if g.concerns in corpus.actors:
            return (1, 0, corpus.actors[g.concerns].name.casefold())
        return (2, 0, "")

    return sorted(groups.values(), key=order)
