"""The coherent receiver's DSP chain, in order: resampling to 2 samples/symbol → CD compensation → coarse
frequency-offset removal (4th power of the 2-sps record, polarization mixtures) → RRC matched filter →
Gardner timing recovery → 2×2 MIMO equalizer (CMA pre-convergence, then RDE or DD-LMS) → fine frequency
offset (4th power) → blind phase search. Pilot-aided cycle-slip correction and the alignment to the
transmitted record need the reference and are done by the caller (``links.simulate``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import fft as sfft

from optolink.core.units import CARRIER_FREQUENCY
from optolink.core.validate import check_int, check_positive, check_real

from ..signals import check_field, check_modulation, rrc_response
from .cd import cd_response
from .cpr import blind_phase_search
from .equalizer import ALGORITHMS, mimo_equalizer
from .foe import fourth_power_frequency_offset, remove_frequency_offset
from .timing import gardner_timing_recovery, resample


@dataclass(frozen=True)
class DspConfig:
    """Settings of `run_dsp`. ``dispersion_ps_nm`` and ``dispersion_slope_ps_nm2``: accumulated dispersion and
    slope to undo (known to the receiver here); ``roll_off``: of the RRC matched filter (None: no matched filter)."""

    dispersion_ps_nm: float = 0.0
    dispersion_slope_ps_nm2: float = 0.0
    roll_off: float | None = 0.2
    coarse_foe: bool = True
    timing_recovery: bool = True
    timing_loop_gain: float = 1e-3
    n_taps: int = 15
    algorithm: str = "rde"
    step_size: float | None = None
    n_pre: int | None = None
    fine_foe: bool = True
    n_test_phases: int = 64
    bps_window: int = 129  # long: the lasers are slow (Δν·T ≈ 3e-6) and 35 slips near BER 5e-2
    reference_frequency: float = CARRIER_FREQUENCY

    def __post_init__(self):
        check_real("dispersion_ps_nm", self.dispersion_ps_nm, low=-1e7, high=1e7)
        check_real("dispersion_slope_ps_nm2", self.dispersion_slope_ps_nm2, low=-1e6, high=1e6)
        if self.roll_off is not None:
            check_real("roll_off", self.roll_off, low=0.0, high=1.0)
        check_real("timing_loop_gain", self.timing_loop_gain, low=0.0, high=1.0)
        check_int("n_taps", self.n_taps, low=1, high=1025)
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm must be one of {ALGORITHMS}; got {self.algorithm!r}")
        if self.step_size is not None:
            check_real("step_size", self.step_size, low=0.0, high=1.0)
        if self.n_pre is not None:
            check_int("n_pre", self.n_pre, low=0)
        check_int("n_test_phases", self.n_test_phases, low=2, high=4096)
        check_int("bps_window", self.bps_window, low=1, high=100_001)
        check_positive("reference_frequency", self.reference_frequency)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


@dataclass(frozen=True)
class DspOutput:
    """Symbols (2, N) after carrier recovery (unit mean energy), the carrier phase (2, N, rad), the estimated
    frequency offset (Hz; coarse + fine) and the recovered timing offset per symbol (samples at 2 sps)."""

    symbols: np.ndarray
    phase: np.ndarray
    frequency_offset: float
    timing: np.ndarray


def front_end(samples, sample_rate: float, baud_rate: float, config: DspConfig):
    """Resample to 2 sps, undo CD and matched-filter in one multiply, remove the coarse frequency offset.
    Returns ``(samples at 2 sps, coarse offset Hz)``."""
    x = check_field("samples", samples, dual_pol=True)
    fs = check_positive("sample_rate", sample_rate)
    baud = check_positive("baud_rate", baud_rate)
    if fs < 2 * baud * (1 - 1e-9):
        raise ValueError(f"sample_rate must be at least twice the baud rate ({2 * baud:.6g} Hz); got {fs:.6g} Hz")
    fs2 = 2 * baud
    x = resample(x, fs, fs2) if abs(fs - fs2) > 1e-6 * fs2 else x.astype(complex)
    f = sfft.fftfreq(x.shape[-1], 1 / fs2)
    spec = sfft.fft(x, axis=-1)
    if config.dispersion_ps_nm or config.dispersion_slope_ps_nm2:
        spec *= cd_response(f, config.dispersion_ps_nm, config.reference_frequency, config.dispersion_slope_ps_nm2)
    coarse = 0.0
    if config.coarse_foe:
        xt = sfft.ifft(spec, axis=-1)
        coarse = fourth_power_frequency_offset(xt, baud, sample_rate=fs2)
        spec = sfft.fft(remove_frequency_offset(xt, coarse, fs2), axis=-1)
    if config.roll_off is not None:
        spec *= rrc_response(f, baud, config.roll_off)
    return sfft.ifft(spec, axis=-1), coarse


def run_dsp(samples, sample_rate: float, baud_rate: float, modulation: str = "16QAM",
            config: DspConfig | None = None) -> DspOutput:
    """The blind DSP chain on received dual-polarization ``samples`` (2, N) at ``sample_rate`` (≥ 2·baud)."""
    cfg = DspConfig() if config is None else config
    if not isinstance(cfg, DspConfig):
        raise TypeError(f"config must be a DspConfig; got {type(cfg).__name__}")
    check_modulation(modulation)
    baud = check_positive("baud_rate", baud_rate)
    x, coarse = front_end(samples, sample_rate, baud, cfg)
    if x.shape[-1] % 2:
        raise ValueError("the record must hold a whole number of symbols at 2 samples per symbol")
    if cfg.timing_recovery:
        x, tau = gardner_timing_recovery(x, loop_gain=cfg.timing_loop_gain)
    else:
        tau = np.zeros(x.shape[-1] // 2)
    y = mimo_equalizer(x, 2, cfg.n_taps, cfg.algorithm, cfg.step_size, modulation, n_pre=cfg.n_pre)
    fine = 0.0
    if cfg.fine_foe and cfg.algorithm != "lms":  # DD-LMS tracks the residual offset in its loop
        fine = fourth_power_frequency_offset(y, baud)
        y = remove_frequency_offset(y, fine, baud)
    sym, phase = blind_phase_search(y, modulation, cfg.n_test_phases, cfg.bps_window)
    return DspOutput(symbols=sym, phase=phase, frequency_offset=coarse + fine, timing=tau)
