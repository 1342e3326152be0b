"""Material models against their published fits and tabulated values."""

import math

import numpy as np
import pytest

from photonics.materials import (
    intrinsic_carrier_density,
    plasma_dispersion,
    silica_index,
    silicon_index,
    silicon_mobility,
    silicon_thermo_optic_coefficient,
)

# Soref & Bennett, IEEE JQE 23(1), 123 (1987): fits in cm⁻³ / cm⁻¹
SOREF = {
    1.55e-6: lambda n, p: (-(8.8e-22 * n + 8.5e-18 * p**0.8), 8.5e-18 * n + 6.0e-18 * p),
    1.31e-6: lambda n, p: (-(6.2e-22 * n + 6.0e-18 * p**0.8), 6.0e-18 * n + 4.0e-18 * p),
}
# Nedeljkovic, Soref & Mashanovich, IEEE Photonics J. 3(6), 1171 (2011), eqs. (1)-(2) with their Table 1
NEDELJKOVIC = {
    1.55e-6: lambda n, p: (-(5.40e-22 * n**1.011 + 1.53e-18 * p**0.838),
                           8.88e-21 * n**1.167 + 5.84e-20 * p**1.109),
    1.31e-6: lambda n, p: (-(2.98e-22 * n**1.016 + 1.25e-18 * p**0.835),
                           3.48e-22 * n**1.229 + 1.02e-19 * p**1.089),
}


@pytest.mark.parametrize("model,table", [("soref", SOREF), ("nedeljkovic", NEDELJKOVIC)])
@pytest.mark.parametrize("wavelength", [1.55e-6, 1.31e-6])
@pytest.mark.parametrize("n_cm,p_cm", [(1e17, 1e17), (5e17, 2e17), (1e18, 1e18), (2e19, 5e18), (0.0, 3e17)])
def test_plasma_dispersion_matches_published_fits(model, table, wavelength, n_cm, p_cm):
    dn_ref, da_ref_cm = table[wavelength](n_cm, p_cm)
    dn, da = plasma_dispersion(n_cm * 1e6, p_cm * 1e6, wavelength=wavelength, model=model)
    assert dn == pytest.approx(dn_ref, rel=1e-12)
    assert da == pytest.approx(da_ref_cm * 100.0, rel=1e-12)  # cm⁻¹ → m⁻¹


def test_soref_anchor_value_at_1e18():
    # Soref & Bennett (1987): ΔN = ΔP = 1e18 cm⁻³ at 1.55 µm gives Δn ≈ −3.0e-3 and Δα ≈ 14.5 /cm
    dn, da = plasma_dispersion(1e24, 1e24)
    assert dn == pytest.approx(-3.01e-3, rel=0.01)
    assert da == pytest.approx(1450.0, rel=1e-9)


def test_plasma_dispersion_broadcasts_arrays():
    dn, da = plasma_dispersion(np.array([0.0, 1e24]), 0.0)
    assert dn.shape == (2,) and dn[0] == 0.0 and dn[1] < 0 and da[1] > 0


@pytest.mark.parametrize("kwargs,name", [
    ({"delta_n": -1.0, "delta_p": 0.0}, "delta_n"),
    ({"delta_n": 0.0, "delta_p": float("nan")}, "delta_p"),
    ({"delta_n": 1e24, "delta_p": 0.0, "wavelength": 1.45e-6}, "wavelength"),
    ({"delta_n": 1e24, "delta_p": 0.0, "model": "drude"}, "model"),
])
def test_plasma_dispersion_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        plasma_dispersion(**kwargs)


def test_refractive_indices_against_sellmeier_references():
    # H. H. Li (1980): n_Si(1.55 µm, 293 K) = 3.476; Malitson (1965): n_SiO2(1.55 µm) = 1.4440
    assert float(silicon_index(1.55e-6)) == pytest.approx(3.476, abs=2e-3)
    assert float(silica_index(1.55e-6)) == pytest.approx(1.4440, abs=2e-4)
    assert float(silicon_index(1.31e-6)) > float(silicon_index(1.55e-6))  # normal dispersion


def test_thermo_optic_coefficient():
    # Komma et al., APL 101, 041905 (2012): dn/dT = 1.86e-4 /K at 300 K, 1.55 µm
    assert silicon_thermo_optic_coefficient(300.0) == pytest.approx(1.86e-4, rel=0.02)
    with pytest.raises(ValueError, match="temperature"):
        silicon_thermo_optic_coefficient(50.0)


def test_mobility_against_sze_curves():
    # Sze & Ng (2007), Fig. 2.6 (after Masetti): μn(1e17 cm⁻³) ≈ 800, μp(1e17) ≈ 330 cm²/Vs;
    # low doping tends to the lattice mobilities 1414 and 470.5 cm²/Vs
    assert float(silicon_mobility(1e23, "electron")) * 1e4 == pytest.approx(800, rel=0.1)
    assert float(silicon_mobility(1e23, "hole")) * 1e4 == pytest.approx(330, rel=0.1)
    assert float(silicon_mobility(1e18, "electron")) * 1e4 == pytest.approx(1414, rel=0.01)
    assert float(silicon_mobility(1e18, "hole")) * 1e4 == pytest.approx(470.5, rel=0.01)


def test_intrinsic_density():
    # Altermatt et al., J. Appl. Phys. 93, 1598 (2003): n_i(300 K) = 9.65e9 cm⁻³
    assert intrinsic_carrier_density(300.0) == pytest.approx(9.65e15, rel=0.02)
    # activation energy ≈ Eg/2: n_i rises ~30× from 300 K to 350 K (Sze & Ng, Fig. 1.16)
    ratio = intrinsic_carrier_density(350.0) / intrinsic_carrier_density(300.0)
    assert 20 < ratio < 50
    assert math.isfinite(ratio)
