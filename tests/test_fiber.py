"""Fiber propagation (links.fiber): dispersion, SPM, solitons, energy, PMD, kernels against NumPy references."""

import math

import numpy as np
import pytest

from links.fiber import Fiber, _cis_array, _nl_manakov, _nl_reference, _nl_scalar, split_step_reference

C = 299_792_458.0


def _rms_width(t, p):
    m = np.sum(t * p) / np.sum(p)
    return math.sqrt(np.sum((t - m) ** 2 * p) / np.sum(p))


def test_beta2_and_dispersion_definition():
    # standard SMF: D = 17 ps/(nm·km) at 1550 nm ↔ β2 = −21.7 ps²/km (Agrawal, Nonlinear Fiber Optics, §1.2.3)
    f = Fiber(1e3, dispersion_ps_nm_km=17.0, dispersion_slope_ps_nm2_km=0.057, reference_frequency=C / 1550e-9)
    assert f.beta2 * 1e27 == pytest.approx(-21.68, abs=0.01)  # s²/m → ps²/km
    # D = (1/L)·dτ_g/dλ with τ_g = −dφ/dω from the field transfer (e^{+jωt} convention: f > 0 is bluer);
    # the slope S = dD/dλ follows from β3
    def group_delay(df):
        h = 1e6
        ph = np.unwrap(np.angle(f.linear_response(np.array([df - h, df + h]))))
        return -(ph[1] - ph[0]) / (2 * math.pi * 2 * h)

    def d_of(df):
        lam = lambda x: C / (f.reference_frequency + x)  # noqa: E731
        h = 20e9
        return (group_delay(df + h) - group_delay(df - h)) / (lam(df + h) - lam(df - h)) / f.length
    d0 = d_of(0.0) * 1e6  # s/m² → ps/(nm·km)
    assert d0 == pytest.approx(17.0, rel=1e-3)
    dl = 200e9
    slope = (d_of(-dl) - d_of(dl)) * 1e6 / ((C / (f.reference_frequency - dl) - C / (f.reference_frequency + dl)) * 1e9)
    assert slope == pytest.approx(0.057, rel=0.02)


def test_gaussian_pulse_broadening():
    # unchirped Gaussian: T(z) = T0·√(1 + (z/L_D)²), L_D = T0²/|β2| (Agrawal, Nonlinear Fiber Optics, eq. 3.2.12)
    t0 = 20e-12
    fs = 1e12
    t = (np.arange(4096) - 2048) / fs
    a = np.exp(-(t**2) / (2 * t0**2)) * 1e-2
    probe = Fiber(1e3, alpha_db_per_km=0.0, gamma_per_w_km=0.0)
    ld = probe.dispersion_length(t0)
    w0 = _rms_width(t, np.abs(a) ** 2)
    for z_ld in (1.0, 2.0):
        out = Fiber(z_ld * ld, alpha_db_per_km=0.0, gamma_per_w_km=0.0).propagate(a, fs)
        assert _rms_width(t, np.abs(out) ** 2) / w0 == pytest.approx(math.sqrt(1 + z_ld**2), rel=1e-6)


@pytest.mark.parametrize("dual", [False, True])
def test_spm_phase_with_dispersion_off(dual):
    # CW through a lossy fiber without dispersion: φ_NL = −γ·P·L_eff (scalar, e^{+jωt} convention) and
    # 8/9 of it for Manakov (Agrawal, Nonlinear Fiber Optics, eq. 4.1.6; Marcuse et al., JLT 15, 1735 (1997))
    fiber = Fiber(50e3, alpha_db_per_km=0.2, dispersion_ps_nm_km=0.0, gamma_per_w_km=1.3)
    p = 20e-3
    n = 256
    a = np.full(n, math.sqrt(p), complex) if not dual else np.full((2, n), math.sqrt(p / 2), complex)
    expected = -(8 / 9 if dual else 1.0) * fiber.gamma * p * fiber.effective_length
    for kwargs in ({"step": 10e3}, {"step": 777.0}, {}):
        out = fiber.propagate(a, 100e9, **kwargs)
        phase = np.angle(out * np.conj(a) * np.exp(-1j * expected))
        assert np.max(np.abs(phase)) < 1e-9
        assert np.mean(np.abs(out) ** 2) * (2 if dual else 1) == pytest.approx(
            p * 10 ** (-fiber.loss_db / 10) / (1 if not dual else 1), rel=1e-9)


def test_fundamental_soliton_keeps_its_shape():
    # N = 1 soliton: A = √P0·sech(t/T0) with P0 = |β2|/(γ·T0²) propagates unchanged (Agrawal, NFO, §5.2)
    t0 = 10e-12
    fs = 2.56e12
    t = (np.arange(2048) - 1024) / fs
    probe = Fiber(1e3, alpha_db_per_km=0.0)
    p0 = abs(probe.beta2) / (probe.gamma * t0**2)
    a = math.sqrt(p0) / np.cosh(t / t0)
    ld = probe.dispersion_length(t0)
    out = Fiber(5 * ld, alpha_db_per_km=0.0).propagate(a, fs, step=ld / 100)
    assert np.max(np.abs(np.abs(out) ** 2 - np.abs(a) ** 2)) / p0 < 2e-3


@pytest.mark.parametrize("dual", [False, True])
def test_energy_conserved_without_loss(dual):
    rng = np.random.default_rng(0)
    shape = (2, 2048) if dual else (2048,)
    a = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * 0.05
    fiber = Fiber(80e3, alpha_db_per_km=0.0, pmd_ps_per_sqrt_km=0.1 if dual else 0.0)
    out = fiber.propagate(a, 256e9, step=1e3, rng=1)
    assert np.sum(np.abs(out) ** 2) == pytest.approx(np.sum(np.abs(a) ** 2), rel=1e-10)


@pytest.mark.parametrize("dual", [False, True])
def test_split_step_matches_numpy_reference(dual):
    # the merged-half-step, in-place Numba path equals the textbook symmetric SSFM in plain NumPy
    rng = np.random.default_rng(1)
    shape = (2, 1024) if dual else (1024,)
    a = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * 0.03
    fiber = Fiber(40e3, dispersion_slope_ps_nm2_km=0.06)
    ref = split_step_reference(fiber, a, 128e9, 40)
    out = fiber.propagate(a, 128e9, step=1e3)
    assert np.max(np.abs(out - ref)) / np.max(np.abs(ref)) < 1e-12
    single = fiber.propagate(a, 128e9, step=1e3, precision="single")
    assert single.dtype == np.complex64
    assert np.max(np.abs(single - ref)) / np.max(np.abs(ref)) < 1e-4


def test_adaptive_step_converges_to_fine_fixed_step():
    rng = np.random.default_rng(2)
    a = (rng.standard_normal((2, 2048)) + 1j * rng.standard_normal((2, 2048))) * 0.05
    fiber = Fiber(80e3)
    fine = fiber.propagate(a, 128e9, step=50.0)
    coarse = fiber.propagate(a, 128e9, max_nonlinear_phase=0.005)
    assert np.max(np.abs(coarse - fine)) / np.max(np.abs(fine)) < 2e-3


def test_nonlinear_kernels_match_numpy():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 1000)) + 1j * rng.standard_normal((2, 1000))
    ref = _nl_reference(x, 0.37)
    y = x.copy()
    _nl_manakov(y, 0.37)
    assert np.max(np.abs(y - ref)) < 1e-13
    y1 = x[0].copy()
    _nl_scalar(y1, 0.37)
    assert np.max(np.abs(y1 - _nl_reference(x[0], 0.37))) < 1e-13
    ph = np.linspace(-300, 300, 100_001)
    assert np.max(np.abs(_cis_array(ph) - np.exp(1j * ph))) < 2e-15 + 1e-16 * 300  # ~ the rounding of ph itself


def test_pmd_mean_dgd():
    # N equal-DGD sections with random rotations: Maxwellian DGD with mean = PMD coefficient·√L
    # (Gisin et al., Pure Appl. Opt. 4, 511 (1995)); DGD = 2·√|det(dU/dω)| of the total Jones matrix U
    fiber = Fiber(100e3, pmd_ps_per_sqrt_km=0.1, n_pmd_sections=50)
    rng = np.random.default_rng(4)
    h = 1e8
    dgd = []
    for _ in range(400):
        sec = fiber.pmd_sections(rng)
        u = Fiber.pmd_jones(np.array([-h, h]), sec)
        du = (u[1] - u[0]) / (2 * math.pi * 2 * h)
        dgd.append(2 * math.sqrt(abs(np.linalg.det(du))))
        assert np.allclose(u[0] @ u[0].conj().T, np.eye(2), atol=1e-12)
    assert np.mean(dgd) == pytest.approx(0.1e-12 * math.sqrt(100), rel=0.08)


def test_pmd_in_propagation_matches_jones_matrices():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((2, 512)) + 1j * rng.standard_normal((2, 512))
    fiber = Fiber(50e3, alpha_db_per_km=0.0, dispersion_ps_nm_km=0.0, gamma_per_w_km=0.0, pmd_ps_per_sqrt_km=0.5,
                  n_pmd_sections=20)
    out = fiber.propagate(a, 200e9, rng=9)
    f = np.fft.fftfreq(512, 1 / 200e9)
    u = Fiber.pmd_jones(f, fiber.pmd_sections(9))
    ref = np.fft.ifft(np.einsum("fij,jf->if", u, np.fft.fft(a, axis=-1)), axis=-1)
    assert np.max(np.abs(out - ref)) < 1e-10


def test_bad_input():
    fiber = Fiber(10e3)
    with pytest.raises(ValueError, match="field"):
        fiber.propagate(np.ones((3, 16), complex), 1e11)
    with pytest.raises(ValueError, match="finite"):
        fiber.propagate(np.full(16, np.nan + 0j), 1e11)
    with pytest.raises(ValueError, match="sample_rate"):
        fiber.propagate(np.ones(16, complex), 0.0)
    with pytest.raises(ValueError, match="step"):
        fiber.propagate(np.ones(16, complex), 1e11, step=-1.0)
    with pytest.raises(ValueError, match="either step or max_nonlinear_phase"):
        fiber.propagate(np.ones(16, complex), 1e11, step=1.0, max_nonlinear_phase=0.1)
    with pytest.raises(ValueError, match="precision"):
        fiber.propagate(np.ones(16, complex), 1e11, precision="half")
    with pytest.raises(ValueError, match="rng"):
        Fiber(10e3, pmd_ps_per_sqrt_km=0.1).propagate(np.ones((2, 16), complex), 1e11)
    with pytest.raises(ValueError, match="length"):
        Fiber(-1.0)
    with pytest.raises(ValueError, match="alpha_db_per_km"):
        Fiber(1e3, alpha_db_per_km=float("nan"))
