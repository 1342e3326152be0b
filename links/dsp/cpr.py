"""Carrier-phase recovery: blind phase search (BPS) and pilot-aided cycle-slip correction.

BPS (Pfau, Hoffmann & Noé, J. Lightwave Technol. 27, 989 (2009)): each symbol is rotated by B test phases in
[−π/4, π/4); the squared distance to the nearest constellation point is summed over a sliding window of
``window`` symbols and the test phase with the smallest sum wins. The π/2-periodic estimate is unwrapped
(the nearest of the four π/2 branches to the previous phase), so the returned phase has no π/2 jumps; a
cycle slip (a wrong branch choice at low SNR) then rotates all later symbols by a multiple of π/2.

Cycle-slip robustness is provided by pilots (stated choice; no differential coding): `pilot_slip_correction`
reads the quadrant rotation at each known pilot symbol (400ZR inserts one every 64 symbols), takes the
majority over a centred window of pilots, and de-rotates the symbols around each pilot by it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from optolink.core.validate import check_int

from ..signals import check_field, check_modulation, check_record, constellation


@njit(cache=True, fastmath=True)
def _bps_row(xr, cos_t, sin_t, lo, step, top, half, phase_out, out):  # pragma: no cover - compiled
    """BPS of one row: distances to the nearest point for every test phase, a ring-buffer window sum and the
    unwrapped argmin, in one pass. All arithmetic in floats so the test-phase loops vectorise."""
    n = xr.size
    n_b = cos_t.size
    w = 2 * half + 1
    quarter = 0.5 * math.pi
    inv = 1.0 / step
    ring = np.zeros((w, n_b))
    sums = np.zeros(n_b)
    d = np.empty(n_b)
    prev = 0.0
    for j in range(n + half):
        slot = j % w
        if j < n:
            vr = xr[j].real
            vi = xr[j].imag
            for b in range(n_b):
                zr = vr * cos_t[b] + vi * sin_t[b]
                zi = vi * cos_t[b] - vr * sin_t[b]
                ir = min(max(np.floor((zr - lo) * inv + 0.5), 0.0), top)
                ii = min(max(np.floor((zi - lo) * inv + 0.5), 0.0), top)
                dr = zr - (lo + ir * step)
                di = zi - (lo + ii * step)
                d[b] = dr * dr + di * di
        else:
            for b in range(n_b):
                d[b] = 0.0
        for b in range(n_b):
            sums[b] += d[b] - ring[slot, b]
            ring[slot, b] = d[b]
        k = j - half
        if k >= 0:
            best = 0
            vbest = sums[0]
            for b in range(1, n_b):
                if sums[b] < vbest:
                    vbest = sums[b]
                    best = b
            est = (best / n_b - 0.5) * quarter
            if k == 0:
                ph = est
            else:
                ph = est + quarter * math.floor((prev - est) / quarter + 0.5)
            phase_out[k] = ph
            out[k] = xr[k] * complex(math.cos(ph), -math.sin(ph))
            prev = ph


@njit(cache=True, parallel=True)
def _bps_kernel(x, cos_t, sin_t, levels, half, phase_out, out):  # pragma: no cover - compiled
    """BPS over the rows of x (P, N), one thread per row (the polarizations are independent); writes the
    unwrapped phase (rad) into phase_out (P, N) and the de-rotated symbols into out (P, N)."""
    lo = levels[0]
    step = levels[1] - levels[0]
    top = float(levels.size - 1)
    for p in prange(x.shape[0]):
        _bps_row(x[p], cos_t, sin_t, lo, step, top, half, phase_out[p], out[p])


def _bps_reference(x, modulation, n_test_phases, window):
    """Plain NumPy BPS (the reference of `_bps_kernel` in the tests)."""
    pts = constellation(modulation)
    tests = (np.arange(n_test_phases) / n_test_phases - 0.5) * (np.pi / 2)
    z = x[None, :] * np.exp(-1j * tests)[:, None]
    d = np.min(np.abs(z[:, :, None] - pts[None, None, :]) ** 2, axis=-1)  # (B, N)
    half = window // 2
    c = np.concatenate([np.zeros((n_test_phases, 1)), np.cumsum(d, axis=1)], axis=1)
    n = x.size
    lo = np.clip(np.arange(n) - half, 0, n)
    hi = np.clip(np.arange(n) + half + 1, 0, n)
    sums = c[:, hi] - c[:, lo]
    est = tests[np.argmin(sums, axis=0)]
    ph = np.empty(n)
    ph[0] = est[0]
    for k in range(1, n):
        ph[k] = est[k] + (np.pi / 2) * np.round((ph[k - 1] - est[k]) / (np.pi / 2))
    return ph


def blind_phase_search(symbols, modulation: str = "16QAM", n_test_phases: int = 64, window: int = 35):
    """BPS carrier recovery of symbols (N,) or (P, N) at one sample per symbol, normalised to unit mean energy
    per row here. Returns ``(corrected, phase)``: de-rotated symbols (normalised) and the unwrapped phase
    estimate (rad, same shape), with no π/2 jumps inside the record. ``window`` (odd count of symbols)."""
    x = check_field("symbols", symbols)
    check_modulation(modulation)
    if modulation == "PAM4":
        raise ValueError("blind_phase_search needs a complex (QPSK/QAM) format; got 'PAM4'")
    b = check_int("n_test_phases", n_test_phases, low=2, high=4096)
    w = check_int("window", window, low=1, high=100_001)
    x2 = np.atleast_2d(x)
    if not np.all(np.any(x2 != 0, axis=-1)):
        raise ValueError("symbols must not be all zero (a row without signal has no phase to recover)")
    e = -np.frexp(np.max(np.abs(x2), axis=-1, keepdims=True))[1]  # first to O(1) by a power of two: the mean
    x2 = np.ldexp(x2.real, e) + 1j * np.ldexp(x2.imag, e)  # energy of tiny input underflows, huge overflows
    x2 = np.ascontiguousarray(x2 / np.sqrt(np.mean(x2.real**2 + x2.imag**2, axis=-1, keepdims=True)),
                              dtype=np.complex128)
    tests = (np.arange(b) / b - 0.5) * (math.pi / 2)
    levels = np.unique(np.round(constellation(modulation).real, 12))
    phase = np.empty(x2.shape)
    out = np.empty_like(x2)
    _bps_kernel(x2, np.cos(tests), np.sin(tests), levels, w // 2, phase, out)
    if x.ndim == 1:
        return out[0], phase[0]
    return out, phase


def pilot_slip_correction(symbols, reference, pilot_mask, *, span: int = 9):
    """Undo π/2 cycle slips with known pilots. ``symbols`` (…, N) after carrier recovery and alignment,
    ``reference`` (…, N) the transmitted symbols (only pilot positions are read), ``pilot_mask`` (N,) True at
    pilots. Each symbol is de-rotated by the majority quadrant of the ``span`` pilots centred on its nearest
    pilot. Returns ``(corrected, n_slips)``, n_slips the number of quadrant changes found (all rows)."""
    y = check_record("symbols", symbols)
    ref = check_record("reference", reference)
    mask = np.asarray(pilot_mask, dtype=bool)
    if y.shape != ref.shape or mask.shape != y.shape[-1:]:
        raise ValueError(f"symbols {y.shape}, reference {ref.shape} and pilot_mask {mask.shape} do not fit")
    span = check_int("span", span, low=1, high=2**20)
    pos = np.flatnonzero(mask)
    if pos.size == 0:
        raise ValueError("pilot_mask marks no pilots")
    y2, r2 = np.atleast_2d(y), np.atleast_2d(ref)
    out = np.empty_like(y2)
    n = y2.shape[-1]
    # nearest pilot of every symbol (no wrap-around: a slip splits the record, its two ends do not meet)
    k = np.arange(n)
    right = np.clip(np.searchsorted(pos, k), 0, pos.size - 1)
    left = np.clip(right - 1, 0, pos.size - 1)
    nearest = np.where(np.abs(k - pos[left]) <= np.abs(pos[right] - k), left, right)
    half = span // 2
    slips = 0
    for row in range(y2.shape[0]):
        q = np.mod(np.rint(np.angle(y2[row, pos] * np.conj(r2[row, pos])) / (math.pi / 2)), 4).astype(int)
        onehot = np.zeros((pos.size + 1, 4))
        onehot[np.arange(1, pos.size + 1), q] = 1
        c = np.cumsum(onehot, axis=0)  # window counts from cumulative sums, windows clipped at the ends
        lo = np.clip(np.arange(pos.size) - half, 0, pos.size)
        hi = np.clip(np.arange(pos.size) + half + 1, 0, pos.size)
        qm = np.argmax(c[hi] - c[lo], axis=1)
        slips += int(np.count_nonzero(np.diff(qm)))
        out[row] = y2[row] * (1j) ** (-qm[nearest])
    return (out[0] if y.ndim == 1 else out), slips
