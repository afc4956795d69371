"""Load: YAML files -> model objects. Each file's problems are collected, never raised one by one."""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import fields, model, spec
from .errors import BriefingError, Location
from .placeholders import placeholder_errors
from .reader import read_yaml

ACTORS_FILE = "actors.yml"


@dataclass
class Loaded:
    """Everything read from disk, before references are checked."""

    root: Path
    actors: list[model.Actor] = field(default_factory=list)
    briefings: list[model.Briefing] = field(default_factory=list)
    # Every Markdown field: (document path, location of its first character, text).
    markdown: list[tuple[str, Location, str]] = field(default_factory=list)
    errors: list[BriefingError] = field(default_factory=list)
    seeds: str = "seeds"  # the folder source texts are read from (the plugin's `seeds` option)

    @functools.cached_property
    def seeds_dir(self) -> Path:
        return (self.root / self.seeds).resolve()


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _collect(ctx: fields.ParseContext, loaded: Loaded) -> None:
    loaded.errors.extend(ctx.errors)
    loaded.markdown.extend(ctx.markdown)


# Parsed files by path: (sha-256 of the bytes, what parsing them added to a fresh Loaded). Under `mkdocs serve`
# an edit re-parses only the files whose bytes changed. The model objects are reused as they are: parsing sets
# everything they hold, and linking only sets a quote's span, the same for the same source text.
ParseCache = dict[Path, tuple[bytes, Loaded]]


def _parse_cached(path: Path, root: Path, loaded: Loaded, cache: ParseCache | None,
                  parse: Callable[[Path, Path, Loaded], None]) -> None:
    if cache is None or refuse_to_read(path, root):  # a file we may not read: parse() says why, every time
        parse(path, root, loaded)
        return
    try:
        digest = hashlib.sha256(path.read_bytes()).digest()
    except OSError:  # missing or unreadable: parse() says so, every time
        parse(path, root, loaded)
        return
    hit = cache.get(path)
    if hit is None or hit[0] != digest:
        hit = cache[path] = (digest, Loaded(root))
        parse(path, root, hit[1])
    part = hit[1]
    loaded.actors.extend(part.actors)
    loaded.briefings.extend(part.briefings)
    loaded.markdown.extend(part.markdown)
    loaded.errors.extend(part.errors)


def load_actors(path: Path, root: Path, loaded: Loaded, cache: ParseCache | None = None) -> None:
    if cache is not None and path.is_file():
        _parse_cached(path, root, loaded, cache, load_actors)
        return
    rel = _rel(path, root)
    if not path.is_file() and not path.is_symlink():
        loaded.errors.append(BriefingError(Location(rel), "", "the actor registry is missing; create it with "
                                           "one entry per actor (e.g. 'putin: {name: Vladimir Putin, kind: person}')"))
        return
    why = refuse_to_read(path, root)
    if why:
        loaded.errors.append(BriefingError(Location(rel), "", f"the actor registry {why}"))
        return
    node, errors = read_yaml(path, rel)
    loaded.errors.extend(errors)
    if node is None:
        if not errors:
            loaded.errors.append(BriefingError(Location(rel, 1, 1), "", "the actor registry is empty; add one "
                                               "entry per actor (e.g. 'putin: {name: Vladimir Putin, kind: person}')"))
        return
    ctx = fields.ParseContext(rel)
    actors = spec.ACTORS_FILE.parse(node, ctx, "")
    _collect(ctx, loaded)
    if actors is not fields.MISSING:
        loaded.actors.extend(actors.values())


# In a file that does not parse: top-level keys, `id:` lines, and a claim's `text:` (its default id).
_GUESS = re.compile(r"^(?:(\w+):|[ \t-]*id:[ \t]*['\"]?([a-z0-9][a-z0-9-]{0,63})['\"]?[ \t]*$|[ \t-]*text:)",
                    re.MULTILINE)


def _guess_briefing(path: Path, briefing: model.Briefing) -> None:
    """A file that does not parse still defines ids: guess its events and claims from its lines (ids under
    `events:` and `claims:`, a default claim id per claim `text:`), so that its syntax error is not followed by
    an 'unknown id' error at every reference to them."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    section, texts, line, seen = "", 0, 1, 0
    for m in _GUESS.finditer(text):
        line, seen = line + text.count("\n", seen, m.start()), m.start()
        at = {"file": briefing.file, "loc": Location(briefing.file, line, 1)}
        if m[1]:
            section = m[1]
        elif section == "events" and m[2]:
            briefing.events.append(spec.EVENT.blank(id=m[2], path=f"events[{len(briefing.events)}]", **at))
        elif section == "claims":
            i, texts = texts, texts + (not m[2])  # an `id:` line starts the claim whose `text:` comes next
            briefing.claims.append(spec.CLAIM.blank(id=m[2] or "", n=texts, path=f"claims[{i}]", **at))


def load_briefing(path: Path, root: Path, loaded: Loaded, cache: ParseCache | None = None) -> None:
    start = len(loaded.briefings)
    _parse_cached(path, root, loaded, cache, _parse_briefing)
    for briefing in loaded.briefings[start:]:  # the source text is read every time: it is another file
        if briefing.source.text:
            briefing.source_text = _read_source_text(briefing, root, loaded)


def _parse_briefing(path: Path, root: Path, loaded: Loaded) -> None:
    rel, bid = _rel(path, root), path.stem
    # What stands for a file that did not parse: its id (and guessed ones) still count.
    blank = spec.BRIEFING.blank(id=bid, file=rel, loc=Location(rel, 1, 1))
    why = refuse_to_read(path, root)
    if why:
        loaded.errors.append(BriefingError(Location(rel), "", f"this briefing file {why}"))
        _add_briefing(blank, loaded)
        return
    node, errors = read_yaml(path, rel)
    loaded.errors.extend(errors)
    if errors:
        _guess_briefing(path, blank)
        _add_briefing(blank, loaded)
        return
    if node is None:
        # Line 1, column 1 like every other error: editors' problem matchers need a line.
        loaded.errors.append(BriefingError(Location(rel, 1, 1), "", "the file is empty; write a briefing or delete it "
                                           "('briefings new SOURCE_TEXT' writes a skeleton)"))
        return
    if not spec.ID_RE.match(bid):  # reported, and the file is still read so its own errors show too
        loaded.errors.append(BriefingError(Location(rel, 1, 1), "",
                                           f"file name '{path.name}' does not give a valid briefing id: "
                                           f"{spec.ID_HELP}"))
    elif bid in spec.RESERVED_IDS:
        loaded.errors.append(BriefingError(Location(rel), "", "file name: " + spec.RESERVED_HELP.format(id=bid)))
    ctx = fields.ParseContext(rel)
    briefing = spec.BRIEFING.parse(node, ctx, "")
    _collect(ctx, loaded)
    if briefing is fields.MISSING:  # not a mapping (reported)
        briefing = blank
    briefing.id = bid
    if not briefing.draft:  # a draft may keep the skeleton's TODOs; a published briefing may not
        loaded.errors.extend(placeholder_errors(ctx.placeholders, {e.loc for e in ctx.errors}))
    _add_briefing(briefing, loaded)


def _add_briefing(briefing: model.Briefing, loaded: Loaded) -> None:
    for claim in briefing.claims:
        claim.id = claim.id or f"{briefing.id}-{claim.n}"
        claim.briefing = briefing.id
    for item in (*briefing.events, *briefing.relations):
        item.briefing = briefing.id
    loaded.briefings.append(briefing)


def _read_source_text(b: model.Briefing, root: Path, loaded: Loaded) -> str | None:
    src = b.source
    loc, where = src.loc_of("text"), src.path_of("text")
    text_path = str(src.text)
    path = root / text_path
    if "\x00" in text_path:
        loaded.errors.append(BriefingError(loc, where, f"{text_path!r} is not a usable path; write a path such as "
                                           f"{loaded.seeds}/article.txt"))
        return None
    if os.path.isabs(text_path) or _within(os.path.normpath(path), str(root)) is None:
        loaded.errors.append(BriefingError(loc, where, f"'{text_path}' is outside the project; source texts must "
                                           f"live inside it (e.g. {loaded.seeds}/article.txt), symlinks out included"))
        return None
    target = resolve_input(path, root, MAX_SOURCE_BYTES)
    if isinstance(target, str):
        loaded.errors.append(BriefingError(loc, where, f"'{text_path}' {target}"))
        return None
    if _within(str(target), str(loaded.seeds_dir)) is None:
        loaded.errors.append(BriefingError(loc, where, f"'{text_path}' is not in the seeds folder '{loaded.seeds}': "
                                           "source texts are published, so they are read only from there; move it "
                                           "there, or name another folder with the `seeds` option (--seeds)"))
        return None
    try:
        with target.open("rb") as f:  # the file checked, even if the link changed since
            data = f.read(MAX_SOURCE_BYTES + 1)
    except OSError as e:
        loaded.errors.append(BriefingError(loc, where, f"cannot read '{text_path}': {e.strerror}"))
        return None
    if len(data) > MAX_SOURCE_BYTES:
        loaded.errors.append(BriefingError(loc, where, f"'{text_path}' is larger than {MAX_SOURCE_BYTES:,} bytes, "
                                           "the limit for a source text; keep only the article's own text"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        loaded.errors.append(BriefingError(loc, where, f"'{text_path}' is not UTF-8 text; convert it to UTF-8"))
    return None


# A source text is one article: the longest news articles are some 100 KB of text.
MAX_SOURCE_BYTES = 5_000_000


def _within(path: str, root: str) -> str | None:
    """`path` relative to `root` ("" for the root itself), or None if it is outside; both absolute and normal.
    Strings, not pathlib: this runs for every input at every edit under serve (0.24 s of pathlib at 3,000
    briefings)."""
    if path == root:
        return ""
    prefix = root if root.endswith(os.sep) else root + os.sep
    return path[len(prefix):] if path.startswith(prefix) else None


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split(os.sep))


def refuse_to_read(path: Path, root: Path, limit: int | None = None) -> str | None:
    """Why a file of the project must not be read as input, or None. Input is published, so: only regular
    files inside the project (symlinks followed), never in a hidden folder or a dot-file (`.git/config`,
    `.env`), and at most `limit` bytes. `root` is resolved."""
    why = resolve_input(path, root, limit)
    return why if isinstance(why, str) else None


def resolve_input(path: Path, root: Path, limit: int | None = None) -> Path | str:
    """The file `path` is (symlinks followed) if it may be read as input, else why not (refuse_to_read)."""
    top = str(root)
    written = _within(os.path.normpath(path), top)
    if written is None:
        return "is outside the project"
    if _hidden(written):
        return "is hidden (a dot-file or in a dot-folder, such as .git or .env): such files are never read"
    try:
        target = os.path.realpath(path, strict=True)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "is a loop of symbolic links; point the link at a file"
        if isinstance(e, FileNotFoundError):
            return f"does not exist (paths start at the project root, e.g. seeds/article.txt){_dangling(path)}"
        return f"cannot be read: {e.strerror}"
    inside = _within(target, top)
    if inside is None:
        return "is outside the project (a symbolic link out of it); copy the file in instead"
    if _hidden(inside):
        return "is a symbolic link to a hidden file (a dot-file or in a dot-folder); such files are never read"
    try:
        st = os.stat(target)
    except OSError as e:
        return f"cannot be read: {e.strerror}"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file (a folder, a device or a pipe); name a text file"
    if limit is not None and st.st_size > limit:
        return f"is {st.st_size:,} bytes; the limit is {limit:,}"
    return Path(target)


def _dangling(path: Path) -> str:
    return " (it is a symbolic link to a missing file)" if path.is_symlink() else ""


def briefing_files(briefings_dir: Path) -> list[Path]:
    """Every briefing file: any .yml below the folder except the registry and hidden files and folders (an
    editor's `.#x.yml`, a `.git`), in a stable order."""
    return sorted(p for p in briefings_dir.rglob("*.yml")
                  if p != briefings_dir / ACTORS_FILE and (p.is_file() or p.is_symlink())
                  and not any(part.startswith(".") for part in p.relative_to(briefings_dir).parts))


def load_files(root: Path, briefings_dir: str = "briefings", seeds: str = "seeds",
               cache: ParseCache | None = None) -> Loaded:
    root = root.resolve()
    folder = root / briefings_dir
    loaded = Loaded(root, seeds=seeds)
    if not folder.is_dir():
        loaded.errors.append(BriefingError(Location(briefings_dir), "", "no briefings folder here; run from the "
                                           "project root or pass --root"))
        return loaded
    load_actors(folder / ACTORS_FILE, root, loaded, cache)
    for path in briefing_files(folder):
        load_briefing(path, root, loaded, cache)
    for path in sorted(folder.rglob("*.yaml")):
        loaded.errors.append(BriefingError(Location(_rel(path, root), 1, 1), "",
                                           "briefing files end in .yml; rename it so it is read"))
    return loaded
