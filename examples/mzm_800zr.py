"""Design a silicon MZM for 800ZR: Vπ, EO bandwidth and insertion loss vs phase-shifter length.

800ZR runs DP-16QAM at ≈118 GBd; a rule of thumb asks the modulator for an EO bandwidth (−3 dB) of at least
~0.5 × the baud rate. The script scans the length of the default travelling-wave MZM, keeps the lengths that
meet the bandwidth target and picks the one with the lowest Vπ.

Run: ``python examples/mzm_800zr.py [OUT_DIR]`` (or set ``OPTOLINK_EXAMPLES_OUT``); writes ``mzm_800zr.png``.
"""

import os
import pathlib
import sys
from dataclasses import replace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from links.standards import STANDARDS  # noqa: E402
from optolink.core.files import save_figure_atomic  # noqa: E402
from photonics.modulators import MachZehnderModulator  # noqa: E402


def out_dir() -> pathlib.Path:
    return pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OPTOLINK_EXAMPLES_OUT", "out/examples"))


def main(out: pathlib.Path) -> dict:
    std = STANDARDS["800ZR"]
    target_hz = 0.5 * std.baud_rate                     # EO bandwidth target (rule of thumb)
    base = MachZehnderModulator()
    lengths = np.linspace(0.5e-3, 3.0e-3, 11)            # m
    mzms = [replace(base, length=float(L)) for L in lengths]
    vpi = np.array([m.vpi for m in mzms])                # V
    bw = np.array([m.eo_bandwidth() for m in mzms])      # Hz
    il = np.array([m.insertion_loss_db for m in mzms])   # dB
    ok = bw >= target_hz
    best = int(np.flatnonzero(ok)[np.argmin(vpi[ok])]) if ok.any() else int(np.argmax(bw))

    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    ax[0].plot(lengths * 1e3, vpi, "o-")
    ax[0].set(xlabel="phase-shifter length (mm)", ylabel="Vπ (V)", title="Vπ and insertion loss")
    ax2 = ax[0].twinx()
    ax2.plot(lengths * 1e3, il, "s--", color="tab:red")
    ax2.set_ylabel("insertion loss (dB)", color="tab:red")
    ax[1].plot(lengths * 1e3, bw / 1e9, "o-")
    ax[1].axhline(target_hz / 1e9, color="k", ls=":", label=f"0.5 × {std.baud_rate / 1e9:.1f} GBd")
    ax[1].axvline(lengths[best] * 1e3, color="tab:green", label=f"chosen: {lengths[best] * 1e3:.2f} mm")
    ax[1].set(xlabel="phase-shifter length (mm)", ylabel="EO bandwidth (GHz)", title="800ZR bandwidth target")
    ax[1].legend()
    fig.tight_layout()
    path = save_figure_atomic(fig, out / "mzm_800zr.png")
    plt.close(fig)
    chosen = {"length_m": float(lengths[best]), "vpi_v": float(vpi[best]), "eo_bandwidth_hz": float(bw[best]),
              "insertion_loss_db": float(il[best])}
    print(f"800ZR MZM: L = {chosen['length_m'] * 1e3:.2f} mm, Vπ = {chosen['vpi_v']:.1f} V, "
          f"EO bandwidth = {chosen['eo_bandwidth_hz'] / 1e9:.1f} GHz, IL = {chosen['insertion_loss_db']:.2f} dB")
    print(f"wrote {path}")
    return chosen


if __name__ == "__main__":
    main(out_dir())
