"""``optolink simulate``: BER/GMI vs OSNR of a coherent standard, and the link section of ``optolink demo``."""

from __future__ import annotations

import math
import pathlib
import time

import numpy as np

from .core.files import save_figure_atomic, write_json_atomic
from .core.serialize import slug
from .core.units import OSNR_REFERENCE_BANDWIDTH


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


def _handler(args) -> int:
    from optolink.core.validate import check_int

    n = check_int("--symbols", args.symbols, low=1024, high=2**22)
    run_simulate(args.standard, parse_osnr(args.osnr), n_symbols=n, seed=args.seed, ideal=args.ideal,
                 frequency_offset=args.frequency_offset, linewidth=args.linewidth, out_dir=args.out)
    return 0


def add_parser(subparsers) -> None:
    """Register ``optolink simulate``."""
    p = subparsers.add_parser("simulate", help="BER/GMI vs OSNR of a coherent standard (400ZR, OpenZR+ 400G, 800ZR)")
    p.add_argument("standard", help="standard name, e.g. 400ZR, 'OpenZR+ 400G', 800ZR")
    p.add_argument("--osnr", default="18:30:1", help="OSNR points in dB/0.1 nm: start:stop:step, a,b,c or one value")
    p.add_argument("--symbols", type=int, default=2**15, help="symbols per polarization per point (default 32768)")
    p.add_argument("--seed", type=int, default=0, help="random seed (point i uses seed + i)")
    p.add_argument("--ideal", action="store_true", help="ideal transmitter/receiver reference instead of the chain")
    p.add_argument("--frequency-offset", type=float, default=1e9, help="LO frequency offset, Hz (default 1e9)")
    p.add_argument("--linewidth", type=float, default=100e3, help="Tx and LO laser linewidth, Hz (default 1e5)")
    p.add_argument("--out", default="out", type=pathlib.Path, help="output directory (default: out/)")
    p.set_defaults(func=_handler)


def demo_section(out_dir) -> dict:
    """400ZR and 800ZR BER-vs-OSNR curves (full blind chain; plot + JSON) and a 400ZR constellation plot."""
    from links.simulate import LinkConfig, ber_vs_osnr, simulate_constellation

    out = pathlib.Path(out_dir)
    curves = []
    summary: dict = {"osnr_reference_bandwidth_hz": OSNR_REFERENCE_BANDWIDTH}
    grids = {"400ZR": np.arange(17.0, 25.5, 1.0), "800ZR": np.arange(20.0, 28.5, 1.0)}
    for name, grid in grids.items():
        cfg = LinkConfig(standard=name, n_symbols=2**14, frequency_offset=1e9, linewidth=100e3)
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
