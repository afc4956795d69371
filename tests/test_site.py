"""The built site, as a reader gets it: real `mkdocs build` runs (subprocess, no mocks) of the fixture projects,
checked page by page against the contract's "The site it becomes"."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from sitekit import (
    EXTERNAL,
    HOSTILE,
    MINI,
    FixtureIds,
    Node,
    Page,
    anchored_block,
    briefings_cli,
    built_site,
    contract_urls,
    copy_project,
    fixture_ids,
    mkdocs_build,
    output,
    page,
    parse_html,
    resolve,
    site_pages,
    split_project,
    url_of,
)

from generator.corpus import load_corpus
from generator.searchindex import compact_search_entries, load_search_entries

# Fixtures ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def mini_ids() -> FixtureIds:
    return fixture_ids(MINI)


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # --strict: the build a user gets from `make site`; any MkDocs warning fails it.
    return built_site(tmp_path_factory, MINI, "--strict")[0]


@pytest.fixture(scope="session")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The same corpus with every index split (thresholds of 1): the per-year/month pages big corpora get.
    project = split_project(tmp_path_factory.mktemp("split") / "project")
    return built_site(tmp_path_factory, project, "--strict")[0]


@pytest.fixture(scope="session")
def flat_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # `use_directory_urls: false`, as `make offline` builds: pages are files (actors/ivanov.html), links name them.
    project = copy_project(MINI, tmp_path_factory.mktemp("flat") / "project")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as f:
        f.write("use_directory_urls: false\n")
    return built_site(tmp_path_factory, project, "--strict")[0]


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built strictly: blocked links become plain text, so no dangling anchors.
    return built_site(tmp_path_factory, HOSTILE, "--strict")[0]


# Helpers -------------------------------------------------------------------------------------------------------

def target(pg: Page, href: str) -> str:
    """An href as the site URL it leads to, with its fragment: 'claims/#deal-held', 'actors/ivanov/'."""
    if EXTERNAL.match(href):
        return href
    parts = urlsplit(urljoin("http://site.invalid/" + pg.url, href))
    url = parts.path.lstrip("/")
    return url + (f"#{parts.fragment}" if parts.fragment else "")


def links(node: Node, pg: Page) -> list[tuple[str, str]]:
    """(site URL + fragment, link text) of every <a href> under a node."""
    return [(target(pg, a.get("href") or ""), a.text()) for a in node.find_all("a") if a.get("href")]


def section(pg: Page, heading_id: str) -> list[Node]:
    """The elements after the <h2 id=heading_id> up to the next <h2>: one section of a generated page."""
    art = pg.article
    kids = [c for c in art.children if isinstance(c, Node)]
    start = next((i for i, n in enumerate(kids) if n.get("id") == heading_id), None)
    assert start is not None, f"/{pg.url} has no section #{heading_id}"
    out = []
    for n in kids[start + 1:]:
        if n.tag == "h2":
            break
        out.append(n)
    return out


def section_text(pg: Page, heading_id: str) -> str:
    return " ".join(n.text() for n in section(pg, heading_id))


def section_links(pg: Page, heading_id: str) -> list[tuple[str, str]]:
    return [link for n in section(pg, heading_id) for link in links(n, pg)]


def fold(text: str) -> str:
    """Typographic quotes and dashes as ASCII, whitespace collapsed: how quotes are matched to sources."""
    table = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
    return " ".join(text.translate(table).split())


def anchored_ids(pg: Page, cls: str) -> list[str]:
    """The ids of the blocks of a class, in order, whether on the block or on its heading."""
    return [b.get("id") or b.one("h3").get("id") or "" for b in pg.article.find_all("div", cls=cls)]


def claim_block(pg: Page, claim_id: str) -> Node:
    node = anchored_block(pg, claim_id)
    assert node is not None and node.classes & {"bf-claim", "bf-claim-row"}, f"/{pg.url}: no claim block #{claim_id}"
    return node


# 1. The build and the page set -----------------------------------------------------------------------------------

def test_strict_build_makes_every_contract_page(mini_site: Path, mini_ids: FixtureIds) -> None:
    have = set(site_pages(mini_site))
    missing = [f"/{u}" for u in contract_urls(mini_ids) if u not in have]
    assert not missing, f"pages the contract promises are missing: {missing}"
    # Every briefing of the fixture has a source text, so every one has a source page.
    assert set(mini_ids.with_source) == set(mini_ids.briefings)


def test_strict_build_reports_no_warnings(tmp_path_factory: pytest.TempPathFactory, mini_site: Path,
                                         mini_ids: FixtureIds) -> None:
    proc = built_site(tmp_path_factory, MINI, "--strict")[1]
    log = proc.stdout + proc.stderr
    assert "WARNING" not in log and "Traceback" not in log, output(proc)
    n = mini_ids
    summary = (f"briefings: {len(n.briefings)} briefings, {len(n.actors)} actors, {len(n.events)} events, "
               f"{len(n.claims)} claims")
    assert summary in log, f"the plugin's summary line is missing\n{output(proc)}"


# 2. Links and anchors ------------------------------------------------------------------------------------------

def broken_links(site: Path) -> list[str]:
    """Every internal href/src on every page that leads to no file, or to no element with its #fragment."""
    broken = []
    pages = site_pages(site)
    for pg in pages.values():
        for node in pg.root.iter():
            href = node.get("href") if node.tag in ("a", "link") else node.get("src") if node.tag == "script" else None
            if href is None or EXTERNAL.match(href) or href.startswith("//"):
                continue  # external links are a reader's choice; the privacy test checks no page *loads* them
            file, fragment = resolve(site, pg.url, href)
            if not file.is_file():
                broken.append(f"/{pg.url}: {href} -> no file {file.relative_to(site)}")
            elif fragment and file.suffix == ".html" and fragment not in pages[url_of(site, file)].ids:
                broken.append(f"/{pg.url}: {href} -> no id '{fragment}' on that page")
    return broken


@pytest.mark.parametrize("fixture", ["mini_site", "split_site", "flat_site"])
def test_every_internal_link_and_anchor_resolves(fixture: str, request: pytest.FixtureRequest) -> None:
    broken = broken_links(request.getfixturevalue(fixture))
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_without_directory_urls_pages_are_html_files_and_links_name_them(flat_site: Path, mini_ids: FixtureIds) -> None:
    # Read from disk, a link to a folder opens a directory listing: every link must name the file itself.
    pages = site_pages(flat_site)
    flat = [u[:-1] + ".html" if u.count("/") == 2 else u for u in contract_urls(mini_ids)]  # actors/x/: actors/x.html
    assert not [u for u in flat if u not in pages], f"pages missing; have {sorted(pages)}"
    folders = [f"/{pg.url}: {a.get('href')}" for pg in pages.values() if pg.url != "404.html"
               for a in pg.root.find_all("a") if not EXTERNAL.match(a.get("href") or "")
               and not PurePosixPath(urlsplit(a.get("href") or "").path or "x.html").suffix]
    assert not folders, "links to a folder:\n" + "\n".join(folders)


def test_every_mention_of_an_id_is_a_link(mini_site: Path, mini_ids: FixtureIds) -> None:
    """Each briefing, actor, event and claim is linked from the pages that name it (a sample the contract lists)."""
    alpha = page(mini_site, "briefings/alpha-talks/")
    targets = {u for u, _ in links(alpha.article, alpha)}
    assert {"actors/ivanov/", "actors/ruritania/", "actors/gazette/", "events/#vienna-2015", "events/#collapse-2015",
            "claims/#deal-fell-apart", "claims/#alpha-talks-2", "sources/alpha-talks/"} <= targets
    home = page(mini_site, "")
    home_targets = {u for u, _ in links(home.article, home)}
    assert {f"briefings/{b}/" for b in mini_ids.briefings} <= home_targets, "home must link the newest briefings"
    index = page(mini_site, "actors/")
    assert {f"actors/{a}/" for a in mini_ids.actors} <= {u for u, _ in links(index.article, index)}


# 3. Contract content ------------------------------------------------------------------------------------------

def test_home_shows_counts_newest_briefings_and_actors(mini_site: Path, mini_ids: FixtureIds) -> None:
    home = page(mini_site, "")
    text = home.article.text()
    counts = ((len(mini_ids.briefings), "briefings"), (len(mini_ids.actors), "actors"),
              (len(mini_ids.events), "events"), (len(mini_ids.claims), "claims"), (2, "relations"))
    for n, what in counts:
        assert f"{n} {what}" in text, f"home page lacks the count '{n} {what}': {text[:300]}"
    newest = [u for u, _ in section_links(home, "_newest") if u.startswith("briefings/") and u != "briefings/"]
    assert newest == ["briefings/beta-holds/", "briefings/alpha-talks/"], "newest source first"
    assert section_links(home, "_most-cited"), "home lists the most-cited actors"


def test_briefings_index_is_newest_first_with_summaries(mini_site: Path) -> None:
    pg = page(mini_site, "briefings/")
    order = [u for u, _ in links(pg.article, pg) if re.fullmatch(r"briefings/[a-z0-9-]+/", u)]
    assert order[:2] == ["briefings/beta-holds/", "briefings/alpha-talks/"]
    text = pg.article.text()
    assert "The deal held, says Vladimir Test" in text and "fell apart" in text


def test_briefing_page_shows_source_summary_and_key_points(mini_site: Path) -> None:
    pg = page(mini_site, "briefings/alpha-talks/")
    assert pg.article.one("h1").text().startswith("Alpha talks collapse")
    src = pg.article.one("div", cls="bf-source")
    assert "Source: Alpha Talks Collapse" in src.text() and "c. 27 Nov 2015" in src.text()
    assert ("actors/gazette/", "The Gazette") in links(src, pg)
    assert "sources/alpha-talks/" in {u for u, _ in links(src, pg)}
    assert "The Gazette, citing unnamed sources, says the Vienna deal fell apart." in section_text(pg, "_summary")
    assert ("events/#vienna-2015", "Vienna deal") in section_links(pg, "_summary"), "[[id|label]] keeps the label"
    points = [li.text() for n in section(pg, "_key-points") for li in n.find_all("li")]
    assert points == ["Pyotr Ivanov said no.", "Unnamed sources only."]


def test_briefing_page_lists_actors_with_roles(mini_site: Path) -> None:
    pg = page(mini_site, "briefings/alpha-talks/")
    rows = [tr for n in section(pg, "_actors") for tr in n.find_all("tr") if tr.find("td")]
    got = [(links(tr, pg)[0], tr.find_all("td")[1].text()) for tr in rows]
    assert got == [(("actors/ivanov/", "Pyotr Ivanov"), "Rejects the outcome."),
                   (("actors/ruritania/", "Ruritania"), "Party to the talks."),
                   (("actors/gazette/", "The Gazette"), "Publishes the story.")]


def test_briefing_page_lists_its_events_in_date_order(mini_site: Path) -> None:
    # beta-holds reports an event defined elsewhere (Nov 2015) and defines a later one (Feb 2016): dates sort.
    pg = page(mini_site, "briefings/beta-holds/")
    listed = [n for n in section(pg, "_events") if n.tag != "figure"]  # the list, not the timeline above it
    order = [u for n in listed for u, _ in links(n, pg) if u.startswith("events/")]
    assert order == ["events/#vienna-2015", "events/#partnership-2016"]
    dates = [d.text() for n in section(pg, "_events") for d in n.find_all("span", cls="bf-date")]
    assert dates == ["14 Nov 2015", "15–29 Feb 2016"]
    text = section_text(pg, "_events")
    assert "defined in Alpha talks collapse" in text and "Recalled as the start." in text
    alpha = page(mini_site, "briefings/alpha-talks/")
    assert "c. Nov 2015" in section_text(alpha, "_events") and "14 Nov 2015" in section_text(alpha, "_events")


def test_briefing_page_events_are_one_list_item_each(mini_site: Path) -> None:
    pg = page(mini_site, "briefings/beta-holds/")
    items = [li for n in section(pg, "_events") for li in n.find_all("li")]
    assert len(items) == 2, [li.text() for li in items]
    assert "Recalled as the start." in items[0].text() and "Partnership reaffirmed" in items[1].text()


def test_briefing_page_shows_its_claims(mini_site: Path) -> None:
    pg = page(mini_site, "briefings/alpha-talks/")
    assert "Sourcing: named 1 · anonymous 1" in section_text(pg, "_claims")
    claim = claim_block(pg, "deal-fell-apart")
    text = claim.text()
    assert ("actors/gazette/", "The Gazette") in links(claim.one("span", cls="bf-claim-by"), pg)
    for expected in ("anonymous", "F4", "our sources", "The deal fell apart quickly.",
                     'as "our sources" reveal, the deal fell apart - quickly', "About: Ruritania",
                     "Events: The deal collapses", "Contradicted by:"):
        assert expected in text, f"claim block lacks {expected!r}: {text}"
    assert "sources/alpha-talks/#quote-deal-fell-apart" in {u for u, _ in links(claim, pg)}
    assert "claims/#deal-held" in {u for u, _ in links(claim, pg)}
    assert "B2" in claim_block(pg, "alpha-talks-2").text(), "an id-less claim gets <briefing-id>-<n>"


def test_briefing_page_shows_relations(mini_site: Path) -> None:
    pg = page(mini_site, "briefings/beta-holds/")
    text = section_text(pg, "_relations")
    assert "Vladimir Test ↔ Ali Test: alliance (Feb 2016): Holds, per" in text
    assert {"actors/vlad/", "actors/khamenei-test/", "claims/#unshakeable"} <= {u for u, _ in section_links(
        pg, "_relations")}


def test_actor_profile_shows_identity_and_aliases(mini_site: Path) -> None:
    pg = page(mini_site, "actors/ivanov/")
    assert pg.article.one("h1").text().startswith("Pyotr Ivanov")
    profile = pg.article.one("div", cls="bf-profile")
    assert [s.text() for s in profile.find_all("span", cls="bf-alias")] == ["Пётр Иванов", "P. Ivanov"]
    text = profile.text()
    assert "person" in text and "Minister of Foreign Affairs" in text
    got = links(profile, pg)
    assert ("actors/ruritania/", "Ruritania") in got, "the affiliation links to the other actor"
    assert ("https://www.wikidata.org/wiki/Q1", "Wikidata Q1") in got
    assert ("https://example.org/ivanov", "homepage") in got
    # The description's [[alpha-talks]] is a link shown by the briefing's title.
    assert ("briefings/alpha-talks/", "Alpha talks collapse") in links(pg.article, pg)
    assert "Pyotr Ivanov" in pg.title and "Mini" in pg.title


def test_actor_profile_lists_briefings_events_claims_and_relations(mini_site: Path) -> None:
    pg = page(mini_site, "actors/ivanov/")
    assert "Alpha talks collapse c. 27 Nov 2015: Rejects the outcome." in section_text(pg, "_briefings")
    assert ("briefings/alpha-talks/", "Alpha talks collapse") in section_links(pg, "_briefings")
    assert ("events/#vienna-2015", "Talks in Vienna") in section_links(pg, "_events")
    assert "14 Nov 2015" in section_text(pg, "_events")
    assert ("claims/#alpha-talks-2", "Ivanov will not accept the outcome.") in section_links(pg, "_claims-made")
    assert ("claims/#alpha-talks-2", "Ivanov will not accept the outcome.") in section_links(pg, "_claims-about")
    rel = section_text(pg, "_relations")
    assert "2015 Ruritania: represents in Alpha talks collapse" in rel
    assert "Evidence: named B2 Pyotr Ivanov: Ivanov will not accept the outcome." in rel
    # One briefing each, no claim in common: then by id. Each entry says what they share.
    assert [u for u, _ in section_links(pg, "_appears-with") if u.startswith("actors/")] == [
        "actors/gazette/", "actors/ruritania/"]
    assert "The Gazette: 1 briefing (Alpha talks collapse)" in section_text(pg, "_appears-with")
    # The other side: Ruritania lists Ivanov as affiliated and the Gazette's claim about it.
    rur = page(mini_site, "actors/ruritania/")
    assert ("actors/ivanov/", "Pyotr Ivanov") in links(rur.article, rur)
    assert ("claims/#deal-fell-apart", "The deal fell apart quickly.") in section_links(rur, "_claims-about")
    assert [s.text() for s in rur.article.find_all("span", cls="bf-alias")] == ["Руритания"]


def test_actors_index_groups_by_kind_with_counts(mini_site: Path) -> None:
    pg = page(mini_site, "actors/")
    assert [h.text().rstrip("¶") for h in pg.article.find_all("h2")] == ["Media", "People", "States"]
    row = next(tr for tr in pg.article.find_all("tr") if ("actors/ivanov/", "Pyotr Ivanov") in links(tr, pg))
    # briefings, claims made, claims about
    assert [td.text() for td in row.find_all("td")[1:]] == ["Minister of Foreign Affairs", "1", "1", "1"]


def test_event_index_anchors_each_event_with_details(mini_site: Path, mini_ids: FixtureIds) -> None:
    pg = page(mini_site, "events/")
    ids = anchored_ids(pg, "bf-event")
    assert ids == ["collapse-2015", "vienna-2015", "partnership-2016"], "chronological"
    assert set(mini_ids.events) == set(ids)
    vienna = anchored_block(pg, "vienna-2015")
    assert vienna is not None
    assert "14 Nov 2015 Talks in Vienna" in vienna.text() and "Vienna The talks" in vienna.text()
    got = {u for u, _ in links(vienna, pg)}
    assert {"actors/ivanov/", "actors/ruritania/", "briefings/alpha-talks/", "briefings/beta-holds/"} <= got
    partnership = anchored_block(pg, "partnership-2016")
    assert partnership is not None and "15–29 Feb 2016" in partnership.text()
    assert "claims/#unshakeable" in {u for u, _ in links(partnership, pg)}, "an event lists the claims about it"
    collapse = anchored_block(pg, "collapse-2015")
    assert collapse is not None and "c. Nov 2015" in collapse.text()


@pytest.mark.parametrize(("url", "headings"), [("events/", ["2015", "2016"]),
                                               ("claims/", ["Beta alliance holds", "Alpha talks collapse"])])
def test_index_pages_have_their_headings(mini_site: Path, url: str, headings: list[str]) -> None:
    pg = page(mini_site, url)
    assert [h.text().rstrip("¶") for h in pg.article.find_all("h2")] == headings
    assert "##" not in pg.article.text() and "{: #" not in pg.article.text()


def test_claims_appendix_anchors_every_claim_and_shows_both_sides(mini_site: Path, mini_ids: FixtureIds) -> None:
    pg = page(mini_site, "claims/")
    assert set(anchored_ids(pg, "bf-claim-row")) == set(mini_ids.claims)

    def meta(claim_id: str) -> tuple[str, set[str]]:
        block = claim_block(pg, claim_id)
        return block.text(), {u for u, _ in links(block, pg)}

    text, to = meta("deal-held")
    assert "Contradicts:" in text and "claims/#deal-fell-apart" in to
    assert "Supported by:" in text and "claims/#unshakeable" in to
    text, to = meta("deal-fell-apart")
    assert "Contradicted by:" in text and "claims/#deal-held" in to
    text, to = meta("unshakeable")
    assert "Supports:" in text and "claims/#deal-held" in to
    text, to = meta("deal-held")
    for expected in ("anonymous", "C3", "officials in Tehran", "the deal held for weeks, according to"):
        assert expected in text
    assert "actors/gazette/" in to and "sources/beta-holds/#quote-deal-held" in to


@pytest.mark.parametrize("briefing", ["alpha-talks", "beta-holds"])
def test_source_page_is_verbatim_with_quotes_marked_and_linked(mini_site: Path, briefing: str) -> None:
    doc = yaml.safe_load(next((MINI / "briefings").rglob(f"{briefing}.yml")).read_text(encoding="utf-8"))
    seed = (MINI / doc["source"]["text"]).read_text(encoding="utf-8")
    pg = page(mini_site, f"sources/{briefing}/")
    box = pg.article.one("div", cls="bf-source-text")
    assert box.raw_text().strip("\n") == seed.strip("\n"), "the source text must be shown verbatim"
    marks = box.find_all("mark")
    quoted = [(c.get("id") or f"{briefing}-{n}", c["quote"]) for n, c in enumerate(doc["claims"], 1) if "quote" in c]
    assert len(marks) == len(quoted)
    for mark, (claim_id, quote) in zip(marks, quoted, strict=True):
        assert fold(mark.text()) == fold(quote), "the marked span is exactly the quoted passage"
        assert [u for u, _ in links(mark, pg)] == [f"claims/#{claim_id}"]
        assert pg.root.by_id(f"quote-{claim_id}") is not None, "the claim's 'in the source' link lands here"
    # A <script> in the article's text is text, not markup.
    assert not box.find_all("script")
    if briefing == "alpha-talks":
        assert "<script>alert('source')</script>" in box.raw_text()


def test_dates_read_as_a_human_writes_them(mini_site: Path) -> None:
    events = page(mini_site, "events/").article.text()
    for human in ("14 Nov 2015", "c. Nov 2015", "15–29 Feb 2016"):
        assert human in events
    assert "2015-11-14" not in events and "2016-02-15" not in events, "no raw EDTF in the reader's text"
    assert "c. 27 Nov 2015" in page(mini_site, "briefings/alpha-talks/").article.text()
    assert "Mar 2016" in page(mini_site, "briefings/beta-holds/").article.text()


# Split indexes: a big corpus gets per-year/month pages; ids must still land -----------------------------------------

def test_split_site_keeps_every_page_and_anchors_every_id_once(split_site: Path, mini_ids: FixtureIds) -> None:
    pages = site_pages(split_site)
    assert not [u for u in contract_urls(mini_ids) if u not in pages]

    def anchored(prefix: str, cls: str) -> dict[str, list[str]]:
        where: dict[str, list[str]] = {}
        for url, pg in pages.items():
            if url.startswith(prefix):
                for id in anchored_ids(pg, cls):
                    where.setdefault(id, []).append(url)
        return where

    events = anchored("events/", "bf-event")
    assert set(events) == set(mini_ids.events) and all(len(v) == 1 for v in events.values()), events
    claims = anchored("claims/", "bf-claim-row")
    assert set(claims) == set(mini_ids.claims) and all(len(v) == 1 for v in claims.values()), claims
    assert "events/" not in events["vienna-2015"], "split: events live on their period's page"


SPLIT_INDEXES = [
    ("briefings/", "briefings/by-year/"),
    ("actors/ivanov/", "actors/ivanov/"),
    ("events/", "events/"),
    ("claims/", "claims/"),
]


@pytest.mark.parametrize(("index", "prefix"), SPLIT_INDEXES)
def test_split_index_tables_link_every_split_page(split_site: Path, index: str, prefix: str) -> None:
    pages = site_pages(split_site)
    depth = prefix.count("/") + 1
    split = {u for u in pages if u.startswith(prefix) and u != index and u.count("/") == depth
             and re.fullmatch(r"\d{4}(-\d{2})?/", u[len(prefix):])}
    assert split, f"no split pages under /{prefix}"
    pg = page(split_site, index)
    in_tables = {u for t in pg.article.find_all("table") for u, _ in links(t, pg)}
    assert split <= in_tables, f"/{index} must list {sorted(split)} in a table; its tables link {sorted(in_tables)}"


# 4. Navigation ------------------------------------------------------------------------------------------------

NAV_URLS = {"", "briefings/", "actors/", "events/", "claims/"}


def test_detail_pages_are_not_in_the_sidebar_nav(mini_site: Path) -> None:
    # Hundreds of actors and briefings would drown the nav; they are reached through the index pages.
    for pg in site_pages(mini_site).values():
        if pg.url == "404.html":
            continue
        nav = pg.root.one("nav", cls="md-nav--primary")
        extra = {u.split("#")[0] for u, _ in links(nav, pg)} - NAV_URLS
        assert not extra, f"/{pg.url}: the sidebar nav lists detail pages {sorted(extra)}"


# 5. Privacy: nothing loads from a third party --------------------------------------------------------------------

LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "embed": "src", "audio": "src",
         "video": "src", "object": "data", "link": "href"}
CSS_REMOTE = re.compile(r"(@import\s+['\"]?|url\(\s*['\"]?)(https?:)?//", re.IGNORECASE)


@pytest.mark.parametrize("fixture", ["mini_site", "hostile_site"])
def test_no_page_loads_anything_from_another_host(fixture: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(fixture)
    bad = []
    for pg in site_pages(site).values():
        if re.search(r"fonts\.(googleapis|gstatic)\.com", pg.html):
            bad.append(f"/{pg.url}: Google Fonts")
        for node in pg.root.iter():
            attr = LOADS.get(node.tag)
            value = (node.get(attr) or "") if attr else ""
            if (EXTERNAL.match(value) and not value.startswith("data:")) or value.startswith("//"):
                bad.append(f"/{pg.url}: <{node.tag} {attr}={value}>")
            if node.tag == "style" and CSS_REMOTE.search(node.raw_text()):
                bad.append(f"/{pg.url}: <style> imports a remote URL")
            if CSS_REMOTE.search(node.get("style") or ""):
                bad.append(f"/{pg.url}: style attribute loads a remote URL")
    for css in site.rglob("*.css"):
        if CSS_REMOTE.search(css.read_text(encoding="utf-8")):
            bad.append(f"{css.relative_to(site)} loads a remote URL")
    assert not bad, "third-party requests:\n" + "\n".join(bad)


# 6. Hostile input stays text ---------------------------------------------------------------------------------------

def _script_like(site: Path) -> list[str]:
    """Every way input could have become live markup on any page."""
    found = []
    for pg in site_pages(site).values():
        for node in pg.root.iter():
            where = f"/{pg.url} <{node.tag}>"
            if node.tag == "script" and ("alert" in node.raw_text() or (node.get("src") or "").find("alert") >= 0):
                found.append(f"{where} script from input")
            for name, value in node.attrs.items():
                if name.startswith("on"):
                    found.append(f"{where} event handler {name}={value}")
                if name in ("href", "src", "action", "formaction", "data", "xlink:href") and value and re.match(
                        r"\s*(javascript|vbscript|data):", value, re.IGNORECASE):
                    found.append(f"{where} script URL {name}={value}")
        art = pg.root.find("article", cls="md-content__inner")
        if art is not None:
            found += [f"/{pg.url} <{n.tag}> from input" for n in art.iter()
                      if n.tag in ("img", "svg", "iframe", "object", "embed", "style", "b", "form", "input")
                      and not (n.tag == "svg" and "bf-pic" in n.classes)]  # the generator's own pictures
    return found


def test_hostile_input_never_becomes_markup(hostile_site: Path) -> None:
    found = _script_like(hostile_site)
    assert not found, "input became live markup:\n" + "\n".join(found)


def test_hostile_search_index_is_inert(hostile_site: Path) -> None:
    # Material shows search results' titles and text as HTML, so the index must hold no live markup either.
    docs = load_search_entries(hostile_site)
    live = []
    for doc in docs:
        for node in parse_html(doc["title"] + " " + doc["text"]).iter():
            if node.tag in ("script", "img", "svg", "iframe", "object", "embed", "style", "form") or any(
                    name.startswith("on") for name in node.attrs):
                live.append(f"{doc['location']}: <{node.tag} {node.attrs}>")
    assert docs and not live, "live markup in the search index:\n" + "\n".join(live)


def test_hostile_titles_are_escaped_in_title_and_heading(hostile_site: Path) -> None:
    for url, name in (("briefings/hostile-one/", "Hostile {{ 7*7 }} briefing"),
                      ("actors/evil/", "Evil {{ 7*7 }} Actor")):
        pg = page(hostile_site, url)
        raw_title = re.search(r"<title>(.*?)</title>", pg.html, re.DOTALL)
        assert raw_title is not None
        assert "<script" not in raw_title[1].lower() and "<" not in raw_title[1], raw_title[1]
        assert name in pg.title
        h1 = pg.article.one("h1")
        assert "<script>alert(1)</script> " + name in h1.text(), "shown as the literal text"
        assert re.fullmatch(r"[a-z0-9_-]+", h1.get("id") or ""), "the heading anchor is still a slug"


def test_hostile_text_shows_literally_and_jinja_is_not_evaluated(hostile_site: Path) -> None:
    briefing = page(hostile_site, "briefings/hostile-one/").article.text()
    for literal in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{ 7*7 }}", "{% raw %}",
                    '{: onclick="alert(1)" }', "Second paragraph."):
        assert literal in briefing, f"{literal!r} must show as text on the briefing page"
    actor = page(hostile_site, "actors/evil/").article.text()
    for literal in ("Evil {{ 7*7 }} Actor", "{% raw %} Chief", "<svg onload=alert(1)>", "[x](javascript:alert(1))"):
        assert literal in actor
    for pg in site_pages(hostile_site).values():
        assert "Evil 49" not in pg.html and "Hostile 49" not in pg.html, f"/{pg.url}: Jinja ran on input"


def test_hostile_ids_still_anchor_and_link(hostile_site: Path) -> None:
    ids = fixture_ids(HOSTILE)
    have = set(site_pages(hostile_site))
    assert not [u for u in contract_urls(ids) if u not in have]
    claims = page(hostile_site, "claims/")
    assert set(anchored_ids(claims, "bf-claim-row")) == set(ids.claims)
    assert page(hostile_site, "events/").root.by_id("hostile-event") is not None


def test_hostile_source_text_is_verbatim_and_marked(hostile_site: Path) -> None:
    seed = (HOSTILE / "seeds" / "hostile.txt").read_text(encoding="utf-8")
    pg = page(hostile_site, "sources/hostile-one/")
    box = pg.article.one("div", cls="bf-source-text")
    assert box.raw_text().strip("\n") == seed.strip("\n")
    assert [[u for u, _ in links(m, pg)] for m in box.find_all("mark")] == [["claims/#hostile-claim-two"],
                                                                          ["claims/#hostile-claim"]]


def test_hostile_link_labels_read_as_written(hostile_site: Path) -> None:
    pg = page(hostile_site, "briefings/hostile-one/")
    got = links(pg.article, pg)
    assert ("actors/evil/", "Q&A") in got
    assert ("actors/evil/", "<img src=x onerror=alert(1)>") in got
    assert ("actors/press/", '{: onclick="alert(1)" }') in got


def test_hostile_claim_labels_keep_literal_asterisks(hostile_site: Path) -> None:
    pg = page(hostile_site, "briefings/hostile-one/")
    labels = [t for u, t in links(pg.article, pg) if u == "claims/#hostile-claim" and t != "hostile-claim"]
    assert labels and all("{{ 7*7" in t for t in labels), labels  # asterisks kept (the label may be shortened)


def test_hostile_urls_stay_one_link_each(hostile_site: Path) -> None:
    actor = page(hostile_site, "actors/evil/")
    profile = actor.article.one("div", cls="bf-profile")
    assert [t for u, t in links(profile, actor) if u.startswith("http")] == ["mirror"]
    briefing = page(hostile_site, "briefings/hostile-one/")
    src = briefing.article.one("div", cls="bf-source")
    assert [t for _, t in links(src, briefing)] == [
        "The <b onclick=alert(1)>Press</b> [x](javascript:alert(1))", "original", "full text with quotes marked"]


def test_a_blocked_link_does_not_break_the_strict_build(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "project")
    beta = project / "briefings" / "beta-holds.yml"
    text = beta.read_text(encoding="utf-8")
    beta.write_text(text.replace("summary: The deal held,", "summary: Call [the desk](tel:+15550100). The deal held,"),
                    encoding="utf-8")
    proc = mkdocs_build(project, tmp_path / "site", "--strict")
    assert proc.returncode == 0, output(proc)


def test_hostile_export_has_no_live_markup(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = briefings_cli("render", "--out", str(out), cwd=HOSTILE)
    assert proc.returncode == 0, output(proc)
    site = tmp_path / "site"
    built = mkdocs_build(out, site, "--no-strict")
    assert built.returncode == 0, output(built)
    found = _script_like(site)
    assert not found, "the exported site has live markup from input:\n" + "\n".join(found)


# 7. A broken edit keeps the last good site -----------------------------------------------------------------------

BREAKS = {
    # name: (file, old, new, the text whose position the error must name)
    "unknown actor": ("briefings/beta-holds.yml", "    by: vlad\n", "    by: vladd\n", "vladd"),
    "yaml syntax": ("briefings/2015/alpha-talks.yml", "  - Unnamed sources only.\n", "  - [Unnamed: sources\n", "["),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_broken_input_keeps_the_last_good_site(tmp_path: Path, name: str) -> None:
    project = copy_project(MINI, tmp_path / "project")
    site = tmp_path / "site"
    first = mkdocs_build(project, site, "--strict")
    assert first.returncode == 0, output(first)
    before = snapshot(site)

    rel, old, new, marker = BREAKS[name]
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    line_no = text[: text.index(new)].count("\n") + 1
    col = new.index(marker) + 1

    proc = mkdocs_build(project, site, "--strict")
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0, output(proc)
    assert "Traceback" not in log, output(proc)
    located = re.findall(rf"{re.escape(rel)}:(\d+):(\d+):", log)
    assert located, f"no '{rel}:line:col:' in the output\n{output(proc)}"
    if name == "unknown actor":
        assert (str(line_no), str(col)) in located, f"expected {rel}:{line_no}:{col}\n{output(proc)}"
        assert "did you mean 'vlad'" in log
    else:  # YAML reports where it noticed the problem: the broken line or the next one
        assert int(located[0][0]) in (line_no, line_no + 1), output(proc)
    assert snapshot(site) == before, "the last good site must be left exactly as it was"


def snapshot(folder: Path) -> dict[Path, tuple[bytes, int]]:
    return {p.relative_to(folder): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_a_strict_build_aborted_by_a_warning_keeps_the_last_good_site(tmp_path: Path) -> None:
    # MkDocs itself (not the plugin) fails this one, after rendering: the swap-in must not have happened.
    project = copy_project(MINI, tmp_path / "project")
    site = tmp_path / "site"
    assert mkdocs_build(project, site, "--strict").returncode == 0
    before = snapshot(site)
    (project / "docs" / "notes.md").write_text("# Notes\n\nSee [the plan](missing.md).\n", encoding="utf-8")
    proc = mkdocs_build(project, site, "--strict")
    assert proc.returncode != 0 and "missing.md" in proc.stdout + proc.stderr, output(proc)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert snapshot(site) == before
    # No staging folder left behind; the build lock stays (removing it would race with a waiting build).
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "project", "site"]


def test_build_refuses_to_empty_a_folder_it_did_not_make(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "project")
    site = tmp_path / "thesis"
    site.mkdir()
    (site / "chapter1.md").write_text("months of work\n", encoding="utf-8")
    proc = mkdocs_build(project, site)
    assert proc.returncode != 0, output(proc)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert [p.name for p in site.iterdir()] == ["chapter1.md"]
    assert (site / "chapter1.md").read_text(encoding="utf-8") == "months of work\n"


# 8. `briefings render --out` ----------------------------------------------------------------------------------------

def test_render_out_builds_without_the_plugin_with_the_same_pages(tmp_path: Path, mini_site: Path) -> None:
    out = tmp_path / "out"
    proc = briefings_cli("render", "--out", str(out), cwd=MINI)
    assert proc.returncode == 0, output(proc)
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert not any("briefings" in (p if isinstance(p, str) else " ".join(p)) for p in config["plugins"])
    site = tmp_path / "site"
    built = mkdocs_build(out, site, "--strict")
    assert built.returncode == 0, output(built)
    assert "briefings:" not in built.stdout + built.stderr, "the plugin must not run on the exported folder"
    plugin_pages, export_pages = site_pages(mini_site), site_pages(site)
    assert set(export_pages) == set(plugin_pages)
    # The same words on every page (the plugin's sanitizer only adds rel= attributes, which text ignores).
    differ = [u for u in plugin_pages if u != "404.html"
              and plugin_pages[u].article.text() != export_pages[u].article.text()]
    assert not differ, f"pages read differently when exported: {differ}"

    again = briefings_cli("render", "--out", str(out), cwd=MINI)
    assert again.returncode == 0, output(again)
    shutil.rmtree(site)
    assert mkdocs_build(out, site, "--strict").returncode == 0


def test_a_build_releasing_its_pages_still_titles_indexes_and_writes_each(tmp_path: Path, mini_site: Path) -> None:
    """The plugin lets go of each page's text once MkDocs has it and holds its HTML as bytes until written (for
    memory); MkDocs alone, on the exported pages, keeps them all. Titles, article text and search entries must
    come out the same, and each table of contents list the page's headings."""
    out = tmp_path / "out"
    assert (proc := briefings_cli("render", "--out", str(out), cwd=MINI)).returncode == 0, output(proc)
    site = tmp_path / "site"
    assert (built := mkdocs_build(out, site, "--strict")).returncode == 0, output(built)
    ours, plain = site_pages(mini_site), site_pages(site)
    assert set(ours) == set(plain)
    for url in ours:
        assert ours[url].title == plain[url].title, f"/{url}: title"
        nav = ours[url].root.find("nav", cls="md-nav--secondary")
        listed = [a.get("href") for a in nav.find_all("a")] if nav else []
        headings = [f"#{h.get('id')}" for h in ours[url].article.iter() if h.tag in ("h2", "h3", "h4")
                    and h.find("a", cls="headerlink")]
        hidden = re.search(r'md-sidebar--secondary"[^>]* hidden', ours[url].html) is not None
        assert listed == ([] if hidden else headings), f"/{url}: table of contents"
        if url != "404.html":
            assert ours[url].article.text().strip(), f"/{url}: an empty article"

    def entries(s: Path, compact: bool = False) -> list[tuple[str, str, str]]:
        docs = load_search_entries(s)
        if compact:  # as our plugin pares down the entries of each generated page (searchindex.py)
            corpus, pages = load_corpus(MINI), defaultdict(list)
            for d in docs:
                pages[d["location"].split("#")[0]].append(d)
            docs = []
            for url, own in pages.items():  # every page of the mini site is generated
                compact_search_entries(own, url, corpus.claims, corpus.events)
                docs += own
        # Material's parser lets an empty paragraph of an excluded block through; the plugin hands it the page
        # without those blocks (searchindex.searchable).
        return sorted((d["location"], d["title"], d["text"].replace(" <p></p>", "")) for d in docs)

    assert entries(mini_site) == entries(site, compact=True)
    assert any(text for _, _, text in entries(mini_site)), "the search entries have text"


def test_render_out_refuses_a_foreign_folder(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.md").write_text("months of work\n", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "data.csv").write_text("a,b\n", encoding="utf-8")
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    proc = briefings_cli("render", "--out", str(out), cwd=MINI)
    assert proc.returncode != 0, output(proc)
    assert "Traceback" not in proc.stderr and "not empty" in proc.stderr, output(proc)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert (out / "thesis.md").read_text(encoding="utf-8") == "months of work\n"
