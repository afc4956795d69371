"""Every rule of the contract: a small broken fixture, the message, and its exact location."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpuskit import ACTORS, ALPHA, BETA, corpus_of, errors_of, line_of, make_project, one_error


def test_mini_fixture_is_valid(tmp_path: Path) -> None:
    corpus = corpus_of(make_project(tmp_path))
    assert corpus.counts() == {"briefings": 2, "actors": 5, "events": 3, "claims": 4, "relations": 2}


def test_unknown_key_names_the_allowed_ones(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: ("    reliability: F\n", "    reliability: F\n    colour: red\n")})
    e = one_error(root)
    assert (e.loc.file, e.loc.line, e.loc.col) == (ALPHA, line_of(root, ALPHA, "colour"), 5)
    assert e.path == "claims[0].colour"
    assert "unknown key 'colour'" in e.message and "allowed here: id, text, assessment, by" in e.message


def test_missing_required_key(tmp_path: Path) -> None:
    root = make_project(tmp_path, {BETA: ("    sourcing: named\n", "")})
    e = one_error(root)
    assert e.path == "claims[1]" and "missing required key 'sourcing'" in e.message
    assert e.loc.line == line_of(root, BETA, "id: unshakeable")


@pytest.mark.parametrize(("old", "new", "path", "expect"), [
    ("title: Alpha talks collapse", "title: [a, b]", "title", "must be a text, not a list"),
    ("tags: [talks]", "tags: talks", "tags", "must be a list"),
    ("  ivanov: Rejects the outcome.", "  ivanov: {a: 1}", "actors.ivanov", "must be a text, not a mapping"),
    ("    credibility: 4", "    credibility: four", "claims[0].credibility", "'four' is not allowed here"),
    ("    credibility: 4", '    credibility: "4"', "claims[0].credibility", "write 4 without quotes"),
    ("  - Unnamed sources only.", "  - Bottom line: unnamed.", "key_points[1]", "put the whole text in quotes"),
    ("    reliability: F", "    reliability: G", "claims[0].reliability", "use one of A, B, C, D, E, F"),
    ("    sourcing: anonymous", "    sourcing: anon", "claims[0].sourcing", "did you mean 'anonymous'?"),
    ("title: Alpha talks collapse", "title:", "title", "is empty"),
])
def test_wrong_types_and_values(tmp_path: Path, old: str, new: str, path: str, expect: str) -> None:
    root = make_project(tmp_path, {ALPHA: (old, new)})
    e = one_error(root)
    assert e.path == path and expect in e.message, str(e)
    assert e.loc.line == line_of(root, ALPHA, new.strip().split(":")[0] + ":")


@pytest.mark.parametrize("bad", ["Putin", "putin_", "-putin", "путин", "a" * 65, "pu tin"])
def test_bad_ids_say_what_a_valid_one_looks_like(tmp_path: Path, bad: str) -> None:
    root = make_project(tmp_path, {ALPHA: ("  - id: collapse-2015", f"  - id: '{bad}'")})
    errs = errors_of(root)
    assert any(e.path == "events[1].id" and "is not a valid id" in e.message and "lowercase ASCII" in e.message
               for e in errs), errs


def test_briefing_id_comes_from_the_file_name(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / BETA).rename(root / "briefings" / "Beta_Holds.yml")
    errs = errors_of(root)
    assert any(e.loc.file == "briefings/Beta_Holds.yml" and "does not give a valid briefing id" in e.message
               for e in errs)


@pytest.mark.parametrize(("old", "new", "path", "expect"), [
    ("  publication: gazette", "  publication: gazete", "source.publication", "did you mean 'gazette'?"),
    ("  publication: gazette", "  publication: ivanov", "source.publication", "must be an actor of kind media"),
    ("  ivanov: Rejects the outcome.", "  ivanof: Rejects.", "actors.ivanof", "did you mean 'ivanov'?"),
    ("    actors: [ivanov, ruritania]", "    actors: [ivanov, rurit]", "events[0].actors[1]", "unknown actor"),
    ("    by: gazette", "    by: gazete", "claims[0].by", "unknown actor 'gazete'"),
    ("    about: [ruritania]", "    about: [vienna-2015]", "claims[0].about[0]", "is an event, not an actor"),
    ("    events: [collapse-2015]", "    events: [collapse]", "claims[0].events[0]", "unknown event"),
    ("    claims: [alpha-talks-2]", "    claims: [alpha-talks-3]", "relations[0].claims[0]", "unknown claim"),
    ("  - between: [ivanov, ruritania]", "  - between: [ivanov, nobody]", "relations[0].between[1]", "unknown actor"),
    ("  - between: [ivanov, ruritania]", "  - between: [ivanov]", "relations[0].between", "exactly 2"),
    ("  - between: [ivanov, ruritania]", "  - between:", "relations[0].between", "must be a list"),
    ("  - between: [ivanov, ruritania]", "  - between: [ivanov, ivanov]", "relations[0].between[1]", "twice"),
])
def test_references_resolve(tmp_path: Path, old: str, new: str, path: str, expect: str) -> None:
    root = make_project(tmp_path, {ALPHA: (old, new)})
    errs = errors_of(root)
    assert any(e.path == path and expect in e.message and e.loc.file == ALPHA for e in errs), errs


def test_reference_location_points_at_the_list_item(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: ("    actors: [ivanov, ruritania]", "    actors: [ivanov, rurit]")})
    e = one_error(root)
    line = line_of(root, ALPHA, "rurit]")
    assert (e.loc.line, e.loc.col) == (line, (root / ALPHA).read_text().splitlines()[line - 1].index("rurit") + 1)


def test_ref_supports_contradicts_affiliation(tmp_path: Path) -> None:
    root = make_project(tmp_path, {
        BETA: ("  - ref: vienna-2015", "  - ref: vienna-2016"),
        ACTORS: ("  affiliation: ruritania", "  affiliation: ruritana"),
    })
    root2 = make_project(tmp_path / "2", {BETA: ("    contradicts: [deal-fell-apart]", "    contradicts: [deal-fell]")})
    root3 = make_project(tmp_path / "3", {BETA: ("    supports: [deal-held]", "    supports: [unshakeable]")})
    msgs = [(e.path, e.message) for e in errors_of(root)]
    assert ("events[0].ref", "unknown event 'vienna-2016' (did you mean 'vienna-2015'?)") in msgs
    assert any(p == "ivanov.affiliation" and "did you mean 'ruritania'?" in m for p, m in msgs)
    assert "claims[0].contradicts[0]" in str(errors_of(root2)[0])
    assert "cannot support itself" in one_error(root3).message


def test_ref_to_own_event_and_double_ref(tmp_path: Path) -> None:
    root = make_project(tmp_path, {BETA: ("  - ref: vienna-2015\n", "  - ref: vienna-2015\n  - ref: vienna-2015\n")})
    assert "reported twice" in one_error(root).message
    root = make_project(tmp_path / "2", {BETA: ("  - ref: vienna-2015", "  - ref: partnership-2016")})
    assert "is defined in this briefing" in one_error(root).message


def test_markdown_links_resolve_with_exact_column(tmp_path: Path) -> None:
    root = make_project(tmp_path, {BETA: ("says [[vlad]]", "says [[vald]]")})
    e = one_error(root)
    assert e.path == "summary" and "[[vald]] links to nothing (did you mean 'vlad'?)" in e.message
    line = (root / BETA).read_text().splitlines()[e.loc.line - 1]
    assert line[e.loc.col - 1:].startswith("[[vald]]")


def test_markdown_links_with_labels_in_every_markdown_field(tmp_path: Path) -> None:
    root = make_project(tmp_path, {
        ALPHA: ("    description: The talks where the deal was made.",
                "    description: See [[nowhere|here]]."),
        ACTORS: ("see [[alpha-talks]]", "see [[alpha-talk]]"),
    })
    errs = {e.path: e.message for e in errors_of(root)}
    assert "[[nowhere]] links to nothing" in errs["events[0].description"]
    assert "did you mean 'alpha-talks'" in errs["ivanov.description"]


def test_duplicate_ids_across_kinds_and_files(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ACTORS: ("vlad:\n", "vienna-2015: {name: V, kind: other}\nvlad:\n")})
    e = errors_of(root)[0]
    assert (e.loc.file, e.path) == (ALPHA, "events[0].id")
    assert "id 'vienna-2015' is already used by an actor at briefings/actors.yml:" in e.message
    root = make_project(tmp_path / "2", {ACTORS: ("vlad:\n", "beta-holds:\n")})
    errs = errors_of(root)
    assert any("'beta-holds' is already used" in e.message for e in errs)


def test_default_claim_ids_do_not_shift_when_a_claim_is_broken(tmp_path: Path) -> None:
    corpus = corpus_of(make_project(tmp_path))
    assert "alpha-talks-2" in corpus.claims and corpus.claims["alpha-talks-2"].by == "ivanov"
    root = make_project(tmp_path / "2", {ALPHA: ("    attribution: our sources\n", "    attribution: [x]\n")})
    errs = errors_of(root)
    assert [e.path for e in errs] == ["claims[0].attribution"]  # no cascade: alpha-talks-2 still resolves


def test_a_broken_record_still_defines_its_id(tmp_path: Path) -> None:
    """A claim with an unknown key is reported, and a second use of its id in the same run, not after the first
    fix."""
    root = make_project(tmp_path, {ALPHA: ("    reliability: F\n", "    reliability: F\n    colour: red\n"),
                                   ACTORS: ("vlad:\n", "deal-fell-apart: {name: D, kind: other}\nvlad:\n")})
    errs = [e for e in errors_of(root) if e.loc.file == ALPHA]
    assert [e.path for e in errs] == ["claims[0].id", "claims[0].colour"], errs
    assert "id 'deal-fell-apart' is already used by an actor" in errs[0].message


def test_a_file_that_does_not_parse_still_defines_its_ids_by_kind(tmp_path: Path) -> None:
    """After a syntax error, the events and claims its lines define still resolve (no cascade of 'unknown id'), as
    what they are: a claim about an event is still told it names an event."""
    root = make_project(tmp_path, {ALPHA: ("title: Alpha talks collapse", "title: [unclosed"),
                                   BETA: ("    events: [partnership-2016]", "    about: [collapse-2015]")})
    errs = errors_of(root)
    assert [e.loc.file for e in errs] == [ALPHA, BETA] and "YAML syntax error" in errs[0].message, errs
    assert errs[1].path == "claims[1].about[0]" and "'collapse-2015' is an event, not an actor" in errs[1].message


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: ("    place: Vienna\n", "    place: Vienna\n    place: Wien\n")})
    e = one_error(root)
    assert e.path == "events[0].place" and "duplicate key 'place'" in e.message
    assert e.loc.line == line_of(root, ALPHA, "place: Wien")


def test_quote_must_appear_in_source_text(tmp_path: Path) -> None:
    root = make_project(tmp_path, {BETA: ("the deal held for weeks, according", "the deal held for months, according")})
    e = one_error(root)
    assert e.path == "claims[0].quote" and "quote not found in seeds/beta.txt" in e.message
    assert "the first 18 characters match" in e.message
    assert e.loc.line == line_of(root, BETA, "held for months")


def test_quote_normalisation_and_span(tmp_path: Path) -> None:
    corpus = corpus_of(make_project(tmp_path))
    claim = corpus.claims["deal-fell-apart"]  # straight quotes and a hyphen against “ ” and –
    text = corpus.briefings["alpha-talks"].source_text
    assert claim.span and text[claim.span[0]:claim.span[1]] == "as “our sources” reveal, the deal fell apart – quickly"


def test_quote_without_source_text(tmp_path: Path) -> None:
    root = make_project(tmp_path, {BETA: ("  text: seeds/beta.txt\n", "")})
    errs = errors_of(root)
    assert {e.path for e in errs} == {"claims[0].quote", "claims[1].quote"}
    assert all("a quote needs the source text" in e.message for e in errs)


def test_source_text_must_exist_and_stay_inside_the_project(tmp_path: Path) -> None:
    root = make_project(tmp_path, {BETA: ("  text: seeds/beta.txt", "  text: seeds/nope.txt")})
    assert any("'seeds/nope.txt' does not exist" in e.message for e in errors_of(root))
    outside = tmp_path / "secret.txt"
    outside.write_text("the deal held for weeks, according to officials in Tehran")
    root = make_project(tmp_path / "2", {BETA: ("  text: seeds/beta.txt", "  text: ../secret.txt")})
    assert any("is outside the project" in e.message for e in errors_of(root))
    root = make_project(tmp_path / "3")
    (root / "seeds" / "link.txt").symlink_to(outside)
    (root / BETA).write_text((root / BETA).read_text().replace("seeds/beta.txt", "seeds/link.txt"))
    assert any("is outside the project" in e.message for e in errors_of(root))


@pytest.mark.parametrize(("value", "expect"), [
    ("2015-02-30", "has no day 30 in Feb 2015"),
    ("2015-13", "has no month 13"),
    ("15-11-2015", "is not a valid date"),
    ("2016-03/2015-01", "ends before it starts"),
    ("next week", "is not a valid date"),
])
def test_dates_are_edtf(tmp_path: Path, value: str, expect: str) -> None:
    root = make_project(tmp_path, {ALPHA: ("    date: 2015-11-14", f"    date: {value}")})
    e = one_error(root)
    assert e.path == "events[0].date" and expect in e.message


def test_all_errors_in_one_run_sorted_by_file_and_line(tmp_path: Path) -> None:
    root = make_project(tmp_path, {
        ALPHA: ("    by: gazette", "    by: nobody"),
        BETA: ("    by: vlad", "    by: nobody2"),
        ACTORS: ("  kind: state", "  kind: country"),
    })
    errs = errors_of(root)
    assert len(errs) == 3
    assert [e.loc.file for e in errs] == sorted(e.loc.file for e in errs)


@pytest.mark.parametrize(("value", "expect"), [
    ("javascript:alert(1)", "is not allowed: write an http(s) URL or an identifier"),
    ("'https://example.org/a\" onclick=\"x'", "'\"' is not allowed in a URL"),
    ("'https://example.org/<script>'", "'<' is not allowed in a URL"),
    ("'https://example.org/a b'", "' ' is not allowed in a URL"),
])
def test_urls_are_checked(tmp_path: Path, value: str, expect: str) -> None:
    root = make_project(tmp_path, {ACTORS: ('homepage: "https://example.org/ivanov"', f"homepage: {value}")})
    e = one_error(root)
    assert e.path == "ivanov.links.homepage" and expect in e.message, str(e)


def test_an_error_in_a_required_field_does_not_hide_the_rest(tmp_path: Path) -> None:
    root = make_project(tmp_path, {BETA: ("  published: 2016-03", "  published: 2016-13")})
    (root / BETA).write_text((root / BETA).read_text().replace("  vlad: Says", "  vladd: Says")
                             .replace("    by: vlad", "    by: vladd"))
    paths = {e.path for e in errors_of(root)}
    assert {"source.published", "actors.vladd", "claims[1].by"} <= paths, paths


def test_a_bad_file_name_still_reads_the_file(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / ALPHA).rename(root / "briefings" / "2015" / "Alpha_Talks.yml")
    errs = errors_of(root)
    assert any("does not give a valid briefing id" in e.message for e in errs)
    # Its explicit ids still count: the other briefing's references to them resolve.
    assert not [e for e in errs if e.loc.file == BETA], errs


def test_nul_in_a_source_path_is_a_located_error(tmp_path: Path) -> None:
    root = make_project(tmp_path, {BETA: ("  text: seeds/beta.txt", '  text: "seeds/\\0beta.txt"')})
    errs = errors_of(root)
    assert any(e.path == "source.text" and "U+0000" in e.message for e in errs), errs  # a control character


@pytest.mark.parametrize(("link", "expect"), [("[[nobody|]]", "[[nobody]] links to nothing"),
                                              ("[[vlad|]]", "has an empty label"), ("[[|vlad]]", "without an id")])
def test_malformed_links_are_reported(tmp_path: Path, link: str, expect: str) -> None:
    root = make_project(tmp_path, {BETA: ("says [[vlad]]", f"says {link}")})
    assert expect in one_error(root).message
