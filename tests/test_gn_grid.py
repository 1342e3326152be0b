"""The fast exact GN integral on a channel grid (links.gn_grid): its analytic inner integral Q(Y) against
direct quadrature, and the whole integral against the general 2-D kernel of links.gn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from links.fiber import Fiber
from links.gn import gn_eta
from links.gn_grid import _q_at, on_grid, q_table

F0 = 299792458.0 / 1.55e-6


@pytest.mark.parametrize("a", [0.05, 1.0, 3.68, 9.0])
def test_q_function_against_direct_quadrature(a):
    # Q(Y) = ∫_0^Y (1 + e² − 2e·cos(a·y))/(1 + y²) dy, e = exp(−a): scipy's adaptive quadrature (cos weight)
    # as the independent reference, inside the table, past its end (the asymptotic series) and far out
    e = math.exp(-a)
    h, yc, qv, dv = q_table(a)
    ybig = max(100.0, math.sqrt(2 * e / (a * 1e-10)))
    for y in (1e-3, 0.3, 2.0, 0.5 * yc, 1.3 * yc, 3 * ybig):
        smooth = (1 + e * e) * math.atan(y)
        osc, _ = quad(lambda t: 1 / (1 + t * t), 0, y, weight="cos", wvar=a, limit=2000)
        ref = smooth - 2 * e * osc
        assert _q_at(y, a, e, h, yc, ybig, qv, dv) == pytest.approx(ref, rel=2e-6, abs=1e-9)
        assert _q_at(-y, a, e, h, yc, ybig, qv, dv) == pytest.approx(-ref, rel=2e-6, abs=1e-9)  # odd


@pytest.mark.parametrize("fibre", [
    Fiber(80e3, 0.2, 17.0, 1.3, dispersion_slope_ps_nm2_km=0.058, reference_frequency=F0),
    Fiber(100e3, 0.22, 4.4, 1.9, reference_frequency=F0)], ids=["SSMF", "D4.4"])
@pytest.mark.parametrize("spacing", [32e9, 50e9], ids=["Nyquist", "50GHz"])
def test_grid_path_matches_the_general_kernel(fibre, spacing):
    # 7 slots, one dark (a subset of the grid), unequal powers, β3 from the slope: the grid path (analytic inner
    # integral, per-offset tables, β2 interpolated across the band) against the general 2-D kernel
    slots = np.array([0, 1, 2, 3, 5, 6, 7])
    f = F0 + (slots - 3) * spacing
    b = np.full(slots.size, 32e9)
    p = 1e-3 * np.array([1.0, 0.5, 2.0, 1.0, 1.5, 1.0, 0.8])
    assert on_grid(f, b, np.zeros(slots.size)) is not None
    fast = gn_eta(f, b, [fibre], power=p, method="grid")[0]
    ref = gn_eta(f, b, [fibre], power=p, method="general", accuracy="fine")[0]
    np.testing.assert_allclose(10 * np.log10(fast / ref), 0.0, atol=0.01)


def test_grid_detection_and_method_choice():
    b = np.full(3, 32e9)
    assert on_grid(F0 + np.array([0, 50e9, 100e9]), b, np.zeros(3)) is not None
    assert on_grid(F0 + np.array([0, 50e9, 120e9]), b, np.zeros(3)) is None  # off the grid
    assert on_grid(F0 + np.array([0, 50e9, 100e9]), b, np.full(3, 0.1)) is None  # raised cosine
    assert on_grid(F0 + np.array([0, 50e9, 100e9]), np.array([32e9, 40e9, 32e9]), np.zeros(3)) is None
    with pytest.raises(ValueError, match="method='grid'"):
        gn_eta(F0 + np.array([0, 50e9]), [32e9, 32e9], [Fiber(80e3)], roll_off=0.1, method="grid")
    with pytest.raises(ValueError, match="method"):
        gn_eta([F0], [32e9], [Fiber(80e3)], method="fast")


def test_short_span_against_brute_force():
    """A 35 km SSMF span, one 32 GBd channel: the exact GN's change from an 80 km span equals a brute-force
    double integral of |ρ(f1, f2)|² over the channel (ρ = (1 − e^{(−α + jφ)L})/(α − jφ), φ = 4π²β2·f1·f2, α the
    power loss; Poggiolini et al., JLT 30, 3857 (2012), eq. 1) within 0.02 dB; the closed form, which assumes
    e^{−αL} ≪ 1, is off by more than 0.5 dB there — why short-span networks want nli_model="gn"."""
    from links.budget_nli import span_nli_power
    from links.gn import gn_eta
    from links.network.engine import make_span

    bw, alpha = 32e9, 0.2 / (10 * np.log10(np.e)) / 1e3
    lam = 299792458.0 / 193.5e12
    beta2 = -16.7e-6 * lam**2 / (2 * np.pi * 299792458.0)
    x = np.linspace(-bw / 2, bw / 2, 2001)
    f1, f2 = np.meshgrid(x, x)
    phi = 4 * np.pi**2 * beta2 * f1 * f2

    def brute(length):
        rho = np.abs((1 - np.exp((-alpha + 1j * phi) * length)) / (alpha - 1j * phi)) ** 2
        return float((rho * (np.abs(f1 + f2) <= bw / 2)).sum())

    f, b, p = np.array([193.5e12]), np.array([bw]), np.array([1e-3])
    spans = [make_span(length, 0.2, 16.7, 1.27, 0.0, 193.5e12) for length in (35e3, 80e3)]
    exact = [gn_eta(f, b, [s])[0][0] for s in spans]
    closed = [span_nli_power(f, b, p, s, nli_model="closed_form")[0] for s in spans]
    ref = 10 * np.log10(brute(35e3) / brute(80e3))
    assert 10 * np.log10(exact[0] / exact[1]) == pytest.approx(ref, abs=0.02)
    assert abs(10 * np.log10(closed[0] / closed[1]) - ref) > 0.5
