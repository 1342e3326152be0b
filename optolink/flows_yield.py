"""`optolink yield`: Monte Carlo process yield of a transmitter design on a link, with sensitivities."""

from __future__ import annotations

import pathlib

import numpy as np

from .core.files import save_figure_atomic, write_json_atomic

PARAMETER_LABELS = {"width_delta": "rib width", "na_scale": "P doping", "nd_scale": "N doping",
                    "offset_delta": "junction offset", "gap_delta": "electrode gap"}


def add_parser(sub) -> None:
    p = sub.add_parser("yield", help="process yield of a transmitter chip design against a link")
    p.add_argument("link", help="a preset (e.g. 400ZR-DCI-120km), a standard (400ZR, 800ZR) or a link file")
    p.add_argument("--dies", type=int, default=200, help="Monte Carlo dies (default 200)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mzm-length-mm", type=float, default=3.0, help="MZM length (mm)")
    p.add_argument("--laser-dbm", type=float, default=15.0, help="laser power into the modulator (dBm)")
    p.add_argument("--driver-peak-v", type=float, default=2.5, help="outer-level line drive per MZM (V)")
    p.add_argument("--width-std-nm", type=float, default=10.0)
    p.add_argument("--doping-std", type=float, default=0.05, help="relative 1σ of the implant doses")
    p.add_argument("--offset-std-nm", type=float, default=20.0)
    p.add_argument("--gap-std-um", type=float, default=0.3)
    p.add_argument("--method", default=None, choices=("surrogate", "estimate"),
                   help="per-die figures: a surrogate of the full simulation (default) or the analytic estimate")
    p.add_argument("--symbols", type=int, default=None, help="surrogate: symbols per simulated point (16384)")
    p.add_argument("--scheduler", default="sync", help="'sync' (default), 'local' or tcp://host:8786")
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--store", type=pathlib.Path, default=None, help="keep the dies in this HDF5 store")
    p.add_argument("--out", type=pathlib.Path, default=pathlib.Path("out"))
    from .flows_links import add_chip_arguments

    add_chip_arguments(p)  # --chip MANIFEST --modulator NAME [--laser | --laser-power-dbm] --driver-* ...
    p.set_defaults(func=run)


def link_mapping(target: str) -> dict:
    """A link description mapping from a preset name, a standard name or a YAML/JSON file."""
    from links import linkfile

    path = pathlib.Path(target)
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        from links.linkfile_chip import CHIP_KEYS
        from optolink.core.files import read_mapping

        raw = dict(read_mapping(path, "link file"))  # not parsed here: a chip transceiver would be simulated
        trx = raw.get("transceiver")
        if isinstance(trx, dict) and "chip_manifest" in trx:  # the yield's chip is given by --chip
            raw["transceiver"] = {k: v for k, v in trx.items() if k not in CHIP_KEYS} or None
        return raw
    try:
        return linkfile.preset(target)
    except ValueError:
        pass
    return linkfile.link_from_standard(target, spans=1, span_km=80.0).raw


def run(args) -> int:
    import math

    from links.yields import ProcessVariation, TransmitterDesign, run_yield
    from photonics.modulators import MachZehnderModulator

    from .flows_links import chip_from_args, driver_from_args

    if args.dies < 2:
        raise ValueError(f"--dies must be >= 2; got {args.dies}")
    chip = chip_from_args(args)  # None without --chip
    design = None
    if chip is None:
        design = TransmitterDesign(mzm=MachZehnderModulator(length=args.mzm_length_mm * 1e-3, phase_bias=math.pi),
                                   laser_power_dbm=args.laser_dbm, driver_peak_v=args.driver_peak_v)
    variation = ProcessVariation(width_std=args.width_std_nm * 1e-9, doping_rel_std=args.doping_std,
                                 offset_std=args.offset_std_nm * 1e-9, gap_std=args.gap_std_um * 1e-6)
    extra = {} if args.symbols is None else {"n_symbols": args.symbols}
    if args.method is not None:
        extra["method"] = args.method
    result = run_yield(design, link_mapping(args.link), chip=chip, driver=None if chip is not None else
                       driver_from_args(args), n_dies=args.dies, variation=variation, seed=args.seed,
                       store=args.store, scheduler=args.scheduler, workers=args.workers,
                       progress=True, **extra)
    from links.standards import get_standard

    std = get_standard(link_mapping(args.link)["standard"])
    tx_min = std.tx_power_range_dbm[0] if std.tx_power_range_dbm else None
    files = write_yield_results(result, args.out, stem="yield", tx_min_dbm=tx_min)
    d = result.to_dict()
    print(f"{d['link']}: yield {d['yield'] * 100:.1f} % of {d['n_dies']} dies "
          f"(95 % CI {d['yield_95ci'][0] * 100:.1f}-{d['yield_95ci'][1] * 100:.1f} %), "
          f"OSNR margin {d['margin_mean_db']:.2f} ± {d['margin_std_db']:.3f} dB, "
          f"Tx power {d['tx_power_mean_dbm']:.2f} dBm")
    for k, v in d["tx_power_sensitivity_db_per_sigma"].items():
        print(f"  Tx power sensitivity to {PARAMETER_LABELS.get(k, k):16s} {v:+.3f} dB/σ")
    print("wrote " + ", ".join(str(f) for f in files))
    return 0


def write_yield_results(result, out_dir: pathlib.Path, stem: str = "yield",
                        tx_min_dbm: float | None = None) -> list[pathlib.Path]:
    """JSON of the yield figures and a PNG: margin and Tx-power histograms (with the standard's minimum Tx
    power, when it has one) and the sensitivity bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir = pathlib.Path(out_dir)
    data = result.to_dict()
    data["units"] = {"margin": "dB (OSNR, 12.5 GHz)", "tx_power": "dBm", "sensitivity": "dB per one sigma"}
    json_path = write_json_atomic(out_dir / f"{stem}.json", data)
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    m = result.margins_db[np.isfinite(result.margins_db)]
    ax[0].hist(m, bins=30, color="C0")
    ax[0].axvline(0.0, color="C3", ls="--")
    ax[0].set(xlabel="OSNR margin (dB, 12.5 GHz)", ylabel="dies", title=f"yield {data['yield'] * 100:.1f} %")
    tx = result.figures.get("tx_power_dbm")
    if tx is not None:
        ax[1].hist(tx[np.isfinite(tx)], bins=30, color="C1")
        if tx_min_dbm is not None:
            ax[1].axvline(tx_min_dbm, color="C3", ls="--", label=f"minimum {tx_min_dbm:g} dBm")
            ax[1].legend(fontsize=8)
        ax[1].set(xlabel="Tx power (dBm)", title="transmitter output power")
    for a, key, title in ((ax[2], "tx_power_dbm", "sensitivity (dB per σ)"),):
        sens = result.sensitivities(key) if tx is not None else result.sensitivities()
        names = list(sens)
        a.barh([PARAMETER_LABELS.get(k, k) for k in names], [sens[k] for k in names], color="C2",
               label="Tx power")
        sm = result.sensitivities()
        a.barh([PARAMETER_LABELS.get(k, k) for k in names], [sm[k] for k in names], color="C0", alpha=0.6,
               label="OSNR margin")
        a.axvline(0, color="k", lw=0.8)
        a.set(title=title)
        a.legend(fontsize=8)
    fig.suptitle(data["link"], fontsize=10)
    fig.tight_layout()
    png = save_figure_atomic(fig, out_dir / f"{stem}.png")
    plt.close(fig)
    return [json_path, png]
