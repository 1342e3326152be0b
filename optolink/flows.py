"""End-to-end flows behind the CLI: ``demo`` runs every capability on built-in defaults."""

from __future__ import annotations

import dataclasses
import math
import pathlib
import time

import numpy as np

from .core.files import save_figure_atomic, write_json_atomic


def _params(obj) -> dict:
    """A parameter set as a plain dict (nested dataclasses flattened to dicts, private fields dropped)."""
    out = {}
    for f in dataclasses.fields(obj):
        if f.name.startswith("_"):
            continue
        v = getattr(obj, f.name)
        out[f.name] = _params(v) if dataclasses.is_dataclass(v) else v
    return out


def default_devices() -> dict:
    """The default devices of the demo, by name."""
    from photonics.detectors import PinPhotodiode
    from photonics.electrodes import LumpedElectrode
    from photonics.modulators import MachZehnderModulator
    from photonics.phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter
    from photonics.rings import RingModulator

    return {
        "phase_shifter": DepletionPhaseShifter(),
        "heater": ThermoOpticPhaseShifter(),
        "mzm_tw_3mm": MachZehnderModulator(),
        "mzm_lumped_0p5mm": MachZehnderModulator(length=0.5e-3, electrode=LumpedElectrode(),
                                                 termination_impedance=None),
        "ring_7p5um": RingModulator(),
        "ring_add_drop_7p5um": RingModulator(drop_gap=300e-9),
        "photodiode": PinPhotodiode(),
    }


def device_figures() -> dict:
    """Figures of every default device: {name: {"kind", "parameters", "performance"}}."""
    out = {}
    for name, dev in default_devices().items():
        out[name] = {"kind": type(dev).__name__, "parameters": _params(dev),
                     "performance": dev.figures()}
    return out


_UNITS = (  # key suffix → (display unit, scale); the longest matching suffix wins
    ("_v_cm", "V·cm", 1.0), ("_db_per_mm", "dB/mm", 1.0), ("_db_per_cm", "dB/cm", 1.0),
    ("_db_per_m", "dB/cm", 1e-2), ("_db", "dB", 1.0), ("_hz", "GHz", 1e-9), ("_f_per_m", "fF/µm", 1e9),
    ("_f", "fF", 1e15), ("_ohm_m", "Ω·cm", 100.0), ("_ohm", "Ω", 1.0), ("_w_per_sqrt_hz", "pW/√Hz", 1e12),
    ("_w", "mW", 1e3), ("_a_per_w", "A/W", 1.0), ("_a", "mA", 1e3), ("_v", "V", 1.0), ("_per_k", "1/K", 1.0),
    ("_w_per_m_k", "W/(m·K)", 1.0), ("_m_per_v", "pm/V", 1e12), ("_m_per_w", "nm/mW", 1e9 / 1e3),
    ("_s", "ps", 1e12), ("_m2", "µm²", 1e12),
)


def _display(key: str, value) -> tuple[str, str, str]:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return key, str(value), ""
    if key.endswith("_a") and not key.endswith("_per_a") and abs(x) < 1e-4:
        return key[:-2], f"{x * 1e9:.4g}", "nA"
    if key.endswith("_m") and not key.endswith(("_per_m", "_ohm_m")):
        name = key[:-2]
        if "wavelength" in name:
            return name, f"{x * 1e9:.4f}", "nm"
        for unit, scale, limit in (("nm", 1e9, 1e-6), ("µm", 1e6, 1e-3), ("mm", 1e3, math.inf)):
            if abs(x) < limit:
                return name, f"{x * scale:.4g}", unit
    for suffix, unit, scale in sorted(_UNITS, key=lambda u: -len(u[0])):
        if key.endswith(suffix):
            return key[: -len(suffix)], f"{x * scale:.4g}", unit
    return key, f"{x:.4g}", ""


def format_device_table(figures: dict) -> str:
    """A plain-text table: device, figure, value, unit."""
    rows = [("device", "figure", "value", "unit")]
    for name, entry in figures.items():
        for key, value in entry["performance"].items():
            fig, val, unit = _display(key, value)
            rows.append((name, fig, val, unit))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, r in enumerate(rows):
        cells = (c.ljust(w) if j != 2 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths, strict=True)))
        lines.append("  ".join(cells))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _device_plots(out: pathlib.Path, devices: dict) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    ps = devices["phase_shifter"]
    v = np.linspace(0, 4, 81)
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    ax[0].plot(v, ps.delta_neff(v) * 1e4)
    ax[0].set(xlabel="reverse bias (V)", ylabel="Δn_eff (1e-4)", title="depletion phase shifter")
    ax[1].plot(v, ps.loss_db_per_m(v) / 1e3)
    ax[1].set(xlabel="reverse bias (V)", ylabel="loss (dB/mm)")
    fig.tight_layout()
    written.append(str(save_figure_atomic(fig, out / "phase_shifter.png")))
    plt.close(fig)

    mzm = devices["mzm_tw_3mm"]
    f = np.linspace(0.1e9, 80e9, 300)
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    for name in ("mzm_tw_3mm", "mzm_lumped_0p5mm"):
        h = devices[name].eo_response(f)
        ax[0].plot(f / 1e9, 20 * np.log10(np.abs(h)), label=name)
    ax[0].axhline(-3, color="gray", lw=0.8, ls="--")
    ax[0].set(xlabel="frequency (GHz)", ylabel="EO S21 (dB)", ylim=(-10, 2), title="EO response")
    ax[0].legend()
    lo, hi = mzm.drive_range
    d = np.linspace(lo, hi, 301)
    ax[1].plot(d, 10 * np.log10(mzm.transfer(d)))
    ax[1].set(xlabel="drive (V)", ylabel="transmission (dB)", title=f"MZM static, Vπ = {mzm.vpi:.2f} V")
    fig.tight_layout()
    written.append(str(save_figure_atomic(fig, out / "mzm.png")))
    plt.close(fig)

    ring = devices["ring_7p5um"]
    wl0 = float(ring.resonance_wavelength(0.0))
    wl = np.linspace(wl0 - 0.6e-9, wl0 + 0.6e-9, 601)
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    for vr in (0.0, 1.0, 2.0):
        ax[0].plot((wl - wl0) * 1e12, 10 * np.log10(ring.transmission(wl, vr)), label=f"{vr:.0f} V reverse")
    ax[0].set(xlabel=f"detuning from {wl0 * 1e9:.3f} nm (pm)", ylabel="through (dB)", title="ring modulator")
    ax[0].legend()
    f = np.linspace(0.1e9, 60e9, 300)
    ax[1].plot(f / 1e9, 20 * np.log10(np.abs(ring.small_signal_response(f))))
    ax[1].axhline(-3, color="gray", lw=0.8, ls="--")
    ax[1].set(xlabel="frequency (GHz)", ylabel="EO response (dB)", ylim=(-12, 4))
    fig.tight_layout()
    written.append(str(save_figure_atomic(fig, out / "ring.png")))
    plt.close(fig)
    return written


# modules whose ``demo_section(out_dir) -> dict`` the demo runs, in order of the summary. The independent ones
# run in a side process while the chip and the sections that read it run in this one (the machine's 2 cores are
# both busy, so the demo takes the larger of the two paths, not their sum); each side section's output is
# printed, whole, when it finishes.
INDEPENDENT_SECTIONS: list[str] = ["flows_solvers", "flows_lasers", "flows_links", "flows_budget", "flows_network"]
CHIP_SECTIONS: list[str] = ["flows_chip", "flows_chain", "flows_imdd"]
# sections that take the chip's manifest as well as the output directory
_TAKES_MANIFEST = {"flows_imdd"}
DEMO_SECTIONS: list[str] = CHIP_SECTIONS[:1] + INDEPENDENT_SECTIONS + CHIP_SECTIONS[1:]


def run_section(name: str, out_dir: str) -> tuple[dict, str, float]:
    """One demo section with its printed output captured: ``(summary, text, seconds)``."""
    import contextlib
    import importlib
    import io

    buf = io.StringIO()
    t1 = time.perf_counter()
    with contextlib.redirect_stdout(buf):
        section = importlib.import_module(f"optolink.{name}").demo_section(pathlib.Path(out_dir))
    return section, buf.getvalue(), time.perf_counter() - t1


def _run_sections(names: list[str], out_dir: str) -> list[tuple[str, dict, str, float]]:
    return [(n, *run_section(n, out_dir)) for n in names]


def _print_section(name: str, text: str, seconds: float) -> None:
    print(f"\n== {name} ==\n{text.rstrip()}\n({name}: {seconds:.1f} s)", flush=True)


def demo(out_dir: str | pathlib.Path, *, parallel: bool = True) -> int:
    """Run every capability on built-in defaults — devices, chip, laser, links, budgets, network, then the whole
    chain (chip → BER curves → budgets → yield → report and HDF5 store) — writing into ``out_dir``.
    ``parallel``: the sections that do not read the chip run in a side process."""
    import concurrent.futures
    import multiprocessing

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    figures = device_figures()
    print("optolink demo: default devices\n")
    print(format_device_table(figures))
    write_json_atomic(out / "devices.json", {"schema": "optolink.devices/1", "devices": figures})
    _device_plots(out, default_devices())
    results: dict[str, dict] = {}
    side = None
    if parallel:
        ctx = multiprocessing.get_context("spawn")  # the parent holds threads (gdsfactory, numba)
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=ctx)
        side = pool.submit(_run_sections, INDEPENDENT_SECTIONS, str(out))
    try:
        for name in CHIP_SECTIONS if parallel else DEMO_SECTIONS:
            import importlib

            t1 = time.perf_counter()
            print(f"\n== {name} ==", flush=True)  # this process's sections print as they go
            mod = importlib.import_module(f"optolink.{name}")
            results[name] = (mod.demo_section(out / "chip" / "chip.manifest.json", out) if name in _TAKES_MANIFEST
                             else mod.demo_section(out))
            print(f"({name}: {time.perf_counter() - t1:.1f} s)", flush=True)
            if side is not None and side.done() and not set(INDEPENDENT_SECTIONS) & set(results):
                for n, sec, txt, secs in side.result():
                    _print_section(n, txt, secs)
                    results[n] = sec
        if side is not None and not set(INDEPENDENT_SECTIONS) & set(results):
            for n, sec, txt, secs in side.result():
                _print_section(n, txt, secs)
                results[n] = sec
    finally:
        if side is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    summary = {"devices": {k: v["performance"] for k, v in figures.items()},
               **{name: results[name] for name in DEMO_SECTIONS}}
    write_json_atomic(out / "summary.json", summary)
    files = sorted(f for f in out.rglob("*") if f.is_file())
    print(f"\nwrote {len(files)} files to {out}/ in {time.perf_counter() - t0:.1f} s; start with:")
    for name in ("report.html", "summary.json", "results.h5", "devices.json", "chip/chip.gds"):
        if (out / name).exists():
            print(f"  {out / name}")
    return 0
