"""Digital signals of a coherent link: bit sources, Gray-mapped constellations, decisions and LLRs, root-raised-
cosine shaping, dual-polarization frames with pilots.

Conventions: constellations are normalised to unit mean symbol energy (E|s|² = 1; PAM4: E s² = 1). A symbol's
label is the integer whose binary digits (MSB first) are its bits. Square QAM is Gray-mapped per dimension:
the first half of the label's bits select the in-phase PAM level, the second half the quadrature level, each
Gray-coded (adjacent levels differ in one bit), so every nearest-neighbour pair differs in exactly one bit.
LLRs are ln P(b = 0 | y) / P(b = 1 | y) (positive → bit 0).

PRBS generators follow ITU-T O.150 (05/96) §5: PRBS7 x⁷+x⁶+1, PRBS15 x¹⁵+x¹⁴+1, PRBS23 x²³+x¹⁸+1,
PRBS31 x³¹+x²⁸+1 (period 2ⁿ − 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy import fft as sfft

from optolink.core.validate import as_rng, check_int, check_positive, check_real

from .modulations import BITS_PER_SYMBOL, check_modulation

PRBS_TAPS = {7: 6, 15: 14, 23: 18, 31: 28}  # ITU-T O.150: x^n + x^tap + 1


# --------------------------------------------------------------------------------------------------------
# validation shared by the links modules
# --------------------------------------------------------------------------------------------------------
MAX_SAMPLES = 2**24  # the longest record (bits, symbols or samples) a function builds: 256 MiB of complex128


def check_record(name: str, value, *, dtype=complex) -> np.ndarray:
    """A finite numeric record (…, N), N >= 1, as ``dtype``; TypeError/ValueError naming ``name``."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "fciu" or arr.dtype == bool or arr.ndim == 0 or arr.shape[-1] < 1:
        raise TypeError(f"{name} must be a numeric array (…, N) with N >= 1; got dtype {arr.dtype}, shape "
                        f"{arr.shape}")
    if np.dtype(dtype).kind != "c" and arr.dtype.kind == "c":
        raise TypeError(f"{name} must be real; got a complex array")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr.astype(dtype, copy=False)


def check_field(name: str, value, *, dual_pol: bool | None = None) -> np.ndarray:
    """A finite complex optical field of shape (N,) or (2, N) (``dual_pol`` forces one of them).

    Returned as complex128 (complex64 inputs keep their dtype); ValueError naming ``name`` and the shape.
    """
    arr = np.asarray(value)
    if arr.dtype.kind not in "fciu" or arr.dtype == bool:
        raise TypeError(f"{name} must be a complex array; got dtype {arr.dtype}")
    ok = (arr.ndim == 1 and dual_pol is not True) or (arr.ndim == 2 and arr.shape[0] == 2 and dual_pol is not False)
    if not ok or arr.shape[-1] < 2:
        want = {None: "(N,) or (2, N)", True: "(2, N)", False: "(N,)"}[dual_pol]
        raise ValueError(f"{name} must have shape {want} with N >= 2; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    if arr.dtype == np.complex64:
        return arr
    return arr.astype(np.complex128, copy=False)


# --------------------------------------------------------------------------------------------------------
# bit sources
# --------------------------------------------------------------------------------------------------------
@njit(cache=True)
def _prbs_kernel(order, tap, state, n):  # pragma: no cover - compiled
    out = np.empty(n, np.uint8)
    s = state
    mask = (1 << order) - 1
    for i in range(n):
        bit = ((s >> (order - 1)) ^ (s >> (tap - 1))) & 1
        s = ((s << 1) | bit) & mask
        out[i] = bit
    return out


def _prbs_reference(order: int, n: int, state: int) -> np.ndarray:
    """Plain-Python LFSR (the reference of `_prbs_kernel` in the tests)."""
    tap, s, out = PRBS_TAPS[order], state, []
    for _ in range(n):
        bit = ((s >> (order - 1)) ^ (s >> (tap - 1))) & 1
        s = ((s << 1) | bit) & ((1 << order) - 1)
        out.append(bit)
    return np.array(out, dtype=np.uint8)


def prbs(order: int, n_bits: int, *, state: int | None = None) -> np.ndarray:
    """``n_bits`` bits (uint8) of the ITU-T O.150 PRBS of ``order`` (7, 15, 23 or 31), from the non-zero
    register ``state`` (default all ones). Period 2^order − 1."""
    if order not in PRBS_TAPS:
        raise ValueError(f"order must be one of {sorted(PRBS_TAPS)}; got {order!r}")
    n = check_int("n_bits", n_bits, low=1, high=MAX_SAMPLES)
    s = (1 << order) - 1 if state is None else check_int("state", state, low=1, high=(1 << order) - 1)
    return _prbs_kernel(order, PRBS_TAPS[order], s, n)


def random_bits(n_bits: int, *, rng) -> np.ndarray:
    """``n_bits`` independent fair bits (uint8) from ``rng`` (Generator or seed)."""
    return as_rng(rng).integers(0, 2, check_int("n_bits", n_bits, low=1, high=MAX_SAMPLES), dtype=np.uint8)


# --------------------------------------------------------------------------------------------------------
# constellations
# --------------------------------------------------------------------------------------------------------
def _gray_levels(n_levels: int) -> np.ndarray:
    """Amplitude index (0..L−1, left to right) of each Gray label: label g sits at level inv_gray(g)."""
    inv = np.empty(n_levels, dtype=np.int64)
    for level in range(n_levels):
        inv[level ^ (level >> 1)] = level
    return inv


def pam_levels(modulation: str) -> np.ndarray:
    """Unnormalised per-dimension amplitudes (−(L−1), …, L−1 in steps of 2) of ``modulation``."""
    m = BITS_PER_SYMBOL[check_modulation(modulation)]
    n_levels = 2 ** (m if modulation == "PAM4" else m // 2)
    return np.arange(-(n_levels - 1), n_levels, 2, dtype=float)


def _scale(modulation: str) -> float:
    """Factor that normalises the unnormalised grid to unit mean energy."""
    lv = pam_levels(modulation)
    per_dim = float(np.mean(lv**2))
    return 1.0 / math.sqrt(per_dim if modulation == "PAM4" else 2 * per_dim)


def constellation(modulation: str) -> np.ndarray:
    """Complex points indexed by label (unit mean energy; PAM4 real-valued, still complex dtype)."""
    m = BITS_PER_SYMBOL[check_modulation(modulation)]
    lv = pam_levels(modulation)
    inv = _gray_levels(lv.size)
    if modulation == "PAM4":
        return (lv[inv] * _scale(modulation)).astype(complex)
    half = m // 2
    labels = np.arange(2**m)
    i_lab, q_lab = labels >> half, labels & ((1 << half) - 1)
    return (lv[inv[i_lab]] + 1j * lv[inv[q_lab]]) * _scale(modulation)


def map_bits(bits, modulation: str) -> np.ndarray:
    """Symbols for ``bits`` (…, n·m) → (…, n), m = bits per symbol, MSB of each label first."""
    m = BITS_PER_SYMBOL[check_modulation(modulation)]
    b = np.asarray(bits)
    if b.dtype.kind not in "biu" or b.ndim == 0:
        raise TypeError(f"bits must be an array of integers 0/1 (or booleans); got dtype {b.dtype}, shape {b.shape}")
    if b.shape[-1] % m:
        raise ValueError(f"the number of bits ({b.shape[-1]}) must be a multiple of {m} for {modulation}")
    if b.size and (b.min() < 0 or b.max() > 1):
        raise ValueError("bits must be 0 or 1")
    b = b.reshape(*b.shape[:-1], -1, m).astype(np.int64)
    labels = b @ (1 << np.arange(m - 1, -1, -1))
    return constellation(modulation)[labels]


def _dim_indices(x: np.ndarray, n_levels: int, scale: float) -> np.ndarray:
    """Nearest level index (0..L−1) of real values ``x`` on the normalised grid."""
    return np.clip(np.rint((x / scale + (n_levels - 1)) / 2.0), 0, n_levels - 1).astype(np.int64)


def decide_labels(symbols, modulation: str) -> np.ndarray:
    """Labels of the nearest constellation points (per-dimension slicing: exact for these grids)."""
    y = check_record("symbols", symbols)
    lv = pam_levels(check_modulation(modulation))
    n_levels, s = lv.size, _scale(modulation)
    gray = np.arange(n_levels) ^ (np.arange(n_levels) >> 1)  # level index → Gray label
    li = gray[_dim_indices(y.real, n_levels, s)]
    if modulation == "PAM4":
        return li
    lq = gray[_dim_indices(y.imag, n_levels, s)]
    return (li << (BITS_PER_SYMBOL[modulation] // 2)) | lq


def decide(symbols, modulation: str) -> np.ndarray:
    """Hard decisions: the nearest constellation points."""
    return constellation(modulation)[decide_labels(symbols, modulation)]


def labels_to_bits(labels, modulation: str) -> np.ndarray:
    """Bits (…, n·m) of labels (…, n)."""
    m = BITS_PER_SYMBOL[check_modulation(modulation)]
    lab = np.asarray(labels)
    if lab.dtype.kind not in "iu" or lab.ndim == 0:
        raise TypeError(f"labels must be an integer array (…, n); got dtype {lab.dtype}, shape {lab.shape}")
    if lab.size and (lab.min() < 0 or lab.max() >= 2**m):
        raise ValueError(f"labels must be in [0, {2**m}) for {modulation}")
    lab = lab.astype(np.int64)
    bits = (lab[..., None] >> np.arange(m - 1, -1, -1)) & 1
    return bits.reshape(*lab.shape[:-1], -1).astype(np.uint8)


def demap_hard(symbols, modulation: str) -> np.ndarray:
    """Hard-decision bits (…, n·m) of received symbols (…, n)."""
    return labels_to_bits(decide_labels(symbols, modulation), modulation)


def llr(symbols, modulation: str, noise_variance, *, method: str = "maxlog") -> np.ndarray:
    """Bit LLRs ln P(b=0|y)/P(b=1|y), shape (…, n·m), for symbols (…, n) in circular Gaussian noise.

    ``noise_variance``: E|n|² of the complex noise (both dimensions; PAM4: the variance of the real noise).
    ``method``: ``"exact"`` (log-sum-exp over the points) or ``"maxlog"`` (nearest point of each bit set).
    For the per-dimension Gray grids used here the computation per dimension is exact, because the
    likelihood factorises into the I and Q dimensions and the bits of one dimension do not depend on the
    other (Alvarado et al., J. Lightwave Technol. 36, 424 (2018), §III).
    """
    if method not in ("maxlog", "exact"):
        raise ValueError(f"method must be 'maxlog' or 'exact'; got {method!r}")
    var = check_real("noise_variance", noise_variance, low=1e-30)  # below, the metrics overflow
    y = check_record("symbols", symbols)
    if np.abs(y).max() > 1e6:
        raise ValueError(f"symbols must be normalised (|y| <= 1e6); got max |y| = {np.abs(y).max():.3g}")
    lv = pam_levels(check_modulation(modulation)) * _scale(modulation)
    n_levels = lv.size
    k = int(round(math.log2(n_levels)))
    inv = _gray_levels(n_levels)
    # bit j (MSB first) of the Gray label of each level
    label_of_level = np.argsort(inv)
    bit_table = (label_of_level[:, None] >> np.arange(k - 1, -1, -1)) & 1  # (L, k)
    dim_var = var if modulation == "PAM4" else var / 2.0

    def dim_llr(x):
        metric = -((x[..., None] - lv) ** 2) / (2.0 * dim_var)  # (…, n, L) log-likelihoods up to a constant
        out = np.empty(x.shape + (k,))
        for j in range(k):
            m0, m1 = metric[..., bit_table[:, j] == 0], metric[..., bit_table[:, j] == 1]
            if method == "maxlog":
                out[..., j] = m0.max(axis=-1) - m1.max(axis=-1)
            else:
                out[..., j] = _logsumexp(m0) - _logsumexp(m1)
        return out

    if modulation == "PAM4":
        res = dim_llr(y.real)
    else:
        res = np.concatenate([dim_llr(y.real), dim_llr(y.imag)], axis=-1)
    return res.reshape(*y.shape[:-1], -1)


def _logsumexp(a: np.ndarray) -> np.ndarray:
    mx = a.max(axis=-1)
    return mx + np.log(np.exp(a - mx[..., None]).sum(axis=-1))


# --------------------------------------------------------------------------------------------------------
# pulse shaping (frequency domain on periodic records: no edge transients)
# --------------------------------------------------------------------------------------------------------
def rrc_response(frequency, baud_rate: float, roll_off: float) -> np.ndarray:
    """Root-raised-cosine amplitude response H(f), H(0) = 1, |H|² a raised cosine of ``roll_off``
    (Proakis, Digital Communications, 5th ed., eq. 9.2-26): Σₖ |H(f − k·baud)|² = 1 (Nyquist)."""
    baud = check_real("baud_rate", baud_rate, low=1.0, high=1e15)
    beta = check_real("roll_off", roll_off, low=0.0, high=1.0)
    f = np.abs(np.asarray(frequency, dtype=float))
    f1, f2 = (1 - beta) * baud / 2, (1 + beta) * baud / 2
    h = np.where(f < f1, 1.0, np.where(f == f1, math.sqrt(0.5), 0.0))  # β = 0: the brick wall's midpoint
    if beta > 0:
        h = np.where(f <= f1, 1.0, 0.0)
        mid = (f > f1) & (f < f2)
        h = np.where(mid, np.sqrt(np.clip(0.5 * (1 + np.cos(math.pi / (beta * baud) * (f - f1))), 0, 1)), h)
    return h


def rrc_taps(roll_off: float, sps: int, span: int) -> np.ndarray:
    """Time-domain RRC pulse of ``span`` symbols at ``sps`` samples per symbol, unit energy per symbol
    (Σ h² = sps): Proakis, 5th ed., eq. 9.2-27 (with its t = 0 and t = ±T/(4β) limits)."""
    beta = check_real("roll_off", roll_off, low=0.0, high=1.0, low_open=True)
    sps = check_int("sps", sps, low=1, high=4096)
    span = check_int("span", span, low=2, high=4096)
    t = np.arange(-span * sps // 2, span * sps // 2 + 1) / sps
    h = np.empty_like(t)
    for i, ti in enumerate(t):
        if abs(ti) < 1e-12:
            h[i] = 1 - beta + 4 * beta / math.pi
        elif abs(abs(ti) - 1 / (4 * beta)) < 1e-9:
            h[i] = beta / math.sqrt(2) * ((1 + 2 / math.pi) * math.sin(math.pi / (4 * beta))
                                          + (1 - 2 / math.pi) * math.cos(math.pi / (4 * beta)))
        else:
            h[i] = (math.sin(math.pi * ti * (1 - beta)) + 4 * beta * ti * math.cos(math.pi * ti * (1 + beta))) / (
                math.pi * ti * (1 - (4 * beta * ti) ** 2))
    return h * math.sqrt(sps / np.sum(h**2))


def samples_per_record(n_symbols: int, baud_rate: float, sample_rate: float) -> int:
    """Samples M for ``n_symbols`` at ``sample_rate``; ValueError unless M = n·fs/baud is an integer."""
    n_symbols = check_int("n_symbols", n_symbols, low=1, high=MAX_SAMPLES)
    m = n_symbols * check_positive("sample_rate", sample_rate) / check_positive("baud_rate", baud_rate)
    if not m <= MAX_SAMPLES:
        raise ValueError(f"the record would have {m:.3g} samples (n_symbols × sample_rate / baud_rate); at most "
                         f"{MAX_SAMPLES} are allowed")
    mi = int(round(m))
    if abs(m - mi) > 1e-6 * max(1.0, m) or mi < 1:
        raise ValueError(f"sample_rate/baud_rate × n_symbols must be an integer: {sample_rate:.6g}/{baud_rate:.6g}"
                         f" × {n_symbols} = {m:.6g}")
    return mi


def shape(symbols, baud_rate: float, sample_rate: float, roll_off: float = 0.1) -> np.ndarray:
    """RRC-shaped waveform (…, M) of a periodic symbol record (…, N) at ``sample_rate`` (M = N·fs/baud).

    x(t) = Σₖ aₖ·p(t − kT) with ∫|p|² = T, so the mean power of the waveform equals E|a|²; sample 0 is
    the centre of symbol 0. Built in the frequency domain (the record is one period), so there are no
    filter transients. ``sample_rate`` must cover the shaped spectrum: fs ≥ (1 + roll_off)·baud.
    """
    a = check_record("symbols", symbols)
    baud = check_positive("baud_rate", baud_rate)
    fs = check_positive("sample_rate", sample_rate)
    beta = check_real("roll_off", roll_off, low=0.0, high=1.0)
    if fs < (1 + beta) * baud * (1 - 1e-12):
        raise ValueError(f"sample_rate {fs:.6g} Hz is below the shaped bandwidth (1 + roll_off)·baud = "
                         f"{(1 + beta) * baud:.6g} Hz")
    n = a.shape[-1]
    m = samples_per_record(n, baud, fs)
    spec = sfft.fft(a, axis=-1)
    k = sfft.fftfreq(m, 1.0 / m).astype(np.int64)  # signed bin index on the output grid
    f = k * fs / m
    out = spec[..., k % n] * rrc_response(f, baud, beta) * (m / n)
    return sfft.ifft(out, axis=-1)


def matched_filter(samples, baud_rate: float, sample_rate: float, roll_off: float = 0.1) -> np.ndarray:
    """RRC matched filter and sampling at the symbol centres of a periodic record: (…, M) → (…, N).

    The inverse of `shape` on a noise-free record (Nyquist pulse); samples must be aligned to symbol 0.
    """
    x = check_record("samples", samples)
    baud = check_positive("baud_rate", baud_rate)
    fs = check_positive("sample_rate", sample_rate)
    m = x.shape[-1]
    n_f = m * baud / fs
    n = int(round(n_f)) if n_f <= m else 0
    if n < 1 or abs(n - n_f) > 1e-6 * max(1.0, n_f):
        raise ValueError(f"the record ({m} samples at {fs:.6g} Hz) is not a whole number of symbols at {baud:.6g} Bd")
    lead = x.shape[:-1]
    spec = sfft.fft(x.reshape(-1, m), axis=-1)
    k = sfft.fftfreq(m, 1.0 / m).astype(np.int64)
    spec = spec * rrc_response(k * fs / m, baud, roll_off)
    folded = np.zeros((spec.shape[0], n), dtype=complex)
    for i in range(spec.shape[0]):  # aliasing sum onto the symbol-rate grid = sampling at the symbol centres
        np.add.at(folded[i], k % n, spec[i])
    return (sfft.ifft(folded, axis=-1) * (n / m)).reshape(*lead, n)


# --------------------------------------------------------------------------------------------------------
# dual-polarization frames
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Frame:
    """A dual-polarization symbol frame: ``bits`` (2, n·m), ``symbols`` (2, n), ``payload`` (n,) bool.

    Pilot positions (``payload`` False) carry known QPSK symbols on the constellation's corner points; their
    bits are those of the corner points and are excluded from error counting.
    """

    modulation: str
    bits: np.ndarray
    symbols: np.ndarray
    payload: np.ndarray
    pilot_period: int | None

    @property
    def n_symbols(self) -> int:
        return int(self.symbols.shape[-1])

    @property
    def payload_bits_mask(self) -> np.ndarray:
        return np.repeat(self.payload, BITS_PER_SYMBOL[self.modulation])


def dual_pol_frame(n_symbols: int, modulation: str = "16QAM", *, rng=None, prbs_order: int | None = None,
                   pilot_period: int | None = 64) -> Frame:
    """A (2, n_symbols) frame of Gray-mapped symbols: random bits from ``rng`` (Generator or seed), or the
    ``prbs_order`` PRBS (Y takes the sequence half a period later). Every ``pilot_period``-th symbol (from 0)
    is a pilot: a random corner point of the constellation (400ZR inserts one pilot in 64 symbols:
    OIF-400ZR-01.0 §13.3; None: no pilots)."""
    n = check_int("n_symbols", n_symbols, low=2, high=MAX_SAMPLES // 16)
    m = BITS_PER_SYMBOL[check_modulation(modulation)]
    if prbs_order is None:
        if rng is None:
            raise ValueError("dual_pol_frame needs rng (Generator or seed) or prbs_order")
        gen = as_rng(rng)
        bits = gen.integers(0, 2, (2, n * m), dtype=np.uint8)
    else:
        gen = as_rng(0 if rng is None else rng)
        if prbs_order not in PRBS_TAPS:
            raise ValueError(f"prbs_order must be one of {sorted(PRBS_TAPS)}; got {prbs_order!r}")
        period = 2**prbs_order - 1
        seq = prbs(prbs_order, n * m + period // 2)
        bits = np.stack([seq[: n * m], seq[period // 2: period // 2 + n * m]])
    payload = np.ones(n, dtype=bool)
    if pilot_period is not None:
        pp = check_int("pilot_period", pilot_period, low=2)
        payload[::pp] = False
        pts = constellation(modulation)
        corners = np.flatnonzero(np.isclose(np.abs(pts), np.abs(pts).max()))
        if modulation == "PAM4":
            corners = np.flatnonzero(np.isclose(np.abs(pts), np.abs(pts).max()))
        n_p = int((~payload).sum())
        choice = corners[gen.integers(0, corners.size, (2, n_p))]
        lab_bits = labels_to_bits(choice, modulation).reshape(2, n_p, m)
        b = bits.reshape(2, n, m)
        b[:, ~payload, :] = lab_bits
        bits = b.reshape(2, n * m)
    symbols = map_bits(bits, modulation)
    return Frame(modulation=modulation, bits=bits, symbols=symbols, payload=payload,
                 pilot_period=None if pilot_period is None else int(pilot_period))
