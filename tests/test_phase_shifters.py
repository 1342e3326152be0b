"""Carrier-depletion and thermo-optic phase shifters: physics consistency and published ranges."""

import math

import numpy as np
import pytest
import scipy.constants as sc

from photonics.materials import plasma_dispersion
from photonics.phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter
from photonics.waveguides import RibWaveguide


def test_default_in_published_ranges():
    # Reed et al., Nanophotonics 3, 229 (2014) review of depletion modulators: VπL 1.5-3 V·cm at 2 V,
    # phase-shifter loss 0.5-2.5 dB/mm
    ps = DepletionPhaseShifter()
    assert 1.5 <= float(ps.vpi_l_v_cm(2.0)) <= 3.0
    assert 0.5 <= float(ps.loss_db_per_m(2.0)) / 1e3 <= 2.5
    assert 0.5 <= float(ps.loss_db_per_m(0.0)) / 1e3 <= 2.5


def test_depletion_raises_index_and_lowers_loss_monotonically():
    ps = DepletionPhaseShifter()
    v = np.linspace(0, 4, 21)
    dn = ps.delta_neff(v)
    assert dn[0] == 0.0
    assert np.all(np.diff(dn) > 0)
    assert np.all(np.diff(ps.alpha(v)) < 0)
    # depletion efficiency drops with bias (W ∝ √(Vbi+V))
    eff = ps.phase_efficiency(np.array([0.5, 1.0, 2.0, 4.0]))
    assert np.all(np.diff(eff) < 0)


def test_delta_neff_equals_overlap_of_depleted_slices():
    # Δn_eff(V) = Γ[x_l(V), x_l(0)]·|Δn_P| + Γ[x_r(0), x_r(V)]·|Δn_N| (first-order perturbation,
    # Soref & Bennett 1987 for Δn of the removed holes / electrons); the closed form's own construction
    ps = DepletionPhaseShifter(method="closed_form")
    wg = ps.waveguide
    na, nd, v = ps.na, ps.nd, 2.0
    eps = 11.7 * sc.epsilon_0
    vbi = sc.k * 300 / sc.e * math.log(na * nd / 9.7e15**2)
    w = lambda vv: math.sqrt(2 * eps * (vbi + vv) * (na + nd) / (sc.e * na * nd))  # noqa: E731
    xp = lambda vv: w(vv) * nd / (na + nd)  # noqa: E731
    xn = lambda vv: w(vv) * na / (na + nd)  # noqa: E731
    dn_p = -plasma_dispersion(0.0, na)[0]
    dn_n = -plasma_dispersion(nd, 0.0)[0]
    expected = float(wg.confinement(-xp(v), -xp(0))) * dn_p + float(wg.confinement(xn(0), xn(v))) * dn_n
    assert float(ps.delta_neff(v)) == pytest.approx(expected, rel=5e-3)


def test_phase_and_vpil_consistent():
    ps = DepletionPhaseShifter()
    l_pi = float(ps.vpi_l(2.0)) / 2.0
    assert float(ps.phase(2.0, l_pi)) == pytest.approx(math.pi, rel=1e-9)


def test_capacitance_and_rc():
    ps = DepletionPhaseShifter()
    eps = 11.7 * sc.epsilon_0
    w = ps.junction.junction.depletion_width(2.0)
    c_1d = eps * 220e-9 / w  # the parallel-plate depletion capacitance of the rib (the closed form)
    assert float(DepletionPhaseShifter(method="closed_form").capacitance_per_length(2.0)) == \
        pytest.approx(c_1d, rel=1e-9)
    # the 2-D solution adds parallel paths (the slab junction below the rib, the fringe field through the
    # oxide): more than the plate, by less than the slab's share plus a fringe of order ε_ox/ε_Si of it
    assert 1.1 < float(ps.capacitance_per_length(2.0)) / c_1d < 1.6
    # typical lateral junctions: 0.1-0.4 fF/µm and r·L of 0.3-3 Ω·cm (Patel et al., Opt. Express 2015)
    assert 0.1e-9 < float(ps.capacitance_per_length(2.0)) < 0.4e-9
    assert 0.3e-2 < ps.series_resistance_length < 3e-2
    assert float(ps.rc_bandwidth(2.0)) == pytest.approx(
        1 / (2 * math.pi * ps.series_resistance_length * float(ps.capacitance_per_length(2.0))))


def test_series_resistance_grows_with_lighter_doping_and_wider_gaps():
    base = DepletionPhaseShifter()
    assert DepletionPhaseShifter(p_plus_gap=0.7e-6, n_plus_gap=0.7e-6).series_resistance_length > \
        base.series_resistance_length
    assert DepletionPhaseShifter(na=1e23, nd=1e23).series_resistance_length > base.series_resistance_length


def test_nedeljkovic_model_also_works_and_differs():
    a = DepletionPhaseShifter(model="soref")
    b = DepletionPhaseShifter(model="nedeljkovic")
    assert float(a.delta_neff(2.0)) != float(b.delta_neff(2.0))
    assert 1.0 < float(b.vpi_l_v_cm(2.0)) < 4.0


def test_o_band_shifter():
    ps = DepletionPhaseShifter(waveguide=RibWaveguide(wavelength=1.31e-6))
    assert 0.8 < float(ps.vpi_l_v_cm(2.0)) < 3.0


@pytest.mark.parametrize("kwargs,name", [
    ({"na": 0.0}, "na"), ({"nd": -1e23}, "nd"), ({"na": float("nan")}, "na"),
    ({"junction_offset": 1e-6}, "junction_offset"), ({"p_contact_gap": -1e-7}, "p_contact_gap"),
    ({"model": "drude"}, "model"), ({"waveguide": RibWaveguide(wavelength=1.45e-6)}, "wavelength"),
])
def test_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        DepletionPhaseShifter(**kwargs)


def test_bias_errors():
    ps = DepletionPhaseShifter()
    with pytest.raises(ValueError, match="v_reverse"):
        ps.delta_neff(-2.0)  # forward bias beyond V_bi
    with pytest.raises(ValueError, match="bias_voltage"):
        ps.vpi_l(0.0)
    with pytest.raises(ValueError, match="punch-through"):
        DepletionPhaseShifter(method="closed_form").delta_neff(500.0)
    with pytest.raises(ValueError, match="bias_voltage must be at most 12 V"):
        ps.delta_neff(500.0)  # beyond the solver's tables
    with pytest.raises(ValueError, match="method"):
        DepletionPhaseShifter(method="eim")


def test_heater_p_pi():
    # Standard TiN heaters over 220 nm SOI: Pπ ≈ 10-30 mW without trenches (N. C. Harris et al.,
    # Opt. Express 22, 10487 (2014): 24 mW)
    h = ThermoOpticPhaseShifter()
    assert 0.010 < h.p_pi < 0.030
    # Pπ = λ·G'/(2·dn_eff/dT): the temperature rise at Pπ over L gives exactly π
    length = 100e-6
    dt = float(h.temperature_rise(h.p_pi, length))
    assert 2 * math.pi / 1.55e-6 * h.dneff_dt * dt * length == pytest.approx(math.pi, rel=1e-9)
    assert float(h.phase(h.p_pi)) == pytest.approx(math.pi)
    # a heater further from the substrate is more efficient (lower G')
    assert ThermoOpticPhaseShifter(heater_height=5e-6).p_pi < h.p_pi
    with pytest.raises(ValueError, match="heater_width"):
        ThermoOpticPhaseShifter(heater_width=0.0)
    with pytest.raises(ValueError, match="power"):
        h.phase(-1.0)
