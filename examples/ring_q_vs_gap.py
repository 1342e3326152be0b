"""Ring modulator: FSR, loaded/intrinsic Q and extinction ratio vs the bus-ring gap.

The loaded Q rises with the gap (weaker coupling) towards the intrinsic Q; the extinction ratio peaks at
critical coupling, where the coupling loss equals the round-trip loss (the ring's ``critical_gap``). The FSR
depends on the radius only (λ²/(n_g·2πR)).

Run: ``python examples/ring_q_vs_gap.py [OUT_DIR]`` (or set ``OPTOLINK_EXAMPLES_OUT``); writes
``ring_q_vs_gap.png``.
"""

import os
import pathlib
import sys
from dataclasses import replace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from optolink.core.files import save_figure_atomic  # noqa: E402
from photonics.rings import RingModulator  # noqa: E402


def out_dir() -> pathlib.Path:
    return pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OPTOLINK_EXAMPLES_OUT", "out/examples"))


def main(out: pathlib.Path) -> dict:
    gaps = np.linspace(150e-9, 450e-9, 13)               # m
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    summary = {}
    for radius in (5e-6, 7.5e-6, 10e-6):                  # m
        rings = [replace(RingModulator(), radius=radius, gap=float(g)) for g in gaps]
        ql = np.array([r.q_loaded() for r in rings])
        er = np.array([r.extinction_ratio_db() for r in rings])
        fsr_nm = rings[0].fsr() * 1e9
        label = f"R = {radius * 1e6:.1f} µm (FSR {fsr_nm:.1f} nm)"
        ax[0].semilogy(gaps * 1e9, ql, "o-", label=label)
        ax[0].axhline(rings[0].q_intrinsic(), ls=":", color=ax[0].lines[-1].get_color())
        ax[1].plot(gaps * 1e9, er, "o-", label=label)
        ax[1].axvline(rings[0].critical_gap() * 1e9, ls=":", color=ax[1].lines[-1].get_color())
        summary[radius] = {"fsr_m": rings[0].fsr(), "critical_gap_m": rings[0].critical_gap(),
                           "q_loaded": ql.tolist(), "extinction_ratio_db": er.tolist()}
    ax[0].set(xlabel="gap (nm)", ylabel="loaded Q", title="loaded Q (dotted: intrinsic Q)")
    ax[1].set(xlabel="gap (nm)", ylabel="extinction ratio (dB)", title="ER (dotted: critical gap)")
    ax[1].legend(fontsize=8)
    fig.tight_layout()
    path = save_figure_atomic(fig, out / "ring_q_vs_gap.png")
    plt.close(fig)
    for radius, s in summary.items():
        print(f"R = {radius * 1e6:.1f} µm: FSR {s['fsr_m'] * 1e9:.2f} nm, "
              f"critical gap {s['critical_gap_m'] * 1e9:.0f} nm")
    print(f"wrote {path}")
    return summary


if __name__ == "__main__":
    main(out_dir())
