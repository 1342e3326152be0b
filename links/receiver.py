"""Coherent receiver front end: LO laser, polarization-diverse 90° hybrid, balanced photodiodes and TIAs from
``photonics.detectors`` (shot and thermal/TIA noise), ADC (rate, ENOB, bandwidth).

Hybrid (power-conserving 2×4 per polarization, LO split equally between the polarizations): outputs
(s ± l)/2 and (s ± j·e^{jφₕ}·l)/2, φₕ the hybrid's phase error; balanced detection gives
I ∝ Re(s·l*) and Q ∝ Im(s·l*·e^{−jφₕ}), so I + jQ ∝ s·l* (Kikuchi, J. Lightwave Technol. 34, 157 (2016), §III).
ADC: a Gaussian low-pass, an automatic gain that puts full scale at ``clip_ratio`` × RMS, clipping and white
quantisation noise Δ²/12 (the ENOB definition; an approximation of a real quantiser), then resampling to its
rate (band-limited).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import fft as sfft

from optolink.core.units import dbm_to_watt
from optolink.core.validate import as_rng, check_positive, check_real
from photonics.cw_laser import PhaseNoiseLaser
from photonics.detectors import BalancedPhotodiode, TransimpedanceAmplifier

from .dsp.timing import resample
from .signals import check_field
from .transmitter import check_converter, gaussian_response


@dataclass(frozen=True)
class Adc:
    """Analog-to-digital converter: ``sample_rate`` (Hz; None: the simulation rate), ``enob`` (bits; None:
    none), ``bandwidth`` (Hz, −3 dB Gaussian; None: none), ``clip_ratio`` (full scale / RMS after the AGC)."""

    sample_rate: float | None = None
    enob: float | None = 6.0
    bandwidth: float | None = 40e9
    clip_ratio: float = 4.0

    def __post_init__(self):
        check_converter(self)

    def convert(self, analog, sample_rate: float, *, rng) -> np.ndarray:
        """Real tributaries (T, M) at ``sample_rate`` → digitised (T, M') at the ADC rate, in units of full scale."""
        x = np.asarray(analog, dtype=float)
        fs = check_positive("sample_rate", sample_rate)
        if self.bandwidth is not None:
            f = sfft.rfftfreq(x.shape[-1], 1.0 / fs)
            x = sfft.irfft(sfft.rfft(x, axis=-1) * gaussian_response(f, self.bandwidth), x.shape[-1], axis=-1)
        rms = np.sqrt(np.mean(x**2, axis=-1, keepdims=True))
        x = np.clip(x / (self.clip_ratio * np.where(rms > 0, rms, 1.0)), -1.0, 1.0)
        if self.enob is not None:
            x = x + as_rng(rng).standard_normal(x.shape) * (2.0 / 2**self.enob / math.sqrt(12))
        if self.sample_rate is not None and abs(self.sample_rate - fs) > 1e-9 * fs:
            x = resample(x, fs, self.sample_rate).real
        return x


@dataclass(frozen=True)
class CoherentReceiver:
    """Polarization-diverse intradyne receiver. ``lo``: the local oscillator (its ``frequency_offset`` is the
    LO − carrier offset); ``hybrid_phase_error`` (rad); ``tia`` None: the photodiode's load resistor;
    ``noise``: shot and thermal/TIA noise on. Output: complex (2, M) ADC samples, I + jQ per polarization."""

    lo: PhaseNoiseLaser = field(default_factory=lambda: PhaseNoiseLaser(power=dbm_to_watt(13.0), linewidth=100e3))
    photodiode: BalancedPhotodiode = field(default_factory=BalancedPhotodiode)
    tia: TransimpedanceAmplifier | None = field(default_factory=TransimpedanceAmplifier)
    adc: Adc = field(default_factory=Adc)
    hybrid_phase_error: float = 0.0
    noise: bool = True

    def __post_init__(self):
        if not isinstance(self.lo, PhaseNoiseLaser):
            raise TypeError(f"lo must be a photonics.cw_laser.PhaseNoiseLaser; got {type(self.lo).__name__}")
        if not isinstance(self.photodiode, BalancedPhotodiode):
            raise TypeError(f"photodiode must be a BalancedPhotodiode; got {type(self.photodiode).__name__}")
        if self.tia is not None and not isinstance(self.tia, TransimpedanceAmplifier):
            raise TypeError(f"tia must be a TransimpedanceAmplifier or None; got {type(self.tia).__name__}")
        if not isinstance(self.adc, Adc):
            raise TypeError(f"adc must be an Adc; got {type(self.adc).__name__}")
        check_real("hybrid_phase_error", self.hybrid_phase_error, low=-math.pi / 2, high=math.pi / 2)

    def detect(self, field_in, sample_rate: float, *, rng) -> np.ndarray:
        """ADC samples (2, M') for a received field (2, N) in √W at ``sample_rate`` (Hz)."""
        s = check_field("field", field_in, dual_pol=True).astype(complex)
        fs = check_positive("sample_rate", sample_rate)
        gen = as_rng(rng)
        lo = self.lo.field(s.shape[-1], fs, rng=gen) / math.sqrt(2)  # LO split between the polarizations
        lo_q = 1j * complex(math.cos(self.hybrid_phase_error), math.sin(self.hybrid_phase_error)) * lo
        trib = []
        for p in range(2):
            for l_p in (lo, lo_q):
                trib.append(self.photodiode.detect((s[p] + l_p) / 2, (s[p] - l_p) / 2, fs, rng=gen,
                                                   noise=self.noise, tia=self.tia))
        d = self.adc.convert(np.stack(trib), fs, rng=gen)
        return np.stack([d[0] + 1j * d[1], d[2] + 1j * d[3]])

    @classmethod
    def for_baud_rate(cls, baud_rate: float, **kwargs) -> CoherentReceiver:
        """Defaults scaled to ``baud_rate``: ADC and TIA bandwidth 0.65·baud (38.9 GHz at 59.8 GBd); above
        80 GBd a smaller, thinner photodiode (5 µm × 8 µm, 0.35 µm i-Ge) for the wider band."""
        from photonics.detectors import PinPhotodiode

        baud = check_positive("baud_rate", baud_rate)
        kwargs.setdefault("adc", Adc(bandwidth=0.65 * baud))
        kwargs.setdefault("tia", TransimpedanceAmplifier(bandwidth=max(45e9, 0.65 * baud)))
        if baud > 80e9 and "photodiode" not in kwargs:
            kwargs["photodiode"] = BalancedPhotodiode(PinPhotodiode(area=5e-6 * 8e-6, intrinsic_thickness=0.35e-6))
        return cls(**kwargs)
