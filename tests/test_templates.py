"""A project's own templates: a broken override names its file and line (no traceback) in `mkdocs build` and in
`briefings render`, and the plugin's `templates` option. Real builds of the mini project."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import MINI, briefings_cli, copy_project, mkdocs_build, output

HOME = Path(__file__).resolve().parents[1] / "generator" / "templates" / "home.html.j2"
PLAIN = "plugins: [search, briefings]"

# A line slipped in after the home template's front matter: (line, what the error says).
BROKEN = {
    "syntax": ("{% if %}", "template syntax error"),  # caught when Jinja compiles the template
    "render": ("{{ corpus.no_such_field }}", "UndefinedError"),  # only when the page is rendered
}


def _build(project: Path) -> subprocess.CompletedProcess[str]:
    return mkdocs_build(project, project.parent / "site", "--strict")


def _render(project: Path) -> subprocess.CompletedProcess[str]:
    return briefings_cli("render", "--out", str(project.parent / "export"), cwd=project)


def _with_plugin_options(project: Path, options: str) -> Path:
    cfg = project / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    assert PLAIN in text, f"mini's mkdocs.yml no longer configures the plugin as {PLAIN!r}"
    cfg.write_text(text.replace(PLAIN, f"plugins: [search, briefings: {{{options}}}]"), encoding="utf-8")
    return project


@pytest.mark.parametrize("command", [_build, _render], ids=["mkdocs-build", "briefings-render"])
@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_override_names_its_file_and_line(tmp_path: Path, kind: str,
                                                   command: Callable[[Path], subprocess.CompletedProcess[str]]) -> None:
    project = copy_project(MINI, tmp_path / "project")
    lines = HOME.read_text(encoding="utf-8").splitlines(keepends=True)
    end = lines.index("---\n", 1) + 1  # the front matter's closing line
    bad, says = BROKEN[kind]
    override = project / "templates" / "home.html.j2"
    override.parent.mkdir()
    override.write_text("".join([*lines[:end], "\n", bad + "\n", *lines[end:]]), encoding="utf-8")
    proc = command(project)
    assert proc.returncode != 0, output(proc)
    assert f"{override}:{end + 2}:" in proc.stderr, f"the override's path and line {end + 2}\n{output(proc)}"
    assert says in proc.stderr, output(proc)
    assert "Traceback" not in proc.stdout + proc.stderr, output(proc)


def test_a_named_templates_folder_must_exist(tmp_path: Path) -> None:
    project = _with_plugin_options(copy_project(MINI, tmp_path / "project"), "templates: my-templates")
    proc = _build(project)
    assert proc.returncode != 0, output(proc)
    assert f"templates folder {project / 'my-templates'} does not exist" in proc.stderr, output(proc)
    assert "Traceback" not in proc.stdout + proc.stderr, output(proc)
    (project / "my-templates").mkdir()
    assert _build(project).returncode == 0


def test_the_default_templates_folder_may_be_absent_even_when_named(tmp_path: Path) -> None:
    # `briefings init` writes `templates: templates`; the folder holds only changed templates and may be deleted.
    project = _with_plugin_options(copy_project(MINI, tmp_path / "project"), "templates: templates")
    assert not (project / "templates").exists()
    proc = _build(project)
    assert proc.returncode == 0, output(proc)


# A project's page template of the older kind: Markdown, with the helpers and a partial by its older name.
LEGACY_BRIEFING = """---
title: {{ briefing.title | page_title | tojson }}
---
# {{ esc(briefing.title) }}

Our own page. **Summary:** {{ md_inline(briefing.summary) }}

[All events]({{ href(layout.events_index) }}) · [first actor]({{ url(briefing.actors | first) }})

{% for claim in briefing.claims %}
{% include "_claim.md.j2" %}
{% endfor %}
"""


def test_a_markdown_template_of_the_older_kind_still_makes_its_page(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "project")
    (project / "templates").mkdir()
    (project / "templates" / "briefing.md.j2").write_text(LEGACY_BRIEFING, encoding="utf-8")
    proc = _build(project)
    assert proc.returncode == 0, output(proc)
    page = (tmp_path / "site" / "briefings" / "alpha-talks" / "index.html").read_text(encoding="utf-8")
    assert "Our own page. <strong>Summary:</strong>" in page, "its Markdown is converted"
    assert '<a href="../../events/" rel="noopener noreferrer">All events</a>' in page, "its .md links become URLs"
    assert '<a href="../../actors/ivanov/" rel="noopener noreferrer">first actor</a>' in page
    assert 'id="deal-fell-apart"' in page and "The deal fell apart quickly." in page, "the shipped claim partial"
    other = (tmp_path / "site" / "briefings" / "beta-holds" / "index.html").read_text(encoding="utf-8")
    assert "Our own page" in other and 'id="_summary"' not in other


def test_a_partial_of_the_older_kind_is_named_with_the_file_to_copy(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "project")
    (project / "templates").mkdir()
    (project / "templates" / "_claim.md.j2").write_text("Our own claim\n", encoding="utf-8")
    proc = _build(project)
    assert proc.returncode != 0, "a warning: a strict build refuses it"
    assert "_claim.md.j2: the pages are HTML now and include _claim.html.j2 instead" in proc.stderr, output(proc)
    assert "generator/templates/_claim.html.j2 into the folder" in proc.stderr, output(proc)


@pytest.mark.parametrize(("link", "says"), [
    ('<a href="{{ href("nowhere.md") }}">x</a>', "the link 'nowhere/' leads to no page of the site"),
    ('<a href="{{ href(layout.events_index, "no-such-event") }}">x</a>',
     "the link 'events/#no-such-event' leads to no anchor '#no-such-event' on events/index.md"),
])
def test_every_link_of_a_generated_page_is_checked(tmp_path: Path, link: str, says: str) -> None:
    project = copy_project(MINI, tmp_path / "project")
    (project / "templates").mkdir()
    (project / "templates" / "home.html.j2").write_text(HOME.read_text(encoding="utf-8") + link + "\n",
                                                        encoding="utf-8")
    proc = _build(project)
    assert proc.returncode != 0, output(proc)
    assert f"index.md: {says}" in proc.stderr, output(proc)
    assert "Traceback" not in proc.stdout + proc.stderr, output(proc)
