"""Coherent transmitter: RRC shaping, optional digital pre-emphasis, DAC (rate, ENOB, bandwidth), driver, the
photonics dual-polarization IQ modulator (EO response, sinusoidal transfer) and a phase-noise laser.

Approximations (stated): the DAC's ENOB is modelled as clipping at ±full scale plus additive white
quantisation noise of variance Δ²/12, Δ = 2·FS/2^ENOB (the definition of ENOB through SINAD); its analog
response is the zero-order hold sinc times a Gaussian low-pass of −3 dB ``bandwidth`` (linear phase); when the
simulation rate exceeds the DAC rate the DAC images (attenuated by the sinc and the low-pass) are kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import fft as sfft

from optolink.core.units import dbm_to_watt
from optolink.core.validate import as_rng, check_array, check_positive, check_real
from photonics.cw_laser import PhaseNoiseLaser
from photonics.drivers import Driver
from photonics.modulators import DualPolIQModulator, IQModulator, MachZehnderModulator

from .signals import check_field, samples_per_record, shape


def gaussian_response(frequency, bandwidth: float | None) -> np.ndarray:
    """Gaussian low-pass |H|² = 2^{−(f/B)²} (−3 dB at ``bandwidth``), zero phase; all ones if None."""
    f = check_array("frequency", frequency)
    if bandwidth is None:
        return np.ones_like(f)
    return np.exp(-0.5 * math.log(2) * (f / check_positive("bandwidth", bandwidth)) ** 2)


def check_converter(conv) -> None:
    """Validate the fields a DAC and an ADC share (sample_rate, enob, bandwidth, clip_ratio)."""
    if conv.sample_rate is not None:
        check_positive("sample_rate", conv.sample_rate)
    if conv.enob is not None:
        check_real("enob", conv.enob, low=1.0, high=24.0)
    if conv.bandwidth is not None:
        check_positive("bandwidth", conv.bandwidth)
    check_real("clip_ratio", conv.clip_ratio, low=1.0, high=20.0)


@dataclass(frozen=True)
class Dac:
    """Digital-to-analog converter. ``sample_rate`` (Hz; None: the simulation rate), ``enob`` (bits; None: no
    quantisation), ``bandwidth`` (Hz, −3 dB of the analog low-pass; None: none), ``clip_ratio``: full scale
    over the RMS of the digital waveform (sets clipping vs quantisation noise), ``zero_order_hold``."""

    sample_rate: float | None = None
    enob: float | None = 6.0
    bandwidth: float | None = 35e9
    clip_ratio: float = 3.5
    zero_order_hold: bool = True

    def __post_init__(self):
        check_converter(self)

    def response(self, frequency, sample_rate: float) -> np.ndarray:
        """Analog response: ZOH sinc(f/fs) × Gaussian low-pass."""
        f = np.asarray(frequency, dtype=float)
        h = gaussian_response(f, self.bandwidth)
        return h * np.sinc(f / sample_rate) if self.zero_order_hold else h

    def convert(self, digital, sample_rate: float, output_rate: float, *, rng) -> np.ndarray:
        """Real tributaries (T, M) at ``sample_rate`` scaled to full scale ±1 → analog (T, M·out/in) at
        ``output_rate``: clip, quantisation noise, ZOH and low-pass, images up to the output rate."""
        d = np.clip(np.asarray(digital, dtype=float), -1.0, 1.0)
        if self.enob is not None:
            delta = 2.0 / 2**self.enob
            d = d + as_rng(rng).standard_normal(d.shape) * (delta / math.sqrt(12))
        m = d.shape[-1]
        m_out = int(round(m * output_rate / sample_rate))
        spec = sfft.fft(d, axis=-1)
        k = sfft.fftfreq(m_out, 1.0 / m_out).astype(np.int64)  # output bins, signed
        f = k * output_rate / m_out
        out = spec[..., k % m] * self.response(f, sample_rate) * (m_out / m)
        return sfft.ifft(out, axis=-1).real


def default_modulator(length: float = 3.0e-3) -> DualPolIQModulator:
    """DP-IQ modulator of ``length`` traveling-wave child MZMs biased at null, with trimmed (0.05 dB) input
    splitters: the 0.3 dB default of `MachZehnderModulator` limits the extinction to 35 dB, whose carrier
    leakage (≈ −16 dB of the signal at a 0.5 Vπ swing) no linear equalizer removes. Real IQ modulators trim
    it with tunable couplers or bias control."""
    mzm = MachZehnderModulator(phase_bias=math.pi, length=length, splitter_imbalance_db=0.05)
    iq = IQModulator(mzm_i=mzm, mzm_q=mzm)
    return DualPolIQModulator(iq_x=iq, iq_y=iq)


@dataclass(frozen=True)
class Transmitter:
    """DP-IQ transmitter. ``driver`` (a `photonics.drivers.Driver`, optional): the modulator driver, whose
    swing over the MZM's Vπ sets ``drive_swing_vpi``, whose response multiplies the DAC and modulator responses
    and whose output noise is added to the drives; without one the driver is ideal and ``drive_swing_vpi``
    (default 1.0) is the peak-to-peak line drive at DAC full scale in units of Vπ. ``pre_emphasis``: invert
    the DAC, driver and modulator responses digitally within the signal band, gain capped at
    ``max_pre_emphasis_db``; ``roll_off`` of the RRC shaping. The optical output follows the modulator's
    sinusoidal field transfer (no arcsine predistortion). The swing must stay inside the MZM's drive range."""

    modulator: DualPolIQModulator = field(default_factory=default_modulator)
    laser: PhaseNoiseLaser = field(default_factory=lambda: PhaseNoiseLaser(power=dbm_to_watt(15.0), linewidth=100e3))
    dac: Dac = field(default_factory=Dac)
    drive_swing_vpi: float | None = None
    pre_emphasis: bool = True
    max_pre_emphasis_db: float = 12.0
    roll_off: float = 0.2
    driver: Driver | None = None

    def __post_init__(self):
        if not isinstance(self.modulator, DualPolIQModulator):
            raise TypeError(f"modulator must be a DualPolIQModulator; got {type(self.modulator).__name__}")
        if not isinstance(self.laser, PhaseNoiseLaser):
            raise TypeError(f"laser must be a photonics.cw_laser.PhaseNoiseLaser; got {type(self.laser).__name__}")
        if not isinstance(self.dac, Dac):
            raise TypeError(f"dac must be a Dac; got {type(self.dac).__name__}")
        if self.driver is not None and not isinstance(self.driver, Driver):
            raise TypeError(f"driver must be a photonics.drivers.Driver or None; got {type(self.driver).__name__}")
        if self.driver is not None:
            from_driver = self.driver.line_swing_v / self._mzm.vpi
            if self.drive_swing_vpi is not None and not math.isclose(self.drive_swing_vpi, from_driver, rel_tol=1e-9):
                raise ValueError(f"drive_swing_vpi = {self.drive_swing_vpi} contradicts the driver: its "
                                 f"{self.driver.line_swing_v:g} V swing over Vπ = {self._mzm.vpi:.4g} V gives "
                                 f"{from_driver:.4g}; give one of them")
            object.__setattr__(self, "drive_swing_vpi", from_driver)
        elif self.drive_swing_vpi is None:
            object.__setattr__(self, "drive_swing_vpi", 1.0)
        check_real("drive_swing_vpi", self.drive_swing_vpi, low=0.0, low_open=True, high=4.0)
        check_real("max_pre_emphasis_db", self.max_pre_emphasis_db, low=0.0, high=40.0)
        check_real("roll_off", self.roll_off, low=0.0, high=1.0)
        for name in ("iq_x", "iq_y"):
            iq = getattr(self.modulator, name)
            for mzm in (iq.mzm_i, iq.mzm_q):
                lo, hi = mzm.drive_range
                peak = self.drive_swing_vpi * mzm.vpi / 2
                if peak > min(-lo, hi):
                    what = (f"the driver's {self.driver.line_swing_v:g} V swing" if self.driver is not None
                            else f"drive_swing_vpi = {self.drive_swing_vpi}")
                    raise ValueError(f"{what} puts {peak:.3g} V peak on a modulator (Vπ {mzm.vpi:.3g} V) whose drive "
                                     f"range is [{lo:.3g}, {hi:.3g}] V; lower it")

    @property
    def _mzm(self) -> MachZehnderModulator:
        return self.modulator.iq_x.mzm_i

    def response(self, frequency, dac_rate: float) -> np.ndarray:
        """Small-signal response of the electrical-optical chain (DAC × driver × modulator EO), Hermitian in f."""
        f = np.asarray(frequency, dtype=float)
        h_mod = self._mzm.eo_response(np.abs(f))
        h_mod = np.where(f < 0, np.conj(h_mod), h_mod)
        h = self.dac.response(f, dac_rate) * h_mod
        return h if self.driver is None else h * self.driver.response(f)

    def drives(self, symbols, baud_rate: float, sample_rate: float, *, rng) -> np.ndarray:
        """Line drives (4, M) in V (XI, XQ, YI, YQ) at ``sample_rate`` for symbols (2, N)."""
        s = check_field("symbols", symbols, dual_pol=True)
        baud = check_positive("baud_rate", baud_rate)
        fs = check_positive("sample_rate", sample_rate)
        if fs < 2 * baud * (1 - 1e-9):
            raise ValueError(f"sample_rate must be at least twice the baud rate ({2 * baud:.6g} Hz); got {fs:.6g} Hz")
        fs_dac = fs if self.dac.sample_rate is None else self.dac.sample_rate
        samples_per_record(s.shape[-1], baud, fs)
        wave = shape(s, baud, fs_dac, self.roll_off)  # (2, M_dac)
        if self.pre_emphasis:
            f = sfft.fftfreq(wave.shape[-1], 1.0 / fs_dac)
            h = self.response(f, fs_dac)
            g_max = 10 ** (self.max_pre_emphasis_db / 20)
            inv = np.conj(h) / np.maximum(np.abs(h) ** 2, 1.0 / g_max**2)
            wave = sfft.ifft(sfft.fft(wave, axis=-1) * inv, axis=-1)
        trib = np.stack([wave[0].real, wave[0].imag, wave[1].real, wave[1].imag])
        rms = np.sqrt(np.mean(trib**2, axis=-1, keepdims=True))
        digital = trib / (self.dac.clip_ratio * np.where(rms > 0, rms, 1.0))
        analog = self.dac.convert(digital, fs_dac, fs, rng=rng)
        volts = analog * (self.drive_swing_vpi * self._mzm.vpi / 2)
        if self.driver is None:
            return volts
        drv = self.driver
        if drv.noise_density_v_per_sqrt_hz > 0:  # white over the simulated band fs/2, then the driver's response
            volts = volts + as_rng(rng).standard_normal(volts.shape) * (drv.noise_density_v_per_sqrt_hz
                                                                         * math.sqrt(fs / 2))
        f = sfft.rfftfreq(volts.shape[-1], 1.0 / fs)
        return sfft.irfft(sfft.rfft(volts, axis=-1) * drv.response(f), volts.shape[-1], axis=-1)

    def transmit(self, symbols, baud_rate: float, sample_rate: float, *, rng) -> np.ndarray:
        """Optical field (2, M) in √W for symbols (2, N) at ``baud_rate``, sampled at ``sample_rate`` (Hz,
        ≥ 2·baud; M = N·fs/baud must be an integer). ``rng``: Generator or seed."""
        gen = as_rng(rng)
        d = self.drives(symbols, baud_rate, sample_rate, rng=gen)
        carrier = self.laser.field(d.shape[-1], sample_rate, rng=gen)
        return self.modulator.modulate(carrier, d, sample_rate)

    @classmethod
    def for_baud_rate(cls, baud_rate: float, **kwargs) -> Transmitter:
        """Defaults scaled to ``baud_rate``: DAC bandwidth 0.6·baud (35.9 GHz at 59.8 GBd); above 80 GBd 1.5 mm
        traveling-wave MZMs (55 GHz EO bandwidth, Vπ 15.6 V) driven at 0.65 Vπ instead of 3 mm ones (33 GHz)."""
        baud = check_positive("baud_rate", baud_rate)
        kwargs.setdefault("dac", Dac(bandwidth=0.6 * baud))
        if baud > 80e9 and "modulator" not in kwargs:
            kwargs["modulator"] = default_modulator(1.5e-3)
            if kwargs.get("driver") is None:
                kwargs.setdefault("drive_swing_vpi", 0.65)
        return cls(**kwargs)
