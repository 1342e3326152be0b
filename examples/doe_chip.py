"""A small test chip from a DOE: three MZM lengths and three ring gaps, laid out, checked and annotated.

The DOE is the same mapping as a ``--doe`` YAML file of ``optolink chip``. ``layouts.manifest.write_chip``
builds the die (gdsfactory), runs the layout checks (klayout) and writes the GDS with its manifest of simulated
performance; the plot reads the figures back from the manifest, as a link engineer would.

Run: ``python examples/doe_chip.py [OUT_DIR]`` (or set ``OPTOLINK_EXAMPLES_OUT``); writes ``doe_chip.png`` and
the chip's files into ``OUT_DIR/doe_chip/``.
"""

import os
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from layouts.manifest import write_chip  # noqa: E402
from optolink.core.files import save_figure_atomic  # noqa: E402
from photonics.manifest import read_manifest  # noqa: E402

DOE = {
    "name": "example_chip",
    "die": {"margin_um": 150.0, "spacing_um": 60.0},
    "devices": {
        "mzm": {"sweep": {"modulator.length": [1.0e-3, 1.5e-3, 2.0e-3]}},
        "ring": {"sweep": {"ring.gap": [200e-9, 250e-9, 300e-9]}},
    },
}


def out_dir() -> pathlib.Path:
    return pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OPTOLINK_EXAMPLES_OUT", "out/examples"))


def main(out: pathlib.Path) -> dict:
    result = write_chip(out / "doe_chip", DOE, picture=True)
    if not result.report.ok:
        raise SystemExit(f"layout checks failed: {result.report.summary()}")
    m = read_manifest(result.paths["manifest"])
    mzms, rings = m.of_kind("mzm"), m.of_kind("ring")

    fig, ax = plt.subplots(1, 3, figsize=(12, 3.6), gridspec_kw={"width_ratios": [1.3, 1, 1]})
    ax[0].imshow(plt.imread(result.paths["picture"]))
    ax[0].set_axis_off()
    ax[0].set_title(f"{m.chip['name']}: {len(m.devices)} devices")
    length_mm = [d.parameters["modulator"]["length"] * 1e3 for d in mzms]
    ax[1].plot(length_mm, [d.performance["eo_bandwidth_hz"] / 1e9 for d in mzms], "o-", label="EO bandwidth (GHz)")
    ax[1].plot(length_mm, [d.performance["vpi_v"] for d in mzms], "s-", label="Vπ (V)")
    ax[1].set(xlabel="MZM length (mm)", title="MZMs (from the manifest)")
    ax[1].legend()
    gap_nm = [d.parameters["ring"]["gap"] * 1e9 for d in rings]
    ax[2].plot(gap_nm, [d.performance["extinction_ratio_db"] for d in rings], "o-")
    ax[2].set(xlabel="ring gap (nm)", ylabel="extinction ratio (dB)", title="rings (from the manifest)")
    fig.tight_layout()
    path = save_figure_atomic(fig, out / "doe_chip.png")
    plt.close(fig)
    s = result.report.summary()
    print(f"{m.chip['name']}: {len(m.devices)} devices, {s['violations']} violation(s) in {s['rules_checked']} rules")
    print(f"wrote {path} and {result.paths['gds']}")
    return {"devices": len(m.devices), "violations": s["violations"], "manifest": str(result.paths["manifest"])}


if __name__ == "__main__":
    main(out_dir())
