"""The solver figures: files written, axes labelled, plotted data finite."""

import time

import numpy as np
import pytest

from photonics import solver_plots


@pytest.fixture(scope="module")
def section(tmp_path_factory):
    out = tmp_path_factory.mktemp("solver_figs")
    t0 = time.process_time()
    paths = solver_plots.solver_figures_section(out)
    return paths, time.process_time() - t0


def test_section_writes_four_pngs_quickly(section):
    paths, cpu = section
    assert set(paths) == {"mode_profile", "carrier_map", "index_vs_bias", "capacitance"}
    for p in paths.values():
        with open(p, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert cpu < 6.0  # the demo's budget is ~3 s on an idle core; CPU time on a shared machine


def test_figures_are_labelled_and_finite():
    import matplotlib.pyplot as plt

    from photonics.carriers import lateral_pn, solve_carriers
    from photonics.modes import ModeSettings, fundamental, rib

    mode = fundamental(rib(), 1.55e-6, ModeSettings(step=30e-9, num_modes=1))
    sol = solve_carriers(lateral_pn(3e23, 2e23, step=15e-9), [0.0, 2.0])
    v = np.array([0.0, 1.0, 2.0])
    figs = [solver_plots.mode_profile_figure(mode), solver_plots.carrier_map_figure(sol, (0.0, 2.0), mode),
            solver_plots.index_figure(v, [0.0, 5e-5, 9e-5], [170.0, 160.0, 150.0]),
            solver_plots.capacitance_figure(v, [3e-10, 2e-10, 1.7e-10])]
    for fig in figs:
        for ax in fig.axes:
            if ax.get_label() == "<colorbar>":
                continue
            assert ax.get_xlabel() or ax.get_ylabel()
            for line in ax.get_lines():
                assert np.all(np.isfinite(np.asarray(line.get_xydata(), float)))
            for coll in ax.collections:
                arr = coll.get_array()
                if arr is not None:
                    data = np.ma.masked_invalid(np.asarray(arr, float))
                    assert data.count() > 0 and np.all(np.isfinite(data.compressed()))
        plt.close(fig)
    assert figs[0].axes[0].get_xlabel() == "x (µm)"
