"""A parameter sweep on a Dask LocalCluster into the HDF5 store: ring Q and extinction ratio over gap × radius.

The swept function (``ring_figures`` below) lives in this script; the sweep names it ``"sweep_local_cluster:
ring_figures"``, which the cluster's worker processes import (the script's directory is on their path). Every
completed point is written to the store at once; running the script again resumes, computing nothing twice.

Run: ``python examples/sweep_local_cluster.py [OUT_DIR]`` (or set ``OPTOLINK_EXAMPLES_OUT``); writes
``sweep_local_cluster.png`` and ``sweep_local_cluster.h5``.
"""

import os
import pathlib
import sys

import numpy as np


def ring_figures(gap: float, radius: float) -> dict:
    """One sweep point: the default ring at ``gap`` and ``radius`` (m)."""
    from dataclasses import replace

    from photonics.rings import RingModulator

    ring = replace(RingModulator(), gap=gap, radius=radius)
    return {"q_loaded": ring.q_loaded(), "extinction_ratio_db": ring.extinction_ratio_db(), "fsr_m": ring.fsr()}


def out_dir() -> pathlib.Path:
    return pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OPTOLINK_EXAMPLES_OUT", "out/examples"))


def main(out: pathlib.Path) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from links.sweep import SweepSpec, run_sweep
    from optolink.core.files import save_figure_atomic

    spec = SweepSpec(function="sweep_local_cluster:ring_figures", name="ring_gap_radius",
                     grid={"gap": [200e-9, 250e-9, 300e-9, 350e-9], "radius": [5e-6, 10e-6]},
                     units={"gap": "m", "radius": "m", "fsr_m": "m", "extinction_ratio_db": "dB"})
    out.mkdir(parents=True, exist_ok=True)
    data = run_sweep(spec, out / "sweep_local_cluster.h5", scheduler="local", workers=2, progress=False).sorted()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for radius in np.unique(data.params["radius"]):
        sel = data.params["radius"] == radius
        ax.plot(data.params["gap"][sel] * 1e9, data.results["extinction_ratio_db"][sel], "o-",
                label=f"R = {radius * 1e6:.0f} µm")
    ax.set(xlabel="gap (nm)", ylabel="extinction ratio (dB)", title=f"{data.n_done} points on a LocalCluster")
    ax.legend()
    fig.tight_layout()
    path = save_figure_atomic(fig, out / "sweep_local_cluster.png")
    plt.close(fig)
    print(f"{data.n_done} points stored in {out / 'sweep_local_cluster.h5'}; wrote {path}")
    return {"n_done": data.n_done, "ok": int(data.ok.sum())}


if __name__ == "__main__":
    main(out_dir())
