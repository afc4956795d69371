"""A project's own templates: a broken override names its file and line (no traceback) in `mkdocs build` and in
`briefings render`, and the plugin's `templates` option. Real builds of the mini project."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sitekit import MINI, copy_project, mkdocs_build, output

PLAIN = "plugins: [search, briefings]"

def _build(project: Path) -> subprocess.CompletedProcess[str]:
    return mkdocs_build(project, project.parent / "site", "--strict")


def _with_plugin_options(project: Path, options: str) -> Path:
    cfg = project / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    assert PLAIN in text, f"mini's mkdocs.yml no longer configures the plugin as {PLAIN!r}"
    cfg.write_text(text.replace(PLAIN, f"plugins: [search, briefings: {{{options}}}]"), encoding="utf-8")
    return project


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
