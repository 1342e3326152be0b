"""An OpenZR+ metro link budget (6 × 80 km, 64 channels at 75 GHz): level diagram and GSNR per channel.

The link is the shipped preset ``OpenZR+-metro-6x80km`` (the same mapping as a link YAML file); the budget uses
the GN model for the nonlinear interference and finds the optimum launch power. OSNR is referenced to 12.5 GHz,
GSNR is in the signal bandwidth.

Run: ``python examples/metro_budget.py [OUT_DIR]`` (or set ``OPTOLINK_EXAMPLES_OUT``); writes
``metro_budget.png``.
"""

import os
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from links.linkfile import evaluate, parse_link, preset  # noqa: E402
from optolink.core.files import save_figure_atomic  # noqa: E402


def out_dir() -> pathlib.Path:
    return pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OPTOLINK_EXAMPLES_OUT", "out/examples"))


def main(out: pathlib.Path) -> dict:
    budget = evaluate(parse_link(preset("OpenZR+-metro-6x80km")))
    level = budget.level
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.6))
    ax[0].plot(level.position / 1e3, level.channel_power_dbm, label="one channel")
    ax[0].plot(level.position / 1e3, level.total_power_dbm, label="total")
    ax[0].set(xlabel="position (km)", ylabel="power (dBm)", title="level diagram")
    ax[0].legend()
    f_thz = budget.frequency / 1e12
    ax[1].plot(f_thz, budget.osnr_ase_db, ".", label="OSNR (ASE, 12.5 GHz)")
    ax[1].plot(f_thz, budget.gsnr_ref_db, ".", label="GSNR (12.5 GHz)")
    ax[1].axhline(budget.required_osnr_db, color="k", ls=":", label="required OSNR")
    ax[1].set(xlabel="frequency (THz)", ylabel="dB", title=f"{budget.name}: {budget.verdict}")
    ax[1].legend(fontsize=8)
    fig.tight_layout()
    path = save_figure_atomic(fig, out / "metro_budget.png")
    plt.close(fig)
    c = budget.center
    print(f"{budget.name}: {budget.verdict}, centre GSNR {c.gsnr_db:.2f} dB (signal bandwidth), "
          f"margin {budget.worst_margin_db:.2f} dB at {budget.optimum_launch_power_dbm:.1f} dBm per channel")
    print(f"wrote {path}")
    return {"verdict": budget.verdict, "worst_margin_db": float(budget.worst_margin_db)}


if __name__ == "__main__":
    main(out_dir())
