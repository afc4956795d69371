"""What every test module shares: one Chromium for the whole session (Playwright's sync API allows one instance
at a time), and the `browser` mark on every test that uses it, so `make test-fast` (`-m "not browser"`) can leave
those out without each test remembering the marker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sitekit import CHROMIUM, CHROMIUM_ARGS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make chromium`); "
                    "these tests never download a browser")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
