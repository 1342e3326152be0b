"""The JSON Schemas of the input file formats (link, DOE, sweep) agree with the parsers that read those files:
the shipped presets and defaults and every tagged YAML example in the documentation validate against both, and
files the parsers refuse, the schemas refuse too. jsonschema is the independent implementation of JSON Schema
2020-12 used here."""

from __future__ import annotations

import copy
import json
import pathlib
import re

import pytest
import yaml

jsonschema = pytest.importorskip("jsonschema")

from layouts.doe import default_doe, plan  # noqa: E402
from links.linkfile import PRESETS, parse_link  # noqa: E402
from links.sweep import SweepSpec  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCHEMAS = {
    "link": ROOT / "links" / "link.schema.json",
    "doe": ROOT / "layouts" / "doe.schema.json",
    "sweep": ROOT / "links" / "sweep.schema.json",
    "manifest": ROOT / "photonics" / "manifest.schema.json",
}
PARSERS = {"link": lambda d: parse_link(d), "doe": lambda d: plan(d), "sweep": lambda d: SweepSpec.from_dict(d)}


def _validator(name: str):
    schema = json.loads(SCHEMAS[name].read_text())
    return jsonschema.Draft202012Validator(schema)


def _doc_examples() -> list[tuple[str, str, dict]]:
    """YAML blocks of the docs whose first line is ``# schema: NAME``: (page:line, NAME, data)."""
    out = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        text = page.read_text()
        for m in re.finditer(r"```yaml\n# schema: (\w+)\n(.*?)```", text, flags=re.S):
            line = text[:m.start()].count("\n") + 1
            out.append((f"{page.relative_to(ROOT)}:{line}", m.group(1), yaml.safe_load(m.group(2))))
    return out


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_files_are_valid_json_schema_2020_12(name):
    schema = json.loads(SCHEMAS[name].read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_link_presets_validate(preset):
    assert [e.message for e in _validator("link").iter_errors(PRESETS[preset])] == []
    assert parse_link(PRESETS[preset]).raw == PRESETS[preset]  # the parser accepts it too


def test_default_doe_validates():
    assert [e.message for e in _validator("doe").iter_errors(default_doe())] == []
    assert plan(default_doe()) is not None  # the parser accepts it too (it raises otherwise)


def test_docs_have_tagged_examples_of_every_input_format():
    names = {name for _, name, _ in _doc_examples()}
    assert {"link", "doe", "sweep"} <= names, names


@pytest.mark.parametrize("where,name,data", _doc_examples(), ids=[w for w, _, _ in _doc_examples()])
def test_documented_examples_validate_against_schema_and_parser(where, name, data):
    assert [e.message for e in _validator(name).iter_errors(data)] == []
    assert PARSERS[name](data) is not None  # the parser accepts it too (it raises otherwise)


def _link_mutations():
    base = PRESETS["OpenZR+-metro-6x80km"]
    cases = {
        "unknown top-level key": lambda d: d.update(spans_km=[80]),
        "negative span length": lambda d: d["spans"][0].update(length_km=-1),
        "amplifier without nf_db": lambda d: d["amplifier"].pop("nf_db"),
        "unknown span key": lambda d: d["spans"][0].update(lenght_km=80),
        "launch power out of range": lambda d: d["channels"].update(launch_power_dbm=45),
        "no spans": lambda d: d.pop("spans"),
        "both amplifier and amplifiers": lambda d: d.update(amplifiers=[{"nf_db": 5}] * 6),
        "power link without rx sensitivity": lambda d: (d.clear(), d.update(
            kind="power", tx_power_dbm=0, fiber={"length_km": 10})),
    }
    for label, mutate in cases.items():
        d = copy.deepcopy(base)
        mutate(d)
        yield label, d


@pytest.mark.parametrize("label,data", list(_link_mutations()), ids=[x for x, _ in _link_mutations()])
def test_schema_refuses_what_the_link_parser_refuses(label, data):
    with pytest.raises(ValueError):
        parse_link(data)
    assert not _validator("link").is_valid(data), label


@pytest.mark.parametrize("label,mutate", [
    ("unknown top key", lambda d: d.update(dies=2)),
    ("unknown section key", lambda d: d["devices"]["mzm"].update(swep={})),
    ("bad kind", lambda d: d["devices"]["ring"].update(kind="spiral")),
    ("empty sweep list", lambda d: d["devices"]["mzm"]["sweep"].update({"modulator.length": []})),
    ("copies zero", lambda d: d.update(copies=0)),
    ("margin too small", lambda d: d.update(die={"margin_um": 1.0})),
])
def test_schema_refuses_what_the_doe_parser_refuses(label, mutate):
    d = default_doe()
    mutate(d)
    with pytest.raises(ValueError):
        plan(d)
    assert not _validator("doe").is_valid(d), label


@pytest.mark.parametrize("label,data", [
    ("no function", {"grid": {"x": [1, 2]}}),
    ("function without module", {"function": "die_margin"}),
    ("unknown key", {"function": "links.yields:die_margin", "grids": {}}),
    ("n_samples fractional", {"function": "links.yields:die_margin", "n_samples": 2.5}),
    ("unknown distribution", {"function": "links.yields:die_margin", "random": {"x": {"kind": "cauchy"}}}),
    ("distribution missing a parameter", {"function": "links.yields:die_margin",
                                          "random": {"x": {"kind": "normal", "mean": 1.0}}}),
    ("dotted parameter name", {"function": "links.yields:die_margin", "grid": {"a.b": [1]}}),
])
def test_schema_refuses_what_the_sweep_parser_refuses(label, data):
    with pytest.raises((ValueError, TypeError)):
        SweepSpec.from_dict(data)
    assert not _validator("sweep").is_valid(data), label
