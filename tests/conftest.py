"""What every test module shares: tests that drive Chromium are marked `browser`, by the fixture they use, so
`make test-fast` (`-m "not browser"`) can leave them out without each test remembering the marker."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
