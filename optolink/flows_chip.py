"""`optolink chip`: build a test chip from a DOE and write its GDS, manifest, HDF5, CSV, checks, KLayout layer
properties and picture, on the layers of the chosen PDK (``--pdk``: generic, a layer map file or a PDK module)."""

from __future__ import annotations

import pathlib


def add_parser(sub) -> None:
    p = sub.add_parser("chip", help="build a test chip (GDS + manifest of simulated device performance)")
    p.add_argument("--out", type=pathlib.Path, default=pathlib.Path("out/chip"),
                   help="output directory (default: out/chip)")
    p.add_argument("--doe", type=pathlib.Path, default=None,
                   help="design of experiments, YAML or JSON (default: the built-in 40-device DOE)")
    p.add_argument("--no-picture", action="store_true", help="skip the PNG picture of the chip")
    p.add_argument("--pdk", default="generic", metavar="NAME|FILE",
                   help="the PDK whose layers the chip is drawn on: 'generic' (default, gdsfactory's generic PDK), "
                        "a layer map file (.yaml/.json: name, layers, optional pdk) or a gdsfactory PDK module "
                        "'package.module[:ATTR]' whose layer names match optolink's")
    p.set_defaults(func=run)


def run(args) -> int:
    """Handler of `optolink chip`: 0 when the chip passes its layout checks, 1 otherwise."""
    from layouts.doe import load_doe
    from layouts.layer_map import pdk_from_spec
    from layouts.manifest import write_chip

    doe = load_doe(args.doe) if args.doe is not None else None  # ValueError/FileNotFoundError → exit 2
    pdk, _ = pdk_from_spec(getattr(args, "pdk", "generic"))  # ValueError/FileNotFoundError → exit 2
    result = write_chip(args.out, doe, picture=not args.no_picture, pdk=pdk)
    _print(result)
    return 0 if result.report.ok else 1


def _print(result) -> None:
    from photonics.manifest import parse

    m = parse(result.manifest)
    w, h = m.chip["die_um"]
    print(f"chip {m.chip['name']!r}: {len(m.devices)} devices "
          f"({', '.join(f'{n} {k}' for k, n in m.kinds.items())}) on a {w / 1e3:.1f} × {h / 1e3:.1f} mm die"
          + (f", PDK {m.chip['pdk']!r}" if m.chip.get("pdk") else ""))
    s = result.report.summary()
    print(f"layout checks: {s['violations']} violation(s) in {s['rules_checked']} rules"
          + ("" if not s["failed"] else f": {s['failed']}"))
    t = result.timings
    print(f"built in {t['build_s']:.1f} s, checked in {t['checks_s']:.1f} s, {t['total_s']:.1f} s in all")
    for key, path in result.paths.items():
        print(f"  {key:9s} {path}")


def demo_section(out_dir: pathlib.Path) -> dict:
    """Build the default chip into ``out_dir/chip`` and return its headline figures (the manifest path
    feeds the link budget downstream)."""
    from layouts.manifest import write_chip
    from photonics.manifest import read_manifest

    result = write_chip(pathlib.Path(out_dir) / "chip")
    _print(result)
    m = read_manifest(result.paths["manifest"])
    mzm = m.best("mzm", "eo_bandwidth_hz")
    laser = m.best("laser", "power_w")
    ring = m.best("ring", "extinction_ratio_db")
    return {
        "manifest": str(result.paths["manifest"]),
        "gds": str(result.paths["gds"]),
        "devices": len(m.devices),
        "check_violations": result.report.violations,
        "die_mm": [m.chip["die_um"][0] / 1e3, m.chip["die_um"][1] / 1e3],
        "best_mzm": {"name": mzm.name, "vpi_v": mzm.performance["vpi_v"],
                     "eo_bandwidth_hz": mzm.performance["eo_bandwidth_hz"],
                     "insertion_loss_db": mzm.performance["insertion_loss_db"]},
        "best_laser": {"name": laser.name, "power_w": laser.performance["power_w"],
                       "linewidth_hz": laser.performance["linewidth_hz"],
                       "rin_1ghz_db_per_hz": laser.performance["rin_1ghz_db_per_hz"]},
        "best_ring": {"name": ring.name, "extinction_ratio_db": ring.performance["extinction_ratio_db"],
                      "q_loaded": ring.performance["q_loaded"]},
        "build_s": result.timings["total_s"],
    }
