"""The machinery of the format: field types that parse located YAML nodes into model values, every error
located, and describe themselves as JSON Schema. `spec` puts them together into the format."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from .dates import DATE_PATTERN, VALID_FORMS, DateError, parse_edtf
from .errors import BriefingError, Location, suggest
from .placeholders import has_placeholder
from .reader import CORE_TAGS, NULL_TAG, loc_of, tag_error

MAX_NODES = 200_000  # per file: an alias bomb stops here instead of exploding
MISSING: Any = object()


@dataclass
class ParseContext:
    """What parsing one file collects: errors, and every Markdown field for link checking."""

    rel: str
    errors: list[BriefingError] = field(default_factory=list)
    markdown: list[tuple[str, Location, str]] = field(default_factory=list)  # path, where the text starts, text
    # Document path (`claims[2].about[1]`) -> where its value stands; for a map entry, where its key stands.
    locs: dict[str, Location] = field(default_factory=dict)
    placeholders: list[tuple[str, Location]] = field(default_factory=list)  # values with a TODO: path, where
    nodes: int = 0

    def error(self, node: yaml.Node, path: str, message: str) -> Any:
        self.errors.append(BriefingError(loc_of(node, self.rel), path, message))
        return MISSING


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "empty"
    return f"'{node.value}'" if len(node.value) < 40 else "a text"


class Type:
    doc = ""

    def parse(self, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        """The value of `node`, or MISSING (reported). Every node passes here: it is counted (an alias bomb stops
        at MAX_NODES), its tag checked, and where it stands noted (the map key, parsed first, keeps its place)."""
        ctx.nodes += 1
        if ctx.nodes > MAX_NODES:
            if ctx.nodes == MAX_NODES + 1:
                ctx.error(node, path, f"more than {MAX_NODES:,} values in one file (an alias bomb?); refused")
            return MISSING
        if node.tag not in CORE_TAGS:
            return ctx.error(node, path, tag_error(node) or f"the tag {node.tag} is not supported")
        ctx.locs.setdefault(path, loc_of(node, ctx.rel))
        return self.read(node, ctx, path)

    def read(self, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def blank(self) -> Any:
        """What stands in for a required value that failed, in the (broken) record built all the same."""
        return ""


class Str(Type):
    """A plain string: the text as written, whatever YAML 1.1 would guess (`no` stays 'no')."""

    expect = "a text"

    def __init__(self, doc: str = "", markdown: bool = False) -> None:
        self.doc, self.markdown = doc, markdown

    def read(self, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            hint = ""
            if isinstance(node, yaml.MappingNode) and len(node.value) == 1 and node.flow_style is not True:
                hint = " (a colon followed by a space starts a key: put the whole text in quotes, or use >-)"
            elif self.markdown:
                hint = _link_as_list_hint(node, path)
            return ctx.error(node, path, f"must be {self.expect}, not {_describe(node)}{hint}")
        if node.tag == NULL_TAG or not node.value.strip():
            return ctx.error(node, path, f"is empty; write {self.expect} or remove the key")
        if _refuse_controls(node, ctx, path):
            return MISSING
        if has_placeholder(node.value):
            ctx.placeholders.append((path, loc_of(node, ctx.rel)))
        value = self.convert(node.value, node, ctx, path)
        if value is not MISSING and self.markdown:
            ctx.markdown.append((path, _text_start(node, ctx.rel), value))
        return value

    def convert(self, value: str, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        return value

    def schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.markdown:
            s["description"] = "Markdown; [[id]] or [[id|label]] links to a briefing, actor, event or claim."
        return s


def _text_start(node: yaml.ScalarNode, rel: str) -> Location:
    """Where a text's first character stands, for its links' errors: exact in a one-line scalar (past the quote);
    in a block, the line only (col 0: the column inside a block is not exact)."""
    loc = loc_of(node, rel)
    if node.start_mark.line == node.end_mark.line and node.style in ("", None, "'", '"'):
        return Location(rel, loc.line, loc.col + (node.style in ("'", '"')))
    return Location(rel, loc.line, 0)


def _link_as_list_hint(node: yaml.Node, path: str) -> str:
    """`place: [[hamadan-air-base]]`: YAML reads an unquoted link as a list in a list."""
    inner = node.value[0] if isinstance(node, yaml.SequenceNode) and len(node.value) == 1 else None
    if not (isinstance(inner, yaml.SequenceNode) and len(inner.value) == 1
            and isinstance(inner.value[0], yaml.ScalarNode)):
        return ""
    link = f"'[[{inner.value[0].value}]]'"
    key = path.rsplit(".", 1)[-1]
    written = f"- {link}" if key.endswith("]") else f"{key}: {link}"
    return f" (YAML reads an unquoted [[...]] as a list in a list: quote it: {written})"


class Coordinates(Type):
    """[latitude, longitude] in decimal degrees."""

    doc = "[latitude, longitude] in decimal degrees, e.g. [35.21, 48.65]"

    def read(self, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        if not (isinstance(node, yaml.SequenceNode) and len(node.value) == 2
                and all(isinstance(n, yaml.ScalarNode) for n in node.value)):
            return ctx.error(node, path, f"must be [latitude, longitude], e.g. [35.21, 48.65], not {_describe(node)}")
        out = []
        for i, (n, name, limit) in enumerate(zip(node.value, ("latitude", "longitude"), (90, 180), strict=True)):
            try:
                value = float(n.value) if n.style in ("", None) and n.value.strip() else None
            except ValueError:
                value = None
            if value is None or value != value:  # NaN compares unequal to itself
                return ctx.error(n, f"{path}[{i}]", f"the {name} must be a number in decimal degrees, without "
                                 f"quotes (e.g. 35.21), not {_describe(n)}")
            if not -limit <= value <= limit:
                return ctx.error(n, f"{path}[{i}]", f"the {name} {n.value} is out of range: it lies between "
                                 f"-{limit} and {limit} (is it [latitude, longitude] in that order?)")
            out.append(value)
        return (out[0], out[1])

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "prefixItems": [{"type": "number", "minimum": -90, "maximum": 90},
                                                 {"type": "number", "minimum": -180, "maximum": 180}],
                "minItems": 2, "maxItems": 2}


# Control characters (C0 but tab and newline, DEL, C1), the line and paragraph separators (line breaks to
# YAML: they would break a page's front matter) and the direction overrides, embeddings and isolates (they
# reverse the text around a name). The marks LRM, RLM and ALM stay allowed: right-to-left text uses them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Letters that show nothing (Hangul fillers, the braille blank); marks, separators, controls and format
# characters (zero-width, direction, tags) show nothing on their own either.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _visible(text: str) -> bool:
    """Whether any character shows (stops at the first, so a name costs a character or two)."""
    return any(unicodedata.category(c)[0] not in "MZC" and c not in _BLANK_LETTERS for c in text)


def _refuse_controls(node: yaml.ScalarNode, ctx: ParseContext, path: str) -> Any:
    """An error for a control or direction character, or a text with nothing visible in it; else None."""
    bad = _CONTROL.search(node.value)
    if bad:
        line = node.value.count("\n", 0, bad.start())
        col = bad.start() - (node.value.rfind("\n", 0, bad.start()) + 1)
        name = unicodedata.name(bad[0], "control character")
        return ctx.error(node, path, f"character U+{ord(bad[0]):04X} ({name}) at character {bad.start() + 1} "
                         f"{'(line ' + str(line + 1) + ' of the text, column ' + str(col + 1) + ') ' if line else ''}"
                         "is not allowed: it is invisible and changes how the text around it shows; delete it")
    if not _visible(node.value):
        return ctx.error(node, path, "has no visible character (only spaces or invisible ones); write the text")
    return None


class Date(Str):
    expect = "an EDTF date"

    def convert(self, value: str, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        try:
            return parse_edtf(value)
        except DateError as e:
            return ctx.error(node, path, str(e))

    def blank(self) -> Any:
        return parse_edtf("0001")

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": DATE_PATTERN, "description": VALID_FORMS}


class Enum(Str):
    def __init__(self, values: tuple[Any, ...], doc: str = "") -> None:
        super().__init__(doc)
        self.values = values
        self.expect = "one of " + ", ".join(str(v) for v in values)

    def convert(self, value: str, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        for v in self.values:
            if str(v) == value:
                if isinstance(v, str) or getattr(node, "style", None) in ("", None):
                    return v
                return ctx.error(node, path, f"must be a number: write {value} without quotes")
        hint = suggest(value, [str(v) for v in self.values])
        return ctx.error(node, path, f"'{value}' is not allowed here; use {self.expect}{hint}")

    def schema(self) -> dict[str, Any]:
        if all(isinstance(v, int) for v in self.values):
            return {"type": "integer", "minimum": min(self.values), "maximum": max(self.values)}
        return {"type": "string", "enum": list(self.values)}


class Bool(Str):
    """true or false, as written: YAML 1.1's yes/no/on/off are refused rather than guessed."""

    expect = "true or false"

    def convert(self, value: str, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        if getattr(node, "style", None) in ("", None) and value in ("true", "false"):
            return value == "true"
        return ctx.error(node, path, f"'{value}' is not allowed here; write true or false, without quotes")

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


LANG_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


class Lang(Str):
    """A BCP 47 language tag: en, fr, pt-BR, fa, zh-Hant."""

    expect = "a language tag"
    _RE = re.compile(LANG_PATTERN)

    def convert(self, value: str, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        if not self._RE.match(value):
            return ctx.error(node, path, f"'{value}' is not a language tag; write a BCP 47 tag such as en, fr, "
                             "pt-BR or fa")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": LANG_PATTERN, "description": "BCP 47 language tag, e.g. en, pt-BR"}


# What Url checks, as the schema's patterns too (JSON Schema has no flags: the case is spelled out).
URL_BAD = r"\s\"<>\\`"  # in no URL or identifier: percent-encode it
WEB_PATTERN = rf"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#{URL_BAD}][^{URL_BAD}]*$"
# An identifier has no colon and no `&` (no scheme, no character reference such as `javascript&#58;`), and is
# not a web address without its scheme.
IDENTIFIER_PATTERN = rf"^[^{URL_BAD}:&]+$"
ADDRESS_PATTERN = r"^([Ww][Ww][Ww]\.|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}([/:?#]|$))"


class Url(Str):
    """A URL (http or https) or, unless `web` is set, a bare identifier such as a Wikidata Q-id."""

    expect = "an http(s) URL or an identifier"
    _BAD, _WEB = re.compile(f"[{URL_BAD}]"), re.compile(WEB_PATTERN)
    _IDENTIFIER, _ADDRESS = re.compile(IDENTIFIER_PATTERN), re.compile(ADDRESS_PATTERN)

    def __init__(self, doc: str = "", web: bool = False) -> None:
        super().__init__(doc)
        self.web = web
        if web:
            self.expect = "an http(s) URL"

    def convert(self, value: str, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        bad = self._BAD.search(value)
        if bad:
            return ctx.error(node, path, f"{bad[0]!r} is not allowed in a URL or identifier; percent-encode it "
                             "(a space is %20)")
        if self._WEB.match(value):
            return value
        if self._ADDRESS.match(value):
            return ctx.error(node, path, f"'{value[:60]}' is a web address without its scheme: add https:// "
                             "in front")
        if self.web or not self._IDENTIFIER.match(value):
            return ctx.error(node, path, f"'{value[:40]}' is not allowed: write {self.expect} (https://...)"
                             + ("" if self.web else "; an identifier such as Q7747 has no ':' or '&'"))
        return value

    def schema(self) -> dict[str, Any]:
        if self.web:
            return {"type": "string", "pattern": WEB_PATTERN}
        return {"type": "string", "minLength": 1, "anyOf": [
            {"pattern": WEB_PATTERN}, {"pattern": IDENTIFIER_PATTERN, "not": {"pattern": ADDRESS_PATTERN}}]}


class List(Type):
    def __init__(self, item: Type, doc: str = "", unique: bool = False, length: int | None = None,
                 numbered: bool = False) -> None:
        # numbered: Record items get `n` (1-based position), for default ids that do not shift on errors.
        self.item, self.doc, self.unique, self.length, self.numbered = item, doc, unique, length, numbered

    def read(self, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        if node.tag == NULL_TAG and self.length is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            return ctx.error(node, path, "must be a list (e.g. [a, b] or lines starting with '- '), "
                             f"not {_describe(node)}")
        if self.length is not None and len(node.value) != self.length:
            return ctx.error(node, path, f"must list exactly {self.length} items, not {len(node.value)}")
        out, seen = [], set()
        for i, child in enumerate(node.value):
            value = self.item.parse(child, ctx, f"{path}[{i}]")
            if value is MISSING:
                continue
            if self.numbered:
                value.n = i + 1
            if self.unique and value in seen:
                ctx.error(child, f"{path}[{i}]", f"'{value}' is listed twice; remove one")
                continue
            seen.add(value)
            out.append(value)
        return out

    def blank(self) -> Any:
        return []

    def schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "array", "items": self.item.schema()}
        if self.unique:
            s["uniqueItems"] = True
        if self.length is not None:
            s["minItems"] = s["maxItems"] = self.length
        return s


def _mapping_items(node: yaml.Node, ctx: ParseContext,
                   path: str) -> list[tuple[str, yaml.ScalarNode, yaml.Node]] | None:
    """Keys and values of a mapping; duplicate and non-text keys are errors."""
    if not isinstance(node, yaml.MappingNode):
        what = "empty" if node.tag == NULL_TAG else _describe(node)
        ctx.error(node, path, f"must be a mapping of 'key: value' lines, not {what}")
        return None
    items: list[tuple[str, yaml.ScalarNode, yaml.Node]] = []
    seen: dict[str, int] = {}
    for knode, vnode in node.value:
        if not isinstance(knode, yaml.ScalarNode) or tag_error(knode):
            ctx.error(knode, path, "keys must be plain text")
            continue
        k = knode.value
        if k in seen:
            ctx.error(knode, f"{path}.{k}" if path else k,
                      f"duplicate key '{k}' (first at line {seen[k]}); YAML keeps only one, so merge them")
            continue
        seen[k] = knode.start_mark.line + 1
        items.append((k, knode, vnode))
    return items


class Map(Type):
    """A mapping from ids to values (the briefing's actors -> role, the registry's id -> actor, links)."""

    def __init__(self, key: Type, value: Type, doc: str = "", key_field: str = "") -> None:
        # key_field: the value is a record that takes its key as this field (the registry's actor ids).
        self.key, self.value, self.doc, self.key_field = key, value, doc, key_field

    def read(self, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        if node.tag == NULL_TAG:
            return {}
        items = _mapping_items(node, ctx, path)
        if items is None:
            return MISSING
        out = {}
        for k, knode, vnode in items:
            sub = f"{path}.{k}" if path else k
            kv, vv = self.key.parse(knode, ctx, sub), self.value.parse(vnode, ctx, sub)
            if kv is not MISSING and vv is not MISSING:
                if self.key_field:
                    setattr(vv, self.key_field, kv)
                out[kv] = vv
        return out

    def blank(self) -> Any:
        return {}

    def schema(self) -> dict[str, Any]:
        key = self.key.schema()
        if "pattern" in key:
            return {"type": "object", "patternProperties": {key["pattern"]: self.value.schema()},
                    "additionalProperties": False}
        return {"type": "object", "additionalProperties": self.value.schema()}


@dataclass
class Field:
    key: str
    type: Type
    required: bool = False
    doc: str = ""


class Record(Type):
    """A mapping with known keys that becomes a model object."""

    def __init__(self, cls: Callable[..., Any], fields: list[Field], doc: str = "") -> None:
        self.cls, self.fields, self.doc = cls, {f.key: f for f in fields}, doc

    def read(self, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        items = _mapping_items(node, ctx, path)
        if items is None:
            return MISSING
        values: dict[str, Any] = {}
        ok = True
        for k, knode, vnode in items:
            sub = f"{path}.{k}" if path else k
            f = self.fields.get(k)
            if f is None:
                ctx.error(knode, sub, f"unknown key '{k}'{suggest(k, self.fields)}; "
                          f"allowed here: {', '.join(self.fields)}")
                ok = False
                continue
            v = f.type.parse(vnode, ctx, sub)
            if v is MISSING:
                ok = ok and not f.required
                continue
            values[k] = v
        for f in self.fields.values():
            if f.required and f.key not in values and not any(k == f.key for k, _, _ in items):
                ctx.error(node, path, f"missing required key '{f.key}' ({f.doc or f.type.doc or 'required'})")
                ok = False
        return self.build(values, not ok, file=ctx.rel, path=path, loc=loc_of(node, ctx.rel), locs=ctx.locs)

    def build(self, values: dict[str, Any], broken: bool, **extra: Any) -> Any:
        """The model object. A broken one (a value failed: reported) is built all the same, with a blank for each
        missing required value: its id still counts, so one mistake is not followed by an "unknown id" error at
        every reference to it, and the linker skips it."""
        blanks = {f.key: f.type.blank() for f in self.fields.values()
                  if f.required and f.key not in values and f.key not in extra}
        obj = self.cls(**blanks, **values, **extra)
        obj.broken = broken
        return obj

    def blank(self, **extra: Any) -> Any:
        return self.build({}, True, **extra)

    def schema(self) -> dict[str, Any]:
        props = {}
        for f in self.fields.values():
            s = f.type.schema()
            if f.doc:
                s = {**s, "description": f.doc}
            props[f.key] = s
        out: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": props}
        required = [f.key for f in self.fields.values() if f.required]
        if required:
            out["required"] = required
        if self.doc:
            out["description"] = self.doc
        return out
