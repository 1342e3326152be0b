"""Resampling and timing recovery: FFT resampling of periodic records, fractional delays, Gardner clock
recovery with a cubic (Farrow) interpolator.

Gardner timing-error detector (F. M. Gardner, IEEE Trans. Commun. 34, 423 (1986)) at two samples per symbol,
summed over polarizations: e_k = Re{ y*(k − ½) · [y(k) − y(k − 1)] }; a proportional-integral loop steers
the sampling instant; a cubic Lagrange interpolator (Erup, Gardner & Harris, IEEE Trans. Commun. 41, 998
(1993)) produces the samples at the recovered instants.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from scipy import fft as sfft
from scipy import signal

from optolink.core.validate import check_positive, check_real

from ..signals import MAX_SAMPLES, check_field, check_record


def resample(x, sample_rate_in: float, sample_rate_out: float) -> np.ndarray:
    """Band-limited (FFT) resampling of a periodic record (…, N) → (…, N·out/in); N·out/in must be an integer.

    Downsampling drops the spectrum beyond the new Nyquist frequency (an ideal anti-alias filter).
    """
    a = check_record("x", x)
    fi = check_positive("sample_rate_in", sample_rate_in)
    fo = check_positive("sample_rate_out", sample_rate_out)
    n = a.shape[-1]
    m_f = n * fo / fi
    if not m_f <= MAX_SAMPLES:
        raise ValueError(f"resampling {n} samples from {fi:.6g} Hz to {fo:.6g} Hz gives {m_f:.3g} samples; at most "
                         f"{MAX_SAMPLES}")
    m = int(round(m_f))
    if abs(m - m_f) > 1e-6 * max(1.0, m_f) or m < 1:
        raise ValueError(f"cannot resample {n} samples from {fi:.6g} Hz to {fo:.6g} Hz: {m_f:.6g} is not an integer")
    if m == n:
        return a.astype(complex, copy=True)
    return signal.resample(a.astype(complex, copy=False), m, axis=-1)


def fractional_delay(x, delay: float) -> np.ndarray:
    """Periodic record delayed by ``delay`` samples (any real): y[n] = x(n − delay), band-limited."""
    a = check_record("x", x)
    d = check_real("delay", delay, low=-(2.0**52), high=2.0**52)  # beyond, the phase ramp loses every digit
    f = sfft.fftfreq(a.shape[-1])
    return sfft.ifft(sfft.fft(a, axis=-1) * np.exp(-2j * math.pi * f * d), axis=-1)


@njit(cache=True)
def _interp_cubic(x, p, t):  # pragma: no cover - compiled
    """Cubic Lagrange interpolation of row p of the periodic record x at real position t."""
    n = x.shape[1]
    m = math.floor(t)
    mu = t - m
    i0 = (m - 1) % n
    i1 = m % n
    i2 = (m + 1) % n
    i3 = (m + 2) % n
    c0 = -mu * (mu - 1.0) * (mu - 2.0) / 6.0
    c1 = (mu + 1.0) * (mu - 1.0) * (mu - 2.0) / 2.0
    c2 = -(mu + 1.0) * mu * (mu - 2.0) / 2.0
    c3 = (mu + 1.0) * mu * (mu - 1.0) / 6.0
    return c0 * x[p, i0] + c1 * x[p, i1] + c2 * x[p, i2] + c3 * x[p, i3]


@njit(cache=True)
def _gardner_kernel(x, kp, ki, tau0):  # pragma: no cover - compiled
    """Gardner loop over a (P, 2·K) record at 2 sps; returns the (P, 2·K) resampled record and τ per symbol."""
    n_pol = x.shape[0]
    n_sym = x.shape[1] // 2
    out = np.empty((n_pol, 2 * n_sym), np.complex128)
    taus = np.empty(n_sym)
    tau = tau0
    integ = 0.0
    prev = np.zeros(n_pol, np.complex128)
    for k in range(n_sym):
        e = 0.0
        for p in range(n_pol):
            mid = _interp_cubic(x, p, 2.0 * k - 1.0 + tau)
            cur = _interp_cubic(x, p, 2.0 * k + tau)
            out[p, 2 * k] = cur
            out[p, (2 * k - 1) % (2 * n_sym)] = mid
            if k > 0:
                e += (mid.real * (cur.real - prev[p].real) + mid.imag * (cur.imag - prev[p].imag))
            prev[p] = cur
        taus[k] = tau
        integ += ki * e
        tau -= kp * e + integ  # e > 0: sampling late
    return out, taus


def _gardner_reference(x, tau):
    """NumPy reference of one Gardner error at a fixed timing offset ``tau`` (samples), averaged over symbols."""
    y = np.stack([fractional_delay(r, -tau) for r in np.atleast_2d(x)])
    cur, mid = y[:, 0::2], y[:, 1::2]
    prev = np.roll(cur, 1, axis=-1)
    mid_before = np.roll(mid, 1, axis=-1)  # y(k − ½) = sample 2k − 1
    return float(np.mean(np.sum((mid_before.conj() * (cur - prev)).real, axis=0)))


def gardner_s_curve(samples) -> tuple[float, float]:
    """Feedforward timing estimate of a 2-sps record from its mean Gardner error at offsets 0 and ½ sample.

    The mean error is e(τ) ≈ A·sin(π(τ − τₛ)) (one period per symbol), so τₛ = atan2(−e(0), e(½))/π is the
    stable sampling offset (samples) and A the S-curve amplitude. Returns ``(tau_s, A)``.
    """
    x = np.atleast_2d(check_field("samples", samples))
    if x.shape[-1] % 2:
        raise ValueError(f"samples must have an even number of samples (2 per symbol); got {x.shape[-1]}")
    e0 = _gardner_reference(x, 0.0)
    e5 = _gardner_reference(x, 0.5)
    return math.atan2(-e0, e5) / math.pi, math.hypot(e0, e5)


def gardner_timing_recovery(samples, *, loop_gain: float = 1e-3, integral_gain: float | None = None,
                            initial_offset: float | None = None):
    """Recover the symbol timing of a 2-sample-per-symbol record (N,) or (P, N), N even; returns
    ``(resampled, tau)``: the record re-sampled at the recovered instants (same shape) and the timing offset
    τ (samples at 2 sps, positive = later) per symbol.

    The feedforward estimate of `gardner_s_curve` (or ``initial_offset``) is applied first as an exact FFT
    delay; the loop (cubic interpolation) then tracks what changes along the record. Its gains are
    normalised by the S-curve slope π·A, so ``loop_gain`` is the fraction of a timing error corrected per
    symbol whatever the signal's roll-off and level; ``integral_gain`` (default loop_gain²/4) tracks a
    clock-frequency offset. Periodic record (indices wrap)."""
    x = check_field("samples", samples)
    one = x.ndim == 1
    x2 = np.ascontiguousarray(np.atleast_2d(x), dtype=np.complex128)
    if x2.shape[1] % 2:
        raise ValueError(f"samples must have an even number of samples (2 per symbol); got {x2.shape[1]}")
    kp = check_real("loop_gain", loop_gain, low=0.0, high=1.0)
    ki = kp**2 / 4 if integral_gain is None else check_real("integral_gain", integral_gain, low=0.0, high=1.0)
    norm = np.sqrt(np.mean(np.abs(x2) ** 2, axis=1, keepdims=True))
    xn = x2 / np.where(norm > 0, norm, 1.0)
    tau_s, amp = gardner_s_curve(xn)
    tau0 = tau_s if initial_offset is None else check_real("initial_offset", initial_offset, low=-1e6, high=1e6)
    # the static part exactly (band-limited FFT delay), so the cubic interpolator only handles what the loop adds
    xn = np.ascontiguousarray(fractional_delay(xn, -tau0))
    slope = math.pi * max(amp, 1e-12)
    out, taus = _gardner_kernel(xn, kp / slope, ki / slope, 0.0)
    taus += tau0
    out *= norm
    return (out[0] if one else out), taus
