"""`mkdocs serve` as a user runs it: a broken edit shows located errors while the last good build keeps being
served, and fixing the edit brings the site back, updated."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sitekit import ENV, MINI, copy_project

BETA = "briefings/beta-holds.yml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode()
    except OSError:
        return None


def _wait(predicate, seconds: float = 60) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.5)
    return False


@contextmanager
def serving(tmp_path: Path, *flags: str, templates: dict[str, str] | None = None) -> Iterator[tuple[Path, int, Path]]:
    """A real `mkdocs serve` of a copy of the mini project, with `templates` (name -> text) as its own templates:
    (project, port, log file), stopped afterwards as a service manager stops it (SIGTERM). Its temporary files go
    to `tmp_path / "tmp"`."""
    project = copy_project(MINI, tmp_path / "project")
    for name, text in (templates or {}).items():
        (project / "templates").mkdir(exist_ok=True)
        (project / "templates" / name).write_text(text, encoding="utf-8")
    port = _free_port()
    log = tmp_path / "serve.log"
    (tmp_path / "tmp").mkdir()
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", *flags, "-a", f"127.0.0.1:{port}",
                                 "--livereload"], cwd=project, env={**ENV, "TMPDIR": str(tmp_path / "tmp")},
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        yield project, port, log
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_survives_a_broken_edit_and_recovers(tmp_path: Path) -> None:
    with serving(tmp_path) as (project, port, log):
        url = f"http://127.0.0.1:{port}/briefings/beta-holds/"
        assert _wait(lambda: (_get(url) or "").find("Beta alliance holds") >= 0), log.read_text()
        beta = project / BETA
        good = beta.read_text()
        beta.write_text(good.replace("    by: vlad", "    by: vladd"))
        assert _wait(lambda: "did you mean 'vlad'" in log.read_text()), log.read_text()
        assert "briefings/beta-holds.yml:" in log.read_text()
        stale = _wait(lambda: "This preview is stale" in (_get(url) or ""))
        assert stale, "the last good build must still be served, marked stale"
        assert "Beta alliance holds" in (_get(url) or "")
        beta.write_text(good.replace("title: Beta alliance holds", "title: Beta alliance still holds"))
        assert _wait(lambda: "Beta alliance still holds" in (_get(url) or "")), log.read_text()[-3000:]
        assert "Traceback" not in log.read_text()


def test_a_projects_own_stale_banner(tmp_path: Path) -> None:
    """The stale banner is a template like the pages': a project's own shows, escaped; a broken one is a located
    error, and the last good pages are still served."""
    own = ('<div class="bf-stale"><p>Our own notice: {{ errors | length }}; {{ errors[0].message | esc }}</p>\n'
           "</div>\n\n")
    with serving(tmp_path, templates={"stale-banner.html.j2": own}) as (project, port, log):
        url = f"http://127.0.0.1:{port}/briefings/beta-holds/"
        assert _wait(lambda: "Beta alliance holds" in (_get(url) or "")), log.read_text()
        beta = project / BETA
        beta.write_text(beta.read_text().replace("    by: vlad", '    by: "x**vl**"'))
        assert _wait(lambda: "Our own notice: 1;" in (_get(url) or "")), log.read_text()[-3000:]
        assert "x**vl**" in (_get(url) or ""), "the message is escaped: its ** show, as written"
        (project / "templates" / "stale-banner.html.j2").write_text("{{ nope }}\n", encoding="utf-8")
        assert _wait(lambda: "stale-banner.html.j2:1:1: template error" in log.read_text()), log.read_text()[-3000:]
        assert _wait(lambda: "Our own notice" not in (_get(url) or "Our own notice")), log.read_text()[-3000:]
        assert "Beta alliance holds" in (_get(url) or ""), "the last good page, without a banner"
        assert "Traceback" not in log.read_text()


def test_serve_survives_a_strict_mode_warning(tmp_path: Path) -> None:
    """A warning that makes a strict build abort (a broken link in a hand-written page) must not leave every
    request waiting: the preview is served, each page marked, and a fix clears the mark."""
    with serving(tmp_path) as (project, port, log):
        url = f"http://127.0.0.1:{port}/briefings/beta-holds/"
        assert _wait(lambda: (_get(url) or "").find("Beta alliance holds") >= 0), log.read_text()
        notes = project / "docs" / "notes.md"
        notes.write_text("# Notes\n\nSee [the missing page](missing.md).\n")
        assert _wait(lambda: "strict mode would abort" in log.read_text()), log.read_text()[-3000:]
        notes_url = f"http://127.0.0.1:{port}/notes/"
        assert _wait(lambda: "would fail a strict build" in (_get(notes_url) or "")), log.read_text()[-3000:]
        assert "missing.md" in (_get(notes_url) or "")
        assert "Beta alliance holds" in (_get(url) or ""), "every page is still served"
        notes.write_text("# Notes\n\nSee [the briefings](briefings/index.md).\n")
        assert _wait(lambda: "would fail a strict build" not in (_get(notes_url) or "x would fail a strict build"))
        assert "Traceback" not in log.read_text()


def test_dirty_serve_rebuilds_only_what_an_edit_changes(tmp_path: Path) -> None:
    """`make serve` (`mkdocs serve --dirty`): an edit's page is updated without a full rebuild, the log says how
    many pages were rebuilt, the search index has the edit, and a broken edit then its fix come through."""
    with serving(tmp_path, "--dirty") as (project, port, log):
        root = f"http://127.0.0.1:{port}/"
        url = root + "briefings/beta-holds/"
        assert _wait(lambda: "Beta alliance holds" in (_get(url) or "")), log.read_text()
        first = re.findall(r"briefings: (\d+) of (\d+) pages rebuilt", log.read_text())
        assert first and first[0][0] == first[0][1], "the first build builds every page"
        beta = project / BETA
        beta.write_text(beta.read_text().replace("title: Beta alliance holds", "title: Beta alliance still holds"))
        assert _wait(lambda: "Beta alliance still holds" in (_get(url) or "")), log.read_text()[-3000:]
        assert _wait(lambda: len(re.findall(r"pages rebuilt", log.read_text())) >= 2), log.read_text()[-3000:]
        rebuilt, total = map(int, re.findall(r"briefings: (\d+) of (\d+) pages rebuilt", log.read_text())[1])
        time.sleep(1.5)  # MkDocs' polling sees the save too, within half a second of the native observer
        assert log.read_text().count("Detected file changes") == 1, "one save, one rebuild"
        assert 0 < rebuilt < total, f"{rebuilt} of {total} pages rebuilt for a title edit"
        assert "Beta alliance still holds" in (_get(root + "search/search_index.json") or "")
        alpha = project / "briefings" / "2015" / "alpha-talks.yml"
        assert _get(root + "briefings/alpha-talks/") is not None
        alpha.rename(project / "alpha-talks.yml.off")  # out of the briefings folder: beta's links to it break
        assert _wait(lambda: "This preview is stale" in (_get(url) or "")), log.read_text()[-3000:]
        (project / "alpha-talks.yml.off").rename(alpha)
        assert _wait(lambda: "This preview is stale" not in (_get(url) or "")), log.read_text()[-3000:]
        assert "Traceback" not in log.read_text()
        assert "A 'dirty' build" not in log.read_text(), "the plugin makes dirty builds exact: no warning"
    left = list((tmp_path / "tmp").iterdir())
    assert not left, f"stopped by SIGTERM, serve must delete its temporary site and page cache: {left}"
