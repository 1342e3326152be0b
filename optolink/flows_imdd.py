"""``optolink imdd``: one PAM4 lane from the chip's ring or MZM — O-band fibre, TECQ/TDECQ, OMA outer, ER,
RLM, the eye diagram and the lane budget of an IEEE 802.3 preset (800G-DR8, 800G-FR4, 1.6T-DR8).

``optolink imdd 800G-DR8 --chip chip.manifest.json --modulator ring_04 --out DIR`` rebuilds the named
device from the manifest (``photonics.manifest``); without ``--chip`` the default MZM (or ring) is used. The
device is moved to the lane's wavelength (1311 nm for DR8; ``links.imdd.transmitters.at_wavelength``: its
waveguides re-solved there, a ring's bus gap re-chosen to keep its power coupling) unless ``--wavelength-nm``
says otherwise.

:func:`demo_section` is the demo's IM-DD part: the chip's best ring and best MZM as lanes of 800G-DR8 (eye
diagram, TECQ/TDECQ, margin) and their TDECQ yield over process variation (``links.imdd.lane_yield``).
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
    p.add_argument("--wavelength-nm", type=float, default=None,
                   help="design wavelength of the device, nm (default: the lane's first wavelength, e.g. 1311)")
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
    if args.wavelength_nm is not None and not 1200 <= args.wavelength_nm <= 2000:
        raise ValueError(f"--wavelength-nm must be in [1200, 2000] nm; got {args.wavelength_nm}")
    report = imdd_lane(args.standard, modulator=device, kind=kind, length=args.length_m, sps=args.sps,
                       input_power=1e-3 * 10 ** (args.laser_power_dbm / 10), pattern=args.pattern,
                       wavelength=None if args.wavelength_nm is None else args.wavelength_nm * 1e-9)
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
              sps: int = 8, input_power: float = 2e-3, pattern: str = "SSPRQ", wavelength: float | None = None,
              move_to_lane: bool = True) -> dict:
    """TECQ, TDECQ after the fibre, OMA outer, ER, RLM and the budget of one lane of ``standard``.

    The device is first moved to ``wavelength`` (default: the lane's first wavelength) by
    ``links.imdd.transmitters.at_wavelength``; ``move_to_lane=False`` keeps it at its own design wavelength.
    """
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
        modulator = modulator or MachZehnderModulator()
    elif kind == "ring":
        from photonics.rings import RingModulator
        modulator = modulator or RingModulator()
    else:
        raise ValueError(f"kind must be 'mzm' or 'ring'; got {kind!r}")
    lane_wl = std.wavelengths[0] if wavelength is None else wavelength
    if move_to_lane:
        from links.imdd.transmitters import at_wavelength
        modulator = at_wavelength(modulator, lane_wl)
    make = mzm_pam4 if kind == "mzm" else ring_pam4
    p = make(modulator, sym, baud, sps, input_power=input_power)
    fs = baud * sps
    tx = measure_tdecq(p, fs, baud, standard=standard)
    reach = std.reach if length is None else length
    fib = o_band_fiber(reach, lane_wl)
    rx_power = np.abs(fib.propagate(np.sqrt(p).astype(complex), fs)) ** 2
    rx = measure_tdecq(rx_power, fs, baud, standard=standard)
    b = imdd_budget(std, tx_oma_dbm=10 * math.log10(tx.oma_outer / 1e-3), tdecq_db=rx.tdecq_db, length=reach,
                    tx_power_dbm=10 * math.log10(tx.average_power / 1e-3), extinction_ratio_db=tx.extinction_ratio_db,
                    noise_enhancement=rx.noise_enhancement)
    eye = eye_diagram(rx_power, fs, baud, standard=standard)
    device_wl = (modulator.waveguide if kind == "ring" else modulator.phase_shifter.waveguide).wavelength
    return {"standard": std.name, "source": std.source, "wavelength_m": float(device_wl),
            "tecq_db": tx.tdecq_db, "tdecq_db": rx.tdecq_db, "tdecq_minus_ceq_db": rx.tdecq_minus_ceq_db,
            "oma_outer_dbm": b.tx_oma_dbm, "extinction_ratio_db": tx.extinction_ratio_db, "rlm": tx.rlm,
            "margin_db": b.margin_db, "verdict": b.verdict, "checks": b.checks,
            "eye": {"counts": eye.counts.tolist(), "time_ui": eye.time_ui.tolist(), "power_w": eye.power.tolist()}}


# ------------------------------------------------------------------------------------------------ the demo
DEMO_STANDARD = "800G-DR8"
DEMO_PATTERN = "PRBS13Q"  # 8191 symbols: the demo's short pattern (the CLI's default is SSPRQ, 65 535 symbols)
DEMO_DIES = 8  # dies per device in the demo's yield (≈ 0.15 s of CPU each)
DEMO_BANDWIDTH_RATIO = 0.45  # a lane candidate's EO bandwidth must be ≥ this × the baud rate
DEMO_LIMITS_DB = (1.0, 1.5, 2.0, 2.5, 3.0, 3.4, 3.9)  # TDECQ limits the yield is also read at


def lane_candidates(manifest, baud_rate: float) -> dict:
    """The chip's best ring and best MZM for a PAM4 lane at ``baud_rate``, by the manifest's figures: among the
    devices whose EO bandwidth is at least ``DEMO_BANDWIDTH_RATIO`` × the baud rate, the ring of the largest
    modulation extinction ratio and the MZM of the lowest Vπ (the strongest modulation the lane can follow);
    when none is fast enough, the fastest one. Returns {"ring": Device, "mzm": Device} (kinds the chip has)."""
    from photonics.manifest import load

    m = load(manifest)
    out = {}
    for kind, figure, maximize in (("ring", "modulation_extinction_ratio_db", True), ("mzm", "vpi_v", False)):
        devs = [d for d in m.of_kind(kind) if isinstance(d.performance.get(figure), int | float)
                and isinstance(d.performance.get("eo_bandwidth_hz"), int | float)]
        if not devs:
            continue
        fast = [d for d in devs if d.performance["eo_bandwidth_hz"] >= DEMO_BANDWIDTH_RATIO * baud_rate]
        if fast:
            out[kind] = (max if maximize else min)(fast, key=lambda d, f=figure: d.performance[f])
        else:
            out[kind] = max(devs, key=lambda d: d.performance["eo_bandwidth_hz"])
    return out


def _manifest_of(manifest_or_chip):
    """A manifest from a Manifest, a mapping, a manifest file or a chip directory (holding chip.manifest.json)."""
    from photonics.manifest import load

    if isinstance(manifest_or_chip, str | pathlib.Path) and pathlib.Path(manifest_or_chip).is_dir():
        manifest_or_chip = pathlib.Path(manifest_or_chip) / "chip.manifest.json"
    return load(manifest_or_chip)


def demo_section(manifest_or_chip, out_dir, *, standard: str = DEMO_STANDARD, n_dies: int = DEMO_DIES,
                 pattern: str = DEMO_PATTERN, sps: int = 8, seed: int = 0, store=None) -> dict:
    """The demo's IM-DD section: the chip's best ring and best MZM (:func:`lane_candidates`), moved to the lane's
    1311 nm, as lanes of ``standard`` — eye diagram after the reference receiver (``imdd/eye_<kind>.png``), TECQ,
    TDECQ after 500 m, OMA outer, ER, margin — and their TDECQ yield over ``n_dies`` dies of process variation
    (ring radius, gap and doping; the MZM's rib width, doping, junction offset and electrode gap) through the sweep
    engine into ``store`` (default ``out_dir/results.h5``; a re-run reads the dies back). The laser power is the
    chip's best laser's (2 mW without one). Short pattern (``pattern``, PRBS13Q by default) and few dies: the
    section costs a few seconds. Writes ``imdd/imdd_demo.json``; returns its summary."""
    import time

    from links.imdd.lane_yield import run_lane_yield
    from links.imdd.standards import imdd_standard
    from links.imdd.transmitters import at_wavelength

    from .core.files import save_figure_atomic, write_json_atomic

    t0 = time.perf_counter()
    std = imdd_standard(standard)
    m = _manifest_of(manifest_or_chip)
    out = pathlib.Path(out_dir)
    store = out / "results.h5" if store is None else store
    lasers = [d for d in m.of_kind("laser") if isinstance(d.performance.get("power_w"), int | float)]
    power = max(d.performance["power_w"] for d in lasers) if lasers else 2e-3
    wl = std.wavelengths[0]
    lanes = {}
    for kind, entry in lane_candidates(m, std.baud_rate).items():
        t1 = time.perf_counter()
        # the C-band design ported to the lane; a coupling beyond the process's gap range takes the minimum gap
        device = at_wavelength(next(iter(entry.objects().values())), wl, clamp_gap=True)
        lane = imdd_lane(std.name, modulator=device, kind=kind, sps=sps, input_power=power, pattern=pattern,
                         move_to_lane=False)
        eye = save_figure_atomic(_eye_figure(lane.pop("eye"), f"{std.name} {kind} {entry.name}"),
                                 out / "imdd" / f"eye_{kind}.png")
        y = run_lane_yield(kind, device, standard=std.name, n_dies=n_dies, seed=seed, store=store,
                           pattern=pattern, sps=sps, input_power=power)
        margins = y.figures.get("margin_db", np.full(y.n_dies, np.nan))
        passed = y.figures.get("lane_pass", np.full(y.n_dies, np.nan))
        lanes[kind] = {"device": entry.name, "eye_png": str(eye), **lane, "yield": {
            **y.to_dict(), "by_limit": {f"{lim:g}": y.yield_at(lim) for lim in DEMO_LIMITS_DB},
            "lane_pass_yield": float(np.nanmean(passed)) if np.isfinite(passed).any() else math.nan,
            "tdecq_db": y.tdecq_db.tolist(),
            "margin_db": margins.tolist()}, "runtime_s": time.perf_counter() - t1}
        print(f"{kind:4s} {entry.name:14s} TECQ {lane['tecq_db']:5.2f} dB  TDECQ {lane['tdecq_db']:5.2f} dB  OMA "
              f"{lane['oma_outer_dbm']:6.2f} dBm  margin {lane['margin_db']:5.2f} dB {lane['verdict']}  | yield "
              f"(TDECQ ≤ {std.tdecq_max_db} dB) {y.yield_at():.2f} over {y.n_dies} dies, TDECQ max "
              f"{y.to_dict()['tdecq_max_db']:.2f} dB")
    summary = {"schema": "optolink.imdd-demo/1", "standard": std.name, "source": std.source,
               "wavelength_m": wl, "laser_power_w": power, "pattern": pattern, "sps": sps, "n_dies": n_dies,
               "store": str(store), "lanes": lanes, "runtime_s": time.perf_counter() - t0}
    write_json_atomic(out / "imdd" / "imdd_demo.json", summary)
    return summary
