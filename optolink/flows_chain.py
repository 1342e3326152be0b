"""The whole chain on built-in defaults: test chip → manifest → its best MZM and laser → 400ZR and 800ZR
BER-vs-OSNR curves → budgets of a DCI and a metro link → yield of the chip design → report and HDF5 store.

Every step reads what the previous one wrote: the devices come from the chip's manifest (rebuilt into
photonics objects), the BER curves are simulated with those devices through the full blind DSP chain
(points written to the HDF5 store as they complete, so a re-run resumes), the budgets take their
transceivers from those curves, and the yield varies the chosen MZM's process parameters.
Assumption, stated in the report: the IQ modulator's splitters are trimmed to 0.05 dB by its bias control
(the chip's MZMs are drawn with the untrimmed 0.3 dB, which leaks carrier).
"""

from __future__ import annotations

import base64
import dataclasses
import html
import json
import math
import pathlib
import time

import numpy as np

from .core.files import save_figure_atomic, write_json_atomic, write_text_atomic

STANDARD_PRESETS = {"400ZR": "400ZR-DCI-120km", "800ZR": "800ZR-DCI-120km"}
METRO_PRESET = "OpenZR+-metro-6x80km"
OSNR_GRIDS = {"400ZR": np.arange(16.0, 27.0, 1.0), "800ZR": np.arange(19.0, 30.0, 1.0)}
TRIMMED_SPLITTER_DB = 0.05


# --- devices from the manifest ---------------------------------------------------------------------------
def _laser_from_manifest(manifest):
    """The chip's most powerful laser: its manifest device and the rate-equation model of its die at the site's
    operating current (``photonics.devices.LaserFootprint.model``)."""
    device = manifest.best("laser", "power_w")
    return device, device.objects()["footprint"].model()


def _mzm_candidates(manifest):
    out = [(device, device.objects()["modulator"]) for device in manifest.of_kind("mzm")]
    if not out:
        raise ValueError(f"the chip manifest holds no MZM (its kinds: {manifest.kinds})")
    return out


def _design(mzm, laser_power_dbm: float, driver_peak_v: float):
    from links.yields import TransmitterDesign

    return TransmitterDesign(mzm=dataclasses.replace(mzm, phase_bias=math.pi), laser_power_dbm=laser_power_dbm,
                             driver_peak_v=min(driver_peak_v, 0.95 * min(-mzm.drive_range[0], mzm.drive_range[1])))


def choose_mzm(manifest, standard: str, laser_power_dbm: float, driver_peak_v: float = 2.5):
    """The chip's MZM that gives the best nominal link result for ``standard`` on its DCI preset: passing
    first, then the largest of (OSNR margin, Tx-power margin)'s minimum."""
    from links.linkfile import preset
    from links.yields import die_margin

    link = preset(STANDARD_PRESETS[standard])
    scored = []
    for entry, mzm in _mzm_candidates(manifest):
        d = _design(mzm, laser_power_dbm, driver_peak_v)
        r = die_margin(design=d.to_dict(), link=link)
        scored.append((r["pass"], min(r["margin_db"], r["tx_power_margin_db"]), entry, d, r))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return scored[0][2], scored[0][3], scored[0][4]


# --- BER curve through the sweep engine ------------------------------------------------------------------
def ber_point(osnr_db: float, *, standard: str, design: dict, laser: dict, n_symbols: int, rng=None) -> dict:
    """One BER point of the chain's transmitter (sweep function): BER, NGMI, SNR and cycle slips."""
    from links.simulate import LinkConfig, simulate_link
    from links.standards import get_standard
    from links.transmitter import Transmitter
    from links.yields import TransmitterDesign
    from photonics.cw_laser import PhaseNoiseLaser
    from photonics.lasers import LaserParams, RateEquationLaser
    from photonics.modulators import DualPolIQModulator, IQModulator

    std = get_standard(standard)
    d = TransmitterDesign.from_dict(design)
    mzm = dataclasses.replace(d.mzm, splitter_imbalance_db=TRIMMED_SPLITTER_DB)
    iq = IQModulator(mzm_i=mzm, mzm_q=mzm)
    las = PhaseNoiseLaser.from_laser(RateEquationLaser(LaserParams(**laser["params"])), laser["current"])
    tx = Transmitter.for_baud_rate(std.baud_rate, modulator=DualPolIQModulator(iq_x=iq, iq_y=iq), laser=las,
                                   drive_swing_vpi=2 * d.driver_peak_v / mzm.vpi)
    seed = int(rng.integers(2**31)) if rng is not None else 0
    r = simulate_link(LinkConfig(standard=std.name, transmitter=tx, n_symbols=n_symbols), float(osnr_db), seed=seed)
    return {"ber": r.ber, "ngmi": r.ngmi, "snr_db": r.snr_db, "cycle_slips": float(r.cycle_slips)}


def _run_curve(store, standard, design, laser, n_symbols):
    from links.sweep import SweepSpec, run_sweep
    from photonics.devices import to_settings

    laser = {"params": to_settings(laser.params), "current": laser.operating_current}
    spec = SweepSpec(function="optolink.flows_chain:ber_point", grid={"osnr_db": OSNR_GRIDS[standard].tolist()},
                     seed=11, fixed={"standard": standard, "design": design.to_dict(), "laser": laser,
                                     "n_symbols": n_symbols},
                     units={"osnr_db": "dB (12.5 GHz, both polarizations)", "ber": "1", "ngmi": "1", "snr_db": "dB"})
    spec = dataclasses.replace(spec, name=f"ber-{standard}-{spec.fingerprint[:8]}")
    data = run_sweep(spec, store, scheduler="sync", progress=False).sorted()
    return spec.name, data


# --- the chain --------------------------------------------------------------------------------------------
def run_chain(out_dir: pathlib.Path, *, n_symbols: int = 2**14, n_dies: int = 200) -> dict:
    """Run the chain into ``out_dir`` (expects the chip in out_dir/chip, builds it otherwise)."""
    from layouts.manifest import write_chip
    from links import linkfile
    from links.ber_curve import required_osnr_from_curve
    from links.report import write_report
    from links.standards import get_standard
    from links.store import Store
    from links.yields import bandwidth_penalty_db, run_yield
    from photonics.manifest import read_manifest

    from .flows_yield import write_yield_results

    out = pathlib.Path(out_dir)
    t0 = time.perf_counter()
    manifest_path = out / "chip" / "chip.manifest.json"
    if not manifest_path.exists():
        write_chip(out / "chip")
    manifest = read_manifest(manifest_path)
    store_path = out / "results.h5"
    store = Store(store_path)
    laser_device, laser = _laser_from_manifest(manifest)
    current = laser.operating_current
    laser_dbm = 10 * math.log10(float(laser.steady_state(current).power) / 1e-3)
    summary: dict = {"manifest": str(manifest_path), "store": str(store_path),
                     "laser": {"name": laser_device.name, "power_dbm": laser_dbm, "current_a": current,
                               "linewidth_hz": float(laser.linewidth(current))},
                     "standards": {}, "budgets": {}, "yield": {}}
    curves, designs = {}, {}
    for standard in ("400ZR", "800ZR"):
        entry, design, nominal = choose_mzm(manifest, standard, laser_dbm)
        run_name, data = _run_curve(store, standard, design, laser, n_symbols)
        std = get_standard(standard)
        ber = data.results["ber"]
        req = required_osnr_from_curve({"osnr_db": data.params["osnr_db"], "ber": ber}, std.pre_fec_ber_threshold)
        curves[standard] = {"osnr_db": data.params["osnr_db"].tolist(), "ber": ber.tolist(),
                            "ngmi": data.results["ngmi"].tolist(), "run": run_name}
        designs[standard] = design
        summary["standards"][standard] = {
            "mzm": entry.name, "mzm_length_m": design.mzm.length, "vpi_v": nominal["vpi_v"],
            "eo_bandwidth_hz": nominal["eo_bandwidth_hz"], "tx_power_dbm": nominal["tx_power_dbm"],
            "required_osnr_db": req, "required_osnr_reference": "12.5 GHz", "ber_run": run_name}
        print(f"  {standard}: best MZM {entry.name} ({design.mzm.length * 1e3:.1f} mm, Vπ {nominal['vpi_v']:.1f} V, "
              f"{nominal['eo_bandwidth_hz'] / 1e9:.0f} GHz), Tx {nominal['tx_power_dbm']:.1f} dBm, "
              f"required OSNR {req:.2f} dB/12.5 GHz (simulated)")
    # budgets: DCI links per standard, and a metro link with the 400G transceiver under OpenZR+ (oFEC)
    budgets_dir = out / "chain_budgets"
    jobs = [("400ZR", STANDARD_PRESETS["400ZR"]), ("800ZR", STANDARD_PRESETS["800ZR"]), ("400ZR", METRO_PRESET)]
    for standard, preset_name in jobs:
        link = linkfile.preset(preset_name)
        link["transceiver"] = {"ber_curve": {"osnr_db": curves[standard]["osnr_db"], "ber": curves[standard]["ber"]},
                               "tx_power_dbm": summary["standards"][standard]["tx_power_dbm"]}
        link["name"] = f"{link['name']} — chip transceiver"
        budget = linkfile.evaluate(linkfile.parse_link(link, source=f"chain {preset_name}"))
        files = write_report(budget, budgets_dir, formats=("html", "md", "json"), stem=preset_name.lower())
        worst = float(np.min(budget.margin_db))
        html_file = next((f for f in files if f.suffix == ".html"), None)
        summary["budgets"][preset_name] = {"verdict": budget.verdict, "margin_db": worst,
                                           "gsnr_db": float(budget.center.gsnr_ref_db), "gsnr_reference": "12.5 GHz",
                                           "report": str(html_file) if html_file else ""}
        print(f"  budget {preset_name}: {budget.verdict}, worst-channel margin {worst:.2f} dB")
    # yield of the chip design on each DCI link, dies stored in the same HDF5 file
    for standard in ("400ZR", "800ZR"):
        design = designs[standard]
        ref = summary["standards"][standard]["required_osnr_db"] - bandwidth_penalty_db(
            design.die(), get_standard(standard).baud_rate)
        res = run_yield(design, linkfile.preset(STANDARD_PRESETS[standard]), n_dies=n_dies, seed=5,
                        store=store_path, reference_required_osnr_db=ref)
        std = get_standard(standard)
        tx_min = std.tx_power_range_dbm[0] if std.tx_power_range_dbm else None
        write_yield_results(res, out, stem=f"yield_{standard.lower()}", tx_min_dbm=tx_min)
        summary["yield"][standard] = res.to_dict()
        print(f"  yield {standard}: {res.yield_fraction * 100:.1f} % of {n_dies} dies")
    _plot_curves(out, curves, summary)
    summary["runtime_s"] = time.perf_counter() - t0
    write_json_atomic(out / "chain.json", summary)
    write_text_atomic(out / "report.html", _report_html(out, summary))
    return summary


def _plot_curves(out, curves, summary):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from links.standards import get_standard

    fig, ax = plt.subplots(figsize=(6.4, 4))
    for i, (standard, c) in enumerate(curves.items()):
        ax.semilogy(c["osnr_db"], np.maximum(c["ber"], 1e-7), "o-", color=f"C{i}",
                    label=f"{standard}, chip devices ({summary['standards'][standard]['mzm']})")
        ax.axhline(get_standard(standard).pre_fec_ber_threshold, color=f"C{i}", ls=":", lw=1)
    ax.set(xlabel="OSNR (dB, 12.5 GHz reference)", ylabel="pre-FEC BER", title="chip transmitter, full blind DSP")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure_atomic(fig, out / "chain_ber_vs_osnr.png")
    plt.close(fig)


def _img(path: pathlib.Path) -> str:
    if not path.exists():
        return ""
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(path.name)}" src="data:image/png;base64,{data}" style="max-width:100%">'


def _link(out: pathlib.Path, report: str) -> str:
    if not report:
        return ""
    rel = pathlib.Path(report).resolve().relative_to(out.resolve()).as_posix()
    return f'<a href="{html.escape(rel)}">{html.escape(pathlib.Path(report).name)}</a>'


def _report_html(out: pathlib.Path, s: dict) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(k)}</td><td>{e(v['mzm'])}</td><td>{v['mzm_length_m'] * 1e3:.1f}</td><td>{v['vpi_v']:.2f}</td>"
        f"<td>{v['eo_bandwidth_hz'] / 1e9:.1f}</td><td>{v['tx_power_dbm']:.2f}</td><td>{v['required_osnr_db']:.2f}</td>"
        "</tr>" for k, v in s["standards"].items())
    brows = "".join(
        f"<tr><td>{e(k)}</td><td>{e(v['verdict'])}</td><td>{v['margin_db']:.2f}</td><td>{v['gsnr_db']:.2f}</td>"
        f"<td>{_link(out, v['report'])}</td></tr>" for k, v in s["budgets"].items())
    yrows = "".join(
        f"<tr><td>{e(k)}</td><td>{v['yield'] * 100:.1f}</td><td>{v['yield_95ci'][0] * 100:.1f}–"
        f"{v['yield_95ci'][1] * 100:.1f}</td><td>{v['margin_mean_db']:.2f}</td>"
        f"<td>{v['tx_power_mean_dbm']:.2f}</td></tr>"
        for k, v in s["yield"].items())
    las = s["laser"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>optolink chain report</title>
<style>body{{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border-bottom:1px solid #ddd;padding:4px 10px;text-align:right}}
td:first-child,th:first-child{{text-align:left}}</style></head><body>
<h1>optolink: chip → link → yield</h1>
<p>Chip manifest <code>{e(pathlib.Path(s['manifest']).name)}</code>;
HDF5 store <code>{e(pathlib.Path(s['store']).name)}</code> (BER points and yield dies);
run time {s['runtime_s']:.0f} s. Every OSNR is referenced to 12.5 GHz (0.1 nm) and counts both polarizations' noise.</p>
<h2>Chip</h2>{_img(out / 'chip' / 'chip.png')}
<p>Laser {e(las['name'])}: {las['power_dbm']:.2f} dBm at {las['current_a'] * 1e3:.1f} mA, Henry linewidth
{las['linewidth_hz'] / 1e6:.2f} MHz. IQ splitters assumed trimmed to {TRIMMED_SPLITTER_DB} dB by bias control.</p>
<h2>Transmitters from the chip</h2>
<table><tr><th>standard</th><th>MZM</th><th>length (mm)</th><th>Vπ (V)</th><th>EO bandwidth (GHz)</th>
<th>Tx power (dBm)</th><th>required OSNR (dB, 12.5 GHz)</th></tr>{rows}</table>
{_img(out / 'chain_ber_vs_osnr.png')}
<h2>Link budgets with the chip transceivers</h2>
<table><tr><th>link</th><th>verdict</th><th>worst margin (dB)</th><th>centre GSNR (dB, 12.5 GHz)</th>
<th>report</th></tr>
{brows}</table>
<h2>Yield of the chip design</h2>
<table><tr><th>standard</th><th>yield (%)</th><th>95 % CI (%)</th><th>mean OSNR margin (dB)</th>
<th>mean Tx power (dBm)</th></tr>{yrows}</table>
{_img(out / 'yield_400zr.png')}{_img(out / 'yield_800zr.png')}
<script type="application/json" id="chain-data">{e(json.dumps(s, default=str))}</script>
</body></html>
"""


def demo_section(out_dir: pathlib.Path) -> dict:
    """`optolink demo`: the whole chain from the chip built by the chip section."""
    s = run_chain(pathlib.Path(out_dir))
    return {"standards": s["standards"], "budgets": {k: {kk: vv for kk, vv in v.items() if kk != "report"}
                                                     for k, v in s["budgets"].items()},
            "yield": {k: v["yield"] for k, v in s["yield"].items()}, "runtime_s": s["runtime_s"]}
