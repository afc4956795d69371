"""The first escaping layer on its own (`briefings render --out` output has no HTML sanitizer after it): for any
input, what Python-Markdown makes of the escaped text, with the site's own extensions, holds no raw HTML from
the input, no heading or id, and no link or image whose scheme is not http(s) or mailto."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import markdown
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import fields
from generator.markup import escape_html, escape_url, inline_start, neutralise_md

REPO = Path(__file__).resolve().parents[1]


def _site_extensions() -> tuple[list[str], dict[str, dict]]:
    """The project's markdown_extensions, plus those MkDocs always adds."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=yaml.SafeLoader)
    names, configs = ["toc", "tables", "fenced_code"], {}
    for ext in config["markdown_extensions"]:
        name, cfg = (next(iter(ext.items())) if isinstance(ext, dict) else (ext, {}))
        names.append(name)
        configs[name] = cfg or {}
    return list(dict.fromkeys(names)), configs


_NAMES, _CONFIGS = _site_extensions()
MD = markdown.Markdown(extensions=_NAMES, extension_configs=_CONFIGS)

# What escaped user Markdown may become: text structure, emphasis, code, links. No headings (they carry ids),
# no div (admonitions carry user classes), no images.
ALLOWED = {"p", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "blockquote", "hr", "br",
           "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRS = {("a", "href"), ("th", "align"), ("td", "align"), ("th", "style"), ("td", "style")}


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.other.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.other.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.other.append("processing instruction")


def _scheme_ok(url: str) -> bool:
    """As a browser reads an href: controls and spaces stripped at the ends, tabs and newlines removed."""
    u = re.sub(r"[\t\n\r]", "", url.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
                                          "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f \t\n\r")).lower()
    return u.startswith(("http://", "https://", "mailto:"))


def audit(markdown_text: str, links: bool = True) -> list[str]:
    """What is wrong with the HTML Python-Markdown makes of `markdown_text`."""
    MD.reset()
    html = MD.convert(markdown_text)
    parser = _Audit()
    parser.feed(html)
    parser.close()
    problems = list(parser.other)
    for tag, attrs in parser.tags:
        if tag not in ALLOWED or (tag == "a" and not links):
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if (tag, name) not in ALLOWED_ATTRS:
                problems.append(f"<{tag} {name}=>")
            elif name == "href" and not _scheme_ok(value or ""):
                problems.append(f"href={value!r}")
            elif name == "style" and not re.fullmatch(r"text-align: (left|right|center);?", value or ""):
                problems.append(f"style={value!r}")
    return problems


# Pieces that mean something to Markdown, HTML or a browser's URL parser, put together at random.
TOKENS = ["`", "``", "```", "~~~", "\n", "\n\n", " ", "    ", "\t", "<", ">", "</", "/>", "[", "]", "(", ")",
          "!", "![", "](", "]:", ": ", "#", "## ", "=", "===", "---", "-", "*", "_", "**", "\\", "&", "&#", ";",
          "&#58;", "&colon;", "&#x3a;", ":", "{", "}", "{: ", "#__config", ".x", "|", "| --- |", "!!! ", '"', "'",
          "javascript:", "JaVaScRiPt:", "java\tscript:", "data:", "vbscript:", "http://", "https://e.org/",
          "mailto:", "//evil.example", "#frag", "img", "script", "svg", "iframe", "div markdown", "src=x",
          "onerror=alert(1)", "onclick", "alert(1)", "a", "b", "> ", "- ", "1. ", "text", "<!--", "-->", "<?", "<!"]
# Whole payloads too, so that few draws put one inside a construct (a code span across a blank line, a list).
PAYLOADS = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "[x](javascript:alert(1))",
            "[r]: javascript:alert(1)", "[x][r]", "[r]", "[a [b] c](javascript:alert(1))", "![i](data:x)",
            "[x](javascript&#58;alert(1))", "<https://e.org>", "`x\n\n", "\n\n`", "\n> ", "\n- ", "\n```\n",
            "\n~~~\n", "{: #__config }", "<div markdown>"]
markdown_input = st.lists(st.sampled_from(TOKENS) | st.sampled_from(PAYLOADS) | st.text(max_size=3),
                          max_size=40).map("".join)
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(markdown_input)
@example("a `x\n\n<img src=x onerror=alert(1)>\n\n` b")  # a code span cannot cross a blank line
@example("[a [b] c](javascript:alert(1))")
@example("> [r]: javascript:alert(1)\n\n[x][r]")
@example("- [r]: javascript:alert(1)\n\n[r]")
@example("```foo bar\n\n<img src=x onerror=alert(1)>\n\n```")  # not a fence to Markdown
@example("[x](javascript&#58;alert(1))")
@example("## __config\n\nT\n===\n\n> # __search\n\n- ### __drawer")
@example("``\n> `\n> =")  # a setext underline inside a quote
@example("`\r=")  # a carriage return ends a line for Python-Markdown: a setext underline after it
def test_user_markdown_is_inert_whatever_it_holds(text: str) -> None:
    out = neutralise_md(text)
    assert not audit(out), (text, out, audit(out))
    # As the templates use it on one line: list items and table cells.
    line = re.sub(r"\s+", " ", out).replace("|", "\\|")
    assert not audit("- " + inline_start(line.strip())), (text, line)
    assert not audit("| a | b |\n| --- | --- |\n| x | " + line + " |"), (text, line)


@FUZZ
@given(markdown_input)
@example("!!! 0")  # an admonition, in a project's Markdown template
def test_plain_text_makes_no_element_at_all(text: str) -> None:
    out = escape_html(text)
    assert not audit(out, links=False), (text, out, audit(out, links=False))
    assert not audit("- " + inline_start(out), links=False), (text, out)


def _accepted_url(value: str, web: bool) -> str | None:
    ctx = fields.ParseContext("x.yml")
    node = yaml.ScalarNode("tag:yaml.org,2002:str", value, style='"')
    node.start_mark = node.end_mark = yaml.Mark("x.yml", 0, 0, 0, None, None)
    out = fields.Url(web=web).parse(node, ctx, "url")
    return None if out is fields.MISSING else out


url_input = st.lists(st.sampled_from(["javascript", "http", "https", ":", "//", "&#58;", "&colon;", "&", "#", ";",
                                      "www.", "example", ".com", "/news/1", "Q7747", "%3A", "a", "\t", " ", "(",
                                      ")", "[", "]", "<", ">", '"']) | st.text(max_size=2), max_size=12).map("".join)


@FUZZ
@given(url_input)
@example("javascript&#58;alert(1)")
def test_an_accepted_url_links_only_to_the_web(value: str) -> None:
    for web in (True, False):
        url = _accepted_url(value, web)
        if url is None:
            continue
        if web or url.lower().startswith(("http://", "https://")):
            # As the templates write it: [label](url).
            assert not audit(f"[original]({escape_url(url)})"), (value, escape_url(url))
        else:  # an identifier is shown as text, never as a link target: it has no scheme to be read
            assert ":" not in url and "&" not in url, url


# Python's `$` (jsonschema's) also matches before a final newline, JSON Schema's (ECMA-262) does not: left out.
@FUZZ
@given(url_input.filter(lambda v: v and not v.endswith("\n")))
@example("WWW.x")  # the schema once took it for an identifier; the checker, for an address without its scheme
def test_the_url_schema_admits_what_the_checker_accepts(value: str) -> None:
    node = yaml.ScalarNode("tag:yaml.org,2002:str", value, style='"')
    node.start_mark = node.end_mark = yaml.Mark("x.yml", 0, 0, 0, None, None)
    for web in (True, False):
        url = fields.Url(web=web)
        accepted = url.convert(value, node, fields.ParseContext("x.yml"), "url") is not fields.MISSING
        assert jsonschema.Draft202012Validator(url.schema()).is_valid(value) == accepted, (value, web)


@pytest.mark.parametrize(("value", "expect"), [
    ("javascript&#58;alert(1)", "is not allowed"),
    ("javascript&colon;alert(1)", "is not allowed"),
    ("vbscript:x", "is not allowed"),
    ("www.example.com/news/1", "add https://"),
    ("example.org", "add https://"),
    ("news.example.co.uk/a?b=1", "add https://"),
])
def test_urls_without_a_web_scheme_are_refused(value: str, expect: str) -> None:
    for web in (True, False):
        ctx = fields.ParseContext("x.yml")
        node = yaml.ScalarNode("tag:yaml.org,2002:str", value, style='"')
        node.start_mark = node.end_mark = yaml.Mark("x.yml", 0, 0, 0, None, None)
        assert fields.Url(web=web).parse(node, ctx, "url") is fields.MISSING
        assert expect in ctx.errors[0].message, ctx.errors[0]


def test_identifiers_and_web_urls_still_pass() -> None:
    assert _accepted_url("Q7747", web=False) == "Q7747"
    assert _accepted_url("Q7747", web=True) is None  # source.url must be a web address
    assert _accepted_url("https://example.org/a?b=1&c=2#x", web=True) == "https://example.org/a?b=1&c=2#x"


def test_formatting_code_and_web_links_survive() -> None:
    MD.reset()
    out = MD.convert(neutralise_md("**bold** [site](https://e.org/?a=1&b=2) `a & <b>`\n\n```\nx < y\n\n[z]\n```\n"))
    assert "<strong>bold</strong>" in out and 'href="https://e.org/?a=1&amp;b=2"' in out
    parser = _Audit()
    parser.feed(out)
    assert [t for t, _ in parser.tags] == ["p", "strong", "a", "code", "pre", "code"]
    assert "x < y\n\n[z]" in html.unescape(re.sub(r"<[^>]+>", "", out))
