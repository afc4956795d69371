"""The format, defined once: what an id is, and each record's fields with their types (`fields`), which parse
YAML nodes into model values (with located errors) and describe themselves as JSON Schema. `briefings schema`
and validation cannot drift apart."""

from __future__ import annotations

import re
from typing import Any

import yaml

from . import model
from .fields import Bool, Coordinates, Date, Enum, Field, Lang, List, Map, ParseContext, Record, Str, Type, Url

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
ID_RE = re.compile(ID_PATTERN)
ID_HELP = ("an id is 1-64 lowercase ASCII letters, digits and hyphens, starting with a letter or digit "
           "(e.g. 'putin', 'vienna-talks-2015-11-14')")
# Ids that name our own pages (actors/index.md is the actor index): an actor or briefing by that id would
# silently replace it.
RESERVED_IDS = frozenset({"index"})
RESERVED_HELP = "'{id}' is reserved (it names the index pages); choose another id"


class Id(Str):
    """An id that is defined here, or (with `to`) a reference to one of those kinds."""

    expect = "an id"

    def __init__(self, to: str = "") -> None:
        super().__init__()
        self.to = to

    def convert(self, value: str, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        if not ID_RE.match(value):
            return ctx.error(node, path, f"'{value}' is not a valid id: {ID_HELP}")
        if value in RESERVED_IDS and not self.to:
            return ctx.error(node, path, RESERVED_HELP.format(id=value))
        return value

    def schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN}
        if self.to:
            s["description"] = f"The id of {self.to}."
        return s


class EventItem(Type):
    """An event defined here (`id`), or a report of one defined elsewhere (`ref`)."""

    def read(self, node: yaml.Node, ctx: ParseContext, path: str) -> Any:
        if isinstance(node, yaml.MappingNode) and any(
            isinstance(k, yaml.ScalarNode) and k.value == "ref" for k, _ in node.value
        ):
            return EVENT_REF.read(node, ctx, path)
        return EVENT.read(node, ctx, path)

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [EVENT.schema(), EVENT_REF.schema()]}


MD = "Markdown"
ACTOR = Record(model.Actor, [
    Field("name", Str(), True, "display name, in any script"),
    Field("kind", Enum(model.ACTOR_KINDS), True, " | ".join(model.ACTOR_KINDS)),
    Field("title", Str(), False, "office or role, e.g. President of Russia"),
    Field("affiliation", Id("an actor"), False, "another actor's id"),
    Field("aliases", List(Str(), unique=True), False, "other names and spellings, searchable"),
    Field("description", Str(markdown=True), False, MD),
    Field("links", Map(Str(), Url()), False, "label -> URL or identifier, e.g. {wikidata: Q7747}"),
    Field("coordinates", Coordinates(), False, "for a place: [latitude, longitude] in decimal degrees"),
], "An actor profile.")
ACTORS_FILE = Map(Id(), ACTOR, "The actor registry: actor id -> profile.", key_field="id")

SOURCE = Record(model.Source, [
    Field("title", Str(), True, "the article's headline"),
    Field("publication", Id("an actor of kind media"), True, "actor id of the publishing outlet (kind media)"),
    Field("published", Date(), True, "EDTF date of publication"),
    Field("url", Url(web=True), False, "where the article is online"),
    Field("text", Str(), False, "path of the full text, from the project root (e.g. seeds/x.txt)"),
    Field("lang", Lang(), False, "BCP 47 language of the text and its quotes, e.g. en, fr, pt-BR"),
], "The article summarised.")

EVENT = Record(model.Event, [
    Field("id", Id(), True, "unique id"),
    Field("date", Date(), True, "EDTF date"),
    Field("title", Str(), True, "what happened, in one line"),
    Field("place", Str(markdown=True), False, "free text, or '[[id]]' (quoted) linking to an actor of kind place"),
    Field("actors", List(Id("an actor"), unique=True), False, "actor ids"),
    Field("description", Str(markdown=True), False, MD),
], "An event this briefing defines.")
EVENT_REF = Record(model.EventRef, [
    Field("ref", Id("an event"), True, "id of an event defined in another briefing"),
    Field("description", Str(markdown=True), False, MD),
], "An event defined in another briefing that this one reports too.")

CLAIM = Record(model.Claim, [
    Field("id", Id(), False, "unique id; default <briefing-id>-<n>, n from 1"),
    Field("text", Str(markdown=True), True, "Markdown: the proposition itself, without 'X asserts that'"),
    Field("assessment", Str(markdown=True), False, "Markdown: the analyst's reasoning for the grade"),
    Field("by", Id("an actor"), True, "actor id of who asserts it"),
    Field("via", List(Id("an actor"), unique=True), False,
          "actor ids the statement passed through on its way to the publication, in order"),
    Field("said", Date(), False, "EDTF: when the statement was made"),
    Field("modality", Enum(model.MODALITIES), False, " | ".join(model.MODALITIES)),
    Field("attribution", Str(), False, "how the article attributes it"),
    Field("sourcing", Enum(model.SOURCINGS), True, "named | anonymous | publication | document | observed"),
    Field("quote", Str(), False, "the exact words in the source text"),
    Field("translation", Str(), False, "the analyst's translation of a foreign-language quote"),
    Field("about", List(Id("an actor"), unique=True), False, "actor ids the claim concerns"),
    Field("events", List(Id("an event"), unique=True), False, "event ids"),
    Field("reliability", Enum(model.RELIABILITY), False, "Admiralty source reliability A-F"),
    Field("credibility", Enum(model.CREDIBILITY), False, "Admiralty information credibility 1-6"),
    Field("supports", List(Id("a claim"), unique=True), False, "claim ids this one corroborates"),
    Field("contradicts", List(Id("a claim"), unique=True), False, "claim ids this one disputes"),
], "A claim the article reports.")

RELATION = Record(model.Relation, [
    Field("between", List(Id("an actor"), unique=True, length=2), True, "exactly two different actor ids"),
    Field("kind", Str(), True, "short free text: alliance, rift, talks..."),
    Field("date", Date(), False, "EDTF: when this holds"),
    Field("text", Str(markdown=True), False, MD),
    Field("claims", List(Id("a claim"), unique=True), False, "the claims that evidence it"),
], "How two actors stand.")

BRIEFING = Record(model.Briefing, [
    Field("title", Str(), True, "the briefing's title"),
    Field("source", SOURCE, True, "the article summarised"),
    Field("summary", Str(markdown=True), True, "Markdown: the bottom line up front"),
    Field("draft", Bool(), False, "true: shown by mkdocs serve, left out of builds"),
    Field("key_points", List(Str(markdown=True)), False, "list of Markdown strings"),
    Field("tags", List(Id(), unique=True), False, "tag ids"),
    Field("actors", Map(Id("an actor"), Str(markdown=True)), True, "actor id -> role in this article (Markdown)"),
    Field("events", List(EventItem()), False, "events defined here ({id, date, title...}) or reported ({ref})"),
    Field("claims", List(CLAIM, numbered=True), False, "the article's claims"),
    Field("relations", List(RELATION), False, "how actors stand"),
], "One briefing: an annotated summary of one article.")
