"""The demo's cross-section section: the default phase shifter's figures from the full-vector mode solver and the
2-D carrier solver beside the closed forms, and the solver plots (mode profile, carrier maps with the mode
contour, Δn_eff(V) and α(V), C(V)) in ``out/solvers/``."""

from __future__ import annotations

import pathlib

from .core.files import write_json_atomic

_ROWS = (  # key, label, display scale, unit
    ("vpi_l_v_cm", "VπL (large signal)", 1.0, "V·cm"),
    ("loss_db_per_mm", "loss at the bias", 1.0, "dB/mm"),
    ("capacitance_f_per_m", "junction C", 1e12 / 1e3, "pF/mm"),
    ("series_resistance_ohm_m", "series R·L", 1e3, "Ω·mm"),
    ("neff", "n_eff", 1.0, ""),
    ("group_index", "n_g", 1.0, ""),
)


def demo_section(out_dir) -> dict:
    """Solver vs closed-form figures of ``DepletionPhaseShifter()`` (printed, and in ``solvers/solvers.json``)
    and the four solver plots; the solves are cached (`photonics.solver_cache`)."""
    from photonics.phase_shifters import DepletionPhaseShifter
    from photonics.solver_figures import device_figures
    from photonics.solver_plots import solver_figures_section

    out = pathlib.Path(out_dir) / "solvers"
    ps = DepletionPhaseShifter()
    solver = device_figures(ps)
    closed = device_figures(ps, model="closed_form")
    print(f"default phase shifter at {solver['bias_voltage_v']:g} V reverse bias: solvers vs closed forms")
    print(f"  {'figure':<22}{'solvers':>10}{'closed form':>13}{'difference':>12}")
    rows = {}
    for key, label, scale, unit in _ROWS:
        a, b = solver[key] * scale, closed[key] * scale
        rows[key] = {"solver": solver[key], "closed_form": closed[key], "difference": (a - b) / b}
        print(f"  {label:<22}{a:>10.4g}{b:>13.4g}{(a - b) / b * 100:>+11.1f}%  {unit}")
    plots = solver_figures_section(out, ps)
    summary = {"phase_shifter": rows, "plots": {k: str(v) for k, v in plots.items()}}
    write_json_atomic(out / "solvers.json", {"schema": "optolink.solver-figures/1", **summary})
    return summary
