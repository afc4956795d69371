"""The plugin in any MkDocs project: the package built as a wheel and installed (not editable) into a fresh venv
brings its templates and stylesheet, and a project with no templates/ builds; one overridden template shows."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from sitekit import ENV, REPO, TIMEOUT, output, page

PACKAGE_TEMPLATES = REPO / "generator" / "templates"


def run(args: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=TIMEOUT,
                          check=False)
    assert proc.returncode == 0, output(proc)
    return proc


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv with the package installed from a wheel; its dependencies are the test venv's, on a path
    file, so no download is needed (that folder's own .pth files, the editable install among them, are not
    run: Python runs .pth files only in site folders)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # only what the sdist has: a stray file in the worktree cannot make the test pass
    src.mkdir()
    shutil.copy(REPO / "pyproject.toml", src)
    shutil.copy(REPO / "README.md", src)
    shutil.copytree(REPO / "generator", src / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", tmp / "dist", src], cwd=tmp)
    wheel = next((tmp / "dist").glob("briefings-*.whl"))
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("generator/templates/")}
    want = {f"generator/templates/{p.name}" for p in PACKAGE_TEMPLATES.iterdir() if p.is_file()}
    assert want <= shipped, f"the wheel lacks {sorted(want - shipped)}"

    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel],
        cwd=tmp)
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp)
                   .stdout.strip())
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "test-deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    where = run([python, "-c", "import generator.render as r; print(r.DEFAULT_TEMPLATES)"], cwd=tmp).stdout.strip()
    assert Path(where).is_relative_to(purelib), f"generator was imported from {where}, not the wheel"
    return venv


def test_a_project_without_templates_builds_with_the_packaged_ones(fresh_venv: Path, tmp_path: Path) -> None:
    run([fresh_venv / "bin" / "briefings", "init", "project"], cwd=tmp_path)  # the wheel's own command
    project = tmp_path / "project"
    shutil.rmtree(project / "templates")
    run([fresh_venv / "bin" / "python", "-m", "mkdocs", "build", "--strict", "-d", tmp_path / "site"], cwd=project)
    home = page(tmp_path / "site", "")
    assert home.root.by_id("_start") is not None, "the package's home template made the home page"
    css = tmp_path / "site" / "stylesheets" / "briefings.css"
    assert css.read_text(encoding="utf-8") == (PACKAGE_TEMPLATES / "briefings.css").read_text(encoding="utf-8")
    assert any((link.get("href") or "").endswith("stylesheets/briefings.css") for link in home.root.find_all("link"))
    assert (tmp_path / "site" / "data" / "corpus.json").is_file()


def test_one_overridden_template_shows_and_the_others_stay(fresh_venv: Path, tmp_path: Path) -> None:
    run([fresh_venv / "bin" / "briefings", "init", "project"], cwd=tmp_path)
    project = tmp_path / "project"
    home = (PACKAGE_TEMPLATES / "home.html.j2").read_text(encoding="utf-8")
    (project / "templates" / "home.html.j2").write_text(home + "\nThis home page is our own.\n", encoding="utf-8")
    run([fresh_venv / "bin" / "python", "-m", "mkdocs", "build", "--strict", "-d", tmp_path / "site"], cwd=project)
    site = tmp_path / "site"
    assert "This home page is our own." in page(site, "").article.text()
    assert "This home page is our own." not in page(site, "actors/").article.text()
    assert page(site, "actors/example-news/").article.find("h1") is not None, "the default actor page is built"
