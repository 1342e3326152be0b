"""Effective-index waveguide model against slab-waveguide theory and published SOI figures."""

import math

import numpy as np
import pytest

from photonics.waveguides import RibWaveguide, solve_slab


@pytest.mark.parametrize("pol", ["TE", "TM"])
def test_slab_mode_satisfies_dispersion_relation(pol):
    # Marcuse (1991) eq. 1.3-8/1.3-29: symmetric slab, even mode: tan(κd/2) = r·γ/κ, r = 1 (TE), (n1/n2)² (TM)
    n1, n2, d, wl = 3.476, 1.444, 220e-9, 1.55e-6
    m = solve_slab(n1, n2, d, wl, pol)
    k0 = 2 * math.pi / wl
    kappa = k0 * math.sqrt(n1**2 - m.neff**2)
    gamma = k0 * math.sqrt(m.neff**2 - n2**2)
    r = 1.0 if pol == "TE" else (n1 / n2) ** 2
    assert math.tan(kappa * d / 2) == pytest.approx(r * gamma / kappa, rel=1e-8)
    assert n2 < m.neff < n1


def test_slab_te_known_value():
    # 220 nm SOI slab at 1550 nm, TE0: n_eff = 2.85 (e.g. Bogaerts & Chrostowski, Laser Photon. Rev. 2018)
    assert solve_slab(3.476, 1.444, 220e-9, 1.55e-6).neff == pytest.approx(2.85, abs=0.02)


def test_strip_waveguide_published_indices():
    # 500 × 220 nm strip, TE0 at 1550 nm: n_eff ≈ 2.44, n_g ≈ 4.2 (Bogaerts et al., Laser Photon. Rev. 6,
    # 47 (2012)); EIM is within ~5 %
    wg = RibWaveguide(slab_height=0.0)
    assert wg.neff == pytest.approx(2.44, rel=0.05)
    assert wg.group_index == pytest.approx(4.2, rel=0.06)


def test_rib_indices_lie_between_strip_and_slab():
    rib, strip = RibWaveguide(), RibWaveguide(slab_height=0.0)
    assert rib.neff > strip.neff  # the slab pulls the mode outward, raising n_eff
    assert 3.5 < rib.group_index < 4.3


def test_energy_fractions():
    wg = RibWaveguide()
    total = float(wg.energy_fraction(-1.0, 1.0))
    assert 0.85 < total < 1.0  # most of the electric energy is in silicon
    assert float(wg.energy_fraction(-1.0, 0.0)) == pytest.approx(total / 2, rel=1e-9)  # symmetric
    x = np.linspace(-2e-6, 2e-6, 401)
    cum = wg.cumulative_energy(x)
    assert np.all(np.diff(cum) >= 0)
    assert float(wg.energy_fraction(-0.25e-6, 0.25e-6)) > float(wg.energy_fraction(0.25e-6, 1.0))
    # perturbation weight: Γ = (n_g/n_Si)·η
    assert float(wg.confinement(-1, 1)) == pytest.approx(wg.mode.group_index / wg.mode.n_si * total, rel=1e-12)


@pytest.mark.parametrize("field,value", [("width", -1e-6), ("height", float("nan")),
                                         ("slab_height", 300e-9), ("wavelength", 3e-6)])
def test_bad_geometry(field, value):
    with pytest.raises(ValueError, match=field):
        RibWaveguide(**{field: value})
