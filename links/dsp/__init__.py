"""Coherent-receiver DSP: CD compensation, timing recovery, MIMO equalizer, frequency-offset estimation,
carrier-phase recovery, alignment. Numba kernels compile lazily on first use."""

from .cd import cd_response, compensate_cd
from .chain import DspConfig, DspOutput, front_end, run_dsp
from .cpr import blind_phase_search, pilot_slip_correction
from .equalizer import mimo_equalizer, mimo_equalizer_taps
from .foe import fourth_power_frequency_offset, remove_frequency_offset, spectral_frequency_offset
from .sync import Alignment, align
from .timing import fractional_delay, gardner_timing_recovery, resample

__all__ = [
    "Alignment", "DspConfig", "DspOutput", "align", "blind_phase_search", "cd_response", "compensate_cd",
    "fourth_power_frequency_offset", "fractional_delay", "front_end", "gardner_timing_recovery",
    "mimo_equalizer", "mimo_equalizer_taps", "pilot_slip_correction", "remove_frequency_offset", "resample",
    "run_dsp", "spectral_frequency_offset",
]
