"""Render: the linked corpus -> pages, a plain dict of path -> text, through user-editable Jinja templates.
The templates write HTML (with front matter): MkDocs takes it as the page's content, without Python-Markdown,
which was two thirds of a build. A project's own template of the older kind (`*.md.j2`) writes Markdown, and
its page goes through Python-Markdown as before. Knows nothing of MkDocs; the plugin and `briefings render`
both call `Renderer`."""

from __future__ import annotations

import functools
import html
import itertools
import json
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2

from .corpus import Corpus
from .corpus_json import Join, render_corpus_json, render_corpus_schema
from .errors import BriefingError, BriefingsError, Location
from .layout import Layout, PageSpec, SiteOptions
from .links import LINK
from .markup import (
    escape_html,
    escape_url,
    inline_start,
    isolate,
    markdown_html,
    neutralise_md,
    page_title,
    plain_text,
)
from .model import Actor, Briefing, Claim, Event
from .pictures import render_graph, render_network, render_timeline
from .recording import memo

# A page's template: `<name>.html.j2`, or a project's own `<name>.md.j2`, which writes Markdown (the older kind).
TEMPLATES = {
    "home": "home", "briefings": "briefings", "briefings_year": "briefings-year", "briefing": "briefing",
    "actors": "actors", "actor": "actor", "actor_year": "actor-year", "events": "events",
    "events_page": "events-page", "claims": "claims", "claims_page": "claims-page", "source": "source",
    "disputes": "disputes", "key": "key", "tags": "tags", "tag": "tag",
}
HTML, MARKDOWN = ".html.j2", ".md.j2"
STYLESHEET = "briefings.css"  # a template like the others; served as stylesheets/briefings.css
# The claims filter's own stylesheet and script, served as stylesheets/ and javascripts/ (templates too).
FILTER_STYLESHEET = "claims-filter.css"
FILTER_SCRIPT = "claims-filter.js"
# Material's search box answers from this worker instead of its own (see the script's comment and the plugin).
SEARCH_WORKER = "search-worker.js"
ASSETS = [STYLESHEET, FILTER_STYLESHEET, FILTER_SCRIPT, SEARCH_WORKER]
WORKER_SHIM = "iframe-worker.js"  # vendored: search from file:// (see the plugin), served only by offline builds
# The claims filter's facets: URL parameter -> label. One value each; `about`, `event` and `tag` match any
# of a claim's values. The URL names ids, so a filtered view can be linked.
FILTER_FACETS = {
    "rel": "Source reliability", "cred": "Credibility", "sourcing": "Sourcing", "by": "Asserted by",
    "about": "About", "briefing": "Briefing", "event": "Event", "tag": "Tag",
}
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
MODALITY_TEXT = {
    "conditional": "holds only if a condition is met",
    "forecast": "a prediction of what will happen",
    "intention": "what the speaker means to do",
    "denial": "the speaker denies something",
    "opinion": "a judgement or view, not a statement of fact",
}
STATEMENT_LIMIT = 160  # a claim referenced elsewhere shows this much of its statement, cut at a word
KIND_PLURAL = {"person": "People", "state": "States", "organization": "Organizations", "group": "Groups",
               "media": "Media", "place": "Places", "other": "Other"}


class PageContext:
    """The helpers a template calls. They write HTML, which a Markdown template (`*.md.j2`) may hold too; links
    come out relative to the page being rendered."""

    def __init__(self, layout: Layout, page: str, markdown: bool = False) -> None:
        self.layout, self.corpus, self.page = layout, layout.corpus, page
        self.markdown = markdown  # a project's Markdown template: href() and url() give `.md` paths for its links
        self.dir = posixpath.dirname(page)
        self.up = "../" * (self.dir.count("/") + 1) if self.dir else ""
        self._from_root = layout.page_url(page)
        self._rels: dict[str, str] = {}

    # Links -------------------------------------------------------------------------------------------
    def href(self, to_page: str, anchor: str = "") -> str:
        """The address of a generated page from this one: its final URL, or in a Markdown template its `.md`
        path (MkDocs turns those into URLs and checks them)."""
        if not self.markdown:
            return self.html_href(to_page, anchor)
        # Page paths are plain relative paths without `..`, so this is relpath without its cost.
        rel = to_page[len(self.dir) + 1:] if self.dir and to_page.startswith(self.dir + "/") else self.up + to_page
        return rel + (f"#{anchor}" if anchor else "")

    def url(self, id: str) -> str:
        return self.html_url(id) if not self.markdown else self.href(*self.layout.target(id))

    def html_href(self, to_page: str, anchor: str = "") -> str:
        """A page's final URL from this one."""
        return self._relative(self.layout.page_url(to_page)) + (f"#{anchor}" if anchor else "")

    def _relative(self, url: str) -> str:
        """The way from this page to a URL from the site's root (a page links to the same few pages many times)."""
        rel = self._rels.get(url)
        if rel is None:
            rel = self._rels[url] = Layout.relative(self._from_root, url)
        return rel

    def ref(self, id: str, label: str | None = None) -> str:
        """A link to any briefing, actor, event or claim, shown by its name or title; a claim by its statement
        with its badges."""
        if label is None:
            if self.corpus.kind_of.get(id) == "claim":
                return self.claim_ref(self.corpus.claims[id])
            text = memo(self.layout.label_cache, id, lambda: isolate(escape_html(self.label(id))))
        else:
            text = isolate(escape_html(label))
        return f'<a href="{self.html_url(id)}">{text}</a>'

    def refs(self, ids: Iterable[str], sep: str = ", ") -> str:
        return sep.join(self.ref(i) for i in ids)

    def page_link(self, to_page: str, label: str, anchor: str = "") -> str:
        return f'<a href="{self.html_href(to_page, anchor)}">{escape_html(label)}</a>'

    def period_links(self, actor_id: str, periods: Iterable[Any], current: Any) -> str:
        """Links to each of an actor's period pages, the current one in bold."""
        links = self._period_links(actor_id, periods)
        return " · ".join(f"<strong>{period}</strong>" if period == current else link for period, link in links.items())

    def period_link(self, actor_id: str, periods: Iterable[Any], period: Any) -> str:
        """A link to one of an actor's period pages (`periods`: all of them)."""
        return self._period_links(actor_id, periods)[period]

    def _period_links(self, actor_id: str, periods: Iterable[Any]) -> dict[Any, str]:
        """Each period's link, from this page. A busy actor has hundreds of periods and each of their pages lists
        them all, so the links are made once: the way from one period page to another is the same from each of
        them (their URLs share a folder), and from a page to itself it is that of any other."""
        def make() -> dict[Any, str]:
            urls = {period: self.layout.page_url(self.layout.actor_period_page(actor_id, period)) for period in periods}
            links = {}
            for period, url in urls.items():
                start = self._from_root if url != self._from_root else next(
                    (u for u in urls.values() if u != url), url)
                links[period] = f'<a href="{Layout.relative(start, url)}">{escape_html(str(period))}</a>'
            return links

        folder = self._from_root.rstrip("/").rpartition("/")[0]
        return memo(self.layout.period_cache, (actor_id, folder), make)

    def heading(self, level: int, id: str, text: str, cls: str = "") -> str:
        """A heading of the page's table of contents, with its permanent link. `text`: HTML (escape data)."""
        attrs = f' class="{cls}" id="{id}"' if cls else f' id="{id}"'
        return (f'<h{level}{attrs}>{text}<a class="headerlink" href="#{id}" title="Permanent link">&para;</a>'
                f'</h{level}>')

    def source_link(self, briefing: Briefing, anchor: str = "", label: str = "source text") -> str:
        return self.page_link(self.layout.source_page(briefing.id), label, anchor)

    # Labels ------------------------------------------------------------------------------------------
    def label(self, id: str) -> str:
        """How an id reads as a link: an actor's name, a briefing's or event's title, a claim's statement."""
        kind = self.corpus.kind_of.get(id)
        if kind == "actor":
            return self.corpus.actors[id].name
        if kind == "briefing":
            return self.corpus.briefings[id].title
        if kind == "event":
            return self.corpus.events[id].title
        if kind == "claim":
            return self.statement(self.corpus.claims[id])
        return id

    def statement(self, claim: Claim) -> str:
        """A claim's statement as plain words: links read as their labels (a claim inside a claim as its id,
        so statements cannot loop)."""
        def inner(m: re.Match[str]) -> str:
            id, label = m[1].strip(), (m[2] or "").strip()
            return label or (id if self.corpus.kind_of.get(id) == "claim" else self.label(id))

        return memo(self.layout.statement_cache, claim.id,
                    lambda: " ".join(plain_text(LINK.sub(inner, claim.text)).split()))

    # Text --------------------------------------------------------------------------------------------
    def md(self, text: str | None, inline: bool = False) -> str:
        """User Markdown as HTML: made inert, with `[[id]]` and `[[id|label]]` turned into links. `inline`: one
        line, without the paragraph around it (table cells, list items)."""
        if not text:
            return ""
        out, links = _convert_md(text, inline)
        if not links:
            return out
        refs = [self.ref(id, label) for id, label in links]  # relative to this page: made for each
        return _PLACEHOLDER.sub(lambda m: refs[int(m[1])], out)

    def md_inline(self, text: str | None) -> str:
        """User Markdown on one line (table cells, list items)."""
        return self.md(text, inline=True)

    def describe(self, text: str | None, limit: int = 160) -> str:
        """A page's meta description: Markdown as plain words, `[[id]]` as its label, cut at a word. HTML-escaped,
        because themes print it into an attribute as it is."""
        words = " ".join(plain_text(LINK.sub(lambda m: m[2] or self.label(m[1].strip()), text or "")).split())
        if len(words) > limit:
            words = words[: limit - 1].rsplit(" ", 1)[0] + "…"
        return html.escape(words)

    @staticmethod
    def esc(text: Any) -> str:
        """Plain text shown exactly as written, on one line, a right-to-left string isolated."""
        return isolate(escape_html(str(text))) if text is not None else ""

    # Badges: each links to its row in the key, which says what it means --------------------------------
    def _badge(self, cls: str, key: str, title: str, body: str) -> str:
        href = self.html_href(self.layout.key_page, self.layout.key_anchor(key))
        return f'<a class="bf-badge {cls}" href="{href}" title="{escape_html(title)}">{body}</a>'

    def grade(self, reliability: str | None, credibility: int | None) -> str:
        """The Admiralty badge: the letter on its own colour, the digit beside it on white."""
        if not reliability and not credibility:
            return self._badge("bf-rating bf-rating--none", "ratings", "not rated", "unrated")
        parts, body = [], ""
        if reliability:
            parts.append(f"source {reliability}: {RELIABILITY_TEXT[reliability]}")
            body += f'<span class="bf-rel">{reliability}</span>'
        if credibility:
            parts.append(f"information {credibility}: {CREDIBILITY_TEXT[credibility]}")
            body += f'<span class="bf-cred">{credibility}</span>'
        cls = f"bf-rating bf-rating--{(reliability or 'x').lower()}"
        return self._badge(cls, "ratings", "Admiralty rating: " + "; ".join(parts), body)

    def rating(self, claim: Claim) -> str:
        return self.grade(claim.reliability, claim.credibility)

    def sourcing(self, claim: Claim | str) -> str:
        key = claim if isinstance(claim, str) else claim.sourcing
        return self._badge(f"bf-sourcing bf-sourcing--{key}", key, SOURCING_TEXT[key], key)

    def modality(self, claim: Claim) -> str:
        if not claim.modality:
            return ""
        return self._badge("bf-modality", claim.modality, MODALITY_TEXT[claim.modality], claim.modality)

    def badges(self, claim: Claim, contested: bool = True) -> str:
        """Sourcing, grade, modality and, for a claim that sources contradict, a mark leading to the dispute."""
        out = f"{self.sourcing(claim)} {self.rating(claim)}"
        if claim.modality:
            out += " " + self.modality(claim)
        return out + self.contested(claim) if contested else out

    def contested(self, claim: Claim) -> str:
        others = self.opponents(claim)
        if not others:
            return ""
        href = self.html_href(*self.layout.dispute_target(claim, others[0]))
        n = len(others)
        title = f"{n} claim{'s' if n != 1 else ''} say{'s' if n == 1 else ''} otherwise: see them side by side"
        return f' <a class="bf-mark bf-mark--contested" href="{href}" title="{escape_html(title)}">contested</a>'

    def opponents(self, claim: Claim) -> list[Claim]:
        """The claims this one contradicts or is contradicted by, each once."""
        seen = {c.id: c for c in self.corpus.claim_contradicted_by[claim.id]}
        for cid in claim.contradicts:
            if cid in self.corpus.claims:
                seen.setdefault(cid, self.corpus.claims[cid])
        return list(seen.values())

    def dispute_link(self, a: Claim, b: Claim, label: str = "side by side") -> str:
        page, anchor = self.layout.dispute_target(a, b)
        return self.page_link(page, label, anchor)

    def same_origin(self, a: Claim, b: Claim) -> str:
        """The mark on a `supports` link between two claims of one origin."""
        if not self.corpus.same_origin(a, b):
            return ""
        return (' <span class="bf-mark bf-mark--origin" title="both trace to the same speaker: one repeats the '
                'other">same origin: not independent confirmation</span>')

    # Claims where they are referenced ------------------------------------------------------------------
    def claim_link(self, claim: Claim, limit: int = STATEMENT_LIMIT) -> str:
        """The statement as a link to the claim; past `limit` characters cut at a word, the rest shown on
        hover and keyboard focus (and in the title, and on the claim itself)."""
        text = self.statement(claim)
        href = self.html_href(*self.layout.target(claim.id))
        if len(text) <= limit:
            return f'<a class="bf-st" href="{href}">{escape_html(text)}</a>'
        cut = text.rfind(" ", 0, limit + 1)
        cut = cut if cut > limit // 2 else limit
        head, rest = text[:cut], text[cut:].strip()
        return (f'<a class="bf-st" href="{href}" title="{escape_html(text)}">{escape_html(head)}'
                f'<span class="bf-st-more">…</span><span class="bf-st-rest"> {escape_html(rest)}</span></a>')

    def claim_ref(self, claim: Claim, by: bool = True) -> str:
        """A claim referenced from elsewhere: badges, who asserts it, and what it states."""
        who = f"{self.ref(claim.by)}: " if by else ""
        return f'<span class="bf-ref">{self.badges(claim)} {who}{self.claim_link(claim)}</span>'

    def claim_refs(self, claims: Iterable[Claim | str], by: bool = True) -> list[str]:
        return [self.claim_ref(c if isinstance(c, Claim) else self.corpus.claims[c], by) for c in claims]

    def chain(self, claim: Claim) -> str:
        """Who said it and how it reached the page: "Dehghan, via Tasnim, in Sputnik Brasil"."""
        out = self.ref(claim.by) + "".join(f", via {self.ref(v)}" for v in claim.via)
        publication = self.corpus.briefings[claim.briefing].source.publication
        if publication != claim.by and publication in self.corpus.actors:
            out += f", in {self.ref(publication)}"
        return out

    def quote(self, claim: Claim) -> str:
        """The quote as raw HTML, in the source's language, with its translation beneath and a link to where
        it stands in the source."""
        if not claim.quote:
            return ""
        b = self.corpus.briefings[claim.briefing]
        lang = f' lang="{escape_html(b.source.lang)}"' if b.source.lang else ""
        out = f'<div class="bf-quote-box"><blockquote class="bf-quote-text"{lang}><p>“{html.escape(claim.quote)}”</p>'
        if claim.span:
            href = self.html_href(self.layout.source_page(b.id), f"quote-{claim.id}")
            out += f'<p class="bf-quote-src">— <a href="{href}">in the source</a></p>'
        out += "</blockquote>"
        if claim.translation:
            out += (f'<p class="bf-translation"><span class="bf-label">Translation:</span> '
                    f'“{html.escape(claim.translation)}”</p>')
        return out + "</div>"

    # Tallies -----------------------------------------------------------------------------------------
    def grade_tally(self, claims: list[Claim]) -> str:
        """"55 claims: D3 12 · D4 10 …", most frequent grade first, each grade a badge."""
        counts = Counter((c.reliability, c.credibility) for c in claims)
        order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0] or "Z", kv[0][1] or 9))
        parts = [f"{self.grade(r, g)} {n}" for (r, g), n in order]
        n = len(claims)
        return f"{n} claim{'s' if n != 1 else ''}: " + " · ".join(parts)

    def support_tally(self, claim: Claim) -> str:
        """How many claims confirm this one independently; repeats of its own origin are not counted."""
        independent = len(self.corpus.independent_support(claim.id))
        repeats = len(self.corpus.claim_supported_by[claim.id]) - independent
        out = f"{independent} independent confirmation{'s' if independent != 1 else ''}"
        return out + (f" ({repeats} more of the same origin, not counted)" if repeats else "")

    def shared(self, a: str, b: str, n: int = 3) -> str:
        """The briefings two actors share: the first few by title, then how many more."""
        both = [x.id for x, _ in self.corpus.actor_briefings[a] if b in x.actors]
        more = f" and {len(both) - n} more" if len(both) > n else ""
        return self.refs(both[:n]) + more

    def conflicts(self, claims: list[Claim]) -> list[tuple[Claim, Claim]]:
        """The pairs among these claims that contradict each other."""
        ids = {c.id for c in claims}
        pairs: dict[str, tuple[Claim, Claim]] = {}
        for c in claims:
            for o in self.opponents(c):
                if o.id in ids:
                    pairs.setdefault(self.layout.dispute_anchor(c, o), (c, o))
        return list(pairs.values())

    def disputed(self, claims: Iterable[Claim]) -> list[tuple[Claim, list[Claim]]]:
        """Each of these claims that others contradict, once, with those others."""
        seen: dict[str, tuple[Claim, list[Claim]]] = {}
        for c in claims:
            others = self.opponents(c)
            if others and c.id not in seen:
                seen[c.id] = (c, others)
        return list(seen.values())

    def disputes_of(self, claims: Iterable[Claim]) -> list[tuple[Claim, Claim]]:
        """Every contradicting pair with at least one of these claims, once."""
        pairs: dict[str, tuple[Claim, Claim]] = {}
        for c in claims:
            for o in self.opponents(c):
                pairs.setdefault(self.layout.dispute_anchor(c, o), (c, o))
        return list(pairs.values())

    def sourcing_tally(self, claims: list[Claim]) -> str:
        counts = Counter(c.sourcing for c in claims)
        return " · ".join(f"{self.sourcing(k)} {counts[k]}" for k in SOURCING_TEXT if counts[k])

    def sourcing_links(self, claims: list[Claim]) -> str:
        """"anonymous 12 · named 30 …": each sourcing with its count, linking to the claims filtered by it."""
        counts = Counter(c.sourcing for c in claims)
        return " · ".join(
            f'<a class="bf-sourcing-count" href="{self.filter_url(sourcing=key)}"><span class="bf-sourcing '
            f'bf-sourcing--{key}" title="{text}">{key}</span> {counts[key]}</a>'
            for key, text in SOURCING_TEXT.items() if counts[key])

    def actor_links(self, actor: Actor) -> str:
        """An actor's `links`: web addresses as links, a Wikidata id as its page, anything else as text."""
        out = []
        for label, target in actor.links.items():
            if target.startswith(("http://", "https://")):
                out.append(f'<a href="{escape_url(target)}">{self.esc(label)}</a>')
            elif label == "wikidata":
                out.append(f'<a href="https://www.wikidata.org/wiki/{quote(target)}">Wikidata {self.esc(target)}</a>')
            else:
                out.append(f"{self.esc(label)}: {self.esc(target)}")
        return " · ".join(out)

    def kind_plural(self, kind: str) -> str:
        return KIND_PLURAL[kind]

    def tag_link(self, tag: str) -> str:
        return f'<a class="bf-tag" href="{self.html_href(self.layout.tag_page(tag))}">{tag}</a>'

    # The claims filter ----------------------------------------------------------------------------------
    def claim_data(self, claim: Claim) -> str:
        """A claim's facets as data attributes for the filter script (ids and codes: safe in an attribute)."""
        b = self.corpus.briefings[claim.briefing]
        values = {"rel": claim.reliability or "", "cred": str(claim.credibility or ""), "sourcing": claim.sourcing,
                  "by": claim.by, "about": " ".join(claim.about), "briefing": claim.briefing,
                  "event": " ".join(claim.events), "tag": " ".join(b.tags)}
        return " ".join(f'data-{k}="{html.escape(v)}"' for k, v in values.items())

    def filter_url(self, **facets: str) -> str:
        """The claims appendix narrowed to these facets (sourcing="anonymous"), as a final URL."""
        return self.html_href(self.layout.claims_index) + "?" + urlencode(facets)

    def claims_filter(self, claims: list[Claim], index: str = "") -> str:
        """The filter's controls as one raw HTML block, shown only when the script runs. Options are the values
        on this page; with `index` (the URL of a facets script) the script fills them from there instead."""
        options: dict[str, list[tuple[str, str]]] = {
            "rel": [(r, f"{r}: {t}") for r, t in RELIABILITY_TEXT.items()],
            "cred": [(str(c), f"{c}: {t}") for c, t in CREDIBILITY_TEXT.items()],
            "sourcing": [(s, s) for s in SOURCING_TEXT],
        }
        if not index:
            corpus = self.corpus
            actors = {a for c in claims for a in (c.by, *c.about)}
            names = {a: corpus.actors[a].name if a in corpus.actors else a for a in actors}
            options["by"] = sorted(((c.by, names[c.by]) for c in claims), key=lambda o: o[1].casefold())
            options["about"] = sorted(((a, names[a]) for c in claims for a in c.about), key=lambda o: o[1].casefold())
            # In the corpus' order, from this page's claims alone (a page that walked every briefing would be
            # rendered again at every edit under `mkdocs serve`: recording.py).
            order = self.layout.order
            briefings = sorted({c.briefing for c in claims}, key=order.__getitem__)
            options["briefing"] = [(b, corpus.briefings[b].title) for b in briefings]
            events = sorted({e for c in claims for e in c.events if e in corpus.events}, key=order.__getitem__)
            options["event"] = [(e, f"{corpus.events[e].date.human()} {corpus.events[e].title}") for e in events]
            tags = {t for c in claims for t in corpus.briefings[c.briefing].tags}
            options["tag"] = [(t, t) for t in sorted(tags)]
        parts = []
        for key, label in FILTER_FACETS.items():
            opts = "".join(f'<option value="{html.escape(v)}">{html.escape(t)}</option>'
                           for v, t in dict(options.get(key, [])).items())
            parts.append(f'<label class="bf-filter-facet"><span>{label}</span> <select name="{key}">'
                         f'<option value="">any</option>{opts}</select></label>')
        data = f' data-index="{html.escape(index)}"' if index else ""
        if self.layout.split_claims and self.page != self.layout.claims_index:  # a month page: offer every month
            data += f' data-all="{self.html_href(self.layout.claims_index)}"'
        return (f'<div class="bf-filter" data-search-exclude="" data-total="{len(claims)}"{data}>'
                f'<div class="bf-filter-facets">{"".join(parts)}</div>'
                '<p class="bf-filter-status" role="status"></p></div>')


    def html_url(self, id: str) -> str:
        """The final URL of an id from this page (a page links to hundreds: the id's URL from the root is made once
        a build, the way there from this page once per page)."""
        layout = self.layout

        def from_root() -> str:
            page, anchor = layout.target(id)
            return layout.page_url(page) + (f"#{anchor}" if anchor else "")

        path, _, anchor = memo(layout.root_urls, id, from_root).partition("#")
        if anchor and path == self._from_root:
            return f"#{anchor}"
        return self._relative(path) + (f"#{anchor}" if anchor else "")

    # Pictures (build-time SVG) ------------------------------------------------------------------------------
    def timeline(self, events: Iterable[Event], briefing: Briefing | None = None) -> str:
        """The events on a time axis; on a briefing's page, those it reports from other briefings marked."""
        elsewhere = (lambda e: e.briefing != briefing.id) if briefing is not None else None
        return render_timeline(list(events), lambda e: self.html_url(e.id), elsewhere=elsewhere,
                               compact=not self.page.startswith("events/"))

    def graph(self, actor: Actor) -> str:
        """The actor's relations, and the actors it most often appears with."""
        layout = self.layout
        return render_graph(actor, self.corpus.actor_relations[actor.id], self.corpus.actor_coactors.get(actor.id, []),
                            self.corpus.actors, self.html_url,
                            lambda r: self.html_href(layout.briefing_page(r.briefing), "_relations"))

    def network(self) -> str:
        """The most connected actors and their relations, for the actors index."""
        return render_network(list(self.corpus.actors.values()), self.corpus.relations, self.html_url)


_HEADING = re.compile(r'<h([1-6])(?: class="[^"]*")? id="([^"]+)">(.*?)</h\1>', re.S)
_PERMALINK = '<a class="headerlink" '
_TAG = re.compile(r"<[^>]*>")


def toc_tokens(page: str) -> list[dict[str, Any]]:
    """A page's table of contents, as Python-Markdown's toc extension gives it to MkDocs: the headings that carry a
    permanent link (PageContext.heading), each with the deeper ones that follow it as children."""
    out: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for m in _HEADING.finditer(page):
        text, link, _ = m[3].partition(_PERMALINK)
        if not link:
            continue
        token: dict[str, Any] = {"level": int(m[1]), "id": m[2], "name": _TAG.sub("", text).strip(), "children": []}
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else out).append(token)
        stack.append(token)
    return out


_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


@functools.lru_cache(maxsize=1 << 16)  # a claim's text shows on several pages
def _convert_md(text: str, inline: bool) -> tuple[str, tuple[tuple[str, str | None], ...]]:
    """User Markdown as HTML (PageContext.md), its links as placeholders `\ue000N\ue001` (they are relative to
    the page), and the links' ids and labels. Converted once per text: the links are escaped by ref()."""
    parts: list[str] = []
    links: list[tuple[str, str | None]] = []
    at = 0
    for m in LINK.finditer(text):
        parts.append(neutralise_md(_unmark(text[at:m.start()])))
        parts.append(f"\ue000{len(links)}\ue001")
        links.append((m[1].strip(), m[2].strip() or None if m[2] else None))
        at = m.end()
    parts.append(neutralise_md(_unmark(text[at:])))
    source = "".join(parts)
    if inline:
        out = markdown_html(inline_start(" ".join(source.split())))
        out = out[3:-4] if out.startswith("<p>") and out.endswith("</p>") else out
    else:
        out = markdown_html(source)
    return out, tuple(links)


def _unmark(text: str) -> str:
    """User text without the characters that stand in for its links while it is converted (md)."""
    return text.replace("\ue000", "").replace("\ue001", "")


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
        url = ctx.html_href(*ctx.layout.target(first.id))
        title = html.escape("quoted by " + ", ".join(c.id for c in covering))
        out.append(f'{starts}<mark class="bf-quote" title="{title}"><a href="{url}">{piece}</a></mark>')
    return '<div class="bf-source-text">' + "".join(out) + "</div>"


DRAFT_BANNER = ('<div class="bf-draft"><p><strong>Draft.</strong> <code>mkdocs serve</code> shows this briefing; '
                '<code>mkdocs build</code> leaves it out until its file says <code>draft: false</code>.</p></div>\n\n')


def with_banner(page: str, banner: str) -> str:
    """A page with a banner on top, after the front matter: a draft's (only `mkdocs serve` renders drafts), or the
    stale preview's (the plugin)."""
    if page.startswith("---\n"):
        end = page.find("\n---\n", 4)
        if end > 0:
            return page[: end + 5] + "\n" + banner + page[end + 5:]
    return banner + page


def template_error(e: Exception, templates_dir: Path | None) -> BriefingError:
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
        loader=_Loader([*folders, str(DEFAULT_TEMPLATES)]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # data is escaped by esc/md/ref, never evaluated; helpers return HTML
        extensions=["jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["esc"] = PageContext.esc  # the same as the global esc(): one way to escape
    env.filters["url"] = escape_url
    env.filters["tojson"] = lambda v: json.dumps(v, ensure_ascii=False)
    env.filters["page_title"] = page_title
    env.filters["zip"] = lambda a, b: zip(a, b, strict=False)
    _ENV.clear()
    _ENV[key] = env
    return env


_ENV: dict[tuple[Any, ...], jinja2.Environment] = {}


class _Loader(jinja2.FileSystemLoader):
    """A project's Markdown template that includes a partial by its older name (`_claim.md.j2`) gets today's
    (`_claim.html.j2`), unless the project has its own of that name."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except jinja2.TemplateNotFound:
            if not template.endswith(MARKDOWN):
                raise
            return super().get_source(environment, template.removesuffix(MARKDOWN) + HTML)


def _templates_key(overrides: Path | None) -> tuple[Any, ...]:
    """Any change in the override folder (a file added, removed or edited) makes a new environment; Jinja itself
    reloads a package template whose file changed (auto_reload)."""
    if overrides is None or not overrides.is_dir():
        return (None,)
    files = sorted((p.relative_to(overrides).as_posix(), p.stat().st_mtime_ns, p.stat().st_size)
                   for p in overrides.rglob("*") if p.is_file())
    return (str(overrides), *files)


class Renderer:
    """Renders the pages of `Layout.pages()` one at a time, through the templates."""

    def __init__(self, corpus: Corpus, overrides: Path | None = None, options: SiteOptions | None = None) -> None:
        self.corpus, self.overrides = corpus, overrides
        self.layout = Layout(corpus, options or SiteOptions())
        self.env = make_env(overrides)
        own = {p.name for p in overrides.iterdir()} if overrides is not None and overrides.is_dir() else set()
        # A project's page template of the older kind (`briefing.md.j2`) still makes its page, in Markdown.
        self.templates = {kind: name + (MARKDOWN if name + MARKDOWN in own and name + HTML not in own else HTML)
                          for kind, name in TEMPLATES.items()}
        self.markdown_kinds = {kind for kind, name in self.templates.items() if name.endswith(MARKDOWN)}
        # Its partials of the older kind are left out of the HTML pages: said, with the fix.
        self.notices = []
        for name in sorted(own):
            stem = name.removesuffix(MARKDOWN)
            default = DEFAULT_TEMPLATES / (stem + HTML)
            page = stem in TEMPLATES.values()
            if name.endswith(MARKDOWN) and not page and stem + HTML not in own and default.is_file():
                self.notices.append(f"{overrides}/{name}: the pages are HTML now and include {stem + HTML} instead, "
                                    "so this template is used only by your own Markdown templates; copy "
                                    f"{default} into the folder and make your change there")
        self.join: Join | None = None  # a cache of corpus.json's records (incremental.PageRenderer)
        self.common = {"corpus": corpus, "site": self.layout.options, "layout": self.layout,
                       "counts": corpus.counts(), "RELIABILITY": RELIABILITY_TEXT, "CREDIBILITY": CREDIBILITY_TEXT,
                       "SOURCING": SOURCING_TEXT, "MODALITY": MODALITY_TEXT}

    def pages(self) -> list[PageSpec]:
        return self.layout.pages(ASSETS)

    def render(self, spec: PageSpec) -> str:
        """One page's text. Raises BriefingsError on template errors."""
        kind, values = spec.kind, spec.values
        if kind == "asset":
            assert self.env.loader is not None
            return self.env.loader.get_source(self.env, values["name"])[0]
        if kind == "facets":
            return render_claim_facets(self.layout, values["months"])
        if kind == "corpus_json":
            return render_corpus_json(self.corpus, self.join)
        if kind == "corpus_schema":
            return render_corpus_schema()
        ctx = PageContext(self.layout, spec.path, markdown=kind in self.markdown_kinds)
        if kind == "source":
            values = {**values, "source_html": render_source_html(ctx, values["briefing"])}
        try:
            template = self.env.get_template(self.templates[kind])
            text = template.render(**self.common, **values, ctx=ctx, ref=ctx.ref, refs=ctx.refs, md=ctx.md,
                                   md_inline=ctx.md_inline, esc=ctx.esc,
                                   url=ctx.url, href=ctx.href)  # documented for custom templates
        except Exception as e:
            raise BriefingsError([template_error(e, self.overrides)]) from None
        if kind == "briefing" and values["briefing"].draft:
            text = with_banner(text, DRAFT_BANNER)
        return text


def render_site(corpus: Corpus, overrides: Path | None = None, options: SiteOptions | None = None) -> dict[str, str]:
    """Every generated page: docs-relative path -> its text (HTML, or Markdown from a project's Markdown template).
    `overrides`: a folder of templates that replace the package's defaults file by file. Raises BriefingsError on
    template errors."""
    renderer = Renderer(corpus, overrides, options)
    return {spec.path: renderer.render(spec) for spec in renderer.pages()}



def render_claim_facets(layout: Layout, months: dict[str, list[Briefing]]) -> str:
    """Every claim's facets in a compact script (columns of small integers), loaded by the split claims index
    only: it says which briefings, on which month pages, hold the claims a filter selects, without loading the
    claims themselves. A script rather than JSON so that it loads from file:// too."""
    corpus = layout.corpus
    index: dict[str, dict[str, int]] = {k: {} for k in ("actor", "event", "tag")}
    labels: dict[str, list[Any]] = {k: [] for k in ("actor", "event", "tag")}

    def n(kind: str, id: str) -> int:
        if id not in index[kind]:
            index[kind][id] = len(labels[kind])
            if kind == "actor":
                labels[kind].append([id, corpus.actors[id].name if id in corpus.actors else id])
            else:  # events by id only: their titles would double the file (4,363 at 1,000 briefings)
                labels[kind].append(id)
        return index[kind][id]

    sourcings = list(SOURCING_TEXT)
    pages, briefings, claims = [], [], []
    for month, items in sorted(months.items(), reverse=True):
        pages.append([month, layout.html_url(layout.claims_index, layout.claims_month_page(month))])
        for b in items:
            briefings.append([b.id, b.title, b.source.published.human(), len(pages) - 1, [n("tag", t) for t in b.tags]])
            for c in b.claims:
                claims.append([len(briefings) - 1, c.rating or "", sourcings.index(c.sourcing), n("actor", c.by),
                               [n("actor", a) for a in c.about],
                               [n("event", e) for e in c.events if e in corpus.events]])
    data = {"pages": pages, "briefings": briefings, "actors": labels["actor"], "events": labels["event"],
            "tags": labels["tag"], "sourcings": sourcings, "claims": claims}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "window.bfClaimFacets = " + text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + ";\n"


