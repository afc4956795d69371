"""Data out: `briefings export --format json` and the site's /data/corpus.json, validated against the shipped
schema (schema/corpus.schema.json) and round-tripped: every id once, every reference resolves, every back-link
matches the link it mirrors."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from corpuskit import make_project
from sitekit import MINI, REPO, briefings_cli, built_site, output

from generator.corpus import load_corpus
from generator.corpus_json import RECORDS, VERSION, _field_names
from generator.schema import render_schemas

SCHEMA = json.loads((REPO / "schema" / "corpus.schema.json").read_text(encoding="utf-8"))
KINDS = {"briefings": "briefing", "actors": "actor", "events": "event", "claims": "claim", "relations": "relation"}


def export(tmp_path: Path, root: Path) -> dict[str, Any]:
    out = tmp_path / "corpus.json"
    r = briefings_cli("export", "--format", "json", "--root", str(root), "--out", str(out), cwd=tmp_path)
    assert r.returncode == 0, output(r)
    return json.loads(out.read_text(encoding="utf-8"))


def references(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, id, where) of every value the schema marks `x-refers-to`, collected while validating."""
    found: list[tuple[str, str, str]] = []

    def refers(validator: Any, kind: str, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
        if isinstance(instance, str):
            found.append((kind, instance, schema.get("description", "")))
        return iter(())

    Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"x-refers-to": refers})
    Validator(SCHEMA).validate(doc)  # raises on any mismatch with the schema
    return found


def check_round_trip(doc: dict[str, Any]) -> list[str]:
    """Problems: ids not unique across the document, references that resolve to nothing of their kind."""
    problems = []
    ids = Counter(rec["id"] for key in KINDS for rec in doc[key])
    problems += [f"id '{i}' appears {n} times" for i, n in ids.items() if n > 1]
    kind_of = {rec["id"]: KINDS[key] for key in KINDS for rec in doc[key]}
    for kind, value, where in references(doc):
        if kind_of.get(value) != kind:
            problems.append(f"{where or kind}: '{value}' is not the id of any {kind} in the document")
    return problems


@pytest.mark.parametrize("root", [REPO, MINI], ids=["shipped", "mini"])
def test_export_validates_and_round_trips(tmp_path: Path, root: Path) -> None:
    doc = export(tmp_path, root)
    assert doc["version"] == VERSION == 1
    assert check_round_trip(doc) == []
    refs = references(doc)
    assert {k for k, _, _ in refs} == {"briefing", "actor", "event", "claim", "relation"}, "every kind is referred to"
    # Every record of the corpus is there, once, and nothing else.
    corpus = load_corpus(root)
    assert {rec["id"]: KINDS[key] for key in KINDS if key != "relations" for rec in doc[key]} == corpus.kind_of
    assert len(doc["relations"]) == len(corpus.relations)


def test_the_round_trip_check_catches_a_broken_document(tmp_path: Path) -> None:
    doc = export(tmp_path, MINI)
    doc["claims"][0]["by"] = "nobody"
    doc["events"][0]["claims"].append(doc["briefings"][0]["id"])  # a briefing where a claim belongs
    doc["actors"].append(dict(doc["actors"][0]))
    doc["briefings"][0]["actors"]["ghost"] = "a role"  # a key that is a reference
    problems = "\n".join(check_round_trip(doc))
    assert "'nobody' is not the id of any actor" in problems and "'ghost' is not the id of any actor" in problems
    assert f"'{doc['briefings'][0]['id']}' is not the id of any claim" in problems
    assert f"id '{doc['actors'][0]['id']}' appears 2 times" in problems
    doc["claims"][0]["sourcing"] = "rumour"
    with pytest.raises(jsonschema.ValidationError):
        references(doc)


def test_back_links_mirror_the_links(tmp_path: Path) -> None:
    doc = export(tmp_path, REPO)
    by_id = {rec["id"]: rec for key in KINDS for rec in doc[key]}
    pairs = 0
    for c in doc["claims"]:
        for key, back in (("supports", "supported_by"), ("contradicts", "contradicted_by")):
            for other in c[key]:
                assert c["id"] in by_id[other][back], f"{c['id']} {key} {other}, but {other}.{back} lacks it"
                pairs += 1
        assert c["id"] in by_id[c["by"]]["claims_by"]
        assert c["id"] in by_id[c["briefing"]]["claims"]
    for r in doc["relations"]:
        for cid in r["claims"]:
            assert r["id"] in by_id[cid]["relations"]
        for aid in r["between"]:
            assert r["id"] in by_id[aid]["relations"]
    for e in doc["events"]:
        assert e["briefing"] in e["briefings"]
        for report in e["reports"]:
            assert report["ref"] == e["id"] and e["id"] in by_id[report["briefing"]]["events"]
    assert pairs, "the shipped corpus has supports/contradicts links to check"
    # Dates are the EDTF text as written.
    assert {b["source"]["published"] for b in doc["briefings"]} == {"2015-11-27~", "2016-03-18~"}


def test_every_model_field_is_exported_and_documented() -> None:
    """Records come from the dataclasses: a field added to the model appears in the schema (and so must be
    regenerated into schema/corpus.schema.json, which the next test checks)."""
    defs = SCHEMA["$defs"]
    for cls, (_, kind) in RECORDS.items():
        missing = set(_field_names(cls)) - set(defs[kind]["properties"])
        assert not missing, f"{kind}: fields not in the schema: {missing}"
        assert all(p.get("description") for p in defs[kind]["properties"].values()), f"{kind}: undocumented fields"


def test_shipped_corpus_schema_is_current() -> None:
    assert render_schemas()["corpus.schema.json"] == (REPO / "schema" / "corpus.schema.json").read_text(), \
        "schema/corpus.schema.json is stale: run `briefings schema --out schema`"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_site_publishes_the_export(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    site = built_site(tmp_path_factory, MINI, "--strict")[0]  # the same build as test_site's
    published = json.loads((site / "data" / "corpus.json").read_text(encoding="utf-8"))
    assert published == export(tmp_path, MINI)
    assert json.loads((site / "data" / "corpus.schema.json").read_text(encoding="utf-8")) == SCHEMA


def test_export_to_stdout_and_its_errors(tmp_path: Path) -> None:
    r = briefings_cli("export", "--root", str(MINI), cwd=tmp_path)
    assert r.returncode == 0 and json.loads(r.stdout)["version"] == VERSION, output(r)
    r = briefings_cli("export", "--format", "xml", "--root", str(MINI), cwd=tmp_path)
    assert r.returncode == 2 and "invalid choice: 'xml'" in r.stderr
    root = make_project(tmp_path, {"briefings/beta-holds.yml": ("by: gazette", "by: gazete")})
    r = briefings_cli("export", "--root", str(root), "--out", str(tmp_path / "out.json"), cwd=tmp_path)
    assert r.returncode == 1 and "did you mean 'gazette'?" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out.json").exists(), "nothing is written from a corpus with errors"


def test_the_export_leaves_drafts_out_as_the_site_does(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"briefings/beta-holds.yml": ("summary:", "draft: true\nsummary:")})
    doc = export(tmp_path, root)
    assert "beta-holds" not in {b["id"] for b in doc["briefings"]}
    assert "alpha-talks" in {b["id"] for b in doc["briefings"]}
    assert check_round_trip(doc) == []
