"""Build synthetic corpora at several sizes, with our plugin and as the floor, and report.

    .venv/bin/python benchmarks/run.py [--sizes 100 300 1000 3000] [--out benchmarks/out]

Per N: wall time and peak memory of `mkdocs build` (each build in its own process), pages, largest page,
site size, search-index size, the generator's own seconds (load = read + validate + link, render,
sanitize, links = the link check) against MkDocs's, and the floor: the same pages pre-rendered by
`briefings render` and built with the plugin off (MkDocs then reads their HTML as raw HTML in Markdown;
the plugin hands it over as the page, so a build with it can be faster than the floor).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

CONFIG = """site_name: Synthetic {n}
theme: {{name: material, font: false}}
docs_dir: docs
plugins:
  - search
  - briefings
markdown_extensions: [attr_list, md_in_html, tables, admonition, {{toc: {{permalink: true}}}}]
nav:
  - Home: index.md
  - Briefings: briefings/index.md
  - Actors: actors/index.md
  - Events: events/index.md
  - Claims: claims/index.md
"""

BUILD_ONE = """
import json, resource, sys, time, logging
from mkdocs.commands.build import build
from mkdocs.config import load_config
logging.disable(logging.INFO)
t0 = time.perf_counter()
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="build", dirty=False)
build(config)
wall = time.perf_counter() - t0
plugin = config.plugins.get("briefings")
print(json.dumps({"wall": wall, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "timings": getattr(plugin, "timings", {}) if plugin else {}}))
"""


def build(config: Path, site: Path) -> dict:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    r = subprocess.run([sys.executable, "-c", BUILD_ONE, str(config), str(site)], capture_output=True, text=True,
                       env=env, cwd=config.parent)
    if r.returncode:
        raise SystemExit(f"build of {config} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def site_stats(site: Path) -> dict:
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    sizes = [p.stat().st_size for p in pages]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    # The index and, where a build has moved them beside it, its entries (generator/searchindex.py).
    index = [site / "search" / "search_index.json", site / "search" / "docs.json"]
    return {"pages": len(pages), "largest_kb": max(sizes) / 1024, "site_mb": total / 2**20,
            "search_mb": sum(p.stat().st_size for p in index if p.exists()) / 2**20}


def run(n: int, out: Path) -> dict:
    from generator.export import export_site

    project = out / f"n{n}"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(n), str(project), "--force"], check=True,
                   capture_output=True)
    make_s = time.perf_counter() - t0
    (project / "mkdocs.yml").write_text(CONFIG.format(n=n))
    ours = build(project / "mkdocs.yml", out / f"site-n{n}")
    floor_dir = out / f"floor-n{n}"
    export_site(project, floor_dir)
    floor = build(floor_dir / "mkdocs.yml", out / f"site-floor-n{n}")
    t = ours["timings"]
    generator_s = t.get("load", 0) + t.get("render", 0) + t.get("sanitize", 0) + t.get("links", 0)
    return {"n": n, "make_corpus_s": make_s, "wall_s": ours["wall"], "peak_mb": ours["maxrss_mb"],
            **site_stats(out / f"site-n{n}"), "load_s": t.get("load", 0), "render_s": t.get("render", 0),
            "sanitize_s": t.get("sanitize", 0), "links_s": t.get("links", 0), "generator_s": generator_s,
            "mkdocs_s": ours["wall"] - generator_s,
            "generator_share": generator_s / ours["wall"], "floor_s": floor["wall"],
            "floor_peak_mb": floor["maxrss_mb"], "vs_floor": ours["wall"] / floor["wall"]}


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read().decode()
    except OSError:
        return ""


def _until(predicate, seconds: float) -> float | None:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        if predicate():
            return time.perf_counter() - t0
        time.sleep(0.05)
    return None


class _Browser:
    """The edited page open in Chromium, as an analyst has it: MkDocs' live-reload script in the page reloads it
    once a rebuild is done, and nothing polls the server meanwhile."""

    def __init__(self, url: str) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path="/usr/bin/chromium")
        self.page = self.browser.new_page()
        self.page.goto(url)

    def shows(self, title: str) -> None:
        self.page.wait_for_function("t => (document.querySelector('h1') || {}).textContent?.includes(t)",
                                    arg=title, timeout=3_600_000, polling=20)

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()


def edit_loop(project: Path, edits: int = 3, dirty: bool = True, browser: bool = False, pause: float = 1.0) -> dict:
    """`mkdocs serve` (`--dirty`: incremental, as `make serve` runs it) on a project: seconds until the first
    page is served, then, for each edit of one briefing's title, seconds from the write until the served page
    shows the new title (`browser`: until the page open in Chromium shows it, reloaded by MkDocs' live-reload
    script; else until a request every 50 ms gets it); with what the plugin logged about that rebuild. Each edit
    comes `pause` seconds after the page showed the last one."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    briefing = sorted(p for p in (project / "briefings").rglob("*.yml") if p.name != "actors.yml")[-1]
    url = f"http://127.0.0.1:{port}/briefings/{briefing.stem}/"
    log = project / "serve.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    original = briefing.read_text(encoding="utf-8")
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", *(["--dirty"] if dirty else []),
                                 "-a", f"127.0.0.1:{port}"], cwd=project, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        first = _until(lambda: "<h1" in _get(url), 3600)
        if first is None:
            raise SystemExit(f"serve never showed {url}:\n{log.read_text()[-3000:]}")
        chromium = _Browser(url) if browser else None
        times, rebuilt, generator = [], [], []
        rendered: list[int] = []
        load: list[float] = []
        render: list[float] = []
        for i in range(edits):
            title = f"Edited title {i} {time.time_ns()}"
            time.sleep(pause)  # a distinct edit, as an analyst's: not within the watcher's debounce of the last
            at = len(log.read_text())
            briefing.write_text(re.sub(r"^title: .*$", f"title: {title}", original, count=1, flags=re.M),
                                encoding="utf-8")
            if chromium is not None:
                t0 = time.perf_counter()
                chromium.shows(title)
                seconds: float | None = time.perf_counter() - t0
            else:
                seconds = _until(lambda: title in _get(url), 3600)  # noqa: B023 - called before the next edit
            if seconds is None:
                raise SystemExit(f"the edit never showed at {url}:\n{log.read_text()[-3000:]}")
            _until(lambda: "Documentation built" in log.read_text()[at:], 60)  # noqa: B023
            said = log.read_text()[at:]
            times.append(seconds)
            m = re.search(r"briefings: (\d+) of (\d+) pages rebuilt", said)
            rebuilt.append(f"{m[1]}/{m[2]}" if m else "all")
            g = re.search(r"generator ([\d.]+) s", said)
            generator.append(float(g[1]) if g else 0.0)
            steps = re.search(r"(\d+) rendered; load ([\d.]+) s, render ([\d.]+) s", said)
            if steps:
                rendered.append(int(steps[1]))
                load.append(float(steps[2]))
                render.append(float(steps[3]))
        if chromium is not None:
            chromium.close()
    finally:
        briefing.write_text(original, encoding="utf-8")
        proc.terminate()
        proc.wait(timeout=60)
    return {"dirty": dirty, "browser": browser, "first_page_s": first, "edit_s": times, "rebuilt": rebuilt,
            "rendered": rendered, "load_s": load, "render_s": render, "generator_s": generator,
            "load_avg": os.getloadavg()}


def table(rows: list[dict]) -> str:
    head = ("| N | build s | peak MB | pages | largest page KB | site MB | search index MB | load s | render s "
            "| sanitize s | links s | generator share | floor s | ours / floor |\n" + "|---" * 14 + "|\n")
    body = "".join(
        f"| {r['n']:,} | {r['wall_s']:.1f} | {r['peak_mb']:.0f} | {r['pages']:,} | {r['largest_kb']:.0f} | "
        f"{r['site_mb']:.1f} | {r['search_mb']:.1f} | {r['load_s']:.2f} | {r['render_s']:.2f} | "
        f"{r['sanitize_s']:.2f} | {r.get('links_s', 0):.2f} | {r['generator_share']:.0%} | {r['floor_s']:.1f} | "
        f"{r['vs_floor']:.2f} |\n"
        for r in rows)
    return head + body


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000, 3000])
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--edit-loop", type=int, nargs="*", default=None, metavar="N",
                    help="only the edit loop under `mkdocs serve --dirty`, at these sizes (default 100 1000 3000)")
    ap.add_argument("--full-serve", action="store_true", help="the edit loop under plain `mkdocs serve` (before)")
    ap.add_argument("--browser", action="store_true",
                    help="the edit loop timed in Chromium (the page reloaded by MkDocs' live-reload script)")
    ap.add_argument("--edit-pause", type=float, default=1.0, metavar="S",
                    help="seconds from the page showing one edit to the next edit (default 1)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.edit_loop is not None:
        for n in args.edit_loop or [100, 1000, 3000]:
            project = args.out.resolve() / f"n{n}"
            if not (project / "mkdocs.yml").exists():
                subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(n), str(project), "--force"],
                               check=True, capture_output=True)
                (project / "mkdocs.yml").write_text(CONFIG.format(n=n))
            print(json.dumps({"n": n, "load_avg_before": os.getloadavg(),
                              **edit_loop(project, dirty=not args.full_serve, browser=args.browser,
                                         pause=args.edit_pause)}), flush=True)
        return
    rows = []
    for n in args.sizes:
        rows.append(run(n, args.out.resolve()))
        print(json.dumps(rows[-1]), flush=True)
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    print(table(rows))
    if len(rows) > 1:
        small = min(rows, key=lambda r: r["n"])
        big = max(rows, key=lambda r: r["n"])
        print(f"t({big['n']}) / t({small['n']}) = {big['wall_s'] / small['wall_s']:.1f} "
              f"for {big['n'] / small['n']:.0f}x the briefings")
    (args.out / "results.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
