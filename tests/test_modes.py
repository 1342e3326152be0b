"""Full-vector finite-difference mode solver against exact slab theory, published strip figures and itself."""

import math

import numpy as np
import pytest

from photonics.materials import silica_index, silicon_index
from photonics.modes import CrossSection, ModeSettings, Trapezoid, fundamental, rib, slab, solve_modes, strip
from photonics.waveguides import solve_slab

WL = 1.55e-6
N_SI = float(silicon_index(WL, 300.0))
N_OX = float(silica_index(WL))


def _slab_error(pol, step):
    # a film infinite in x: the solver runs the same 2-D Yee assembly on a single periodic column, i.e. the
    # exact 1-D discretisation; PEC walls 0.8 µm out (the guided field there is ~1e-4 of its peak)
    m = fundamental(slab(220e-9), WL, ModeSettings(step=step, pml_thickness=0.0), polarization=pol)
    exact = solve_slab(N_SI, N_OX, 220e-9, WL, pol).neff  # Marcuse eq. 1.3-8 / 1.3-29 (even modes)
    return m.neff.real - exact


@pytest.mark.parametrize("pol", ["TE", "TM"])
def test_slab_matches_exact_dispersion_relation(pol):
    assert abs(_slab_error(pol, 0.5e-9)) <= 1e-5


@pytest.mark.parametrize("pol", ["TE", "TM"])
def test_second_order_convergence(pol):
    # grid lines on the interfaces + arithmetic averaging of the tangential ε: error ∝ h²
    e = [_slab_error(pol, h) for h in (8e-9, 4e-9, 2e-9)]
    orders = [math.log2(abs(e[i] / e[i + 1])) for i in range(2)]
    assert all(1.8 < p < 2.2 for p in orders), orders
    # Richardson extrapolation then agrees with the exact root to ~1e-6
    assert abs((4 * e[2] - e[1]) / 3) < 2e-6


@pytest.fixture(scope="module")
def strip_modes():
    return solve_modes(strip(), WL, ModeSettings(step=20e-9, num_modes=2))


def test_strip_published_indices(strip_modes):
    # 500 × 220 nm oxide-clad Si strip, TE0 at 1550 nm: n_eff ≈ 2.445, n_g ≈ 4.20 (Lumerical MODE with dispersive
    # Si, vendor application example; also W. Bogaerts et al., Laser Photon. Rev. 6, 47 (2012)). Tolerances:
    # 4e-3 / 1 % cover our 20 nm grid (n_eff +1.5e-3 to convergence, see benchmarks) and the Si index model
    # (Li 1980 3.4777 vs Palik 3.4757 at 300 K moves n_eff by ~2e-3, n_g by ~0.3 %).
    te, tm = strip_modes
    assert te.polarization == "TE" and te.te_fraction > 0.95
    assert tm.polarization == "TM" and tm.te_fraction < 0.1
    assert te.neff.real == pytest.approx(2.445, abs=4e-3)
    assert te.group_index == pytest.approx(4.20, rel=0.01)
    assert abs(te.neff.imag) < 1e-6  # lossless guide: the PML adds nothing measurable
    assert sum(te.energy_fractions.values()) == pytest.approx(1.0, abs=1e-9)
    assert 0.85 < te.energy_fractions["core"] < 0.95
    assert te.E.shape == (3,) + te.grid.shape and te.H.shape == te.E.shape


def test_perturbation_equals_resolve():
    # first-order Δn_eff for a uniform core index change vs solving the changed guide again: agree to O(Δ)
    settings = ModeSettings(step=25e-9, num_modes=1)
    base = solve_modes(strip(), WL, settings)[0]
    for dn in (1e-3, -1e-3):
        pred = base.delta_neff(lambda x, y, dn=dn: np.where((np.abs(x) < 250e-9) & (y >= 0) & (y < 220e-9),
                                                           (N_SI + dn) ** 2 - N_SI**2, 0.0))
        changed = CrossSection((Trapezoid(0.0, 500e-9, 0.0, 220e-9, N_SI + dn),))
        again = solve_modes(changed, WL, settings)[0]
        assert pred.real == pytest.approx((again.neff - base.neff).real, rel=1e-3)
    # an absorbing change adds loss: Im Δn_eff > 0
    lossy = base.delta_neff(lambda x, y: np.where(np.abs(x) < 250e-9, 1e-4j, 0.0))
    assert lossy.imag > 0


@pytest.mark.parametrize("parity", ["even", "odd"])
def test_half_domain_equals_full_domain(parity):
    # a mirror-symmetric guide's symmetry class solved on x >= 0 with an electric (Ex even) or magnetic (Ex odd)
    # wall must reproduce the full-domain mode: n_eff, n_g (left eigenvector), fields, and the first-order
    # change for an asymmetric index perturbation (right half of the core only)
    settings = ModeSettings(step=25e-9, num_modes=2)
    full = {m.polarization: m for m in solve_modes(strip(), WL, settings)}
    half = solve_modes(strip(), WL, ModeSettings(step=25e-9, num_modes=1), parity=parity)[0]
    ref = full["TE" if parity == "even" else "TM"]
    assert half.polarization == ref.polarization
    assert half.neff == pytest.approx(ref.neff, abs=1e-8)
    assert half.group_index == pytest.approx(ref.group_index, rel=1e-8)
    assert np.max(np.abs(np.abs(half.E) - np.abs(ref.E))) < 1e-4 * np.max(np.abs(ref.E))

    def right_half(x, y):
        return np.where((x > 0) & (x < 250e-9) & (y >= 0) & (y < 220e-9), 0.01, 0.0)
    assert half.delta_neff(right_half) == pytest.approx(ref.delta_neff(right_half), rel=1e-7)
    whole = half.delta_neff(lambda x, y: right_half(np.abs(x), y))  # both halves of the core
    assert half.delta_neff(right_half).real == pytest.approx(0.5 * whole.real, rel=1e-3)


def test_bend_loss_3um_measurable_10um_not():
    settings = ModeSettings(step=25e-9, num_modes=1, margin_x=1.5e-6)
    r3 = solve_modes(rib(), WL, settings, bend_radius=3e-6)[0]
    r10 = solve_modes(rib(), WL, settings, bend_radius=10e-6)[0]
    db90 = [m.loss_db_per_m * math.pi * r / 2 for m, r in ((r3, 3e-6), (r10, 10e-6))]
    assert db90[0] > 0.1  # leaks into the 90 nm slab: tenths of a dB per 90°
    assert db90[1] < 1e-3  # ≪ the ~2 dB/cm scattering loss of the straight guide
    assert r3.alpha > 100 * r10.alpha


def test_bad_inputs():
    with pytest.raises(ValueError, match="step"):
        make = rib(slab_height=90e-9)
        solve_modes(make, WL, ModeSettings(step=60e-9))
    with pytest.raises(ValueError, match="cross_section"):
        solve_modes(CrossSection((Trapezoid(0.0, 500e-9, 0.0, 220e-9, 1.3),)), WL)
    # off-centre (no mirror symmetry): solved on the full domain, whose single requested mode is the TE0
    off_centre = CrossSection((Trapezoid(100e-9, 500e-9, 0.0, 220e-9),))
    with pytest.raises(ValueError, match="polarization"):
        fundamental(off_centre, WL, ModeSettings(step=25e-9, num_modes=1), polarization="TM")
    with pytest.raises(ValueError, match="polarization"):
        fundamental(strip(), WL, polarization="TX")
    with pytest.raises(ValueError, match="parity"):
        solve_modes(off_centre, WL, ModeSettings(step=25e-9, num_modes=1), parity="even")
    with pytest.raises(ValueError, match="material"):
        Trapezoid(0.0, 500e-9, 0.0, 220e-9, "gold")


def test_cache_returns_same_object():
    s = ModeSettings(step=25e-9, num_modes=1)
    assert solve_modes(strip(), WL, s) is solve_modes(strip(), WL, s)
