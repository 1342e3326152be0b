"""2-D Poisson carrier solver against the exact 1-D junction (first integral) and the depletion approximation."""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from optolink.core.constants import EPS0, Q, thermal_voltage
from photonics.carriers import Implant, RibJunction, UniformDoping, lateral_pn, solve_carriers
from photonics.junction import PNJunction
from photonics.materials import EPS_SI, intrinsic_carrier_density

NA, ND, T_FILM = 3e23, 2e23, 100e-9


@pytest.fixture(scope="module")
def film():
    # 1-D limit: a uniform film (rib = slab, no oxide), abrupt P|N at x = 0, contacts 1 µm away
    j = RibJunction((UniformDoping("acceptor", NA, -1e-4, 0.0), UniformDoping("donor", ND, 0.0, 1e-4)),
                    width=200e-9, height=T_FILM, slab_height=T_FILM, contact_x=1.0e-6, oxide_margin=0.0, step=4e-9)
    return solve_carriers(j, [0.0, 1.0, 2.0, 3.0])


def _exact_charge(v):
    """Charge per area on the N side of an abrupt Boltzmann junction, exactly: the first integral of Poisson,
    (ε/2)ψ'² = q∫(ρ/q)dψ from each neutral bulk, matched at the junction (Sze & Ng §2.2.1)."""
    vt, ni, eps = thermal_voltage(300.0), intrinsic_carrier_density(300.0), EPS0 * EPS_SI
    psi_p = -vt * np.arcsinh(NA / (2 * ni))
    psi_n = v + vt * np.arcsinh(ND / (2 * ni))

    def e2_n(psi):  # ∫_ψ^ψn (p − n + N_D) ds with n = ni e^{(s−v)/vt}, p = ni e^{−s/vt}
        n_int = ni * vt * (math.exp((psi_n - v) / vt) - math.exp((psi - v) / vt))
        p_int = ni * vt * (math.exp(-psi / vt) - math.exp(-psi_n / vt))
        return 2 * Q / eps * (p_int - n_int + ND * (psi_n - psi))

    def e2_p(psi):  # −∫_ψp^ψ (p − n − N_A) ds
        p_int = ni * vt * (math.exp(-psi_p / vt) - math.exp(-psi / vt))
        n_int = ni * vt * (math.exp((psi - v) / vt) - math.exp((psi_p - v) / vt))
        return -2 * Q / eps * (p_int - n_int - NA * (psi - psi_p))

    psi_j = brentq(lambda s: e2_n(s) - e2_p(s), psi_p + 1e-6, psi_n - 1e-6, xtol=1e-14)
    return eps * math.sqrt(e2_n(psi_j))


def test_built_in_voltage_exact(film):
    pn = PNJunction(NA, ND)
    assert film.psi[0, -1, 0] - film.psi[0, 0, 0] == pytest.approx(pn.built_in_voltage, rel=1e-9)


def test_against_exact_1d_and_depletion_approximation(film):
    pn = PNJunction(NA, ND)
    for k, v in enumerate(film.v_reverse):
        q_exact = _exact_charge(v) * T_FILM  # C/m
        assert film.charge_n_side[k] == pytest.approx(q_exact, rel=5e-3)
        if v >= 1.0:  # depletion width from the charge, W = Q(1/N_A + 1/N_D)/q vs the depletion approximation
            w = film.charge_n_side[k] / T_FILM * (1 / NA + 1 / ND) / Q
            assert w == pytest.approx(pn.depletion_width(v), rel=0.02)
            assert film.capacitance[k] / T_FILM == pytest.approx(pn.capacitance_per_area(v), rel=0.02)


def test_rib_capacitance_monotonic_and_fringe():
    s = solve_carriers(lateral_pn(NA, ND, step=10e-9), np.linspace(0.0, 4.0, 5))
    assert np.all(np.diff(s.capacitance) < 0)
    planar = PNJunction(NA, ND).capacitance_per_length(s.v_reverse, 220e-9)
    assert np.all(s.capacitance > planar)  # slab junction + fringe through the oxide add to ε·h/W
    assert np.all(s.capacitance < 1.6 * planar)
    assert np.all(s.series_resistance_length > 0)
    # reverse bias sweeps the carriers out of the junction: fewer holes and electrons at 4 V than at 0 V
    assert s.n[-1].sum() < s.n[0].sum() and s.p[-1].sum() < s.p[0].sum()


def test_implant_profile_and_errors():
    imp = Implant("donor", 1e17, 50e-9, 20e-9, 10e-9, 0.0, 1e-6)
    x = np.array([0.5e-6]) * np.ones(1)
    peak = imp.density(x, np.array([220e-9 - 50e-9]), np.array([220e-9]))
    assert peak[0] == pytest.approx(1e17 / (math.sqrt(2 * math.pi) * 20e-9), rel=1e-9)
    with pytest.raises(ValueError, match="x1"):
        UniformDoping("donor", 1e23, 1e-6, 1e-6)
    with pytest.raises(ValueError, match="empty"):
        solve_carriers(lateral_pn(NA, ND, step=10e-9, extra=(UniformDoping("donor", 1e24, 5e-6, 6e-6),)), [0.0])
    with pytest.raises(ValueError, match="v_reverse"):
        solve_carriers(lateral_pn(NA, ND, step=10e-9), [-1.0])
