"""Your own corpus: `briefings init` and the sites a new user builds first (no briefing, one briefing, the shipped
project with its corpus replaced), all with real `mkdocs build --strict` runs; and `briefings new`'s warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sitekit import MINI, REPO, briefings_cli, mkdocs_build, output, page, site_pages

from generator.starter import PLACEHOLDER_URL, starter_files

SEED = """Harbour talks stall

Officials said on Monday that the harbour talks had stalled. "We will not sign," the minister said.
"""
# A summary with what could break out of an HTML attribute, and a link that must read as its label.
SUMMARY = '[[example-news]] reports that the talks stalled; the minister says "we will not sign" & <b>won\'t</b>.'
BRIEFING = f"""\
title: Harbour talks stall
source:
  title: Harbour talks stall
  publication: example-news
  published: 2024-05-06
  text: seeds/article.txt
summary: '{SUMMARY.replace("'", "''")}'
actors:
  example-news: Publisher.
claims:
  - text: The harbour talks have stalled.
    by: example-news
    sourcing: publication
    quote: the harbour talks had stalled
    reliability: C
    credibility: 3
"""


def init(tmp_path: Path, *args: str) -> Path:
    project = tmp_path / "gulf-watch"
    r = briefings_cli("init", str(project), *args, cwd=tmp_path)
    assert r.returncode == 0, output(r)
    return project


def build(project: Path, site: Path) -> Path:
    r = mkdocs_build(project, site, "--strict")
    assert r.returncode == 0, f"strict build of {project.name} failed\n{output(r)}"
    assert "WARNING" not in r.stdout + r.stderr, output(r)
    return site


def meta_description(site: Path, url: str) -> str:
    node = page(site, url).root.find("meta", name="description")
    assert node is not None, f"/{url} has no meta description"
    return node.get("content") or ""


# briefings init ----------------------------------------------------------------------------------------------

def test_init_makes_a_project_that_builds_strictly_with_no_briefing(tmp_path: Path) -> None:
    project = init(tmp_path)
    for rel in ("mkdocs.yml", "README.md", ".gitignore", "briefings/actors.yml", "docs/about.md",
                "schema/briefing.schema.json", "schema/actors.schema.json", "schema/corpus.schema.json"):
        assert (project / rel).is_file(), f"init wrote no {rel}"
    assert (project / "seeds").is_dir()
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Gulf watch" and config["site_url"] == PLACEHOLDER_URL
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "briefings check" in readme and "mkdocs serve" in readme and "mkdocs gh-deploy" in readme
    assert "site/" in (project / ".gitignore").read_text(encoding="utf-8").splitlines()

    site = build(project, tmp_path / "site")
    home = page(site, "")
    # An empty corpus: the home page says what to do next instead of showing empty lists.
    assert home.root.by_id("_start") is not None and home.root.by_id("_newest") is None
    assert "briefings new seeds/article.txt" in home.article.text()
    assert {"", "about/", "briefings/", "actors/", "actors/example-news/", "events/", "claims/"} <= set(
        site_pages(site))
    # site_url is set, so the sitemap and canonical links carry real addresses.
    assert f"<loc>{PLACEHOLDER_URL}about/</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert home.root.find("link", rel="canonical").get("href") == PLACEHOLDER_URL  # type: ignore[union-attr]


def test_init_options_set_the_name_and_the_address(tmp_path: Path) -> None:
    project = init(tmp_path, "--name", 'Gulf "Watch"', "--site-url", "https://briefs.example.net/gulf")
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == 'Gulf "Watch"' and config["site_url"] == "https://briefs.example.net/gulf/"
    r = briefings_cli("init", "other", "--site-url", "briefs.example.net", cwd=tmp_path)
    assert r.returncode == 2 and "is not a web address" in r.stderr, output(r)
    assert not (tmp_path / "other").exists()


@pytest.mark.parametrize("content", ["a file", "a folder", "the folder is a file"])
def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, content: str) -> None:
    target = tmp_path / "mine"
    if content == "the folder is a file":
        target.write_text("x")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("keep me") if content == "a file" else (target / "docs").mkdir()
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    r = briefings_cli("init", str(target), cwd=tmp_path)
    assert r.returncode == 2, output(r)
    assert r.stderr.startswith("briefings init: ") and "Traceback" not in r.stderr
    assert "not empty" in r.stderr or "not a folder" in r.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before, "init wrote something"


def test_init_accepts_a_folder_with_only_git(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    r = briefings_cli("init", cwd=tmp_path / "repo")  # DIR defaults to the current folder
    assert r.returncode == 0, output(r)
    assert (tmp_path / "repo" / "mkdocs.yml").is_file()


def test_init_configures_the_site_as_the_shipped_project_is() -> None:
    """Theme (no web fonts, palettes), search separator, strictness and validation: as in our own mkdocs.yml."""
    ours = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    new = yaml.safe_load(starter_files("x")["mkdocs.yml"])
    for key in ("theme", "markdown_extensions", "validation", "strict", "use_directory_urls", "docs_dir", "site_dir"):
        assert new[key] == ours[key], f"init's mkdocs.yml differs from the project's in {key}"
    assert new["plugins"] == ours["plugins"]
    assert new["theme"]["font"] is False


# The first sites a new user builds -------------------------------------------------------------------------------

def test_one_briefing_corpus_builds_strictly(tmp_path: Path) -> None:
    project = init(tmp_path)
    (project / "seeds" / "article.txt").write_text(SEED, encoding="utf-8")
    (project / "briefings" / "harbour-talks-stall.yml").write_text(BRIEFING, encoding="utf-8")
    site = build(project, tmp_path / "site")
    home = page(site, "")
    assert home.root.by_id("_start") is None, "the next-steps section stays once there is a briefing"
    assert "Harbour talks stall" in home.article.text()
    assert {"briefings/harbour-talks-stall/", "sources/harbour-talks-stall/"} <= set(site_pages(site))

    # Each generated page has its own description; a briefing's is its summary as plain words, escaped.
    want = 'Example News reports that the talks stalled; the minister says "we will not sign" & <b>won\'t</b>.'
    assert meta_description(site, "briefings/harbour-talks-stall/") == want
    meta = page(site, "briefings/harbour-talks-stall/").root.one("meta", name="description")
    assert set(meta.attrs) == {"name", "content"}, "the summary's quotes broke out of the attribute"
    urls = ["", "briefings/", "briefings/harbour-talks-stall/", "sources/harbour-talks-stall/", "actors/",
            "actors/example-news/", "events/", "claims/"]
    descriptions = [meta_description(site, u) for u in urls]
    assert len(set(descriptions)) == len(urls), dict(zip(urls, descriptions, strict=True))


def test_the_shipped_project_builds_strictly_with_another_corpus(tmp_path: Path) -> None:
    """The hand-written pages (the guide above all) link only to pages every site has."""
    project = tmp_path / "replaced"
    project.mkdir()
    for name in ("mkdocs.yml", "docs", "templates"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    for name in ("briefings", "seeds"):  # a different corpus: none of the shipped ids
        shutil.copytree(MINI / name, project / name)
    site = build(project, tmp_path / "site")
    guide = page(site, "writing-briefings/")
    assert guide.root.by_id("start-your-own") is not None
    assert "briefings/alpha-talks/" in site_pages(site)
