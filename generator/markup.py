"""Making input inert: escaping plain text for HTML, neutralising raw HTML, attribute lists and dangerous link
schemes in user Markdown and converting it to HTML, and the allow-list HTML sanitizer applied to generated pages."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from urllib.parse import quote

import markdown
import nh3

# HTML's own characters, and the few that start inline Markdown, as character references: the text shows as
# written in an HTML page, and stays text in a page a project's own Markdown template makes (render.py).
_HTML = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'`*_[]{}|\\#+!"})  # ! opens an admonition (!!! note)


def escape_html(text: str) -> str:
    """Plain text (a name, a title, a tooltip) for an HTML page, as element text or attribute value, on one line."""
    return " ".join(str(text).split()).translate(_HTML)


_PLAIN = re.compile(r"[^\\`*_&<>\[\]!\n\t\r]*")  # no mark Python-Markdown acts on in a single line
_MARKDOWN = markdown.Markdown(output_format="html")  # no extensions: user text has no headings, tables or ids


def markdown_html(text: str) -> str:
    """Inert user Markdown (neutralise_md's output) as HTML. A single line with no mark in it needs no parser.
    Not cached here: its caller, render._convert_md, is, by the user's text."""
    text = text.strip("\n")
    if _PLAIN.fullmatch(text) and text == text.lstrip() and not _BLOCK_START.match(text):
        return f"<p>{text}</p>" if text.strip() else ""
    return _MARKDOWN.reset().convert(text)


# User Markdown is made inert by construction, not by spotting what is dangerous: everything that is not
# recognised here as code or as a plain http(s)/mailto link is escaped to text. Where this recogniser and
# Markdown disagree, the result is text shown with its marks (never raw HTML, a heading or a link).
# Code: a fence at a line start up to the next line that is the same fence, or a backtick run up to the next
# run of the same length in the same paragraph (Markdown ends spans at a blank line). Found by a scan that pairs
# runs through an index, not by a backtracking regex, so hostile backtick runs cost linear time.
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})[^\n]*\n", re.MULTILINE)
_FENCE_CLOSE = re.compile(r"^(`{3,}|~{3,})[ \t]*$", re.MULTILINE)
_TICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _code_regions(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, code, is_block) of every code region, in order."""
    closers: dict[str, list[int]] = {}
    for m in _FENCE_CLOSE.finditer(text):
        closers.setdefault(m[1], []).append(m.start())
    fences, at = [], 0
    for m in _FENCE_OPEN.finditer(text):
        if m.start() < at:
            continue
        ends = closers.get(m[1], [])
        k = bisect_left(ends, m.end())
        if k < len(ends):
            close = _FENCE_CLOSE.match(text, ends[k])
            assert close is not None
            fences.append((m.start(), close.end(), text[m.end():ends[k]], True))
            at = close.end()
    out, at = [], 0
    for start, end, code, block in [*fences, (len(text), len(text), "", False)]:
        out.extend(_code_spans(text, at, start))
        if start < len(text):
            out.append((start, end, code, block))
        at = end
    return out


def _code_spans(text: str, start: int, end: int) -> list[tuple[int, int, str, bool]]:
    out = []
    bounds = [start, *(m.start() for m in _BLANK_LINE.finditer(text, start, end)), end]
    for a, b in itertools.pairwise(bounds):
        runs = [(m.start(), m.end()) for m in _TICKS.finditer(text, a, b)]
        by_len: dict[int, list[int]] = {}
        for n, (s, e) in enumerate(runs):
            by_len.setdefault(e - s, []).append(n)
        n = 0
        while n < len(runs):
            s, e = runs[n]
            same = by_len[e - s]
            k = bisect_right(same, n)
            if k < len(same):
                close = same[k]
                out.append((s, runs[close][1], text[e:runs[close][0]], False))
                n = close + 1
            else:
                n += 1
    return out


# A link as `[label](target)`: no brackets in the label, no spaces, parentheses or angle brackets in the target.
_LINK = re.compile(r"(!?)\[([^\[\]\n]*)\]\(\s*([^\s()<>\[\]]+)\s*\)")
_SAFE_TARGET = re.compile(r"(?:https?://[^/?#\s]|mailto:[^\s])", re.IGNORECASE)
# Block structure that would make a heading (and an id), an admonition (a class) or a setext underline.
_UNDERLINE = re.compile(r"^([ \t>]*)([=-])(?=\2*[ \t]*$)", re.MULTILINE)
_ADMONITION = re.compile(r"^([ \t>]*)(!)(?=!!)", re.MULTILINE)


def neutralise_md(text: str) -> str:
    """User Markdown with no raw HTML, attribute lists, headings, images, or links other than http(s) and
    mailto (those keep their label, as text); emphasis, lists, paragraphs and code kept."""
    # Line breaks as Python-Markdown reads them: a lone carriage return ends a line too, and the patterns that
    # look at line starts (a setext underline, an admonition, a fence) must see the same lines.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out, at = [], 0
    for start, end, code, block in _code_regions(text):
        out.append(_neutralise_prose(text[at:start]))
        out.append(_code_html(code, block))
        at = end
    out.append(_neutralise_prose(text[at:]))
    return "".join(out)


def _code_html(code: str, block: bool) -> str:
    """Code as HTML whose every mark is a character reference: Markdown can find nothing in it to act on."""
    if block:
        body = "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in code.removesuffix("\n"))
        return f"\n\n<pre><code>{body}</code></pre>\n\n"
    body = "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in " ".join(code.split()))
    return f"<code>{body}</code>"


def _neutralise_prose(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace("{", "&#123;")
    out, at = [], 0
    for m in _LINK.finditer(text):
        out.append(_escape_structure(text[at:m.start()]))
        label = _escape_structure(m[2])
        if m[1] or not _SAFE_TARGET.match(m[3]):  # an image, or a link we do not allow: its label, as text
            out.append(label)
        else:
            out.append(f"[{label}]({escape_url(m[3])})")
        at = m.end()
    out.append(_escape_structure(text[at:]))
    return "".join(out)


def _escape_structure(text: str) -> str:
    """Prose with every bracket and hash a character reference (no link, reference definition or heading can
    form, whatever backslashes precede them), and setext underlines and admonition markers made text."""
    text = text.replace("#", "&#35;").replace("[", "&#91;").replace("]", "&#93;")
    text = _UNDERLINE.sub(lambda m: m[1] + ("&#61;" if m[2] == "=" else "&#45;"), text)
    return _ADMONITION.sub(lambda m: m[1] + "&#33;", text)


_BLOCK_START = re.compile(r"^(\s*)(#|>|[-+*](?=\s)|\d+(?=[.)]))")


def inline_start(text: str) -> str:
    """Text that must stay one paragraph (a list item, a cell) with a leading block marker escaped:
    '1986. The year' stays text instead of becoming a numbered list, '# x' instead of a heading."""
    return _BLOCK_START.sub(lambda m: m[1] + "\\" + m[2] if not m[2][0].isdigit() else m[1] + m[2] + "\\", text,
                            count=1)


_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def plain_text(markdown: str) -> str:
    """Markdown read as plain words (for a link's label): links to their text, emphasis and code marks off."""
    text = _MD_LINK.sub(lambda m: m[1], markdown)
    text = _EMPHASIS.sub(lambda m: m[2] or m[3], text)
    return re.sub(r"`+([^`]*)`+", r"\1", text)


def escape_url(url: str) -> str:
    """A checked URL as a Markdown link target: characters that could end or break it percent-encoded, and
    `&` written `&amp;`, so a character reference in it (`javascript&#58;`) stays those characters."""
    return quote(url.replace("&amp;", "&"), safe=":/?#@!$&'*+,;=%~-._").replace("&", "&amp;")


def isolate(markdown: str) -> str:
    """Inline Markdown of a user's string in a direction isolate (<bdi>), so a right-to-left name or a stray
    direction mark cannot reorder the text around it. ASCII text has no strong right-to-left letter and no
    direction character, so it is left as it is."""
    return markdown if markdown.isascii() else f"<bdi>{markdown}</bdi>"


def page_title(text: str) -> str:
    """A page title safe in Material's header and <title>, where MkDocs does not escape it."""
    return " ".join(text.replace("&", "&amp;").replace("<", "‹").replace(">", "›").split())


# What generated pages may contain after Markdown: structure, our classes and ids, no scripts or handlers.
_TAGS = {
    "a", "abbr", "b", "bdi", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul", "time", "nav", "section", "article", "aside", "figure", "figcaption", "cite",
    "label", "select", "option",  # the claims filter's controls (inert without its script)
    # The build-time pictures (generator/pictures.py): shapes, text and links; no <use>, <animate>, <style>.
    "svg", "g", "rect", "line", "circle", "path", "text", "title",
}
_ATTRS = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "aria-label"},
    "figure": {"data-search-exclude"},  # Material's search skips the pictures
    "svg": {"viewBox", "width", "height", "role", "aria-label"},
    "g": {"aria-hidden"},
    "rect": {"x", "y", "width", "height", "rx"},
    "line": {"x1", "y1", "x2", "y2"},
    "circle": {"cx", "cy", "r"},
    "path": {"d"},
    "text": {"x", "y", "text-anchor", "transform"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "time": {"datetime"},
    "details": {"open"},
    "ol": {"start"},
    "p": {"role"},
    "select": {"name"},
    "option": {"value"},
}


_CLEANER = nh3.Cleaner(tags=_TAGS, attributes=_ATTRS, url_schemes={"http", "https", "mailto"},
                       link_rel="noopener noreferrer", strip_comments=True,  # built once, not per page
                       generic_attribute_prefixes={"data-"})  # data-*: the claims filter's facets


def sanitize_html(html: str) -> str:
    """The allow-list pass over a generated page's HTML (keeps every script's letters, ZWNJ included)."""
    return _CLEANER.clean(html)
