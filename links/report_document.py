"""The JSON document of a link budget (schema ``optolink.budget/1``): every figure with its unit, every OSNR/SNR
with its bandwidth (12.5 GHz for an OSNR, the baud rate for an SNR in the signal bandwidth)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields, is_dataclass

import numpy as np

from optolink.core.provenance import software_version
from optolink.core.units import OSNR_REFERENCE_BANDWIDTH

from .budget import CoherentBudget
from .metrics import osnr_from_snr, snr_from_osnr, theoretical_ber
from .power_budget import PowerBudget
from .report_schema import SCHEMA_ID, validate


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
                 bandwidth_hz=OSNR_REFERENCE_BANDWIDTH, note=f"{trx.source}: {trx.required_osnr_source}")
        if trx.estimate_required_osnr_db is not None and trx.source != "estimate":
            figs.add("estimate_required_osnr", trx.estimate_required_osnr_db, "dB",
                     "required OSNR, analytic estimate (shown beside the simulation)", g,
                     bandwidth_hz=OSNR_REFERENCE_BANDWIDTH)
        if trx.tx_power_dbm is not None:
            figs.add("tx_power", trx.tx_power_dbm, "dBm", "transmitter output power", g,
                     note=("checked against " + f"{trx.tx_power_range_dbm[0]:g} to {trx.tx_power_range_dbm[1]:g} dBm"
                           if trx.tx_power_range_dbm is not None else "the standard's guaranteed minimum"
                           if trx.source == "standard" else ""))
        if trx.sensitivity_dbm is not None:
            figs.add("rx_sensitivity", trx.sensitivity_dbm, "dBm", "receiver sensitivity (OSNR unlimited)", g)
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
        "nli_model": {"name": r.nli_model, "description": r.nli_model_detail},
        "notes": [_NOTES_COHERENT[0], f"NLI model ({r.nli_model}): {r.nli_model_detail}", *_NOTES_COHERENT[1:]],
    }
    data["notes"] += list(r.notes)
    if trx is not None:
        req = trx.required_osnr_db
        if math.isnan(req):  # a floored transceiver: around its curve
            lo_c = trx.ber_curve.osnr_db[0] if trx.ber_curve is not None else trx.theoretical_required_osnr_db
            req = lo_c + 8.0
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


def _opt(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else _num(x)


def _transceiver_block(trx) -> dict:
    """The report's ``transceiver`` block: required OSNR (12.5 GHz; null when never reached) and its source."""
    return {"name": trx.name, "required_osnr_db": _opt(trx.required_osnr_db),
            "osnr_reference_bandwidth_hz": OSNR_REFERENCE_BANDWIDTH, "source": trx.source,
            "required_osnr_source": trx.required_osnr_source,
            "estimate_required_osnr_db": _opt(trx.estimate_required_osnr_db),
            "tx_power_dbm": _opt(trx.tx_power_dbm),
            "tx_power_range_dbm": None if trx.tx_power_range_dbm is None else list(trx.tx_power_range_dbm),
            "sensitivity_dbm": _opt(trx.sensitivity_dbm), "fail_reasons": list(trx.fail_reasons),
            "warnings": list(trx.warnings)}


def _power_transceiver_block(link) -> dict:
    return {"name": link.name or "link", "required_osnr_db": _opt(link.required_osnr_db),
            "osnr_reference_bandwidth_hz": OSNR_REFERENCE_BANDWIDTH, "source": link.transceiver_source,
            "tx_power_dbm": _num(link.tx_power_dbm),
            "tx_power_range_dbm": None if link.tx_power_range_dbm is None else list(link.tx_power_range_dbm),
            "sensitivity_dbm": _num(link.rx_sensitivity_dbm), "fail_reasons": list(link.fail_reasons),
            "warnings": []}


def _provenance_block(prov: dict | None) -> dict | None:
    """The report's ``provenance`` block: the manifest, its GDS file and SHA-256, the devices and the store runs."""
    if not prov:
        return None
    keys = ("manifest", "schema", "chip", "gds_file", "gds_sha256", "gds_check", "gds_check_message", "top_cell",
            "software_version", "devices",
            "device_fingerprints", "assumptions", "store", "runs")
    return {k: _plain(prov[k]) for k in keys if prov.get(k) is not None}


def report_data(result: CoherentBudget | PowerBudget) -> dict:
    """The JSON document of a budget (schema ``optolink.budget/1``), validated against `REPORT_SCHEMA`."""
    if isinstance(result, CoherentBudget):
        body = _coherent_data(result)
    elif isinstance(result, PowerBudget):
        body = _power_data(result)
    else:
        raise TypeError(f"result must be a CoherentBudget or a PowerBudget; got {type(result).__name__}")
    lvl = result.level
    extra: dict = {"fail_reasons": list(result.fail_reasons)}
    if isinstance(result, CoherentBudget) and result.transceiver is not None:
        extra["transceiver"] = _transceiver_block(result.transceiver)
        prov = _provenance_block(result.transceiver.provenance)
    elif isinstance(result, PowerBudget):
        if result.link.transceiver_source:
            extra["transceiver"] = _power_transceiver_block(result.link)
        prov = _provenance_block(result.link.provenance)
    else:
        prov = None
    if prov:
        extra["provenance"] = prov
    data = {"schema": SCHEMA_ID, "kind": body.pop("kind"), "name": result.name or "link",
            "generated_by": f"optolink {software_version()}", "verdict": result.verdict, **extra, **body,
            "level_diagram": {"position": _series(lvl.position, "m", "distance from the transmitter"),
                              "channel_power": _series(lvl.channel_power_dbm, "dBm", "power per channel"),
                              "total_power": _series(lvl.total_power_dbm, "dBm", "total power"),
                              "labels": list(lvl.labels), "channel_index": int(lvl.channel_index)}}
    order = ["schema", "kind", "name", "generated_by", "verdict", "fail_reasons", "nli_model", "transceiver",
             "provenance",
             "figures", "checks", "penalties", "lines",
             "channels", "level_diagram", "launch_sweep", "ber_vs_osnr", "inputs", "notes"]
    data = {k: data[k] for k in order if k in data}
    validate(data)
    return data
