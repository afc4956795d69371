"""Reading across briefings (issue 12) and the provenance fields on the page (issue 16): claims shown by what they
state with their badges, the disputes page, same-origin support, pages in a reader's order, and the site readable
everywhere (phones, both colour schemes, print, axe-core). On the `reading` fixture: a relay chain (Dehghan, via
Tasnim, in Sputnik Brasil), a laundered `supports` (the Ministry's statement retold via RIA), a Portuguese quote with
its translation, a forecast and a conditional, an assessment, a statement longer than the cut."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sitekit import FIXTURES, MINI, Page, anchored_block, built_site, copy_project, page, resolve, site_pages
from test_browser import Served, _serve
from test_site import claim_block, links, section_links, section_text, target
from test_site import section as section_nodes

READING = FIXTURES / "reading"
STATEMENT_LIMIT = 160


@pytest.fixture(scope="session")
def reading_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory, READING, "--strict")[0]


def claims_of_fixture() -> dict[str, dict[str, Any]]:
    """Every claim of the fixture by id, as written, with its briefing."""
    out = {}
    for path in sorted((READING / "briefings").glob("*.yml")):
        if path.name == "actors.yml":
            continue
        for c in yaml.safe_load(path.read_text(encoding="utf-8")).get("claims", []):
            out[c["id"]] = {**c, "briefing": path.stem}
    return out


CLAIMS = claims_of_fixture()


def refs_to(pg: Page, claim_id: str) -> list[Any]:
    """Every place on a page that references a claim: the <span class=bf-ref> holding its statement link."""
    return [r for r in pg.article.find_all("span", cls="bf-ref")
            if any((a.get("href") or "").endswith(f"claims/#{claim_id}") for a in r.find_all("a", cls="bf-st"))]


def statement_link(ref: Any) -> Any:
    return ref.one("a", cls="bf-st")


# Claims say what they claim ---------------------------------------------------------------------------------------

def test_a_claim_referenced_elsewhere_shows_its_statement_and_badges(reading_site: Path) -> None:
    pg = page(reading_site, "actors/iran/")
    about = [cid for cid, c in CLAIMS.items() if "iran" in c.get("about", [])]
    assert about, "the fixture has claims about Iran"
    for cid in about:
        refs = refs_to(pg, cid)
        assert refs, f"the profile does not reference {cid}"
        ref = refs[0]
        full = " ".join(CLAIMS[cid]["text"].split())
        link = statement_link(ref)
        assert link.text().replace("…", "") == full, "the whole statement (its end hidden until hover or focus)"
        if len(full) > STATEMENT_LIMIT:
            # Cut at a word, the rest on hover/focus: the title and the hidden rest hold the whole statement.
            assert link.get("title") == full
            visible = link.text().split("…")[0]
            assert len(visible) <= STATEMENT_LIMIT and full.startswith(visible) and full[len(visible)] == " "
        classes = {cls for a in ref.find_all("a", cls="bf-badge") for cls in a.classes}
        assert f"bf-sourcing--{CLAIMS[cid]['sourcing']}" in classes
        assert f"bf-rating--{CLAIMS[cid]['reliability'].lower()}" in classes


def test_key_points_show_the_claims_they_link(reading_site: Path) -> None:
    pg = page(reading_site, "briefings/hamadan-wire/")
    text = section_text(pg, "_key-points")
    assert "named B2 Russian Defence Ministry: Russian long-range bombers flew from the Hamadan air base" in text


def test_claim_block_shows_chain_date_said_modality_quote_translation_and_assessment(reading_site: Path) -> None:
    pg = page(reading_site, "briefings/hamadan-sputnik/")
    block = claim_block(pg, "may-return")
    text = block.text()
    assert "Hossein Dehghan, via Tasnim, in Sputnik Brasil" in text
    assert "said 22 Aug 2016" in text
    head = next(p for p in block.children if not isinstance(p, str))  # the first line: badges, then who
    assert [a.text() for a in head.find_all("a", cls="bf-badge")] == ["named", "B3", "conditional"]
    quote = block.one("blockquote", cls="bf-quote-text")
    assert quote.get("lang") == "pt-BR" and "se a situação na Síria exigir" in quote.text()
    translation = block.one("p", cls="bf-translation")
    assert "if the situation in Syria requires it" in translation.text() and translation.get("lang") is None
    wire = page(reading_site, "briefings/hamadan-wire/")
    anon = claim_block(wire, "flights-go-on")
    assessment = anon.one("div", cls="bf-assessment")
    assert "Analyst's assessment" in assessment.text() and "wrong before" in assessment.text()
    assert "wrong before" not in anon.one("div", cls="bf-statement").text(), "the assessment is apart"


def test_same_origin_support_is_marked_on_both_claims_and_left_out_of_the_tally(reading_site: Path) -> None:
    wire = page(reading_site, "briefings/hamadan-wire/")
    supported = claim_block(wire, "bombers-flew")
    lines = {li.text() for li in supported.one("div", cls="bf-claim-meta").find_all("li")}
    retold = next(t for t in lines if "Russian bombers used an Iranian base" in t)
    assert retold.startswith("Supported by:") and "same origin: not independent confirmation" in retold
    confirmed = next(t for t in lines if "The strikes from Iran took place" in t)
    assert "same origin" not in confirmed
    assert "Corroboration: 1 independent confirmation (1 more of the same origin, not counted)" in lines
    zee = page(reading_site, "briefings/hamadan-zee/")
    supports = claim_block(zee, "zee-retells").one("div", cls="bf-claim-meta").text()
    assert "Supports:" in supports and "same origin: not independent confirmation" in supports
    assert "same origin" not in claim_block(zee, "zee-confirms").text()


# Where sources disagree -------------------------------------------------------------------------------------------

def contradicting_pairs() -> set[frozenset[str]]:
    return {frozenset((cid, other)) for cid, c in CLAIMS.items() for other in c.get("contradicts", [])}


def test_disputes_page_shows_each_contradicting_pair_side_by_side(reading_site: Path) -> None:
    pg = page(reading_site, "disputes/")
    boxes = pg.article.find_all("div", cls="bf-vs")
    got = set()
    for box in boxes:
        sides = box.find_all("div", cls="bf-vs-side")
        assert len(sides) == 2
        ids = []
        for side in sides:
            (claim_url,) = [u for u, t in links(side, pg) if t == "the claim"]
            cid = claim_url.split("#")[1]
            ids.append(cid)
            c = CLAIMS[cid]
            text = side.text()
            assert " ".join(c["text"].split()) in text, "each side's whole statement"
            assert c["sourcing"] in text and f"{c['reliability']}{c['credibility']}" in text
            if c.get("quote"):
                assert c["quote"] in text
            assert f"briefings/{c['briefing']}/" in {u for u, _ in links(side, pg)}, "and its briefing"
        assert box.get("id") == f"_vs-{min(ids)}--{max(ids)}"
        got.add(frozenset(ids))
    assert got == contradicting_pairs()
    # Grouped under the event they concern.
    assert pg.root.by_id("_on-hamadan-flights") is not None


def test_disputes_page_marks_same_origin_support(reading_site: Path) -> None:
    pg = page(reading_site, "disputes/")
    box = pg.article.one("div", cls="bf-supports")
    items = {li.text() for li in box.find_all("li")}
    assert any("Russian bombers used an Iranian base" in t and "same origin: not independent confirmation" in t
               for t in items)
    assert any("The strikes from Iran took place" in t and "same origin" not in t for t in items)
    assert "1 independent confirmation (1 more of the same origin, not counted)" in box.text()


def test_contested_claims_are_marked_wherever_they_appear(reading_site: Path) -> None:
    contested = {cid for pair in contradicting_pairs() for cid in pair}
    pages = site_pages(reading_site)
    seen = 0
    for pg in pages.values():
        if pg.url.startswith("disputes/") or not pg.url or pg.url == "404.html":
            continue
        for cid in contested:
            for ref in refs_to(pg, cid):
                marks = [u for u, t in links(ref, pg) if t == "contested"]
                assert marks and all(u.startswith("disputes/#_vs-") for u in marks), f"/{pg.url}: {cid} unmarked"
                seen += 1
            block = anchored_block(pg, cid)
            if block is not None:
                assert "contested" in {a.text() for a in block.find_all("a", cls="bf-mark")}
    assert seen > 5


def test_event_lists_its_claims_with_badges_and_the_pairs_in_conflict(reading_site: Path) -> None:
    pg = page(reading_site, "events/")
    event = anchored_block(pg, "hamadan-flights")
    box = event.one("div", cls="bf-event-claims")
    on_event = [cid for cid, c in CLAIMS.items() if "hamadan-flights" in c.get("events", [])]
    assert all(refs_to(pg, cid) for cid in on_event)
    conflicts = {u.split("#")[1] for u, t in links(box, pg) if t == "side by side"}
    assert conflicts == {f"_vs-{min(p)}--{max(p)}" for p in contradicting_pairs()}


def test_profiles_and_briefings_link_to_their_disputes(reading_site: Path) -> None:
    iran = page(reading_site, "actors/iran/")
    assert {u for u, t in section_links(iran, "_disputes") if t == "side by side"} == {
        "disputes/#_vs-flights-go-on--may-return", "disputes/#_vs-flights-go-on--flights-over"}
    sputnik = page(reading_site, "briefings/hamadan-sputnik/")
    tally = sputnik.article.one("div", cls="bf-tally")
    assert {u for u, _ in links(tally, sputnik) if u.startswith("disputes/")} == {
        "disputes/#_vs-flights-go-on--may-return", "disputes/#_vs-flights-go-on--flights-over"}


def test_a_big_corpus_splits_disputes_by_the_period_of_their_event(tmp_path_factory: pytest.TempPathFactory) -> None:
    project = copy_project(READING, tmp_path_factory.mktemp("split-reading") / "project")
    cfg = project / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("plugins: [search, briefings]",
                                                           "plugins: [search, {briefings: {split_threshold: 1}}]"),
                   encoding="utf-8")
    site = built_site(tmp_path_factory, project, "--strict")[0]
    index = page(site, "disputes/")
    # One page, the period of the Hamadan events (a month of 2016: with their claims they fill more than a page).
    periods = [u for u, _ in links(index.article, index) if u.startswith("disputes/2")]
    assert len(periods) == 1 and periods[0].startswith("disputes/2016"), periods
    year = page(site, periods[0])
    assert len(year.article.find_all("div", cls="bf-vs")) == len(contradicting_pairs())
    marks = 0
    for pg in site_pages(site).values():
        for a in pg.root.find_all("a", cls="bf-mark"):
            file, anchor = resolve(site, pg.url, a.get("href") or "")
            assert file == year.path and anchor in year.ids, (pg.url, a.get("href"))
            marks += 1
    assert marks > 5


# Pages in the order a reader needs --------------------------------------------------------------------------------

def test_briefing_opens_with_summary_key_points_and_claims(reading_site: Path) -> None:
    pg = page(reading_site, "briefings/hamadan-wire/")
    order = [h.get("id") for h in pg.article.find_all("h2")]
    assert order == ["_summary", "_key-points", "_claims", "_actors", "_events", "_relations", "_key"]
    tally = pg.article.one("div", cls="bf-tally").text()
    assert "2 claims: B2 1 · F3 1" in tally and "Sourcing: named 1 · anonymous 1" in tally
    details = pg.article.one("details", cls="bf-actors")
    assert "3 actors" in details.one("summary").text() and details.find("table") is not None


def test_profiles_and_publications_tally_claims_by_grade(reading_site: Path) -> None:
    ministry = page(reading_site, "actors/ministry/")
    profile = ministry.article.one("div", cls="bf-profile").text()
    assert "Claims made: 2 claims: B2 1 · C2 1" in profile
    wire = page(reading_site, "actors/wire/")
    assert "In its articles: 2 claims: B2 1 · F3 1" in wire.article.one("div", cls="bf-profile").text()


def test_appears_most_often_with_is_ranked_and_says_what_is_shared(reading_site: Path) -> None:
    pg = page(reading_site, "actors/russia/")
    items = [li.text() for li in section(pg, "_appears-with")]
    # Russia shares two briefings with the Ministry, then one each with the rest: ranked by claims shared.
    assert [t.split(" (")[0] for t in items] == ["Russian Defence Ministry: 2 briefings, 2 claims",
                                                  "Iran: 1 briefing, 2 claims", "Hossein Dehghan: 1 briefing, 1 claim",
                                                  "RIA Novosti: 1 briefing, 1 claim", "Tasnim: 1 briefing, 1 claim"]
    assert "(Zee News retells the Ministry, Russian bombers fly from Iran)" in items[0]


def section(pg: Page, heading_id: str) -> list[Any]:
    """The list items of a page's section."""
    return [li for n in section_nodes(pg, heading_id) for li in n.find_all("li")]


def test_an_alias_with_a_comma_reads_as_one_alias(reading_site: Path) -> None:
    pg = page(reading_site, "actors/dehghan/")
    profile = pg.article.one("div", cls="bf-profile")
    assert [s.text() for s in profile.find_all("span", cls="bf-alias")] == ["Gen, Dehghan", "حسین دهقان"]
    assert "Gen, Dehghan · حسین دهقان" in profile.text()


def test_home_opens_with_one_paragraph(reading_site: Path) -> None:
    pg = page(reading_site, "")
    paragraphs = [p for p in pg.article.children if not isinstance(p, str) and p.tag == "p"]
    assert len([p for p in paragraphs if "Annotated briefings" in p.text()]) == 1


def test_every_badge_links_to_its_row_in_the_key(reading_site: Path) -> None:
    key = page(reading_site, "key/")
    checked = 0
    for pg in site_pages(reading_site).values():
        if pg.url == "404.html":
            continue
        for a in pg.article.find_all("a", cls="bf-badge"):
            url = target(pg, a.get("href") or "")
            assert url.startswith("key/#") and key.root.by_id(url.split("#")[1]) is not None, (pg.url, url)
            checked += 1
    assert checked > 20


# In the browser ---------------------------------------------------------------------------------------------------

PAGE_KINDS = ["", "briefings/", "briefings/hamadan-wire/", "actors/", "actors/iran/", "events/", "claims/",
              "sources/hamadan-sputnik/", "disputes/", "key/"]
SCHEMES = ["light", "dark"]


@pytest.fixture(scope="module")
def reading(reading_site: Path) -> Iterator[Served]:
    yield from _serve(reading_site)


@pytest.fixture(scope="module")
def mini_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from _serve(built_site(tmp_path_factory, MINI, "--strict")[0])


def open_page(browser: Any, url: str, scheme: str = "light", width: int = 1280) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    pg = context.new_page()
    pg.goto(url)
    pg.wait_for_load_state("networkidle")
    return pg


@pytest.mark.browser
def test_a_cut_statement_shows_in_full_on_focus(browser: Any, reading: Served) -> None:
    pg = open_page(browser, reading.url("actors/iran/"))
    try:
        full = " ".join(CLAIMS["flights-go-on"]["text"].split())
        link = pg.locator('a.bf-st[href$="claims/#flights-go-on"]').first
        before = link.inner_text()
        assert before.endswith("…") and len(before) < len(full)
        link.focus()
        assert link.inner_text() == full
    finally:
        pg.context.close()


@pytest.mark.browser
def test_italics_mark_what_unnamed_sources_assert_not_the_assessment(browser: Any, reading: Served) -> None:
    pg = open_page(browser, reading.url("briefings/hamadan-wire/"))
    try:
        style = "sel => getComputedStyle(document.querySelector(sel)).fontStyle"
        assert pg.evaluate(style, "#flights-go-on .bf-statement p") == "italic"
        assert pg.evaluate(style, "#flights-go-on .bf-assessment p") == "normal"
        assert pg.evaluate(style, "#bombers-flew .bf-statement p") == "normal"
    finally:
        pg.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("site", ["reading", "mini_served"])
def test_no_page_scrolls_sideways_on_a_phone(request: pytest.FixtureRequest, browser: Any, site: str) -> None:
    served: Served = request.getfixturevalue(site)
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="light")
    pg = context.new_page()
    wide = []
    try:
        for url in site_pages(served.site):
            pg.goto(served.url(url))
            pg.wait_for_load_state("load")
            sw, cw = pg.evaluate("[document.body.scrollWidth, document.body.clientWidth]")
            if sw > cw:
                wide.append(f"/{url}: {sw} > {cw}")
    finally:
        context.close()
    assert not wide, "pages wider than a 390 px phone:\n" + "\n".join(wide)


# WCAG contrast of each badge against what is behind it, from the colours the browser computed.
CONTRAST_JS = """
(sel) => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); const p = m[1].split(/[ ,\\/]+/).map(Number);
                       return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, under) => { const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]); };
  const background = el => {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let bg = [255, 255, 255, 1];
    if (layers.length && layers[layers.length - 1][3] >= 1) bg = layers.pop();
    else { const root = parse(getComputedStyle(document.body).backgroundColor); if (root[3] > 0) bg = root; }
    while (layers.length) bg = over(layers.pop(), bg);
    return bg;
  };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                     return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  return [...document.querySelectorAll(sel)].filter(el => el.offsetParent && !el.querySelector('.bf-rel, .bf-cred'))
    .map(el => { const bg = background(el); const fg = over(parse(getComputedStyle(el).color), bg);
                 const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
                 return [el.className + ' ' + el.textContent.trim(), (a + 0.05) / (b + 0.05)]; });
}
"""
BADGES = ".md-content .bf-badge, .md-content .bf-mark, .md-content .bf-rel, .md-content .bf-cred"


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_badge_meets_wcag_aa_contrast(browser: Any, reading: Served, scheme: str) -> None:
    low, checked = [], 0
    for url in ["key/", "briefings/hamadan-wire/", "briefings/hamadan-sputnik/", "disputes/", "actors/iran/"]:
        pg = open_page(browser, reading.url(url), scheme)
        try:
            assert pg.evaluate("document.body.getAttribute('data-md-color-scheme')") == (
                "slate" if scheme == "dark" else "default")
            for label, ratio in pg.evaluate(CONTRAST_JS, BADGES):
                checked += 1
                if ratio < 4.5:
                    low.append(f"/{url} {label}: {ratio:.2f}")
        finally:
            pg.context.close()
    assert checked > 50
    assert not low, "badges below 4.5:1:\n" + "\n".join(sorted(set(low)))


@pytest.mark.browser
def test_each_reliability_letter_has_its_own_colour(browser: Any, reading: Served) -> None:
    pg = open_page(browser, reading.url("key/"))
    try:
        colours = pg.evaluate("""[...'abcdef'].map(r => getComputedStyle(
            document.querySelector('.bf-legend .bf-rating--' + r)).backgroundColor)""")
        assert len(set(colours)) == 6, colours
    finally:
        pg.context.close()


# The theme's own violations (Material's markup, not our pages): its search dialog has no accessible name, and its
# footer's grey copyright line is 4.47:1.
KNOWN_THEME = {("aria-dialog-name", ".md-search"), ("color-contrast", ".md-copyright")}


def axe_script() -> Path:
    axe = pytest.importorskip("axe_playwright_python", reason="axe-playwright-python (test extra) is not installed")
    return Path(axe.__file__).parent / "axe.min.js"


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_serious_violation_on_any_page_kind(browser: Any, reading: Served, scheme: str) -> None:
    script = axe_script()
    found = []
    for url in PAGE_KINDS:
        pg = open_page(browser, reading.url(url), scheme)
        try:
            pg.add_script_tag(path=str(script))
            violations = pg.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        finally:
            pg.context.close()
        for v in violations:
            if v["impact"] not in ("serious", "critical"):
                continue
            for node in v["nodes"]:
                where = " ".join(map(str, node["target"]))
                if (v["id"], where) not in KNOWN_THEME:
                    found.append(f"/{url} {v['id']} ({v['impact']}) at {where}: {node['failureSummary'][:160]}")
    assert not found, "axe-core, serious or critical:\n" + "\n".join(found)


@pytest.mark.browser
def test_a_briefing_prints_with_the_key_open_and_link_addresses(browser: Any, reading: Served) -> None:
    pg = open_page(browser, reading.url("briefings/hamadan-wire/"))
    try:
        pg.emulate_media(media="print")
        after = pg.evaluate("""getComputedStyle(document.querySelector('.bf-source a[href^="http"]'), '::after')
                               .content""")
        assert "https://example.org/wire/hamadan" in after
        assert pg.locator(".bf-legend table").first.is_visible()
        assert pg.locator("details.bf-actors table").is_visible(), "the collapsed actors table prints open"
    finally:
        pg.context.close()
