"""The typed model of the format. Field names are the YAML keys; every object keeps where it was read:
`file`, `path` (its document path, e.g. `claims[2]`), `loc`, `locs` (its file's document path -> location table,
for `loc_of`), and whether it is `broken`."""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import EdtfDate
from .errors import Location

ACTOR_KINDS = ("person", "state", "organization", "group", "media", "place", "other")
PLACE_KINDS = ("place", "state")  # what an event's `place: '[[id]]'` may link to
SOURCINGS = ("named", "anonymous", "publication", "document", "observed")
RELIABILITY = ("A", "B", "C", "D", "E", "F")
CREDIBILITY = (1, 2, 3, 4, 5, 6)
# What kind of statement a claim is, where it is not a plain assertion of fact.
MODALITIES = ("conditional", "forecast", "intention", "denial", "opinion")


@dataclass(eq=False, kw_only=True)
class Located:
    file: str = ""
    path: str = ""
    loc: Location = field(default_factory=lambda: Location(""))
    locs: dict[str, Location] = field(default_factory=dict, repr=False)
    broken = False  # a value failed (reported): built all the same, skipped by the linker; not a field, not exported

    def loc_of(self, key: str) -> Location:
        """Where the value at `key` (`by`, `about[1]`) was read; the object itself if unknown."""
        return self.locs.get(self.path_of(key), self.loc)

    def path_of(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key


@dataclass(eq=False, kw_only=True)
class Actor(Located):
    id: str = ""  # set from its key in the registry
    name: str
    kind: str
    title: str | None = None
    affiliation: str | None = None
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    coordinates: tuple[float, float] | None = None  # latitude, longitude in decimal degrees (kind place)


@dataclass(eq=False, kw_only=True)
class Source(Located):
    title: str
    publication: str
    published: EdtfDate
    url: str | None = None
    text: str | None = None
    lang: str | None = None  # BCP 47: the language of the text and its quotes


@dataclass(eq=False, kw_only=True)
class Event(Located):
    id: str
    date: EdtfDate
    title: str
    place: str | None = None
    actors: list[str] = field(default_factory=list)
    description: str | None = None
    briefing: str = ""  # id of the briefing that defines it


@dataclass(eq=False, kw_only=True)
class EventRef(Located):
    """A briefing's report of an event defined in another briefing."""

    ref: str
    description: str | None = None
    briefing: str = ""


@dataclass(eq=False, kw_only=True)
class Claim(Located):
    id: str = ""
    text: str
    assessment: str | None = None  # the analyst's reasoning for the grade, apart from what the source asserts
    by: str
    via: list[str] = field(default_factory=list)  # actors the statement passed through, speaker to publication
    said: EdtfDate | None = None  # when the statement was made
    modality: str | None = None
    attribution: str | None = None
    sourcing: str
    quote: str | None = None
    translation: str | None = None  # the analyst's translation of a foreign-language quote
    about: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    reliability: str | None = None
    credibility: int | None = None
    supports: list[str] = field(default_factory=list)
    contradicts: list[str] = field(default_factory=list)
    briefing: str = ""
    n: int = 0  # position in the briefing's claims, from 1
    span: tuple[int, int] | None = None  # where `quote` stands in the source text

    @property
    def chain(self) -> list[str]:
        """Who the statement comes from and every actor it passed through, in order."""
        return [self.by, *self.via]

    @property
    def rating(self) -> str | None:
        """The Admiralty code, e.g. 'F3', 'F', '3', or None."""
        code = f"{self.reliability or ''}{self.credibility or ''}"
        return code or None


@dataclass(eq=False, kw_only=True)
class Relation(Located):
    between: list[str]
    kind: str
    date: EdtfDate | None = None
    text: str | None = None
    claims: list[str] = field(default_factory=list)
    briefing: str = ""


@dataclass(eq=False, kw_only=True)
class Briefing(Located):
    id: str = ""  # set from its file name
    title: str
    source: Source
    summary: str
    draft: bool = False
    key_points: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    actors: dict[str, str] = field(default_factory=dict)
    events: list[Event | EventRef] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    source_text: str | None = None  # the contents of source.text, once read
