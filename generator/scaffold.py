"""`briefings new`: a commented skeleton briefing for a source text."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

SKELETON = """\
# yaml-language-server: $schema={schema}
# A briefing of {text_path}. Fill in every TODO, then run `briefings check`.
# The format: docs/writing-briefings.md. Ids are lowercase slugs; [[id]] links in Markdown fields.
title: "TODO: the bottom line, as a headline"
source:
  title: {title}
  publication: TODO-publication-id     # an actor of kind media in briefings/actors.yml
  published: "TODO"                     # EDTF: 2015-11-27, 2015-11-27~ (approximate), 2015-11
  text: {text_path}
summary: >-
  TODO: the bottom line up front, in a few neutral sentences. Say who asserts what
  ("[[debka-weekly]], citing unnamed sources, says ...").
key_points:
  - TODO
tags: []
actors:                                 # actor id -> role in this article (Markdown)
  TODO-actor-id: TODO
events: []
  # - id: {bid}-event                   # unique across the corpus
  #   date: "2015-11-14"
  #   title: What happened
  #   place: Where
  #   actors: [TODO-actor-id]
claims: []
  # - id: {bid}-claim
  #   text: What is asserted.
  #   by: TODO-actor-id                 # who asserts it
  #   attribution: "the article's words for the source"
  #   sourcing: anonymous               # named | anonymous | publication | document | observed
  #   quote: "the exact words from the text"
  #   about: [TODO-actor-id]
  #   reliability: F                    # Admiralty A-F
  #   credibility: 3                    # Admiralty 1-6
relations: []
  # - between: [actor-a, actor-b]
  #   kind: alliance
  #   date: "2015-11"
"""


def slugify(text: str, limit: int = 64) -> str:
    """An id from a title: ASCII, lowercase, hyphens, at most `limit` characters, cut at a word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "briefing"


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_skeleton(text_path: str, title: str, bid: str, schema: str) -> str:
    return SKELETON.format(text_path=text_path, title=_yaml_str(title), bid=bid, schema=schema)


def new_briefing(source: Path, root: Path, briefings_dir: str = "briefings") -> Path:
    """Write the skeleton; refuse to overwrite, and to write through a symbolic link. Returns the new file's
    path. The source must be a regular text file of the project (not a device, a pipe, or a link out)."""
    from .loader import MAX_SOURCE_BYTES, refuse_to_read

    root = root.resolve()
    source = source if source.is_absolute() else Path.cwd() / source
    why = refuse_to_read(source, root, MAX_SOURCE_BYTES)
    if why:
        hint = "; copy it into seeds/ first" if "outside the project" in why else ""
        raise ValueError(f"{source} {why}{hint}")
    text = source.read_text(encoding="utf-8")
    first = next((line.strip() for line in text.splitlines() if line.strip()), source.stem)
    bid = slugify(first)
    target = root / briefings_dir / f"{bid}.yml"
    if target.is_symlink():
        raise FileExistsError(f"{target} is a symbolic link; not written through (delete it first)")
    if target.exists():
        raise FileExistsError(f"{target} exists already; not overwritten (rename or delete it first)")
    text_path = Path(os.path.normpath(source)).relative_to(root).as_posix()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.parent.resolve().is_relative_to(root):
        raise ValueError(f"{target.parent} leads outside the project (a symbolic link); not written")
    schema = "../" * len(target.relative_to(root).parts[:-1]) + "schema/briefing.schema.json"
    # O_EXCL | O_NOFOLLOW: never through a link, never over a file that appeared meanwhile.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(render_skeleton(text_path, first, bid, schema))
    return target
