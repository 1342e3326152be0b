"""`links.budget_kernel`: the compiled per-channel figures of a budget against their NumPy reference.

The reference (`budget_figures_reference`) is the vectorised NumPy code the kernel replaced, with the closed-form
NLI from `links.nli._sum_reference` (ψ from its asinh formula on the full pair grid); the budget's physics is
tested against GNPy and analytic results in test_budget.py, and its figures are pinned in
test_budget_regression.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from links import budget_kernel as K
from links.amplifiers import Amplifier
from links.budget import _SWEEP_DB, _SWEEP_LIN, _level_labels, coherent_budget
from links.channel_plan import ChannelPlan
from links.fiber import Fiber
from links.nli import closed_form_types, span_scale
from links.transceiver import Transceiver


def _inputs(spans, f, lp_dbm, gains, nf_db, bw=None):
    """The kernel's inputs for ``spans`` (one row per distinct span object, one fibre type per row)."""
    uniq = list({id(s): s for s in spans}.values())
    rows = np.array([(s.length, s.fiber_loss_db, s.loss_db, s.dispersion_ps_nm_km, s.dispersion_slope_ps_nm2_km,
                      s.reference_wavelength, s.pmd_ps_per_sqrt_km, s.group_index, s.extra_loss_db, k, span_scale(s))
                     for k, s in enumerate(uniq)])
    span_row = np.array([next(k for k, u in enumerate(uniq) if u is s) for s in spans], dtype=np.intp)
    bw = np.full(f.size, 59.84375e9) if bw is None else bw
    types = closed_form_types(float(f.min()), float(f.max()), uniq)
    return (f, bw, np.asarray(lp_dbm, dtype=float), rows, span_row, np.asarray(gains, dtype=float),
            np.asarray(nf_db, dtype=float), _SWEEP_DB, _SWEEP_LIN), types


def _compare(args, c, inv_trx, booster, **nli):
    got = K.budget_figures(*args, c, inv_trx, booster, **nli)
    ref = K.budget_figures_reference(*args, c, inv_trx, booster, **nli)
    assert len(got) == len(ref) == 18
    for k, (g, r) in enumerate(zip(got, ref, strict=True)):
        np.testing.assert_allclose(g, r, rtol=1e-12, atol=1e-12, err_msg=f"output {k}")
    return got


MIXED = [Fiber(80e3, 0.2, 16.7, 1.3, extra_loss_db=1.0), Fiber(60e3, 0.22, 4.4, 1.9, dispersion_slope_ps_nm2_km=0.045),
         Fiber(100e3, 0.18, 20.0, 0.8, pmd_ps_per_sqrt_km=0.1, group_index=1.47)]


def test_kernel_matches_numpy_reference_on_identical_spans_closed_form():
    f = 193.7e12 + (np.arange(63) - 31) * 75e9
    sp = Fiber(80e3, 0.2, 16.7, 1.3, dispersion_slope_ps_nm2_km=0.058, reference_frequency=193.7e12)
    args, types = _inputs([sp] * 20, f, np.full(63, 1.0), np.full(20, sp.loss_db), np.full(20, 5.0))
    out = _compare(args, 31, 0.0, np.zeros(4), types=types)
    # the ASE OSNR of N identical spans, gain = span loss: P − 10·log10(N) − NF − G − 10·log10(hν·12.5 GHz / 1 mW)
    # (the textbook "58 dB rule": P_ASE = NF·hν·G·B_ref per amplifier in the high-gain limit, N amplifiers add)
    expected = 1.0 - 10 * math.log10(20) - 5.0 - sp.loss_db - 10 * np.log10(6.62607015e-34 * f * 12.5e9 / 1e-3)
    np.testing.assert_allclose(out[0], expected, atol=1e-9)


def test_kernel_matches_numpy_reference_on_mixed_spans_tilt_booster_and_trx():
    f = 193.7e12 + (np.arange(41) - 20) * 75e9
    spans = [MIXED[0], MIXED[1], MIXED[0], MIXED[2]]
    gains = [spans[0].loss_db, 20.0, spans[0].loss_db + 0.5, spans[3].loss_db]
    args, types = _inputs(spans, f, np.linspace(-1.0, 2.0, 41), gains, [5.0, 5.5, 4.5, 6.0])
    booster = np.array([1.0, 10 ** 0.6, 10 ** -0.8, -8.0])
    out = _compare(args, 20, 1 / 10 ** 2.1, booster, types=types)
    assert out[10].size == 2 + 2 * 4 + 2  # Tx, launch, two points per span and the two lumped losses
    out_nobooster = _compare(args, 20, 1 / 10 ** 2.1, np.zeros(4), types=types)
    assert np.all(out_nobooster[0] > out[0])  # the booster's ASE lowers the OSNR


def test_kernel_matches_numpy_reference_with_a_given_nli_and_unequal_bandwidths():
    rng = np.random.default_rng(3)
    f = np.sort(193e12 + rng.uniform(0, 4e12, 17))
    bw = rng.uniform(20e9, 60e9, 17)  # not a comb: the sum takes its every-pair loop
    args, types = _inputs(MIXED, f, rng.uniform(-2, 2, 17), [s.loss_db for s in MIXED], [5.0, 5.0, 5.0], bw=bw)
    _compare(args, 8, 0.0, np.zeros(4), types=types)
    out = _compare(args, 8, 0.0, np.zeros(4), nli=rng.uniform(1e-7, 1e-5, 17))
    # noise powers add: 1/GSNR = 1/SNR_ASE + 1/SNR_NLI (no transceiver noise here)
    gsnr = -10 * np.log10(10 ** (-out[1] / 10) + 10 ** (-out[2] / 10))
    np.testing.assert_allclose(out[3], gsnr, atol=1e-9)
    assert np.all(out[3] < out[1])


def test_kernel_without_nli_gives_infinite_snr_nli_like_numpy():
    f = 193.7e12 + (np.arange(5) - 2) * 75e9
    args, _ = _inputs(MIXED[:1], f, np.zeros(5), [MIXED[0].loss_db], [5.0])
    out = K.budget_figures(*args, 2, 0.0, np.zeros(4), nli=np.zeros(5))
    assert np.all(np.isinf(out[2])) and np.all(out[5] == -np.inf)
    np.testing.assert_allclose(out[3], out[1], rtol=1e-12)  # GSNR = SNR_ASE without NLI and Tx noise


def test_level_labels_name_every_point():
    assert _level_labels(False, 2, None) == ("launch", "span 1 end", "amplifier 1", "span 2 end", "amplifier 2")
    assert _level_labels(True, 2, (False, True)) == ("Tx", "launch", "span 1 end", "amplifier 1", "span 2 end",
                                                      "span 2 lumped loss", "amplifier 2")
    r = coherent_budget(ChannelPlan(9, 59.84375e9, 75e9, 193.7e12, 0.0), [MIXED[1], MIXED[0]], Amplifier(None, 5.0),
                        nli_model="closed_form")
    assert len(r.level.labels) == r.level.position.size == r.level.channel_power_dbm.size == 6


def test_a_transceiver_keeps_the_budget_notes():
    # the budget lines' notes once replaced the result's notes with the penalty names (CD, PMD, PDL, ageing)
    trx = Transceiver.from_standard("400ZR")
    r = coherent_budget(ChannelPlan(9, trx.baud_rate, 75e9, 193.7e12, 0.0), [MIXED[0]] * 3, Amplifier(None, 5.0),
                        transceiver=trx, nli_model="closed_form")
    assert "CD" not in r.notes and all(len(n) > 10 for n in r.notes)
    assert r.penalty_lines[0].name == "CD" and r.penalty_lines[0].note.startswith("accumulated CD")
    assert math.isfinite(r.center.margin_db)


@pytest.mark.parametrize("model", ["closed_form", "gn"])
def test_budget_frequency_and_sweep_are_the_plans(model):
    plan = ChannelPlan(7, 59.84375e9, 75e9, 193.7e12, 0.5)
    r = coherent_budget(plan, [MIXED[0]] * 2, Amplifier(None, 5.0), nli_model=model)
    np.testing.assert_array_equal(r.frequency, plan.frequencies)
    np.testing.assert_allclose(r.launch_sweep_dbm, r.optimum_launch_power_dbm + _SWEEP_DB, rtol=0, atol=1e-12)
    assert r.gsnr_sweep_db.max() == pytest.approx(r.gsnr_at_optimum_db, abs=1e-3)
