"""Traveling-wave electrode: conformal-mapping limits and the EO response in its closed-form limits."""

import math

import numpy as np
import pytest
import scipy.constants as sc
from scipy.optimize import brentq
from scipy.special import ellipk

from photonics.electrodes import CoplanarElectrode, junction_admittance, loaded_line, traveling_wave_response

C0 = sc.c


def _f3db(freq, h, h0=0.5):
    """-3 dB frequency of |h/h0|; h0 = 0.5 is the DC value V_S·Z_L/(Z_S + Z_L) of a matched line."""
    mag = np.abs(h / h0)
    i = np.nonzero(mag < 1 / math.sqrt(2))[0][0]
    # log-linear interpolation between grid points is precise enough on a fine grid
    db = [20 * math.log10(mag[i]), 20 * math.log10(mag[i - 1])]
    return float(np.interp(-10 * math.log10(2), db, [freq[i], freq[i - 1]]))


def test_velocity_mismatch_only_limit():
    # Lossless, matched line, no junction RC: |H| = |sin u / u|, u = π f L Δn / c →
    # f3dB = 0.443·c/(L·|n_rf − n_g|) (e.g. Ghione 2009 §4.4; R. C. Alferness, IEEE MTT 30, 1121 (1982))
    length, n_rf, n_g = 3e-3, 2.8, 3.9
    f = np.linspace(1e6, 80e9, 80001)
    gamma = 1j * 2 * np.pi * f * n_rf / C0
    h = traveling_wave_response(f, gamma, np.full(f.shape, 50.0 + 0j), length, n_g, 50.0, 50.0)
    expected = 1.39156 / math.pi * C0 / (length * abs(n_rf - n_g))
    assert _f3db(f, h) == pytest.approx(expected, rel=2e-3)
    assert 0.4429 == pytest.approx(1.39156 / math.pi, abs=1e-4)


def test_loss_only_limit_with_skin_effect():
    # Velocity-matched, matched line with α(f) = α1·√(f/1 GHz): |H| = (1 − e^{−αL})/(αL), which is 1/√2
    # at αL = 0.7386 Np (6.4 dB): f3dB = 1 GHz·(0.7386/(α1 L))²
    length, n_g, alpha1 = 3e-3, 3.9, 40.0  # Np/m at 1 GHz
    f = np.linspace(1e6, 100e9, 100001)
    alpha = alpha1 * np.sqrt(f / 1e9)
    gamma = alpha + 1j * 2 * np.pi * f * n_g / C0
    h = traveling_wave_response(f, gamma, np.full(f.shape, 50.0 + 0j), length, n_g, 50.0, 50.0)
    x = brentq(lambda x: (1 - math.exp(-x)) / x - 1 / math.sqrt(2), 0.1, 2.0)
    assert x == pytest.approx(0.7386, abs=1e-3)
    assert _f3db(f, h) == pytest.approx(1e9 * (x / (alpha1 * length)) ** 2, rel=2e-3)


def test_open_and_short_lines_at_low_frequency():
    # A short line at low frequency is a lumped node: V = Vs·Z_L/(Z_S + Z_L)
    f = np.array([1e6])
    gamma = 1j * 2 * np.pi * f * 3.0 / C0
    h_50 = traveling_wave_response(f, gamma, np.array([50.0 + 0j]), 1e-3, 3.0, 50.0, 50.0)
    h_open = traveling_wave_response(f, gamma, np.array([50.0 + 0j]), 1e-3, 3.0, 50.0, None)
    h_25 = traveling_wave_response(f, gamma, np.array([40.0 + 0j]), 1e-3, 3.0, 50.0, 25.0)
    assert abs(h_50[0]) == pytest.approx(0.5, rel=1e-6)
    assert abs(h_open[0]) == pytest.approx(1.0, rel=1e-6)
    assert abs(h_25[0]) == pytest.approx(25 / 75, rel=1e-6)


def test_cpw_conformal_mapping_limits():
    # Simons (2001) eq. 2.3: CPW on an infinitely thick substrate has ε_eff = (ε_r + 1)/2 and
    # Z0 = 30π/√ε_eff · K(k')/K(k), k = S/(S + 2W)
    s, w = 10e-6, 6e-6
    thick_oxide = CoplanarElectrode(signal_width=s, gap=w, oxide_thickness=100e-6)
    assert thick_oxide.effective_permittivity == pytest.approx((3.9 + 1) / 2, rel=0.01)
    thin_oxide = CoplanarElectrode(signal_width=s, gap=w, oxide_thickness=0.1e-6)
    assert thin_oxide.effective_permittivity == pytest.approx((11.7 + 1) / 2, rel=0.03)
    k = s / (s + 2 * w)
    z0 = 30 * math.pi / math.sqrt(thick_oxide.effective_permittivity) * ellipk(1 - k**2) / ellipk(k**2)
    assert thick_oxide.impedance_unloaded == pytest.approx(z0, rel=2e-3)  # 30π ≈ η0/4 = 29.98π


def test_skin_effect_scaling_and_dc():
    e = CoplanarElectrode()
    assert float(e.ac_resistance(40e9) / e.ac_resistance(10e9)) == pytest.approx(2.0, rel=1e-12)
    s_w = e.signal_width
    assert e.dc_resistance == pytest.approx(
        (1 / s_w + 1 / (2 * e.ground_width)) / (e.conductivity * e.metal_thickness))
    z = e.series_impedance(np.array([1e3]))
    assert z.real[0] == pytest.approx(e.dc_resistance, rel=1e-3)


def test_junction_loading_slows_the_line_and_lowers_impedance():
    e = CoplanarElectrode()
    f = np.array([20e9])
    g0, z0 = loaded_line(e, f, np.zeros(1, complex))
    g1, z1 = loaded_line(e, f, junction_admittance(f, 0.0075, 1.3e-10, 2))
    assert g1.imag[0] > g0.imag[0] and abs(z1[0]) < abs(z0[0])
    # lossless-capacitive loading: n_rf = n0·√(1 + C_j/C'), with the junction capacitance in series pairs
    gl, _ = loaded_line(e, f, junction_admittance(f, 0.0, 1.3e-10, 2))
    n_expected = e.rf_index_unloaded * math.sqrt(1 + 0.65e-10 / e.capacitance)
    assert gl.imag[0] * C0 / (2 * math.pi * 20e9) == pytest.approx(n_expected, rel=0.03)


@pytest.mark.parametrize("name,value", [("signal_width", -1e-6), ("gap", float("nan")),
                                        ("conductivity", 0.0), ("metal_thickness", 1.0)])
def test_bad_electrode(name, value):
    with pytest.raises(ValueError, match=name):
        CoplanarElectrode(**{name: value})
