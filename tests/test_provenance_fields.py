"""The contract's newer claim and briefing fields: assessment, via, said, modality, translation, source.lang,
draft; the attribution warning; same-origin support."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpuskit import ALPHA, corpus_of, errors_of, line_of, make_project, one_error

IVANOV_CLAIM = "    sourcing: named\n    quote: We will not accept this outcome.\n"


def test_every_new_field_loads(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: [
        ("  text: seeds/alpha.txt\n", "  text: seeds/alpha.txt\n  lang: en-GB\n"),
        ("summary: |", "draft: false\nsummary: |"),
        ("  - text: Ivanov will not accept the outcome.\n", "  - text: Ivanov will not accept the outcome.\n"
         "    assessment: On the record, and he said it twice.\n    via: [ruritania]\n    said: 2015-11-20\n"
         "    modality: intention\n"),
        (IVANOV_CLAIM, IVANOV_CLAIM + "    translation: Nous n'accepterons pas.\n"),
    ]})
    corpus = corpus_of(root)
    b = corpus.briefings["alpha-talks"]
    c = corpus.claims["alpha-talks-2"]
    assert (b.source.lang, b.draft) == ("en-GB", False)
    assert c.assessment == "On the record, and he said it twice." and c.via == ["ruritania"]
    assert str(c.said) == "2015-11-20" and c.modality == "intention" and c.translation.startswith("Nous")
    assert c.chain == ["ivanov", "ruritania"]


@pytest.mark.parametrize(("old", "new", "path", "expect"), [
    ("summary: |", "draft: yes\nsummary: |", "draft", "write true or false"),
    ("summary: |", "draft: 'true'\nsummary: |", "draft", "write true or false"),
    ("  text: seeds/alpha.txt", "  text: seeds/alpha.txt\n  lang: english!", "source.lang", "not a language tag"),
    ("    sourcing: named", "    sourcing: named\n    modality: maybe", "claims[1].modality", "use one of conditional"),
    ("    sourcing: named", "    sourcing: named\n    said: last week", "claims[1].said", "EDTF"),
    ("    sourcing: named", "    sourcing: named\n    via: [nobody]", "claims[1].via[0]", "unknown actor 'nobody'"),
    ("    sourcing: named", "    sourcing: named\n    via: [ivanov]", "claims[1].via[0]", "who asserts it"),
    ("    sourcing: named", "    sourcing: named\n    via: [gazette]", "claims[1].via[0]", "publishes this"),
])
def test_new_fields_are_checked(tmp_path: Path, old: str, new: str, path: str, expect: str) -> None:
    e = one_error(make_project(tmp_path, {ALPHA: [(old, new)]}))
    assert e.path == path and expect in e.message, str(e)
    key = path.split(".")[-1].split("[")[0]
    assert e.loc.line == line_of(tmp_path / "project", ALPHA, f"{key}:")


def test_a_translation_needs_a_quote(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: [("    quote: We will not accept this outcome.\n",
                                            "    translation: Nous n'accepterons pas.\n")]})
    e = one_error(root)
    assert e.path == "claims[1].translation" and "add the quote" in e.message


@pytest.mark.parametrize("opening", ["The Gazette asserts that the deal", "According to the Gazette, the deal",
                                     "Gazette sources claim that the deal"])
def test_attribution_inside_the_text_is_a_warning_not_an_error(tmp_path: Path, opening: str) -> None:
    root = make_project(tmp_path, {ALPHA: [("    text: The deal fell apart quickly.",
                                            f"    text: {opening} fell apart quickly.")]})
    assert errors_of(root) == []
    [w] = corpus_of(root).warnings
    assert w.warning and w.path == "claims[0].text" and "state the proposition itself" in w.message
    assert w.loc.line == line_of(root, ALPHA, opening) and "warning:" in str(w)


def test_a_plain_proposition_is_not_warned_about(tmp_path: Path) -> None:
    assert corpus_of(make_project(tmp_path)).warnings == []


def test_support_from_the_same_origin_is_not_independent(tmp_path: Path) -> None:
    # Two claims that trace to Ivanov: one said by him, one relayed from him by Ruritania; and an independent one.
    root = make_project(tmp_path, {ALPHA: [
        ("  - text: Ivanov will not accept the outcome.\n", "  - text: Ivanov will not accept the outcome.\n"
         "    id: ivanov-refuses\n"),
        ("    claims: [alpha-talks-2]", "    claims: [ivanov-refuses]"),
        ("relations:", "  - text: Ivanov refuses the outcome.\n    by: ruritania\n    via: [ivanov]\n"
         "    sourcing: anonymous\n    supports: [ivanov-refuses]\n    id: laundered\n"
         "  - text: Ivanov refuses.\n    by: vlad\n    sourcing: named\n    supports: [ivanov-refuses]\n"
         "    id: independent\nrelations:"),
    ]})
    corpus = corpus_of(root)
    c = corpus.claims
    assert corpus.same_origin(c["laundered"], c["ivanov-refuses"])
    assert not corpus.same_origin(c["independent"], c["ivanov-refuses"])
    assert [x.id for x in corpus.claim_supported_by["ivanov-refuses"]] == ["laundered", "independent"]
    assert [x.id for x in corpus.independent_support("ivanov-refuses")] == ["independent"]
