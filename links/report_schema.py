"""The JSON Schema of link-budget reports (``optolink.budget/1``) and a minimal validator of the subset it uses.

Every figure carries its unit; every OSNR/SNR its bandwidth (``bandwidth_hz``). The validator is small on
purpose (jsonschema is not a dependency); the tests check it against jsonschema.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SCHEMA_ID = "optolink.budget/1"
SCHEMA_FILENAME = "budget-report.schema.json"

_NUMBER = {"anyOf": [{"type": "number"}, {"enum": ["inf", "-inf", "nan"]}]}
REPORT_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "optolink link-budget report (optolink.budget/1)",
    "description": "Every figure carries its unit; every OSNR/SNR its bandwidth (bandwidth_hz). "
                   "Non-finite numbers are the strings 'inf', '-inf', 'nan'.",
    "type": "object",
    "required": ["schema", "kind", "name", "verdict", "figures", "checks", "level_diagram", "inputs", "notes"],
    "additionalProperties": False,
    "properties": {
        "schema": {"const": SCHEMA_ID},
        "kind": {"enum": ["coherent", "power"]},
        "name": {"type": "string"},
        "generated_by": {"type": "string"},
        "verdict": {"enum": ["PASS", "FAIL", "n/a"]},
        "fail_reasons": {"type": "array", "items": {"type": "string"}},
        "transceiver": {"type": "object", "required": ["required_osnr_db", "source", "osnr_reference_bandwidth_hz"],
                        "properties": {"required_osnr_db": {"anyOf": [_NUMBER, {"type": "null"}]},
                                       "source": {"enum": ["simulated", "estimate", "standard"]},
                                       "osnr_reference_bandwidth_hz": {"type": "number", "exclusiveMinimum": 0},
                                       "fail_reasons": {"type": "array", "items": {"type": "string"}},
                                       "warnings": {"type": "array", "items": {"type": "string"}}}},
        "provenance": {"type": "object", "properties": {"gds_sha256": {"type": ["string", "null"]},
                                                        "gds_check": {"enum": ["verified", "modified", "missing",
                                                                               "not recorded"]},
                                                        "manifest": {"type": "string"}}},
        "figures": {"type": "object", "patternProperties": {"(osnr|snr)": {"$ref": "#/$defs/ratio_figure"}},
                    "additionalProperties": {"$ref": "#/$defs/figure"}},
        "checks": {"type": "array", "items": {"$ref": "#/$defs/check"}},
        "penalties": {"type": "array", "items": {"$ref": "#/$defs/line"}},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}},
        "channels": {"type": "object", "required": ["frequency", "osnr_ase", "gsnr", "gsnr_ref"],
                     "patternProperties": {"(osnr|snr)": {"$ref": "#/$defs/ratio_series"}},
                     "additionalProperties": {"$ref": "#/$defs/series"}},
        "level_diagram": {"type": "object", "required": ["position", "channel_power", "total_power", "labels"],
                          "additionalProperties": False,
                          "properties": {"position": {"$ref": "#/$defs/series"},
                                         "channel_power": {"$ref": "#/$defs/series"},
                                         "total_power": {"$ref": "#/$defs/series"},
                                         "labels": {"type": "array", "items": {"type": "string"}},
                                         "channel_index": {"type": "integer", "minimum": 0}}},
        "launch_sweep": {"type": "object", "required": ["launch_power", "gsnr"], "additionalProperties": False,
                         "properties": {"launch_power": {"$ref": "#/$defs/series"},
                                        "gsnr": {"$ref": "#/$defs/ratio_series"}}},
        "ber_vs_osnr": {"type": "object", "required": ["osnr", "ber_ideal", "ber_transceiver", "modulation"],
                        "additionalProperties": False,
                        "properties": {"osnr": {"$ref": "#/$defs/ratio_series"},
                                       "ber_ideal": {"$ref": "#/$defs/series"},
                                       "ber_transceiver": {"$ref": "#/$defs/series"},
                                       "curve_osnr": {"$ref": "#/$defs/ratio_series"},
                                       "curve_ber": {"$ref": "#/$defs/series"},
                                       "modulation": {"type": "string"},
                                       "source": {"type": "string"}}},
        "inputs": {"type": "object"},
        "nli_model": {"type": "object", "required": ["name", "description"], "additionalProperties": False,
                      "properties": {"name": {"enum": ["closed_form", "gn", "egn"]},
                                     "description": {"type": "string"}}},
        "notes": {"type": "array", "items": {"type": "string"}},
    },
    "$defs": {
        "number": _NUMBER,
        "figure": {"type": "object", "required": ["value", "unit", "label"], "additionalProperties": False,
                   "properties": {"value": {"anyOf": [_NUMBER, {"type": "boolean"}, {"type": "null"}]},
                                  "unit": {"type": "string"}, "label": {"type": "string"},
                                  "group": {"type": "string"}, "note": {"type": "string"},
                                  "bandwidth_hz": {"type": "number", "exclusiveMinimum": 0}}},
        "ratio_figure": {"allOf": [{"$ref": "#/$defs/figure"}], "required": ["bandwidth_hz"]},
        "series": {"type": "object", "required": ["unit", "values"], "additionalProperties": False,
                   "properties": {"unit": {"type": "string"}, "label": {"type": "string"},
                                  "values": {"type": "array", "items": _NUMBER},
                                  "bandwidth_hz": {"type": "number", "exclusiveMinimum": 0}}},
        "ratio_series": {"allOf": [{"$ref": "#/$defs/series"}], "required": ["bandwidth_hz"]},
        "check": {"type": "object", "required": ["name", "passed", "detail"], "additionalProperties": False,
                  "properties": {"name": {"type": "string"}, "passed": {"type": "boolean"},
                                 "detail": {"type": "string"}}},
        "line": {"type": "object", "required": ["name", "value", "unit"], "additionalProperties": False,
                 "properties": {"name": {"type": "string"}, "value": _NUMBER, "unit": {"type": "string"},
                                "note": {"type": "string"}}},
    },
}


# --------------------------------------------------------------------------------------------------------
# A minimal JSON-Schema validator (the subset REPORT_SCHEMA uses; jsonschema is not a dependency)
# --------------------------------------------------------------------------------------------------------
class SchemaError(ValueError):
    """The document does not match the schema; the message names the path of the first offending value."""


_TYPES = {
    "object": lambda v: isinstance(v, Mapping),
    "array": lambda v: isinstance(v, list | tuple),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}
_KNOWN = {"$schema", "$id", "$defs", "title", "description", "$ref", "type", "enum", "const", "properties",
          "required", "additionalProperties", "patternProperties", "items", "minItems", "maxItems", "minimum",
          "maximum", "exclusiveMinimum", "exclusiveMaximum", "anyOf", "allOf", "minLength"}


def _errors(value, schema: Mapping, root: Mapping, path: str):
    unknown = set(schema) - _KNOWN
    if unknown:
        raise SchemaError(f"schema keyword(s) {sorted(unknown)} at {path or '/'} are not supported by this validator")
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise SchemaError(f"only local $ref ('#/...') is supported; got {ref!r}")
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        yield from _errors(value, target, root, path)
    where = path or "/"
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            yield f"{where}: expected {' or '.join(types)}, got {type(value).__name__} {value!r:.60}"
            return
    if "enum" in schema and value not in schema["enum"]:
        yield f"{where}: {value!r:.60} is not one of {schema['enum']}"
    if "const" in schema and value != schema["const"]:
        yield f"{where}: expected {schema['const']!r}, got {value!r:.60}"
    if _TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            yield f"{where}: {value} < minimum {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            yield f"{where}: {value} > maximum {schema['maximum']}"
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            yield f"{where}: {value} <= exclusiveMinimum {schema['exclusiveMinimum']}"
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            yield f"{where}: {value} >= exclusiveMaximum {schema['exclusiveMaximum']}"
    if isinstance(value, str) and "minLength" in schema and len(value) < schema["minLength"]:
        yield f"{where}: string shorter than {schema['minLength']}"
    if isinstance(value, Mapping):
        for key in schema.get("required", ()):
            if key not in value:
                yield f"{where}: missing required property {key!r}"
        props = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for key, item in value.items():
            sub = f"{path}/{key}"
            matched = False
            if key in props:
                matched = True
                yield from _errors(item, props[key], root, sub)
            for pattern, s in patterns.items():
                if re.search(pattern, key):
                    matched = True
                    yield from _errors(item, s, root, sub)
            if not matched and "additionalProperties" in schema:
                extra = schema["additionalProperties"]
                if extra is False:
                    yield f"{where}: unexpected property {key!r}"
                elif isinstance(extra, Mapping):
                    yield from _errors(item, extra, root, sub)
    if isinstance(value, list | tuple):
        if "minItems" in schema and len(value) < schema["minItems"]:
            yield f"{where}: fewer than {schema['minItems']} items"
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            yield f"{where}: more than {schema['maxItems']} items"
        if "items" in schema:
            for i, item in enumerate(value):
                yield from _errors(item, schema["items"], root, f"{path}/{i}")
    for s in schema.get("allOf", ()):
        yield from _errors(value, s, root, path)
    if "anyOf" in schema and not any(not list(_errors(value, s, root, path)) for s in schema["anyOf"]):
        yield f"{where}: {value!r:.60} matches none of the allowed forms"


def validate(instance, schema: Mapping = REPORT_SCHEMA) -> None:
    """Raise `SchemaError` naming the first offending path if ``instance`` does not match ``schema``."""
    for err in _errors(instance, schema, schema, ""):
        raise SchemaError(err)
