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
    "pyyaml": ((6, 0, 1), "full_load code execution, CVE-2020-14343 (fixed in 5.4)"),
    "jinja2": ((3, 1, 6), "sandbox escapes, CVE-2024-56201, CVE-2024-56326, CVE-2025-27516"),
    "nh3": ((0, 3, 8), "bundles ammonia 4.2.5, past RUSTSEC-2025-0071 (4.1.2) and the 4.1.3 fix"),
    "watchdog": ((5, 0, 0), "no known advisory; the event filter and events the plugin's native watch relies on"),
}
# The sanitizer's Rust core: first release with the last known mutation-XSS fix.
AMMONIA_FIXED = (4, 1, 3)


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


def _dependencies() -> list[str]:
    return tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]["dependencies"]


def test_every_runtime_dependency_is_covered() -> None:
    names = {re.match(r"[A-Za-z0-9_.-]+", d)[0].lower() for d in _dependencies()}  # type: ignore[index]
    assert names == set(FIXED), f"add an advisory entry for {names - set(FIXED)}"


def test_the_bundled_ammonia_is_past_its_advisories() -> None:
    import nh3

    found: set[tuple[int, ...]] = set()
    for lib in Path(nh3.__file__).parent.glob("*.so"):
        found |= {_tuple(v.decode()) for v in re.findall(rb"ammonia-(\d+\.\d+\.\d+)", lib.read_bytes())}
    assert found, "no ammonia version string in nh3's library"
    assert min(found) >= AMMONIA_FIXED, f"nh3 bundles ammonia {min(found)}, older than {AMMONIA_FIXED}"
