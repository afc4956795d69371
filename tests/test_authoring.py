"""From an article to a published briefing: `briefings new` and its options, drafts (left out of builds, checked,
bannered under serve), and the skeleton's placeholders as located errors outside drafts."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpuskit import ALPHA, BETA, errors_of, line_of, make_project
from sitekit import briefings_cli, mkdocs_build, output, page

from generator.corpus import check_corpus, load_corpus
from generator.errors import BriefingsError
from generator.scaffold import headline_problem

HAMADAN = ("Russian bombers fly from Iran's Hamadan base\n\n"
           "MOSCOW (Reuters) - Russian long-range bombers flew from Iran on Tuesday.\n")
PARAGRAPH = ("Les chasseurs-bombardiers russes continuent d'utiliser la base de Hamedan, a confirmé dimanche le "
             "président du Parlement iranien, Ali Larijani, au lendemain de déclarations contradictoires du "
             "ministère iranien des Affaires étrangères sur le sujet.\n\nSuite du texte.\n")


def test_new_with_every_option_writes_a_draft_that_checks(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "seeds" / "hamadan.txt").write_text(HAMADAN, encoding="utf-8")
    r = briefings_cli("new", "seeds/hamadan.txt", "--id", "hamadan-bombers-2016-08", "--title",
                      "Russian bombers use Iranian base", "--publication", "gazette", "--published", "2016-08-16",
                      "--lang", "en-GB", cwd=root)
    assert r.returncode == 0, output(r)
    path = root / "briefings" / "hamadan-bombers-2016-08.yml"
    assert f"wrote {Path('briefings/hamadan-bombers-2016-08.yml')}" in r.stdout or str(path) in r.stdout
    text = path.read_text(encoding="utf-8")
    for line in ("draft: true", 'title: "Russian bombers use Iranian base"', "publication: gazette",
                 'published: "2016-08-16"', "lang: en-GB", "text: seeds/hamadan.txt", "gazette: \"TODO"):
        assert line in text, line
    assert r.stderr == "", "every option given: nothing to warn about"
    # A fresh skeleton with its facts filled in is a valid draft: its TODOs are allowed there.
    r = briefings_cli("check", cwd=root)
    assert r.returncode == 0, output(r)
    assert "3 briefings (1 draft, left out of builds)" in r.stdout
    corpus = load_corpus(root, include_drafts=False)
    assert "hamadan-bombers-2016-08" not in corpus.briefings
    assert corpus.drafts_left_out == ["hamadan-bombers-2016-08"]


def test_new_takes_the_headline_from_a_headline_only(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "seeds" / "larijani.txt").write_text(PARAGRAPH, encoding="utf-8")
    r = briefings_cli("new", "seeds/larijani.txt", cwd=root)
    assert r.returncode == 0, output(r)
    assert "does not look like a headline (it is 247 characters long)" in r.stderr
    assert "pass --title" in r.stderr and "pass --id" in r.stderr
    text = (root / "briefings" / "larijani.yml").read_text(encoding="utf-8")
    assert "title: \"TODO: the article's own headline\"" in text and "Ali Larijani" not in text
    # With a headline given, the id comes from it.
    r = briefings_cli("new", "seeds/larijani.txt", "--title", "L'Iran confirme : la base de Hamedan", cwd=root)
    assert r.returncode == 0 and r.stderr == "", output(r)
    assert (root / "briefings" / "l-iran-confirme-la-base-de-hamedan.yml").is_file()


@pytest.mark.parametrize(("line", "problem"), [
    ("Russian bombers fly from Iran's Hamadan base", None),
    ("Iran: the base is ours...", None),
    ("Russia used the base.", "full stop"),
    ("word " * 30, "30 words"),
    ("x" * 151, "151 characters"),
])
def test_what_looks_like_a_headline(line: str, problem: str | None) -> None:
    got = headline_problem(line.strip())
    assert got is None if problem is None else problem in (got or ""), got


@pytest.mark.parametrize(("args", "expect"), [
    (["--id", "Hamadan Base"], "--id 'Hamadan Base' is not a valid id"),
    (["--published", "16 Aug 2016"], "--published:"),
    (["--lang", "english!"], "--lang 'english!' is not a language tag"),
    (["--publication", "The Gazette"], "--publication 'The Gazette' is not a valid id"),
])
def test_new_refuses_bad_options_and_writes_nothing(tmp_path: Path, args: list[str], expect: str) -> None:
    root = make_project(tmp_path)
    (root / "seeds" / "hamadan.txt").write_text(HAMADAN, encoding="utf-8")
    before = sorted((root / "briefings").rglob("*.yml"))
    r = briefings_cli("new", "seeds/hamadan.txt", *args, cwd=root)
    assert r.returncode == 1 and expect in r.stderr and "Traceback" not in r.stderr, output(r)
    assert sorted((root / "briefings").rglob("*.yml")) == before


def test_new_warns_of_an_id_in_another_folder_and_of_an_unknown_publication(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "seeds" / "hamadan.txt").write_text(HAMADAN, encoding="utf-8")
    r = briefings_cli("new", "seeds/hamadan.txt", "--id", "alpha-talks", "--publication", "reuters", cwd=root)
    assert r.returncode == 0, output(r)
    assert "the id 'alpha-talks' exists already at briefings/2015/alpha-talks.yml" in r.stderr
    assert "'reuters' is not in briefings/actors.yml yet" in r.stderr
    assert (root / "briefings" / "alpha-talks.yml").is_file()
    r = briefings_cli("new", "seeds/hamadan.txt", "--id", "ivanov", cwd=root)
    assert r.returncode == 0 and "'ivanov' is an actor's id in briefings/actors.yml" in r.stderr, output(r)


# Placeholders ------------------------------------------------------------------------------------------------

def test_a_placeholder_left_in_a_published_briefing_is_a_located_error(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: [("title: Alpha talks collapse", 'title: "TODO: the bottom line"'),
                                           ("  - Unnamed sources only.", "  - TODO")]})
    errs = errors_of(root)
    assert [(e.path, e.loc.line, e.loc.col) for e in errs] == [
        ("title", line_of(root, ALPHA, "title: \"TODO"), 8), ("key_points[1]", line_of(root, ALPHA, "  - TODO"), 5)]
    assert all("placeholder 'TODO' left from `briefings new`" in e.message for e in errs)
    r = briefings_cli("check", cwd=root)
    assert r.returncode == 1 and f"{ALPHA}:{errs[0].loc.line}:8: title: placeholder" in r.stderr, output(r)


def test_placeholders_are_allowed_in_drafts(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: [("title: Alpha talks collapse", 'draft: true\ntitle: "TODO: bottom line"'),
                                           ("  - Unnamed sources only.", "  - TODO")]})
    assert errors_of(root) == []


def test_a_placeholder_in_an_invalid_value_is_reported_once(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: ("  publication: gazette", "  publication: TODO-publication-id")})
    [e] = errors_of(root)
    assert e.path == "source.publication" and "not a valid id" in e.message


# Drafts -----------------------------------------------------------------------------------------------------

GAMMA = """\
draft: true
title: Gamma is a draft
source: {title: Gamma, publication: gazette, published: 2016-08-16}
summary: "TODO: a summary"
actors: {vlad: Speaks.}
events:
  - {id: gamma-event, date: 2016-08-16, title: Bombers at Hamadan}
claims:
  - {id: gamma-claim, text: Bombers flew., by: vlad, sourcing: named}
"""
GAMMA_FILE = "briefings/gamma-draft.yml"


def draft_project(tmp_path: Path, cite: bool) -> Path:
    edits: dict = {GAMMA_FILE: GAMMA}
    if cite:  # a published briefing that refers to what only the draft defines
        edits[BETA] = [("    events: [partnership-2016]", "    events: [partnership-2016, gamma-event]"),
                       ("summary: The deal held", "summary: See [[gamma-claim]]. The deal held")]
    return make_project(tmp_path, edits)


def test_a_draft_is_left_out_of_what_a_build_publishes(tmp_path: Path) -> None:
    root = draft_project(tmp_path, cite=False)
    everything = load_corpus(root)
    assert everything.drafts == ["gamma-draft"] and "gamma-event" in everything.events
    published = load_corpus(root, include_drafts=False)
    assert "gamma-draft" not in published.briefings and "gamma-event" not in published.events
    assert "gamma-claim" not in published.claims and published.drafts_left_out == ["gamma-draft"]


def test_a_reference_to_what_only_a_draft_defines_names_the_draft(tmp_path: Path) -> None:
    root = draft_project(tmp_path, cite=True)
    load_corpus(root)  # previewed with its drafts: fine
    with pytest.raises(BriefingsError) as info:
        load_corpus(root, include_drafts=False)
    errs = info.value.errors
    assert [(e.loc.file, e.path) for e in errs] == [(BETA, "summary"), (BETA, "claims[1].events[1]")]
    assert all("defined in draft briefing 'gamma-draft'" in e.message and "publish it (draft: false)" in e.message
               for e in errs)
    assert errs[1].loc.line == line_of(root, BETA, "gamma-event")
    with pytest.raises(BriefingsError) as checked:  # check says so before a build does
        check_corpus(root)
    assert {str(e) for e in checked.value.errors} == {str(e) for e in errs}


def test_a_drafts_own_errors_do_not_stop_a_build_but_check_reports_them(tmp_path: Path) -> None:
    root = make_project(tmp_path, {GAMMA_FILE: GAMMA.replace("by: vlad", "by: vladd")})
    assert "gamma-draft" not in load_corpus(root, include_drafts=False).briefings
    with pytest.raises(BriefingsError) as info:
        check_corpus(root)
    assert "unknown actor 'vladd'" in str(info.value.errors[0])


def test_mkdocs_build_leaves_drafts_out_and_says_so(tmp_path: Path) -> None:
    root = draft_project(tmp_path, cite=False)
    site = tmp_path / "site"
    r = mkdocs_build(root, site)
    assert r.returncode == 0, output(r)
    assert "1 draft left out" in r.stderr
    assert not (site / "briefings" / "gamma-draft").exists()
    assert "Gamma is a draft" not in page(site, "briefings/").article.text()
    broken = draft_project(tmp_path / "b", cite=True)
    r = mkdocs_build(broken, tmp_path / "site-b")
    assert r.returncode == 1 and "defined in draft briefing 'gamma-draft'" in r.stderr, output(r)
    assert f"{BETA}:" in r.stderr


def test_briefings_render_leaves_drafts_out(tmp_path: Path) -> None:
    root = draft_project(tmp_path, cite=False)
    r = briefings_cli("render", "--out", str(tmp_path / "out"), cwd=root)
    assert r.returncode == 0, output(r)
    docs = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.md")}
    assert any(p.startswith("docs/briefings/beta-holds") for p in docs), sorted(docs)
    assert not any("gamma" in p for p in docs), sorted(docs)


def test_an_unquoted_link_in_a_list_item_says_to_quote_it(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: ('  - "[[ivanov]] said no."', "  - [[ivanov]]")})
    [e] = errors_of(root)
    assert e.path == "key_points[0]" and "quote it: - '[[ivanov]]'" in e.message, str(e)


def test_mkdocs_serve_shows_a_draft_with_its_banner(tmp_path: Path) -> None:
    import subprocess
    import sys

    from sitekit import ENV, ensure_docs_dir
    from test_serve import _free_port, _get, _wait

    root = draft_project(tmp_path, cite=False)
    ensure_docs_dir(root)
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
                                env=ENV, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/briefings/gamma-draft/"
        assert _wait(lambda: "Gamma is a draft" in (_get(url) or "")), log.read_text()
        html = _get(url) or ""
        assert 'class="bf-draft"' in html and "<strong>Draft.</strong>" in html
        published = _get(f"http://127.0.0.1:{port}/briefings/beta-holds/") or ""
        assert "Beta alliance holds" in published and "bf-draft" not in published
        assert "draft left out" not in log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
