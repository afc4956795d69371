"""Making input inert in Markdown: escaping plain text, neutralising raw HTML, attribute lists and dangerous
link schemes in user Markdown, and the allow-list HTML sanitizer applied to generated pages."""

from __future__ import annotations

import re
from urllib.parse import quote

import nh3

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>&])")  # what Python-Markdown unescapes (not `~`)
_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# Links with any scheme but http(s) and mailto: [label](javascript:...) keeps only its label, as text;
# a reference definition [r]: data:... is shown as text.
_SCHEME = r"\s*<?\s*(?!https?:|mailto:)[a-z][a-z0-9+.-]*:"
_BAD_INLINE = re.compile(r"\[([^\[\]]*)\]\(" + _SCHEME + r"[^)]*\)", re.IGNORECASE)
_BAD_REFDEF = re.compile(r"^(\s*)\[([^\]]*\]:" + _SCHEME + ")", re.IGNORECASE | re.MULTILINE)


def escape_md(text: str) -> str:
    """Plain text (a name, a title, a place) as inline Markdown that shows exactly those characters."""
    return _MD_SPECIAL.sub(lambda m: _ENTITY.get(m[1]) or "\\" + m[1], " ".join(str(text).split()))


# Code is shown as written by Markdown itself (entities would show literally there), so it is left alone.
_CODE = re.compile(r"^(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^(?P=fence)[ \t]*$|(?P<ticks>`+)[^`].*?(?<!`)(?P=ticks)(?!`)",
                   re.MULTILINE | re.DOTALL)


def neutralise_md(text: str) -> str:
    """User Markdown with no raw HTML, no attribute lists and no script links; the rest, code included, kept."""
    out, at = [], 0
    for m in _CODE.finditer(text):
        out.append(_neutralise_prose(text[at:m.start()]))
        out.append(m[0])
        at = m.end()
    out.append(_neutralise_prose(text[at:]))
    return "".join(out)


def _neutralise_prose(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace("{", "&#123;")
    text = _BAD_INLINE.sub(lambda m: m[1], text)
    return _BAD_REFDEF.sub(lambda m: m[1] + "\\[" + m[2], text)


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
    """A checked URL as a Markdown link target: characters that could end or break it percent-encoded."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def page_title(text: str) -> str:
    """A page title safe in Material's header and <title>, where MkDocs does not escape it."""
    return " ".join(text.replace("&", "&amp;").replace("<", "‹").replace(">", "›").split())


# What generated pages may contain after Markdown: structure, our classes and ids, no scripts or handlers.
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul", "time", "nav", "section", "article", "aside", "figure", "figcaption", "cite",
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
}


_CLEANER = nh3.Cleaner(tags=_TAGS, attributes=_ATTRS, url_schemes={"http", "https", "mailto"},
                       link_rel="noopener noreferrer", strip_comments=True)  # built once, not per page


def sanitize_html(html: str) -> str:
    """The allow-list pass over a generated page's HTML (keeps every script's letters, ZWNJ included)."""
    return _CLEANER.clean(html)
