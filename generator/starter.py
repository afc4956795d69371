"""`briefings init [DIR]`: a new project that builds at once (`mkdocs build --strict`), configured as the shipped
project is, with an actor registry holding one publication and no briefing yet."""

from __future__ import annotations

import re
from pathlib import Path

from .schema import render_schemas

PLACEHOLDER_URL = "https://example.org/"

# Kept in step with the project's own mkdocs.yml by tests/test_starter.py (theme, search, extensions, validation).
MKDOCS_YML = """\
# A briefings site. Change site_name, site_description and site_url; the rest works as it is.
site_name: {name}
site_description: >-
  Annotated briefings on news articles: who asserts what, on whose authority, and where the sources disagree.
# Where the site will be published, ending in /: the sitemap, canonical links and the search index use it.
# Replace the placeholder before you publish, e.g. https://<user>.github.io/<repository>/ for GitHub Pages.
site_url: {site_url}
docs_dir: docs
site_dir: site
use_directory_urls: true
strict: true

theme:
  name: material
  font: false            # no request to Google Fonts: readers are not tracked
  language: en
  features:
    - navigation.sections
    - navigation.top
    - search.highlight
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: blue grey
      accent: deep orange
      toggle:
        icon: material/weather-night
        name: Dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: blue grey
      accent: deep orange
      toggle:
        icon: material/weather-sunny
        name: Light mode

plugins:  # a mapping, not a list, so that a config that INHERITs this one can add a plugin
  search:
    separator: '[\\s\\-,:!=\\[\\]()"/]+|(?!\\b)(?=[A-Z][a-z])'
  briefings:
    briefings: briefings  # actors.yml and one .yml per article
    templates: templates  # your changed page templates, if any (README.md there)
    seeds: seeds          # the articles' full texts

markdown_extensions:
  - attr_list
  - md_in_html
  - tables
  - admonition
  - toc:
      permalink: true

validation:
  omitted_files: info
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn

nav:
  - Home: index.md
  - Briefings: briefings/index.md
  - Actors: actors/index.md
  - Events: events/index.md
  - Claims: claims/index.md
  - Disputes: disputes/index.md
  - Tags: tags/index.md
  - Key: key/index.md
  - About: about.md
"""

ACTORS_YML = """\
# yaml-language-server: $schema=../schema/actors.schema.json
# The actor registry: every actor once, under its id (lowercase letters, digits and hyphens). Briefings name
# actors by these ids. Rename this publication to the outlet you annotate (ids of kind media are what a
# briefing's source.publication names), then add the people, states and organizations its articles name.
example-news:
  name: Example News
  kind: media
  description: The outlet whose articles the briefings summarise.
"""

ABOUT_MD = """\
# About

Say here what this site covers: which outlets and articles it annotates, who writes the briefings, and how
they grade the claims.

This is a hand-written page: any Markdown file in `docs/` becomes a page, listed in the menu once you add it
under `nav` in `mkdocs.yml`. The briefings, actors, events and claims pages are generated; never put files
at their addresses.
"""

README_MD = """\
# {name}

Annotated briefings on news articles, made with `briefings`: each article is summarised in a YAML file (its
actors, events, and every claim with who makes it, on whose authority, and the exact words), checked, and
published as a cross-linked static site (MkDocs with the Material theme).

## Everyday use

```sh
briefings new seeds/article.txt   # a commented skeleton briefing for an article's text, in briefings/
briefings check                   # every error at once, as file:line:col: path: message
mkdocs serve --dirty              # live preview at http://127.0.0.1:8000; a save rebuilds only what changed
mkdocs build                      # the site, in site/ (a bad edit builds nothing; the last good site stays)
briefings export --format json --out corpus.json   # the linked data, for other tools
```

Start by renaming the example publication in `briefings/actors.yml` to the outlet you annotate; then save an
article's full text as UTF-8 in `seeds/` and run `briefings new` on it.

## Layout

| path | what it holds |
| --- | --- |
| `mkdocs.yml` | the site's settings: set `site_name`, `site_description` and `site_url` |
| `briefings/actors.yml` | the actor registry: every actor, once |
| `briefings/**/*.yml` | one briefing per article (folders only organise them) |
| `seeds/*.txt` | the articles' full texts, as received (quotes are checked against them) |
| `docs/` | hand-written pages, such as `about.md` |
| `templates/` | changed page templates, if any: a file here replaces the default of that name |
| `schema/` | JSON Schema of both file kinds, for editor validation (`briefings schema --out schema`) |

## Publishing

`mkdocs build` writes a static site to `site/`: copy it to any web server or static host. For GitHub Pages,
`mkdocs gh-deploy` builds and pushes it to the `gh-pages` branch. Set `site_url` in `mkdocs.yml` to the
published address first. The site also publishes its data at `data/corpus.json`.
"""

TEMPLATES_README = """\
# Your templates

The page templates and the stylesheet ship inside the `briefings` package (`generator/templates/` in its
source). To change a page, copy the one template you want to change into this folder and edit the copy: a
file here replaces the package's file of the same name, and every other page keeps the default.
`mkdocs serve` watches this folder.
"""

GITIGNORE = """\
# The built site and the build's temporary folders
site/
.site.staging/
.site.old/
# Python
.venv/
__pycache__/
"""


class InitError(Exception):
    """A folder `init` will not write into."""


def site_name_of(folder: Path) -> str:
    """A site name from the folder's name: 'gulf-watch' -> 'Gulf watch'."""
    words = re.sub(r"[-_.\s]+", " ", folder.name).strip()
    return (words[:1].upper() + words[1:]) if words else "Briefings"


def _yaml_scalar(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def starter_files(name: str, site_url: str = PLACEHOLDER_URL) -> dict[str, str]:
    """The new project's files: relative path -> text."""
    files = {
        "mkdocs.yml": MKDOCS_YML.format(name=_yaml_scalar(name), site_url=_yaml_scalar(site_url)),
        "README.md": README_MD.format(name=name),
        ".gitignore": GITIGNORE,
        "briefings/actors.yml": ACTORS_YML,
        "docs/about.md": ABOUT_MD,
        "templates/README.md": TEMPLATES_README,
        "seeds/.gitkeep": "",  # git keeps no empty folder
    }
    files.update({f"schema/{n}": text for n, text in render_schemas().items()})
    return files


def init_project(folder: Path, name: str | None = None, site_url: str = PLACEHOLDER_URL) -> list[Path]:
    """Write a new project into `folder` (created if missing; an empty folder, or one holding only `.git`, is
    accepted). Refuses anything else, never overwriting a file. Returns the files written."""
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} exists and is not a folder; choose a new folder name")
    if folder.is_dir():
        others = sorted(p.name for p in folder.iterdir() if p.name != ".git")
        if others:
            shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
            raise InitError(f"{folder} is not empty ({shown}); choose a new or empty folder, init never "
                            "overwrites files")
    if not re.match(r"^https?://[^\s/\"'<>]+", site_url):
        raise InitError(f"--site-url {site_url!r} is not a web address; give one such as "
                        "https://example.github.io/briefings/")
    if not site_url.endswith("/"):
        site_url += "/"
    written = []
    for rel, text in starter_files(name or site_name_of(folder.resolve()), site_url).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
