"""Known advisories: the installed stack must be at or past the fixed versions (and the pins must say so)."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

# package -> (first fixed version, why)
FIXED = {
    "mkdocs-material": ((9, 7, 7), "DOM XSS in search, CVE-2026-73295"),
    "pymdown-extensions": ((11, 0, 1), "ReDoS"),
    "markdown": ((3, 8, 1), "Python-Markdown CVE"),
    "mkdocs": ((1, 6, 1), "last 1.x; 2.0 drops plugins"),
}


def _tuple(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


@pytest.mark.parametrize("package", FIXED)
def test_installed_version_is_past_the_advisory(package: str) -> None:
    fixed, why = FIXED[package]
    assert _tuple(version(package)) >= fixed, f"{package} {version(package)} is older than {fixed} ({why})"


@pytest.mark.parametrize("package", FIXED)
def test_pyproject_pins_at_least_the_fixed_version(package: str) -> None:
    deps = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]["dependencies"]
    spec = next(d for d in deps if re.match(rf"{re.escape(package)}\b", d, re.IGNORECASE))
    minimum = re.search(r">=\s*([\d.]+)", spec)
    assert minimum and _tuple(minimum[1]) >= FIXED[package][0], spec


def test_mkdocs_stays_below_2() -> None:
    deps = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.replace(" ", "").startswith("mkdocs>=1.6.1,<2") for d in deps)
    assert _tuple(version("mkdocs")) < (2,)
