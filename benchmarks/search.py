"""Search at scale: first-query latency and bytes transferred, in headless Chromium, for built sites.

    .venv/bin/python benchmarks/search.py [--sizes 1000 3000] [--out benchmarks/out] [--repeat 3]
        [--variants material titles pagefind] [--site-suffix=SUFFIX] [--file-check]

Per N, the corpus in OUT/nN is reused or generated (`make_corpus.py`, with the search options of the project's own
mkdocs.yml) and built with the code checked out into OUT/search-site-nN<SUFFIX>, unless that site exists (delete
it to rebuild; a suffix keeps the sites of two commits apart). Two queries, taken from the corpus:

- *rare*: a native-script alias of the actor named in the fewest briefings (an actor-by-alias search); it counts
  as found when a result links to that actor's profile;
- *common*: the two words found on the most pages of OUT/search-site-nN (not stop words), the same for every
  variant.

A measurement: a fresh browser context (empty cache) opens the home page, served by the standard library's HTTP
server on 127.0.0.1 (no compression), waits for its `load` event, types the query into the search box the way a
reader does, and times from the keystroke to the first result in the page (a MutationObserver, then the next
animation frame). The bytes are the bodies of every response for search (Material's search box: the search worker, the
site's own since 2026-11-24 or Material's before, and `search/search_index.json`; Pagefind: everything under
`pagefind/`), from opening the page to the first result.

Variants: `material` (Material's search box, the site as built), `titles` (the same on a copy of the site whose index
keeps only titles, and an actor profile's own text: the floor of an index that still finds each claim, event and
actor by alias) and `pagefind` (Pagefind 1.x, measured only: `pip
install pagefind-bin` into the venv; it indexes the built site into SITE/pagefind/, leaving out what carries
`data-search-exclude`, and its default UI, whose input waits 300 ms for more keystrokes, is added to the home page
by the benchmark; `--file-check` also tries it from file://). One JSON line per (N, variant, query), then a
table; the load average before and after each query's runs is given with it.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from run import CONFIG  # noqa: E402 - the benchmark's own corpus config, shared with run.py

from generator.searchindex import load_search_entries  # noqa: E402

CHROMIUM = "/usr/bin/chromium"  # Debian's; never a downloaded browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 180_000
# lunr's English stop words that could win the word count (the index filters them, so they find nothing)
STOP = frozenset({
    "about", "after", "also", "been", "from", "have", "into", "more", "most", "other", "over", "said", "says", "some",
    "such", "than", "that", "their", "them", "then", "there", "these", "they", "this", "were", "what", "when",
    "where", "which", "while", "will", "with", "would",
})

# The first result's arrival, as the page sees it: set by a MutationObserver, stamped at the next frame.
WATCH = """
window.__bf = {t0: null, t1: null};
new MutationObserver(() => {
  if (window.__bf.t0 === null || window.__bf.t1 !== null) return;
  if (document.querySelector(%s)) {
    window.__bf.t1 = -1;
    requestAnimationFrame(() => { window.__bf.t1 = performance.now(); });
  }
}).observe(document, {childList: true, subtree: true});
"""

PAGEFIND_UI = """
async () => {
  const css = document.createElement("link");
  css.rel = "stylesheet"; css.href = "pagefind/pagefind-ui.css";
  document.head.append(css);
  await new Promise((ok, fail) => {
    const s = document.createElement("script");
    s.src = "pagefind/pagefind-ui.js"; s.onload = ok; s.onerror = fail;
    document.head.append(s);
  });
  const box = document.createElement("div");
  box.id = "bf-pagefind";
  document.querySelector("article").prepend(box);
  new PagefindUI({element: "#bf-pagefind", showSubResults: true});
}
"""

VARIANTS: dict[str, dict[str, str]] = {
    "material": {"box": "input.md-search__input", "result": "li.md-search-result__item",
                 "link": "li.md-search-result__item a", "search": r"/search/|/workers/search|/search-worker\.js"},
    "titles": {"box": "input.md-search__input", "result": "li.md-search-result__item",
               "link": "li.md-search-result__item a", "search": r"/search/|/workers/search|/search-worker\.js"},
    "pagefind": {"box": "#bf-pagefind input", "result": ".pagefind-ui__result",
                 "link": ".pagefind-ui__result-link", "search": r"/pagefind/"},
}


def project_config(n: int) -> str:
    """The benchmark's mkdocs.yml with the search options of the project's own mkdocs.yml (its separator)."""
    plugins = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["plugins"]
    search = json.dumps({"search": plugins["search"]}) if plugins.get("search") else "search"
    return CONFIG.format(n=n).replace("  - search\n", f"  - {search}\n")


def ensure_site(n: int, out: Path, suffix: str) -> Path:
    project = out / f"n{n}"
    if not (project / "mkdocs.yml").exists():
        subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(n), str(project), "--force"], check=True,
                       capture_output=True)
        (project / "mkdocs.yml").write_text(project_config(n))
    site = out / f"search-site-n{n}{suffix}"
    if not (site / "search" / "search_index.json").exists():
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        t0 = time.perf_counter()
        subprocess.run(["nice", "-n", "5", sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
                       cwd=project, env=env, check=True)
        print(f"built {site} in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    return site


def titles_site(site: Path) -> Path:
    """A copy of the site (hard links) whose index keeps titles only, and an actor profile's own text (its aliases):
    the least Material's search can load and still find claims, events and actors by alias."""
    copy = site.with_name(site.name + "-titles")
    if not copy.exists():
        shutil.copytree(site, copy, copy_function=os.link)
        index = copy / "search" / "search_index.json"
        config = json.loads(index.read_text(encoding="utf-8"))["config"]
        data = {"config": config, "docs": load_search_entries(site)}
        data["config"].pop("docs", None)
        data["docs"] = [{**d, "text": d["text"] if d["location"].startswith("actors/") and "#" not in d["location"]
                         else ""} for d in data["docs"]
                        if not d["location"].partition("#")[2].startswith("_")
                        and not (d["location"].startswith("briefings/by-year/") and "#" in d["location"])]
        index.unlink()  # a hard link: written anew, not through
        index.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return copy


def pagefind_index(site: Path) -> float:
    """Index the built site with Pagefind into SITE/pagefind/, once; the seconds it took (0 when reused)."""
    if (site / "pagefind" / "pagefind.js").exists():
        return 0.0
    from pagefind_bin import get_executable  # type: ignore[import-not-found]  # measured, not a dependency

    t0 = time.perf_counter()
    # Leave out what Material's index leaves out: blocks marked data-search-exclude.
    subprocess.run(["nice", "-n", "5", str(get_executable()), "--site", str(site),
                    "--exclude-selectors", "[data-search-exclude]"], check=True, capture_output=True)
    return time.perf_counter() - t0


def pick_queries(project: Path, site: Path) -> dict[str, tuple[str, str]]:
    """{kind: (query, profile URL that must be among the results, or '')}."""
    actors = yaml.safe_load((project / "briefings" / "actors.yml").read_text(encoding="utf-8"))
    uses: Counter[str] = Counter()
    for path in (project / "briefings").rglob("*.yml"):
        if path.name != "actors.yml":
            uses.update(set(re.findall(r"[a-z0-9-]+", path.read_text(encoding="utf-8"))) & actors.keys())
    native = [(uses[a], a, alias) for a, p in actors.items() if uses[a]
              for alias in p.get("aliases", []) if not alias.isascii()]
    _, actor, alias = min(native)
    docs = load_search_entries(site)
    pages: dict[str, set[str]] = {}
    for d in docs:
        words = re.findall(r"[a-z]{4,}", (d["title"] + " " + d["text"]).lower())
        pages.setdefault(d["location"].split("#")[0], set()).update(words)
    df = Counter(w for words in pages.values() for w in words if w not in STOP)
    common = " ".join(w for w, _ in df.most_common(2))
    return {"rare": (alias, f"actors/{actor}/"), "common": (common, "")}


@contextmanager
def serve(site: Path) -> Iterator[str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def measure(browser: Any, url: str, variant: str, query: str, profile: str) -> dict[str, Any]:
    v = VARIANTS[variant]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    done: list[Any] = []
    ctx.on("requestfinished", lambda r: done.append(r))  # context-wide: the search worker's requests too
    try:
        pg = ctx.new_page()
        pg.set_default_timeout(TIMEOUT_MS)
        pg.add_init_script(WATCH % json.dumps(v["result"]))
        pg.goto(url, wait_until="load")
        if variant == "pagefind":
            pg.evaluate(PAGEFIND_UI)
        box = pg.locator(v["box"])
        box.click()
        pg.evaluate("window.__bf.t0 = performance.now()")
        box.fill(query)
        box.press("End")  # Material reads the query on keyup
        pg.wait_for_function("window.__bf.t1 > 0", timeout=TIMEOUT_MS)
        seconds = pg.evaluate("(window.__bf.t1 - window.__bf.t0) / 1000")
        pg.wait_for_timeout(300)  # results still arriving are counted below, not timed
        hrefs = pg.locator(v["link"]).evaluate_all("links => links.map(a => a.href)")
        searched = [r for r in done if re.search(v["search"], r.url)]
        sizes = [(r.url, _body_bytes(r)) for r in searched]
    finally:
        ctx.close()
    return {"seconds": seconds, "bytes": sum(s for _, s in sizes), "requests": len(sizes), "results": len(hrefs),
            "found": any(h.split("#")[0].endswith("/" + profile) for h in hrefs) if profile else None}


def _body_bytes(request: Any) -> int:
    """A response's body as transferred: Chromium reports 0 for a worker's script, so its Content-Length counts."""
    response = request.response()
    length = int(response.headers.get("content-length", 0)) if response else 0
    return max(request.sizes()["responseBodySize"], length)


def index_bytes(site: Path, variant: str) -> tuple[int, int]:
    """(bytes, gzipped bytes) of the search index as a reader's browser fetches it: Material's JSON (and, once a
    build has moved them out of it, the entries' compressed copy), or all of Pagefind's files."""
    if variant == "pagefind":
        raw = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
        return raw, raw  # Pagefind's fragments are gzipped already
    files = [site / "search" / "search_index.json", site / "search" / "docs.json.gz"]
    raw = sum(p.stat().st_size for p in files if p.exists())
    return raw, sum(p.stat().st_size if p.suffix == ".gz" else len(gzip.compress(p.read_bytes(), 6))
                    for p in files if p.exists())


def file_url_check(browser: Any, site: Path) -> str:
    """Whether Pagefind's UI answers from file:// (it fetches its index fragments)."""
    ctx = browser.new_context()
    errors: list[str] = []
    try:
        pg = ctx.new_page()
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto((site / "index.html").as_uri(), wait_until="load")
        pg.evaluate(PAGEFIND_UI)
        pg.locator(VARIANTS["pagefind"]["box"]).fill("the")
        try:
            pg.locator(VARIANTS["pagefind"]["result"]).first.wait_for(timeout=15_000)
            return "works"
        except Exception:
            return "no results; " + "; ".join(dict.fromkeys(errors))[:300]
    finally:
        ctx.close()


def table(rows: list[dict[str, Any]]) -> str:
    head = ("| N | variant | query | first results s (median) | runs s | search bytes MB | requests | results | "
            "profile found | index MB (gzip) | load average |\n" + "|---" * 11 + "|\n")
    return head + "".join(
        f"| {r['n']:,} | {r['variant']} | {r['kind']}: `{r['query']}` | {r['seconds']:.2f} | "
        f"{', '.join(f'{s:.2f}' for s in r['runs_s'])} | {r['bytes'] / 1e6:.2f} | {r['requests']} | {r['results']} | "
        f"{'' if r['found'] is None else ('yes' if r['found'] else 'NO')} | "
        f"{r['index_bytes'] / 1e6:.1f} ({r['index_gzip_bytes'] / 1e6:.1f}) | {r['load_avg']} |\n" for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=["material", "pagefind"])
    ap.add_argument("--repeat", type=int, default=3, help="measurements per query (median reported)")
    ap.add_argument("--site-suffix", default="", help="measure OUT/search-site-nN<suffix> (built if missing)")
    ap.add_argument("--file-check", action="store_true", help="also try Pagefind's UI from file://")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in args.sizes:
            site = ensure_site(n, out, args.site_suffix)
            queries = pick_queries(out / f"n{n}", ensure_site(n, out, ""))  # the same queries for every variant
            for variant in args.variants:
                extra: dict[str, Any] = {}
                if variant == "pagefind":
                    extra["pagefind_index_s"] = round(pagefind_index(site), 1)
                    if args.file_check:
                        extra["file_url"] = file_url_check(browser, site)
                served = titles_site(site) if variant == "titles" else site
                raw, packed = index_bytes(served, variant)
                for kind, (query, profile) in queries.items():
                    load = os.getloadavg()[0]
                    with serve(served) as url:
                        runs = [measure(browser, url, variant, query, profile) for _ in range(args.repeat)]
                    row = {"n": n, "variant": variant + args.site_suffix, "kind": kind, "query": query,
                           "seconds": statistics.median(r["seconds"] for r in runs),
                           "runs_s": [round(r["seconds"], 3) for r in runs],
                           **{k: runs[-1][k] for k in ("bytes", "requests", "results", "found")},
                           "index_bytes": raw, "index_gzip_bytes": packed,
                           "load_avg": f"{load:.1f}–{os.getloadavg()[0]:.1f}", **extra}
                    rows.append(row)
                    print(json.dumps(row, ensure_ascii=False), flush=True)
        browser.close()
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"Chromium {shutil.which('chromium')}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
