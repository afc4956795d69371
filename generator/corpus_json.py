"""Data out: the linked corpus as one JSON document (`briefings export --format json`, and `/data/corpus.json` on
the site), and its JSON Schema (`schema/corpus.schema.json`).

Records are derived from the dataclasses in `model` and the indexes of `Corpus`, not listed here, so a field added
to the format flows into the export and its schema (which `briefings schema` then rewrites). The spec lends its
descriptions and tells which strings are ids of what; references between records are ids, annotated in the schema
with `x-refers-to` so that tools (and the tests) can resolve every one."""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Callable
from typing import Any

from . import model, spec
from .corpus import Corpus
from .dates import EdtfDate

VERSION = 1  # raised when a change could break a reader: a field removed, renamed or changed in meaning
DRAFT = "https://json-schema.org/draft/2020-12/schema"
# Top-level records, in the order of the document, and the kind their ids name.
RECORDS: dict[type, tuple[str, str]] = {
    model.Briefing: ("briefings", "briefing"),
    model.Actor: ("actors", "actor"),
    model.Event: ("events", "event"),
    model.Claim: ("claims", "claim"),
    model.Relation: ("relations", "relation"),
}
KIND_OF = {cls: kind for cls, (_, kind) in RECORDS.items()}
KIND_OF[model.EventRef] = "event"  # a report of an event, in a briefing's list, names the event
SKIPPED = {"file", "path", "loc", "locs", "source_text"}  # where a value was read; the source text (own pages)
# How the back-links read, by index; an index without an entry here is still exported, with a generic description.
INDEX_DOCS = {
    "actor_briefings": "[briefing id, role there] of every briefing the actor appears in, newest source first",
    "actor_events": "ids of the events the actor takes part in, in date order",
    "actor_claims_by": "ids of the claims the actor makes",
    "actor_claims_about": "ids of the claims about the actor",
    "actor_relations": "ids of the actor's relations, in date order (undated last)",
    "actor_coactors": "[actor id, briefings shared, claims shared] of the actors it appears with, most shared first",
    "actor_members": "ids of the actors affiliated with it",
    "event_briefings": "ids of the briefings that define or report the event",
    "event_reports": "the reports of the event by other briefings, with what each adds",
    "event_claims": "ids of the claims about the event",
    "claim_supported_by": "ids of the claims whose `supports` lists this one",
    "claim_contradicted_by": "ids of the claims whose `contradicts` lists this one",
    "claim_relations": "ids of the relations that cite this claim as evidence",
}


def relation_id(briefing_id: str, n: int) -> str:
    """A relation's id in the export: its briefing and its position there, from 1 ('alpha-talks/relations/2').
    Relations have no id of their own; the slash keeps these apart from the ids of the format."""
    return f"{briefing_id}/relations/{n}"


def _indexes() -> dict[str, tuple[str, str, Any]]:
    """Corpus index fields as back-links: field name -> (record kind, exported name, value type per id)."""
    hints = typing.get_type_hints(Corpus)
    out = {}
    for f in dataclasses.fields(Corpus):
        kind, _, name = f.name.partition("_")
        hint = hints[f.name]
        if not name or kind not in KIND_OF.values() or typing.get_origin(hint) is not dict:
            continue
        cls = next(c for c, k in KIND_OF.items() if k == kind and c in RECORDS)
        if name in _field_names(cls):  # the record says it already (a briefing's events)
            continue
        out[f.name] = (kind, name, typing.get_args(hint)[1])
    return out


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in SKIPPED)


_PLAIN = {str, int, float, bool, type(None)}
_BY_ID = {model.Briefing, model.Actor, model.Event, model.Claim}


# The document ------------------------------------------------------------------------------------------------

class _Converter:
    def __init__(self, corpus: Corpus) -> None:
        self.relation_ids = {id(r): relation_id(b.id, n) for b in corpus.briefings.values()
                             for n, r in enumerate(b.relations, 1)}

    def value(self, v: Any, inline: bool = False) -> Any:
        """A model value as JSON: records named by their id, except where `inline` (a back-link to a report)."""
        t = type(v)
        if t in _PLAIN:
            return v
        if t is list or t is tuple:
            # Most lists are texts, or records of one kind named by id: no call per item.
            first = type(v[0]) if v else str
            if first in _PLAIN and all(type(x) in _PLAIN for x in v):
                return list(v)
            if first in _BY_ID and all(type(x) is first for x in v):
                return [x.id for x in v]
            return [x.id if type(x) in _BY_ID else x if type(x) in _PLAIN else self.value(x, inline) for x in v]
        if t is dict:
            return {str(k): self.value(x, inline) for k, x in v.items()}
        if t is EdtfDate:
            return v.text
        if t is model.Relation:
            return self.relation_ids[id(v)]
        if t is model.EventRef and not inline:
            return v.ref
        if t in RECORDS:
            return v.id
        if dataclasses.is_dataclass(v):
            return self.record(v)
        raise TypeError(f"cannot export a {t.__name__}")  # a new model type: teach value() about it

    def record(self, obj: Any) -> dict[str, Any]:
        out = {}
        cls: type = type(obj)
        for name in _field_names(cls):
            v = getattr(obj, name)
            if v is not None:  # optional and absent: left out, as in the YAML
                out[name] = self.value(v)
        return out


Join = Callable[[list[Any], Callable[[Any], str]], list[str]]


def render_corpus_json(corpus: Corpus, join: Join | None = None) -> str:
    """The export: version, then every record of each kind with its back-links. Compact: Python's encoder is C
    only without indent, and the file can hold thousands of briefings. `join(records, make)`: texts whose
    comma-join is the records' JSON, which may come from a cache instead of `make(record)`
    (incremental.PageRenderer)."""
    conv = _Converter(corpus)
    indexes = [(field_name, index_kind, name) for field_name, (index_kind, name, _) in _indexes().items()]
    records = {"briefings": corpus.briefings.values(), "actors": corpus.actors.values(),
               "events": corpus.events.values(), "claims": corpus.claims.values(), "relations": corpus.relations}

    def make(key: str, kind: str, obj: Any) -> str:
        rec = conv.record(obj)
        if key == "relations":
            rec = {"id": conv.value(obj), **rec}
        for field_name, index_kind, name in indexes:
            if index_kind == kind:
                rec[name] = conv.value(getattr(corpus, field_name).get(getattr(obj, "id", None), []), inline=True)
        return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))

    # Joined once: the file is 40 MB at 3,000 briefings, and each copy of it takes a hundredth of a second.
    parts = [f'{{"version":{VERSION}']
    for key, kind in RECORDS.values():
        one = functools.partial(make, key, kind)
        texts = join(list(records[key]), one) if join else list(map(one, records[key]))
        parts.append(f',"{key}":[')
        for text in texts:
            parts += (text, ",")
        if texts:
            parts.pop()
        parts.append("]")
    parts.append("}\n")
    return "".join(parts)


# The schema --------------------------------------------------------------------------------------------------

def _spec_records() -> dict[Any, spec.Record]:
    return {v.cls: v for v in vars(spec).values() if isinstance(v, spec.Record)}


def _refers(to: str) -> str:
    """The kind named by a spec reference ('an actor of kind media' -> 'actor')."""
    return to.split()[1]


def _ref(kind: str, description: str = "") -> dict[str, Any]:
    s: dict[str, Any] = {"type": "string", "x-refers-to": kind}
    if description:
        s["description"] = description
    return s


class _Schemas:
    def __init__(self) -> None:
        self.specs = _spec_records()
        self.defs: dict[str, Any] = {}

    def spec_type(self, t: spec.Type) -> dict[str, Any] | None:
        """A spec type's schema with its references marked; None where the export differs from the YAML (nested
        records become ids)."""
        if isinstance(t, spec.Record | spec.EventItem):
            return None
        if isinstance(t, spec.Id) and t.to:
            return {**t.schema(), "x-refers-to": _refers(t.to)}
        if isinstance(t, spec.List):
            item = self.spec_type(t.item)
            return None if item is None else {**t.schema(), "items": item}
        if isinstance(t, spec.Map):
            key, value = self.spec_type(t.key), self.spec_type(t.value)
            if key is None or value is None:
                return None
            return {"type": "object", "propertyNames": key, "additionalProperties": value}
        return t.schema()

    def hint(self, hint: Any, name_kind: str = "") -> dict[str, Any]:
        """A type hint's schema; records by id. `name_kind`: the kind a bare string in this place refers to."""
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin in (types.UnionType, typing.Union):
            options = [a for a in args if a is not type(None)]
            if all(KIND_OF.get(a) == KIND_OF.get(options[0]) and a in KIND_OF for a in options):
                return _ref(KIND_OF[options[0]])  # Event | EventRef: the event, defined or reported
            if len(options) == 1:
                return self.hint(options[0], name_kind)
            return {"anyOf": [self.hint(a, name_kind) for a in options]}
        if origin is list:
            return {"type": "array", "items": self.hint(args[0], name_kind)}
        if origin is tuple:
            items = [self.hint(a, "" if any(b in RECORDS for b in args) else name_kind) for a in args]
            return {"type": "array", "prefixItems": items, "items": False, "minItems": len(args)}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.hint(args[1], name_kind)}
        if hint in RECORDS:
            return _ref(KIND_OF[hint])
        if hint is EdtfDate:
            return spec.Date().schema()
        if hint is str:
            return _ref(name_kind) if name_kind else {"type": "string"}
        if hint is int:
            return {"type": "integer"}
        if hint is bool:
            return {"type": "boolean"}
        if hint is float:
            return {"type": "number"}
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            return {"$ref": f"#/$defs/{self.define(hint)}"}
        raise TypeError(f"no JSON Schema for {hint!r}")

    def define(self, cls: type) -> str:
        """A record's schema under $defs; returns its name."""
        name = KIND_OF[cls] if cls in RECORDS else cls.__name__.lower()
        if cls is model.EventRef:
            name = "event-report"
        if name in self.defs:
            return name
        self.defs[name] = {}  # reserved: records may refer to each other
        record = self.specs.get(cls)
        hints = typing.get_type_hints(cls)
        props: dict[str, Any] = {}
        required = []
        if cls is model.Relation:
            props["id"] = {"type": "string", "description": "<briefing id>/relations/<n>: the relation's briefing "
                           "and its position there, from 1 (relations have no id in the YAML)"}
            required.append("id")
        for fname in _field_names(cls):
            f = record.fields.get(fname) if record else None
            s = self.spec_type(f.type) if f else None
            as_ids = False
            if s is None:
                s = self.hint(hints[fname], fname if fname in KIND_OF.values() else "")
                as_ids = f is not None and "x-refers-to" in s.get("items", s)  # records in the YAML, ids here
            if fname == "id" and "pattern" not in s:
                s = {**s, "pattern": spec.ID_PATTERN}
            doc = (f.doc if f else "") or _DERIVED_DOCS.get(fname, "")
            if as_ids:
                doc += ", as ids (the records are in the document's own lists)"
            if doc:
                s = {**s, "description": doc}
            props[fname] = s
            if not _optional(hints[fname]):
                required.append(fname)
        kind = KIND_OF.get(cls) if cls in RECORDS else None
        for field_name, (index_kind, link, value) in _indexes().items():
            if index_kind == kind:
                plural = next((k for k in KIND_OF.values() if link.endswith(k + "s")), "")
                s = self.hint(value, plural)
                props[link] = {**s, "description": INDEX_DOCS.get(field_name, f"derived: the corpus index "
                                                                                f"{field_name}")}
                required.append(link)
        out: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": props,
                               "required": required}
        if record and record.doc:
            out["description"] = record.doc
        self.defs[name] = out
        return name


_DERIVED_DOCS = {
    "id": "unique across briefings, actors, events and claims",
    "briefing": "id of the briefing that holds it",
    "n": "its position in the briefing's list, from 1",
    "span": "[start, end): where its quote stands in the source text, in characters",
}


def _optional(hint: Any) -> bool:
    return typing.get_origin(hint) in (types.UnionType, typing.Union) and type(None) in typing.get_args(hint)


def corpus_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the export."""
    s = _Schemas()
    props: dict[str, Any] = {"version": {"const": VERSION, "description": "the format's version: raised when a "
                                         "field is removed, renamed or changes meaning; new fields do not raise it"}}
    for cls, (key, _) in RECORDS.items():
        props[key] = {"type": "array", "items": {"$ref": f"#/$defs/{s.define(cls)}"}}
    return {
        "$schema": DRAFT,
        "title": "briefings corpus export (briefings export --format json; /data/corpus.json)",
        "description": "The linked corpus: every briefing, actor, event, claim and relation once, in that order "
                       "of kinds, with back-links. Records name each other by id; every string marked "
                       "x-refers-to is the id of a record of that kind in the same document. Dates are EDTF "
                       "strings as written. Optional fields that are absent in the YAML are absent here.",
        "type": "object",
        "additionalProperties": False,
        "required": list(props),
        "properties": props,
        "$defs": dict(sorted(s.defs.items())),
    }


def render_corpus_schema() -> str:
    return json.dumps(corpus_schema(), indent=2, ensure_ascii=False) + "\n"
