"""PAM4 transmitters built from the photonics devices: a microring driven through its coupled-mode dynamics,
a Mach–Zehnder modulator at quadrature, and laser RIN.

Each returns the optical power waveform (W) at ``sps`` samples per symbol. The drive is the PAM4 symbol
sequence mapped to voltages (optionally pre-distorted levels and an FFE pre-emphasis), held for a symbol and
smoothed by a Gaussian edge of the driver's rise time. :func:`at_wavelength` moves a device to another design
wavelength (an O-band lane): every waveguide of the device is re-solved there with the material dispersion of
``photonics.materials`` (silicon and silica Sellmeier fits, the 1.3 µm plasma-dispersion fit).
"""

from __future__ import annotations

import dataclasses
import logging
import math

import numpy as np

from optolink.core.constants import C
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


def at_wavelength(device, wavelength: float, *, keep_coupling: bool = True, clamp_gap: bool = False):
    """A copy of a photonics device (ring, MZM, phase shifter, ...) with every waveguide in it designed for
    ``wavelength`` (m): effective and group index, mode overlap and the plasma-dispersion fit are evaluated there.
    A ring's tracked resonance (``order=None``) is then the one nearest the new wavelength.

    ``keep_coupling`` (rings): re-choose the bus (and drop) gap so that the coupler's power coupling at the new
    wavelength equals the original's — the same ring design ported to the band. Without it the layout's gap is
    kept: a C-band ring is then far under-coupled at 1311 nm (the mode is more confined and couples less).
    A coupling no gap in the coupling model's range reaches raises ``ValueError``; with ``clamp_gap`` the
    nearest end of the range is taken instead (the closest the process allows) and a warning logged.
    """
    from photonics.rings import RingModulator
    from photonics.waveguides import RibWaveguide

    wl = check_real("wavelength", wavelength, low=1.2e-6, high=2.0e-6)

    def walk(obj):
        if isinstance(obj, RibWaveguide):
            return dataclasses.replace(obj, wavelength=wl)
        if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
            return obj
        changes = {}
        for f in dataclasses.fields(obj):
            if f.init:
                v = getattr(obj, f.name)
                new = walk(v)
                if new is not v:
                    changes[f.name] = new
        return dataclasses.replace(obj, **changes) if changes else obj

    out = walk(device)
    if keep_coupling and isinstance(device, RingModulator):
        out = dataclasses.replace(out, gap=_gap_for(out, device.power_coupling, "gap", clamp_gap))
        if device.drop_gap is not None:
            out = dataclasses.replace(out, drop_gap=_gap_for(out, device.drop_power_coupling, "drop_gap", clamp_gap))
    return out


def _gap_for(ring, power_coupling: float, which: str, clamp: bool = False) -> float:
    """The gap (m) at which ``ring``'s bus (``which="gap"``) or drop coupler has ``power_coupling``."""
    from scipy.optimize import brentq

    cm = ring.coupling_model

    def f(g):
        r = dataclasses.replace(ring, **{which: g})
        return (r.power_coupling if which == "gap" else r.drop_power_coupling) - power_coupling

    lo, hi = cm.min_gap, cm.max_gap
    f_lo, f_hi = f(lo), f(hi)
    if clamp and (f_lo < 0 or f_hi > 0):
        g = lo if f_lo < 0 else hi
        logging.getLogger(__name__).warning(
            "no %s in [%g, %g] m gives power coupling %.4g at %g m: %s = %g m gives %.4g", which, lo, hi,
            power_coupling, ring.design_wavelength, which, g, power_coupling + (f_lo if g == lo else f_hi))
        return g
    if f_lo < 0 or f_hi > 0:
        raise ValueError(f"no {which} in [{lo:g}, {hi:g}] m gives power coupling {power_coupling:.4g} at "
                         f"{ring.design_wavelength:g} m")
    return brentq(f, lo, hi, xtol=1e-13)


RING_WARMUP_SYMBOLS = 64  # symbols simulated before the record (≫ the ring's photon lifetime and RC time)
RING_STEP = 0.5  # RK4 step × the fastest rate of the ring's equations (photonics' default: 0.05)


def ring_pam4(ring, symbols, baud_rate: float, sps: int = 8, *, v_low: float = 0.0, v_high: float = 2.0,
              input_power: float = 1e-3, detuning: float = 0.0, rise_time: float | None = None,
              levels=None, pre_emphasis=None, max_step: float | None = None) -> np.ndarray:
    """Through-port power (W) of a :class:`photonics.rings.RingModulator` driven by PAM4 through its time-domain
    coupled-mode dynamics (junction RC, photon lifetime, nonlinear Lorentzian transfer). ``detuning`` (m) moves
    the laser from the ring's operating wavelength at mid swing (positive: red).

    The last ``RING_WARMUP_SYMBOLS`` symbols of the pattern are simulated first and dropped, so the record is
    the periodic steady state a scope records. ``max_step`` (s): the RK4 step; by default ``RING_STEP`` over the
    fastest rate of the equations (laser–resonance detuning, photon decay, junction RC), an h·ω of 0.5 at which
    RK4's error stays below 1e-4 of the power (10× coarser than ``RingModulator.simulate``'s default).
    """
    fs = check_positive("baud_rate", baud_rate) * check_int("sps", sps, low=2)
    v = pam4_drive(symbols, sps, v_low, v_high, levels=levels, pre_emphasis=pre_emphasis, rise_time=rise_time,
                   baud_rate=baud_rate)
    wl = ring.operating_wavelength(0.5 * (v_low + v_high)) + check_real("detuning", detuning)
    if max_step is None:
        from photonics.ring_dynamics import rates

        grid = np.linspace(float(v.min()) - 0.1, float(v.max()) + 0.1, 33).clip(-1.0, None)
        w0, decay = rates(ring, grid)
        fastest = max(float(np.max(np.abs(w0 - 2 * math.pi * C / wl))), float(np.max(decay)),
                      float(np.max(1.0 / np.asarray(ring.rc_time_constant(grid)))))
        max_step = RING_STEP / fastest
    warm = min(RING_WARMUP_SYMBOLS, len(symbols)) * sps
    sim = ring.simulate(np.concatenate([v[-warm:], v]), fs, wavelength=wl, input_power=input_power,
                        max_step=max_step)
    return np.asarray(sim.through_power)[warm:]


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
