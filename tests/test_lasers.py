"""Tests for photonics.lasers: rate-equation laser physics, the Numba integrator and the CW source.

Analytic references: Coldren, Corzine & Mašanović, *Diode Lasers and Photonic Integrated Circuits*, 2nd ed.
(ch. 2: threshold, slope efficiency; ch. 5: small-signal response, K-factor, RIN, linewidth), Agrawal,
*Fiber-Optic Communication Systems*, 4th ed. §3.5 (Langevin forces, Henry linewidth, turn-on delay),
Henry, IEEE JQE 18, 259 (1982), Koch & Linke, APL 48, 613 (1986) (adiabatic chirp).

Stochastic tests are seeded; their tolerances were checked over many seeds (see the comments).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from optolink.core.constants import C, H, Q
from photonics import _laser_kernels as kern
from photonics.cw_laser import PhaseNoiseLaser
from photonics.laser_estimators import chirp_from_power, estimate_linewidth, estimate_rin
from photonics.laser_simulation import simulate_lasers
from photonics.lasers import LaserParams, RateEquationLaser
from photonics.rate_equations import _coefficient_table

LASER = RateEquationLaser()
ITH = LASER.threshold_current()


# ----------------------------------------------------------------------------------------------------------
# NumPy references
# ----------------------------------------------------------------------------------------------------------
def reference_simulate(params, current, set_index, dt, substeps, noise, seeds, y0, n_samples):
    """Plain NumPy version of kernel.simulate_kernel (vectorised over lasers, loops over time).

    Same scheme: RK4 drift + Itô (Euler–Maruyama) Langevin increment from the start-of-step state; the
    normals are pre-drawn from the same per-laser streams (kern.normal_stream), consumed 3 per step.
    """
    ps = [params[k] for k in set_index]
    g = np.array([p.group_velocity * p.gain_slope for p in ps])
    nt = np.array([p.n_transparency for p in ps])
    eps = np.array([p.epsilon for p in ps])
    gam = np.array([p.confinement for p in ps])
    tn = np.array([p.tau_n for p in ps])
    tp = np.array([p.tau_p for p in ps])
    beta = np.array([p.beta_sp for p in ps])
    alpha = np.array([p.alpha_h for p in ps])
    vol = np.array([p.volume for p in ps])
    n_lasers = len(ps)
    h = dt / substeps
    n_steps = n_samples * substeps
    z = (np.stack([kern.normal_stream(np.uint64(s), 3 * n_steps) for s in seeds]) if noise
         else np.zeros((n_lasers, 3 * n_steps)))

    def rhs(n, s, j):
        gl = g * (n - nt)
        stim = gl * s / (1 + eps * s)
        return (j - n / tn - stim, gam * stim - s / tp + beta * gam * n / tn,
                0.5 * alpha * (gam * gl - 1 / tp))

    n, s, phi = (y0[:, 0].copy(), y0[:, 1].copy(), y0[:, 2].copy())
    out = np.zeros((3, n_lasers, n_samples))
    cur = np.broadcast_to(current, (n_lasers, n_samples)) if current.shape[1] == n_samples else \
        np.broadcast_to(current, (n_lasers, 1)).repeat(n_samples, axis=1)
    step = 0
    for k in range(n_samples):
        j = cur[:, k] / (Q * vol)
        for _ in range(substeps):
            k1 = rhs(n, s, j)
            k2 = rhs(n + h / 2 * k1[0], s + h / 2 * k1[1], j)
            k3 = rhs(n + h / 2 * k2[0], s + h / 2 * k2[1], j)
            k4 = rhs(n + h * k3[0], s + h * k3[1], j)
            dn, ds, dp = ((h / 6) * (a + 2 * b + 2 * c + d) for a, b, c, d in zip(k1, k2, k3, k4, strict=True))
            za, zb, zc = z[:, 3 * step], z[:, 3 * step + 1], z[:, 3 * step + 2]
            r_sp = beta * gam * np.maximum(n, 0) / tn
            w_s = np.sqrt(2 * r_sp * np.maximum(s, 0) * h) * za
            w_n = -w_s / gam + np.sqrt(2 * np.maximum(n, 0) / (vol * tn) * h) * zb
            w_p = np.sqrt(r_sp * h / (2 * np.maximum(np.maximum(s, 0), gam / vol))) * zc
            n, s, phi = np.maximum(n + dn + w_n, 0), np.maximum(s + ds + w_s, 0), phi + dp + w_p
            step += 1
        out[:, :, k] = n, s, phi
    return out


_M64 = (1 << 64) - 1


def _python_normals(seed: int, count: int) -> list[float]:
    """Pure-Python SplitMix64 → xoshiro256** → polar method, the reference for kern.normal_stream."""
    z, state = seed, []
    for _ in range(4):
        z = (z + 0x9E3779B97F4A7C15) & _M64
        x = z
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
        state.append(x ^ (x >> 31))

    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & _M64

    def nxt():
        s = state
        result = (rotl((s[1] * 5) & _M64, 7) * 9) & _M64
        t = (s[1] << 17) & _M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    out = []
    while len(out) < count:  # Marsaglia polar method
        u = (nxt() >> 11) * 2.0**-53 * 2.0 - 1.0
        v = (nxt() >> 11) * 2.0**-53 * 2.0 - 1.0
        r2 = u * u + v * v
        if 0.0 < r2 < 1.0:
            f = math.sqrt(-2.0 * math.log(r2) / r2)
            out += [u * f, v * f]
    return out[:count]


# ----------------------------------------------------------------------------------------------------------
# Import, validation
# ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("field, value", [
    ("tau_n", -1e-9), ("tau_p", -1e-12), ("tau_p", 0.0), ("beta_sp", -0.1), ("beta_sp", 1.5),
    ("volume", 0.0), ("confinement", 1.2), ("eta0", 0.0), ("epsilon", -1e-23), ("alpha_h", float("nan")),
    ("group_velocity", 4e8), ("gain_slope", float("inf")),
])
def test_params_refuse_bad_values_naming_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        LaserParams(**{field: value})


@pytest.mark.parametrize("bad", [float("nan"), [0.01, float("nan")], -1e-3])
def test_bad_currents_are_refused(bad):
    with pytest.raises(ValueError, match="current"):
        LASER.steady_state(bad)
    with pytest.raises(ValueError, match="current"):
        LASER.simulate(bad, 1e12, n_samples=10, noise=False)


def test_from_cavity_reproduces_the_defaults():
    p = LaserParams.from_cavity(length=250e-6, width=1.5e-6, thickness=0.2e-6, group_index=3.6,
                                internal_loss=3000.0, mirror_loss=4500.0)
    d = LaserParams()
    for f in ("volume", "group_velocity", "tau_p", "eta0"):
        assert getattr(p, f) == pytest.approx(getattr(d, f), rel=2e-3), f
    fp = LaserParams.from_cavity(length=300e-6, width=2e-6, thickness=0.1e-6, group_index=4.0,
                                 internal_loss=2000.0, reflectivities=(0.32, 0.32))
    alpha_m = math.log(1 / 0.32**2) / (2 * 300e-6)
    assert fp.tau_p == pytest.approx(4.0 / (C * (2000 + alpha_m)))
    with pytest.raises(ValueError, match="mirror_loss"):
        LaserParams.from_cavity(length=1e-4, width=1e-6, thickness=1e-7, group_index=3.5, internal_loss=1e3)


# ----------------------------------------------------------------------------------------------------------
# Static
# ----------------------------------------------------------------------------------------------------------
def test_threshold_current_against_hand_calculation():
    # Coldren & Corzine ch. 2: gain = loss at N_th = N_t + 1/(Γ v_g a0 τp); I_th = q V N_th / τn.
    p = LASER.params
    v_g = C / 3.6
    n_th = 1e24 + 1 / (0.3 * v_g * 2.5e-20 * 1.6e-12)
    assert ITH == pytest.approx(Q * 7.5e-17 * n_th / 2.2e-9, rel=1e-12)
    assert 10e-3 < ITH < 20e-3  # the "realistic DFB": 10-20 mA
    assert p.threshold_carrier_density == pytest.approx(n_th)


def test_li_curve_is_exactly_linear_without_spontaneous_emission():
    # β = 0: S = Γτp (I/qV − N/τn) with N = N_t + (1 + εS)/(Γ v_g a0 τp) ⇒ dP/dI is constant above I_th,
    # η0 hν/(2q) / (1 + ε/(v_g a0 τn)) — the textbook slope corrected for gain compression.
    p = LaserParams(beta_sp=0.0)
    laser = RateEquationLaser(p)
    ith = laser.threshold_current()
    slope = p.eta0 * H * C / p.wavelength / (2 * Q) / (1 + p.epsilon / (p.group_velocity * p.gain_slope
                                                                          * p.tau_n))
    i = np.linspace(1.01, 8, 20) * ith
    assert np.asarray(laser.steady_state(i).power) == pytest.approx(slope * (i - ith), rel=1e-9)
    assert np.all(np.asarray(laser.steady_state(np.linspace(0, 0.99, 10) * ith).power) < 1e-15)  # roundoff
    assert laser.slope_efficiency(3 * ith) == pytest.approx(slope, rel=1e-9)


def test_default_slope_efficiency_and_extrapolated_threshold():
    hv = H * C / 1.55e-6
    ideal = 0.6 * hv / (2 * Q)
    assert LASER.ideal_slope_efficiency() == pytest.approx(ideal)
    assert LASER.slope_efficiency() == pytest.approx(ideal, rel=5e-3)
    p3, p4 = LASER.steady_state([3 * ITH, 4 * ITH]).power
    assert 3 * ITH - p3 / ((p4 - p3) / ITH) == pytest.approx(ITH, rel=5e-3)


def test_steady_state_satisfies_the_rate_equations():
    p = LASER.params
    i = np.concatenate(([0.0, 1e-6], np.geomspace(0.05, 100, 60) * ITH))
    ss = LASER.steady_state(i)
    n, s = np.asarray(ss.carrier_density), np.asarray(ss.photon_density)
    g = p.group_velocity * p.gain_slope * (n - p.n_transparency) / (1 + p.epsilon * s)
    dn = i / (Q * p.volume) - n / p.tau_n - g * s
    ds = (p.confinement * g - 1 / p.tau_p) * s + p.beta_sp * p.confinement * n / p.tau_n
    assert np.all(np.abs(dn) <= 1e-12 * np.maximum(i / (Q * p.volume), 1.0))
    assert np.all(np.abs(ds) <= 1e-9 * (s / p.tau_p + p.beta_sp * p.confinement * n / p.tau_n) + 1e-300)
    assert np.all(np.diff(s) > 0) and np.all(np.diff(n) > 0)
    assert isinstance(LASER.steady_state(2 * ITH).power, float)


def test_voltage_pins_above_threshold_and_wall_plug_efficiency():
    p = LASER.params
    v = np.asarray(LASER.voltage([2 * ITH, 4 * ITH]))
    assert v[1] - v[0] == pytest.approx(2 * ITH * p.series_resistance, abs=2e-3)  # V_j clamps
    assert 0.8 < float(LASER.voltage(ITH)) < 1.0
    wpe = LASER.wall_plug_efficiency(4 * ITH)
    assert wpe == pytest.approx(float(LASER.steady_state(4 * ITH).power) / (4 * ITH * v[1]))
    assert LASER.wall_plug_efficiency(4 * ITH, facets=2) == pytest.approx(2 * wpe)
    assert LASER.wall_plug_efficiency(0.0) == 0.0
    li = LASER.li_curve()
    assert li.current.shape == li.power.shape == li.voltage.shape == (201,)


# ----------------------------------------------------------------------------------------------------------
# Small signal
# ----------------------------------------------------------------------------------------------------------
def test_small_signal_exact_against_textbook_approximations():
    # Coldren & Corzine ch. 5: ω_R² ≈ v_g a0 S/(τp (1+εS)), γ = K f_R² + γ0, K = 4π²(τp + ε/(v_g a0)),
    # f_3dB,max ≈ 2√2π/K (Olshansky et al. 1987).
    ss = LASER.small_signal(np.array([2, 4]) * ITH)
    assert np.asarray(ss.relaxation_frequency) == pytest.approx(ss.relaxation_frequency_approx, rel=5e-3)
    assert np.asarray(ss.damping_rate) == pytest.approx(ss.damping_rate_approx, rel=1e-2)
    assert 3e9 < ss.relaxation_frequency[0] < 5e9 and 5e9 < ss.relaxation_frequency[1] < 8e9
    k, g0 = LASER.k_factor()
    assert k == pytest.approx(LASER.k_factor_textbook(), rel=2e-2)
    assert g0 == pytest.approx(1 / LASER.params.tau_n, rel=0.1)
    f_max, i_max = LASER.max_bandwidth()
    assert f_max == pytest.approx(LASER.max_bandwidth_textbook(), rel=3e-2)
    assert float(LASER.bandwidth_3db(i_max)) == pytest.approx(f_max)
    assert float(LASER.bandwidth_3db(0.9 * i_max)) < f_max and float(LASER.bandwidth_3db(1.1 * i_max)) < f_max
    # the 3 dB point and the peak of the exact response
    for i, fb, fp in zip((2 * ITH, 4 * ITH), ss.bandwidth_3db, ss.peak_frequency, strict=True):
        assert abs(LASER.modulation_response(fb, i)) ** 2 == pytest.approx(0.5, rel=1e-9)
        f = np.linspace(0.9, 1.1, 2001) * fp
        assert f[np.argmax(np.abs(LASER.modulation_response(f, i)))] == pytest.approx(fp, rel=1e-3)
    assert LASER.modulation_response(0.0, 2 * ITH) == pytest.approx(1.0)
    # the slope of the static L-I curve equals the DC small-signal gain
    di = 1e-6 * ITH
    p_plus, p_minus = LASER.steady_state([2 * ITH + di, 2 * ITH - di]).power
    assert (p_plus - p_minus) / (2 * di) == pytest.approx(ss.slope_efficiency[0], rel=1e-6)


@pytest.mark.parametrize("multiple", [2.0, 3.0])
def test_simulated_modulation_response_peaks_at_the_relaxation_frequency(multiple):
    i = multiple * ITH
    ss = LASER.small_signal(i)
    f = np.linspace(0.6, 1.4, 801) * ss.relaxation_frequency
    h_sim = np.abs(LASER.simulated_modulation_response(f, i))
    k = int(np.argmax(h_sim))
    y0, y1, y2 = h_sim[k - 1:k + 2]
    f_peak = f[k] + 0.5 * (f[1] - f[0]) * (y0 - y2) / (y0 - 2 * y1 + y2)
    assert f_peak == pytest.approx(ss.relaxation_frequency, rel=0.03)  # the acceptance criterion
    assert f_peak == pytest.approx(ss.peak_frequency, rel=2e-3)  # and the exact peak of |H|
    assert h_sim == pytest.approx(np.abs(LASER.modulation_response(f, i)), rel=1e-3)


# ----------------------------------------------------------------------------------------------------------
# The kernel
# ----------------------------------------------------------------------------------------------------------
def test_normal_stream_matches_pure_python_generator():
    for seed in (0, 1, 2**63 + 12345):
        got = kern.normal_stream(np.uint64(seed), 9)
        assert got == pytest.approx(_python_normals(seed, 9), rel=1e-13, abs=1e-15)
    z = kern.normal_stream(np.uint64(7), 200_000)
    assert abs(z.mean()) < 0.015 and abs(z.std() - 1) < 0.01 and abs(np.mean(z**4) - 3) < 0.1


def _kernel_case(noise):
    params = [LaserParams(), LaserParams(tau_n=1.5e-9, epsilon=3e-23, alpha_h=5.0),
              LaserParams(beta_sp=1e-4, volume=5e-17)]
    rng = np.random.default_rng(3)
    n_lasers, n_samples, substeps, dt = 19, 40, 3, 3e-12  # 19 lasers: one full SIMD block plus 3
    set_index = rng.integers(0, 3, n_lasers).astype(np.int64)
    cur = rng.uniform(0.0, 4.0, (n_lasers, n_samples)) * ITH
    y0 = np.column_stack([rng.uniform(0.5, 2.2, n_lasers) * 1e24, rng.uniform(0, 2e21, n_lasers),
                          rng.uniform(-1, 1, n_lasers)])
    seeds = rng.integers(0, 2**64, n_lasers, dtype=np.uint64)
    return params, cur, set_index, dt, substeps, seeds, y0, n_samples


@pytest.mark.parametrize("noise", [False, True])
def test_kernel_matches_numpy_reference(noise):
    params, cur, set_index, dt, substeps, seeds, y0, n_samples = _kernel_case(noise)
    out = [np.empty((len(set_index), n_samples)) for _ in range(3)]
    kern.simulate_kernel(cur, set_index, _coefficient_table(params), dt, substeps, noise, seeds, y0, *out)
    ref = reference_simulate(params, cur, set_index, dt, substeps, noise, seeds, y0, n_samples)
    for got, want in zip(out, ref, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12 * np.abs(want).max())
    if noise:  # the noise really is there
        quiet = reference_simulate(params, cur, set_index, dt, substeps, False, seeds, y0, n_samples)
        assert np.abs(out[2] - quiet[2]).max() > 1e-6
    # each laser depends only on its own inputs and seed: reversing the batch reverses the output
    rev = [np.empty_like(o) for o in out]
    kern.simulate_kernel(cur[::-1].copy(), set_index[::-1].copy(), _coefficient_table(params), dt, substeps,
                         noise, seeds[::-1].copy(), y0[::-1].copy(), *rev)
    for a, b in zip(out, rev, strict=True):
        np.testing.assert_allclose(a, b[::-1], rtol=1e-12, atol=0)


def test_simulation_is_reproducible_with_the_callers_rng():
    a = LASER.simulate(2 * ITH, 1e12, n_samples=500, rng=np.random.default_rng(5))
    b = LASER.simulate(2 * ITH, 1e12, n_samples=500, rng=np.random.default_rng(5))
    c = LASER.simulate(2 * ITH, 1e12, n_samples=500, rng=np.random.default_rng(6))
    assert np.array_equal(a.phase, b.phase) and not np.array_equal(a.phase, c.phase)


def test_integrator_steady_state_equals_solver():
    # a batch of lasers, each its own parameter set and current, started from N = S = 0 (turn-on)
    params = [LaserParams(tau_n=t, epsilon=e) for t, e in [(2.2e-9, 1.5e-23), (1.5e-9, 3e-23), (3e-9, 0.0)]]
    i = np.array([[1.5 * ITH], [3 * ITH], [5 * ITH]])
    tr = simulate_lasers(params, i, 1e11, n_samples=1000, substeps=20, noise=False, initial="off")
    for k, p in enumerate(params):
        ss = RateEquationLaser(p).steady_state(i[k, 0])
        assert tr.carrier_density[k, -1] == pytest.approx(ss.carrier_density, rel=1e-4)
        assert tr.photon_density[k, -1] == pytest.approx(ss.photon_density, rel=1e-4)
        assert tr.power[k, -1] == pytest.approx(ss.power, rel=1e-4)
    f = tr.frequency[:, -1]
    # the offset is Γ v_g a0 (N − N_t) − 1/τp, a small difference of large rates (scale α/(4π τp) ≈ 150 GHz)
    assert f == pytest.approx([RateEquationLaser(p).frequency_offset(i[k, 0]) for k, p in enumerate(params)],
                              abs=1e6)


def test_simulate_shapes_and_arguments():
    t = LASER.simulate(2 * ITH, 1e12, n_samples=7, noise=False)
    assert t.power.shape == (7,) and t.field.shape == (7,) and t.time[0] == pytest.approx(1e-12)
    assert np.abs(t.field) ** 2 == pytest.approx(t.power)
    t = LASER.simulate(np.full((4, 1), 2 * ITH), 1e12, n_samples=5, noise=False)
    assert t.power.shape == (4, 5)
    t = simulate_lasers([LaserParams(), LaserParams(alpha_h=1.0)], np.full(6, 2 * ITH), 1e12, noise=False)
    assert t.phase.shape == (2, 6)
    with pytest.raises(ValueError, match="n_samples"):
        LASER.simulate(2 * ITH, 1e12)
    with pytest.raises(ValueError, match="rows"):
        simulate_lasers([LaserParams()] * 3, np.ones((2, 5)) * ITH, 1e12)
    with pytest.raises(ValueError, match="initial"):
        LASER.simulate(2 * ITH, 1e12, n_samples=3, initial="hot")
    with pytest.raises(ValueError, match="substeps"):
        LASER.simulate(2 * ITH, 1e12, n_samples=3, substeps=0)


def test_too_large_time_step_is_refused_with_the_largest_stable_one():
    p = LASER.params
    # from N = S = 0 the stiffest eigenvalue is ≈ −(1/τp + Γ v_g a0 N_t); RK4 is stable to |hλ| ≤ 2.785
    lam = 1 / p.tau_p + p.confinement * p.group_velocity * p.gain_slope * p.n_transparency
    h_max = LASER.max_stable_step(0.0, 3 * ITH, from_off=True)
    assert h_max == pytest.approx(2.7853 / lam, rel=2e-3)
    with pytest.raises(ValueError, match=r"largest stable RK4 step .* is 2\.2\d*e-12 s") as err:
        LASER.simulate(3 * ITH, 1 / 3e-12, n_samples=10, initial="off", noise=False)
    assert "substeps >= 2" in str(err.value)
    LASER.simulate(3 * ITH, 1 / (0.99 * h_max), n_samples=10, initial="off", noise=False)  # accepted
    # far above threshold the relaxation oscillation sets a much looser limit
    assert LASER.max_stable_step(2 * ITH, 4 * ITH) > 10 * h_max


# ----------------------------------------------------------------------------------------------------------
# Noise: one shared ensemble (256 lasers × 200 ns at 2 I_th, 2 ps steps, recorded every 10 ps)
# ----------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def noisy_ensemble():
    return LASER.simulate(np.full((256, 1), 2 * ITH), 1e11, n_samples=20_000, substeps=5,
                          rng=np.random.default_rng(2024))


def test_linewidth_from_simulated_phase_matches_henry(noisy_ensemble):
    # Henry: Δν = r_sp (1 + α²)/(4π S), r_sp = βΓN/τn — the phase diffusion D_φφ = r_sp/(4S) plus the α
    # coupling of the simulated carrier noise. Estimator scatter over seeds: 1.6 % (std), mean bias < 0.5 %.
    henry = LASER.linewidth(2 * ITH)
    assert 1e6 < henry < 2e7
    est = estimate_linewidth(noisy_ensemble.phase, noisy_ensemble.sample_rate, min_lag=1e-9, max_lag=4e-9)
    assert est == pytest.approx(henry, rel=0.10)
    assert LASER.linewidth(2 * ITH, method="linearized") == pytest.approx(henry, rel=0.02)


def test_rin_from_simulated_power_matches_analytic(noisy_ensemble):
    # ~10 000 Welch averages per 100 MHz bin: per-bin scatter ≈ 0.05 dB; discretisation bias < 0.3 dB.
    f, rin = estimate_rin(noisy_ensemble.power, noisy_ensemble.sample_rate, segment_duration=10e-9)
    analytic = LASER.rin(f, 2 * ITH)
    fr = LASER.relaxation_frequency(2 * ITH)
    band = (f > 0.5 * fr) & (f < 1.5 * fr)
    assert np.max(np.abs(10 * np.log10(rin[band] / analytic[band]))) < 2.0
    assert f[np.argmax(rin)] == pytest.approx(f[np.argmax(analytic)], abs=0.15e9)
    assert np.mean(noisy_ensemble.power) == pytest.approx(LASER.steady_state(2 * ITH).power, rel=1e-3)


def test_estimate_linewidth_on_a_wiener_phase():
    rng = np.random.default_rng(1)
    fs, lw = 1e10, 3e6
    phase = np.cumsum(rng.standard_normal((64, 40_000)) * math.sqrt(2 * math.pi * lw / fs), axis=1)
    phase += 2 * math.pi * 1e8 * np.arange(40_000) / fs  # a frequency offset must not matter
    assert estimate_linewidth(phase, fs, min_lag=1e-9, max_lag=2e-8) == pytest.approx(lw, rel=0.03)  # 0.6 % std


# ----------------------------------------------------------------------------------------------------------
# Large signal: turn-on delay and chirp
# ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("multiple, bias", [(3.0, 0.0), (2.0, 0.8)])
def test_turn_on_delay(multiple, bias):
    # t_d = τn ln((I − I_b)/(I − I_th)) to threshold (Agrawal FOCS §3.5), plus the photon build-up
    p = LASER.params
    i, ib = multiple * ITH, bias * ITH
    init = "off" if bias == 0 else LASER._steady_initial(ib)
    tr = LASER.simulate(i, 1e13, n_samples=40_000, noise=False, initial=init)
    k = int(np.argmax(tr.carrier_density >= p.threshold_carrier_density))
    n0, n1 = tr.carrier_density[k - 1:k + 1]
    t_th = tr.time[k - 1] + (p.threshold_carrier_density - n0) / (n1 - n0) / tr.sample_rate
    assert t_th == pytest.approx(LASER.turn_on_delay(i, ib), rel=1e-2)
    t50 = tr.time[np.argmax(tr.power >= 0.5 * LASER.steady_state(i).power)]
    assert t50 == pytest.approx(LASER.turn_on_delay(i, ib, buildup=True), rel=3e-2)
    assert t50 > LASER.turn_on_delay(i, ib)


def test_chirp_adiabatic_and_transient():
    # Koch & Linke: Δν = (α/4π)(d ln P/dt + κP), κ = 2Γε/(V η0 hν)
    textbook = LASER.params.alpha_h * LASER.kappa() / (4 * math.pi)
    assert LASER.adiabatic_chirp(3 * ITH) == pytest.approx(textbook, rel=1e-2)
    i1, i2 = 3 * ITH, 3.01 * ITH
    df = LASER.frequency_offset(i2) - LASER.frequency_offset(i1)
    dp = LASER.steady_state(i2).power - LASER.steady_state(i1).power
    assert df / dp == pytest.approx(float(LASER.adiabatic_chirp(3.005 * ITH)), rel=1e-3)
    cpr = LASER.chirp_to_power_ratio(np.array([1e3, 1e12]), 3 * ITH)
    assert cpr[0].real == pytest.approx(float(LASER.adiabatic_chirp(3 * ITH)), rel=1e-6)
    ss = LASER.steady_state(3 * ITH)  # high f: (α/4π) jω (1 + εS)/P, the transient chirp
    transient = LASER.params.alpha_h / 2 * 1e12 * (1 + LASER.params.epsilon * ss.photon_density) / ss.power
    assert cpr[1].imag == pytest.approx(transient, rel=1e-3)
    # large-signal: the rate-equation frequency against the Koch formula applied to the simulated power
    t = np.arange(4000) * 1e-12
    cur = ITH * (2.5 + 1.0 * np.sin(2 * math.pi * 2e9 * t))
    tr = LASER.simulate(cur, 1e12, noise=False, initial=LASER._steady_initial(2.5 * ITH))
    transient, adiabatic = LASER.chirp(tr.power, tr.sample_rate)
    koch = transient + adiabatic
    sl = slice(1000, -2)
    span = np.ptp(tr.frequency[sl])
    assert span > 1e9
    assert np.max(np.abs(koch[sl] - tr.frequency[sl])) < 0.05 * span
    assert np.ptp(adiabatic[sl]) > 0.1 * span  # both terms matter for this laser
    with pytest.raises(ValueError, match="power"):
        chirp_from_power([1.0, 0.0], 1e12, 3.0, 1e12)


# ----------------------------------------------------------------------------------------------------------
# PhaseNoiseLaser
# ----------------------------------------------------------------------------------------------------------
def test_phase_noise_laser_field_statistics():
    src = PhaseNoiseLaser(power=2e-3, linewidth=100e3, rin_db_per_hz=-140.0, frequency_offset=1e9)
    fs, n = 50e9, 2**19
    e = src.field(n, fs, rng=np.random.default_rng(11))
    assert e.shape == (n,) and e.dtype == complex
    assert np.mean(np.abs(e) ** 2) == pytest.approx(2e-3, rel=1e-12)
    phi = src.phase(n, fs, rng=np.random.default_rng(12))
    d = np.diff(phi) - 2 * math.pi * 1e9 / fs
    assert d.mean() == pytest.approx(0.0, abs=5 * math.sqrt(2 * math.pi * 1e5 / fs / n))
    assert d.var() == pytest.approx(2 * math.pi * 100e3 / fs, rel=0.02)  # 2^19 samples: 0.2 % std
    f, rin = estimate_rin(np.abs(e) ** 2, fs, segment_duration=1e-7)
    assert 10 * np.log10(np.mean(rin[1:])) == pytest.approx(-140.0, abs=0.3)
    quiet = PhaseNoiseLaser(power=1e-3, linewidth=0.0).field(1000, fs, rng=np.random.default_rng(0),
                                                              initial_phase=0.3)
    assert np.allclose(quiet, math.sqrt(1e-3) * np.exp(0.3j))


def test_phase_noise_laser_validation_and_from_laser():
    for kw, name in [({"power": 0.0}, "power"), ({"linewidth": -1.0}, "linewidth"),
                     ({"rin_db_per_hz": -20.0}, "rin_db_per_hz"), ({"frequency_offset": math.nan},
                                                                   "frequency_offset")]:
        with pytest.raises(ValueError, match=name):
            PhaseNoiseLaser(**kw)
    with pytest.raises(ValueError, match="rin_db_per_hz"):
        PhaseNoiseLaser(rin_db_per_hz=-100.0).field(100, 1e12, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        PhaseNoiseLaser().field(100, 1e9, rng=1.5)
    cw = PhaseNoiseLaser.from_laser(LASER, 2 * ITH)
    assert cw.power == pytest.approx(LASER.steady_state(2 * ITH).power)
    assert cw.linewidth == pytest.approx(LASER.linewidth(2 * ITH))
    assert -170 < cw.rin_db_per_hz < -140


# ----------------------------------------------------------------------------------------------------------
# Demo flow
# ----------------------------------------------------------------------------------------------------------
def test_laser_demo_writes_plots_and_json(tmp_path):
    import json

    from optolink.flows_lasers import laser_demo

    head = laser_demo(tmp_path)
    for name in ("laser_li.png", "laser_modulation.png", "laser.json"):
        assert (tmp_path / name).stat().st_size > 1000
    assert not list(tmp_path.glob(".*tmp"))  # atomic writes leave no temporaries
    data = json.loads((tmp_path / "laser.json").read_text())
    assert data["threshold_current_a"] == pytest.approx(ITH)
    assert len(data["li_curve"]["current_a"]) == len(data["li_curve"]["power_w"]) == 201
    at2 = next(b for b in data["bias_points"] if b["label"] == "2xIth")
    assert at2["relaxation_frequency_hz"] == pytest.approx(LASER.relaxation_frequency(2 * ITH))
    assert at2["bandwidth_3db_hz"] == pytest.approx(LASER.bandwidth_3db(2 * ITH))
    assert head["threshold_current_a"] == pytest.approx(ITH)
    assert head["linewidth_2ith_hz"] == pytest.approx(LASER.linewidth(2 * ITH))
    assert all(isinstance(v, float) for v in head.values())
