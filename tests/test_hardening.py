"""What an attack review broke, held shut: ids that clash with the theme's, control and direction characters,
reading files that should not be published, unbounded inputs, quadratic suggestions, colliding or torn builds,
and the small ones (see docs/threat-model.md, which names these tests)."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
from corpuskit import ACTORS, BETA, errors_of, make_project
from sitekit import briefings_cli, mkdocs_build, output, site_pages

# 2. Ids, 3. direction: one hostile build -------------------------------------------------------------------

HEADINGS = ("## __config\n\n> # __search\n\nTitle\n===\n\n- ### __drawer\n\n### deal-held\n\n"
            "Sub\n---\n\n[dangling](#nowhere) [relative](../x.md) [[vlad]]")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("ids")
    root = make_project(tmp, {
        ACTORS: ("  name: Vladimir Test", "  name: __config"),
        BETA: ("summary: The deal held, says [[vlad]], contradicting [[deal-fell-apart]].",
               "summary: |\n" + "".join(f"  {line}\n" if line else "\n" for line in HEADINGS.split("\n"))),
    })
    text = (root / ACTORS).read_text(encoding="utf-8").replace("  name: Ali Test", "  name: علی تست (Ali)")
    (root / ACTORS).write_text(text, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    site = tmp / "site"
    proc = mkdocs_build(root, site, "--strict")
    assert proc.returncode == 0, output(proc)  # no strict-mode warning from a fragment or relative link either
    return site


def test_user_text_makes_no_heading_and_no_id(hostile_site: Path) -> None:
    pages = site_pages(hostile_site)
    assert len(pages) > 10
    for url, pg in pages.items():
        ids = Counter(n.get("id") for n in pg.root.iter() if n.get("id"))
        assert not [i for i, n in ids.items() if n > 1], f"/{url}: an id is used twice: {ids.most_common(3)}"
        # The theme's own elements are still the ones with its ids.
        assert pg.root.by_id("__config") is None or pg.root.by_id("__config").tag == "script", url
    beta = pages["briefings/beta-holds/"]
    summary = beta.article.text()
    for shown in ("## __config", "# __search", "### __drawer", "### deal-held", "Title ===", "Sub ---"):
        assert shown in summary, f"{shown!r} is shown as written"
    assert not [h for h in beta.article.iter() if re.fullmatch(r"h[1-6]", h.tag) and "__" in h.text()
                and h.get("id") != "_title"], "no heading from user Markdown"
    hrefs = [a.get("href") for a in beta.article.find_all("a")]
    assert "#nowhere" not in hrefs and not [h for h in hrefs if h and h.endswith("x.md")]


def test_names_are_direction_isolated(hostile_site: Path) -> None:
    pg = site_pages(hostile_site)["briefings/beta-holds/"]
    isolated = [b.text() for b in pg.article.find_all("bdi")]
    assert "علی تست (Ali)" in isolated, isolated
    actor = site_pages(hostile_site)["actors/khamenei-test/"]
    assert actor.article.one("h1").find("bdi") is not None


@pytest.mark.parametrize(("yaml_value", "what"), [
    ('"Vlad\\x7f"', "U+007F"),
    ('"Vlad\\u0085Test"', "U+0085"),
    ('"Vlad\\x1b[31m"', "U+001B"),
    ('"Vladimir \\u202eTset"', "U+202E"),
    ('"Vladimir \\u2066Test"', "U+2066"),
    ('"Vlad\\u2028kind: x"', "U+2028"),
    ('"\\u200b\\u2063\\u200d"', "no visible character"),
    ('"\\u3164 \\u00ad"', "no visible character"),
    ('"\\u0301\\u20dd\\U000e0041"', "no visible character"),  # combining marks and a tag character
])
def test_control_direction_and_invisible_characters_are_located_errors(tmp_path: Path, yaml_value: str,
                                                                        what: str) -> None:
    root = make_project(tmp_path, {ACTORS: ("  name: Vladimir Test", f"  name: {yaml_value}")})
    errs = errors_of(root)
    assert len(errs) == 1 and errs[0].path == "vlad.name" and what in errs[0].message, errs
    assert errs[0].loc.line > 0


@pytest.mark.parametrize("field", ["title: Beta alliance holds", "  attribution: officials in Tehran",
                                   "summary: The deal held, says [[vlad]], contradicting [[deal-fell-apart]]."])
def test_every_text_field_refuses_control_characters(tmp_path: Path, field: str) -> None:
    key, _, value = field.partition(": ")
    root = make_project(tmp_path, {BETA: (field, f'{key}: "{value}\\u009b"')})
    errs = errors_of(root)
    assert len(errs) == 1 and "U+009B" in errs[0].message, errs


def test_right_to_left_text_and_joiners_still_pass(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ACTORS: ("  name: Ali Test", '  name: "سید علی خامنه\u200cای \u200f(Ali)"')})
    assert errors_of(root) == []


# 4. Reading what should not be published ------------------------------------------------------------------

def _source_errors(root: Path, text_path: str, seeds: str = "seeds") -> list[str]:
    beta = root / BETA
    beta.write_text(beta.read_text(encoding="utf-8").replace("  text: seeds/beta.txt", f"  text: {text_path}"),
                    encoding="utf-8")
    from generator.corpus import load_corpus
    from generator.errors import BriefingsError
    try:
        load_corpus(root, seeds=seeds)
    except BriefingsError as e:
        return [f"{err.path}: {err.message}" for err in e.errors]
    return []


@pytest.mark.parametrize("text_path", [".git/config", ".env", "seeds/../.env", "seeds/.draft.txt",
                                       "seeds/.old/beta.txt", "seeds/link-to-git.txt"])
def test_hidden_files_are_never_read(tmp_path: Path, text_path: str) -> None:
    root = make_project(tmp_path)
    secret = "the deal held for weeks, according to officials in Tehran; token=ghp_SECRET"
    for hidden in (".git/config", ".env", "seeds/.draft.txt", "seeds/.old/beta.txt"):
        (root / hidden).parent.mkdir(parents=True, exist_ok=True)
        (root / hidden).write_text(secret)
    (root / "seeds" / "link-to-git.txt").symlink_to(root / ".git" / "config")
    errs = _source_errors(root, text_path, seeds=".")  # even with the whole project allowed
    assert any(e.startswith("source.text: ") and "hidden" in e for e in errs), errs


def test_source_texts_come_from_the_seeds_folder(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "beta.txt").write_text((root / "seeds" / "beta.txt").read_text())
    errs = _source_errors(root, "docs/beta.txt")
    assert any("not in the seeds folder 'seeds'" in e for e in errs), errs
    assert _source_errors(root, "docs/beta.txt", seeds=".") == []


def test_links_out_loops_and_special_files_are_located_errors(tmp_path: Path) -> None:
    for n, (text_path, expect) in enumerate((("seeds/loop.txt", "loop of symbolic links"),
                                             ("seeds/zero.txt", "outside the project"),
                                             ("seeds/pipe.txt", "not a regular file"),
                                             ("seeds", "not a regular file"),
                                             ("/etc/hostname", "outside the project"),
                                             ("seeds/dangling.txt", "symbolic link to a missing file"))):
        root = make_project(tmp_path / str(n))
        (root / "seeds" / "loop.txt").symlink_to(root / "seeds" / "loop.txt")
        (root / "seeds" / "zero.txt").symlink_to("/dev/zero")
        (root / "seeds" / "dangling.txt").symlink_to(root / "seeds" / "gone.txt")
        os.mkfifo(root / "seeds" / "pipe.txt")
        errs = _source_errors(root, text_path)
        assert any(e.startswith("source.text: ") and expect in e for e in errs), (text_path, errs)
    # Briefing files and the registry: a link out of the project is refused, not read.
    root = make_project(tmp_path / "links")
    outside = tmp_path / "outside.yml"
    outside.write_text("gazette: {name: Leaked, kind: media}\n")
    (root / "briefings" / "leak.yml").symlink_to(outside)
    (root / ACTORS).unlink()
    (root / ACTORS).symlink_to(outside)
    msgs = [str(e) for e in errors_of(root)]
    assert any("briefings/leak.yml: this briefing file is outside the project" in m for m in msgs), msgs
    assert any("briefings/actors.yml: the actor registry is outside the project" in m for m in msgs), msgs
    assert not any("Leaked" in m for m in msgs)


def test_hidden_briefing_folders_are_skipped(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "briefings" / ".trash").mkdir()
    (root / "briefings" / ".trash" / "old.yml").write_text("not: [a briefing")
    (root / "briefings" / ".#beta-holds.yml").symlink_to("nobody@host.1234")  # an editor's lock file
    assert errors_of(root) == []


def test_a_symlink_loop_is_not_a_traceback(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "seeds" / "a.txt").symlink_to(root / "seeds" / "b.txt")
    (root / "seeds" / "b.txt").symlink_to(root / "seeds" / "a.txt")
    beta = root / BETA
    beta.write_text(beta.read_text().replace("seeds/beta.txt", "seeds/a.txt"))
    proc = briefings_cli("check", "--root", str(root), cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, output(proc)
    assert "briefings/beta-holds.yml:" in proc.stderr and "loop of symbolic links" in proc.stderr


# 5. Unbounded source texts -------------------------------------------------------------------------------

def test_a_source_text_over_the_limit_is_a_located_error(tmp_path: Path) -> None:
    from generator.loader import MAX_SOURCE_BYTES
    root = make_project(tmp_path)
    with (root / "seeds" / "beta.txt").open("a") as f:
        f.write("x" * MAX_SOURCE_BYTES)
    errs = errors_of(root)
    assert len(errs) == 1 and errs[0].path == "source.text" and "the limit is 5,000,000" in errs[0].message


@pytest.mark.parametrize("unit", ["a\n", "word  ", "w\u2019s\t \n"])
def test_quote_normalisation_is_light_in_memory(unit: str) -> None:
    import tracemalloc

    from generator.quotes import NormalisedText
    text = unit * (200_000 // len(unit)) + "the quoted\n  words \u2014 here"
    tracemalloc.start()
    try:
        normalised = NormalisedText(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Before: three Python lists and a string per whitespace run, some 60 bytes a character of such text.
    assert peak < 14 * len(text), f"{peak / len(text):.1f} bytes a character"
    start, end = normalised.find('the quoted words - here')  # still mapped back exactly
    assert text[start:end] == "the quoted\n  words \u2014 here"


# 6. Bounded "did you mean" ---------------------------------------------------------------------------------

def test_suggestions_compare_a_bounded_number_of_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import difflib

    from generator.errors import MAX_COMPARED
    n = 600
    claims = "".join(f"  - id: c{i}-talks-2015-11-{i % 28 + 1:02d}\n    text: T.\n    by: vlad\n"
                     f"    sourcing: named\n    supports: [c{i}-talk-2015-11-{i % 28 + 1:02d}]\n" for i in range(n))
    root = make_project(tmp_path)
    beta = root / BETA
    text = beta.read_text(encoding="utf-8")
    beta.write_text(text[:text.index("relations:")].replace("claims:\n", "claims:\n" + claims, 1), encoding="utf-8")
    compared = 0
    real = difflib.SequenceMatcher.set_seq1

    def counting(self: difflib.SequenceMatcher, a: str) -> None:
        nonlocal compared
        compared += 1
        real(self, a)

    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq1", counting)
    errs = [e for e in errors_of(root) if "unknown claim" in e.message]
    assert len(errs) == n
    # Before: every unknown id against every claim id, n * n comparisons.
    assert compared <= n * (MAX_COMPARED + 1), compared  # + 1: the matcher set up once per call
    assert all(f"did you mean 'c{i}-talks-2015-11-{i % 28 + 1:02d}'" in errs[i].message for i in (0, 77, n - 1)), \
        errs[77].message


# 10. Small ones: render --out inside docs/, `new` on devices, pipes and links -------------------------------------

@pytest.mark.parametrize("out", ["docs/export", "docs", "seeds/out", "briefings/x"])
def test_render_out_inside_an_input_folder_is_refused(tmp_path: Path, out: str) -> None:
    root = make_project(tmp_path)
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "guide.md").write_text("# Guide\n")
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    proc = briefings_cli("render", "--out", out, cwd=root)
    assert proc.returncode != 0 and "must not be inside" in proc.stderr and "Traceback" not in proc.stderr, \
        output(proc)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before, "nothing written"


def test_render_out_inside_the_project_but_outside_docs_still_works(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "docs").mkdir(exist_ok=True)
    proc = briefings_cli("render", "--out", "export", cwd=root)
    assert proc.returncode == 0, output(proc)
    assert not (root / "export" / "docs" / "export").exists()


@pytest.mark.parametrize(("source", "expect"), [("/dev/zero", "outside the project"),
                                                ("seeds/pipe.txt", "not a regular file"),
                                                ("seeds/zero.txt", "outside the project"),
                                                (".env", "hidden")])
def test_new_reads_only_regular_project_files(tmp_path: Path, source: str, expect: str) -> None:
    root = make_project(tmp_path)
    os.mkfifo(root / "seeds" / "pipe.txt")
    (root / "seeds" / "zero.txt").symlink_to("/dev/zero")
    (root / ".env").write_text("TOKEN=secret\n")
    proc = briefings_cli("new", source, cwd=root)  # would read forever, or hang, before
    assert proc.returncode == 1 and expect in proc.stderr and "Traceback" not in proc.stderr, output(proc)


def test_new_does_not_write_through_a_link(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "seeds" / "gamma.txt").write_text("Gamma talks\n\nBody.\n")
    outside = tmp_path / "outside.yml"
    (root / "briefings" / "gamma-talks.yml").symlink_to(outside)  # dangling: its target does not exist yet
    proc = briefings_cli("new", "seeds/gamma.txt", cwd=root)
    assert proc.returncode == 1 and "symbolic link" in proc.stderr, output(proc)
    assert not outside.exists()


def test_an_id_cannot_take_the_place_of_an_index_page(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ACTORS: ("gazette:", "index:")})
    errs = errors_of(root)
    assert any(e.path == "index" and "'index' is reserved" in e.message for e in errs), errs
    root = make_project(tmp_path / "2")
    (root / BETA).rename(root / "briefings" / "index.yml")
    errs = errors_of(root)
    assert any(e.loc.file == "briefings/index.yml" and "'index' is reserved" in e.message for e in errs), errs


def test_render_that_cannot_write_is_a_clear_error(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "docs").mkdir(exist_ok=True)
    (tmp_path / "out").symlink_to("/dev/full")  # not a folder: making the output folder fails
    proc = briefings_cli("render", "--out", str(tmp_path / "out" / "x"), cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "briefings render:" in proc.stderr, \
        output(proc)
