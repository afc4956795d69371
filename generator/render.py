"""Render: the linked corpus -> Markdown pages, a plain dict of path -> text, through user-editable Jinja
templates. Knows nothing of MkDocs; the plugin and `briefings render` both call `render_site`."""

from __future__ import annotations

import html
import itertools
import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .corpus import Corpus
from .corpus_json import render_corpus_json, render_corpus_schema
from .dates import EdtfDate
from .errors import BriefingError, BriefingsError, Location
from .links import LINK
from .markup import escape_md, escape_url, inline_start, neutralise_md, page_title, plain_text
from .model import Briefing, Claim, Event, Relation

TEMPLATES = {
    "home": "home.md.j2",
    "briefings": "briefings.md.j2",
    "briefings_year": "briefings-year.md.j2",
    "briefing": "briefing.md.j2",
    "actors": "actors.md.j2",
    "actor": "actor.md.j2",
    "actor_year": "actor-year.md.j2",
    "events": "events.md.j2",
    "events_page": "events-page.md.j2",
    "claims": "claims.md.j2",
    "claims_page": "claims-page.md.j2",
    "source": "source.md.j2",
}
CORPUS_JSON, CORPUS_SCHEMA = "data/corpus.json", "data/corpus.schema.json"
STYLESHEET = "briefings.css"  # a template like the others; served as stylesheets/briefings.css
# The default templates ship inside the package; a project's own templates folder overrides single files.
DEFAULT_TEMPLATES = Path(__file__).parent / "templates"
RELIABILITY_TEXT = {
    "A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
    "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged",
}
CREDIBILITY_TEXT = {
    1: "confirmed by other sources", 2: "probably true", 3: "possibly true",
    4: "doubtful", 5: "improbable", 6: "truth cannot be judged",
}
SOURCING_TEXT = {
    "named": "a named person on the record",
    "anonymous": "unnamed sources: not independently confirmed",
    "publication": "the publication's own assertion or analysis",
    "document": "a document",
    "observed": "observed or publicly recorded",
}
KIND_PLURAL = {"person": "People", "state": "States", "organization": "Organizations", "group": "Groups",
               "media": "Media", "place": "Places", "other": "Other"}


@dataclass(frozen=True)
class SiteOptions:
    site_name: str = "Briefings"
    site_description: str = ""
    use_directory_urls: bool = True
    split_threshold: int = 200  # events or claims beyond this are split over pages of at most this many
    actor_split_threshold: int = 200  # an actor with more dated items gets a page a year (or month)


class Layout:
    """Where every page and every id lives: the site's URLs, from the contract."""

    def __init__(self, corpus: Corpus, options: SiteOptions) -> None:
        self.corpus, self.options = corpus, options
        self.ref_cache: dict[str, dict[str, str]] = {}
        self.split_events = len(corpus.events) > options.split_threshold
        year_counts: dict[int, int] = defaultdict(int)
        for e in corpus.events.values():
            year_counts[e.date.year] += 1
        # A year too full for one page is split by month.
        self.monthly_years = {y for y, n in year_counts.items() if n > options.split_threshold}
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
            for i, eid in enumerate(ids):
                pages[eid] = key if i < limit else f"{key}-{i // limit + 1}"
        return pages

    def event_period(self, event: Event) -> str:
        return self.event_pages.get(event.id) or str(event.date.year)

    def event_page(self, event: Event) -> str:
        return f"events/{self.event_period(event)}.md" if self.split_events else "events/index.md"

    def claims_month(self, briefing_id: str) -> str:
        """The month of a briefing's source, which groups claims when they are split: '2015-11' (or '2015'
        for a source dated only to the year)."""
        return period_key(self.corpus.briefings[briefing_id].source.published)

    def claims_page(self, briefing_id: str) -> str:
        return f"claims/{self.claims_month(briefing_id)}.md" if self.split_claims else "claims/index.md"

    def target(self, id: str) -> tuple[str, str]:
        """(page path, anchor) of an id."""
        kind = self.corpus.kind[id]
        if kind == "actor":
            return f"actors/{id}.md", ""
        if kind == "briefing":
            return f"briefings/{id}.md", ""
        if kind == "event":
            return self.event_page(self.corpus.events[id]), id
        return self.claims_page(self.corpus.claims[id].briefing), id

    def html_url(self, from_page: str, to_page: str, anchor: str = "") -> str:
        """A final URL, for raw HTML where MkDocs does not rewrite `.md` links."""

        def url(path: str) -> str:
            if not self.options.use_directory_urls:
                return path[:-3] + ".html"
            if path == "index.md" or path.endswith("/index.md"):
                return path[: -len("index.md")]
            return path[:-3] + "/"

        src, dst = url(from_page), url(to_page)
        base = posixpath.dirname(src) if not src.endswith("/") else src.rstrip("/")
        rel = posixpath.relpath(dst or ".", base or ".")
        if dst.endswith("/") and not rel.endswith("/"):
            rel += "/"
        return rel + (f"#{anchor}" if anchor else "")


class PageContext:
    """The helpers a template calls; links come out relative to the page being rendered."""

    def __init__(self, layout: Layout, page: str) -> None:
        self.layout, self.corpus, self.page = layout, layout.corpus, page
        self.dir = posixpath.dirname(page)
        self.up = "../" * (self.dir.count("/") + 1) if self.dir else ""
        self._refs = layout.ref_cache.setdefault(self.dir, {})  # links look the same from every page of a folder

    # Links -------------------------------------------------------------------------------------------
    def href(self, to_page: str, anchor: str = "") -> str:
        # Page paths are plain relative paths without `..`, so this is relpath without its cost.
        rel = to_page[len(self.dir) + 1:] if self.dir and to_page.startswith(self.dir + "/") else self.up + to_page
        return rel + (f"#{anchor}" if anchor else "")

    def url(self, id: str) -> str:
        return self.href(*self.layout.target(id))

    def ref(self, id: str, label: str | None = None) -> str:
        """A Markdown link to any briefing, actor, event or claim, shown by its name or title."""
        if label is None:
            link = self._refs.get(id)
            if link is None:
                link = self._refs[id] = f"[{escape_md(self.corpus.label(id))}]({self.url(id)})"
            return link
        return f"[{escape_md(label)}]({self.url(id)})"

    def refs(self, ids: Iterable[str], sep: str = ", ") -> str:
        return sep.join(self.ref(i) for i in ids)

    def page_link(self, to_page: str, label: str, anchor: str = "") -> str:
        return f"[{escape_md(label)}]({self.href(to_page, anchor)})"

    def source_link(self, briefing: Briefing, anchor: str = "", label: str = "source text") -> str:
        return self.page_link(f"sources/{briefing.id}.md", label, anchor)

    # Text --------------------------------------------------------------------------------------------
    def md(self, text: str | None, inline: bool = False) -> str:
        """User Markdown: made inert, with `[[id]]` and `[[id|label]]` turned into links."""
        if not text:
            return ""
        out, at = [], 0
        for m in LINK.finditer(text):  # links first: their labels are escaped once, by ref()
            out.append(self._plain(neutralise_md(text[at:m.start()]), inline))
            out.append(self.ref(m[1].strip(), m[2].strip() or None if m[2] else None))
            at = m.end()
        out.append(self._plain(neutralise_md(text[at:]), inline))
        return "".join(out)

    @staticmethod
    def _plain(text: str, inline: bool) -> str:
        # Inline (table cells, list items): one line, and a pipe must not end a table cell.
        return re.sub(r"\s+", " ", text).replace("|", "\\|") if inline else text

    def md_inline(self, text: str | None) -> str:
        """User Markdown on one line (table cells, list items)."""
        return inline_start(self.md(text, inline=True).strip())

    def describe(self, text: str | None, limit: int = 160) -> str:
        """A page's meta description: Markdown as plain words, `[[id]]` as its label, cut at a word. HTML-escaped,
        because themes print it into an attribute as it is."""
        words = " ".join(plain_text(LINK.sub(lambda m: m[2] or self.corpus.label(m[1].strip()), text or "")).split())
        if len(words) > limit:
            words = words[: limit - 1].rsplit(" ", 1)[0] + "…"
        return html.escape(words)

    @staticmethod
    def esc(text: Any) -> str:
        return escape_md(str(text)) if text is not None else ""

    # Ratings and sourcing ------------------------------------------------------------------------------
    def rating(self, claim: Claim) -> str:
        """The Admiralty badge, linking to the legend."""
        if not claim.rating:
            return '<span class="bf-rating bf-rating--none" title="not rated">unrated</span>'
        parts = []
        if claim.reliability:
            parts.append(f"source {claim.reliability}: {RELIABILITY_TEXT[claim.reliability]}")
        if claim.credibility:
            parts.append(f"information {claim.credibility}: {CREDIBILITY_TEXT[claim.credibility]}")
        grade = claim.reliability or "x"
        return (f'<span class="bf-rating bf-rating--{grade.lower()}" title="Admiralty rating: '
                f'{html.escape("; ".join(parts))}">{html.escape(claim.rating)}</span>')

    def sourcing(self, claim: Claim) -> str:
        return (f'<span class="bf-sourcing bf-sourcing--{claim.sourcing}" '
                f'title="{html.escape(SOURCING_TEXT[claim.sourcing])}">{claim.sourcing}</span>')

    def kind_plural(self, kind: str) -> str:
        return KIND_PLURAL[kind]


def period_key(d: EdtfDate) -> str:
    """A page key by month, '2015-11'; a date known only to the year keeps to the year's key, '2015'."""
    return d.lower.strftime("%Y-%m") if d.start.precision > 1 else str(d.year)


def actor_items(corpus: Corpus, aid: str) -> int:
    return (len(corpus.actor_briefings[aid]) + len(corpus.actor_events[aid]) + len(corpus.actor_claims_by[aid])
            + len(corpus.actor_claims_about[aid]) + len(corpus.actor_relations[aid]))


@dataclass
class ActorYear:
    """One year of an actor's profile, for actors too busy for one page."""

    appearances: list[tuple[Briefing, str]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    made: list[Claim] = field(default_factory=list)
    about: list[Claim] = field(default_factory=list)
    rels: list[Relation] = field(default_factory=list)


def actor_periods(corpus: Corpus, aid: str, limit: int) -> dict[str, ActorYear]:
    """An actor's dated items by year ('2015'), and by month ('2015-11') in a year with more than `limit`:
    briefings and claims by their source's date, events and relations by their own (undated relations by
    their briefing's source)."""
    dated: list[tuple[EdtfDate, str, Any]] = []
    published = {b.id: b.source.published for b in corpus.briefings.values()}
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
    per_year: dict[int, int] = defaultdict(int)
    for d, _, _ in dated:
        per_year[d.year] += 1
    periods: dict[str, ActorYear] = defaultdict(ActorYear)
    for d, section, item in dated:  # each section's items keep their corpus order (by date)
        key = period_key(d) if per_year[d.year] > limit else str(d.year)
        getattr(periods[key], section).append(item)
    return dict(sorted(periods.items()))


def render_source_html(ctx: PageContext, briefing: Briefing) -> str:
    """The source text, escaped and verbatim, each quoted span a <mark> linking to its claim."""
    text = briefing.source_text or ""
    spans = sorted(((c.span, c) for c in briefing.claims if c.span), key=lambda x: x[0])
    bounds = sorted({0, len(text), *(p for (s, e), _ in spans for p in (s, e))})
    out = []
    for a, b in itertools.pairwise(bounds):
        piece = html.escape(text[a:b]).replace("\n", "&#10;")
        covering = [c for (s, e), c in spans if s <= a and b <= e]
        if not covering:
            out.append(piece)
            continue
        starts = "".join(f'<span id="quote-{c.id}"></span>' for (s, _e), c in spans if s == a)
        first = covering[0]
        url = ctx.layout.html_url(ctx.page, *ctx.layout.target(first.id))
        title = html.escape("quoted by " + ", ".join(c.id for c in covering))
        out.append(f'{starts}<mark class="bf-quote" title="{title}"><a href="{url}">{piece}</a></mark>')
    return '<div class="bf-source-text">' + "".join(out) + "</div>"


DRAFT_BANNER = ('<div class="bf-draft" markdown>\n**Draft.** `mkdocs serve` shows this briefing; `mkdocs build` '
                'leaves it out until its file says `draft: false`.\n</div>\n\n')


def with_draft_banner(page: str) -> str:
    """A draft briefing's page (only `mkdocs serve` renders drafts): the banner on top, after the front matter."""
    if page.startswith("---\n"):
        end = page.find("\n---\n", 4)
        if end > 0:
            return page[: end + 5] + "\n" + DRAFT_BANNER + page[end + 5:]
    return DRAFT_BANNER + page


def _template_error(e: Exception, templates_dir: Path | None) -> BriefingError:
    if isinstance(e, jinja2.TemplateSyntaxError):
        return BriefingError(Location(e.filename or e.name or "template", e.lineno or 0, 1), "",
                             f"template syntax error: {e.message}")
    tb = e.__traceback__
    where = Location(str(templates_dir or DEFAULT_TEMPLATES))
    while tb is not None:  # Jinja maps template frames to the template's file and line.
        fn = tb.tb_frame.f_code.co_filename
        if fn.endswith(".j2"):
            where = Location(fn, tb.tb_lineno, 1)
        tb = tb.tb_next
    return BriefingError(where, "", f"template error: {type(e).__name__}: {e}")


def make_env(overrides: Path | None) -> jinja2.Environment:
    """Templates from the project's folder where it has the file, else the package's defaults (as Material's
    `custom_dir` overrides its partials). Kept between the builds of one process (`mkdocs serve`): compiling
    the templates costs about a second a build."""
    key = _templates_key(overrides)
    if key in _ENV:
        return _ENV[key]
    folders = [str(overrides)] if overrides is not None and overrides.is_dir() else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(DEFAULT_TEMPLATES)]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is Markdown; data is escaped by esc/md/ref, never evaluated
        extensions=["jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["esc"] = escape_md
    env.filters["url"] = escape_url
    env.filters["tojson"] = lambda v: json.dumps(v, ensure_ascii=False)
    env.filters["page_title"] = page_title
    env.filters["zip"] = lambda a, b: zip(a, b, strict=False)
    _ENV.clear()
    _ENV[key] = env
    return env


_ENV: dict[tuple[Any, ...], jinja2.Environment] = {}


def _templates_key(overrides: Path | None) -> tuple[Any, ...]:
    """Any change in the override folder (a file added, removed or edited) makes a new environment; Jinja itself
    reloads a package template whose file changed (auto_reload)."""
    if overrides is None or not overrides.is_dir():
        return (None,)
    files = sorted((p.relative_to(overrides).as_posix(), p.stat().st_mtime_ns, p.stat().st_size)
                   for p in overrides.rglob("*") if p.is_file())
    return (str(overrides), *files)


def render_site(corpus: Corpus, overrides: Path | None = None, options: SiteOptions | None = None) -> dict[str, str]:
    """Every generated page: docs-relative path -> Markdown. `overrides`: a folder of templates that replace the
    package's defaults file by file. Raises BriefingsError on template errors."""
    options = options or SiteOptions()
    layout = Layout(corpus, options)
    env = make_env(overrides)
    pages: dict[str, str] = {}
    common = {"corpus": corpus, "site": options, "layout": layout, "counts": corpus.counts(),
              "RELIABILITY": RELIABILITY_TEXT, "CREDIBILITY": CREDIBILITY_TEXT, "SOURCING": SOURCING_TEXT}

    def render(kind: str, path: str, **values: Any) -> None:
        ctx = PageContext(layout, path)
        try:
            template = env.get_template(TEMPLATES[kind])
            pages[path] = template.render(**common, **values, ctx=ctx, ref=ctx.ref, refs=ctx.refs, md=ctx.md,
                                          md_inline=ctx.md_inline, esc=ctx.esc, url=ctx.url, href=ctx.href)
        except Exception as e:
            raise BriefingsError([_template_error(e, overrides)]) from None

    assert env.loader is not None
    pages[f"stylesheets/{STYLESHEET}"] = env.loader.get_source(env, STYLESHEET)[0]
    render("home", "index.md")
    briefing_years: dict[int, list[Briefing]] = defaultdict(list)
    for b in corpus.briefings.values():
        briefing_years[b.source.published.year].append(b)
    render("briefings", "briefings/index.md", split=layout.split_briefings, years=briefing_years)
    if layout.split_briefings:
        for year, items in briefing_years.items():
            render("briefings_year", f"briefings/by-year/{year}.md", year=year, briefings=items)
    for b in corpus.briefings.values():
        render("briefing", f"briefings/{b.id}.md", briefing=b, events=corpus.briefing_events[b.id])
        if b.draft:
            pages[f"briefings/{b.id}.md"] = with_draft_banner(pages[f"briefings/{b.id}.md"])
        if b.source_text is not None:
            ctx = PageContext(layout, f"sources/{b.id}.md")
            render("source", f"sources/{b.id}.md", briefing=b, source_html=render_source_html(ctx, b))
    render("actors", "actors/index.md")
    for a in corpus.actors.values():
        limit = options.actor_split_threshold
        periods = actor_periods(corpus, a.id, limit) if actor_items(corpus, a.id) > limit else {}
        render("actor", f"actors/{a.id}.md", actor=a, years=periods)
        for period, section in periods.items():
            render("actor_year", f"actors/{a.id}/{period}.md", actor=a, year=period, section=section,
                   all_years=list(periods))

    by_year: dict[int, list[Event]] = defaultdict(list)
    periods: dict[str, list[Event]] = defaultdict(list)
    for e in corpus.events.values():
        by_year[e.date.year].append(e)
        periods[layout.event_period(e)].append(e)
    render("events", "events/index.md", years=dict(sorted(by_year.items())), periods=dict(sorted(periods.items())),
           split=layout.split_events)
    if layout.split_events:
        for period, events in periods.items():
            render("events_page", f"events/{period}.md", period=period, events=events)

    months: dict[str, list[Briefing]] = defaultdict(list)
    for b in corpus.briefings.values():
        if b.claims:
            months[layout.claims_month(b.id)].append(b)
    render("claims", "claims/index.md", split=layout.split_claims, months=months)
    if layout.split_claims:
        for month, items in months.items():
            render("claims_page", f"claims/{month}.md", month=month, briefings=items)
    # Data out: static files, not pages (the contract's /data/corpus.json, with its schema beside it).
    pages[CORPUS_JSON] = render_corpus_json(corpus)
    pages[CORPUS_SCHEMA] = render_corpus_schema()
    return pages


