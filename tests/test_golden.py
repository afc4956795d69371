"""Golden snapshots of `render_site`: every generated page of the mini fixture, as a whole site and split over
many pages, compared with the files in tests/golden/. A change to the pages shows as a diff in review.
After an intended change: BRIEFINGS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from corpuskit import MINI

from generator.corpus import load_corpus
from generator.layout import SiteOptions
from generator.render import render_site

GOLDEN = Path(__file__).parent / "golden"
VERBATIM = ("stylesheets/", "javascripts/")  # copies of the package's templates, not rendered
CASES = {
    "mini": SiteOptions(),
    # Thresholds this low split every index, the claims by month and the busiest actors by year.
    "mini-split": SiteOptions(split_threshold=2, actor_split_threshold=3),
}


@pytest.mark.parametrize("name", CASES)
def test_render_site_matches_golden(name: str) -> None:
    pages = {path: text for path, text in render_site(load_corpus(MINI), options=CASES[name]).items()
             if not path.startswith(VERBATIM)}
    folder = GOLDEN / name
    if os.environ.get("BRIEFINGS_UPDATE_GOLDEN"):
        shutil.rmtree(folder, ignore_errors=True)
        for path, text in pages.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text, encoding="utf-8", newline="")
    stored = {p.relative_to(folder).as_posix(): p.read_bytes().decode("utf-8")
              for p in folder.rglob("*") if p.is_file()}
    assert sorted(pages) == sorted(stored), "pages added or gone"
    for path, text in pages.items():
        assert text == stored[path], f"{path} differs from tests/golden/{name}/{path}"
