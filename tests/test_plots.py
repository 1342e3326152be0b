"""The ``plot`` helpers of the devices and results: each returns the Axes it drew on, with axis labels naming
their units and finite data, and what it draws is the physics (checked against closed forms, not against the
code that drew it)."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from optolink.core.constants import H, Q  # noqa: E402

UNIT = re.compile(r"\(.*\S.*\)")  # "power (dBm)", "OSNR (dB, 12.5 GHz)"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _check_axes(ax):
    assert isinstance(ax, matplotlib.axes.Axes)
    assert UNIT.search(ax.get_xlabel()), ax.get_xlabel()
    assert UNIT.search(ax.get_ylabel()), ax.get_ylabel()
    lines = [ln for ln in ax.get_lines() if len(np.atleast_1d(ln.get_xdata())) >= 2]
    for ln in lines:
        assert np.all(np.isfinite(np.asarray(ln.get_xdata(), dtype=float)))
        assert np.all(np.isfinite(np.asarray(ln.get_ydata(), dtype=float)))
    return lines


def test_plotting_modules_do_not_import_matplotlib():
    code = "import sys, photonics.plots, links.plots\nassert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_ring_transmission_dips_at_resonance_to_the_all_pass_minimum():
    """All-pass ring at resonance: T_min = (r − a)²/(1 − r·a)² (W. Bogaerts et al., Laser Photonics Rev. 6, 47
    (2012), eq. 5 with φ = 2πm), at λ_res."""
    from photonics.rings import RingModulator

    ring = RingModulator()
    ax = ring.plot_transmission()
    (line,) = _check_axes(ax)[:1]
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    assert "nm" in ax.get_xlabel() and "dB" in ax.get_ylabel()
    assert abs(x[np.argmin(y)] - ring.resonance_wavelength() * 1e9) < 2 * (x[1] - x[0])
    r, a = ring.self_coupling, float(ring.round_trip_amplitude())
    assert y.min() == pytest.approx(10 * math.log10((r - a) ** 2 / (1 - r * a) ** 2), abs=0.3)
    assert x[-1] - x[0] == pytest.approx(ring.fsr() * 1e9, rel=1e-6)  # one free spectral range shown
    assert y.max() > -0.2  # off resonance the all-pass ring transmits (nearly) everything


def test_mzm_transmission_null_and_peak_are_about_vpi_apart():
    """Cosine transfer: the null and the peak of |E|² are π apart in arm phase, i.e. ≈ Vπ apart in drive (the
    depletion phase is not linear in voltage, hence the tolerance)."""
    from photonics.modulators import MachZehnderModulator

    mzm = MachZehnderModulator()
    ax = mzm.plot_transmission()
    (line,) = _check_axes(ax)[:1]
    v, t = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    assert "V" in ax.get_xlabel() and "dB" in ax.get_ylabel()
    assert abs(v[np.argmax(t)] - v[np.argmin(t)]) == pytest.approx(mzm.vpi, rel=0.15)
    assert t.max() - t.min() > 20  # extinction of the push-pull MZM


@pytest.mark.parametrize("device", ["mzm", "ring"])
def test_eo_response_crosses_minus_3_db_at_the_marked_bandwidth(device):
    from photonics.modulators import MachZehnderModulator
    from photonics.rings import RingModulator

    dev = MachZehnderModulator() if device == "mzm" else RingModulator()
    ax = dev.plot_eo_response()
    (line,) = _check_axes(ax)[:1]
    f, h = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    assert "GHz" in ax.get_xlabel() and "dB" in ax.get_ylabel()
    i = int(np.nonzero(h < -3.0103)[0][0])  # first point below −3 dB (electrical: 20·log10|H| = −3.01)
    f3 = np.interp(-3.0103, [h[i], h[i - 1]], [f[i], f[i - 1]])
    assert f3 == pytest.approx(dev.eo_bandwidth() / 1e9, rel=0.02)
    assert abs(h[0]) < 0.1  # normalised to the low-frequency response


def test_li_curve_is_zero_below_threshold_and_has_the_quantum_slope_above():
    """Above threshold dP/dI = η₀·hν/(2q) per facet (rate equations with P = S·V·hν·η₀/(2Γτp) and S clamped by
    N ≈ N_th; L. A. Coldren, S. W. Corzine, Diode Lasers and Photonic Integrated Circuits, 2nd ed., eq. 2.40);
    gain compression makes it slightly sublinear."""
    from photonics.lasers import RateEquationLaser

    laser = RateEquationLaser()
    ax = laser.plot_li()
    (line,) = _check_axes(ax)[:1]
    i, p = np.asarray(line.get_xdata()) * 1e-3, np.asarray(line.get_ydata()) * 1e-3
    assert "mA" in ax.get_xlabel() and "mW" in ax.get_ylabel()
    i_th = laser.threshold_current()
    assert np.all(p[i < 0.9 * i_th] < 0.01 * p.max())
    sel = (i > 2 * i_th) & (i < 3 * i_th)
    slope = np.polyfit(i[sel], p[sel], 1)[0]
    pr = laser.params
    ideal = pr.eta0 * H * 299792458.0 / pr.wavelength / (2 * Q)
    assert slope == pytest.approx(ideal, rel=0.1)
    assert slope <= ideal * 1.001


def test_ber_curve_plot_shows_the_points_threshold_and_required_osnr():
    from links.ber_curve import BerCurve
    from links.chip import ChipEstimate
    from links.verdict import ChipPerformance

    curve = BerCurve((14.0, 16.0, 18.0, 20.0), (4e-2, 1.5e-2, 4e-3, 0.0), label="chip")
    ax = curve.plot()
    (line,) = _check_axes(ax)[:1]
    assert ax.get_yscale() == "log" and "12.5 GHz" in ax.get_xlabel()
    np.testing.assert_allclose(line.get_xdata(), curve.osnr_db)
    np.testing.assert_allclose(line.get_ydata()[:3], curve.ber[:3])
    assert line.get_ydata()[3] > 0  # a BER of zero sits on the floor of the log axis
    perf = ChipPerformance(standard="400ZR", fingerprint="0" * 16, curve=curve, required_osnr_db=16.4,
                           floor_ber=0.0, tx_power_dbm=-5.0, sensitivity_dbm=math.nan,
                           estimate=ChipEstimate(tx_power_dbm=-5.0, bandwidth_penalty_db=0.5, required_osnr_db=16.0),
                           estimate_difference_db=-0.4, warnings=(), cached=True, provenance={}, fail_reasons=(),
                           pre_fec_ber_threshold=1.22e-2)
    ax = perf.plot()
    marks = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 2]
    ys = {round(float(ln.get_ydata()[0]), 6) for ln in marks if ln.get_ydata()[0] == ln.get_ydata()[1]}
    xs = {round(float(ln.get_xdata()[0]), 6) for ln in marks if ln.get_xdata()[0] == ln.get_xdata()[1]}
    assert 0.0122 in ys and 16.4 in xs


def test_osnr_sweep_plot_has_the_awgn_theory():
    """The theory line of a sweep is the exact Gray-coded 16QAM BER, P_b = [3Q(x) + 2Q(3x) − Q(5x)]/4 with
    x = √(Es/(5·N0)) (K. Cho, D. Yoon, IEEE Trans. Commun. 50, 1074 (2002)), at Es/N0 = OSNR + 10·log10(12.5 GHz
    / baud) (both polarizations in the OSNR, one symbol per polarization in Es)."""
    from scipy.special import erfc

    from links.simulate import LinkConfig, ber_vs_osnr

    sweep = ber_vs_osnr("400ZR", (14.0, 18.0), config=LinkConfig(n_symbols=4096, ideal=True))
    ax = sweep.plot()
    _check_axes(ax)
    theory = [ln for ln in ax.get_lines() if ln.get_label() == "theory (AWGN)"][0]
    es_n0 = 10 ** ((np.asarray(sweep.osnr_db) + 10 * np.log10(12.5e9 / 59.84375e9)) / 10)
    x = np.sqrt(es_n0 / 5)

    def q(z):
        return erfc(z / math.sqrt(2)) / 2

    np.testing.assert_allclose(theory.get_ydata(), (3 * q(x) + 2 * q(3 * x) - q(5 * x)) / 4, rtol=1e-6)
    simulated = ax.get_lines()[0]
    np.testing.assert_allclose(simulated.get_xdata(), [14.0, 18.0])


def test_constellation_plot_draws_the_received_points_and_the_ideal_grid():
    from links.simulate import Constellation, LinkConfig, simulate_constellation

    c = simulate_constellation(LinkConfig(n_symbols=4096, ideal=True), 30.0, seed=2)
    assert isinstance(c, Constellation)
    ax = c.plot()
    received, ideal = ax.get_lines()[:2]
    assert "a.u." in ax.get_xlabel() and "a.u." in ax.get_ylabel()
    assert len(ideal.get_xdata()) == 16  # 16QAM
    assert len(received.get_xdata()) == c.received.shape[1]
    assert np.all(np.isfinite(received.get_xdata())) and np.all(np.isfinite(received.get_ydata()))
    # at 30 dB OSNR every received symbol sits within half a grid step of an ideal point
    pts = np.asarray(received.get_xdata()) + 1j * np.asarray(received.get_ydata())
    grid = np.asarray(ideal.get_xdata()) + 1j * np.asarray(ideal.get_ydata())
    step = np.min(np.abs(grid[:, None] - grid[None, :])[~np.eye(16, dtype=bool)])
    assert np.max(np.min(np.abs(pts[:, None] - grid[None, :]), axis=1)) < step / 2


def test_level_diagram_of_a_budget_falls_by_the_span_loss():
    """Along an 80 km span at 0.2 dB/km the channel power falls by α·L = 16 dB (the amplifier restores it)."""
    from links.amplifiers import Amplifier
    from links.budget import coherent_budget
    from links.channel_plan import ChannelPlan
    from links.fiber import Fiber
    from links.power_budget import UnamplifiedLink, power_budget

    b = coherent_budget(ChannelPlan(8, 60e9, 75e9, 193.4e12, 1.0), [Fiber(80e3, 0.2, 17.0, 1.3)] * 2,
                        Amplifier(16.0, 5.0))
    ax = b.plot()
    line = _check_axes(ax)[0]
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    assert "km" in ax.get_xlabel() and "dBm" in ax.get_ylabel()
    assert x[-1] == pytest.approx(160.0)
    assert y.max() - y.min() == pytest.approx(16.0, abs=1e-6)
    assert b.level.plot().get_lines()[0].get_ydata().tolist() == y.tolist()
    pb = power_budget(UnamplifiedLink(tx_power_dbm=0.0, rx_sensitivity_dbm=-12.0, fiber_length=10e3,
                                      alpha_db_per_km=0.35))
    y2 = np.asarray(_check_axes(pb.plot())[0].get_ydata())
    assert y2[0] - y2[-1] == pytest.approx(pb.total_loss_db, abs=1e-9) and pb.total_loss_db >= 3.5


def test_eye_plot_shows_the_four_pam4_levels():
    from links.imdd import eye_diagram

    levels = np.array([0.2, 0.8, 1.4, 2.0]) * 1e-3  # W
    sym = np.random.default_rng(3).integers(0, 4, 2048)
    wave = np.repeat(levels[sym], 16)
    eye = eye_diagram(wave, 16 * 53.125e9, 53.125e9, reference_receiver=False)
    ax = eye.plot()
    assert UNIT.search(ax.get_xlabel()) and "mW" in ax.get_ylabel()
    mesh = ax.collections[0]
    data = np.asarray(mesh.get_array()).reshape(eye.counts.shape)
    assert np.all(np.isfinite(data))
    rows = np.asarray(eye.power) * 1e3
    hot = rows[np.argsort(data.sum(axis=1))[-4:]]  # the four most visited power bins
    assert np.sort(np.round(hot, 1)).tolist() == pytest.approx((levels * 1e3).tolist(), abs=0.1)
