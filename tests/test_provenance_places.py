"""Provenance, places and quotes on the Hamadan fixture (three reports of one story, in English, French and
Portuguese): relay chains, support that launders one origin, NFC-equal quotes, quotes pasted in translation,
places linked from events with their pages, and what a later briefing adds to an event."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from corpuskit import errors_of
from sitekit import FIXTURES, anchored_block, built_site, ensure_docs_dir, mkdocs_build, output, page

from generator.corpus import Corpus, load_corpus

HAMADAN = FIXTURES / "hamadan"
EN = "briefings/hamadan-bombers-2016-08.yml"
FR = "briefings/hamadan-larijani-2016-08.yml"
PT = "briefings/hamadan-dehghan-2016-08.yml"
ACTORS = "briefings/actors.yml"


def project(tmp: Path, edits: dict[str, list[tuple[str, str]]] | None = None) -> Path:
    root = tmp / "hamadan"
    shutil.copytree(HAMADAN, root, ignore=shutil.ignore_patterns("site"))
    ensure_docs_dir(root)
    for rel, pairs in (edits or {}).items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, f"{old!r} not in {rel}"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return root


def line_of(root: Path, rel: str, needle: str) -> int:
    return next(n for n, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(HAMADAN)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ensure_docs_dir(HAMADAN)
    return built_site(tmp_path_factory, HAMADAN)[0]


# Relay chains and circular reporting ------------------------------------------------------------------------

def test_a_relay_chain_runs_from_the_speaker_to_the_publication_in_order(corpus: Corpus, tmp_path: Path) -> None:
    assert corpus.relay_chain(corpus.claims["dehghan-conditional-use"]) == ["dehghan", "tasnim", "folha-teste"]
    assert corpus.relay_chain(corpus.claims["mod-bombers-from-hamadan"]) == ["russian-mod", "ria-novosti",
                                                                            "global-wire"]
    assert corpus.relay_chain(corpus.claims["larijani-no-russian-base"]) == ["larijani", "le-quotidien"]
    longer = load_corpus(project(tmp_path, {PT: [("via: [tasnim]", "via: [tasnim, ria-novosti]")]}))
    assert longer.relay_chain(longer.claims["dehghan-conditional-use"]) == ["dehghan", "tasnim", "ria-novosti",
                                                                           "folha-teste"]


def test_support_relayed_through_the_supported_claims_speaker_is_marked_on_both_sides(corpus: Corpus) -> None:
    # Tasnim's "officials confirmed" supports Dehghan's words, which reached the page through Tasnim.
    same = corpus.claim_same_origin_support
    assert [c.id for c in same["dehghan-conditional-use"]] == ["tasnim-officials-confirm"]
    assert [c.id for c in same["tasnim-officials-confirm"]] == ["dehghan-conditional-use"]
    assert same["larijani-no-russian-base"] == [] and same["mod-bombers-from-hamadan"] == []


def test_the_tally_of_corroboration_counts_independent_support_only(corpus: Corpus) -> None:
    supported_by = {c.id for c in corpus.claim_supported_by["dehghan-conditional-use"]}
    assert supported_by == {"tasnim-officials-confirm", "larijani-no-russian-base"}
    assert [c.id for c in corpus.independent_support("dehghan-conditional-use")] == ["larijani-no-russian-base"]
    assert [c.id for c in corpus.independent_support("mod-bombers-from-hamadan")] == ["larijani-no-russian-base"]


def test_the_same_speaker_through_two_outlets_is_one_origin(tmp_path: Path) -> None:
    root = project(tmp_path, {EN: [("    by: tasnim\n", "    by: dehghan\n    via: [tasnim]\n")]})
    c = load_corpus(root)
    assert [x.id for x in c.independent_support("dehghan-conditional-use")] == ["larijani-no-russian-base"]
    assert [x.id for x in c.claim_same_origin_support["tasnim-officials-confirm"]] == ["dehghan-conditional-use"]


# Quotes -----------------------------------------------------------------------------------------------------

def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def test_an_nfd_quote_matches_an_nfc_text(tmp_path: Path) -> None:
    quote = "se a situação na Síria exigir"
    root = project(tmp_path, {PT: [(f"quote: {quote}", f"quote: {nfd(quote)}")]})
    assert nfd(quote) in (root / PT).read_text(encoding="utf-8")
    c = load_corpus(root).claims["dehghan-conditional-use"]
    text = (root / "seeds" / "hamadan-pt.txt").read_text(encoding="utf-8")
    assert c.span and text[c.span[0]:c.span[1]] == quote


def test_an_nfc_quote_matches_an_nfd_text_and_its_span_is_marked(tmp_path: Path) -> None:
    root = project(tmp_path)
    seed = root / "seeds" / "hamadan-pt.txt"
    text = nfd(seed.read_text(encoding="utf-8"))
    seed.write_text(text, encoding="utf-8")
    c = load_corpus(root).claims["dehghan-conditional-use"]
    assert c.span and text[c.span[0]:c.span[1]] == nfd("se a situação na Síria exigir")
    r = mkdocs_build(root, tmp_path / "site")
    assert r.returncode == 0, output(r)
    src = page(tmp_path / "site", "sources/hamadan-dehghan-2016-08/")
    [mark] = src.article.find_all("mark", cls="bf-quote")
    assert unicodedata.normalize("NFC", mark.raw_text()) == "se a situação na Síria exigir"
    whole = unicodedata.normalize("NFC", src.article.one("div", cls="bf-source-text").raw_text())
    assert "citado pela agência Tasnim" in whole, "the text around the mark is intact"


@pytest.mark.parametrize(("rel", "old", "new", "reason"), [
    (PT, "quote: se a situação na Síria exigir", "quote: if the situation in Syria requires it",
     "it reads as English and source.lang is pt-BR"),
    (FR, "quote: La Russie n'a pas de base militaire en Iran, mais nous coopérons",
     "quote: Russia has no military base in Iran, but we cooperate", "it reads as English and source.lang is fr"),
    (EN, "quote: Tu-22M3 long-range bombers and Su-34 frontline bombers took off from Hamadan airfield",
     "quote: Бомбардировщики взлетели с аэродрома Хамадан", "it is in Cyrillic script and the source is in Latin"),
])
def test_a_quote_in_translation_says_so(tmp_path: Path, rel: str, old: str, new: str, reason: str) -> None:
    root = project(tmp_path, {rel: [(old, new)]})
    [e] = errors_of(root)
    assert e.path.endswith(".quote") and e.loc.line == line_of(root, rel, new)
    assert f"it looks like a translation ({reason})" in e.message, e.message
    assert "put the source's own words in quote and yours in translation" in e.message


def test_a_translation_without_source_lang_is_told_by_its_words(tmp_path: Path) -> None:
    root = project(tmp_path, {PT: [("  lang: pt-BR\n", ""), ("quote: se a situação na Síria exigir",
                                                               "quote: if the situation in Syria requires it")]})
    [e] = errors_of(root)
    assert "it looks like a translation (only 0% of its words occur in the source)" in e.message, e.message


def test_a_mistyped_quote_is_not_called_a_translation(tmp_path: Path) -> None:
    root = project(tmp_path, {PT: [("quote: se a situação na Síria exigir", "quote: se a situação no Síria exigir")]})
    [e] = errors_of(root)
    assert "quote not found" in e.message and "translation" not in e.message


# Places -----------------------------------------------------------------------------------------------------

def test_events_link_to_a_place_across_briefings(corpus: Corpus) -> None:
    place = corpus.actors["hamadan-air-base"]
    assert place.kind == "place" and place.coordinates == (35.2117, 48.6533)
    assert [e.id for e in corpus.place_events["hamadan-air-base"]] == ["hamadan-sorties-2016-08-16",
                                                                       "hamadan-use-continues-2016-08-21"]
    assert {e.briefing for e in corpus.place_events["hamadan-air-base"]} == {"hamadan-bombers-2016-08",
                                                                             "hamadan-larijani-2016-08"}


def test_a_place_linked_twice_by_one_event_lists_it_once(tmp_path: Path) -> None:
    root = project(tmp_path, {EN: [("place: '[[hamadan-air-base]]'",
                                    "place: '[[hamadan-air-base]] ([[hamadan-air-base|Shahid Nojeh]])'")]})
    assert [e.id for e in load_corpus(root).place_events["hamadan-air-base"]] == [
        "hamadan-sorties-2016-08-16", "hamadan-use-continues-2016-08-21"]


def test_an_unquoted_link_in_place_says_to_quote_it(tmp_path: Path) -> None:
    root = project(tmp_path, {EN: [("place: '[[hamadan-air-base]]'", "place: [[hamadan-air-base]]")]})
    [e] = errors_of(root)
    assert e.path == "events[0].place" and e.loc.line == line_of(root, EN, "place: [[")
    assert "quote it: place: '[[hamadan-air-base]]'" in e.message, e.message


@pytest.mark.parametrize(("rel", "old", "new", "path", "expect"), [
    (EN, "place: '[[hamadan-air-base]]'", "place: '[[dehghan]]'", "events[0].place",
     "'dehghan' is of kind person; a place links to an actor of kind place"),
    (EN, "place: '[[hamadan-air-base]]'", "place: '[[hamadan-airbase]]'", "events[0].place",
     "did you mean 'hamadan-air-base'"),
    (EN, "place: '[[hamadan-air-base]]'", "place: '[[mod-bombers-from-hamadan]]'", "events[0].place",
     "is a claim; a place links to an actor of kind place"),
    (ACTORS, "coordinates: [35.2117, 48.6533]", "coordinates: [48.6533, 235.2117]",
     "hamadan-air-base.coordinates[1]", "the longitude 235.2117 is out of range"),
    (ACTORS, "coordinates: [35.2117, 48.6533]", "coordinates: ['35.2117', 48.6533]",
     "hamadan-air-base.coordinates[0]", "the latitude must be a number"),
    (ACTORS, "coordinates: [35.2117, 48.6533]", "coordinates: [35.2117]", "hamadan-air-base.coordinates",
     "must be [latitude, longitude]"),
    (ACTORS, "  kind: state\nrussia:", "  kind: state\n  coordinates: [32, 53]\nrussia:", "iran.coordinates",
     "coordinates are for actors of kind place"),
])
def test_places_are_checked(tmp_path: Path, rel: str, old: str, new: str, path: str, expect: str) -> None:
    root = project(tmp_path, {rel: [(old, new)]})
    [e] = errors_of(root)
    assert e.path == path and expect in e.message, str(e)
    assert e.loc.file == rel and e.loc.line == line_of(root, rel, new.split("\n")[-2 if "\n" in new else 0])


def test_a_place_has_a_page_listing_its_events_from_every_briefing(site: Path) -> None:
    pg = page(site, "actors/hamadan-air-base/")
    art = pg.article
    assert "35.2117° N, 48.6533° E" in art.text()
    here = art.by_id("_events-here")
    assert here is not None and "Events here (2)" in here.text()
    hrefs = [a.get("href") or "" for a in art.find_all("a")]
    assert any(h.endswith("events/#hamadan-sorties-2016-08-16") for h in hrefs)
    assert any(h.endswith("events/#hamadan-use-continues-2016-08-21") for h in hrefs)
    assert any(h.endswith("briefings/hamadan-larijani-2016-08/") for h in hrefs)
    actors = page(site, "actors/").article
    assert actors.by_id("_place") is not None and "Places" in actors.by_id("_place").text()


def test_the_events_page_links_the_place_and_shows_what_later_briefings_add(site: Path) -> None:
    events_page = page(site, "events/")
    events = events_page.article
    sorties = anchored_block(events_page, "hamadan-sorties-2016-08-16")
    assert sorties is not None
    place = next(a for a in sorties.find_all("a") if a.text() == "Hamadan Air Base")
    assert (place.get("href") or "").endswith("actors/hamadan-air-base/")
    assert "[[" not in sorties.text()
    [report] = sorties.find_all("div", cls="bf-event-report")
    assert "Still going on five days later, the speaker confirms." in report.text()
    assert report.text().startswith("As Iran's parliament speaker confirms Russian use of Hamadan reports it")
    assert (report.one("a").get("href") or "").endswith("briefings/hamadan-larijani-2016-08/")
    continues = anchored_block(events_page, "hamadan-use-continues-2016-08-21")
    assert continues is not None and "the Hamadan base, Iran" in continues.text()
    assert events.by_id("larijani-remarks-2016-08-21") is not None
    assert "Tehran" in anchored_block(events_page, "larijani-remarks-2016-08-21").text()
