"""Bit sources, Gray constellations, decisions, LLRs, RRC shaping and frames (links.signals)."""

import itertools
import math

import numpy as np
import pytest

from links.signals import (
    BITS_PER_SYMBOL,
    _prbs_reference,
    constellation,
    decide,
    decide_labels,
    demap_hard,
    dual_pol_frame,
    labels_to_bits,
    llr,
    map_bits,
    matched_filter,
    prbs,
    random_bits,
    rrc_response,
    rrc_taps,
    shape,
)

QAM = ("QPSK", "16QAM", "64QAM")


@pytest.mark.parametrize("order", [7, 15, 23, 31])
def test_prbs_recurrence_and_kernel(order):
    # ITU-T O.150 §5: PRBSn obeys b[k] = b[k−n] ⊕ b[k−tap] (x^n + x^tap + 1); kernel vs plain-Python LFSR
    taps = {7: 6, 15: 14, 23: 18, 31: 28}
    b = prbs(order, 5000).astype(int)
    k = np.arange(order, b.size)
    assert np.array_equal(b[k], b[k - order] ^ b[k - taps[order]])
    assert np.array_equal(b, _prbs_reference(order, 5000, (1 << order) - 1))


@pytest.mark.parametrize("order", [7, 15])
def test_prbs_is_maximal_length(order):
    # Golomb, Shift Register Sequences (1967): an m-sequence has period 2^n − 1, 2^(n−1) ones per period,
    # and every non-zero n-bit word exactly once per period
    period = 2**order - 1
    b = prbs(order, 2 * period + order)
    assert np.array_equal(b[:period], b[period: 2 * period])
    assert int(b[:period].sum()) == 2 ** (order - 1)
    words = np.zeros(period, dtype=np.int64)
    for j in range(order):
        words = (words << 1) | b[j: j + period]
    assert np.unique(words).size == period and words.min() >= 1


def test_prbs_bad_input():
    with pytest.raises(ValueError, match="order"):
        prbs(9, 10)
    with pytest.raises(ValueError, match="state"):
        prbs(7, 10, state=0)


@pytest.mark.parametrize("modulation", QAM + ("PAM4",))
def test_constellations_unit_energy_and_gray(modulation):
    pts = constellation(modulation)
    m = BITS_PER_SYMBOL[modulation]
    assert pts.size == 2**m
    assert np.mean(np.abs(pts) ** 2) == pytest.approx(1.0, rel=1e-12)
    # Gray: every pair of nearest neighbours differs in exactly one bit
    d = np.abs(pts[:, None] - pts[None, :])
    dmin = d[d > 1e-9].min()
    for i, j in zip(*np.nonzero(np.abs(d - dmin) < 1e-9), strict=True):
        assert bin(int(i) ^ int(j)).count("1") == 1


def test_16qam_minimum_distance():
    # unit-energy square 16QAM: levels ±1, ±3 scaled by 1/√10, so d_min = 2/√10 (Proakis, 5th ed., §3.2)
    pts = constellation("16QAM")
    d = np.abs(pts[:, None] - pts[None, :])
    assert d[d > 1e-9].min() == pytest.approx(2 / math.sqrt(10), rel=1e-12)


@pytest.mark.parametrize("modulation", QAM + ("PAM4",))
def test_map_demap_roundtrip_and_nearest_point(modulation):
    rng = np.random.default_rng(1)
    m = BITS_PER_SYMBOL[modulation]
    bits = random_bits(300 * m, rng=rng)
    assert np.array_equal(demap_hard(map_bits(bits, modulation), modulation), bits)
    # slicer decisions equal brute-force nearest points
    y = rng.standard_normal(500) + (0 if modulation == "PAM4" else 1j * rng.standard_normal(500))
    pts = constellation(modulation)
    brute = pts[np.argmin(np.abs(y[:, None] - pts[None, :]), axis=1)]
    assert np.allclose(decide(y, modulation), brute)
    assert np.array_equal(labels_to_bits(decide_labels(y, modulation), modulation), demap_hard(y, modulation))


@pytest.mark.parametrize("modulation", QAM)
def test_llr_exact_matches_brute_force(modulation):
    # exact LLR = ln Σ_{x: b=0} e^{−|y−x|²/σ²} − ln Σ_{x: b=1} e^{−|y−x|²/σ²} over the whole 2-D constellation
    rng = np.random.default_rng(2)
    var = 0.1
    y = (rng.standard_normal(50) + 1j * rng.standard_normal(50)) * 0.8
    pts = constellation(modulation)
    m = BITS_PER_SYMBOL[modulation]
    labels = np.arange(pts.size)
    metric = -np.abs(y[:, None] - pts[None, :]) ** 2 / var
    ref = np.empty((y.size, m))
    for j in range(m):
        b = (labels >> (m - 1 - j)) & 1
        ref[:, j] = np.logaddexp.reduce(metric[:, b == 0], axis=1) - np.logaddexp.reduce(metric[:, b == 1], axis=1)
    assert llr(y, modulation, var, method="exact") == pytest.approx(ref.ravel(), abs=1e-9)
    # max-log: the nearest point of each set
    ref_ml = np.empty((y.size, m))
    for j in range(m):
        b = (labels >> (m - 1 - j)) & 1
        ref_ml[:, j] = metric[:, b == 0].max(axis=1) - metric[:, b == 1].max(axis=1)
    assert llr(y, modulation, var, method="maxlog") == pytest.approx(ref_ml.ravel(), abs=1e-9)


def test_llr_signs_agree_with_hard_decisions():
    y = constellation("64QAM") * 1.01
    lam = llr(y, "64QAM", 0.01)
    assert np.array_equal((lam < 0).astype(np.uint8), demap_hard(y, "64QAM"))
    with pytest.raises(ValueError, match="method"):
        llr(y, "64QAM", 0.1, method="approx")
    with pytest.raises(ValueError, match="noise_variance"):
        llr(y, "64QAM", 0.0)


def test_rrc_is_nyquist():
    # |H|² is a raised cosine: Σ_k |H(f − k·Rs)|² = 1 (Proakis, 5th ed., eq. 9.2-26), H(Rs/2) = 1/√2
    f = np.linspace(-0.5, 0.5, 101)
    for beta in (0.0, 0.1, 0.2, 0.5, 1.0):
        tot = sum(rrc_response(f - k, 1.0, beta) ** 2 for k in range(-2, 3))
        assert tot == pytest.approx(np.ones_like(f), abs=1e-12)
        assert rrc_response(0.5, 1.0, beta) == pytest.approx(1 / math.sqrt(2), rel=1e-12)


def test_rrc_taps_match_frequency_response():
    sps, beta = 8, 0.25
    h = rrc_taps(beta, sps, 64)
    assert np.sum(h**2) == pytest.approx(sps)  # unit energy per symbol
    f = np.linspace(0, 0.8, 41)
    t = (np.arange(h.size) - h.size // 2) / sps
    resp = np.abs(h @ np.exp(-2j * np.pi * np.outer(t, f))) / sps
    assert resp == pytest.approx(rrc_response(f, 1.0, beta), abs=3e-3)


@pytest.mark.parametrize("sps", [2.0, 2.5, 4.0])
def test_shape_then_matched_filter_returns_the_symbols(sps):
    a = map_bits(random_bits(4 * 2 * 512, rng=3), "16QAM").reshape(2, -1)
    x = shape(a, 1.0, sps, 0.2)
    assert x.shape == (2, int(512 * sps))
    assert np.mean(np.abs(x) ** 2) == pytest.approx(np.mean(np.abs(a) ** 2), rel=0.05)
    assert matched_filter(x, 1.0, sps, 0.2) == pytest.approx(a, abs=1e-12)
    with pytest.raises(ValueError, match="below the shaped bandwidth"):
        shape(a, 1.0, 1.1, 0.2)


def test_dual_pol_frame_pilots():
    fr = dual_pol_frame(640, "16QAM", rng=4, pilot_period=64)
    assert fr.symbols.shape == (2, 640) and fr.bits.shape == (2, 640 * 4)
    pilots = fr.symbols[:, ~fr.payload]
    assert (~fr.payload).sum() == 10
    assert np.allclose(np.abs(pilots), np.abs(constellation("16QAM")).max())  # corner points
    assert np.array_equal(map_bits(fr.bits, "16QAM"), fr.symbols)
    p = dual_pol_frame(1000, "QPSK", prbs_order=15, pilot_period=None)
    assert np.array_equal(p.bits[0], prbs(15, 2000))
    assert p.payload.all()
    with pytest.raises(ValueError, match="rng"):
        dual_pol_frame(100, "QPSK")


def test_gray_labels_of_each_dimension_are_gray():
    # per-dimension Gray code: adjacent levels of 8-PAM differ in one bit
    pts = constellation("64QAM")
    i_levels = sorted({round(p.real, 9) for p in pts})
    for a, b in itertools.pairwise(i_levels):
        la = decide_labels(np.array([a + 0j]), "64QAM")[0] >> 3
        lb = decide_labels(np.array([b + 0j]), "64QAM")[0] >> 3
        assert bin(int(la) ^ int(lb)).count("1") == 1
