"""PAM4 transmitters built from the photonics devices: a microring driven through its coupled-mode dynamics,
a Mach–Zehnder modulator at quadrature, and laser RIN.

Each returns the optical power waveform (W) at ``sps`` samples per symbol. The drive is the PAM4 symbol
sequence mapped to voltages (optionally pre-distorted levels and an FFE pre-emphasis), held for a symbol and
smoothed by a Gaussian edge of the driver's rise time.
"""

from __future__ import annotations

import math

import numpy as np

from optolink.core.validate import as_rng, check_array, check_int, check_positive, check_real


def pam4_drive(symbols, sps: int, v_low: float, v_high: float, *, levels=None, pre_emphasis=None,
               rise_time: float | None = None, baud_rate: float | None = None) -> np.ndarray:
    """Drive voltage (V) for PAM4 ``symbols`` (0..3): levels between ``v_low`` and ``v_high`` (``levels``: four
    fractions of the swing for pre-distortion; default equally spaced), ``pre_emphasis``: T-spaced FFE taps
    (main tap largest, applied to the symbol levels, then rescaled to the swing), ``rise_time`` (s, 20-80 %,
    Gaussian edge; needs ``baud_rate``)."""
    sym = np.asarray(symbols)
    if sym.dtype.kind not in "iu" or sym.ndim != 1 or sym.size < 2 or not np.isin(sym, (0, 1, 2, 3)).all():
        raise ValueError("symbols must be a 1-D integer array of PAM4 symbols 0..3")
    sps = check_int("sps", sps, low=2, high=4096)
    if sym.size * sps > 2**27:
        raise ValueError(f"{sym.size} symbols at {sps} samples per symbol exceed 2**27 samples")
    lv = np.array([0.0, 1 / 3, 2 / 3, 1.0]) if levels is None else check_array("levels", levels)
    if lv.shape != (4,):
        raise ValueError(f"levels must hold 4 fractions of the swing; got shape {lv.shape}")
    x = lv[sym]
    if pre_emphasis is not None:
        taps = check_array("pre_emphasis", pre_emphasis)
        main = int(np.argmax(np.abs(taps)))
        y = sum(c * np.roll(x, k - main) for k, c in enumerate(taps))
        x = (y - y.min()) / (y.max() - y.min())
    v = check_real("v_low", v_low) + (check_real("v_high", v_high) - v_low) * np.repeat(x, sps)
    if rise_time is not None:
        fs = check_positive("baud_rate", baud_rate) * sps
        sigma = check_positive("rise_time", rise_time) / 1.683  # 20-80 % of a Gaussian edge = 1.683 σ
        f = np.fft.rfftfreq(v.size, 1 / fs)
        v = np.fft.irfft(np.fft.rfft(v) * np.exp(-0.5 * (2 * math.pi * f * sigma) ** 2), v.size)
    return v


def add_rin(power, sample_rate: float, rin_db_per_hz: float, rng) -> np.ndarray:
    """Power with white relative intensity noise of one-sided PSD ``rin_db_per_hz`` over the simulated band
    (variance RIN·fs/2·P²)."""
    p = check_array("power", power)
    fs = check_positive("sample_rate", sample_rate)
    rin = 10 ** (check_real("rin_db_per_hz", rin_db_per_hz, high=-60.0) / 10)
    return p * (1.0 + as_rng(rng).normal(0.0, math.sqrt(rin * fs / 2), p.shape))


def laser_rin_db_per_hz(laser, current: float, frequency: float = 10e9) -> float:
    """RIN (dB/Hz) of a :class:`photonics.lasers.RateEquationLaser` at ``current`` and ``frequency``."""
    return float(10 * math.log10(laser.rin(frequency, current)))


def ring_pam4(ring, symbols, baud_rate: float, sps: int = 8, *, v_low: float = 0.0, v_high: float = 2.0,
              input_power: float = 1e-3, detuning: float = 0.0, rise_time: float | None = None,
              levels=None, pre_emphasis=None) -> np.ndarray:
    """Through-port power (W) of a :class:`photonics.rings.RingModulator` driven by PAM4 through its time-domain
    coupled-mode dynamics (junction RC, photon lifetime, nonlinear Lorentzian transfer). ``detuning`` (m) moves
    the laser from the ring's operating wavelength at mid swing (positive: red)."""
    fs = check_positive("baud_rate", baud_rate) * check_int("sps", sps, low=2)
    v = pam4_drive(symbols, sps, v_low, v_high, levels=levels, pre_emphasis=pre_emphasis, rise_time=rise_time,
                   baud_rate=baud_rate)
    wl = ring.operating_wavelength(0.5 * (v_low + v_high)) + check_real("detuning", detuning)
    # run the pattern twice and keep the second pass: the periodic steady state a scope records
    sim = ring.simulate(np.concatenate([v, v]), fs, wavelength=wl, input_power=input_power)
    return np.asarray(sim.through_power)[v.size:]


def mzm_pam4(mzm, symbols, baud_rate: float, sps: int = 8, *, swing: float = 2.0, input_power: float = 1e-3,
             rise_time: float | None = None, levels=None, pre_emphasis=None,
             bandwidth_limited: bool = True) -> np.ndarray:
    """Output power (W) of a :class:`photonics.modulators.MachZehnderModulator` (biased by its own
    ``phase_bias``, quadrature by default) for a PAM4 line drive of peak-to-peak ``swing`` (V) centred on 0."""
    fs = check_positive("baud_rate", baud_rate) * check_int("sps", sps, low=2)
    s = check_positive("swing", swing)
    v = pam4_drive(symbols, sps, -s / 2, s / 2, levels=levels, pre_emphasis=pre_emphasis, rise_time=rise_time,
                   baud_rate=baud_rate)
    field = np.full(v.size, math.sqrt(check_positive("input_power", input_power)), dtype=complex)
    out = mzm.modulate(field, v, fs, bandwidth_limited=bandwidth_limited)
    return np.abs(out) ** 2
