"""Figures of the cross-section solvers a designer expects: the mode profile with the cross-section outline,
carrier maps at two biases with the mode contour, Δn_eff(V) and α(V), and C(V).

Each function returns a matplotlib Figure (Agg; matplotlib is imported inside the functions) and, given a
``path``, writes it as PNG atomically (``optolink.core.files.write_bytes_atomic``). ``solver_figures_section`` draws
all four for a phase shifter at coarse grids (a couple of seconds) into a directory, for reports and the demo.
"""

from __future__ import annotations

import math
import pathlib

import numpy as np

from optolink.core.files import write_bytes_atomic

from .modes import Layer, ModeSettings, Trapezoid, fundamental, rib

DB = 10 * math.log10(math.e)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path, dpi=100):
    """PNG written atomically; fixed margins (no tight bounding box: it costs a second draw)."""
    if path is not None:
        import io

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        write_bytes_atomic(pathlib.Path(path), buf.getvalue())
    return fig


def _outline(ax, cross_section, x_range):
    """Draw the shapes' edges (µm)."""
    for s in cross_section.shapes:
        if isinstance(s, Layer):
            for y in (s.y_bottom, s.y_bottom + s.height):
                ax.plot(np.array(x_range) * 1e6, [y * 1e6] * 2, color="w", lw=0.8)
        elif isinstance(s, Trapezoid):
            top, bot = s.y_bottom + s.height, s.y_bottom
            xs = [s.x_center - s.width / 2 - s.foot, s.x_center - s.width / 2, s.x_center + s.width / 2,
                  s.x_center + s.width / 2 + s.foot]
            ax.plot(np.array(xs) * 1e6, np.array([bot, top, top, bot]) * 1e6, color="w", lw=0.8)


def _window(cross_section, pad=0.6e-6):
    x0, x1, y0, y1 = cross_section.bounding_box()
    return (x0 - pad, x1 + pad), (y0 - pad, y1 + pad)


def mode_profile_figure(mode, path=None):
    """|E| of ``mode`` (a ``photonics.modes.Mode``) over its cross-section, with the shapes outlined."""
    plt = _pyplot()
    e = np.sqrt(np.sum(np.abs(mode.E) ** 2, axis=0))
    (xa, xb), (ya, yb) = _window(mode.cross_section)
    fig, ax = plt.subplots(figsize=(6, 3.4))
    im = ax.pcolormesh(mode.grid.bx * 1e6, mode.grid.by * 1e6, (e / e.max()).T, shading="flat", cmap="magma")
    _outline(ax, mode.cross_section, (xa, xb))
    ax.set_xlim(xa * 1e6, xb * 1e6)
    ax.set_ylim(ya * 1e6, yb * 1e6)
    ax.set_aspect("equal")
    ax.set_xlabel("x (µm)")
    ax.set_ylabel("y (µm)")
    ax.set_title(f"{mode.polarization}0  n_eff {mode.neff.real:.4f}  n_g {mode.group_index:.3f}  "
                 f"λ {mode.wavelength * 1e9:.0f} nm")
    fig.colorbar(im, ax=ax, label="|E| / max")
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.9)
    return _save(fig, path)


def carrier_map_figure(solution, biases=None, mode=None, path=None):
    """Free-carrier density log10(n + p) (cm⁻³) of a ``CarrierSolution`` at two biases (default: the first and
    the last solved), with the |E|² = 1/e² contour of ``mode`` if given."""
    plt = _pyplot()
    vs = solution.v_reverse
    idx = [0, vs.size - 1] if biases is None else [int(np.argmin(np.abs(vs - b))) for b in biases]
    fig, axes = plt.subplots(2, 1, figsize=(6.5, 5), sharex=True)
    xs, ys = solution.x * 1e6, solution.y * 1e6
    for ax, k in zip(axes, idx, strict=True):
        free = (solution.n[k] + solution.p[k]) * 1e-6
        data = np.where(solution.silicon, np.log10(np.maximum(free, 1.0)), np.nan)
        im = ax.pcolormesh(xs, ys, data.T, shading="nearest", cmap="viridis", vmin=10, vmax=19)
        if mode is not None:
            e2 = np.sum(np.abs(mode.E) ** 2, axis=0)
            ax.contour(mode.x * 1e6, mode.y * 1e6, (e2 / e2.max()).T, levels=[math.exp(-2), 0.5], colors="w",
                       linewidths=0.8)
        ax.set_ylabel("y (µm)")
        ax.set_title(f"free carriers at {vs[k]:.2g} V reverse")
        ax.set_ylim(ys[0], ys[-1])
        ax.set_xlim(xs[0], xs[-1])
        fig.colorbar(im, ax=ax, label="log10(n + p / cm⁻³)")
    axes[-1].set_xlabel("x (µm)")
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.1, top=0.94, hspace=0.3)
    return _save(fig, path)


def index_figure(v_reverse, delta_neff, alpha, path=None):
    """Δn_eff(V) and the modal loss α(V) (dB/cm) of a phase shifter."""
    plt = _pyplot()
    v = np.asarray(v_reverse, float)
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.plot(v, np.asarray(delta_neff) * 1e4, "o-", color="C0")
    ax.set_xlabel("reverse bias (V)")
    ax.set_ylabel("Δn_eff (×1e-4)", color="C0")
    ax2 = ax.twinx()
    ax2.plot(v, np.asarray(alpha) * DB / 100, "s--", color="C3")
    ax2.set_ylabel("α (dB/cm)", color="C3")
    ax.set_title("phase shifter: index change and loss")
    fig.subplots_adjust(left=0.14, right=0.86, bottom=0.15, top=0.9)
    return _save(fig, path)


def capacitance_figure(v_reverse, capacitance, path=None):
    """Junction capacitance C(V) (fF/µm)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    ax.plot(np.asarray(v_reverse, float), np.asarray(capacitance) * 1e9, "o-")
    ax.set_xlabel("reverse bias (V)")
    ax.set_ylabel("C (fF/µm)")
    ax.set_title("junction capacitance (2-D Poisson, fringe included)")
    fig.subplots_adjust(left=0.14, right=0.96, bottom=0.15, top=0.9)
    return _save(fig, path)


def solver_figures_section(out_dir, phase_shifter=None, *, mode_step: float = 20e-9,
                           carrier_step: float = 10e-9, biases=(0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0)) -> dict:
    """Write the four solver figures of ``phase_shifter`` (default ``DepletionPhaseShifter()``) to ``out_dir``;
    returns {name: path}. At the default coarse grids this takes about 2 s."""
    from .carriers import solve_carriers
    from .cross_section_solvers import phase_shifter_index, phase_shifter_junction
    from .phase_shifters import DepletionPhaseShifter

    ps = DepletionPhaseShifter() if phase_shifter is None else phase_shifter
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plt = _pyplot()
    wg = ps.waveguide
    mode = fundamental(rib(wg.width, wg.height, wg.slab_height, temperature=wg.temperature), wg.wavelength,
                       ModeSettings(step=mode_step, num_modes=1))
    v = np.array(biases, float)
    sol = solve_carriers(phase_shifter_junction(ps, carrier_step), v)
    dn, alpha = phase_shifter_index(ps, v, mode_step=mode_step, carrier_step=carrier_step)
    paths = {"mode_profile": out / "solver_mode_profile.png", "carrier_map": out / "solver_carrier_map.png",
             "index_vs_bias": out / "solver_index_vs_bias.png", "capacitance": out / "solver_capacitance.png"}
    figs = [mode_profile_figure(mode, paths["mode_profile"]),
            carrier_map_figure(sol, None, mode, paths["carrier_map"]),
            index_figure(v, dn, alpha, paths["index_vs_bias"]),
            capacitance_figure(sol.v_reverse, sol.capacitance, paths["capacitance"])]
    for f in figs:
        plt.close(f)
    return {k: str(p) for k, p in paths.items()}
