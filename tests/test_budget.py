"""Link budgets (links.budget): ASE, the closed-form GN model, the 3 dB rule, GNPy agreement, latency, power
budgets, required OSNR from BER curves, and transmitter figures from a chip manifest."""

import json
import math
import sys
import types

import numpy as np
import pytest
from scipy.constants import c as C_LIGHT
from scipy.constants import h as PLANCK
from scipy.integrate import quad
from scipy.optimize import minimize_scalar

from links.budget import (
    Amplifier,
    BerCurve,
    ChannelPlan,
    LumpedLoss,
    Penalties,
    Span,
    Transceiver,
    UnamplifiedLink,
    coherent_budget,
    latency,
    max_reach,
    nli_coefficients,
    power_budget,
    required_osnr_from_curve,
)
from links.chip import iq_modulation_loss_db, modulator_bandwidth_penalty_db, transmitter_from_manifest
from links.metrics import osnr_from_snr, required_snr_db, snr_from_osnr, theoretical_ber

B_REF = 12.5e9
SMF = dict(alpha_db_per_km=0.2, dispersion_ps_nm_km=16.7, gamma_per_w_km=1.3)


def smf(length_km, **kw):
    return Span(length_km * 1e3, **{**SMF, **kw})


def plan64(launch=0.0, n=64, baud=64e9, spacing=75e9, fc=193.5e12):
    return ChannelPlan(n, baud, spacing, fc, launch)


# --- ASE ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_spans,length_km,nf_db,launch", [(1, 120, 5.5, 0.0), (10, 80, 5.0, 1.0), (25, 100, 4.5, -2)])
def test_ase_only_osnr_equals_n_nf_hnu_g_bref(n_spans, length_km, nf_db, launch):
    # N transparent spans: OSNR = P / (N·NF·hν·G·B_ref), B_ref = 12.5 GHz (Desurvire 1994, ch. 2, high-gain form)
    plan = plan64(launch)
    r = coherent_budget(plan, [smf(length_km)] * n_spans, Amplifier(None, nf_db))
    g = 10 ** (0.2 * length_km / 10)
    expected = 10 * np.log10(1e-3 * 10 ** (launch / 10)
                             / (n_spans * 10 ** (nf_db / 10) * PLANCK * plan.frequencies * g * B_REF))
    assert np.max(np.abs(r.osnr_ase_db - expected)) < 0.01
    # the engineering rule OSNR ≈ 58 + P − NF − G − 10·log10(N) dB at 1550 nm (hν·12.5 GHz ≈ −58 dBm)
    c = r.center
    assert c.osnr_ase_db == pytest.approx(58 + launch - nf_db - 0.2 * length_km - 10 * np.log10(n_spans), abs=0.1)
    # SNR in the signal bandwidth = OSNR + 10·log10(12.5 GHz / baud) (DESIGN.md convention)
    assert c.snr_ase_db == pytest.approx(c.osnr_ase_db + 10 * np.log10(B_REF / plan.baud_rate), abs=1e-9)


def test_ase_with_unequal_amplifiers_and_gain_above_loss():
    # amplifier k's ASE NF_k·hν·G_k·B is carried to the receiver by the net gain after it
    plan = plan64(0.0, n=8)
    spans = [smf(80), smf(100, extra_loss_db=1.0)]
    amps = [Amplifier(18.0, 5.0), Amplifier(None, 6.0)]  # 2 dB more gain than the 16 dB span loss
    r = coherent_budget(plan, spans, amps)
    nu = plan.frequencies
    p = 1e-3
    ase_rx = (10 ** 0.5 * PLANCK * nu * 10 ** 1.8 * B_REF * 10 ** 0.0  # amp 1 output, then span 2 + amp 2: net 0 dB
              + 10 ** 0.6 * PLANCK * nu * 10 ** 2.1 * B_REF)
    p_rx = p * 10 ** 0.2
    assert r.osnr_ase_db == pytest.approx(10 * np.log10(p_rx / ase_rx), abs=0.01)
    assert r.rx_power_dbm == pytest.approx(np.full(8, 2.0))
    assert r.level.channel_power_dbm[-1] == pytest.approx(2.0)


# --- GN model -----------------------------------------------------------------------------------------------
def _closed_form_eta(span, baud, bandwidth, f0):
    """Poggiolini 2012 (JLT 30(24) 3857), Nyquist closed form: η = (8/27)·γ²·L_eff²·asinh(π²/2·|β2|·L_eff,a·B²)
    / (π·|β2|·L_eff,a·R_s²), B the (single channel or whole Nyquist-WDM) bandwidth, R_s the baud rate."""
    a = 0.2 / (10 * np.log10(np.e)) / 1e3
    leff = (1 - np.exp(-a * span.length)) / a
    la = 1 / a
    lam = C_LIGHT / f0
    beta2 = abs(-(lam**2) * span.dispersion_ps_nm_km * 1e-6 / (2 * np.pi * C_LIGHT))
    g = span.gamma_per_w_km / 1e3
    asinh = np.arcsinh(np.pi**2 / 2 * beta2 * la * bandwidth**2)
    return 8 / 27 * g**2 * leff**2 * asinh / (np.pi * beta2 * la * baud**2)


@pytest.mark.parametrize("baud", [32e9, 59.84375e9, 118.2e9])
def test_single_channel_eta_matches_closed_form(baud):
    span = smf(100)
    f0 = C_LIGHT / 1550e-9
    eta = nli_coefficients([f0], [baud], [span])[0, 0, 0]
    assert 10 * np.log10(eta / _closed_form_eta(span, baud, baud, f0)) == pytest.approx(0.0, abs=0.05)


@pytest.mark.parametrize("baud,n", [(32e9, 151), (64e9, 75)])
def test_nyquist_wdm_centre_eta_matches_whole_band_closed_form(baud, n):
    # spacing = baud: the per-channel sum must reproduce the whole-band Nyquist-WDM closed form (Poggiolini 2012)
    span = smf(100)
    f0 = C_LIGHT / 1550e-9
    f = f0 + (np.arange(n) - (n - 1) / 2) * baud
    eta = nli_coefficients(f, np.full(n, baud), [span])[0]
    c = n // 2
    assert 10 * np.log10(eta[c].sum() / _closed_form_eta(span, baud, n * baud, f0)) == pytest.approx(0.0, abs=0.05)


def _gn_integral_single_channel(span, baud, m=2001):
    """The GN-model integral at the channel centre (Poggiolini 2012, eq. 1 with the link function of one span),
    rectangular spectrum, P = 1 W: G_NLI(0)·R_s, by direct 2-D quadrature on a fine grid."""
    a = 0.2 / (10 * np.log10(np.e)) / 1e3
    lam = 1550e-9
    beta2 = abs(-(lam**2) * span.dispersion_ps_nm_km * 1e-6 / (2 * np.pi * C_LIGHT))
    x = np.linspace(-baud / 2, baud / 2, m)
    dx = x[1] - x[0]
    f1, f2 = x[:, None], x[None, :]
    ph = 4 * np.pi**2 * beta2 * f1 * f2
    rho = np.abs((1 - np.exp((-a + 1j * ph) * span.length)) / (a - 1j * ph)) ** 2
    inside = np.abs(f1 + f2) <= baud / 2
    return 16 / 27 * (span.gamma_per_w_km / 1e3) ** 2 * (rho * inside).sum() * dx * dx / baud**3 * baud


@pytest.mark.parametrize("baud", [59.84375e9, 118.2e9])
def test_closed_form_against_gn_integral(baud):
    # the closed form approximates the GN integral; within 0.1 dB at ZR baud rates on 100 km of SMF
    # (it over-estimates at low baud: −0.26 dB at 32 GBd, stated in the module docstring)
    span = smf(100)
    eta = nli_coefficients([C_LIGHT / 1550e-9], [baud], [span])[0, 0, 0]
    assert 10 * np.log10(_gn_integral_single_channel(span, baud) / eta) == pytest.approx(0.0, abs=0.1)


def _psi_reference(f, b, span):
    """NumPy reference of the kernel: (16/27)(2 − δ_ij)·ψ_ij/B_j² with two asinh (Poggiolini 2012 eq. 120)."""
    f = np.asarray(f, float)
    b = np.asarray(b, float)
    lam = C_LIGHT / (0.5 * (f[:, None] + f[None, :]))
    d = (span.dispersion_ps_nm_km + span.dispersion_slope_ps_nm2_km * (lam - span.reference_wavelength) * 1e9) * 1e-6
    beta2 = np.abs(lam**2 * d / (2 * np.pi * C_LIGHT))
    la = 1 / (span.alpha_db_per_km / 1e3 * np.log(10) / 10)
    x = np.pi**2 * beta2 * la * b[:, None]
    df = f[None, :] - f[:, None]
    psi = (np.arcsinh(x * (df + b[None, :] / 2)) - np.arcsinh(x * (df - b[None, :] / 2))) / (4 * np.pi * beta2 * la)
    leff = span.effective_length
    return (span.gamma_per_w_km / 1e3) ** 2 * leff**2 * 16 / 27 * (2 - np.eye(f.size)) * psi / b[None, :] ** 2


def test_kernel_matches_numpy_reference():
    rng = np.random.default_rng(3)
    f = np.sort(193.4e12 + rng.uniform(-2e12, 2e12, 9))
    spans = [smf(80, dispersion_slope_ps_nm2_km=0.06), Span(60e3, 0.25, 4.2, 1.5, dispersion_slope_ps_nm2_km=0.08)]
    for b in (rng.uniform(30e9, 120e9, 9), np.full(9, 64e9)):  # unequal (full) and equal (symmetric) bandwidths
        eta = nli_coefficients(f, b, spans)
        for k, s in enumerate(spans):
            np.testing.assert_allclose(eta[k], _psi_reference(f, b, s), rtol=1e-10)


def test_closed_form_sum_matches_the_psi_reference():
    # links.nli.closed_form_nli (the budget's fused kernel: ψ never stored, spans grouped by fibre type) against
    # the two-asinh reference above contracted with the powers: P_NLI,i = P_i·Σ_k w_k·Σ_j η_kij·P_j²
    from links.nli import _sum_kernel, _sum_reference, closed_form_nli

    rng = np.random.default_rng(5)
    f = np.sort(193.4e12 + rng.uniform(-2e12, 2e12, 9))
    p = 1e-3 * rng.uniform(0.3, 3.0, 9)
    a, b_ = smf(80, dispersion_slope_ps_nm2_km=0.06), Span(60e3, 0.25, 4.2, 1.5, dispersion_slope_ps_nm2_km=0.08)
    spans = [a, b_, a, smf(80, dispersion_slope_ps_nm2_km=0.06), Span(90e3, 0.25, 4.2, 0.9,
                                                                      dispersion_slope_ps_nm2_km=0.08)]
    w = rng.uniform(0.5, 2.0, len(spans))
    for b in (rng.uniform(30e9, 120e9, 9), np.full(9, 64e9)):  # unequal (full) and equal (symmetric) bandwidths
        ref = sum(wk * p * (_psi_reference(f, b, s) @ p**2) for wk, s in zip(w, spans, strict=True))
        np.testing.assert_allclose(closed_form_nli(f, b, p, spans, w), ref, rtol=1e-12)
        order = rng.permutation(9)  # channels in any order (a network's lit subset)
        np.testing.assert_allclose(closed_form_nli(f[order], b[order], p[order], spans, w), ref[order], rtol=1e-12)
        # the compiled kernel against its NumPy reference on the same arrays
        g = 16 / 27 * p**2 / b**2
        d0, slope = np.array([16.7, 4.2]), np.array([0.06, 0.08])
        lref, c4la = np.full(2, a.reference_wavelength), 4 * np.pi / np.array([a.alpha, b_.alpha])
        out = np.zeros(9)
        _sum_kernel(f, b, g, d0, slope, lref, c4la, np.array([1.5, 0.7]), out)
        np.testing.assert_allclose(out, _sum_reference(f, b, g, d0, slope, lref, c4la, np.array([1.5, 0.7])),
                                   rtol=1e-12)
    with pytest.raises(ValueError, match="lossy"):
        closed_form_nli(f, b, p, [Span(80e3, 0.0)], [1.0])
    with pytest.raises(ValueError, match="dispersive"):
        closed_form_nli(f, b, p, [Span(80e3, 0.2, 0.05)], [1.0])
    with pytest.raises(ValueError, match="1-D arrays"):
        closed_form_nli(f, b[:3], p, spans, w)


def test_nli_scales_with_p_cubed_and_adds_incoherently_over_spans():
    plan = plan64(0.0, n=16)
    one = coherent_budget(plan, smf(80), Amplifier(None, 5.0))
    ten = coherent_budget(plan, [smf(80)] * 10, Amplifier(None, 5.0))
    assert ten.snr_nli_db == pytest.approx(one.snr_nli_db - 10.0, abs=1e-9)  # incoherent: N·P_NLI
    hot = coherent_budget(plan.with_launch_power(3.0), smf(80), Amplifier(None, 5.0))
    assert hot.snr_nli_db == pytest.approx(one.snr_nli_db - 6.0, abs=1e-9)  # SNR_NLI = P/(ηP³) falls 2 dB per dB
    # NLI is largest near the centre of the band (most interferers within the dispersion-limited reach)
    assert np.argmin(one.snr_nli_db) in (7, 8)


def test_per_channel_powers_and_budget_consistency():
    # pre-emphasised plan: P_NLI,i = Σ_j η_ij P_i P_j², and GSNR = 1/(1/SNR_ASE + 1/SNR_NLI)
    launch = tuple(np.linspace(-2, 2, 12))
    plan = ChannelPlan(12, 60e9, 75e9, 193.7e12, launch)
    span = smf(90)
    r = coherent_budget(plan, [span] * 3, Amplifier(None, 5.0), nli_model="closed_form")
    p = 1e-3 * 10 ** (np.array(launch) / 10)
    eta = nli_coefficients(plan.frequencies, plan.bandwidths, [span])[0]
    p_nli = 3 * p * (eta @ p**2)
    assert r.snr_nli_db == pytest.approx(10 * np.log10(p / p_nli), abs=1e-9)
    inv = 10 ** (-r.snr_ase_db / 10) + 10 ** (-r.snr_nli_db / 10)
    assert r.gsnr_db == pytest.approx(-10 * np.log10(inv), abs=1e-9)
    assert r.gsnr_ref_db == pytest.approx(r.gsnr_db + 10 * np.log10(60e9 / B_REF), abs=1e-9)


def test_three_db_rule_at_the_numerical_optimum():
    # at the launch power that maximises GSNR, P_NLI = P_ASE/2 (Poggiolini 2012 §IX): found here by re-running
    # the budget, not from the closed-form optimum
    plan = plan64(0.0, n=32)
    spans = [smf(80)] * 8 + [smf(100, extra_loss_db=0.5)] * 4
    amp = Amplifier(None, 5.0)

    def neg_gsnr(p):
        return -coherent_budget(plan.with_launch_power(p), spans, amp).center.gsnr_db

    best = minimize_scalar(neg_gsnr, bounds=(-5, 8), method="bounded", options={"xatol": 1e-4})
    at = coherent_budget(plan.with_launch_power(best.x), spans, amp).center
    assert at.snr_ase_db - at.snr_nli_db == pytest.approx(-10 * np.log10(2), abs=0.1)
    r = coherent_budget(plan, spans, amp)
    assert r.optimum_launch_power_dbm == pytest.approx(best.x, abs=0.05)
    assert r.gsnr_at_optimum_db == pytest.approx(-best.fun, abs=1e-3)
    # the reported sweep equals budgets re-run at those launch powers
    for i in (0, 40, 120):
        p = r.launch_sweep_dbm[i]
        assert r.gsnr_sweep_db[i] == pytest.approx(-neg_gsnr(p), abs=1e-6)


def test_transceiver_snr_and_booster_enter_the_gsnr():
    trx = Transceiver.from_standard("400ZR", snr_db=30.0)
    plan = ChannelPlan(16, trx.baud_rate, 75e9, 193.7e12, 0.0)
    base = coherent_budget(plan, smf(100), Amplifier(None, 5.0), transceiver=Transceiver.from_standard("400ZR"))
    r = coherent_budget(plan, smf(100), Amplifier(None, 5.0), transceiver=trx)
    inv = 10 ** (-base.gsnr_db / 10) + 10 ** (-3.0)
    assert r.gsnr_db == pytest.approx(-10 * np.log10(inv), abs=1e-9)
    boosted = coherent_budget(plan, smf(100), Amplifier(None, 5.0), transceiver=trx, booster=Amplifier(None, 6.0))
    assert boosted.booster_gain_db == pytest.approx(10.0)  # −10 dBm (400ZR Tx) → 0 dBm launch
    nu = plan.frequencies
    ase = 10 ** 0.6 * PLANCK * nu * 10 * B_REF + 10 ** 0.5 * PLANCK * nu * 10 ** 2.0 * B_REF
    assert boosted.osnr_ase_db == pytest.approx(10 * np.log10(1e-3 / ase), abs=0.01)
    assert boosted.level.labels[0] == "Tx" and boosted.level.channel_power_dbm[0] == pytest.approx(-10.0)


def test_margin_checks_and_verdict():
    trx = Transceiver.from_standard("400ZR")  # 26 dB required OSNR, CD tolerance 2400 ps/nm (M)
    plan = ChannelPlan(32, trx.baud_rate, 75e9, 193.7e12, 1.0)
    pen = Penalties(pdl_db=0.5, ageing_db=1.0, other=(("filtering", 0.2),))
    r = coherent_budget(plan, smf(100), Amplifier(None, 5.0), transceiver=trx, penalties=pen)
    assert r.margin_db == pytest.approx(r.gsnr_ref_db - 26.0 - 1.7, abs=1e-9)
    assert [line.name for line in r.penalty_lines] == ["CD", "PMD", "PDL", "ageing", "filtering"]
    assert r.verdict == "PASS" and all(k.passed for k in r.checks)
    long = coherent_budget(plan, [smf(100)] * 3, Amplifier(None, 5.0), transceiver=trx)  # 5000 ps/nm > 2400
    cd = next(k for k in long.checks if k.name == "chromatic dispersion")
    assert not cd.passed and long.verdict == "FAIL"
    assert coherent_budget(plan, smf(100), Amplifier(None, 5.0)).verdict == "n/a"
    tight = coherent_budget(plan, smf(100), Amplifier(None, 5.0), transceiver=trx, latency_budget_rtt_s=0.5e-3)
    assert not next(k for k in tight.checks if k.name == "latency").passed


def test_accumulated_dispersion_per_channel():
    plan = ChannelPlan(3, 60e9, 1e12, C_LIGHT / 1550e-9, 0.0)
    span = smf(80, dispersion_slope_ps_nm2_km=0.06, reference_frequency=C_LIGHT / 1550e-9)  # D given at 1550 nm
    r = coherent_budget(plan, [span] * 2, Amplifier(None, 5.0))
    lam_nm = C_LIGHT / plan.frequencies * 1e9
    assert r.accumulated_cd_ps_nm == pytest.approx(160 * (16.7 + 0.06 * (lam_nm - 1550)), rel=1e-12)


# --- bad input ------------------------------------------------------------------------------------------------
def test_span_loss_the_amplifier_cannot_compensate():
    plan = plan64(0.0, n=4)
    with pytest.raises(ValueError, match=r"spans\[1\].*loss 24.00 dB exceeds amplifier\[1\] gain_db 20"):
        coherent_budget(plan, [smf(80), smf(120)], Amplifier(20.0, 5.0))
    with pytest.raises(ValueError, match=r"spans\[0\].*max_gain_db 20.*cannot compensate"):
        coherent_budget(plan, smf(120), Amplifier(None, 5.0, max_gain_db=20.0))


@pytest.mark.parametrize("make,match", [
    (lambda: Span(-80e3, 0.2, 16.7, 1.3), "length"),
    (lambda: Span(80e3, -0.2, 16.7, 1.3), "alpha_db_per_km"),
    (lambda: Span(80e3, 0.2, float("nan"), 1.3), "dispersion_ps_nm_km"),
    (lambda: Amplifier(None, -1.0), "nf_db"),
    (lambda: ChannelPlan(0, 64e9, 75e9, 193.5e12, 0.0), "n_channels"),
    (lambda: ChannelPlan(8, 64e9, 50e9, 193.5e12, 0.0), "spacing"),
    (lambda: ChannelPlan(8, 64e9, 75e9, 193.5e12, (0.0, 1.0)), "one value per channel"),
    (lambda: ChannelPlan(8, 64e9, 75e9, 193.5e12, "high"), "launch_power_dbm"),
    (lambda: Penalties(pdl_db=-1), "pdl_db"),
    (lambda: Transceiver("x", "8PSK", 60e9, 1e-2, 20.0), "modulation"),
])
def test_bad_parameters_name_the_field(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_baud_mismatch_and_dispersion_zero_are_refused():
    trx = Transceiver.from_standard("800ZR")
    with pytest.raises(ValueError, match="baud_rate"):
        coherent_budget(plan64(), smf(80), Amplifier(None, 5.0), transceiver=trx)
    dsf = Span(80e3, 0.2, 0.0, 2.0)
    with pytest.raises(ValueError, match="dispersive"):
        coherent_budget(plan64(n=4), dsf, Amplifier(None, 5.0))


# --- GNPy agreement -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("n,baud,spacing,n_spans,km,slope,gamma", [
    (64, 59.84375e9, 75e9, 10, 80, 0.058, 1.3),  # 400ZR-like C band
    (40, 64e9, 100e9, 6, 100, 0.07, 1.1),
])
def test_centre_gsnr_agrees_with_gnpy(n, baud, spacing, n_spans, km, slope, gamma):
    pytest.importorskip("gnpy")
    from optolink.peers import gnpy_centre_gsnr_db

    fc = 193.7e12
    spans = [Span(km * 1e3, 0.2, 16.7, gamma, dispersion_slope_ps_nm2_km=slope, reference_frequency=fc)] * n_spans
    amp = Amplifier(None, 5.0)
    base = ChannelPlan(n, baud, spacing, fc, 0.0)
    plan = base.with_launch_power(round(coherent_budget(base, spans, amp).optimum_launch_power_dbm, 1))
    ours = coherent_budget(plan, spans, amp)
    gnpy_centre, _, gnpy_osnr = gnpy_centre_gsnr_db(plan, spans, 5.0)
    assert ours.center.gsnr_db == pytest.approx(gnpy_centre, abs=0.1)
    assert ours.center.osnr_ase_db == pytest.approx(gnpy_osnr[plan.center_index], abs=0.05)


# --- latency ------------------------------------------------------------------------------------------------
def test_latency_from_group_index_and_latency_circle():
    # SMF-28: n_g = 1.4682 at 1550 nm (Corning PI1424) → 4.897 µs/km one way
    lat = latency(100e3, 1.4682, 5e-6)
    assert lat.propagation_s == pytest.approx(100e3 * 1.4682 / C_LIGHT)
    assert lat.propagation_s / 100 == pytest.approx(4.897e-6, rel=1e-3)
    assert lat.round_trip_s == pytest.approx(2 * (lat.propagation_s + 5e-6))
    # 1 ms round trip: (0.5 ms − 5 µs)·c/n_g ≈ 101.07 km with 400ZR's DSP latency, 102.1 km without
    assert max_reach(1e-3, 1.4682, 5e-6) == pytest.approx((0.5e-3 - 5e-6) * C_LIGHT / 1.4682)
    assert max_reach(1e-3, 1.4682, 5e-6) / 1e3 == pytest.approx(101.07, abs=0.01)
    assert max_reach(1e-3) / 1e3 == pytest.approx(102.09, abs=0.01)
    assert max_reach(1e-5, dsp_latency_s=1e-5) == 0.0
    assert latency(max_reach(1e-3, dsp_latency_s=5e-6), dsp_latency_s=5e-6).round_trip_s == pytest.approx(1e-3)


# --- power budget -------------------------------------------------------------------------------------------
def test_power_budget_by_hand():
    link = UnamplifiedLink(tx_power_dbm=0.0, rx_sensitivity_dbm=-20.0, fiber_length=40e3, alpha_db_per_km=0.25,
                           losses=(LumpedLoss("connector", 0.5, 4), LumpedLoss("mux", 3.5, 1, position=40e3)),
                           penalties=Penalties(ageing_db=1.0), rx_overload_dbm=-5.0)
    r = power_budget(link)
    assert r.received_power_dbm == pytest.approx(0 - 10 - 2 - 3.5)
    assert r.margin_db == pytest.approx(-15.5 - 1.0 + 20.0)
    assert r.verdict == "PASS"
    assert r.level.channel_power_dbm[-1] == pytest.approx(r.received_power_dbm)
    assert r.level.position[-1] == 40e3
    hot = power_budget(UnamplifiedLink(5.0, -20.0, 2e3, 0.35, rx_overload_dbm=0.0))
    assert hot.verdict == "FAIL" and not next(k for k in hot.checks if k.name == "Rx overload").passed
    with pytest.raises(ValueError, match="position"):
        UnamplifiedLink(0.0, -20.0, 1e3, 0.3, losses=(LumpedLoss("splice", 0.1, position=2e3),))


# --- required OSNR from a BER curve ----------------------------------------------------------------------------
def test_required_osnr_from_a_curve_with_a_known_penalty():
    # a transceiver 1.5 dB worse than the ideal Gray-coded 16QAM receiver (Cho & Yoon 2002): its required OSNR at
    # the threshold is the ideal one + 1.5 dB
    baud, thr, penalty = 59.84375e9, 1.22e-2, 1.5
    osnr = np.arange(14.0, 30.0, 0.25)
    ber = theoretical_ber("16QAM", snr_from_osnr(osnr - penalty, baud))
    ideal = float(osnr_from_snr(required_snr_db("16QAM", thr), baud))
    assert required_osnr_from_curve((osnr, ber), thr) == pytest.approx(ideal + penalty, abs=0.02)
    trx = Transceiver.from_ber_curve("400ZR", {"osnr_db": osnr, "ber": ber, "label": "sim"})
    assert trx.required_osnr_db == pytest.approx(ideal + penalty, abs=0.02)
    assert trx.implementation_penalty_db == pytest.approx(penalty, abs=0.02)
    assert "sim" in trx.required_osnr_source
    # the BER model reproduces the curve inside it and the threshold at the required OSNR
    assert trx.ber_at_osnr(20.0) == pytest.approx(float(theoretical_ber("16QAM", snr_from_osnr(18.5, baud))), rel=0.02)
    assert float(trx.ber_at_osnr(trx.required_osnr_db)) == pytest.approx(thr, rel=0.02)


def test_required_osnr_curve_edge_cases():
    o = [10, 12, 14, 16, 18]
    ber = [0.05, 0.02, 0.005, 0.0, 0.0]  # zero-error points (no errors counted) are dropped
    x = required_osnr_from_curve(types.SimpleNamespace(osnr_db=o, ber=ber), 0.01)
    expected = 12 + (np.log10(0.01) - np.log10(0.02)) / (np.log10(0.005) - np.log10(0.02)) * 2
    assert x == pytest.approx(expected)
    # a curve that never reaches the threshold from above has no required OSNR: NaN (null in JSON) ...
    assert math.isnan(required_osnr_from_curve((o, [0.3, 0.2, 0.1, 0.09, 0.08]), 0.01))  # always above
    assert math.isnan(required_osnr_from_curve((o, [1e-3] * 5), 0.01))  # already below at the lowest OSNR
    assert math.isnan(required_osnr_from_curve((o, [0.05, 0, 0, 0, 0]), 0.01))  # one point with errors
    # ... and a transceiver, which needs a number, refuses such a curve
    with pytest.raises(ValueError, match="does not cross"):
        Transceiver.from_ber_curve("400ZR", (o, [0.3, 0.2, 0.1, 0.09, 0.08]))
    with pytest.raises(ValueError, match="same length"):
        BerCurve((1.0, 2.0), (0.1,))
    with pytest.raises(TypeError, match="osnr_db and ber"):
        BerCurve.from_any(42)


def test_transceiver_from_devices_uses_links_simulate(monkeypatch):
    # the coherent simulation (links.simulate): its BER-vs-OSNR curve sets the required OSNR
    import links

    baud = 59.84375e9
    calls = {}

    def ber_vs_osnr(standard, osnr_db, **kw):
        calls.update(kw, standard=standard.name)
        return types.SimpleNamespace(osnr_db=osnr_db, ber=theoretical_ber("16QAM", snr_from_osnr(osnr_db - 2.0, baud)))

    fake = types.ModuleType("links.simulate")
    fake.ber_vs_osnr = ber_vs_osnr
    monkeypatch.setitem(sys.modules, "links.simulate", fake)
    monkeypatch.setattr(links, "simulate", fake, raising=False)
    trx = Transceiver.from_devices("400ZR", np.arange(16, 30, 0.25), seed=1)
    assert calls == {"seed": 1, "standard": "400ZR"}
    assert trx.implementation_penalty_db == pytest.approx(2.0, abs=0.02)


def test_standard_transceivers():
    zr = Transceiver.from_standard("400ZR")
    assert (zr.required_osnr_db, zr.tx_power_dbm, zr.dsp_latency_s) == (26.0, -10.0, 5e-6)
    # ideal DP-16QAM at 1.22e-2 needs ≈ 20.4 dB OSNR at 59.84 GBd: the 26 dB figure holds a 5.6 dB penalty
    assert zr.theoretical_required_osnr_db == pytest.approx(20.39, abs=0.02)
    assert Transceiver.from_standard("800ZR").cd_tolerance_ps_nm is None
    with pytest.raises(ValueError, match="unknown standard"):
        Transceiver.from_standard("1.6ZR")


# --- chip manifest → transmitter ------------------------------------------------------------------------------
def test_modulator_bandwidth_penalty_closed_form():
    # penalty = ⟨|H|²⟩·⟨|H|⁻²⟩ over |f| ≤ R/2 for |H|² = 1/(1 + (f/B)²): numerically integrated here
    for bw, baud in [(30e9, 60e9), (20e9, 60e9), (45e9, 118e9)]:
        mean_h2 = quad(lambda f, b=bw: 1 / (1 + (f / b) ** 2), -baud / 2, baud / 2)[0] / baud
        mean_inv = quad(lambda f, b=bw: 1 + (f / b) ** 2, -baud / 2, baud / 2)[0] / baud
        assert modulator_bandwidth_penalty_db(bw, baud) == pytest.approx(10 * np.log10(mean_h2 * mean_inv), abs=1e-6)
    assert modulator_bandwidth_penalty_db(1e15, 60e9) == pytest.approx(0.0, abs=1e-6)
    assert modulator_bandwidth_penalty_db(20e9, 60e9) > modulator_bandwidth_penalty_db(40e9, 60e9) > 0


def test_iq_modulation_loss():
    # QPSK at full swing: each MZM at full transmission, I/Q combining halves the power → 3.01 dB
    assert iq_modulation_loss_db("QPSK", 1.0) == pytest.approx(10 * np.log10(2), abs=1e-9)
    # 16QAM, outer level at 0.5 Vπ: levels ±1/6, ±1/2 Vπ → mean sin² = (sin²(π/12) + sin²(π/4))/2
    mean = (math.sin(math.pi / 12) ** 2 + 0.5) / 2
    assert iq_modulation_loss_db("16QAM", 0.5) == pytest.approx(-10 * np.log10(mean / 2), abs=1e-9)


def _manifest():
    return {"schema": "optolink.chip-manifest/2", "devices": [
        {"name": "dfb0", "cell": "laser", "kind": "laser", "position_um": [0, 0], "ports": [],
         "parameters": {}, "performance": {"power_w": 0.02, "linewidth_hz": 1e5}},
        {"name": "mzm0", "cell": "mzm", "kind": "mzm", "position_um": [100, 0], "ports": [],
         "parameters": {"length": 3e-3}, "performance": {"insertion_loss_db": 5.0, "eo_bandwidth_hz": 35e9}},
        {"name": "pd0", "cell": "pd", "kind": "photodetector", "position_um": [0, 0], "ports": [],
         "parameters": {}, "performance": {}},
    ]}


def test_transmitter_from_manifest(tmp_path):
    path = tmp_path / "chip.manifest.json"
    path.write_text(json.dumps(_manifest()))
    tx = transmitter_from_manifest(path, 59.84375e9)
    assert tx.laser_power_dbm == pytest.approx(10 * np.log10(20.0))
    assert tx.tx_power_dbm == pytest.approx(13.0103 - 5.0 - iq_modulation_loss_db("16QAM", 0.5), abs=1e-4)
    assert tx.bandwidth_penalty_db == pytest.approx(modulator_bandwidth_penalty_db(35e9, 59.84375e9))
    name, value = tx.penalty()
    assert "mzm0" in name and value == tx.bandwidth_penalty_db
    trx = Transceiver.from_standard("400ZR", tx_power_dbm=tx.tx_power_dbm)
    assert trx.tx_power_dbm == tx.tx_power_dbm


def test_transmitter_from_manifest_errors():
    m = _manifest()
    m["devices"].append(dict(m["devices"][1], name="mzm1"))
    with pytest.raises(ValueError, match="choose one by name"):
        transmitter_from_manifest(m, 60e9)
    assert transmitter_from_manifest(m, 60e9, modulator="mzm1").modulator == "mzm1"
    m = _manifest()
    del m["devices"][1]["performance"]["eo_bandwidth_hz"]
    with pytest.raises(ValueError, match="eo_bandwidth_hz"):
        transmitter_from_manifest(m, 60e9)
    m = _manifest()
    m["devices"][0]["performance"] = {"threshold_current_a": 0.01}
    with pytest.raises(ValueError, match="power_w"):
        transmitter_from_manifest(m, 60e9)
    with pytest.raises(ValueError, match="no 'laser'"):
        transmitter_from_manifest(dict(_manifest(), devices=[d for d in _manifest()["devices"]
                                                             if d["kind"] != "laser"]), 60e9)

