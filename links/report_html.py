"""The self-contained HTML page of a link-budget report document: tables and plots as inline SVG (no external
resources or scripts)."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Mapping

import numpy as np

from optolink.core.constants import C

from .report_markdown import _bandwidth_text, _grouped, _headline, display, summary_lines


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
        ax.plot(zz, 2 * (zz * 1e3 * n_g / C + dsp) * 1e6, label="round trip")
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
             f"{e(_headline(data))}.</p>"]
    if data.get("nli_model"):
        parts.append(f'<p id="nli-model">NLI model: <strong>{e(data["nli_model"]["name"])}</strong> — '
                     f'{e(data["nli_model"]["description"])}</p>')
    parts.append("</header>")
    summary = summary_lines(data)
    if summary:
        parts.append('<section id="transceiver"><h2>Transceiver and provenance</h2><table><tbody>')
        parts += [f'<tr data-item="{e(k)}"><td>{e(k)}</td><td>{e(v)}</td></tr>' for k, v in summary]
        parts.append("</tbody></table></section>")
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

