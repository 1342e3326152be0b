"""Link-budget reports: one self-contained HTML file, a Markdown summary and a JSON with every figure and unit.

`report_data(result)` builds the JSON document (schema ``optolink.budget/1``, `REPORT_SCHEMA`); the HTML
(plots as inline SVG, no external resources or scripts) and the Markdown are rendered from that document,
so the three always carry the same numbers. Every OSNR/SNR/GSNR states its bandwidth (``bandwidth_hz``:
12.5 GHz for an OSNR, the baud rate for an SNR in the signal bandwidth). `write_report` validates
everything in memory, writes into a temporary folder and then moves the files in place: a failure leaves
no partial report behind.
"""

from __future__ import annotations

import html
import io
import json
import math
import os
import pathlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import fields, is_dataclass

import numpy as np

from optolink.core.files import write_files_atomic
from optolink.core.provenance import software_version
from optolink.core.units import OSNR_REFERENCE_BANDWIDTH

from .budget import CoherentBudget, PowerBudget
from .metrics import osnr_from_snr, snr_from_osnr, theoretical_ber

__all__ = ["SCHEMA_ID", "REPORT_SCHEMA", "FORMATS", "SchemaError", "validate", "report_data", "render_markdown",
           "render_html", "render_report", "write_report", "display"]

SCHEMA_ID = "optolink.budget/1"
FORMATS = ("html", "md", "json")
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


# --------------------------------------------------------------------------------------------------------
# The JSON document
# --------------------------------------------------------------------------------------------------------
def _num(x):
    x = float(x)
    return x if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf"))


def _series(values, unit: str, label: str = "", bandwidth_hz: float | None = None) -> dict:
    out = {"unit": unit, "values": [_num(v) for v in np.ravel(values)]}
    if label:
        out["label"] = label
    if bandwidth_hz is not None:
        out["bandwidth_hz"] = float(bandwidth_hz)
    return out


def _plain(obj):
    """Parameter sets as plain JSON (dataclasses → dicts, arrays → lists, non-finite → strings)."""
    if is_dataclass(obj):
        return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj) if not f.name.startswith("_")}
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [_plain(v) for v in obj.tolist()]
    if isinstance(obj, np.generic):
        return _plain(obj.item())
    if isinstance(obj, float):
        return _num(obj)
    return obj


class _Figures:
    def __init__(self):
        self.data: dict = {}

    def add(self, key, value, unit, label, group, *, bandwidth_hz=None, note=None):
        if value is None or isinstance(value, bool | str):
            v = value
        elif isinstance(value, int | np.integer):
            v = int(value)
        else:
            v = _num(value)
        fig = {"value": v, "unit": unit, "label": label, "group": group}
        if bandwidth_hz is not None:
            fig["bandwidth_hz"] = float(bandwidth_hz)
        if note:
            fig["note"] = note
        self.data[key] = fig


def _latency_figures(figs: _Figures, lat) -> None:
    g = "latency"
    figs.add("fiber_length", lat.length, "m", "fibre length", g)
    figs.add("group_index", lat.group_index, "1", "group index (length-weighted)", g,
             note="SMF-28 at 1550 nm: 1.4682 (Corning PI1424)")
    figs.add("propagation_latency", lat.propagation_s, "s", "fibre propagation, one way", g)
    figs.add("dsp_latency", lat.dsp_s, "s", "DSP + FEC latency (Tx + Rx), one way", g)
    figs.add("one_way_latency", lat.one_way_s, "s", "one-way latency", g)
    figs.add("round_trip_latency", lat.round_trip_s, "s", "round-trip latency", g)
    figs.add("latency_budget_rtt", lat.budget_rtt_s, "s", "round-trip latency budget", g,
             note="checked" if lat.checked else "reference latency circle (not a check)")
    figs.add("max_reach_in_budget", lat.max_reach, "m", "largest reach within the round-trip budget", g)
    figs.add("latency_fits", bool(lat.fits), "", "round trip within the budget", g)


_NOTES_COHERENT = [
    "OSNR values are referenced to 12.5 GHz (0.1 nm) and count the ASE of both polarizations; SNR and GSNR "
    "values without a reference are in the signal bandwidth (the baud rate). Each figure states its bandwidth.",
    "NLI: closed-form incoherent GN model (Poggiolini, JLT 30(24) 3857, 2012, eq. 120; Poggiolini et al., JLT "
    "32(4) 694, 2014), summed over the whole channel plan with each channel's own dispersion, spans adding "
    "incoherently. Approximations: rectangular spectra of width = baud, NLI white over the channel, no Raman "
    "tilt, frequency-flat loss and nonlinear coefficient.",
    "ASE: NF·hν·G·B per amplifier at its output (high-gain form).",
    "Margin = GSNR (12.5 GHz) − required OSNR − penalties. The required OSNR is back-to-back at the pre-FEC "
    "threshold and includes the transceiver's implementation penalty.",
    "Predicted pre-FEC BER: the transceiver's BER curve where it has data, elsewhere the ideal Gray-coded BER "
    "shifted by the implementation penalty (a constant-OSNR-penalty approximation).",
]


def _coherent_data(r: CoherentBudget) -> dict:
    plan, trx = r.plan, r.transceiver
    baud = plan.baud_rate
    c = r.center
    figs = _Figures()
    g = "verdict and margin"
    if trx is not None:
        worst = r.worst_index
        figs.add("worst_margin", r.worst_margin_db, "dB", "OSNR margin, worst channel", g,
                 note=f"channel {worst} at {r.frequency[worst] / 1e12:.4f} THz")
        figs.add("center_margin", c.margin_db, "dB", "OSNR margin, centre channel", g)
        figs.add("required_osnr", trx.required_osnr_db, "dB", "required OSNR (back to back, at the threshold)", g,
                 bandwidth_hz=OSNR_REFERENCE_BANDWIDTH, note=trx.required_osnr_source)
        figs.add("theoretical_required_osnr", trx.theoretical_required_osnr_db, "dB",
                 "required OSNR of an ideal receiver (AWGN)", g, bandwidth_hz=OSNR_REFERENCE_BANDWIDTH)
        figs.add("implementation_penalty", trx.implementation_penalty_db, "dB", "transceiver implementation penalty", g)
        figs.add("total_penalties", r.penalties.total_db, "dB", "sum of the penalty lines", g)
        figs.add("pre_fec_ber_threshold", trx.pre_fec_ber_threshold, "1", f"pre-FEC BER threshold ({trx.name})", g)
        figs.add("predicted_pre_fec_ber", r.predicted_ber(), "1", "predicted pre-FEC BER, centre channel", g)
    g = "centre channel"
    figs.add("center_frequency", c.frequency, "Hz", f"centre channel frequency (channel {c.index})", g)
    figs.add("center_launch_power", c.launch_power_dbm, "dBm", "launch power per channel", g)
    figs.add("center_osnr_ase", c.osnr_ase_db, "dB", "OSNR, ASE only", g, bandwidth_hz=OSNR_REFERENCE_BANDWIDTH)
    figs.add("center_snr_ase", c.snr_ase_db, "dB", "SNR, ASE only", g, bandwidth_hz=baud)
    figs.add("center_snr_nli", c.snr_nli_db, "dB", "SNR, NLI only", g, bandwidth_hz=baud)
    figs.add("center_osnr_nli", float(osnr_from_snr(c.snr_nli_db, baud)), "dB", "NLI as an OSNR", g,
             bandwidth_hz=OSNR_REFERENCE_BANDWIDTH)
    figs.add("center_snr_trx", c.snr_trx_db, "dB", "transceiver SNR (beyond the required OSNR)", g, bandwidth_hz=baud)
    figs.add("center_gsnr", c.gsnr_db, "dB", "GSNR", g, bandwidth_hz=baud)
    figs.add("center_gsnr_ref", c.gsnr_ref_db, "dB", "GSNR as an OSNR", g, bandwidth_hz=OSNR_REFERENCE_BANDWIDTH)
    figs.add("nli_coefficient", float(r.eta_db[plan.center_index]), "dB(1/W²)",
             "NLI coefficient η = P_NLI/P³ (referred to the launch point)", g)
    figs.add("rx_power", float(r.rx_power_dbm[plan.center_index]), "dBm", "received power per channel", g)
    g = "launch power"
    figs.add("optimum_launch_power", r.optimum_launch_power_dbm, "dBm", "optimum launch power (NLI = ASE/2)", g)
    figs.add("gsnr_at_optimum", r.gsnr_at_optimum_db, "dB", "centre-channel GSNR at the optimum", g,
             bandwidth_hz=baud)
    figs.add("total_launch_power", plan.total_launch_power_dbm, "dBm", "total launch power", g)
    if r.booster_gain_db is not None:
        figs.add("booster_gain", r.booster_gain_db, "dB", "booster gain (Tx power → launch power)", g)
    g = "link"
    figs.add("n_channels", plan.n_channels, "1", "channels", g)
    figs.add("baud_rate", baud, "Bd", "symbol rate", g)
    figs.add("channel_spacing", plan.spacing, "Hz", "channel spacing", g)
    figs.add("n_spans", r.n_spans, "1", "spans", g)
    figs.add("link_length", r.length, "m", "link length", g)
    figs.add("accumulated_cd_max", float(np.max(np.abs(r.accumulated_cd_ps_nm))), "ps/nm",
             "accumulated chromatic dispersion, largest |CD|", g,
             note="" if trx is None or trx.cd_tolerance_ps_nm is None else
             f"tolerance {trx.cd_tolerance_ps_nm:g} ps/nm" + (f"; {trx.tolerance_source}" if trx.tolerance_source
                                                               else ""))
    figs.add("mean_dgd", r.mean_dgd_ps, "ps", "mean differential group delay (PMD)", g)
    _latency_figures(figs, r.latency)

    ch = {
        "frequency": _series(r.frequency, "Hz", "channel frequency"),
        "launch_power": _series(plan.launch_powers_dbm, "dBm", "launch power"),
        "osnr_ase": _series(r.osnr_ase_db, "dB", "OSNR, ASE only", OSNR_REFERENCE_BANDWIDTH),
        "snr_ase": _series(r.snr_ase_db, "dB", "SNR, ASE only", baud),
        "snr_nli": _series(r.snr_nli_db, "dB", "SNR, NLI only", baud),
        "osnr_nli": _series(osnr_from_snr(r.snr_nli_db, baud), "dB", "NLI as an OSNR", OSNR_REFERENCE_BANDWIDTH),
        "gsnr": _series(r.gsnr_db, "dB", "GSNR", baud),
        "gsnr_ref": _series(r.gsnr_ref_db, "dB", "GSNR as an OSNR", OSNR_REFERENCE_BANDWIDTH),
        "accumulated_cd": _series(r.accumulated_cd_ps_nm, "ps/nm", "accumulated CD"),
        "rx_power": _series(r.rx_power_dbm, "dBm", "received power"),
    }
    if r.margin_db is not None:
        ch["margin"] = _series(r.margin_db, "dB", "OSNR margin")
    data = {
        "kind": "coherent",
        "figures": figs.data,
        "checks": [{"name": k.name, "passed": bool(k.passed), "detail": k.detail} for k in r.checks],
        "penalties": [{"name": line.name, "value": _num(line.value_db), "unit": "dB", "note": line.note}
                      for line in r.penalty_lines],
        "channels": ch,
        "launch_sweep": {"launch_power": _series(r.launch_sweep_dbm, "dBm", "launch power per channel"),
                         "gsnr": _series(r.gsnr_sweep_db, "dB", "centre-channel GSNR", baud)},
        "notes": list(_NOTES_COHERENT),
    }
    if trx is not None:
        req = trx.required_osnr_db
        osnr = np.round(np.arange(req - 8.0, req + 10.0 + 1e-9, 0.25), 6)
        ideal = theoretical_ber(trx.modulation, snr_from_osnr(osnr, trx.baud_rate))
        bvo = {"osnr": _series(osnr, "dB", "OSNR", OSNR_REFERENCE_BANDWIDTH),
               "ber_ideal": _series(ideal, "1", "ideal receiver (AWGN)"),
               "ber_transceiver": _series(trx.ber_at_osnr(osnr), "1", f"{trx.name} model"),
               "modulation": f"DP-{trx.modulation}" if trx.modulation != "QPSK" else "DP-QPSK",
               "source": trx.required_osnr_source}
        if trx.ber_curve is not None:
            bvo["curve_osnr"] = _series(trx.ber_curve.osnr_db, "dB", trx.ber_curve.label or "BER curve",
                                        OSNR_REFERENCE_BANDWIDTH)
            bvo["curve_ber"] = _series(trx.ber_curve.ber, "1", trx.ber_curve.label or "BER curve")
        data["ber_vs_osnr"] = bvo
    data["inputs"] = {"plan": _plain(plan), "spans": [_plain(s) for s in r.spans],
                      "amplifiers": [_plain(a) for a in r.amplifiers],
                      "amplifier_gains_db": _plain(r.amplifier_gains_db),
                      "booster": _plain(r.booster), "transceiver": _plain(trx), "penalties": _plain(r.penalties)}
    return data


def _power_data(r: PowerBudget) -> dict:
    link = r.link
    figs = _Figures()
    g = "verdict and margin"
    figs.add("margin", r.margin_db, "dB", "power margin", g)
    figs.add("received_power", r.received_power_dbm, "dBm", "received power", g)
    figs.add("tx_power", link.tx_power_dbm, "dBm", "transmitter power", g)
    figs.add("rx_sensitivity", link.rx_sensitivity_dbm, "dBm", "receiver sensitivity", g)
    if link.rx_overload_dbm is not None:
        figs.add("rx_overload", link.rx_overload_dbm, "dBm", "receiver overload", g)
    figs.add("fiber_loss", r.fiber_loss_db, "dB", "fibre loss", g)
    figs.add("total_loss", r.total_loss_db, "dB", "fibre and lumped losses", g)
    figs.add("total_penalties", link.penalties.total_db, "dB", "sum of the penalties", g)
    _latency_figures(figs, r.latency)
    units = {"Tx power": "dBm", "Rx sensitivity": "dBm"}
    return {
        "kind": "power",
        "figures": figs.data,
        "checks": [{"name": k.name, "passed": bool(k.passed), "detail": k.detail} for k in r.checks],
        "lines": [{"name": line.name, "value": _num(line.value_db), "unit": units.get(line.name, "dB"),
                   "note": line.note} for line in r.lines],
        "notes": ["Power budget of an unamplified link: received = Tx − fibre − lumped losses; "
                  "margin = received − penalties − sensitivity."],
        "inputs": {"link": _plain(link)},
    }


def report_data(result: CoherentBudget | PowerBudget) -> dict:
    """The JSON document of a budget (schema ``optolink.budget/1``), validated against `REPORT_SCHEMA`."""
    if isinstance(result, CoherentBudget):
        body = _coherent_data(result)
    elif isinstance(result, PowerBudget):
        body = _power_data(result)
    else:
        raise TypeError(f"result must be a CoherentBudget or a PowerBudget; got {type(result).__name__}")
    lvl = result.level
    data = {"schema": SCHEMA_ID, "kind": body.pop("kind"), "name": result.name or "link",
            "generated_by": f"optolink {software_version()}", "verdict": result.verdict, **body,
            "level_diagram": {"position": _series(lvl.position, "m", "distance from the transmitter"),
                              "channel_power": _series(lvl.channel_power_dbm, "dBm", "power per channel"),
                              "total_power": _series(lvl.total_power_dbm, "dBm", "total power"),
                              "labels": list(lvl.labels), "channel_index": int(lvl.channel_index)}}
    order = ["schema", "kind", "name", "generated_by", "verdict", "figures", "checks", "penalties", "lines",
             "channels", "level_diagram", "launch_sweep", "ber_vs_osnr", "inputs", "notes"]
    data = {k: data[k] for k in order if k in data}
    validate(data)
    return data


# --------------------------------------------------------------------------------------------------------
# Display
# --------------------------------------------------------------------------------------------------------
def display(value, unit: str) -> tuple[str, str]:
    """(text, unit) as a report shows a JSON figure: dB/dBm to 0.01, frequencies in THz/GHz, times in µs,
    lengths in km, BER in scientific notation."""
    if value is None:
        return "—", ""
    if isinstance(value, bool):
        return ("yes" if value else "no"), ""
    if isinstance(value, str):
        return {"inf": "∞", "-inf": "−∞", "nan": "n/a"}.get(value, value), unit
    v = float(value)
    if unit in ("dB", "dBm", "dB(1/W²)"):
        return f"{v:.2f}", unit
    if unit == "Hz":
        return (f"{v / 1e12:.4f}", "THz") if v >= 1e12 else (f"{v / 1e9:.2f}", "GHz")
    if unit == "Bd":
        return f"{v / 1e9:.4f}", "GBd"
    if unit == "s":
        return f"{v * 1e6:.1f}", "µs"
    if unit == "m":
        return f"{v / 1e3:.1f}", "km"
    if unit == "ps/nm":
        return f"{v:.0f}", unit
    if unit == "ps":
        return f"{v:.2f}", unit
    if unit == "1":
        if isinstance(value, int):
            return str(value), ""
        return (f"{v:.3e}" if v != 0 and abs(v) < 1e-2 else f"{v:.6g}"), ""
    return f"{v:.4g}", unit


def _bandwidth_text(fig: Mapping) -> str:
    bw = fig.get("bandwidth_hz")
    if bw is None:
        return ""
    return "12.5 GHz (0.1 nm)" if abs(bw - OSNR_REFERENCE_BANDWIDTH) < 1 else f"signal, {bw / 1e9:.2f} GHz"


_GROUP_ORDER = ("verdict and margin", "centre channel", "launch power", "link", "latency")


def _grouped(figures: Mapping) -> list[tuple[str, list[tuple[str, dict]]]]:
    groups: dict[str, list] = {}
    for key, fig in figures.items():
        groups.setdefault(fig.get("group", "other"), []).append((key, fig))
    names = [g for g in _GROUP_ORDER if g in groups] + [g for g in groups if g not in _GROUP_ORDER]
    return [(g, groups[g]) for g in names]


def _headline(data: Mapping) -> str:
    f = data["figures"]
    if data["kind"] == "coherent" and "worst_margin" in f:
        c = f["center_gsnr_ref"]
        return (f"worst-channel OSNR margin {display(f['worst_margin']['value'], 'dB')[0]} dB; centre-channel GSNR "
                f"{display(c['value'], 'dB')[0]} dB in 12.5 GHz vs required "
                f"{display(f['required_osnr']['value'], 'dB')[0]} dB in 12.5 GHz")
    if data["kind"] == "coherent":
        c = f["center_gsnr_ref"]
        return f"centre-channel GSNR {display(c['value'], 'dB')[0]} dB in 12.5 GHz (no transceiver to judge against)"
    return (f"power margin {display(f['margin']['value'], 'dB')[0]} dB "
            f"(received {display(f['received_power']['value'], 'dBm')[0]} dBm)")


def render_markdown(data: Mapping) -> str:
    """A Markdown summary of a report document: verdict, figures (with bandwidths), checks, penalties, notes."""
    out = [f"# Link budget: {data['name']}", "", f"**Verdict: {data['verdict']}** — {_headline(data)}.", ""]
    for group, items in _grouped(data["figures"]):
        out += [f"## {group[0].upper()}{group[1:]}", "", "| figure | value | unit | bandwidth |", "|---|---:|---|---|"]
        for _, fig in items:
            text, unit = display(fig["value"], fig["unit"])
            label = fig["label"] + (f" ({fig['note']})" if fig.get("note") else "")
            out.append(f"| {label.replace('|', '/')} | {text} | {unit} | {_bandwidth_text(fig)} |")
        out.append("")
    if data["checks"]:
        out += ["## Checks", "", "| check | result | detail |", "|---|---|---|"]
        out += [f"| {c['name']} | {'pass' if c['passed'] else 'FAIL'} | {c['detail'].replace('|', '/')} |"
                for c in data["checks"]]
        out.append("")
    rows = data.get("penalties") or data.get("lines") or []
    if rows:
        out += ["## Penalties" if "penalties" in data else "## Budget lines", "", "| line | value | unit | note |",
                "|---|---:|---|---|"]
        out += [f"| {r['name']} | {display(r['value'], r['unit'])[0]} | {r['unit']} | {r.get('note', '')} |"
                for r in rows]
        out.append("")
    out += ["## Notes", ""] + [f"- {n}" for n in data["notes"]] + [""]
    out += ["Plots: see the HTML report; every number above is in the JSON report with its unit.", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------------
# Plots (inline SVG) and HTML
# --------------------------------------------------------------------------------------------------------
def _svg(fig, prefix: str) -> str:
    """A matplotlib figure as an inline <svg> element whose ids are prefixed (several SVGs share one page)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", text)
    text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', text)
    return text


def _vals(series: Mapping) -> np.ndarray:
    return np.array([float(v) for v in series["values"]])


def _plots(data: Mapping) -> list[tuple[str, str, str]]:
    """(id, caption, svg) of every plot of a report document."""
    import matplotlib
    from matplotlib.figure import Figure

    plots = []
    f = data["figures"]
    with matplotlib.rc_context({"svg.hashsalt": "optolink", "svg.fonttype": "none", "font.size": 9}):
        lvl = data["level_diagram"]
        fig = Figure(figsize=(7.0, 3.2))
        ax = fig.add_subplot()
        z = _vals(lvl["position"]) / 1e3
        ax.plot(z, _vals(lvl["channel_power"]), "o-", label="per channel")
        if data["kind"] == "coherent":
            ax.plot(z, _vals(lvl["total_power"]), "s--", label="total (all channels)")
            ax.legend(loc="best")
        ax.set(xlabel="distance from the transmitter (km)", ylabel="power (dBm)", title="Level diagram")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        plots.append(("plot-level", "Level diagram: power along the link.", _svg(fig, "level")))

        if data["kind"] == "coherent":
            ch = data["channels"]
            fth = _vals(ch["frequency"]) / 1e12
            fig = Figure(figsize=(7.0, 3.2))
            ax = fig.add_subplot()
            ax.plot(fth, _vals(ch["osnr_ase"]), ".-", label="OSNR, ASE only")
            ax.plot(fth, _vals(ch["osnr_nli"]), ".-", label="NLI as an OSNR")
            ax.plot(fth, _vals(ch["gsnr_ref"]), ".-", label="GSNR")
            if "required_osnr" in f:
                need = float(f["required_osnr"]["value"]) + float(f["total_penalties"]["value"])
                ax.axhline(need, color="k", ls="--", lw=1, label="required OSNR + penalties")
            ax.set(xlabel="channel frequency (THz)", ylabel="dB in 12.5 GHz (0.1 nm)",
                   title="OSNR and GSNR per channel")
            ax.legend(loc="best", fontsize=8)
            ax.grid(alpha=0.3)
            fig.tight_layout()
            plots.append(("plot-channels", "OSNR (ASE), NLI and GSNR per channel, all in 12.5 GHz.",
                          _svg(fig, "channels")))

            sw = data["launch_sweep"]
            fig = Figure(figsize=(7.0, 3.2))
            ax = fig.add_subplot()
            ax.plot(_vals(sw["launch_power"]), _vals(sw["gsnr"]), "-", label="centre-channel GSNR")
            p_opt = float(f["optimum_launch_power"]["value"])
            ax.plot([p_opt], [float(f["gsnr_at_optimum"]["value"])], "r*", ms=12, label=f"optimum {p_opt:.2f} dBm")
            ax.axvline(float(f["center_launch_power"]["value"]), color="gray", ls=":", label="operating point")
            bw = sw["gsnr"]["bandwidth_hz"]
            ax.set(xlabel="launch power per channel (dBm)", ylabel=f"GSNR (dB in {bw / 1e9:.2f} GHz)",
                   title="GSNR vs launch power")
            ax.legend(loc="best", fontsize=8)
            ax.grid(alpha=0.3)
            fig.tight_layout()
            plots.append(("plot-launch", "Centre-channel GSNR (signal bandwidth) vs launch power, optimum marked.",
                          _svg(fig, "launch")))

            if "ber_vs_osnr" in data:
                b = data["ber_vs_osnr"]
                fig = Figure(figsize=(7.0, 3.2))
                ax = fig.add_subplot()
                x = _vals(b["osnr"])
                ax.semilogy(x, np.clip(_vals(b["ber_ideal"]), 1e-15, None), "--", label=b["ber_ideal"]["label"])
                ax.semilogy(x, np.clip(_vals(b["ber_transceiver"]), 1e-15, None), "-",
                            label=b["ber_transceiver"]["label"])
                if "curve_osnr" in b:
                    ax.semilogy(_vals(b["curve_osnr"]), np.clip(_vals(b["curve_ber"]), 1e-15, None), "o",
                                label=b["curve_ber"]["label"])
                thr = float(f["pre_fec_ber_threshold"]["value"])
                ax.axhline(thr, color="r", lw=1, label=f"pre-FEC threshold {thr:.3g}")
                op = float(f["center_gsnr_ref"]["value"]) - float(f["total_penalties"]["value"])
                ax.axvline(op, color="gray", ls=":", label="link GSNR − penalties")
                ax.set(xlabel="OSNR (dB in 12.5 GHz)", ylabel="pre-FEC BER", ylim=(1e-6, 0.5),
                       title=f"BER vs OSNR, {b['modulation']}")
                ax.legend(loc="lower left", fontsize=8)
                ax.grid(alpha=0.3, which="both")
                fig.tight_layout()
                plots.append(("plot-ber", "Pre-FEC BER vs OSNR (12.5 GHz) with the threshold.", _svg(fig, "ber")))

        fig = Figure(figsize=(7.0, 3.2))
        ax = fig.add_subplot()
        length_km = float(f["fiber_length"]["value"]) / 1e3
        reach_km = float(f["max_reach_in_budget"]["value"]) / 1e3
        n_g = float(f["group_index"]["value"])
        dsp = float(f["dsp_latency"]["value"])
        zz = np.linspace(0, 1.3 * max(length_km, reach_km, 1.0), 200)
        ax.plot(zz, 2 * (zz * 1e3 * n_g / 299792458.0 + dsp) * 1e6, label="round trip")
        budget_us = float(f["latency_budget_rtt"]["value"]) * 1e6
        ax.axhline(budget_us, color="r", ls="--", lw=1, label=f"budget {budget_us:.0f} µs")
        ax.plot([length_km], [float(f["round_trip_latency"]["value"]) * 1e6], "ko", label="this link")
        ax.axvline(reach_km, color="gray", ls=":", label=f"latency circle {reach_km:.1f} km")
        ax.set(xlabel="fibre length (km)", ylabel="round-trip latency (µs)", title="Latency")
        ax.legend(loc="best", fontsize=8)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        plots.append(("plot-latency", "Round-trip latency vs fibre length, the budget and the largest reach.",
                      _svg(fig, "latency")))
    return plots


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:60em;color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0;width:100%}th,td{padding:.25em .6em;border-bottom:1px solid #eee;
text-align:left;vertical-align:top}td.value{text-align:right;font-variant-numeric:tabular-nums}
.verdict{display:inline-block;padding:.2em .8em;border-radius:.3em;font-weight:bold;color:#fff}
.PASS{background:#2a7d2a}.FAIL{background:#b02020}.na{background:#777}figure{margin:1em 0}
figcaption{font-size:.9em;color:#555}svg{max-width:100%;height:auto}pre{background:#f6f6f6;padding:.6em;
overflow:auto;font-size:.8em}
"""


def render_html(data: Mapping) -> str:
    """A self-contained HTML page of a report document (inline CSS and SVG; no scripts, no external links)."""
    e = html.escape
    verdict = data["verdict"]
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>Link budget: {e(data['name'])}</title><style>{_CSS}</style></head><body>",
             f"<header><h1>Link budget: {e(data['name'])}</h1>",
             f'<p><span class="verdict {"na" if verdict == "n/a" else verdict}" id="verdict">{e(verdict)}</span> '
             f"{e(_headline(data))}.</p></header>"]
    parts.append('<section id="figures"><h2>Figures</h2>')
    for group, items in _grouped(data["figures"]):
        parts.append(f"<h3>{e(group[0].upper() + group[1:])}</h3><table><thead><tr><th>figure</th><th>value</th>"
                     "<th>unit</th><th>bandwidth</th></tr></thead><tbody>")
        for key, fig in items:
            text, unit = display(fig["value"], fig["unit"])
            note = f' <small>({e(fig["note"])})</small>' if fig.get("note") else ""
            raw = json.dumps(fig["value"])
            parts.append(f'<tr data-key="{e(key)}"><td>{e(fig["label"])}{note}</td>'
                         f'<td class="value" data-value="{e(raw)}" data-unit="{e(fig["unit"])}">{e(text)}</td>'
                         f"<td>{e(unit)}</td><td>{e(_bandwidth_text(fig))}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("</section>")
    if data["checks"]:
        parts.append('<section id="checks"><h2>Checks</h2><table><thead><tr><th>check</th><th>result</th>'
                     "<th>detail</th></tr></thead><tbody>")
        parts += [f'<tr data-check="{e(c["name"])}"><td>{e(c["name"])}</td><td>{"pass" if c["passed"] else "FAIL"}</td>'
                  f"<td>{e(c['detail'])}</td></tr>" for c in data["checks"]]
        parts.append("</tbody></table></section>")
    rows = data.get("penalties") or data.get("lines") or []
    if rows:
        title = "Penalties" if "penalties" in data else "Budget lines"
        parts.append(f'<section id="lines"><h2>{title}</h2><table><thead><tr><th>line</th><th>value</th>'
                     "<th>unit</th><th>note</th></tr></thead><tbody>")
        parts += [f'<tr data-line="{e(r["name"])}"><td>{e(r["name"])}</td><td class="value" '
                  f'data-value="{e(json.dumps(r["value"]))}">{e(display(r["value"], r["unit"])[0])}</td>'
                  f"<td>{e(r['unit'])}</td><td>{e(r.get('note', ''))}</td></tr>" for r in rows]
        parts.append("</tbody></table></section>")
    parts.append('<section id="plots"><h2>Plots</h2>')
    for pid, caption, svg in _plots(data):
        parts.append(f'<figure id="{pid}" data-plot="{pid}">{svg}<figcaption>{e(caption)}</figcaption></figure>')
    parts.append("</section>")
    parts.append('<section id="inputs"><h2>Inputs</h2><pre>'
                 f"{e(json.dumps(data['inputs'], indent=1))}</pre></section>")
    parts.append('<section id="notes"><h2>Notes</h2><ul>' + "".join(f"<li>{e(n)}</li>" for n in data["notes"])
                 + "</ul></section>")
    parts.append(f"<footer><small>{e(data.get('generated_by', 'optolink'))} · schema {e(data['schema'])}"
                 "</small></footer></body></html>")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------------
def _formats(formats) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = [x.strip() for x in formats.split(",") if x.strip()]
    out = tuple(dict.fromkeys(str(f).lower() for f in formats))
    bad = [f for f in out if f not in FORMATS]
    if bad or not out:
        raise ValueError(f"format must be a comma-separated subset of {','.join(FORMATS)}; got {bad or 'nothing'}")
    return out


def _stem(stem: str) -> str:
    if not isinstance(stem, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]*", stem):
        raise ValueError(f"stem must be a plain file name (letters, digits, . _ + -); got {stem!r}")
    return stem


def render_report(result: CoherentBudget | PowerBudget, formats: Sequence[str] | str = FORMATS,
                  stem: str = "budget") -> dict[str, bytes]:
    """Every requested file of a report, in memory: {file name: bytes}. JSON adds the schema file."""
    formats = _formats(formats)
    stem = _stem(stem)
    data = report_data(result)
    files = {}
    if "json" in formats:
        text = json.dumps(data, indent=2, allow_nan=False) + "\n"
        validate(json.loads(text))
        files[f"{stem}.json"] = text.encode()
        files[SCHEMA_FILENAME] = (json.dumps(REPORT_SCHEMA, indent=2) + "\n").encode()
    if "md" in formats:
        files[f"{stem}.md"] = render_markdown(data).encode()
    if "html" in formats:
        files[f"{stem}.html"] = render_html(data).encode()
    return files


def write_report(result: CoherentBudget | PowerBudget, out_dir: str | os.PathLike,
                 formats: Sequence[str] | str = FORMATS, stem: str = "budget") -> list[pathlib.Path]:
    """Write the report files into ``out_dir``: all rendered and validated first, written to a temporary
    folder inside ``out_dir``, then moved in place (an error leaves no partial report). Returns the paths."""
    return write_files_atomic(out_dir, render_report(result, formats, stem))
