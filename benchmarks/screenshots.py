"""Screenshots for a human eye (nothing here is checked; the tests check what a reader would notice): the mini
site's briefing and actor pages, its pictures at a desktop and a phone width with JavaScript off, and the shipped
project's claims filter read from disk (`make offline`), light and dark.

    make screenshots        # or: .venv/bin/python benchmarks/screenshots.py [--out /tmp/briefings-shots]

Needs the test extra (Playwright's Python package; `make test` installs it) and Debian's Chromium (`make
chromium`); the sites are built into a temporary folder, the mini one served from 127.0.0.1.
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from sitekit import CHROMIUM, CHROMIUM_ARGS, MINI, copy_project, mkdocs_build, output, run  # noqa: E402

PAGES = {"briefing": "briefings/alpha-talks/", "actor": "actors/ivanov/"}  # whole pages, 1280 px wide
PICTURES = ["events/", "actors/vlad/"]  # the first figure of each, with JavaScript off
FILTER = "?rel=F&sourcing=anonymous"  # the claims appendix filtered, read from file://
WIDTHS = [1280, 390]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _build(tmp: Path) -> tuple[Path, Path]:
    """The mini site and the shipped project's offline site, both built strictly."""
    mini = tmp / "mini-site"
    proc = mkdocs_build(copy_project(MINI, tmp / "mini"), mini, "--strict")
    offline = tmp / "site-offline"
    proc2 = run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs-offline.yml"),
                 "-d", str(offline)], cwd=REPO)
    for p in (proc, proc2):
        if p.returncode != 0:
            raise SystemExit(f"a build failed\n{output(p)}")
    return mini, offline


def shoot(out: Path) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="briefings-shots-") as tmp:
        mini, offline = _build(Path(tmp))
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(mini)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                for name, url in PAGES.items():
                    page.goto(base + url)
                    shots.append(out / f"{name}.png")
                    page.screenshot(path=str(shots[-1]), full_page=True)
                ctx.close()
                for width in WIDTHS:
                    ctx = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
                    page = ctx.new_page()
                    for url in PICTURES:
                        page.goto(base + url)
                        shots.append(out / f"pictures-{url.strip('/').replace('/', '-')}-{width}.png")
                        page.locator("figure.bf-figure").first.screenshot(path=str(shots[-1]))
                    ctx.close()
                for width in WIDTHS:
                    for scheme in ("light", "dark"):
                        ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
                        page = ctx.new_page()
                        page.goto((offline / "claims" / "index.html").as_uri() + FILTER)
                        expect(page.locator(".bf-filter-status")).to_contain_text("claims match")
                        shots.append(out / f"claims-F-anonymous-{width}-{scheme}.png")
                        page.screenshot(path=str(shots[-1]))
                        ctx.close()
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/briefings-shots"), help="folder for the PNG files")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: `make chromium` installs Debian's (no browser is downloaded)")
    for shot in shoot(args.out):
        print(shot)


if __name__ == "__main__":
    main()
