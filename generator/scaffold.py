"""`briefings new`: a commented skeleton briefing for a source text, marked `draft: true`."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .dates import DateError, parse_edtf
from .fields import LANG_PATTERN
from .spec import ID_RE

LANG_RE = re.compile(LANG_PATTERN)
HEADLINE_MAX = 150  # characters; a longer first line is a paragraph, not a headline
HEADLINE_WORDS = 25

SKELETON = """\
# yaml-language-server: $schema={schema}
# A briefing of {text_path}. Fill in every TODO, then run `briefings check`.
# The format: docs/writing-briefings.md. Ids are lowercase slugs; [[id]] links in Markdown fields.
# A draft shows under `mkdocs serve` and is left out of `mkdocs build`; TODOs are allowed only in drafts.
draft: true                             # false (or delete the line) to publish
title: "TODO: the bottom line, as a headline"
source:
  title: {title}
  publication: {publication}{publication_note}
  published: {published}{published_note}
  text: {text_path}
{lang}summary: >-
  TODO: the bottom line up front, in a few neutral sentences. Say who asserts what
  ("{speaker}, citing unnamed sources, says ...").
key_points:
  - TODO
tags: []
actors:                                 # actor id -> role in this article (Markdown)
{actors}events: []
  # - id: {bid}-event                   # unique across the corpus
  #   date: "2015-11-14"
  #   title: What happened
  #   place: '[[hamadan-air-base]]'     # a place in actors.yml (kind place), quoted; or free text: Vienna
  #   actors: [TODO-actor-id]
claims: []
  # - id: {bid}-claim
  #   text: What is asserted, as a proposition (no "X says that").
  #   by: TODO-actor-id                 # who asserts it: the speaker
  #   via: [TODO-agency-id]             # who relayed it, in order, before the publication
  #   said: "2016-08-17"                # EDTF: when it was said
  #   modality: conditional             # conditional | forecast | intention | denial | opinion
  #   attribution: "the article's words for the source"
  #   sourcing: anonymous               # named | anonymous | publication | document | observed
  #   quote: "the exact words from the text"
  #   translation: "your translation of the quote, if it is not in English"
  #   about: [TODO-actor-id]
  #   reliability: F                    # Admiralty A-F
  #   credibility: 3                    # Admiralty 1-6
relations: []
  # - between: [actor-a, actor-b]
  #   kind: alliance
  #   date: "2015-11"
"""


@dataclass
class NewBriefing:
    """What `briefings new` wrote, and what the analyst should look at."""

    path: Path
    id: str
    warnings: list[str] = field(default_factory=list)


def slugify(text: str, limit: int = 64) -> str:
    """An id from a title: ASCII, lowercase, hyphens, at most `limit` characters, cut at a word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "briefing"


def headline_problem(line: str) -> str | None:
    """Why a text's first line does not look like a headline (a paragraph, a sentence), or None."""
    if len(line) > HEADLINE_MAX:
        return f"it is {len(line)} characters long"
    if len(line.split()) > HEADLINE_WORDS:
        return f"it has {len(line.split())} words"
    if line.endswith(".") and not line.endswith(".."):
        return "it ends with a full stop, like a sentence"
    return None


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_skeleton(text_path: str, title: str | None, bid: str, schema: str, publication: str | None = None,
                    published: str | None = None, lang: str | None = None) -> str:
    if publication:
        actors = (f'  {publication}: "TODO: its role in this article (it publishes it)"\n'
                  "  # other-actor-id: its role\n")
    else:
        actors = "  TODO-actor-id: TODO\n"
    return SKELETON.format(
        text_path=text_path, bid=bid, schema=schema, actors=actors,
        speaker=f"[[{publication}]]" if publication else "The outlet",
        title=_yaml_str(title or "TODO: the article's own headline"),
        publication=publication or "TODO-publication-id",
        publication_note="" if publication else "     # an actor of kind media in briefings/actors.yml",
        published=_yaml_str(published or "TODO"),
        published_note="" if published else f"{' ' * 21}# EDTF: 2015-11-27, 2015-11-27~ (approximate), 2015-11",
        lang=f"  lang: {lang}\n" if lang else "  # lang: en                          # BCP 47 language of the text\n",
    )


def _check_options(bid: str | None, publication: str | None, published: str | None, lang: str | None) -> None:
    if bid is not None and not ID_RE.match(bid):
        raise ValueError(f"--id '{bid}' is not a valid id: 1-64 lowercase ASCII letters, digits and hyphens, "
                         "starting with a letter or digit (e.g. russia-iran-hamadan-2016-08)")
    if publication is not None and not ID_RE.match(publication):
        raise ValueError(f"--publication '{publication}' is not a valid id; give the outlet's id in "
                         "briefings/actors.yml (e.g. debka-weekly)")
    if published is not None:
        try:
            parse_edtf(published)
        except DateError as e:
            raise ValueError(f"--published: {e}") from None
    if lang is not None and not LANG_RE.match(lang):
        raise ValueError(f"--lang '{lang}' is not a language tag; give a BCP 47 tag such as en, fr, pt-BR or fa")


def new_briefing(source: Path, root: Path, briefings_dir: str = "briefings", *, id: str | None = None,
                 title: str | None = None, publication: str | None = None, published: str | None = None,
                 lang: str | None = None) -> NewBriefing:
    """Write the skeleton; refuse to overwrite. `title` is the article's headline (default: the text's first
    line, if it looks like one); `id` the briefing id (default: a slug of the headline)."""
    from .loader import MAX_SOURCE_BYTES, refuse_to_read

    _check_options(id, publication, published, lang)
    root = root.resolve()
    source = source if source.is_absolute() else Path.cwd() / source
    why = refuse_to_read(source, root, MAX_SOURCE_BYTES)  # not a device, a pipe, a link out or a secret
    if why:
        hint = "; copy it into seeds/ first" if "outside the project" in why else ""
        raise ValueError(f"{source} {why}{hint}")
    text = source.read_text(encoding="utf-8")
    warnings: list[str] = []
    if title is None:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        problem = headline_problem(first) if first else "the text is empty"
        if problem:
            warnings.append(f"the text's first line does not look like a headline ({problem}); source.title is "
                            "left TODO: pass --title with the article's headline")
        else:
            title = first
    bid = id or (slugify(title) if title else slugify(source.stem))
    if id is None and title is None:
        warnings.append(f"the id '{bid}' comes from the text's file name; pass --id for a better one "
                        "(e.g. the topic and the month)")
    folder = root / briefings_dir
    target = folder / f"{bid}.yml"
    if target.is_symlink():
        raise FileExistsError(f"{target} is a symbolic link; not written through (delete it first)")
    if target.exists():
        raise FileExistsError(f"{target} exists already; not overwritten (rename or delete it first)")
    text_path = Path(os.path.normpath(source)).relative_to(root).as_posix()
    if folder.is_dir():
        clash = next((p for p in sorted(folder.rglob(f"{bid}.yml")) if p != target), None)
        if clash is not None:
            warnings.append(f"a briefing with the id '{bid}' exists already at {clash.relative_to(root).as_posix()}; "
                            "ids are unique across folders: rename one (or pass --id)")
        registry = folder / "actors.yml"
        actors = registry.read_text(encoding="utf-8") if registry.is_file() else ""
        if re.search(rf"^{re.escape(bid)}[ \t]*:", actors, re.MULTILINE):
            warnings.append(f"'{bid}' is an actor's id in {briefings_dir}/actors.yml; ids are shared by briefings "
                            "and actors: pass another --id")
        if publication and actors and not re.search(rf"^{re.escape(publication)}[ \t]*:", actors, re.MULTILINE):
            warnings.append(f"'{publication}' is not in {briefings_dir}/actors.yml yet; add it there "
                            "(kind: media)")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.parent.resolve().is_relative_to(root):
        raise ValueError(f"{target.parent} leads outside the project (a symbolic link); not written")
    schema = "../" * len(target.relative_to(root).parts[:-1]) + "schema/briefing.schema.json"
    # O_EXCL | O_NOFOLLOW: never through a link, never over a file that appeared meanwhile.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(render_skeleton(text_path, title, bid, schema, publication, published, lang))
    return NewBriefing(target, bid, warnings)
