"""The whole chain on built-in defaults: test chip → manifest → every candidate MZM simulated for 400ZR and 800ZR
→ each standard's MZM picked from the simulated verdicts → budgets of a DCI and a metro link → yield → report.

Every step reads what the previous one wrote, through the one path every entry point uses: each candidate
MZM of the chip (with a stated external tunable laser, the chip's widest-band photodiode in the receiver and the
default driver, `photonics.drivers.Driver`) is a link-file transceiver (``chip_manifest``, ``modulator``,
``laser_power_dbm``, ``photodiode``) on the standard's DCI preset, so its
budget comes from `links.linkfile` → `links.chip.ChipTransceiver.from_manifest` → `links.verdict.simulate_chip`
(the full blind DSP chain, cached in the HDF5 stores ``verdicts_400zr.h5`` / ``verdicts_800zr.h5``, so a
re-run recomputes nothing) → `links.transceiver.Transceiver.from_chip`. The two standards run in two
processes (one store each). The report tabulates, per candidate: length, Vπ, EO bandwidth, drive swing over
Vπ, Tx power, simulated required OSNR, the analytic estimate, margin and verdict, and plots the margin against
the MZM length per standard with the optimum marked.
Assumptions, stated in the report: the transmitter's laser is an external ITLA-class tunable laser of
``EXTERNAL_LASER_DBM`` and 100 kHz linewidth, as coherent modules use (the chip's own DFB test lasers, 4 dBm and
~5 MHz, leave every candidate far below 400ZR's Tx power minimum: ``optolink budget`` with ``laser: NAME`` gives
their verdict); since the modulator is linear in the optical field, each candidate's report also gives the laser
power its Tx power would need to reach the standard's minimum; the IQ modulator's splitters are trimmed to 0.05 dB
by its bias control;
the 800ZR DCI link gets a booster (NF 5.5 dB) after the chip transmitter (its preset has none, and a chip's
Tx power launched unamplified cannot close 120 km); the receiver sensitivity is not simulated here.
"""

from __future__ import annotations

import base64
import html
import json
import math
import pathlib
import time

import numpy as np

from .core.files import save_figure_atomic, write_json_atomic, write_text_atomic
from .core.serialize import slug

STANDARD_PRESETS = {"400ZR": "400ZR-DCI-120km", "800ZR": "800ZR-DCI-120km"}
METRO_PRESET = "OpenZR+-metro-6x80km"
CHAIN_SEED = 11
BOOSTER = {"nf_db": 5.5}
# an external ITLA-class tunable laser into the modulator (OIF-ITLA-MSA class; commercial ITLAs are adjustable
# from about +7 dBm to 13.5-18 dBm, e.g. the EMCORE TTX1994 datasheet), with links.chip's 100 kHz linewidth
EXTERNAL_LASER_DBM = 16.0
DEMO_SYMBOLS = 2**12  # symbols per simulated point in `make demo` (see demo_section)


def store_path(out: pathlib.Path, standard: str) -> pathlib.Path:
    """The HDF5 store of one standard's candidate simulations."""
    return pathlib.Path(out) / f"verdicts_{slug(standard)}.h5"


def chip_link(standard_or_preset: str, manifest_path, modulator: str, n_symbols: int, *,
              laser_power_dbm: float = EXTERNAL_LASER_DBM, photodiode: str | None = None) -> dict:
    """The link description of a preset with a chip transceiver: the chip's ``modulator`` (and ``photodiode``
    in the receiver), fed by a stated laser of ``laser_power_dbm``."""
    from links.linkfile import preset

    link = preset(standard_or_preset)
    link["transceiver"] = {"chip_manifest": str(pathlib.Path(manifest_path).resolve()), "modulator": modulator,
                           "laser_power_dbm": float(laser_power_dbm),
                           **({"photodiode": photodiode} if photodiode else {}),
                           "simulation": {"n_symbols": int(n_symbols), "seed": CHAIN_SEED, "sensitivity": False}}
    link.setdefault("booster", dict(BOOSTER))
    link["name"] = f"{link['name']} — chip {modulator}"
    return link


def _row(entry_name: str, link_desc, budget) -> dict:
    perf = link_desc.chip
    fig = perf.figures
    margin = float(np.min(budget.margin_db)) if np.all(np.isfinite(budget.margin_db)) else math.nan
    rng = link_desc.transceiver.tx_power_range_dbm
    # the modulator is linear in the optical field: Tx power follows the laser power dB for dB
    needed = (float(fig["laser_power_dbm"] + rng[0] - perf.tx_power_dbm) if rng is not None else math.nan)
    return {"mzm": entry_name, "length_m": fig["mzm_length_m"], "vpi_v": fig["vpi_v"],
            "eo_bandwidth_hz": fig["eo_bandwidth_hz"], "drive_swing_vpi": fig["drive_swing_vpi"],
            "tx_power_dbm": perf.tx_power_dbm, "required_osnr_db": perf.required_osnr_db,
            "estimate_required_osnr_db": perf.estimate.required_osnr_db, "floor_ber": perf.floor_ber,
            "laser_power_dbm": fig["laser_power_dbm"], "laser_needed_for_tx_min_dbm": needed,
            "margin_db": margin, "verdict": budget.verdict, "fail_reasons": list(budget.fail_reasons),
            "cached": perf.cached, "runs": list(perf.runs)}


def standard_candidates(out_dir, manifest_path, photodiode: str | None, standard: str, n_symbols: int) -> dict:
    """Every MZM of the chip as the transceiver of ``standard``'s DCI preset (simulated into the standard's
    store, or read back): the candidate rows, and the budget reports of the chosen one (and, for 400ZR, the
    metro link under OpenZR+). Runs in a worker process."""
    from links.linkfile import evaluate, parse_link
    from links.report import write_report
    from photonics.manifest import read_manifest

    out = pathlib.Path(out_dir)
    store = store_path(out, standard)
    rows = []
    for entry in read_manifest(manifest_path).of_kind("mzm"):
        desc = parse_link(chip_link(STANDARD_PRESETS[standard], manifest_path, entry.name, n_symbols,
                                    photodiode=photodiode),
                          source=f"chain {standard} {entry.name}", store=store)
        rows.append(_row(entry.name, desc, evaluate(desc)))
        r = rows[-1]
        req = "floor" if math.isnan(r["required_osnr_db"]) else f"{r['required_osnr_db']:.2f} dB"
        print(f"  {standard} {entry.name}: {r['length_m'] * 1e3:.1f} mm, Vπ {r['vpi_v']:.1f} V, required OSNR {req}"
              f", {r['verdict']}{' (cached)' if r['cached'] else ''}", flush=True)
    best = max(rows, key=lambda r: (r["verdict"] == "PASS", np.nan_to_num(r["margin_db"], nan=-1e9)))
    budgets = {}
    jobs = [(STANDARD_PRESETS[standard], standard)] + ([(METRO_PRESET, "OpenZR+ 400G")] if standard == "400ZR"
                                                         else [])
    for preset_name, _ in jobs:
        desc = parse_link(chip_link(preset_name, manifest_path, best["mzm"], n_symbols, photodiode=photodiode),
                          source=f"chain {preset_name}", store=store)
        budget = evaluate(desc)
        files = write_report(budget, out / "chain_budgets", formats=("html", "md", "json"), stem=preset_name.lower())
        margin = float(np.min(budget.margin_db)) if np.all(np.isfinite(budget.margin_db)) else math.nan
        budgets[preset_name] = {"verdict": budget.verdict, "margin_db": margin, "mzm": best["mzm"],
                                "gsnr_db": float(budget.center.gsnr_ref_db), "gsnr_reference": "12.5 GHz",
                                "required_osnr_db": desc.chip.required_osnr_db,
                                "fail_reasons": list(budget.fail_reasons),
                                "report": str(next((f for f in files if f.suffix == ".html"), ""))}
    return {"standard": standard, "store": str(store), "candidates": rows, "best": best, "budgets": budgets}


def _optimum(rows: list[dict]) -> dict:
    """The candidate of largest OSNR margin (passing first), and whether it sits at an end of the length range."""
    best = max(rows, key=lambda r: (r["verdict"] == "PASS", np.nan_to_num(r["margin_db"], nan=-1e9)))
    lengths = sorted({r["length_m"] for r in rows})
    at_end = best["length_m"] in (lengths[0], lengths[-1])
    where = "the shortest" if best["length_m"] == lengths[0] else "the longest"
    note = (f"the optimum ({best['mzm']}, {best['length_m'] * 1e3:.1f} mm) is at {where} length of the chip's "
            f"range {lengths[0] * 1e3:.1f}-{lengths[-1] * 1e3:.1f} mm: the true optimum may lie beyond it"
            if at_end else f"the optimum ({best['mzm']}, {best['length_m'] * 1e3:.1f} mm) is inside the chip's "
                           f"range {lengths[0] * 1e3:.1f}-{lengths[-1] * 1e3:.1f} mm")
    return {"mzm": best["mzm"], "length_m": best["length_m"], "margin_db": best["margin_db"], "at_end": at_end,
            "note": note}


# --- the chain --------------------------------------------------------------------------------------------
def run_chain(out_dir: pathlib.Path, *, n_symbols: int = 2**13, n_dies: int = 200, workers: int = 2) -> dict:
    """Run the chain into ``out_dir`` (expects the chip in out_dir/chip, builds it otherwise); ``workers``
    processes for the two standards (1: in this process)."""
    from layouts.manifest import write_chip
    from links import linkfile
    from links.chip import TRIMMED_SPLITTER_DB, ChipTransceiver
    from links.yields import run_yield
    from photonics.manifest import read_manifest

    from .flows_yield import write_yield_results

    out = pathlib.Path(out_dir)
    t0 = time.perf_counter()
    manifest_path = out / "chip" / "chip.manifest.json"
    if not manifest_path.exists():
        write_chip(out / "chip")
    manifest = read_manifest(manifest_path)
    laser_device = manifest.best("laser", "power_w")
    laser = laser_device.objects()["footprint"].model()
    current = laser.operating_current
    laser_dbm = 10 * math.log10(float(laser.steady_state(current).power) / 1e-3)
    photodiode = manifest.best("photodetector", "bandwidth_hz").name if manifest.of_kind("photodetector") else None
    summary: dict = {"manifest": str(manifest_path), "stores": {s: str(store_path(out, s)) for s in STANDARD_PRESETS},
                     "store": str(out / "results.h5"),
                     "laser": {"power_dbm": EXTERNAL_LASER_DBM, "linewidth_hz": 100e3,
                               "kind": "external ITLA-class tunable laser (stated)"},
                     "chip_laser": {"name": laser_device.name, "power_dbm": laser_dbm, "current_a": current,
                                    "linewidth_hz": float(laser.linewidth(current))},
                     "photodiode": photodiode,
                     "n_symbols": n_symbols, "trimmed_splitter_db": TRIMMED_SPLITTER_DB,
                     "standards": {}, "candidates": {}, "optimum": {}, "budgets": {}, "yield": {}}
    args = [(str(out), str(manifest_path), photodiode, s, n_symbols) for s in STANDARD_PRESETS]
    if workers > 1:
        import concurrent.futures
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")  # the parent may hold threads (gdsfactory, Dask)
        with concurrent.futures.ProcessPoolExecutor(max_workers=min(workers, len(args)), mp_context=ctx) as pool:
            results = list(pool.map(standard_candidates, *zip(*args, strict=True)))
    else:
        results = [standard_candidates(*a) for a in args]
    for res in results:
        standard, best = res["standard"], res["best"]
        summary["candidates"][standard] = res["candidates"]
        summary["optimum"][standard] = _optimum(res["candidates"])
        summary["standards"][standard] = {**{k: best[k] for k in best if k not in ("runs", "fail_reasons")},
                                          "mzm_length_m": best["length_m"], "required_osnr_reference": "12.5 GHz",
                                          "ber_runs": best["runs"], "store": res["store"]}
        summary["budgets"].update(res["budgets"])
        req = best["required_osnr_db"]
        print(f"  {standard}: chosen MZM {best['mzm']} ({best['length_m'] * 1e3:.1f} mm, Vπ {best['vpi_v']:.1f} V, "
              f"{best['eo_bandwidth_hz'] / 1e9:.0f} GHz), Tx {best['tx_power_dbm']:.1f} dBm, required OSNR "
              f"{'n/a (floor)' if math.isnan(req) else f'{req:.2f} dB/12.5 GHz'} (simulated), {best['verdict']}; "
              f"{summary['optimum'][standard]['note']}")
        need = best["laser_needed_for_tx_min_dbm"]
        if math.isfinite(need) and need > best["laser_power_dbm"]:
            print(f"  {standard}: its Tx power reaches the standard's minimum with a laser of {need:.1f} dBm "
                  f"(stated: {best['laser_power_dbm']:.1f} dBm)")
    for name, b in summary["budgets"].items():
        print(f"  budget {name} ({b['mzm']}): {b['verdict']}, worst-channel margin {b['margin_db']:.2f} dB")
    # yield of each chosen design on its DCI link: its full simulation plus the analytic change per die
    for standard in STANDARD_PRESETS:
        chip = ChipTransceiver.from_manifest(manifest_path, modulator=summary["standards"][standard]["mzm"],
                                             laser_power_dbm=EXTERNAL_LASER_DBM, photodiode=photodiode)
        link = linkfile.preset(STANDARD_PRESETS[standard])
        link.setdefault("booster", dict(BOOSTER))
        nominal = summary["standards"][standard]  # the chosen MZM's full simulation anchors every die
        res = run_yield(chip=chip, link=link, method="anchored", n_dies=n_dies, seed=5, store=out / "results.h5",
                        anchor={k: nominal[k] for k in ("required_osnr_db", "tx_power_dbm", "floor_ber")})
        from links.standards import get_standard

        std = get_standard(standard)
        write_yield_results(res, out, stem=f"yield_{standard.lower()}",
                            tx_min_dbm=std.tx_power_range_dbm[0] if std.tx_power_range_dbm else None)
        summary["yield"][standard] = res.to_dict()
        print(f"  yield {standard}: {res.yield_fraction * 100:.1f} % of {n_dies} dies (the nominal simulation plus "
              "the analytic change per die)")
    _plot_margins(out, summary)
    summary["runtime_s"] = time.perf_counter() - t0
    write_json_atomic(out / "chain.json", summary)
    write_text_atomic(out / "report.html", _report_html(out, summary))
    return summary


def _plot_margins(out, summary):
    """Margin (OSNR, worst channel) against MZM length per standard, the optimum marked; and Tx power."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    for i, (standard, rows) in enumerate(summary["candidates"].items()):
        c = f"C{i}"
        x = np.array([r["length_m"] * 1e3 for r in rows])
        m = np.array([r["margin_db"] for r in rows], dtype=float)
        ok = np.isfinite(m)
        ax[0].plot(x[ok], m[ok], "o", color=c, label=f"{standard} (OSNR margin)")
        if (~ok).any():
            floor_y = np.nanmin(m) - 1.0 if ok.any() else -1.0
            ax[0].plot(x[~ok], np.full((~ok).sum(), floor_y), "x", color=c, ms=8,
                       label=f"{standard}: BER floor above threshold")
        lengths = sorted(set(x[ok].tolist()))
        if lengths:
            ax[0].plot(lengths, [np.max(m[ok][x[ok] == v]) for v in lengths], "-", color=c, lw=1)
        opt = summary["optimum"][standard]
        if math.isfinite(opt["margin_db"]):
            ax[0].plot([opt["length_m"] * 1e3], [opt["margin_db"]], "*", color=c, ms=16, mec="k",
                       label=f"{standard} optimum {opt['mzm']}")
        ax[1].plot(x, [r["tx_power_dbm"] for r in rows], "o", color=c, label=standard)
    ax[0].axhline(0.0, color="k", lw=0.8)
    ax[0].set(xlabel="MZM length (mm)", ylabel="OSNR margin (dB, 12.5 GHz)", title="length trade-off, simulated")
    ax[0].legend(fontsize=7)
    ax[1].axhline(-10.0, color="C0", ls=":", lw=1, label="400ZR minimum Tx power")
    ax[1].set(xlabel="MZM length (mm)", ylabel="Tx power (dBm)", title="simulated Tx power (default driver)")
    ax[1].legend(fontsize=7)
    for a in ax:
        a.grid(True, alpha=0.3)
    fig.tight_layout()
    save_figure_atomic(fig, out / "chain_margin_vs_length.png")
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


def _f(x, fmt="{:.2f}") -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt.format(x)


def _candidate_row(r: dict, chosen: bool) -> str:
    e = html.escape
    req = _f(r["required_osnr_db"]) if math.isfinite(r["required_osnr_db"]) else "floor " + _f(r["floor_ber"], "{:.2e}")
    bold = ' style="font-weight:bold"' if chosen else ""
    left = ' style="text-align:left"'
    return (f"<tr{bold}><td>{e(r['mzm'])}</td><td>{r['length_m'] * 1e3:.1f}</td><td>{r['vpi_v']:.2f}</td>"
            f"<td>{r['eo_bandwidth_hz'] / 1e9:.1f}</td><td>{r['drive_swing_vpi']:.3f}</td>"
            f"<td>{r['tx_power_dbm']:.2f}</td><td>{req}</td><td>{_f(r['estimate_required_osnr_db'])}</td>"
            f"<td>{_f(r['laser_needed_for_tx_min_dbm'])}</td><td>{_f(r['margin_db'])}</td><td>{e(r['verdict'])}</td>"
            f"<td{left}>{e('; '.join(r['fail_reasons']))}</td></tr>")


def _report_html(out: pathlib.Path, s: dict) -> str:
    e = html.escape
    tables = []
    for standard, rows in s["candidates"].items():
        chosen = s["standards"][standard]["mzm"]
        body = "".join(_candidate_row(r, r["mzm"] == chosen) for r in rows)
        tables.append(
            f"<h3>{e(standard)} on {e(STANDARD_PRESETS[standard])} (chosen: {e(chosen)})</h3>"
            f"<p>{e(s['optimum'][standard]['note'])}.</p>"
            "<table><tr><th>MZM</th><th>length (mm)</th><th>Vπ (V)</th><th>EO bandwidth (GHz)</th>"
            "<th>drive swing / Vπ</th><th>Tx power (dBm)</th><th>required OSNR, simulated (dB, 12.5 GHz)</th>"
            "<th>estimate (dB, 12.5 GHz)</th><th>laser for the Tx minimum (dBm)</th><th>OSNR margin (dB)</th>"
            "<th>verdict</th><th>fail reasons</th></tr>"
            f"{body}</table>")
    brows = "".join(
        f"<tr><td>{e(k)}</td><td>{e(v['mzm'])}</td><td>{e(v['verdict'])}</td><td>{_f(v['margin_db'])}</td>"
        f"<td>{v['gsnr_db']:.2f}</td><td>{_link(out, v['report'])}</td>"
        f"<td>{e('; '.join(v['fail_reasons']))}</td></tr>" for k, v in s["budgets"].items())
    yrows = "".join(
        f"<tr><td>{e(k)}</td><td>{v['yield'] * 100:.1f}</td><td>{v['yield_95ci'][0] * 100:.1f}–"
        f"{v['yield_95ci'][1] * 100:.1f}</td><td>{v['margin_mean_db']:.2f}</td>"
        f"<td>{v['tx_power_mean_dbm']:.2f}</td></tr>"
        for k, v in s["yield"].items())
    las, dfb = s["laser"], s["chip_laser"]
    stores = ", ".join(f"<code>{e(pathlib.Path(v).name)}</code>" for v in s["stores"].values())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>optolink chain report</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0;font-size:90%}}td,th{{border-bottom:1px solid #ddd;padding:4px 8px;
text-align:right}}td:first-child,th:first-child{{text-align:left}}</style></head><body>
<h1>optolink: chip → link → yield</h1>
<p>Chip manifest <code>{e(pathlib.Path(s['manifest']).name)}</code>; simulations cached in the HDF5 stores {stores}
(yield dies in <code>{e(pathlib.Path(s['store']).name)}</code>); run time {s['runtime_s']:.0f} s. Every OSNR is
referenced to 12.5 GHz (0.1 nm) and counts both polarizations' noise.</p>
<h2>Chip</h2>{_img(out / 'chip' / 'chip.png')}
<p>Transmitter laser: {e(las['kind'])}, {las['power_dbm']:.1f} dBm, {las['linewidth_hz'] / 1e3:.0f} kHz linewidth,
as coherent modules use. The chip's own DFB test laser {e(dfb['name'])} (its most powerful) gives
{dfb['power_dbm']:.2f} dBm at {dfb['current_a'] * 1e3:.1f} mA with a Henry linewidth of
{dfb['linewidth_hz'] / 1e6:.2f} MHz: every candidate's Tx power would be {las['power_dbm'] - dfb['power_dbm']:.1f} dB
lower (<code>optolink budget</code> with <code>laser: {e(dfb['name'])}</code> simulates it). Because the modulator
is linear in the optical field, the table gives the laser power each candidate needs to reach the standard's Tx
power minimum. Receiver photodiode: the chip's {e(str(s.get('photodiode')))} (its widest-band).
Driver: the default linear driver (photonics.drivers.Driver).
IQ splitters assumed trimmed to {s['trimmed_splitter_db']} dB by bias control. The 800ZR DCI link gets a booster
(NF {BOOSTER['nf_db']} dB) after the transmitter. Records of {s['n_symbols']} symbols per point{
' (the demo’s short records: the 800ZR blind DSP reads ~2.5 dB pessimistic on them; 8192-symbol records, the link'
' files’ default, give the converged figures)' if s['n_symbols'] < 2**13 else ''}.</p>
<h2>Candidate MZMs: simulated verdicts</h2>
<p>Each MZM of the chip as the transceiver of the standard's DCI link: required OSNR from the full simulation
(blind DSP chain; "floor": the BER never reaches the threshold, the BER at the highest OSNR shown), the
analytic estimate beside it, and the budget's verdict. The chosen MZM (bold) passes with the largest margin, or
fails by the least.</p>
{''.join(tables)}
{_img(out / 'chain_margin_vs_length.png')}
<h2>Link budgets with the chosen chip transceivers</h2>
<table><tr><th>link</th><th>MZM</th><th>verdict</th><th>worst margin (dB)</th><th>centre GSNR (dB, 12.5 GHz)</th>
<th>report</th><th>fail reasons</th></tr>
{brows}</table>
<h2>Yield of the chosen designs</h2>
<p>Process yield of each chosen design on its DCI link: each die's required OSNR and Tx power are the chosen
design's full simulation plus the analytic change from the nominal die to that die (links.yields, method
"anchored": exact at the nominal point, approximate elsewhere; <code>optolink yield</code> fits a surrogate on
simulated dies instead). A design whose simulation floors fails on every die.</p>
<table><tr><th>standard</th><th>yield (%)</th><th>95 % CI (%)</th><th>mean OSNR margin (dB)</th>
<th>mean Tx power (dBm)</th></tr>{yrows}</table>
{_img(out / 'yield_400zr.png')}{_img(out / 'yield_800zr.png')}
<script type="application/json" id="chain-data">{e(json.dumps(s, default=str))}</script>
</body></html>
"""


def demo_section(out_dir: pathlib.Path) -> dict:
    """`optolink demo`: the whole chain from the chip built by the chip section, on records of ``DEMO_SYMBOLS``
    symbols per point to keep `make demo` under two minutes on a fresh machine. Approximate: the 800ZR blind DSP
    has not fully converged on such records (its required OSNR reads ~2.5 dB above that of 2**13-symbol records,
    `run_chain`'s default and the link files')."""
    s = run_chain(pathlib.Path(out_dir), n_symbols=DEMO_SYMBOLS)
    return {"standards": {k: {kk: vv for kk, vv in v.items() if kk not in ("ber_runs",)}
                          for k, v in s["standards"].items()},
            "optimum": s["optimum"],
            "budgets": {k: {kk: vv for kk, vv in v.items() if kk != "report"} for k, v in s["budgets"].items()},
            "yield": {k: v["yield"] for k, v in s["yield"].items()}, "runtime_s": s["runtime_s"]}
