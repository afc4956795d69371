"""Property-based fuzzing: random and mutated documents never raise anything but our own located errors,
and whatever checks also renders."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from corpuskit import ACTORS, ALPHA, BETA, MINI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.corpus import load_corpus
from generator.errors import BriefingsError
from generator.render import render_site

NASTY = [
    "NO", "no", "on", "Off", "1:30", "01234", "0x1F", "1e3", ".inf", "~", "null", "2015-02-30", "2015-11-14",
    "\u202eevil\u202c", "\u200d", "\u200c", "خامنه\u200cای", "e\u0301", "👍🏽", "<script>alert(1)</script>",
    "[[putin]]", "[[ivanov|x]]", "[[]]", "{{ 7*7 }}", "{% raw %}", "'", '"', "- a", "? x", "&a *a", "!!str x",
    "!!python/name:os.system", "{: onclick=x}", "[x](javascript:alert(1))", "\t", "#", "|", ">", "%TAG",
    "a: b: c", "[a, b", "{a: 1}", "ivanov", "gazette", "vienna-2015", "deal-held", "F", "3", "7", "Z",
]
settings.register_profile("ci", max_examples=120, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile("ci")


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _check(files: dict[str, bytes]) -> None:
    """Write a project, check it and render it: only BriefingsError may come out, each error located."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        shutil.copytree(MINI, root)
        for rel, data in files.items():
            (root / rel).write_bytes(data)
        before = _digest(root)
        try:
            corpus = load_corpus(root)
        except BriefingsError as e:
            assert e.errors
            for err in e.errors:
                assert err.loc.file and not Path(err.loc.file).is_absolute(), err
                assert err.message and "Traceback" not in err.message
                if err.loc.line:
                    assert err.loc.col >= 0
        else:
            pages = render_site(corpus)
            assert "index.md" in pages
            for path in pages:
                assert ".." not in path.split("/") and not path.startswith("/")
        assert _digest(root) == before, "the checker changed a source file"


TEXT = {rel: (MINI / rel).read_bytes() for rel in (ALPHA, BETA, ACTORS)}


@given(st.sampled_from([ALPHA, BETA, ACTORS]), st.data())
def test_one_line_replaced_by_a_nasty_value(rel: str, data: st.DataObject) -> None:
    lines = TEXT[rel].decode().splitlines(keepends=True)
    keyed = [n for n, line in enumerate(lines) if ":" in line]
    i = data.draw(st.sampled_from(keyed) | st.integers(0, len(lines) - 1))
    line = lines[i]
    value = data.draw(st.sampled_from(NASTY) | st.text(max_size=30))
    if ":" in line and data.draw(st.integers(0, 3)):
        key = line.split(":", 1)[0]
        lines[i] = f"{key}: {value}\n"
    else:
        lines[i] = value + "\n"
    _check({rel: "".join(lines).encode("utf-8", "surrogatepass")})


@given(st.sampled_from([ALPHA, BETA, ACTORS]), st.data())
def test_structural_mutations(rel: str, data: st.DataObject) -> None:
    lines = TEXT[rel].decode().splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "swap", "truncate"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip()
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif op == "truncate":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
    _check({rel: "".join(lines).encode()})


@given(st.binary(max_size=300))
def test_random_bytes(blob: bytes) -> None:
    _check({BETA: blob})


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.sampled_from(NASTY),
                     st.text(max_size=20))
_keys = st.sampled_from(["id", "title", "by", "text", "date", "ref", "x"]) | st.text(max_size=8)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
                       max_leaves=12)


@given(st.sampled_from(["title", "source", "summary", "key_points", "tags", "actors", "events", "claims",
                        "relations", "unknown"]), _values)
def test_a_field_replaced_by_random_data(key: str, value: Any) -> None:
    doc = yaml.safe_load(TEXT[ALPHA])
    doc[key] = value
    _check({ALPHA: yaml.safe_dump(doc, allow_unicode=True).encode("utf-8", "surrogatepass")})


@given(st.lists(st.sampled_from(NASTY) | st.text(min_size=1, max_size=12), min_size=1, max_size=6))
def test_random_claims_lists(words: list[str]) -> None:
    doc = yaml.safe_load(TEXT[BETA])
    for n, w in enumerate(words):
        doc["claims"].append({"text": w, "by": w if n % 2 else "vlad", "sourcing": w if n % 3 else "named",
                              "about": [w], "quote": w})
    _check({BETA: yaml.safe_dump(doc, allow_unicode=True).encode("utf-8", "surrogatepass")})


@st.composite
def _dateish(draw: st.DrawFn) -> str:
    def point() -> str:
        text = f"{draw(st.integers(0, 9999)):04d}"
        for hi in (13, 32):
            if not draw(st.booleans()):  # the simplest example is a bare year
                break
            text += f"-{draw(st.integers(0, hi)):02d}"
        return text + draw(st.sampled_from(["", "", "~", "?", "%", "~?"]))

    return point() + (f"/{point()}" if draw(st.booleans()) else "")


_DATEISH = _dateish() | st.from_regex(r"\A[0-9]{1,5}(-[0-9]{1,3}(-[0-9]{1,3})?)?[~?%]?(/[0-9-]{0,10})?\Z")


@given(st.sampled_from(["    date: 2015-11-14", "    date: 2015-11~", "  published: 2015-11-27~"]), _DATEISH)
def test_random_dates(line: str, value: str) -> None:
    key = line.split(":")[0]
    text = TEXT[ALPHA].decode().replace(line, f"{key}: '{value}'")
    _check({ALPHA: text.encode()})
