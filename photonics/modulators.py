"""Silicon Mach-Zehnder modulators (lumped and traveling-wave), IQ and dual-polarization IQ modulators.

Static: each arm is a ``DepletionPhaseShifter`` of ``length``; its phase and loss follow the junction
voltage non-linearly (depletion physics, tabulated once per device). The arms' fields meet in a
combiner: E_out = E_in·√(excess)·[√p·a1·e^{jφ1} + √(1−p)·a2·e^{j(φ2+φ_bias)}]/√2, p the splitter's
power split (``splitter_imbalance_db``), a1, a2 the arms' field transmissions.

Dynamic: the drive passes through the electro-optic response H(f) before reaching the junctions.
Traveling-wave: the loaded coplanar line of ``electrodes.py`` with source and termination impedances,
velocity mismatch and RF loss, and the junction's own RC. Lumped: the source drives the junction
capacitance through its series resistance with an optional parallel termination (RC-limited).

Drive conventions: ``drive="push-pull"`` is series push-pull — the line voltage v puts +v/2 on one arm's
junction and −v/2 on the other's, around ``bias_voltage`` (reverse, V) on both: chirp-free.
``drive="single-arm"`` puts v on arm 1 only: chirped. Vπ is the small-signal swing of v at the bias
for a π change of the arms' phase difference. Time-domain drives are in volts *at the device at low
frequency* (the response is normalised to H(0) = 1; ``eo_response(..., normalize=False)`` gives the
absolute transfer from the source EMF).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.optimize import brentq

from optolink.core.constants import C
from optolink.core.display import displayed
from optolink.core.units import alpha_from_db_per_m, db_to_linear
from optolink.core.validate import check_array, check_real

from . import plots as _plots
from .cross_section_solvers import TABLE_BIASES
from .electrodes import (
    CoplanarElectrode,
    LumpedElectrode,
    junction_admittance,
    loaded_line,
    lumped_response,
    traveling_wave_response,
)
from .phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter

_F_LOW = 1e6  # Hz: the "DC" point of the normalised response
_MAX_FREQUENCY = 500e9
_MINUS_3DB = -10 * math.log10(2.0)  # half power of the modulation: |S21| = 1/√2


def _check_field(name, field_in) -> np.ndarray:
    arr = np.asarray(field_in)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D complex array (one polarization); got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr.astype(complex)


def _check_sample_rate(sample_rate) -> float:
    return check_real("sample_rate", sample_rate, low=0.0, low_open=True)


def _filter(signal: np.ndarray, response, sample_rate: float) -> np.ndarray:
    """Apply a frequency response H(f) (callable on f ≥ 0, H(0)=1) to a real signal by FFT."""
    n = signal.size
    f = np.fft.rfftfreq(n, 1.0 / sample_rate)
    h = response(f)
    if n % 2 == 0:
        h[-1] = h[-1].real  # the Nyquist bin of a real signal is real
    return np.fft.irfft(np.fft.rfft(signal) * h, n)


@functools.lru_cache(maxsize=16)
def _eo_response_on_grid(modulator: MachZehnderModulator, n_samples: int, sample_rate: float) -> np.ndarray:
    """``modulator.eo_response`` on the rfft grid of ``n_samples`` at ``sample_rate`` (read-only; memoised
    per parameter set and grid: a link simulation filters many records of one length)."""
    h = modulator.eo_response(np.fft.rfftfreq(n_samples, 1.0 / sample_rate))
    h.flags.writeable = False
    return h


@displayed("L=length:m", "Vπ=vpi:V", "f3dB=eo_bandwidth:Hz", "IL=insertion_loss_db:dB", "bias=bias_voltage:V")
@dataclass(frozen=True)
class MachZehnderModulator:
    """Push-pull or single-arm silicon MZM, traveling-wave or lumped by its electrode; all SI.

    phase_shifter: the doped arm waveguide; length: electrode / phase-shifter length (m);
    electrode: a ``CoplanarElectrode`` (traveling wave, the default) or a ``LumpedElectrode`` (RC-limited,
    with its pad capacitance); bias_voltage: reverse DC bias on each junction (V), the operating point;
    phase_bias: static optical phase between the arms at zero drive (rad; π/2 = quadrature, π = null);
    source_impedance, termination_impedance (Ω; termination None = open); splitter_imbalance_db: power
    imbalance of the input splitter (dB, sets the extinction ratio); coupler_loss_db: excess loss of each
    MMI (dB); passive_length: undoped routing waveguide (m) at the waveguide's intrinsic loss.
    """

    phase_shifter: DepletionPhaseShifter = field(default_factory=DepletionPhaseShifter)
    length: float = 3.0e-3
    electrode: CoplanarElectrode | LumpedElectrode = field(default_factory=CoplanarElectrode)
    drive: str = "push-pull"
    bias_voltage: float = 2.0
    phase_bias: float = math.pi / 2
    source_impedance: float = 50.0
    termination_impedance: float | None = 50.0
    splitter_imbalance_db: float = 0.3
    coupler_loss_db: float = 0.2
    passive_length: float = 0.5e-3

    plot_transmission = _plots.mzm_transmission  # plot_transmission(ax=None) → Axes (photonics.plots)
    plot_eo_response = _plots.eo_response  # plot_eo_response(ax=None) → Axes

    def __post_init__(self):
        if not isinstance(self.phase_shifter, DepletionPhaseShifter):
            raise TypeError("phase_shifter must be a DepletionPhaseShifter")
        if not isinstance(self.electrode, CoplanarElectrode | LumpedElectrode):
            raise TypeError(f"electrode must be a CoplanarElectrode or a LumpedElectrode, got "
                            f"{type(self.electrode).__name__}")
        check_real("length", self.length, low=0.0, low_open=True, high=0.05)
        if self.drive not in ("push-pull", "single-arm"):
            raise ValueError(f"drive must be 'push-pull' or 'single-arm'; got {self.drive!r}")
        vbi = self.phase_shifter.junction.junction.built_in_voltage
        check_real("bias_voltage", self.bias_voltage, low=-0.5 * vbi, high=20.0)
        check_real("phase_bias", self.phase_bias, low=-2 * math.pi, high=2 * math.pi)
        check_real("source_impedance", self.source_impedance, low=0.0, low_open=True, high=1e4)
        if self.termination_impedance is not None:
            check_real("termination_impedance", self.termination_impedance, low=0.0, low_open=True, high=1e6)
        check_real("splitter_imbalance_db", self.splitter_imbalance_db, low=0.0, high=20.0)
        check_real("coupler_loss_db", self.coupler_loss_db, low=0.0, high=10.0)
        check_real("passive_length", self.passive_length, low=0.0, high=0.1)

    # --- static ----------------------------------------------------------------------------------
    @property
    def wavelength(self) -> float:
        return self.phase_shifter.wavelength

    @property
    def lumped(self) -> bool:
        """True for a lumped (RC-limited) electrode, False for a traveling-wave line."""
        return isinstance(self.electrode, LumpedElectrode)

    @cached_property
    def _arm_table(self):
        """Arm phase (rad) and field transmission tabulated vs junction reverse voltage."""
        vbi = self.phase_shifter.junction.junction.built_in_voltage
        # up to just below punch-through of the depletion region into the P+/N+ implants
        # (and within the solver's tables, for the solver phase shifter)
        v_max = min(max(3 * self.bias_voltage, self.bias_voltage + 8.0),
                    0.999 * self.phase_shifter.punch_through_voltage)
        if self.phase_shifter.method == "solver":
            v_max = min(v_max, TABLE_BIASES[-1])
        v = np.linspace(-0.8 * vbi, v_max, 801)
        phase = 2 * math.pi / self.wavelength * self.phase_shifter.delta_neff(v) * self.length
        amp = np.exp(-self.phase_shifter.alpha(v) * self.length / 2)
        return v, phase, amp

    def _arm(self, v_junction):
        v_tab, ph_tab, a_tab = self._arm_table
        tol = 1e-9
        if np.any(v_junction < v_tab[0] - tol) or np.any(v_junction > v_tab[-1] + tol):
            raise ValueError(
                f"drive swing too large: junction voltage must stay in [{v_tab[0]:.2f}, {v_tab[-1]:.2f}] V "
                f"(reverse > 0; beyond forward conduction or punch-through); got "
                f"[{float(np.min(v_junction)):.2f}, {float(np.max(v_junction)):.2f}] V"
            )
        return np.interp(v_junction, v_tab, ph_tab), np.interp(v_junction, v_tab, a_tab)

    @property
    def drive_range(self) -> tuple[float, float]:
        """Line drive (V) interval that keeps both junctions within the modelled range at this bias."""
        v_tab = self._arm_table[0]
        lo_j, hi_j = float(v_tab[0]), float(v_tab[-1])
        b = self.bias_voltage
        if self.drive == "push-pull":
            half = min(b - lo_j, hi_j - b)
            return -2 * half, 2 * half
        return lo_j - b, hi_j - b

    def arm_voltages(self, drive):
        """Reverse voltages on the two junctions (V) for a line drive ``drive`` (V)."""
        d = np.asarray(drive, dtype=float)
        if self.drive == "push-pull":
            return self.bias_voltage + d / 2, self.bias_voltage - d / 2
        return self.bias_voltage + d, np.full_like(d, self.bias_voltage)

    @property
    def _split(self):
        p = 1.0 / (1.0 + float(db_to_linear(-self.splitter_imbalance_db)))
        passive = math.exp(-self._passive_alpha * self.passive_length / 2)  # undoped routing, field
        excess = float(db_to_linear(-2 * self.coupler_loss_db)) ** 0.5 * passive
        return math.sqrt(p), math.sqrt(1 - p), excess

    @property
    def _passive_alpha(self) -> float:
        return float(alpha_from_db_per_m(self.phase_shifter.waveguide.intrinsic_loss_db_per_m))

    def field_transfer(self, drive):
        """Complex field transmission E_out/E_in for a static line drive ``drive`` (V, arrays OK).

        The common phase of the bias is removed so that zero drive has a real-positive in-phase arm.
        """
        d = check_array("drive", drive)
        v1, v2 = self.arm_voltages(d)
        ph1, a1 = self._arm(v1)
        ph2, a2 = self._arm(v2)
        ph0, _ = self._arm(np.asarray(self.bias_voltage))
        s1, s2, excess = self._split
        e = excess * (s1 * a1 * np.exp(1j * (ph1 - ph0)) + s2 * a2 * np.exp(1j * (ph2 - ph0 + self.phase_bias)))
        return e / math.sqrt(2)

    def transfer(self, drive):
        """Static power transmission |E_out/E_in|² vs line drive ``drive`` (V)."""
        return np.abs(self.field_transfer(drive)) ** 2

    @property
    def phase_efficiency(self) -> float:
        """d(φ1 − φ2)/dv at the bias (rad/V): the arms' phase difference per volt of line drive."""
        eff = float(self.phase_shifter.phase_efficiency(self.bias_voltage)) * self.length
        return eff  # push-pull: ±v/2 on two arms; single-arm: v on one arm — both give eff·v

    @property
    def vpi(self) -> float:
        """Small-signal Vπ (V) of the line drive at the bias."""
        return math.pi / self.phase_efficiency

    @property
    def vpi_l_v_cm(self) -> float:
        """DC (large-signal) Vπ·L of the arms' junction at the bias, V·cm: ``bias_voltage`` times the length
        that gives π between 0 V and the bias (the phase shifter's ``vpi_l_v_cm``); NaN at a bias ≤ 0."""
        if self.bias_voltage <= 0:
            return math.nan
        return float(self.phase_shifter.vpi_l_v_cm(self.bias_voltage))

    @property
    def vpi_l_small_signal_v_cm(self) -> float:
        """Small-signal Vπ·L at the bias, V·cm: ``vpi`` × ``length``."""
        return self.vpi * self.length * 100.0

    @property
    def insertion_loss_db(self) -> float:
        """On-chip loss at the transmission peak (bias point, best static phase), dB."""
        s1, s2, excess = self._split
        _, a = self._arm(np.asarray(self.bias_voltage))
        t_max = (excess * a * (s1 + s2)) ** 2 / 2
        return -10 * math.log10(t_max)

    @property
    def extinction_ratio_db(self) -> float:
        """Static extinction ratio (dB) at the bias: ((√p·a1 + √(1−p)·a2)/(√p·a1 − √(1−p)·a2))²."""
        s1, s2, _ = self._split
        if math.isclose(s1, s2):
            return math.inf
        return 20 * math.log10((s1 + s2) / abs(s1 - s2))

    @property
    def phase_shifter_loss_db(self) -> float:
        """Loss of one doped arm at the bias (dB)."""
        return float(self.phase_shifter.loss_db_per_m(self.bias_voltage)) * self.length

    # --- electro-optic response ------------------------------------------------------------------
    @property
    def _n_series(self) -> int:
        return 2 if self.drive == "push-pull" else 1

    def _junction(self):
        ps = self.phase_shifter
        return ps.series_resistance_length, float(ps.capacitance_per_length(self.bias_voltage))

    def line(self, frequency):
        """``(gamma, z_c)`` of the junction-loaded traveling-wave electrode (1/m, Ω)."""
        if self.lumped:
            raise ValueError("a LumpedElectrode has no transmission line (line, rf_index, impedance)")
        f = check_array("frequency", frequency, low=0.0, low_open=True)
        r, c = self._junction()
        return loaded_line(self.electrode, f, junction_admittance(f, r, c, self._n_series))

    def rf_index(self, frequency):
        """Microwave index of the loaded line, c·β/ω."""
        f = check_array("frequency", frequency, low=0.0, low_open=True)
        gamma, _ = self.line(f)
        return gamma.imag * C / (2 * np.pi * f)

    def rf_loss_db_per_m(self, frequency):
        """Loaded-line voltage attenuation (dB/m)."""
        gamma, _ = self.line(frequency)
        return 20 * np.log10(np.e) * gamma.real

    def impedance(self, frequency):
        """Loaded characteristic impedance (Ω, complex)."""
        return self.line(frequency)[1]

    def eo_response(self, frequency, normalize: bool = True):
        """Electro-optic small-signal response S21(f): the arms' phase-difference modulation.

        Normalised to the low-frequency value (normalize=True), else per volt of source EMF.
        """
        f = check_array("frequency", frequency, low=0.0)
        f_eval = np.maximum(f, _F_LOW)
        h = self._raw_response(f_eval)
        if normalize:
            h = h / self._raw_response(np.array([_F_LOW]))[0]
        return h

    def _raw_response(self, f):
        r, c = self._junction()
        zl = self.termination_impedance
        if self.lumped:
            return lumped_response(f, r, c, self.length, self._n_series, self.electrode.pad_capacitance,
                                   self.source_impedance, zl)
        n_group = self.phase_shifter.waveguide.group_index
        gamma, z_c = self.line(f)
        return traveling_wave_response(f, gamma, z_c, self.length, n_group, self.source_impedance, zl, r * c)

    def eo_bandwidth(self) -> float:
        """3 dB electro-optic bandwidth (Hz): first frequency where |S21|² falls to 1/2 (−3.01 dB)."""
        f = np.geomspace(1e8, _MAX_FREQUENCY, 400)
        h0 = self._raw_response(np.array([_F_LOW]))[0]  # the normalisation of eo_response, computed once
        mag = 20 * np.log10(np.abs(self._raw_response(f) / h0))
        below = np.nonzero(mag < _MINUS_3DB)[0]
        if below.size == 0:
            return _MAX_FREQUENCY
        i = below[0]
        if i == 0:
            return float(f[0])
        return float(brentq(lambda x: 20 * np.log10(abs(self._raw_response(np.array([x]))[0] / h0)) - _MINUS_3DB,
                            f[i - 1], f[i], xtol=1e3))

    # --- time domain -----------------------------------------------------------------------------
    def junction_drive(self, drive, sample_rate):
        """The drive waveform (V) after the EO response: what the junctions follow, vs time."""
        d = check_array("drive", drive)
        fs = _check_sample_rate(sample_rate)
        if d.ndim != 1:
            raise ValueError(f"drive must be a 1-D array; got shape {d.shape}")
        mean = d.mean()
        h = _eo_response_on_grid(self, d.size, fs)
        return mean + _filter(d - mean, lambda f: h.copy(), fs)

    def modulate(self, field_in, drive, sample_rate, *, bandwidth_limited: bool = True):
        """Optical field out (√W) for ``field_in`` (√W, (N,)) and a line ``drive`` (V, (N,)) at ``sample_rate`` (Hz)."""
        e = _check_field("field_in", field_in)
        d = check_array("drive", drive)
        if d.shape != e.shape:
            raise ValueError(f"drive must have the field's shape {e.shape}; got {d.shape}")
        v = self.junction_drive(d, sample_rate) if bandwidth_limited else d
        return e * self.field_transfer(v)

    def chirp_parameter(self) -> float:
        """Small-signal chirp α = (dφ_out/dt)/((1/2P)dP/dt) at the bias point and ``phase_bias``.

        Near zero for balanced push-pull (the arms' bias-dependent absorption leaves a few hundredths); ±1 for
        single-arm drive at quadrature. Evaluated numerically from the static field transfer (definition and
        sign: F. Koyama and K. Iga, J. Lightwave Technol. 6, 87 (1988)).
        """
        h = 1e-3
        e_p, e_m = self.field_transfer(np.array([h, -h]))
        dphi = np.angle(e_p / e_m)
        dlnp = 2 * np.log(np.abs(e_p) / np.abs(e_m))
        return float(2 * dphi / dlnp) if abs(dlnp) > 1e-15 else math.inf

    def figures(self) -> dict:
        """Headline figures at ``bias_voltage`` and ``phase_bias`` (SI; units in the keys)."""
        f30 = np.array([30e9])
        out = {
            "vpi_v": self.vpi,
            "vpi_l_v_cm": self.vpi_l_v_cm,
            "vpi_l_small_signal_v_cm": self.vpi_l_small_signal_v_cm,
            "length_m": self.length,
            "bias_voltage_v": self.bias_voltage,
            "insertion_loss_db": self.insertion_loss_db,
            "phase_shifter_loss_db": self.phase_shifter_loss_db,
            "extinction_ratio_db": self.extinction_ratio_db,
            "eo_bandwidth_hz": self.eo_bandwidth(),
            "optical_group_index": self.phase_shifter.waveguide.group_index,
            "chirp_parameter": self.chirp_parameter(),
        }
        if not self.lumped:
            out["rf_index_30ghz"] = float(self.rf_index(f30)[0])
            out["impedance_30ghz_ohm"] = float(abs(self.impedance(f30)[0]))
            out["rf_loss_30ghz_db_per_cm"] = float(self.rf_loss_db_per_m(f30)[0]) / 100
        return out


@displayed("L=mzm_i.length:m", "Vπ=vpi:V", "f3dB=mzm_i.eo_bandwidth:Hz", "IL=mzm_i.insertion_loss_db:dB")
@dataclass(frozen=True)
class IQModulator:
    """Two nested MZMs (I and Q, each biased at null) with a 90° phase between them.

    E_out = [E_I + e^{j·outer_phase}·E_Q]/2 for E_in split equally (each child MZM sees E_in/√2
    and its output is combined with 1/√2). Drives in V on each child's line. ``outer_heater``: the
    thermo-optic phase shifter that sets ``outer_phase``.
    """

    mzm_i: MachZehnderModulator = field(default_factory=lambda: MachZehnderModulator(phase_bias=math.pi))
    mzm_q: MachZehnderModulator = field(default_factory=lambda: MachZehnderModulator(phase_bias=math.pi))
    outer_phase: float = math.pi / 2
    outer_heater: ThermoOpticPhaseShifter = field(default_factory=ThermoOpticPhaseShifter)

    def __post_init__(self):
        for name in ("mzm_i", "mzm_q"):
            if not isinstance(getattr(self, name), MachZehnderModulator):
                raise TypeError(f"{name} must be a MachZehnderModulator")
        check_real("outer_phase", self.outer_phase, low=-2 * math.pi, high=2 * math.pi)
        if not isinstance(self.outer_heater, ThermoOpticPhaseShifter):
            raise TypeError(f"outer_heater must be a ThermoOpticPhaseShifter, got {type(self.outer_heater).__name__}")

    @property
    def vpi(self) -> float:
        """Small-signal Vπ (V) of the I child at its bias."""
        return self.mzm_i.vpi

    def figures(self) -> dict:
        """Headline figures (SI; units in the keys): each child's ``figures()`` prefixed ``i_`` / ``q_``, then
        ``vpi_v``, the lower child ``eo_bandwidth_hz``, ``outer_phase_rad`` and ``outer_heater_p_pi_w``."""
        out = {f"i_{k}": v for k, v in self.mzm_i.figures().items()}
        out.update({f"q_{k}": v for k, v in self.mzm_q.figures().items()})
        out["vpi_v"] = self.vpi
        out["eo_bandwidth_hz"] = min(out["i_eo_bandwidth_hz"], out["q_eo_bandwidth_hz"])
        out["outer_phase_rad"] = self.outer_phase
        out["outer_heater_p_pi_w"] = self.outer_heater.p_pi
        return out

    def modulate(self, field_in, drive_i, drive_q, sample_rate, *, bandwidth_limited: bool = True):
        """Field out (√W) for ``field_in`` (N,) and the I/Q line drives (V, (N,)) at ``sample_rate`` (Hz)."""
        e = _check_field("field_in", field_in) / math.sqrt(2)
        ei = self.mzm_i.modulate(e, drive_i, sample_rate, bandwidth_limited=bandwidth_limited)
        eq = self.mzm_q.modulate(e, drive_q, sample_rate, bandwidth_limited=bandwidth_limited)
        return (ei + np.exp(1j * self.outer_phase) * eq) / math.sqrt(2)

    def static_field(self, drive_i, drive_q):
        """Static field transmission for drives (V)."""
        ti = self.mzm_i.field_transfer(drive_i)
        tq = self.mzm_q.field_transfer(drive_q)
        return (ti + np.exp(1j * self.outer_phase) * tq) / 2


@displayed("L=iq_x.mzm_i.length:m", "Vπ=iq_x.vpi:V", "f3dB=iq_x.mzm_i.eo_bandwidth:Hz", "PBC=pbc_loss_db:dB")
@dataclass(frozen=True)
class DualPolIQModulator:
    """Polarization-multiplexed IQ modulator: a splitter, two IQ modulators, a polarization rotator/combiner.

    Output is a (2, N) field (X, Y); ``pbc_loss_db`` is the excess loss of the polarization rotator and
    combiner, applied to both polarizations.
    """

    iq_x: IQModulator = field(default_factory=IQModulator)
    iq_y: IQModulator = field(default_factory=IQModulator)
    pbc_loss_db: float = 0.5

    def __post_init__(self):
        for name in ("iq_x", "iq_y"):
            if not isinstance(getattr(self, name), IQModulator):
                raise TypeError(f"{name} must be an IQModulator")
        check_real("pbc_loss_db", self.pbc_loss_db, low=0.0, high=20.0)

    def figures(self) -> dict:
        """Headline figures (SI; units in the keys): each IQ modulator's ``figures()`` prefixed ``x_`` / ``y_``,
        then ``pbc_loss_db``."""
        out = {f"x_{k}": v for k, v in self.iq_x.figures().items()}
        out.update({f"y_{k}": v for k, v in self.iq_y.figures().items()})
        out["pbc_loss_db"] = self.pbc_loss_db
        return out

    def modulate(self, field_in, drives, sample_rate, *, bandwidth_limited: bool = True):
        """(2, N) field for ``field_in`` (N,) and ``drives`` (4, N): XI, XQ, YI, YQ in V."""
        e = _check_field("field_in", field_in)
        d = np.asarray(drives, dtype=float)
        if d.shape != (4, e.size):
            raise ValueError(f"drives must have shape (4, {e.size}) (XI, XQ, YI, YQ); got {d.shape}")
        k = math.sqrt(float(db_to_linear(-self.pbc_loss_db))) / math.sqrt(2)
        ex = self.iq_x.modulate(e * k, d[0], d[1], sample_rate, bandwidth_limited=bandwidth_limited)
        ey = self.iq_y.modulate(e * k, d[2], d[3], sample_rate, bandwidth_limited=bandwidth_limited)
        return np.stack([ex, ey])
