"""JSON Schema (draft 2020-12) of both file kinds, derived from the one definition in `spec`, and of the JSON
export (`corpus_json`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import spec
from .corpus_json import render_corpus_schema

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def render_schemas() -> dict[str, str]:
    """File name -> JSON text."""
    actors: dict[str, Any] = {"$schema": DRAFT, "title": "briefings actor registry (briefings/actors.yml)",
                              **spec.ACTORS_FILE.schema()}
    briefing: dict[str, Any] = {"$schema": DRAFT, "title": "briefings briefing (briefings/**/*.yml)",
                                **spec.BRIEFING.schema()}
    files = {name: json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
             for name, doc in (("actors.schema.json", actors), ("briefing.schema.json", briefing))}
    files["corpus.schema.json"] = render_corpus_schema()  # of `briefings export --format json`
    return files


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
