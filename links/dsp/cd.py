"""Chromatic-dispersion compensation in the frequency domain: whole-record FFT or overlap-save blocks.

The compensating filter is the inverse of the fiber's dispersion (links.fiber convention,
H_fiber = exp(−j(β₂ω²/2 + β₃ω³/6)L)): H_cd(f) = exp(+j(β₂L·ω²/2 + β₃L·ω³/6)) with β₂L = −D·L·λ²/(2πc)
(Savory, "Digital filters for coherent optical receivers", Opt. Express 16, 804 (2008), eq. 4, in the e^{+jωt}
convention).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import fft as sfft

from optolink.core.units import CARRIER_FREQUENCY
from optolink.core.validate import check_array, check_int, check_positive, check_real

from ..signals import check_field

C = 299_792_458.0
DEFAULT_REFERENCE_FREQUENCY = CARRIER_FREQUENCY


def cd_response(frequency, dispersion_ps_nm: float, reference_frequency: float = DEFAULT_REFERENCE_FREQUENCY,
                slope_ps_nm2: float = 0.0):
    """H_cd(f) = exp[+j(β₂L·ω²/2 + β₃L·ω³/6)] that undoes an accumulated dispersion ``dispersion_ps_nm`` (D·L,
    ps/nm) and slope ``slope_ps_nm2`` (S·L, ps/nm²) at ``reference_frequency``: the exact inverse of
    `links.fiber.Fiber`'s dispersion (β₃ includes the 2D/λ term that a constant D implies)."""
    dl = check_real("dispersion_ps_nm", dispersion_ps_nm, low=-1e7, high=1e7) * 1e-3  # ps/nm → s/m
    sl = check_real("slope_ps_nm2", slope_ps_nm2, low=-1e6, high=1e6) * 1e6  # ps/nm² → s/m²
    lam = C / check_real("reference_frequency", reference_frequency, low=1e12, high=1e16)  # THz to UV
    beta2_l = -dl * lam**2 / (2 * math.pi * C)  # s²
    beta3_l = (lam**2 / (2 * math.pi * C)) ** 2 * (sl + 2 * dl / lam)  # s³
    w = 2 * math.pi * check_array("frequency", frequency, low=-1e15, high=1e15)  # baseband: |f| <= 1 PHz
    return np.exp(1j * (0.5 * beta2_l * w**2 + beta3_l / 6 * w**3))


def cd_memory_samples(dispersion_ps_nm: float, sample_rate: float,
                      reference_frequency: float = DEFAULT_REFERENCE_FREQUENCY) -> int:
    """Spread of the dispersion's impulse response over the simulated band, in samples: |D·L|·Δλ·fs with
    Δλ = λ²·fs/c."""
    lam = C / check_real("reference_frequency", reference_frequency, low=1e12, high=1e16)
    fs = check_positive("sample_rate", sample_rate)
    dtau = abs(check_real("dispersion_ps_nm", dispersion_ps_nm, low=-1e7, high=1e7)) * 1e-3 * (lam**2 * fs / C)
    memory = dtau * fs  # |D·L| [s/m] · Δλ [m] · fs
    if not memory <= 2**31:
        raise ValueError(f"the dispersion's memory is {memory:.3g} samples (dispersion {dispersion_ps_nm} ps/nm at "
                         f"{fs:.3g} Sa/s); at most 2**31 samples are supported")
    return int(math.ceil(memory))


def compensate_cd(samples, sample_rate: float, dispersion_ps_nm: float, *, method: str = "fft",
                  block_size: int | None = None, reference_frequency: float = DEFAULT_REFERENCE_FREQUENCY,
                  slope_ps_nm2: float = 0.0):
    """Undo ``dispersion_ps_nm`` (accumulated D·L, ps/nm; ``slope_ps_nm2`` S·L) on a periodic record (…, N) at
    ``sample_rate`` (Hz).

    ``method="fft"``: one multiply on the whole record's spectrum (exact for a periodic record).
    ``method="overlap-save"``: blocks of ``block_size`` samples (default: the power of two ≥ 4× the CD
    memory, at least 1024) overlapping by the CD memory plus a margin; the result approximates the "fft"
    one to ~1e-4 relative (the truncated impulse response of the all-pass filter), with memory use
    independent of the record length.
    """
    x = check_field("samples", samples)
    fs = check_positive("sample_rate", sample_rate)
    if method == "fft":
        f = sfft.fftfreq(x.shape[-1], 1.0 / fs)
        h = cd_response(f, dispersion_ps_nm, reference_frequency, slope_ps_nm2)
        return sfft.ifft(sfft.fft(x, axis=-1) * h, axis=-1)
    if method != "overlap-save":
        raise ValueError(f"method must be 'fft' or 'overlap-save'; got {method!r}")
    n = x.shape[-1]
    mem = cd_memory_samples(dispersion_ps_nm, fs, reference_frequency)
    overlap = 2 * ((int(1.2 * mem) + 64) // 2)  # even; the margin covers the response's decaying tails
    if block_size is None:
        nfft = max(1024, 1 << math.ceil(math.log2(4 * overlap)))
    else:
        nfft = check_int("block_size", block_size, low=2)
        if nfft <= overlap:
            raise ValueError(f"block_size must exceed the CD memory + margin ({overlap} samples); got {nfft}")
    hop = nfft - overlap
    h = cd_response(sfft.fftfreq(nfft, 1.0 / fs), dispersion_ps_nm, reference_frequency, slope_ps_nm2)
    n_blocks = math.ceil(n / hop)
    lead = x.reshape(-1, n)
    out = np.empty_like(lead, dtype=complex)
    # the record is periodic: read blocks with wrap-around, keep the centre hop of each
    idx = (np.arange(nfft)[None, :] + np.arange(n_blocks)[:, None] * hop - overlap // 2) % n
    for p in range(lead.shape[0]):
        blocks = lead[p][idx]
        y = sfft.ifft(sfft.fft(blocks, axis=-1) * h, axis=-1)[:, overlap // 2: overlap // 2 + hop]
        out[p] = y.reshape(-1)[:n]
    return out.reshape(x.shape)
