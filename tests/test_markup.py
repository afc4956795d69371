"""Markup safety at the source: escaping, neutralising user Markdown, page titles, the sanitizer."""

from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.markup import escape_html, inline_start, neutralise_md, page_title, plain_text, sanitize_html

MD = markdown.Markdown(extensions=["attr_list", "md_in_html", "tables"])


def html_of(text: str) -> str:
    MD.reset()
    return MD.convert(text)


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                  "[x](javascript:alert(1))", "*bold* _x_ `code` # h", "a | b", "{: onclick=x}"])
def test_escaped_text_shows_exactly_its_characters(text: str) -> None:
    out = html_of(escape_html(text))
    assert "<script" not in out and "<img" not in out and "<a " not in out and "<em>" not in out
    assert not re.search(r"<[^>]*\bon[a-z]+=", out)


@pytest.mark.parametrize(("text", "absent"), [
    ("hi <script>alert(1)</script>", "<script"),
    ("<img src=x onerror=alert(1)>", "<img"),
    ("[x](javascript:alert(1))", 'href="javascript'),
    ("[x](JaVaScRiPt:alert(1))", 'href="JaVaScRiPt'),
    ("[x]( data:text/html;base64,xx)", 'href="data'),
    ("[x][r]\n\n[r]: javascript:alert(1)", 'href="javascript'),
    ("para\n{: onclick=\"alert(1)\" }", "<p onclick"),
    ("<div markdown>*x*</div>", "<div"),
])
def test_user_markdown_is_inert(text: str, absent: str) -> None:
    assert absent not in html_of(neutralise_md(text))


def test_user_markdown_keeps_formatting_and_http_links() -> None:
    out = html_of(neutralise_md("**bold** and [site](https://example.org) & more"))
    assert "<strong>bold</strong>" in out and 'href="https://example.org"' in out and "&amp; more" in out


def test_page_titles_cannot_break_out_of_title_or_header() -> None:
    t = page_title("</title><script>alert(1)</script> & co")
    assert "<" not in t and ">" not in t and "&amp;" in t


def test_sanitizer_keeps_structure_and_every_script() -> None:
    html = ('<div class="bf-claim" id="c-1"><span title="x">F3</span> <a href="../a/">ok</a> '
            "سید علی خامنه\u200cای Владимир 👍🏽</div>")
    out = sanitize_html(html)
    assert 'class="bf-claim"' in out and 'id="c-1"' in out and 'href="../a/"' in out
    assert "خامنه\u200cای" in out and "Владимир" in out and "👍🏽" in out


@pytest.mark.parametrize("html", ['<a href="javascript:alert(1)">x</a>', '<p onclick="alert(1)">x</p>',
                                  "<script>alert(1)</script>", '<img src=x onerror="alert(1)">',
                                  '<iframe src="https://evil.example"></iframe>', '<a href="data:text/html,x">x</a>',
                                  '<svg><script>alert(1)</script></svg>', '<style>body{}</style>'])
def test_sanitizer_drops_active_content(html: str) -> None:
    out = sanitize_html(html)
    for bad in ("javascript:", "onclick", "<script", "onerror", "<iframe", "data:", "<style"):
        assert bad not in out


def test_sanitizer_keeps_only_the_svg_the_pictures_draw() -> None:
    # The pictures' elements pass (generator/pictures.py); what could run or load anything inside an SVG does not.
    html = ('<svg viewBox="0 0 10 10" role="group" aria-label="t" onload="alert(1)"><title>T</title>'
            '<a href="../events/#e" aria-label="e"><rect x="1" y="1" width="2" height="2"/>'
            '<text x="1" y="2">e</text></a>'
            '<a href="javascript:alert(1)"><circle cx="1" cy="1" r="1"/></a><use href="#x"/>'
            '<animate attributeName="href" to="javascript:alert(1)"/><set attributeName="onclick" to="alert(1)"/>'
            '<foreignObject><iframe src="https://evil.example"></iframe></foreignObject>'
            '<image href="https://evil.example/x.png"/><style>*{}</style><script>alert(1)</script></svg>')
    out = sanitize_html(html)
    assert 'viewBox="0 0 10 10"' in out and 'href="../events/#e"' in out and 'aria-label="e"' in out
    assert "<rect" in out and "<text" in out and "<title>T</title>" in out
    for bad in ("javascript:", "onload", "<use", "<animate", "<set", "<foreignObject", "<iframe", "<image", "evil",
                "<style", "<script"):
        assert bad not in out


def test_tilde_needs_no_escape() -> None:
    assert "\\~" not in html_of(escape_html("R & R ~ Ruritania"))


def test_code_in_user_markdown_shows_as_written() -> None:
    out = html_of(neutralise_md("Uses `a & b` and `<div>`\n\n```\nx < y && z\n```\n\nafter <b>"))
    # Code comes out as character references (Markdown acts on none), which a browser shows as written.
    assert "<code>a &#38; b</code>" in out and "<code>&#60;div&#62;</code>" in out
    assert "x &#60; y &#38;&#38; z" in out and "&amp;amp;" not in out and "<b>" not in out


def test_plain_text_for_link_labels() -> None:
    assert plain_text("Ivanov *hinted* at [a link](https://e.org) and `code`; {{ 7*7 }} **b**") == \
        "Ivanov hinted at a link and code; {{ 7*7 }} b"


@pytest.mark.parametrize(("text", "shown"), [
    ("1986. The year", "1986. The year"), ("# not a heading", "# not a heading"),
    ("- not a list", "- not a list"), ("> not a quote", "&gt; not a quote"),
])
def test_list_items_stay_one_paragraph(text: str, shown: str) -> None:
    out = html_of("- " + inline_start(text))
    assert out.count("<li>") == 1 and "<ol>" not in out and "<h1" not in out and "<blockquote>" not in out
    assert shown in out


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"ab 1.-*_#>&<`\\[]!\n\t", "é", "ب"]), max_size=30))
def test_user_markdown_converts_as_python_markdown_does(text: str) -> None:
    # markdown_html skips the parser for a line without marks: it must give what the parser gives.
    from generator.markup import markdown_html

    inert = neutralise_md(text)
    assert markdown_html(inert) == markdown.Markdown(output_format="html").convert(inert.strip("\n"))
