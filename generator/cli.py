"""The `briefings` command: check, render, schema, new."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import BriefingsError


def _corpus(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .corpus import load_corpus

    return load_corpus(Path(args.root), args.briefings, args.seeds)


def cmd_check(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    corpus = _corpus(args)
    c = corpus.counts()
    print(f"ok: {c['briefings']} briefings, {c['actors']} actors, {c['events']} events, {c['claims']} claims, "
          f"{c['relations']} relations; checked in {time.perf_counter() - t0:.2f} s")
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
        path = new_briefing(Path(args.source_text), Path(args.root), args.briefings)
    except (FileExistsError, ValueError, OSError) as e:
        print(f"briefings new: {e}", file=sys.stderr)
        return 1
    print(f"wrote {path}: fill in the TODOs, then run `briefings check`")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from .export import export_site

    out = export_site(Path(args.root), Path(args.out), briefings_dir=args.briefings, seeds=args.seeds)
    print(f"wrote {out}; build it with `mkdocs build -f {out / 'mkdocs.yml'}` or any engine that reads mkdocs.yml")
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
    sp = sub.add_parser("schema", help="write the JSON Schema of actors.yml and of a briefing")
    sp.add_argument("--out", help="folder to write actors.schema.json and briefing.schema.json; default: stdout")
    sp.set_defaults(func=cmd_schema)
    sp = sub.add_parser("new", help="write a commented skeleton briefing for a source text")
    common(sp)
    sp.add_argument("source_text", help="the article's text file, inside the project (e.g. seeds/article.txt)")
    sp.set_defaults(func=cmd_new)
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
