"""Markdown summary of a link-budget report document, and how a report displays a JSON figure."""

from __future__ import annotations

from collections.abc import Mapping

from optolink.core.units import OSNR_REFERENCE_BANDWIDTH


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
    if data["kind"] == "coherent" and "worst_margin" in f and f["worst_margin"]["value"] == "nan":
        return "no OSNR margin: the transceiver's BER never reaches the threshold"
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


def summary_lines(data: Mapping) -> list[tuple[str, str]]:
    """(label, text) lines of a report's reasons, transceiver and provenance blocks, as both renderings show."""
    out = []
    if data.get("verdict") == "FAIL" and data.get("fail_reasons"):
        out.append(("fail reasons", "; ".join(data["fail_reasons"])))
    t = data.get("transceiver")
    if t:
        req = t.get("required_osnr_db")
        req_text = "never reached (null)" if req is None else f"{display(req, 'dB')[0]} dB in 12.5 GHz (0.1 nm)"
        out.append(("required OSNR", f"{req_text}, source: {t['source']}"))
        if t.get("estimate_required_osnr_db") is not None and t["source"] != "estimate":
            out.append(("analytic estimate", f"{display(t['estimate_required_osnr_db'], 'dB')[0]} dB in 12.5 GHz"))
        if t.get("tx_power_dbm") is not None:
            rng = t.get("tx_power_range_dbm")
            out.append(("Tx power", f"{display(t['tx_power_dbm'], 'dBm')[0]} dBm"
                        + (f" (standard: {rng[0]:g} to {rng[1]:g} dBm)" if rng else "")))
        if t.get("sensitivity_dbm") is not None:
            out.append(("Rx sensitivity", f"{display(t['sensitivity_dbm'], 'dBm')[0]} dBm (OSNR unlimited)"))
        for w in t.get("warnings") or []:
            out.append(("warning", w))
    p = data.get("provenance")
    if p:
        out.append(("manifest", str(p.get("manifest", "—"))))
        out.append(("GDS SHA-256", str(p.get("gds_sha256") or "not recorded")))
        if p.get("gds_check"):
            out.append(("GDS check", f"{p['gds_check']}: {p.get('gds_check_message', '')}"))
        if p.get("devices"):
            out.append(("devices", ", ".join(f"{k}: {v}" for k, v in p["devices"].items())))
        if p.get("runs"):
            out.append(("store runs", f"{', '.join(p['runs'])} in {p.get('store', '')}"))
    return out


def render_markdown(data: Mapping) -> str:
    """A Markdown summary of a report document: verdict, figures (with bandwidths), checks, penalties, notes."""
    out = [f"# Link budget: {data['name']}", "", f"**Verdict: {data['verdict']}** — {_headline(data)}.", ""]
    if data.get("nli_model"):
        out += [f"NLI model: **{data['nli_model']['name']}** — {data['nli_model']['description']}", ""]
    summary = summary_lines(data)
    if summary:
        out += ["## Transceiver and provenance", "", "| item | value |", "|---|---|"]
        out += [f"| {k} | {v.replace('|', '/')} |" for k, v in summary]
        out.append("")
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


