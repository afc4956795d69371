"""The `briefings` command: check, render, schema, new, init, export."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BriefingsError

if TYPE_CHECKING:
    from .corpus import Corpus


def _corpus(args: argparse.Namespace) -> Corpus:
    from .corpus import check_corpus

    return check_corpus(Path(args.root), args.briefings, args.seeds)  # drafts too, and what a build would refuse


def cmd_check(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    corpus = _corpus(args)
    for w in corpus.warnings:
        print(w, file=sys.stderr)
    c = corpus.counts()
    warned = f"{len(corpus.warnings)} warning(s); " if corpus.warnings else ""
    drafts = f" ({len(corpus.drafts)} draft{'s' if len(corpus.drafts) != 1 else ''}, left out of builds)" \
        if corpus.drafts else ""
    print(f"ok: {warned}{c['briefings']} briefings{drafts}, {c['actors']} actors, {c['events']} events, "
          f"{c['claims']} claims, {c['relations']} relations; checked in {time.perf_counter() - t0:.2f} s")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import render_schemas, write_schemas

    if args.out is None:
        for name, text in render_schemas().items():
            print(f"// {name}\n{text}")
        return 0
    for path in write_schemas(Path(args.out)):
        print(f"wrote {path}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import new_briefing

    try:
        new = new_briefing(Path(args.source_text), Path(args.root), args.briefings, id=args.id, title=args.title,
                           publication=args.publication, published=args.published, lang=args.lang)
    except (FileExistsError, ValueError, OSError) as e:
        print(f"briefings new: {e}", file=sys.stderr)
        return 1
    for w in new.warnings:
        print(f"briefings new: warning: {w}", file=sys.stderr)
    print(f"wrote {new.path} (draft: true): fill in the TODOs, then run `briefings check`")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from .export import export_site

    out = export_site(Path(args.root), Path(args.out), briefings_dir=args.briefings, seeds=args.seeds)
    print(f"wrote {out}; build it with `mkdocs build -f {out / 'mkdocs.yml'}` or any engine that reads mkdocs.yml")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from .starter import InitError, init_project

    folder = Path(args.dir)
    try:
        init_project(folder, name=args.name, site_url=args.site_url)
    except InitError as e:
        print(f"briefings init: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"briefings init: cannot write {folder}: {e.strerror}", file=sys.stderr)
        return 2
    cd = f"cd {args.dir} && " if args.dir != "." else ""
    print(f"made a new briefings project in {folder.resolve()}\n"
          f"next: {cd}mkdocs serve --dirty, and see its README.md; set site_name, site_description and site_url in "
          "mkdocs.yml")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .corpus import load_corpus
    from .corpus_json import render_corpus_json

    # What the site publishes at /data/corpus.json: drafts left out.
    text = render_corpus_json(load_corpus(Path(args.root), args.briefings, args.seeds, include_drafts=False))
    if args.out is None:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        print(f"briefings export: cannot write {out}: {e.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({len(text.encode()) / 1024:,.0f} KB); its schema: schema/corpus.schema.json")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="briefings", description="Check annotated news briefings (YAML) and turn "
                                "them into a cross-linked MkDocs site.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--root", default=".", help="project root (holds briefings/ and seeds/); default: .")
        sp.add_argument("--briefings", default="briefings", help="briefings folder under the root")
        sp.add_argument("--seeds", default="seeds", help="folder of source texts under the root (source.text is "
                        "read only from there; '.' for the whole project, dot-folders excepted)")

    sp = sub.add_parser("check", help="validate every file; print all errors (exit 1) or a summary (exit 0)")
    common(sp)
    sp.set_defaults(func=cmd_check)
    sp = sub.add_parser("render", help="write the generated pages and docs as a plain docs folder + mkdocs.yml")
    common(sp)
    sp.add_argument("--out", required=True, help="output folder (created; refused if it holds other files)")
    sp.set_defaults(func=cmd_render)
    sp = sub.add_parser("schema", help="write the JSON Schema of actors.yml, of a briefing and of the JSON export")
    sp.add_argument("--out", help="folder to write actors.schema.json and briefing.schema.json; default: stdout")
    sp.set_defaults(func=cmd_schema)
    sp = sub.add_parser("new", help="write a commented skeleton briefing for a source text")
    common(sp)
    sp.add_argument("source_text", help="the article's text file, inside the project (e.g. seeds/article.txt)")
    sp.add_argument("--id", help="the briefing's id, its file name (default: from the headline)")
    sp.add_argument("--title", help="the article's own headline, source.title (default: the text's first line, "
                    "if it looks like a headline)")
    sp.add_argument("--publication", help="the outlet's actor id (kind media), e.g. debka-weekly")
    sp.add_argument("--published", help="EDTF date of publication, e.g. 2016-08-16 or 2015-11-27~")
    sp.add_argument("--lang", help="BCP 47 language of the text, e.g. en, fr, pt-BR")
    sp.set_defaults(func=cmd_new)
    sp = sub.add_parser("init", help="start a new project: mkdocs.yml, an actor registry, README; builds at once")
    sp.add_argument("dir", nargs="?", default=".", help="folder to create, or an empty one; default: .")
    sp.add_argument("--name", help="the site's name; default: from the folder's name")
    sp.add_argument("--site-url", default="https://example.org/",
                    help="where the site will be published (mkdocs.yml's site_url); default: a placeholder")
    sp.set_defaults(func=cmd_init)
    sp = sub.add_parser("export", help="write the linked corpus as JSON (schema: schema/corpus.schema.json)")
    common(sp)
    sp.add_argument("--format", choices=["json"], default="json", help="the only format: json")
    sp.add_argument("--out", help="file to write; default: stdout")
    sp.set_defaults(func=cmd_export)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BriefingsError as e:
        print(e.report(), file=sys.stderr)
        return 1
    except OSError as e:  # disk full, read-only folder: said plainly, no traceback
        where = f" ({e.filename})" if e.filename else ""
        print(f"briefings {args.command}: {e.strerror or e}{where}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
