"""Reading safety: nothing runs, nothing explodes, every refusal is a located error within a second."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from corpuskit import ACTORS, ALPHA, corpus_of, errors_of, make_project, one_error


def _errors_fast(root: Path) -> list[str]:
    t0 = time.perf_counter()
    errs = errors_of(root)
    # A generous bound: the point is "refused at once", not a benchmark.
    assert time.perf_counter() - t0 < 5, "refusal took too long"
    return [str(e) for e in errs]


def test_python_tags_are_refused_and_run_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    root = make_project(tmp_path, {ALPHA: ("title: Alpha talks collapse",
                                           f"title: !!python/object/apply:os.system ['touch {marker}']")})
    e = one_error(root)
    assert e.path == "title" and "tag 'python/object/apply:os.system' is not allowed" in e.message
    assert not marker.exists()


def test_custom_tags_are_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: ("  - Unnamed sources only.", "  - !secret Unnamed sources only.")})
    assert "tag '!secret' is not allowed" in one_error(root).message


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
                     + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)])
    root = make_project(tmp_path, {"briefings/bomb.yml": bomb + "\nkey_points: *a9\n"})
    msgs = _errors_fast(root)
    assert any("bomb.yml" in m for m in msgs)


def test_aliases_inside_lists_are_counted(tmp_path: Path) -> None:
    # Lists of lists are not in the format, so expansion stops at the first wrong type.
    root = make_project(tmp_path, {ALPHA: ("key_points:\n", "x: &p [a, b]\nkey_points:\n")})
    assert any("unknown key 'x'" in m for m in _errors_fast(root))


@pytest.mark.parametrize("text", [
    "[" * 50_000 + "]" * 50_000,  # the C parser's stack overflow: refused by line length
    "[\n" * 50_000 + "]\n" * 50_000,  # ... and by bracket depth
    "title: [" + "[" * 100 + "]" * 101,
    "a:\n" + "".join(" " * (2 * i) + f"b{i}:\n" for i in range(1, 400)),  # block nesting
])
def test_deep_nesting_is_refused_before_parsing(tmp_path: Path, text: str) -> None:
    root = make_project(tmp_path, {"briefings/deep.yml": text})
    msgs = _errors_fast(root)
    assert len(msgs) == 1 and "briefings/deep.yml:" in msgs[0], msgs
    assert "nest" in msgs[0] or "line is" in msgs[0]


def test_huge_file_long_line_nul_and_non_utf8(tmp_path: Path) -> None:
    root = make_project(tmp_path, {
        "briefings/huge.yml": "title: " + "x " * 1_100_000,
        "briefings/long.yml": "title: " + "x" * 20_000 + "\n",
        "briefings/nul.yml": "title: a\x00b\n",
    })
    (root / "briefings" / "latin1.yml").write_bytes("title: caf\xe9\n".encode("latin-1"))
    msgs = "\n".join(_errors_fast(root))
    assert "briefings/huge.yml: file is 2,200,007 bytes; the limit is 2,000,000" in msgs
    assert "briefings/long.yml:1:10001: line is 20,007 characters" in msgs
    assert "briefings/nul.yml:1:9: NUL byte" in msgs
    assert "briefings/latin1.yml:1:11: not UTF-8 (byte 0xe9)" in msgs


def test_yaml_syntax_errors_are_located(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: ("title: Alpha talks collapse", "title: [unclosed")})
    e = one_error(root)
    assert e.loc.file == ALPHA and e.loc.line >= 1 and "YAML syntax error" in e.message


@pytest.mark.parametrize(("value", "expected"), [("no", "no"), ("NO", "NO"), ("on", "on"), ("1:30", "1:30"),
                                                 ("01234", "01234"), ("2015-11-14", "2015-11-14"), ("~x", "~x")])
def test_yaml_11_look_alikes_keep_their_text(tmp_path: Path, value: str, expected: str) -> None:
    root = make_project(tmp_path, {ACTORS: ("  title: Minister of Foreign Affairs", f"  title: {value}")})
    assert corpus_of(root).actors["ivanov"].title == expected


def test_unquoted_yaml_dates_are_edtf_dates(tmp_path: Path) -> None:
    corpus = corpus_of(make_project(tmp_path))
    assert corpus.events["vienna-2015"].date.human() == "14 Nov 2015"


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    path = root / ALPHA
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert corpus_of(root).briefings["alpha-talks"].title == "Alpha talks collapse"


def test_empty_files(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"briefings/empty.yml": "", ACTORS: "# nothing\n"})
    msgs = "\n".join(_errors_fast(root))
    # Located at 1:1 like every other error, so editors' problem matchers pick them up.
    assert "briefings/empty.yml:1:1: the file is empty" in msgs
    assert "briefings/actors.yml:1:1: the actor registry is empty" in msgs


def test_yaml_extension_is_flagged(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"briefings/other.yaml": "title: x\n"})
    assert "rename it so it is read" in one_error(root).message
