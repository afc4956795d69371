"""The `briefings` command as a user runs it: exit codes, output, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml
from corpuskit import ALPHA, make_project

REPO = Path(__file__).parent.parent


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_check_passes_on_the_shipped_corpus() -> None:
    r = run("check")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok: ") and "2 briefings," in r.stdout and "claims" in r.stdout


def test_check_reports_every_error_and_exits_1(tmp_path: Path) -> None:
    root = make_project(tmp_path, {ALPHA: ("    by: gazette", "    by: gazete")})
    (root / "briefings" / "broken.yml").write_text("title: [\n")
    r = run("check", "--root", str(root))
    assert r.returncode == 1
    assert "briefings/2015/alpha-talks.yml:" in r.stderr and "did you mean 'gazette'?" in r.stderr
    assert "briefings/broken.yml:" in r.stderr and "YAML syntax error" in r.stderr
    assert "2 errors found." in r.stderr and "Traceback" not in r.stderr


def test_check_on_a_folder_without_briefings(tmp_path: Path) -> None:
    r = run("check", "--root", str(tmp_path))
    assert r.returncode == 1 and "no briefings folder here" in r.stderr and "Traceback" not in r.stderr


def test_shipped_schema_is_current_and_validates_the_corpus(tmp_path: Path) -> None:
    assert run("schema", "--out", str(tmp_path)).returncode == 0
    for name in ("actors.schema.json", "briefing.schema.json"):
        assert (tmp_path / name).read_text() == (REPO / "schema" / name).read_text(), \
            f"schema/{name} is stale: run `briefings schema --out schema`"
    actors = json.loads((REPO / "schema" / "actors.schema.json").read_text())
    briefing = json.loads((REPO / "schema" / "briefing.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(briefing)
    # YAML's date type aside (the format reads dates as text), the shipped files validate.
    load = lambda p: yaml.load(p.read_text(), Loader=_TextDates)  # noqa: E731
    jsonschema.validate(load(REPO / "briefings" / "actors.yml"), actors)
    for path in (REPO / "briefings").glob("*.yml"):
        if path.name != "actors.yml":
            jsonschema.validate(load(path), briefing)
    bad = load(REPO / "briefings" / "putin-pays-iran-back-2016-03.yml")
    bad["claims"][0]["sourcing"] = "rumour"
    assert not jsonschema.Draft202012Validator(briefing).is_valid(bad)


class _TextDates(yaml.SafeLoader):
    pass


_TextDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def test_new_writes_a_skeleton_and_refuses_to_overwrite(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "seeds" / "gamma.txt").write_text("Gamma: Talks Resume in Genève\n\nBody text.\n")
    r = run("new", "seeds/gamma.txt", cwd=root)
    assert r.returncode == 0, r.stderr
    path = root / "briefings" / "gamma-talks-resume-in-geneve.yml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/briefing.schema.json")
    assert 'title: "Gamma: Talks Resume in Genève"' in text and "text: seeds/gamma.txt" in text
    again = run("new", "seeds/gamma.txt", cwd=root)
    assert again.returncode == 1 and "exists already; not overwritten" in again.stderr
    assert path.read_text() == text
    # The skeleton's TODOs are reported as errors, not a crash.
    r = run("check", cwd=root)
    assert r.returncode == 1 and "gamma-talks-resume-in-geneve.yml" in r.stderr and "Traceback" not in r.stderr


def test_help_lists_the_commands() -> None:
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("check", "render", "schema", "new"):
        assert cmd in r.stdout
