"""Pictures drawn at build time as SVG inside the page: a timeline of events and a graph of actor relations.

Pure functions: model objects and a function giving each mark's URL in, SVG markup out. No script, no request,
colours from the theme's CSS custom properties (classes here, rules in briefings.css), so the pictures follow
the light and dark schemes and print. The same input gives the same bytes: coordinates are rounded and every
choice (lanes, ticks, order on the circle) is made in a fixed order.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from html import escape

from .dates import MONTHS, EdtfDate
from .model import Actor, Event, Relation

WIDTH = 720  # the viewBox width; CSS scales it to the column and keeps a minimum width on phones (it scrolls)
CHAR = 6.6  # the average advance of a 12px label, to reserve room for labels without measuring them
LABEL_CHARS = 34
# Up to LABELLED events (fewer on a profile or briefing) each mark has its label beside it; up to MAX_MARKS the
# marks stand alone (titles on hover and for screen readers); beyond, bars count events per period: a mark per
# event would be neither legible nor light (a page stays under 300 KB).
LABELLED = (40, 25)  # (events pages, profiles and briefings)
MAX_MARKS = (150, 80)


def _esc(text: str) -> str:
    return escape(" ".join(str(text).split()), quote=True)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _n(x: float) -> str:
    """A coordinate, rounded so output is stable and small."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _figure(kind: str, svg: str, caption: str) -> str:
    # One line with no blank line inside: Markdown passes a raw HTML block through untouched.
    # Out of the search index: the labels repeat the page's own list, cut short.
    return (f'<figure class="bf-figure bf-figure--{kind}" data-search-exclude><div class="bf-pic-scroll">{svg}</div>'
            f"<figcaption>{caption}</figcaption></figure>")


# Timeline -------------------------------------------------------------------------------------------------------

def _shift(d: date, days: int) -> date:
    """A date moved by some days, held within the years 1-9999 that dates allow."""
    return date.fromordinal(min(max(d.toordinal() + days, 1), date.max.toordinal()))


def _end(d: EdtfDate) -> date:
    """The day after the last day the date allows: spans are half-open."""
    return _shift(d.upper, 1)


def _qualifiers(d: EdtfDate) -> set[str]:
    q = set(d.start.qualifier + (d.end.qualifier if d.end else ""))
    return ({"approx"} if q & {"~", "%"} else set()) | ({"uncertain"} if q & {"?", "%"} else set())


def _is_day(d: EdtfDate) -> bool:
    return d.start.precision == 3 and (d.end is None or d.end.lower == d.start.lower)


def _add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1) if m // 12 <= 9999 else date.max


# (unit, step): days, months or years; the first that gives few enough ticks is used.
_STEPS = [("day", 1), ("day", 2), ("day", 7), ("month", 1), ("month", 3), ("month", 6), ("year", 1), ("year", 2),
          ("year", 5), ("year", 10), ("year", 20), ("year", 50), ("year", 100), ("year", 500)]


def _ticks(lo: date, hi: date, max_ticks: int) -> tuple[str, int, list[date]]:
    """Tick dates within [lo, hi] at the finest step that gives at most `max_ticks`."""
    for unit, step in _STEPS:
        if unit == "day":
            first = lo if step == 1 else lo + timedelta(days=(-lo.toordinal()) % step)
            if (hi - first).days // step + 1 > max_ticks:
                continue
            ticks = [first + timedelta(days=i) for i in range(0, (hi - first).days + 1, step)]
        elif unit == "month":
            m = _add_months(lo, 0 if lo.day == 1 else 1)
            m = _add_months(m, (-(m.month - 1)) % step)
            ticks = []
            while m <= hi and len(ticks) <= max_ticks:
                ticks.append(m)
                m = _add_months(m, step)
        else:
            y = lo.year + (lo.month > 1 or lo.day > 1)
            y += (-y) % step
            if (hi.year - y) // step + 1 > max_ticks:
                continue
            ticks = [date(y, 1, 1) for y in range(y, hi.year + 1, step) if y <= 9999]
        if len(ticks) <= max_ticks:
            return unit, step, ticks
    return "year", 1000, []


def _tick_label(unit: str, d: date, first: bool) -> str:
    if unit == "day":
        return f"{d.day} {MONTHS[d.month - 1]}" + (f" {d.year}" if first or (d.month == 1 and d.day <= 7) else "")
    if unit == "month":
        return MONTHS[d.month - 1] + (f" {d.year}" if first or d.month == 1 else "")
    return str(d.year)


class _Axis:
    """Dates to x: one scale over segments of time, with a break where a long stretch holds no event (two
    events in 2011 and the rest in 2015-16 should not squeeze the rest into a sliver)."""

    BREAK = 26.0  # the pixels a break takes

    def __init__(self, spans: Sequence[tuple[date, date]], left: float, right: float, breaks: bool) -> None:
        merged: list[list[date]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        total = (merged[-1][1] - merged[0][0]).days
        gaps = sorted((((merged[i + 1][0] - merged[i][1]).days, i) for i in range(len(merged) - 1)), reverse=True)
        cuts = sorted(i for g, i in gaps[:2] if breaks and g > 0.3 * total and g > 90)
        parts, start = [], merged[0][0]
        for i in cuts:
            parts.append((start, merged[i][1]))
            start = merged[i + 1][0]
        parts.append((start, max(b for _, b in merged)))
        counts = [sum(1 for a, _ in spans if lo <= a < hi) for lo, hi in parts]
        padded = []
        for a, b in parts:
            days = (b - a).days
            pad = (14 - days) // 2 + 1 if days < 14 else max(1, round(days * 0.025))  # a day stays a point
            padded.append((_shift(a, -pad), _shift(b, pad)))
        avail = right - left - self.BREAK * (len(padded) - 1)
        all_days = sum((b - a).days for a, b in padded)
        # By time, but a short stretch holding many events gets room for them, and any stretch room for a tick.
        widths = [max(70.0, avail * (b - a).days / all_days, avail * 0.6 * n / len(spans))
                  for (a, b), n in zip(padded, counts, strict=True)]
        widths = [w * avail / sum(widths) for w in widths]
        self.segments: list[tuple[date, date, float, float]] = []
        at = left
        for (a, b), w in zip(padded, widths, strict=True):
            self.segments.append((a, b, at, at + w))
            at += w + self.BREAK

    def x(self, d: date) -> float:
        for a, b, x0, x1 in self.segments:
            if d <= b:
                return x0 + max(0, (d - a).days) / ((b - a).days or 1) * (x1 - x0)
        a, b, x0, x1 = self.segments[-1]
        return x1


def render_timeline(events: Sequence[Event], url: Callable[[Event], str], *,
                    elsewhere: Callable[[Event], bool] | None = None, compact: bool = False,
                    labelled: int | None = None, max_marks: int | None = None) -> str:
    """Events on a time axis: a day is a point, a month, a year or an interval a bar over what the date allows;
    approximate dates dashed, uncertain ones dotted; labels in lanes so they do not overlap; every mark a link
    to its event with a <title>. `elsewhere(e)`: the event is reported here but defined in another briefing.
    Beyond `labelled` events the marks lose their labels; beyond `max_marks` bars count the events per period,
    each linking to the period's first event. `compact`: the smaller picture of a profile or a briefing."""
    events = list(events)
    if len(events) < (2 if compact else 1):  # one event on a profile or a briefing: the list says it all
        return ""
    elsewhere = elsewhere or (lambda e: False)
    left, right = 12.0, WIDTH - 12.0
    labelled = LABELLED[compact] if labelled is None else labelled
    max_marks = MAX_MARKS[compact] if max_marks is None else max_marks
    counts = len(events) > max_marks
    axis = _Axis([(e.date.lower, _end(e.date)) for e in events], left, right, breaks=not counts)
    first_date = min(events, key=lambda e: (e.date.lower, e.date.upper)).date
    last_date = max(events, key=lambda e: (e.date.upper, e.date.lower)).date
    last = (last_date.end or last_date.start).human()
    summary = (f"Timeline of {_plural(len(events), 'event')}, {first_date.human()} to {last}"
               if len(events) > 1 else f"Timeline: one event, {first_date.human()}")
    body: list[str] = []
    top = 8.0
    ticks: list[tuple[str, date, bool]] = []  # (unit, date, first of its segment)
    for a, b, x0, x1 in axis.segments:
        unit, _step, seg_ticks = _ticks(a, b, max(1, int((x1 - x0) / 78)))
        if not seg_ticks:  # too short a stretch for a round date: name its middle
            unit, seg_ticks = "month", [a + (b - a) / 2]
        ticks.extend((unit, t, i == 0) for i, t in enumerate(seg_ticks))
    if counts:
        unit, step, buckets = _ticks(axis.segments[0][0], axis.segments[0][1], 48)
        height = _draw_counts(events, url, axis.x, unit, buckets, body, top)
        note = ("Too many events to draw one by one: each bar counts the events that start in its "
                f"{unit if step == 1 else f'{step} {unit}s'} and links to the first of them.")
    else:
        legend_h = _draw_legend(body, top, events, elsewhere)
        bare = len(events) > labelled
        height = _draw_marks(events, url, elsewhere, axis.x, right, body, top + legend_h, bare)
        note = ("Each mark links to its event" + (" (its title shows on hover)" if bare else "")
                + ": a dot is a day, a bar the span a date allows (a month, a year or "
                "an interval); dashed: approximate, dotted: uncertain"
                + ("; ≈ marks a stretch of time with no event, left out." if len(axis.segments) > 1 else "."))
    axis_y = height + 6
    # One path for the axis and one for the ticks: every element costs each page's Markdown and search passes.
    out = ['<path class="bf-tl-tick" d="' + "".join(f"M{_n(axis.x(t))} {_n(top)}V{_n(axis_y + 4)}" for _, t, _ in ticks)
           + '"/><path class="bf-tl-axis" d="'
           + "".join(f"M{_n(x0)} {_n(axis_y)}H{_n(x1)}" for _a, _b, x0, x1 in axis.segments) + '"/>']
    for _a, _b, x0, _x1 in axis.segments[1:]:  # a break: a gap in the axis with a wavy sign in it
        out.append(f'<text class="bf-pic-muted" x="{_n(x0 - _Axis.BREAK / 2)}" y="{_n(axis_y + 4)}" '
                   'text-anchor="middle">≈</text>')
    for unit, t, first in ticks:
        tx = axis.x(t)
        anchor = ' text-anchor="middle"' if left + 30 < tx < right - 30 else (
            ' text-anchor="start"' if tx <= left + 30 else ' text-anchor="end"')
        out.append(f'<text class="bf-pic-muted" x="{_n(tx)}" y="{_n(axis_y + 17)}"{anchor}>'
                   f"{_esc(_tick_label(unit, t, first))}</text>")
    total_h = axis_y + 24
    svg = (f'<svg class="bf-pic bf-timeline{" bf-timeline--compact" if compact else ""}" '
           f'viewBox="0 0 {WIDTH} {_n(total_h)}" width="{WIDTH}" height="{_n(total_h)}" role="group" '
           f'aria-label="{_esc(summary)}">' + "".join(out) + "".join(body) + "</svg>")
    return _figure("timeline", svg, _esc(f"{summary}. {note}"))


def _draw_legend(body: list[str], y: float, events: list[Event], elsewhere: Callable[[Event], bool]) -> float:
    """A key to the kinds of mark this timeline has (and only those: each costs every page that shows it)."""
    drawn = {"day" if _is_day(e.date) else "bar" for e in events}
    drawn |= {q for e in events for q in _qualifiers(e.date)} | ({"ref"} if any(map(elsewhere, events)) else set())
    items = [(k, t) for k, t in (("day", "a day"), ("bar", "a month, year or span"), ("approx", "approximate (~)"),
                                 ("uncertain", "uncertain (?)"), ("ref", "↗ defined in another briefing"))
             if k in drawn]
    at, cy = 12.0, y + 8
    body.append('<g class="bf-tl-legend" aria-hidden="true">')
    for kind, text in items:
        if kind == "day":
            body.append(f'<circle class="bf-tl-mark" cx="{_n(at + 5)}" cy="{_n(cy)}" r="4.5"/>')
        elif kind != "ref":
            cls = "bf-tl-mark" + ("" if kind == "bar" else f" bf-tl-{kind}")
            body.append(f'<rect class="{cls}" x="{_n(at)}" y="{_n(cy - 4)}" width="18" height="8" rx="2"/>')
        tx = at if kind == "ref" else at + 24
        body.append(f'<text class="bf-pic-muted" x="{_n(tx)}" y="{_n(cy + 4)}">{_esc(text)}</text>')
        at = tx + len(text) * CHAR + 16
    body.append("</g>")
    return 24.0


def _draw_marks(events: list[Event], url: Callable[[Event], str], elsewhere: Callable[[Event], bool],
                x: Callable[[date], float], right: float, body: list[str], top: float,
                bare: bool) -> float:
    lane_h = 18.0 if not bare else 11.0
    lanes: list[float] = []  # the right edge of what each lane holds so far
    for e in events:
        d = e.date
        x0, x1 = x(d.lower), x(_end(d))
        point = _is_day(d)
        if point:
            x0, x1 = (x0 + x1) / 2 - 4.5, (x0 + x1) / 2 + 4.5
        else:
            x1 = max(x1, x0 + 3)  # a month over decades is still visible
        ref = elsewhere(e)
        label = ("↗ " if ref else "") + _short(e.title, LABEL_CHARS)
        width = len(label) * CHAR if not bare else -5.0
        # The label goes after the mark, else before it, else (a long bar) above it, over its start.
        label_left = x1 + 5 + width > right and x0 - 5 - width >= 0
        above = x1 + 5 + width > right and not label_left
        lo_edge = x0 - 5 - width if label_left else x0
        hi_edge = max(x1, x0 + width) if above else x1 if label_left else x1 + 5 + width
        lane = next((i for i, edge in enumerate(lanes) if edge + 8 <= lo_edge), len(lanes))
        if lane == len(lanes):
            lanes.append(hi_edge)
        lanes[lane] = hi_edge
        cy = top + lane * lane_h + lane_h / 2
        cls = " ".join(["bf-tl-mark", *(f"bf-tl-{q}" for q in sorted(_qualifiers(d))), *(["bf-tl-ref"] if ref else [])])
        text = f"{d.human()}: {' '.join(e.title.split())}" + (" (defined in another briefing)" if ref else "")
        if point:
            mark = f'<circle class="{cls}" cx="{_n((x0 + x1) / 2)}" cy="{_n(cy)}" r="4.5"/>'
        elif above:
            mark = f'<rect class="{cls}" x="{_n(x0)}" y="{_n(cy + 3)}" width="{_n(x1 - x0)}" height="5" rx="2"/>'
        else:
            mark = f'<rect class="{cls}" x="{_n(x0)}" y="{_n(cy - 4)}" width="{_n(x1 - x0)}" height="8" rx="2"/>'
        tx, anchor = (x0 - 5, ' text-anchor="end"') if label_left else (x0, "") if above else (x1 + 5, "")
        shown = "" if bare else (f'<text class="bf-pic-label{" bf-tl-reflabel" if ref else ""}" x="{_n(tx)}" '
                                 f'y="{_n(cy + (0 if above else 4))}"{anchor}>{_esc(label)}</text>')
        body.append(f'<a href="{_esc(url(e))}" aria-label="{_esc(text)}"><title>{_esc(text)}</title>{mark}{shown}</a>')
    return top + len(lanes) * lane_h


def _draw_counts(events: list[Event], url: Callable[[Event], str], x: Callable[[date], float], unit: str,
                 ticks: list[date], body: list[str], top: float) -> float:
    """Too many events for marks: a bar per period, as high as the events starting in it, its count above it
    where there is room."""
    buckets: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        buckets[bisect_right(ticks, e.date.lower)].append(e)
    most = max(len(v) for v in buckets.values())
    bar_h = 80.0
    base = top + 14 + bar_h
    for i in sorted(buckets):
        items = buckets[i]
        x0 = x(ticks[i - 1]) if i else x(items[0].date.lower)
        x1 = x(ticks[i]) if i < len(ticks) else x(max(_end(e.date) for e in items))
        h = max(2.0, bar_h * len(items) / most)
        when = f"from {_tick_label(unit, ticks[i - 1], True)}" if i else f"before {_tick_label(unit, ticks[0], True)}"
        label = f"{_plural(len(items), 'event')} {when}" if ticks else _plural(len(items), "event")
        count = f"{len(items):,}"
        shown = (f'<text class="bf-pic-label" x="{_n((x0 + x1) / 2)}" y="{_n(base - h - 4)}" text-anchor="middle">'
                 f"{count}</text>" if x1 - x0 >= len(count) * CHAR + 2 else "")
        body.append(f'<a href="{_esc(url(items[0]))}" aria-label="{_esc(label)}"><title>{_esc(label)}</title>'
                    f'<rect class="bf-tl-mark bf-tl-count" x="{_n(x0 + 0.5)}" y="{_n(base - h)}" '
                    f'width="{_n(max(1.5, x1 - x0 - 1))}" height="{_n(h)}"/>{shown}</a>')
    return base


# Relation graphs ------------------------------------------------------------------------------------------------

KIND_COLOURS = 8  # bf-rel-0 .. bf-rel-7 in briefings.css; more kinds reuse them, the labels still tell


def _kind_classes(kinds: Sequence[str]) -> dict[str, str]:
    return {k: f"bf-rel-{i % KIND_COLOURS}" for i, k in enumerate(sorted(set(kinds)))}


def _anchor(cos: float) -> str:
    return ' text-anchor="start"' if cos > 0.25 else ' text-anchor="end"' if cos < -0.25 else ' text-anchor="middle"'


def _node(cx: float, cy: float, r: float, actor: Actor, href: str, cls: str, angle: float | None,
          title: str) -> str:
    name = _short(actor.name, 24)
    if angle is None:
        tx, ty, anchor = cx, cy + r + 14, ' text-anchor="middle"'
    else:
        c, s = math.cos(angle), math.sin(angle)
        tx, ty, anchor = cx + c * (r + 5), cy + s * (r + 5) + 4 + (s > 0.7) * 8 - (s < -0.7) * 6, _anchor(c)
    return (f'<a href="{_esc(href)}" aria-label="{_esc(title)}"><title>{_esc(title)}</title>'
            f'<circle class="bf-gr-node {cls}" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}"/>'
            f'<text class="bf-pic-label bf-pic-halo{" bf-gr-colabel" if "co" in cls else ""}" x="{_n(tx)}" '
            f'y="{_n(ty)}"{anchor}>{_esc(name)}</text></a>')


def render_graph(center: Actor, relations: Sequence[Relation], coactors: Sequence[tuple[str, int, int]],
                 actors: Mapping[str, Actor], url: Callable[[str], str], relation_url: Callable[[Relation], str], *,
                 max_related: int = 12, max_co: int = 6) -> str:
    """An actor and those it has relations with, on a ring around it: an edge per relation, coloured and labelled
    by kind and date, several between one pair drawn apart; then, lighter, those it most often appears with.
    `url(actor_id)` links a node to its profile, `relation_url(r)` an edge to where the relation is stated."""
    by_other: dict[str, list[Relation]] = defaultdict(list)
    for r in relations:
        other = r.between[1] if r.between[0] == center.id else r.between[0]
        if other in actors and other != center.id:
            by_other[other].append(r)
    related = sorted(by_other, key=lambda a: (-len(by_other[a]), actors[a].name.casefold(), a))
    co = [(a, n) for a, n, _claims in coactors if a in actors and a not in by_other and a != center.id][:max_co]
    if not related and not co:
        return ""
    shown = related[:max_related]
    # The related spread evenly round the ring, those it appears with in the gaps between them.
    slots = len(shown) + len(co)
    related_at = {round(i * slots / len(shown)) for i in range(len(shown))} if shown else set()
    rest = iter(a for a, _ in co)
    more = iter(shown)
    ring = [next(more) if i in related_at else next(rest) for i in range(slots)]
    kinds = _kind_classes([r.kind for a in shown for r in by_other[a]])
    legend, legend_h = _graph_legend(kinds, bool(co))
    labels = len(shown) <= 8  # more spokes than that leave no room along them for words
    width, height = WIDTH, legend_h + 420.0
    cx, cy, rx, ry = width / 2, legend_h + 210.0, 205.0, 150.0
    edges: list[str] = []
    nodes: list[str] = []
    co_lines: list[str] = []  # one path for all: each node's own title says how often they appear together
    co_n = dict(co)
    for i, aid in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * i / len(ring)
        nx, ny = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        actor = actors[aid]
        if aid in co_n:
            title = f"{actor.name}: appears with {center.name} in {_plural(co_n[aid], 'briefing')}"
            co_lines.append(f"M{_n(cx)} {_n(cy)}L{_n(nx)} {_n(ny)}")
            nodes.append(_node(nx, ny, 6, actor, url(aid), "bf-gr-node--co", angle, title))
            continue
        rels = by_other[aid]
        drawn = rels[:4]  # more between one pair would not read; the node's title lists them all
        title = f"{actor.name}: " + "; ".join(_rel_text(r) for r in rels)
        nodes.append(_node(nx, ny, 8, actor, url(aid), "", angle, title))
        edges.extend(_edges(cx, cy, nx, ny, drawn, kinds, center, actor, relation_url, len(rels), labels))
    nodes.append(_node(cx, cy, 13, center, url(center.id), "bf-gr-node--center", None, center.name))
    summary = (f"Relations of {center.name}: {_plural(sum(len(v) for v in by_other.values()), 'relation')} with "
               f"{_plural(len(related), 'actor')}" + (f"; lighter, the {len(co)} it most often appears with" if co
                                                      else ""))
    left_out = len(related) - len(shown)
    caption = summary + (f"; the {len(shown)} with the most relations are drawn, {left_out} more are listed below"
                         if left_out else "") + ". Each node links to its profile, each edge to its briefing" + (
        "." if labels else "; too many to label, an edge's colour gives its kind and its title the date.")
    svg = (f'<svg class="bf-pic bf-graph" viewBox="0 0 {width} {_n(height)}" width="{width}" height="{_n(height)}" '
           f'role="group" aria-label="{_esc(summary)}">' + "".join(legend)
           + (f'<path class="bf-gr-co" d="{"".join(co_lines)}"/>' if co_lines else "") + "".join(edges) + "".join(nodes)
           + "</svg>")
    return _figure("graph", svg, _esc(caption))


def _graph_legend(kinds: Mapping[str, str], co: bool) -> tuple[list[str], float]:
    """A swatch per relation kind (and one for appearing together), in rows that fit the width."""
    items = [(f"bf-gr-edge {cls}", _short(k, 20)) for k, cls in kinds.items()]
    if co:
        items.append(("bf-gr-co", "appears with"))
    out = ['<g class="bf-gr-legend" aria-hidden="true">']
    at, y = 12.0, 14.0
    for cls, text in items:
        size = 23 + len(text) * CHAR + 14
        if at + size > WIDTH and at > 12:
            at, y = 12.0, y + 18
        out.append(f'<line class="{cls}" x1="{_n(at)}" y1="{_n(y)}" x2="{_n(at + 18)}" y2="{_n(y)}"/>'
                   f'<text class="bf-pic-muted" x="{_n(at + 23)}" y="{_n(y + 4)}">{_esc(text)}</text>')
        at += size
    out.append("</g>")
    return out, y + 10


def _rel_text(r: Relation) -> str:
    return r.kind + (f" ({r.date.human()})" if r.date else "")


def _edges(cx: float, cy: float, nx: float, ny: float, rels: Sequence[Relation], kinds: Mapping[str, str],
           center: Actor, other: Actor, relation_url: Callable[[Relation], str], total: int,
           labels: bool) -> list[str]:
    """One curve per relation between the centre and a node, bent apart; the label runs along its curve. A pair
    with more than two relations gets one label, their number; a crowded graph none (titles still say it)."""
    dx, dy = nx - cx, ny - cy
    length = math.hypot(dx, dy) or 1.0
    px, py = -dy / length, dx / length  # the unit normal
    angle = math.degrees(math.atan2(dy, dx))
    if angle > 90 or angle < -90:  # keep the text upright
        angle += 180
    out = []
    for i, r in enumerate(rels):
        off = (i - (len(rels) - 1) / 2) * 22
        mx, my = (cx + nx) / 2 + px * off, (cy + ny) / 2 + py * off  # the curve's midpoint
        qx, qy = 2 * mx - (cx + nx) / 2, 2 * my - (cy + ny) / 2  # the control point that puts it there
        # The label sits past the middle, where the spokes are further apart than near the centre.
        t = 0.6
        mx, my = ((1 - t) ** 2 * cx + 2 * t * (1 - t) * qx + t * t * nx,
                  (1 - t) ** 2 * cy + 2 * t * (1 - t) * qy + t * t * ny)
        text = f"{center.name} ↔ {other.name}: {_rel_text(r)}"
        label = (_short(_rel_text(r), 26) if total <= 2 else f"{total} relations" if 2 * i + 1 == len(rels)
                 or 2 * i == len(rels) else "") if labels else ""
        shown = (f'<text class="bf-pic-small bf-pic-halo" x="{_n(mx)}" y="{_n(my + 3.5)}" text-anchor="middle" '
                 f'transform="rotate({_n(angle)} {_n(mx)} {_n(my)})">{_esc(label)}</text>' if label else "")
        out.append(f'<a href="{_esc(relation_url(r))}" aria-label="{_esc(text)}"><title>{_esc(text)}</title>'
                   f'<path class="bf-gr-edge {kinds[r.kind]}" d="M{_n(cx)} {_n(cy)}Q{_n(qx)} {_n(qy)} {_n(nx)} '
                   f'{_n(ny)}"/>{shown}</a>')
    return out


def render_network(actors: Sequence[Actor], relations: Sequence[Relation], url: Callable[[str], str], *,
                   max_nodes: int = 24) -> str:
    """The most connected actors on a circle, a chord per related pair (thicker for more relations); says how
    many actors and relations are left out."""
    pairs: dict[tuple[str, str], list[Relation]] = defaultdict(list)
    by_id = {a.id: a for a in actors}
    for r in relations:
        a, b = sorted(r.between)
        if a != b and a in by_id and b in by_id:
            pairs[(a, b)].append(r)
    degree: dict[str, int] = defaultdict(int)
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    if not pairs:
        return ""
    ranked = sorted(degree, key=lambda a: (-degree[a], by_id[a].name.casefold(), a))
    top = set(ranked[:max_nodes])
    ring = sorted(top, key=lambda a: (by_id[a].kind, by_id[a].name.casefold(), a))  # kinds side by side
    width = WIDTH
    r0 = 150.0 if len(ring) > 6 else 110.0
    height = 2 * (r0 + 135)
    cx, cy = width / 2, height / 2
    pos = {}
    for i, aid in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * i / len(ring)
        pos[aid] = (angle, cx + r0 * math.cos(angle), cy + r0 * math.sin(angle))
    chords, nodes = [], []
    shown_pairs = [(p, rs) for p, rs in sorted(pairs.items()) if p[0] in top and p[1] in top]
    for (a, b), rs in shown_pairs:
        _, ax, ay = pos[a]
        _, bx, by = pos[b]
        kinds = sorted({r.kind for r in rs})
        text = f"{by_id[a].name} ↔ {by_id[b].name}: {_plural(len(rs), 'relation')} ({', '.join(kinds)})"
        weight = min(4, 1 + int(math.log2(len(rs))))  # bf-gr-w1..4: 1, 2-3, 4-7, 8+ relations
        chords.append(f'<path class="bf-gr-edge bf-gr-chord bf-gr-w{weight}" d="M{_n(ax)} {_n(ay)}Q{_n(cx)} '
                      f'{_n(cy)} {_n(bx)} {_n(by)}"><title>{_esc(text)}</title></path>')
    for aid in ring:
        angle, x, y = pos[aid]
        actor = by_id[aid]
        deg = math.degrees(angle)
        flip = math.cos(angle) < -1e-9
        rot = deg + 180 if flip else deg
        tx, ty = x + math.cos(angle) * 10, y + math.sin(angle) * 10
        anchor = ' text-anchor="end"' if flip else ""
        title = f"{actor.name} ({actor.kind}): related to {_plural(degree[aid], 'actor')}"
        nodes.append(f'<a href="{_esc(url(aid))}" aria-label="{_esc(title)}"><title>{_esc(title)}</title>'
                     f'<circle class="bf-gr-node" cx="{_n(x)}" cy="{_n(y)}" r="{_n(4 + min(6, degree[aid]))}"/>'
                     f'<text class="bf-pic-label bf-pic-halo" x="{_n(tx)}" y="{_n(ty + 4)}"'
                     f'{anchor} transform="rotate({_n(rot)} {_n(tx)} {_n(ty)})">'
                     f"{_esc(_short(actor.name, 20))}</text></a>")
    left_actors = len(degree) - len(top)
    left_pairs = len(pairs) - len(shown_pairs)
    summary = f"Relations between the {_plural(len(ring), 'most connected actor')}"
    caption = (f"{summary}: a line for each related pair, thicker for more relations; each name links to the "
               "actor's profile." + (f" Left out: {_plural(left_actors, 'less connected actor')} and "
                                     f"{_plural(left_pairs, 'pair')} of related actors." if left_actors else ""))
    svg = (f'<svg class="bf-pic bf-graph" viewBox="0 0 {width} {_n(height)}" width="{width}" height="{_n(height)}" '
           f'role="group" aria-label="{_esc(summary)}">' + "".join(chords) + "".join(nodes) + "</svg>")
    return _figure("network", svg, _esc(caption))
