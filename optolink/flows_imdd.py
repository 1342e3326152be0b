"""``optolink imdd``: one PAM4 lane from the chip's ring or MZM — O-band fibre, TECQ/TDECQ, OMA outer, ER,
RLM, the eye diagram and the lane budget of an IEEE 802.3 preset (800G-DR8, 800G-FR4, 1.6T-DR8).

``optolink imdd 800G-DR8 --chip chip.manifest.json --modulator ring_04 --out DIR`` rebuilds the named
device from the manifest (``photonics.manifest``); without ``--chip`` the default MZM (or ring) is used.
"""

from __future__ import annotations

import argparse
import math
import pathlib

import numpy as np

KINDS = {"mzm": "mzm", "ring": "ring"}  # manifest kind → transmitter kind


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``optolink imdd``."""
    from links.imdd.standards import IMDD_STANDARDS

    p = subparsers.add_parser(
        "imdd", help="an IM-DD PAM4 lane (TDECQ, OMA, margin) from the chip's ring or MZM",
        description="Drives the chip's ring (time-domain coupled-mode dynamics) or MZM (at quadrature) with an "
                    "IEEE 802.3 PAM4 pattern, propagates the lane's reach of O-band fibre and measures TECQ, "
                    "TDECQ (clause 121.8.5 method), OMA outer, ER and RLM, and the lane budget's margin.")
    p.add_argument("standard", help=f"lane preset: {', '.join(sorted(IMDD_STANDARDS))}")
    p.add_argument("--chip", type=pathlib.Path, default=None, help="chip manifest (chip.manifest.json)")
    p.add_argument("--modulator", default=None, help="the manifest's ring or MZM by name (with --chip)")
    p.add_argument("--kind", choices=sorted(KINDS), default="mzm", help="default device without --chip")
    p.add_argument("--length-m", type=float, default=None, help="fibre length, m (default: the preset's reach)")
    p.add_argument("--laser-power-dbm", type=float, default=3.0, help="CW power into the modulator (default 3)")
    p.add_argument("--pattern", choices=["SSPRQ", "PRBS13Q"], default="SSPRQ", help="test pattern")
    p.add_argument("--sps", type=int, default=8, help="samples per symbol (default 8)")
    p.add_argument("--out", type=pathlib.Path, default=None, help="write imdd.json and eye.png into this folder")
    p.set_defaults(func=run)
    return p


def _device(args):
    """(kind, device object) from --chip/--modulator or the defaults."""
    if args.chip is None:
        if args.modulator is not None:
            raise ValueError("--modulator names a device of a chip: give --chip MANIFEST too")
        return args.kind, None
    from photonics.manifest import read_manifest

    m = read_manifest(args.chip)
    if args.modulator is None:
        names = [d.name for d in m.devices if d.kind in KINDS]
        raise ValueError(f"--modulator: name the ring or MZM of {args.chip} to use; candidates: {names}")
    dev = m.device(args.modulator)
    if dev.kind not in KINDS:
        raise ValueError(f"--modulator: {args.modulator!r} is a {dev.kind!r}; an IM-DD lane needs a ring or an MZM "
                         f"(candidates: {[d.name for d in m.devices if d.kind in KINDS]})")
    return KINDS[dev.kind], next(iter(dev.objects().values()))


def run(args: argparse.Namespace) -> int:
    """Simulate the lane, print its figures, optionally write JSON and the eye; 0 PASS, 1 FAIL."""
    from links.imdd.standards import imdd_standard

    from .core.files import save_figure_atomic, write_json_atomic

    imdd_standard(args.standard)  # a clear error before any work
    if args.length_m is not None and not 0 < args.length_m <= 1e5:
        raise ValueError(f"--length-m must be in (0, 1e5] m; got {args.length_m}")
    kind, device = _device(args)
    report = imdd_lane(args.standard, modulator=device, kind=kind, length=args.length_m, sps=args.sps,
                       input_power=1e-3 * 10 ** (args.laser_power_dbm / 10), pattern=args.pattern)
    for key, unit in (("tecq_db", "dB"), ("tdecq_db", "dB"), ("oma_outer_dbm", "dBm"),
                      ("extinction_ratio_db", "dB"), ("rlm", ""), ("margin_db", "dB")):
        print(f"{key:22s} {report[key]:9.3f} {unit}")
    print(f"verdict                {report['verdict']}  ({report['standard']}; {report['source']})")
    if args.out is not None:
        write_json_atomic(args.out / "imdd.json", {"schema": "optolink.imdd/1", **report})
        save_figure_atomic(_eye_figure(report["eye"], report["standard"]), args.out / "eye.png")
        print(f"wrote {args.out / 'imdd.json'} and {args.out / 'eye.png'}")
    return 0 if report["verdict"] == "PASS" else 1


def _eye_figure(eye, title: str):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    counts = np.asarray(eye["counts"], dtype=float)
    ax.imshow(np.log1p(counts), origin="lower", aspect="auto", cmap="magma",
              extent=(eye["time_ui"][0], eye["time_ui"][-1], eye["power_w"][0] * 1e3, eye["power_w"][-1] * 1e3))
    ax.set_xlabel("time (UI)")
    ax.set_ylabel("power (mW)")
    ax.set_title(f"{title}: eye after the reference receiver")
    return fig


def imdd_lane(standard: str = "800G-DR8", *, modulator=None, kind: str = "mzm", length: float | None = None,
              sps: int = 8, input_power: float = 2e-3, pattern: str = "SSPRQ") -> dict:
    """TECQ, TDECQ after the fibre, OMA outer, ER, RLM and the budget of one lane of ``standard``."""
    from links.imdd import eye_diagram, measure_tdecq
    from links.imdd.budget import imdd_budget
    from links.imdd.channel import o_band_fiber
    from links.imdd.patterns import pattern as make_pattern
    from links.imdd.standards import imdd_standard
    from links.imdd.transmitters import mzm_pam4, ring_pam4

    std = imdd_standard(standard)
    sym = make_pattern(pattern)
    baud = std.baud_rate
    if kind == "mzm":
        from photonics.modulators import MachZehnderModulator
        p = mzm_pam4(modulator or MachZehnderModulator(), sym, baud, sps, input_power=input_power)
    elif kind == "ring":
        from photonics.rings import RingModulator
        p = ring_pam4(modulator or RingModulator(), sym, baud, sps, input_power=input_power)
    else:
        raise ValueError(f"kind must be 'mzm' or 'ring'; got {kind!r}")
    fs = baud * sps
    tx = measure_tdecq(p, fs, baud, standard=standard)
    reach = std.reach if length is None else length
    fib = o_band_fiber(reach, std.wavelengths[0])
    rx_power = np.abs(fib.propagate(np.sqrt(p).astype(complex), fs)) ** 2
    rx = measure_tdecq(rx_power, fs, baud, standard=standard)
    b = imdd_budget(std, tx_oma_dbm=10 * math.log10(tx.oma_outer / 1e-3), tdecq_db=rx.tdecq_db, length=reach,
                    tx_power_dbm=10 * math.log10(tx.average_power / 1e-3))
    eye = eye_diagram(rx_power, fs, baud, standard=standard)
    return {"standard": std.name, "source": std.source, "tecq_db": tx.tdecq_db, "tdecq_db": rx.tdecq_db,
            "oma_outer_dbm": b.tx_oma_dbm, "extinction_ratio_db": tx.extinction_ratio_db, "rlm": tx.rlm,
            "margin_db": b.margin_db, "verdict": b.verdict, "checks": b.checks,
            "eye": {"counts": eye.counts.tolist(), "time_ui": eye.time_ui.tolist(), "power_w": eye.power.tolist()}}
