"""The devices' two cross-section models: the solver (default) and the closed forms (``method=``).

The solver devices interpolate tables solved once per cross-section (``cross_section_solvers``); these tests hold
the interpolation to direct solves at biases between the table's nodes, bound the closed forms' error against the
solver on the default devices (the differences docs/solvers.md lists and explains), check ``with_model`` and the
cache fingerprint, and the forward-bias extension. Physics references are in tests/test_carriers.py and
tests/test_modes.py (1-D Poisson, slab dispersion relation, femwell); here the solver is the reference for the
closed forms.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from photonics import solver_cache
from photonics.couplers import CouplingModel
from photonics.cross_section_solvers import (
    bent_waveguide_figures,
    junction_figures,
    phase_shifter_index,
    waveguide_figures,
)
from photonics.devices import with_model
from photonics.modulators import MachZehnderModulator
from photonics.phase_shifters import DepletionPhaseShifter
from photonics.rings import RingModulator
from photonics.waveguides import RibWaveguide


def test_interpolated_tables_equal_direct_solves_between_nodes():
    # 1.3 V and 2.7 V are not table nodes: the cubic spline in V against the solver run at those biases
    ps = DepletionPhaseShifter()
    v = np.array([1.3, 2.7])
    dn, alpha = phase_shifter_index(ps, v)
    np.testing.assert_allclose(ps.delta_neff(v), dn, rtol=2e-3)
    np.testing.assert_allclose(ps.alpha(v), alpha, rtol=1e-3)
    c, _ = junction_figures(ps, v)
    np.testing.assert_allclose(ps.capacitance_per_length(v), c, rtol=2e-3)
    # the spline's derivative against a central difference of direct solves (small-signal VπL)
    h = 0.05
    d2, _ = phase_shifter_index(ps, np.array([2.0 - h, 2.0 + h]))
    slope = (d2[1] - d2[0]) / (2 * h)
    assert float(ps.phase_efficiency(2.0)) == pytest.approx(2 * math.pi / ps.wavelength * slope, rel=5e-3)


def test_waveguide_figures_are_the_full_vector_mode():
    wg = RibWaveguide()
    assert wg.neff == waveguide_figures(wg)["neff"]
    assert with_model(wg, "closed_form").neff == wg.mode.neff  # EIM
    # the strip: Lumerical MODE (dispersive Si) gives ~2.445 / 4.20 (issue 13); EIM 2.493 / 4.02
    strip = RibWaveguide(slab_height=0.0)
    assert strip.neff == pytest.approx(2.445, abs=5e-3)
    assert strip.group_index == pytest.approx(4.20, rel=0.01)
    eim = with_model(strip, "closed_form")
    assert abs(eim.group_index - 4.20) > 4 * abs(strip.group_index - 4.20)


def test_closed_forms_against_the_solver_on_the_default_devices():
    # the fast models' error on the default devices (docs/solvers.md lists and explains each)
    ps = DepletionPhaseShifter()
    cf = with_model(ps, "closed_form")
    assert float(cf.vpi_l_v_cm(2.0)) == pytest.approx(float(ps.vpi_l_v_cm(2.0)), rel=0.02)
    assert float(cf.loss_db_per_m(2.0)) == pytest.approx(float(ps.loss_db_per_m(2.0)), rel=0.02)
    assert cf.waveguide.group_index == pytest.approx(ps.waveguide.group_index, rel=2e-3)
    ratio = float(ps.capacitance_per_length(2.0)) / float(cf.capacitance_per_length(2.0))
    assert 1.2 < ratio < 1.45  # the 2-D solution's slab junction and fringe field
    ring = RingModulator()
    rcf = with_model(ring, "closed_form")
    assert float(rcf.fsr()) == pytest.approx(float(ring.fsr()), rel=5e-3)
    assert float(rcf.q_intrinsic()) == pytest.approx(float(ring.q_intrinsic()), rel=0.03)  # loss only
    # the weak-coupling EIM κ is ~20 % high (its lateral slab overstates the field at the walls): K ~1.4×
    assert 1.25 < rcf.power_coupling / ring.power_coupling < 1.55
    assert 1.0 < ring.resonance_shift_per_volt() / rcf.resonance_shift_per_volt() < 1.2


def test_ring_round_trip_averages_bent_and_straight_guides():
    # a racetrack: the bent TE0 on the 2πR arc, the straight TE0 on the 2·L_c straights (length-weighted)
    ring = RingModulator(coupling_model=CouplingModel(coupling_length=5e-6))
    bent = bent_waveguide_figures(ring.waveguide, ring.radius)
    arc = 2 * math.pi * ring.radius
    expected = (bent["group_index"] * arc + ring.waveguide.group_index * 10e-6) / (arc + 10e-6)
    assert ring.group_index == pytest.approx(expected, rel=1e-12)
    # the radiation loss enters the round trip: the solver ring's a is below the closed-form ring's
    closed = with_model(ring, "closed_form")
    assert ring.round_trip_amplitude() < closed.round_trip_amplitude()
    # a 3 µm rib ring radiates measurably, a 10 µm one does not (issue 13 acceptance)
    tight = bent_waveguide_figures(ring.waveguide, 3e-6)["alpha"] * 2 * math.pi * 3e-6
    wide = bent_waveguide_figures(ring.waveguide, 10e-6)["alpha"] * 2 * math.pi * 10e-6
    assert 10 * math.log10(math.e) * tight > 0.1 and 10 * math.log10(math.e) * wide < 1e-3


def test_with_model_replaces_every_nested_model_and_leaves_the_argument():
    mzm = MachZehnderModulator()
    cf = with_model(mzm, "closed_form")
    assert mzm.phase_shifter.method == "solver" and mzm.phase_shifter.waveguide.method == "solver"
    assert cf.phase_shifter.method == "closed_form" and cf.phase_shifter.waveguide.method == "closed_form"
    assert with_model(cf, "solver") == mzm
    assert with_model(mzm, "solver") is mzm
    ring = with_model(RingModulator(), "closed_form")
    assert ring.heater.waveguide == ring.waveguide  # the heater's guide is replaced with the ring's
    with pytest.raises(ValueError, match="model"):
        with_model(mzm, "eim")
    with pytest.raises(TypeError):
        with_model(3.0, "solver")


def test_forward_bias_extends_the_solved_zero_volt_values_continuously():
    ps = DepletionPhaseShifter()
    cf = with_model(ps, "closed_form")
    dn0, da0 = ps.carrier_index(0.0)
    dn, da = ps.carrier_index(np.array([-1e-6, -0.3]))
    assert dn[0] == pytest.approx(dn0, rel=1e-4) and da[0] == pytest.approx(da0, rel=1e-4)
    # the forward step is the closed form's step
    step_cf = cf.carrier_index(-0.3)[0] - cf.carrier_index(0.0)[0]
    assert dn[1] - dn0 == pytest.approx(step_cf, rel=1e-9)
    c = ps.capacitance_per_length(np.array([-1e-6, -0.3]))
    assert c[0] == pytest.approx(float(ps.capacitance_per_length(0.0)), rel=1e-4) and c[1] > c[0]
    with pytest.raises(ValueError, match="v_reverse"):
        ps.carrier_index(-2.0)  # beyond the closed form's forward limit too


def test_implant_gap_equal_to_contact_gap_is_no_empty_region():
    # p_plus_gap = p_contact_gap removes the P+ implant: the solver must not see a zero-width region
    ps = DepletionPhaseShifter(p_plus_gap=0.7e-6, n_plus_gap=0.7e-6)
    assert ps.series_resistance_length > DepletionPhaseShifter().series_resistance_length


def test_cache_fingerprint_sees_every_field_not_the_short_repr():
    # the notebook repr of a phase shifter shows a few fields only: the cache key must not collide on it
    a = DepletionPhaseShifter()
    b = dataclasses.replace(a, p_contact_gap=0.9e-6)
    assert repr(a).split("VπL")[0] == repr(b).split("VπL")[0]
    assert solver_cache.fingerprint((a,)) != solver_cache.fingerprint((b,))


# --- graded implants ------------------------------------------------------------------------------------------
def _graded_implants(ps: DepletionPhaseShifter):
    """Gaussian P and N implants with the uniform regions' doses (N·h of the rib), plus the uniform P+/N+ and
    contact regions: boron/phosphorus at R_p 110 nm (mid-rib), ΔR_p 50 nm, lateral straggle 30 nm — of the order
    of the SRIM ranges for ~30-80 keV B and P into Si (Plummer, Deal & Griffin, "Silicon VLSI Technology", §8)."""
    from photonics.carriers import Implant
    from photonics.cross_section_solvers import phase_shifter_junction

    uniform = phase_shifter_junction(ps).doping  # P++, P+, P, N, N+, N++
    h = ps.waveguide.height
    p_lo, n_hi = uniform[2].x0, uniform[3].x1
    p = Implant("acceptor", ps.na * h, 110e-9, 50e-9, 30e-9, p_lo, ps.junction_offset)
    n = Implant("donor", ps.nd * h, 110e-9, 50e-9, 30e-9, ps.junction_offset, n_hi)
    return uniform[:2] + (p, n) + uniform[4:]


def test_implants_are_the_doping_the_solver_sees():
    from photonics.cross_section_solvers import phase_shifter_junction

    base = DepletionPhaseShifter()
    same = DepletionPhaseShifter(implants=phase_shifter_junction(base).doping)
    assert float(same.vpi_l_v_cm(2.0)) == pytest.approx(float(base.vpi_l_v_cm(2.0)), rel=1e-9)
    # twice the doping given as implants = the uniform device with twice na and nd (they are not ignored)
    heavy = DepletionPhaseShifter(na=2 * base.na, nd=2 * base.nd)
    as_implants = DepletionPhaseShifter(implants=phase_shifter_junction(heavy).doping)
    assert float(as_implants.vpi_l_v_cm(2.0)) == pytest.approx(float(heavy.vpi_l_v_cm(2.0)), rel=1e-9)
    assert float(as_implants.capacitance_per_length(2.0)) == pytest.approx(
        float(heavy.capacitance_per_length(2.0)), rel=1e-9)


def test_graded_implants_change_the_figures_physically():
    base = DepletionPhaseShifter()
    graded = DepletionPhaseShifter(implants=_graded_implants(base))
    v = np.array([0.5, 1.0, 2.0, 4.0])
    # the same dose graded in depth: a different device, still a depletion modulator of the published range
    # (Reed et al., Nanophotonics 3, 229 (2014): VπL 1.5-3 V·cm at 2 V)
    assert abs(float(graded.vpi_l_v_cm(2.0)) / float(base.vpi_l_v_cm(2.0)) - 1) > 0.01
    assert 1.0 < float(graded.vpi_l_v_cm(2.0)) < 4.0
    assert np.all(np.diff(graded.delta_neff(v)) > 0) and np.all(np.diff(graded.capacitance_per_length(v)) < 0)
    # the closed form sees the uniform na, nd only (documented)
    assert float(with_model(graded, "closed_form").vpi_l_v_cm(2.0)) == pytest.approx(
        float(with_model(base, "closed_form").vpi_l_v_cm(2.0)), rel=1e-12)


def test_implants_round_trip_through_settings_and_layout_keys():
    from layouts.params import flat_settings, from_flat
    from photonics.devices import from_settings, to_settings

    ps = DepletionPhaseShifter(implants=_graded_implants(DepletionPhaseShifter()))
    assert from_settings(DepletionPhaseShifter, to_settings(ps)) == ps
    flat = flat_settings(ps)
    assert "implants.2.dose" in flat and not any(isinstance(v, dict) for v in flat.values())
    assert from_flat(DepletionPhaseShifter, flat) == ps
    assert from_settings(DepletionPhaseShifter, to_settings(DepletionPhaseShifter())).implants == ()


def test_process_variation_scales_the_implant_doses():
    from links.surrogate import vary_mzm

    ps = DepletionPhaseShifter(implants=_graded_implants(DepletionPhaseShifter()))
    die = vary_mzm(MachZehnderModulator(phase_shifter=ps), na_scale=1.1, nd_scale=0.9, offset_delta=20e-9)
    p, n = die.phase_shifter.implants[2], die.phase_shifter.implants[3]
    assert p.dose == pytest.approx(1.1 * ps.implants[2].dose) and n.dose == pytest.approx(0.9 * ps.implants[3].dose)
    assert n.x0 == pytest.approx(ps.implants[3].x0 + 20e-9) and p.x1 == ps.implants[2].x1  # the N mask moved


def test_bad_implants():
    from photonics.carriers import UniformDoping

    with pytest.raises(TypeError, match="implants"):
        DepletionPhaseShifter(implants=[UniformDoping("acceptor", 1e23, -1e-6, 0.0)])
    with pytest.raises(ValueError, match="implants"):
        DepletionPhaseShifter(implants=(UniformDoping("acceptor", 1e23, -1e-6, 1e-6),))


def test_heater_dneff_dt_is_the_full_vector_perturbation():
    # the first-order perturbation of the solver's mode by the silicon's index change against a full re-solve
    # at T + 2 K (Li's silicon index at both temperatures; the oxide held fixed in both)
    from photonics.materials import silicon_index
    from photonics.modes import ModeSettings, fundamental, rib

    wg = RibWaveguide()
    settings = ModeSettings(step=20e-9, num_modes=1)
    m0 = fundamental(rib(wg.width, wg.height, wg.slab_height, temperature=300.0), wg.wavelength, settings)
    m1 = fundamental(rib(wg.width, wg.height, wg.slab_height, temperature=302.0), wg.wavelength, settings)
    n0, n1 = float(silicon_index(wg.wavelength, 300.0)), float(silicon_index(wg.wavelength, 302.0))
    xc, yc = np.meshgrid(m0.x, m0.y, indexing="ij")
    in_si = ((yc >= 0) & (yc < wg.slab_height)) | ((np.abs(xc) < wg.width / 2) & (yc >= 0) & (yc < wg.height))
    predicted = m0.delta_neff_cells(np.where(in_si, n1**2 - n0**2, 0.0)).real
    assert predicted == pytest.approx(m1.neff.real - m0.neff.real, rel=0.01)
    # the heater's figure on the solver vs the closed form's EIM weights: the known few-% difference
    from photonics.phase_shifters import ThermoOpticPhaseShifter

    h = ThermoOpticPhaseShifter()
    assert h.dneff_dt == pytest.approx(with_model(h, "closed_form").dneff_dt, rel=0.08)
    assert 1.5e-4 < h.dneff_dt < 2.2e-4  # between the oxide's 1e-5 and silicon's 1.8e-4 × n_g/n_Si
