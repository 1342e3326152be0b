"""``optolink simulate``: BER/GMI vs OSNR of a coherent standard, and the link section of ``optolink demo``."""

from __future__ import annotations

import math
import pathlib
import time

import numpy as np

from .core.files import save_figure_atomic, write_json_atomic
from .core.serialize import slug
from .core.units import OSNR_REFERENCE_BANDWIDTH

CACHE_NAME = "optolink-cache.h5"  # the HDF5 store of chip simulations (beside a link file, or in --out)


def parse_osnr(text: str) -> list[float]:
    """OSNR points (dB) from ``"18:30:1"`` (start:stop:step, stop included), ``"18,20,24"`` or ``"22"``."""
    s = str(text).strip()
    try:
        if ":" in s:
            parts = [float(p) for p in s.split(":")]
            if len(parts) not in (2, 3):
                raise ValueError
            start, stop = parts[0], parts[1]
            step = parts[2] if len(parts) == 3 else 1.0
            vals = [start, stop, step]
            if any(math.isnan(v) or math.isinf(v) for v in vals):
                raise ValueError(f"--osnr must be finite numbers; got {text!r}")
            if step <= 0 or stop < start:
                raise ValueError(f"--osnr start:stop:step needs step > 0 and stop >= start; got {text!r}")
            n = int(math.floor((stop - start) / step + 1e-9)) + 1
            if n > 200:
                raise ValueError(f"--osnr gives {n} points (max 200); got {text!r}")
            out = [round(start + i * step, 10) for i in range(n)]
        else:
            out = [float(p) for p in s.split(",") if p.strip()]
    except ValueError as exc:
        if str(exc).startswith("--osnr"):
            raise
        raise ValueError(f"--osnr must be 'start:stop:step', a comma list or one number (dB); got {text!r}") from None
    if not out or any(math.isnan(v) or math.isinf(v) for v in out):
        raise ValueError(f"--osnr must be finite numbers (dB); got {text!r}")
    return out


def format_curve_table(curve) -> str:
    """Plain-text table of an `OsnrSweep`: OSNR, BER, theory, GMI, NGMI, slips, pass/fail."""
    rows = [("OSNR (dB/0.1nm)", "BER", "theory BER", "GMI (b/sym)", "NGMI", "slips",
             f"pre-FEC {curve.pre_fec_ber_threshold:g}")]
    for i, o in enumerate(curve.osnr_db):
        rows.append((f"{o:.2f}", f"{curve.ber[i]:.3e}", f"{curve.theoretical_ber[i]:.3e}", f"{curve.gmi[i]:.3f}",
                     f"{curve.ngmi[i]:.4f}", str(int(curve.cycle_slips[i])), "pass" if curve.passes[i] else "FAIL"))
    widths = [max(len(r[j]) for r in rows) for j in range(len(rows[0]))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    req = "not reached" if math.isnan(curve.required_osnr_db) else f"{curve.required_osnr_db:.2f} dB"
    lines.append(f"required OSNR at the threshold (12.5 GHz reference): {req}; ideal receiver "
                 f"{curve.theoretical_required_osnr_db:.2f} dB; penalty "
                 f"{'n/a' if math.isnan(curve.penalty_db) else f'{curve.penalty_db:.2f} dB'}")
    return "\n".join(lines)


def _plot_curves(curves, path: pathlib.Path) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for i, c in enumerate(curves):
        color = f"C{i}"
        ax.semilogy(c.osnr_db, np.maximum(c.ber, 1e-7), "o-", color=color, label=f"{c.standard} simulated")
        o = np.linspace(c.osnr_db.min(), c.osnr_db.max(), 200)
        from links.metrics import snr_from_osnr, theoretical_ber

        std_baud = c.config.baud_rate
        ax.semilogy(o, theoretical_ber(c.config.symbol_format, snr_from_osnr(o, std_baud)), "--", color=color,
                    lw=1, label=f"{c.standard} theory (AWGN)")
        ax.axhline(c.pre_fec_ber_threshold, color=color, lw=0.6, ls=":")
    ax.set(xlabel="OSNR (dB, 12.5 GHz reference, both polarizations)", ylabel="pre-FEC BER",
           title="BER vs OSNR, full blind DSP chain", ylim=(1e-6, 0.5))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out = str(save_figure_atomic(fig, path))
    plt.close(fig)
    return out


def _plot_constellation(const, path: pathlib.Path, title: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8, 4))
    for p, ax in enumerate(axes):
        y = const.received[p][:20000]
        ax.plot(y.real, y.imag, ",", alpha=0.4)
        ax.plot(const.transmitted[p].real, const.transmitted[p].imag, "r+", ms=6)
        ax.set(aspect="equal", xlim=(-1.6, 1.6), ylim=(-1.6, 1.6), title=f"{'XY'[p]} polarization", xlabel="I")
    axes[0].set_ylabel("Q")
    r = const.result
    fig.suptitle(f"{title}: SNR {r.snr_db:.1f} dB, BER {r.ber:.2e}, NGMI {r.ngmi:.3f}")
    fig.tight_layout()
    out = str(save_figure_atomic(fig, path))
    plt.close(fig)
    return out


def run_simulate(standard: str, osnr_db, *, n_symbols: int = 2**15, seed: int = 0, ideal: bool = False,
                 frequency_offset: float = 1e9, linewidth: float = 100e3, out_dir="out") -> dict:
    """Simulate a BER-vs-OSNR curve, print the table, write ``simulate_<standard>.json`` and ``.png``."""
    from links.simulate import LinkConfig, ber_vs_osnr
    from links.standards import get_standard

    std = get_standard(standard)
    cfg = LinkConfig(standard=std.name, n_symbols=n_symbols, ideal=ideal, frequency_offset=frequency_offset,
                     linewidth=linewidth)
    t0 = time.perf_counter()
    curve = ber_vs_osnr(std, osnr_db, config=cfg, seed=seed)
    print(f"{std.name}: {std.modulation} at {std.baud_rate / 1e9:.4f} GBd, {n_symbols} symbols per point, "
          f"{'ideal receiver' if ideal else 'full blind DSP chain'} ({time.perf_counter() - t0:.1f} s)")
    print(format_curve_table(curve))
    out = pathlib.Path(out_dir)
    stem = slug(std.name)
    data = {"schema": "optolink.ber_vs_osnr/1", **curve.to_dict(), "standard_source": std.source}
    written = [str(write_json_atomic(out / f"simulate_{stem}.json", data)),
               _plot_curves([curve], out / f"simulate_{stem}.png")]
    for w in written:
        print(f"wrote {w}")
    return {"curve": curve, "files": written}


# --- the chip's devices on the command line (shared by simulate and yield) ------------------------------
_DRIVER_FLAGS = (("driver_swing_v", "swing_v", 1.0), ("driver_bandwidth_ghz", "bandwidth", 1e9),
                 ("driver_noise_v_per_sqrt_hz", "noise_density_v_per_sqrt_hz", 1.0),
                 ("driver_output_impedance_ohm", "output_impedance", 1.0))


def add_chip_arguments(p) -> None:
    """``--chip MANIFEST --modulator NAME [--laser NAME | --laser-power-dbm X] [--photodiode NAME]`` and the
    driver (``--driver-swing-v`` ...; defaults: ``photonics.drivers.Driver``)."""
    g = p.add_argument_group("chip devices (a transceiver built from a chip manifest)")
    g.add_argument("--chip", type=pathlib.Path, default=None, help="the chip manifest (chip.manifest.json)")
    g.add_argument("--modulator", default=None, help="the manifest's MZM (an IQ pair of it) or IQ modulator, by name")
    laser = g.add_mutually_exclusive_group()
    laser.add_argument("--laser", default=None, help="the manifest's laser, by name (at its operating current)")
    laser.add_argument("--laser-power-dbm", type=float, default=None, help="a stated CW laser power instead (dBm)")
    g.add_argument("--photodiode", default=None, help="the manifest's photodiode, by name (default: the receiver's)")
    g.add_argument("--driver-swing-v", type=float, default=None,
                   help="driver output swing, V peak-to-peak on each MZM's line (default 4.0, differential)")
    kind = g.add_mutually_exclusive_group()
    kind.add_argument("--driver-differential", dest="driver_differential", action="store_const", const=True,
                      default=None, help="the swing is differential between the line's legs (default)")
    kind.add_argument("--driver-single-ended", dest="driver_differential", action="store_const", const=False,
                      help="the swing is single-ended")
    g.add_argument("--driver-bandwidth-ghz", type=float, default=None, help="driver -3 dB bandwidth, GHz (default 45)")
    g.add_argument("--driver-noise-v-per-sqrt-hz", type=float, default=None,
                   help="driver output noise density, V/sqrt(Hz) (default 7e-9)")
    g.add_argument("--driver-output-impedance-ohm", type=float, default=None, help="driver output impedance (50)")


def driver_from_args(args):
    """The `photonics.drivers.Driver` of the ``--driver-*`` flags (its defaults for the others); None when no
    flag is given."""
    import dataclasses

    from photonics.drivers import Driver

    given = {field: getattr(args, flag) * scale for flag, field, scale in _DRIVER_FLAGS
             if getattr(args, flag, None) is not None}
    if getattr(args, "driver_differential", None) is not None:
        given["differential"] = args.driver_differential
    if not given:
        return None
    try:
        return dataclasses.replace(Driver(), **given)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"--driver-*: {exc}") from None


def chip_from_args(args):
    """The `links.chip.ChipTransceiver` the ``--chip`` flags name, or None without ``--chip`` (then no other chip
    flag may be given)."""
    chip_flags = ("modulator", "laser", "laser_power_dbm", "photodiode", "driver_differential",
                  *(flag for flag, _, _ in _DRIVER_FLAGS))
    if getattr(args, "chip", None) is None:
        given = [k for k in chip_flags if getattr(args, k, None) is not None]
        if given:
            raise ValueError(f"--{given[0].replace('_', '-')} needs --chip MANIFEST (the chip whose devices to use)")
        return None
    from links.chip import ChipTransceiver
    from photonics.manifest import read_manifest

    if args.modulator is None:
        manifest = read_manifest(args.chip)
        names = [d.name for d in manifest.devices if d.kind in ("mzm", "iq_modulator")]
        raise ValueError(f"--chip needs --modulator NAME; the chip's modulators: {names}")
    return ChipTransceiver.from_manifest(args.chip, modulator=args.modulator, laser=args.laser,
                                         laser_power_dbm=args.laser_power_dbm, photodiode=args.photodiode,
                                         driver=driver_from_args(args))


def _null_nan(x):
    """A float for JSON: NaN (a curve that never reaches the threshold) becomes null."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def performance_dict(perf, std) -> dict:
    """A `links.verdict.ChipPerformance` as JSON: ``required_osnr_db`` (12.5 GHz; null when never reached)
    at the top level, with the curve, the estimate beside it, the fail reasons and the provenance."""
    est = perf.estimate.to_dict()
    return {"schema": "optolink.chip-simulation/1", "standard": std.name,
            "required_osnr_db": _null_nan(perf.required_osnr_db),
            "osnr_reference_bandwidth_hz": OSNR_REFERENCE_BANDWIDTH, "source": "simulated",
            "pre_fec_ber_threshold": std.pre_fec_ber_threshold, "floor_ber": perf.floor_ber,
            "tx_power_dbm": perf.tx_power_dbm, "sensitivity_dbm": _null_nan(perf.sensitivity_dbm),
            "estimate": {k: _null_nan(v) if isinstance(v, float) else v for k, v in est.items()},
            "estimate_difference_db": _null_nan(perf.estimate_difference_db),
            "fail_reasons": list(perf.fail_reasons), "warnings": list(perf.warnings), "cached": bool(perf.cached),
            "fingerprint": perf.fingerprint,
            "curve": {"osnr_db": list(perf.curve.osnr_db), "ber": list(perf.curve.ber)},
            "provenance": perf.provenance}


def chip_summary_line(perf, seconds: float | None = None) -> str:
    """One line: the simulated required OSNR, the estimate, the Tx power and whether anything was computed."""
    req = (f"not reached (BER floor {perf.floor_ber:.2e})" if math.isnan(perf.required_osnr_db)
           else f"{perf.required_osnr_db:.2f} dB/12.5 GHz")
    est = perf.estimate.required_osnr_db
    est_t = "n/a" if math.isnan(est) else f"{est:.2f} dB"
    how = "read from the store: nothing recomputed" if perf.cached else "simulated"
    took = f", {seconds:.1f} s" if seconds is not None else ""
    return (f"{perf.standard} chip transceiver {perf.fingerprint[:8]}: required OSNR {req} (simulated; estimate "
            f"{est_t}), Tx power {perf.tx_power_dbm:.2f} dBm ({how}{took})")


def format_chip_curve(perf, threshold: float) -> str:
    """Plain-text table of a chip's simulated curve, then its warnings and fail reasons."""
    rows = [("OSNR (dB/0.1nm)", "BER", f"pre-FEC {threshold:g}")]
    for o, b in zip(perf.curve.osnr_db, perf.curve.ber, strict=True):
        rows.append((f"{o:.2f}", f"{b:.3e}", "pass" if b <= threshold else "FAIL"))
    widths = [max(len(r[j]) for r in rows) for j in range(3)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += [f"warning: {w}" for w in perf.warnings]
    lines += [f"FAIL: {r}" for r in perf.fail_reasons]
    return "\n".join(lines)


def run_simulate_chip(standard: str, chip, osnr_db=None, *, n_symbols: int = 2**14, seed: int = 0,
                      store=None, out_dir="out", json_path=None, progress: bool | None = None) -> dict:
    """Simulate the BER-vs-OSNR curve of a chip transceiver (`links.verdict.simulate_chip`, cached in the HDF5
    ``store``), print it beside the estimate, write ``simulate_<standard>-<modulator>.json`` (and ``json_path``).
    ``progress``: a progress bar on stderr (default: when stderr is a terminal)."""
    from links.standards import get_standard
    from links.verdict import simulate_chip

    std = get_standard(standard)
    progress = True if progress is None else progress  # shown on a terminal only (optolink.core.progress)
    t0 = time.perf_counter()
    perf = simulate_chip(chip, std, store=store, osnr_db=osnr_db, n_symbols=n_symbols, rng=seed, progress=progress)
    print(chip_summary_line(perf, time.perf_counter() - t0))
    print(format_chip_curve(perf, std.pre_fec_ber_threshold))
    data = performance_dict(perf, std)
    stem = slug(f"{std.name}-{chip.provenance.get('devices', {}).get('modulator', 'chip')}")
    written = [str(write_json_atomic(pathlib.Path(out_dir) / f"simulate_{stem}.json", data))]
    if json_path is not None:
        written.append(str(write_json_atomic(json_path, data)))
    for w in written:
        print(f"wrote {w}")
    return {"performance": perf, "required_osnr_db": data["required_osnr_db"], "files": written}


def _handler(args) -> int:
    from optolink.core.validate import check_int

    chip = chip_from_args(args)
    if chip is not None:
        if args.ideal:
            raise ValueError("--ideal is the ideal-receiver reference; it takes no --chip")
        n = check_int("--symbols", args.symbols if args.symbols is not None else 2**14, low=1024, high=2**22)
        osnr = parse_osnr(args.osnr) if args.osnr is not None else None
        store = args.store if args.store is not None else pathlib.Path(args.out) / CACHE_NAME
        run_simulate_chip(args.standard, chip, osnr, n_symbols=n, seed=args.seed, store=store, out_dir=args.out,
                          json_path=args.json)
        return 0
    if args.store is not None:
        raise ValueError("--store caches chip simulations; it needs --chip MANIFEST")
    n = check_int("--symbols", args.symbols if args.symbols is not None else 2**15, low=1024, high=2**22)
    res = run_simulate(args.standard, parse_osnr(args.osnr if args.osnr is not None else "18:30:1"), n_symbols=n,
                       seed=args.seed, ideal=args.ideal, frequency_offset=args.frequency_offset,
                       linewidth=args.linewidth, out_dir=args.out)
    if args.json is not None:
        c = res["curve"]
        data = {"schema": "optolink.ber_vs_osnr/1", **c.to_dict(), "required_osnr_db": _null_nan(c.required_osnr_db),
                "source": "simulated (the links' default devices)"}
        print(f"wrote {write_json_atomic(args.json, data)}")
    return 0


def add_parser(subparsers) -> None:
    """Register ``optolink simulate``."""
    p = subparsers.add_parser(
        "simulate", help="BER/GMI vs OSNR of a coherent standard (400ZR, OpenZR+ 400G, 800ZR), also with a chip's "
                         "devices",
        description="BER vs OSNR through the full blind DSP chain. With --chip MANIFEST --modulator NAME the "
                    "transmitter (and, with --photodiode, the receiver) is built from the chip's devices and the "
                    "driver; the points are cached in an HDF5 store (--store, default OUT/optolink-cache.h5) under "
                    "the devices' fingerprint, and --osnr defaults to an adaptive grid around the estimate.")
    p.add_argument("standard", help="standard name, e.g. 400ZR, 'OpenZR+ 400G', 800ZR")
    p.add_argument("--osnr", default=None, help="OSNR points in dB/0.1 nm: start:stop:step, a,b,c or one value "
                                                "(default 18:30:1; with --chip an adaptive grid)")
    p.add_argument("--symbols", type=int, default=None,
                   help="symbols per polarization per point (default 32768; with --chip 16384)")
    p.add_argument("--seed", type=int, default=0, help="random seed (point i uses seed + i)")
    p.add_argument("--ideal", action="store_true", help="ideal transmitter/receiver reference instead of the chain")
    p.add_argument("--frequency-offset", type=float, default=1e9, help="LO frequency offset, Hz (default 1e9)")
    p.add_argument("--linewidth", type=float, default=100e3, help="Tx and LO laser linewidth, Hz (default 1e5)")
    p.add_argument("--out", default="out", type=pathlib.Path, help="output directory (default: out/)")
    p.add_argument("--json", default=None, type=pathlib.Path,
                   help="also write the result here: required_osnr_db (12.5 GHz; null when never reached), the curve")
    p.add_argument("--store", default=None, type=pathlib.Path,
                   help="with --chip: the HDF5 store caching the simulation (default OUT/optolink-cache.h5)")
    add_chip_arguments(p)
    p.set_defaults(func=_handler)


def demo_section(out_dir) -> dict:
    """400ZR and 800ZR BER-vs-OSNR curves (full blind chain; plot + JSON) and a 400ZR constellation plot."""
    from links.simulate import LinkConfig, ber_vs_osnr, simulate_constellation

    out = pathlib.Path(out_dir)
    curves = []
    summary: dict = {"osnr_reference_bandwidth_hz": OSNR_REFERENCE_BANDWIDTH}
    grids = {"400ZR": np.arange(17.0, 25.5, 1.0), "800ZR": np.arange(20.0, 28.5, 1.0)}
    for name, grid in grids.items():
        cfg = LinkConfig(standard=name, n_symbols=2**13, frequency_offset=1e9, linewidth=100e3)
        curve = ber_vs_osnr(name, grid, config=cfg, seed=1)
        print(format_curve_table(curve))
        write_json_atomic(out / f"link_{slug(name)}.json", {"schema": "optolink.ber_vs_osnr/1", **curve.to_dict()})
        curves.append(curve)
        key = slug(name)
        summary[f"{key}_required_osnr_db"] = curve.required_osnr_db
        summary[f"{key}_ideal_required_osnr_db"] = curve.theoretical_required_osnr_db
        summary[f"{key}_penalty_db"] = curve.penalty_db
    files = [str(out / "link_400zr.json"), str(out / "link_800zr.json"),
             _plot_curves(curves, out / "link_ber_vs_osnr.png")]
    const = simulate_constellation(LinkConfig(n_symbols=2**14, frequency_offset=1e9), 24.0, seed=2)
    files.append(_plot_constellation(const, out / "link_constellation.png", "400ZR at OSNR 24 dB"))
    summary["400zr_snr_at_24db_osnr_db"] = const.result.snr_db
    summary["files"] = files
    return summary
