"""Abrupt PN junction against the depletion-approximation formulas (Sze & Ng 2007, §2.2)."""

import math

import numpy as np
import pytest
import scipy.constants as sc

from photonics.junction import LateralJunction, PNJunction

EPS_S = 11.7 * sc.epsilon_0
NI_300 = 9.65e15  # m⁻³, Altermatt 2003


def test_built_in_voltage():
    j = PNJunction(1e23, 1e23)  # 1e17 cm⁻³ each side: Sze quotes ≈ 0.83 V
    vt = sc.k * 300 / sc.e
    assert j.built_in_voltage == pytest.approx(vt * math.log(1e46 / NI_300**2), abs=2e-3)
    assert 0.80 < j.built_in_voltage < 0.86


@pytest.mark.parametrize("na,nd", [(1e23, 1e23), (5e23, 2e23), (1e22, 1e25)])
@pytest.mark.parametrize("v", [0.0, 1.0, 4.0])
def test_depletion_width_and_capacitance(na, nd, v):
    j = PNJunction(na, nd)
    vbi = j.built_in_voltage
    w = math.sqrt(2 * EPS_S * (vbi + v) * (na + nd) / (sc.e * na * nd))
    assert j.depletion_width(v) == pytest.approx(w, rel=1e-6)
    xp, xn = j.depletion_edges(v)
    assert xp * na == pytest.approx(xn * nd, rel=1e-9)  # charge neutrality
    assert xp + xn == pytest.approx(w, rel=1e-9)
    assert j.capacitance_per_length(v, 220e-9) == pytest.approx(EPS_S * 220e-9 / w, rel=1e-6)
    assert j.max_field(v) == pytest.approx(sc.e * na * xp / EPS_S, rel=1e-6)  # Gauss's law


def test_capacitance_follows_inverse_square_root():
    j = PNJunction(3e23, 2e23)
    vbi = j.built_in_voltage
    c0, c3 = j.capacitance_per_area(0.0), j.capacitance_per_area(3.0)
    assert c0 / c3 == pytest.approx(math.sqrt((vbi + 3.0) / vbi), rel=1e-9)


def test_arrays():
    j = PNJunction(3e23, 2e23)
    w = j.depletion_width(np.array([0.0, 1.0, 2.0]))
    assert w.shape == (3,) and np.all(np.diff(w) > 0)


@pytest.mark.parametrize("kwargs,name", [
    ({"na": 0.0, "nd": 1e23}, "na"),
    ({"na": -1e23, "nd": 1e23}, "na"),
    ({"na": 1e23, "nd": float("nan")}, "nd"),
    ({"na": 1e23, "nd": 1e23, "temperature": -3.0}, "temperature"),
])
def test_bad_doping(kwargs, name):
    with pytest.raises(ValueError, match=name):
        PNJunction(**kwargs)


def test_forward_bias_beyond_built_in_refused():
    j = PNJunction(1e23, 1e23)
    with pytest.raises(ValueError, match="v_reverse"):
        j.depletion_width(-1.0)
    with pytest.raises(ValueError, match="v_reverse"):
        j.depletion_width(float("nan"))
    assert j.depletion_width(-0.3) < j.depletion_width(0.0)  # moderate forward bias is fine


def test_lateral_junction_in_rib():
    j = PNJunction(3e23, 2e23)
    lat = LateralJunction(j, offset=50e-9)
    xl, xr = lat.depleted_interval(1.0)
    xp, xn = j.depletion_edges(1.0)
    assert xl == pytest.approx(50e-9 - xp) and xr == pytest.approx(50e-9 + xn)
    assert lat.capacitance_per_length(1.0) == pytest.approx(EPS_S * 220e-9 / j.depletion_width(1.0))
    # a junction placed in the slab has the slab's height
    slab = LateralJunction(j, offset=400e-9)
    assert slab.junction_height == 90e-9
    with pytest.raises(ValueError, match="offset"):
        LateralJunction(j, offset=5e-6)
