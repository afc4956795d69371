"""Helpers for core tests: copy the mini fixture, break one thing, collect the located errors."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.corpus import Corpus, load_corpus
from generator.errors import BriefingError, BriefingsError

MINI = Path(__file__).parent / "fixtures" / "mini"
ALPHA = "briefings/2015/alpha-talks.yml"
BETA = "briefings/beta-holds.yml"
ACTORS = "briefings/actors.yml"


Edit = tuple[str, str] | list[tuple[str, str]] | str | None


def make_project(tmp: Path, edits: dict[str, Edit] | None = None) -> Path:
    """A copy of the mini fixture; `edits` maps a file to (old, new) text or a list of such replacements, to new
    contents, or None (delete)."""
    root = tmp / "project"
    shutil.copytree(MINI, root, ignore=shutil.ignore_patterns("site"))
    for rel, edit in (edits or {}).items():
        path = root / rel
        if edit is None:
            path.unlink()
        elif isinstance(edit, tuple | list):
            text = path.read_text(encoding="utf-8")
            for old, new in [edit] if isinstance(edit, tuple) else edit:
                assert old in text, f"fixture text {old!r} not in {rel}"
                text = text.replace(old, new, 1)
            path.write_text(text, encoding="utf-8")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(edit, encoding="utf-8")
    return root


def errors_of(root: Path) -> list[BriefingError]:
    try:
        load_corpus(root)
    except BriefingsError as e:
        return e.errors
    return []


def corpus_of(root: Path) -> Corpus:
    return load_corpus(root)


def line_of(root: Path, rel: str, needle: str) -> int:
    """The 1-based line of the first line containing `needle`."""
    for n, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {rel}")


def one_error(root: Path) -> BriefingError:
    errs = errors_of(root)
    assert len(errs) == 1, "\n".join(map(str, errs)) or "no errors"
    return errs[0]
