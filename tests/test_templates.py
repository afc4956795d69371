"""A project's own templates: a broken override names its file and line (no traceback) in `mkdocs build` and in
`briefings render`, and the plugin's `templates` option. Real builds of the mini project."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import MINI, briefings_cli, copy_project, mkdocs_build, output

HOME = Path(__file__).resolve().parents[1] / "generator" / "templates" / "home.md.j2"
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
    override = project / "templates" / "home.md.j2"
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
