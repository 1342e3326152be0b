"""Photodetection for IM/DD and coherent receivers: Ge-on-Si PIN photodiode, TIA, balanced pair.

SI units throughout (W, A, V, Hz, m, F, ohm). Noise PSDs are one-sided (A²/Hz).

Transit-time response (uniform generation across the intrinsic layer of thickness d, electrons and holes
both drifting at ``saturation_velocity`` v, τ = d/v). A carrier pair born at depth z induces a current until
each carrier reaches its contact, so the charge still in flight after an impulse decays linearly:
h(t) = (2/τ)(1 − t/τ) for 0 ≤ t ≤ τ (unit area). Its Fourier transform, with x = ωτ, is

    H_t(x) = 2 (1 − jx − e^{−jx}) / x²,    |H_t|² = 4 (2 − 2 cos x − 2x sin x + x²) / x⁴,

whose −3 dB point is x = 3.4767, i.e. f_t = 0.5533 v/d (Kato et al., IEEE JQE 28, 2728 (1992): 3.5 v/(2πd)).
``transit_model="edge"`` instead generates all carriers at one edge with one carrier type crossing:
H_t = e^{−jx/2} sin(x/2)/(x/2), f_t = 0.4429 v/d (the 0.45 v/d of Bowers & Burrus, JLT 5, 1339 (1987)).
h(t) ≥ 0 in both models, so |H_t| ≤ 1 (passive). The circuit adds one pole at 1/(2π (R_s + R_L) C).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import fft as sfft
from scipy.optimize import brentq

from optolink.core.constants import EPS0, K_B, T_ROOM, Q, photon_energy
from optolink.core.display import displayed
from optolink.core.units import CARRIER_WAVELENGTH
from optolink.core.validate import as_rng, check_array, check_positive, check_real

__all__ = ["PinPhotodiode", "TransimpedanceAmplifier", "BalancedPhotodiode"]

_TRANSIT_MODELS = ("uniform", "edge")


def _transit_response(x: np.ndarray, model: str) -> np.ndarray:
    """Normalized transit-time response H_t(x), x = ωτ (signed; H_t(−x) = conj H_t(x))."""
    x = np.asarray(x, dtype=float)
    if model == "edge":
        return np.exp(-0.5j * x) * np.sinc(x / (2.0 * np.pi))
    small = np.abs(x) < 1e-2
    xs = np.where(small, 1.0, x)  # avoid 0/0; the series covers the small-|x| points
    exact = 2.0 * (1.0 - 1j * xs - np.exp(-1j * xs)) / xs**2
    series = 1.0 - 1j * x / 3.0 - x**2 / 12.0 + 1j * x**3 / 60.0  # Taylor expansion, error ~ x⁴/360
    return np.where(small, series, exact)


@functools.cache
def _transit_x3db(model: str) -> float:
    """x = ωτ at which |H_t|² = 1/2 (3.4767 uniform, 2.7831 edge)."""
    return brentq(lambda x: abs(complex(_transit_response(x, model))) ** 2 - 0.5, 1.0, 5.0, xtol=1e-14)


def _check_field(name: str, value) -> np.ndarray:
    """A finite complex field of shape (N,) or (2, N); returns it as complex128."""
    arr = np.asarray(value)
    if not np.iscomplexobj(arr):
        raise TypeError(f"{name} must be a complex array of shape (N,) or (2, N); got dtype {arr.dtype}")
    if not (arr.ndim == 1 or (arr.ndim == 2 and arr.shape[0] == 2)) or arr.shape[-1] < 1:
        raise ValueError(f"{name} must have shape (N,) or (2, N) with N >= 1; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr.astype(complex, copy=False)


def _power(arr: np.ndarray) -> np.ndarray:
    """Instantaneous optical power |E|² (W), summed over polarizations."""
    p = np.abs(arr) ** 2
    return p if p.ndim == 1 else p.sum(axis=0)


def _filter(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Apply a frequency response `h` (on the rfft grid) to a real record along its last axis."""
    return sfft.irfft(sfft.rfft(x, axis=-1) * h, n=x.shape[-1], axis=-1)


def _out(x):
    """Python float / complex for 0-d results, the array otherwise."""
    return x.item() if np.ndim(x) == 0 else x


@displayed("Zt=transimpedance:Ω", "f3dB=bandwidth:Hz", "noise=input_noise_density:A/√Hz")
@dataclass(frozen=True)
class TransimpedanceAmplifier:
    """Linear TIA with a 2nd-order Butterworth response.

    Z(f) = Z_T / (1 − (f/f_b)² + j√2 f/f_b), so |Z(f_b)| = Z_T/√2 and |Z|² = Z_T²/(1 + (f/f_b)⁴).
    `input_noise_density` is the input-referred noise current (A/√Hz, white, includes the feedback
    resistor). `output_swing` (V, peak-to-peak) clips the output to ±output_swing/2; None: no clipping.
    """

    transimpedance: float = 5e3  # Ω, DC gain
    bandwidth: float = 45e9  # Hz, −3 dB
    input_noise_density: float = 15e-12  # A/√Hz
    output_swing: float | None = None  # V peak-to-peak

    def __post_init__(self):
        check_positive("transimpedance (ohm)", self.transimpedance)
        check_positive("bandwidth (Hz)", self.bandwidth)
        check_real("input_noise_density (A/sqrt(Hz))", self.input_noise_density, low=0.0, high=1e-3)
        if self.output_swing is not None:
            check_positive("output_swing (V)", self.output_swing)

    def frequency_response(self, f):
        """Complex transimpedance Z(f) in Ω (V/A) at frequency `f` (Hz, signed allowed)."""
        u = check_array("f (Hz)", f) / self.bandwidth
        return _out(self.transimpedance / (1.0 - u**2 + 1j * math.sqrt(2.0) * u))

    def input_noise_psd(self) -> float:
        """One-sided input-referred noise current PSD (A²/Hz)."""
        return self.input_noise_density**2

    def figures(self) -> dict:
        """Headline figures (SI, units in the keys); ``output_swing_v`` is NaN without clipping."""
        return {"transimpedance_ohm": self.transimpedance, "bandwidth_hz": self.bandwidth,
                "input_noise_density_a_per_sqrt_hz": self.input_noise_density,
                "output_swing_v": math.nan if self.output_swing is None else self.output_swing}

    def amplify(self, current, sample_rate: float, rng=None, noise: bool = True) -> np.ndarray:
        """Output voltage (V) for an input current record (A, time on the last axis).

        White input noise of one-sided PSD `input_noise_psd()` over the simulated bandwidth sample_rate/2
        (variance in²·fs/2) is added before the Butterworth response; then the output is clipped.
        """
        i = check_array("current (A)", current)
        fs = check_positive("sample_rate (Hz)", sample_rate)
        if i.ndim < 1 or i.shape[-1] < 1:
            raise ValueError(f"current must be an array with at least one sample; got shape {i.shape}")
        if noise and self.input_noise_density > 0:
            i = i + math.sqrt(self.input_noise_psd() * fs / 2.0) * as_rng(rng).standard_normal(i.shape)
        v = _filter(i, self.frequency_response(sfft.rfftfreq(i.shape[-1], 1.0 / fs)))
        if self.output_swing is not None:
            v = np.clip(v, -self.output_swing / 2.0, self.output_swing / 2.0)
        return v


@displayed("R=responsivity:A/W", "f3dB=bandwidth:Hz", "C=capacitance:F", "Id=dark_current:A")
@dataclass(frozen=True)
class PinPhotodiode:
    """Ge-on-Si PIN photodiode (defaults: waveguide-coupled vertical PIN, 10 µm × 14 µm, 0.5 µm i-Ge).

    Defaults give R ≈ 1.0 A/W, C ≈ 45 fF, f_t ≈ 66 GHz, f_RC ≈ 59 GHz, combined f_3dB ≈ 42 GHz.
    `saturation_velocity`: ≈ 6e4 m/s for both electrons (Jacoboni et al., PRB 24, 1014 (1981)) and holes
    (Reggiani et al., PRB 16, 2781 (1977)) in Ge at 300 K. ε_r(Ge) = 16.2 (Sze & Ng, Physics of
    Semiconductor Devices, 3rd ed., App. G). `load_resistance` also stands for the input impedance of a
    TIA when one is used; `area` is the junction area (m²).
    """

    quantum_efficiency: float = 0.8  # external, (0, 1]
    wavelength: float = CARRIER_WAVELENGTH  # m
    dark_current: float = 10e-9  # A
    intrinsic_thickness: float = 0.5e-6  # m
    area: float = 10e-6 * 14e-6  # m²
    relative_permittivity: float = 16.2
    saturation_velocity: float = 6e4  # m/s
    series_resistance: float = 10.0  # Ω
    load_resistance: float = 50.0  # Ω
    parasitic_capacitance: float = 5e-15  # F (pads, wiring)
    temperature: float = T_ROOM  # K
    transit_model: str = "uniform"  # "uniform" or "edge" generation (see module docstring)

    def __post_init__(self):
        check_real("quantum_efficiency", self.quantum_efficiency, low=1e-6, high=1.0)
        check_real("wavelength (m)", self.wavelength, low=1e-7, high=1e-4)  # 100 nm - 100 µm
        check_real("dark_current (A)", self.dark_current, low=0.0)
        check_real("intrinsic_thickness (m)", self.intrinsic_thickness, low=1e-9, high=1e-3)
        check_positive("area (m^2)", self.area)
        check_real("relative_permittivity", self.relative_permittivity, low=1.0, high=1e4)
        check_positive("saturation_velocity (m/s)", self.saturation_velocity)
        check_real("series_resistance (ohm)", self.series_resistance, low=0.0)
        check_positive("load_resistance (ohm)", self.load_resistance)
        check_real("parasitic_capacitance (F)", self.parasitic_capacitance, low=0.0)
        check_positive("temperature (K)", self.temperature)
        if self.transit_model not in _TRANSIT_MODELS:
            raise ValueError(f"transit_model must be one of {_TRANSIT_MODELS}; got {self.transit_model!r}")

    # --- static figures -------------------------------------------------------------------------------
    @property
    def responsivity(self) -> float:
        """R = η q λ / (h c) in A/W (1.2502 A/W at η = 1, 1550 nm)."""
        return self.quantum_efficiency * Q / float(photon_energy(self.wavelength))

    @property
    def capacitance(self) -> float:
        """Junction (parallel plate ε0 ε_r A/d, fully depleted) plus parasitic capacitance, F."""
        junction = EPS0 * self.relative_permittivity * self.area / self.intrinsic_thickness
        return junction + self.parasitic_capacitance

    @property
    def transit_time(self) -> float:
        """τ = d / v_sat, s."""
        return self.intrinsic_thickness / self.saturation_velocity

    @property
    def transit_time_bandwidth(self) -> float:
        """Exact −3 dB frequency of the transit response alone, Hz (0.5533 v/d uniform, 0.4429 v/d edge)."""
        return _transit_x3db(self.transit_model) / (2.0 * math.pi * self.transit_time)

    @property
    def rc_bandwidth(self) -> float:
        """1 / (2π (R_s + R_L) C), Hz."""
        return 1.0 / (2.0 * math.pi * (self.series_resistance + self.load_resistance) * self.capacitance)

    @property
    def bandwidth(self) -> float:
        """−3 dB frequency of H_t(f)·H_RC(f), found with brentq (Hz); below both f_t and f_RC."""
        hi = min(self.transit_time_bandwidth, self.rc_bandwidth)
        return brentq(lambda f: abs(self.frequency_response(f)) ** 2 - 0.5, 0.0, hi, xtol=1e-6, rtol=1e-13)

    @property
    def bandwidth_approx(self) -> float:
        """Common approximation 1/f² = 1/f_t² + 1/f_RC² (Hz)."""
        return (self.transit_time_bandwidth**-2 + self.rc_bandwidth**-2) ** -0.5

    def _rc_response(self, f: np.ndarray) -> np.ndarray:
        rc = (self.series_resistance + self.load_resistance) * self.capacitance
        return 1.0 / (1.0 + 2j * math.pi * f * rc)

    def frequency_response(self, f):
        """Complex H(f) = H_t(f)·H_RC(f), normalized to 1 at DC; `f` in Hz (signed allowed)."""
        f = check_array("f (Hz)", f)
        return _out(_transit_response(2.0 * math.pi * f * self.transit_time, self.transit_model)
                    * self._rc_response(f))

    # --- currents and noise ---------------------------------------------------------------------------
    def photocurrent(self, power):
        """Mean current R·P + I_dark (A) for optical power `power` (W, >= 0)."""
        return _out(self.responsivity * check_array("power (W)", power, low=0.0) + self.dark_current)

    def shot_noise_psd(self, power):
        """One-sided shot-noise PSD 2 q (I_ph + I_d), A²/Hz."""
        return _out(2.0 * Q * np.asarray(self.photocurrent(power)))

    def thermal_noise_psd(self) -> float:
        """One-sided Johnson noise PSD of the load, 4 k T / R_L, A²/Hz."""
        return 4.0 * K_B * self.temperature / self.load_resistance

    def _circuit_noise_psd(self, tia: TransimpedanceAmplifier | None) -> float:
        return self.thermal_noise_psd() if tia is None else tia.input_noise_psd()

    def noise_current_rms(self, power, bandwidth: float, tia: TransimpedanceAmplifier | None = None):
        """RMS noise current (A) in noise bandwidth `bandwidth` (Hz): shot + (thermal or TIA input noise)."""
        b = check_positive("bandwidth (Hz)", bandwidth)
        return _out(np.sqrt((np.asarray(self.shot_noise_psd(power)) + self._circuit_noise_psd(tia)) * b))

    def snr(self, power, bandwidth: float, tia: TransimpedanceAmplifier | None = None):
        """Electrical SNR (linear) of a CW photocurrent, (R P)²/σ²; a TIA's input noise replaces 4kT/R_L."""
        i_sig = self.responsivity * check_array("power (W)", power, low=0.0)
        return _out(i_sig**2 / np.asarray(self.noise_current_rms(power, bandwidth, tia)) ** 2)

    def nep(self, tia: TransimpedanceAmplifier | None = None) -> float:
        """Noise-equivalent power (W/√Hz) in the dark: √(2 q I_d + S_circuit) / R (SNR = 1 in 1 Hz)."""
        return math.sqrt(2.0 * Q * self.dark_current + self._circuit_noise_psd(tia)) / self.responsivity

    def figures(self) -> dict:
        """Headline figures (SI, units in the keys), the NEP with the load's Johnson noise (no TIA)."""
        return {
            "responsivity_a_per_w": self.responsivity,
            "bandwidth_hz": self.bandwidth,
            "transit_time_bandwidth_hz": self.transit_time_bandwidth,
            "rc_bandwidth_hz": self.rc_bandwidth,
            "capacitance_f": self.capacitance,
            "dark_current_a": self.dark_current,
            "nep_w_per_sqrt_hz": self.nep(),
            "area_m2": self.area,
        }

    # --- time domain ----------------------------------------------------------------------------------
    def _current_trace(self, power, fs, rng, noise, scale=1.0):
        """Filtered photocurrent (A) for a power record (W), with shot noise added before H(f).

        Shot noise: white, one-sided PSD 2 q i(t) over fs/2 (variance q·i(t)·fs per sample), following
        the instantaneous unfiltered current i(t) = scale·R·p(t) + I_d; it passes through H_t·H_RC with
        the signal (it is generated in the junction).
        """
        i = scale * self.responsivity * power + self.dark_current
        if noise:
            i = i + np.sqrt(Q * np.maximum(i, 0.0) * fs) * rng.standard_normal(i.shape)
        return _filter(i, self.frequency_response(sfft.rfftfreq(i.shape[-1], 1.0 / fs)))

    def _thermal_trace(self, n, fs, rng):
        """Load Johnson noise (A): white 4kT/R_L over fs/2, shaped by the RC pole only (no transit)."""
        w = math.sqrt(self.thermal_noise_psd() * fs / 2.0) * rng.standard_normal(n)
        return _filter(w, self._rc_response(sfft.rfftfreq(n, 1.0 / fs)))

    def detect(self, field, sample_rate: float, *, rng=None, noise: bool = True,
               tia: TransimpedanceAmplifier | None = None) -> np.ndarray:
        """Photocurrent (A), or the TIA output voltage (V) if `tia` is given, for an optical field.

        `field`: complex (N,) or (2, N), √W; power = |E|² summed over polarizations. `sample_rate` in Hz;
        the simulated (noise) bandwidth is sample_rate/2. With a TIA, its input noise replaces the load's
        Johnson noise. `rng`: numpy Generator or int seed, required when noise=True.
        """
        arr = _check_field("field", field)
        fs = check_positive("sample_rate (Hz)", sample_rate)
        gen = as_rng(rng) if noise else None
        i = self._current_trace(_power(arr), fs, gen, noise)
        if tia is not None:
            return tia.amplify(i, fs, gen, noise=noise)
        if noise:
            i = i + self._thermal_trace(i.shape[-1], fs, gen)
        return i


@displayed("R=diode_a.responsivity:A/W", "f3dB=diode_a.bandwidth:Hz", "CMRR=common_mode_rejection_ratio_db:dB")
@dataclass(frozen=True)
class BalancedPhotodiode:
    """Two PIN photodiodes in series, output I_a − I_b (A), e.g. after a 90° hybrid.

    `diode_b` defaults to a copy of `diode_a`. `responsivity_mismatch` δ (in (−2, 2)) scales the
    responsivities to R_a(1 + δ/2) and R_b(1 − δ/2). The shot noises of both diodes are independent and
    their PSDs add (2q(I_a + I_b)); the dark currents subtract in the mean. The pair drives one load /
    TIA, so the circuit noise is counted once (taken from `diode_a`'s load).
    """

    diode_a: PinPhotodiode = field(default_factory=PinPhotodiode)
    diode_b: PinPhotodiode | None = None
    responsivity_mismatch: float = 0.0

    def __post_init__(self):
        for name in ("diode_a", "diode_b"):
            d = getattr(self, name)
            if not (isinstance(d, PinPhotodiode) or (name == "diode_b" and d is None)):
                raise TypeError(f"{name} must be a PinPhotodiode; got {type(d).__name__}")
        if self.diode_b is None:
            object.__setattr__(self, "diode_b", self.diode_a)
        check_real("responsivity_mismatch", self.responsivity_mismatch, low=-2.0, high=2.0,
                   low_open=True, high_open=True)

    @property
    def responsivity_a(self) -> float:
        """A/W, including the mismatch."""
        return self.diode_a.responsivity * (1.0 + self.responsivity_mismatch / 2.0)

    @property
    def responsivity_b(self) -> float:
        """A/W, including the mismatch."""
        return self.diode_b.responsivity * (1.0 - self.responsivity_mismatch / 2.0)

    def common_mode_rejection_ratio_db(self, f: float = 0.0) -> float:
        """CMRR = 20 log10 |R_a H_a + R_b H_b| / |R_a H_a − R_b H_b| at `f` (Hz), dB (> 0; inf if ideal).

        The OIF (OIF-DPC-RX-01) quotes the inverse ratio, i.e. the same figure with a minus sign.
        """
        a = self.responsivity_a * self.diode_a.frequency_response(f)
        b = self.responsivity_b * self.diode_b.frequency_response(f)
        diff = abs(a - b)
        return math.inf if diff == 0.0 else 20.0 * math.log10(abs(a + b) / diff)

    def figures(self) -> dict:
        """Headline figures (SI, units in the keys): both responsivities, the pair's bandwidth (the slower
        diode's) and the DC common-mode rejection (inf when ideal)."""
        return {"responsivity_a_a_per_w": self.responsivity_a, "responsivity_b_a_per_w": self.responsivity_b,
                "bandwidth_hz": min(self.diode_a.bandwidth, self.diode_b.bandwidth),
                "common_mode_rejection_ratio_db": self.common_mode_rejection_ratio_db(0.0)}

    def shot_noise_psd(self, power_a, power_b):
        """One-sided shot-noise PSD of the difference current, 2q(I_a + I_b) (A²/Hz)."""
        pa = check_array("power_a (W)", power_a, low=0.0)
        pb = check_array("power_b (W)", power_b, low=0.0)
        i = (self.responsivity_a * pa + self.diode_a.dark_current
             + self.responsivity_b * pb + self.diode_b.dark_current)
        return _out(2.0 * Q * i)

    def detect(self, field_a, field_b, sample_rate: float, rng=None, noise: bool = True,
               tia: TransimpedanceAmplifier | None = None) -> np.ndarray:
        """Difference current I_a − I_b (A), or the TIA output (V) if `tia` is given.

        Fields as in `PinPhotodiode.detect`, with the same number of samples N. For E_a = (s + lo)/√2,
        E_b = (s − lo)/√2 and no mismatch the signal is 2 R Re(s·lo*) (filtered by H).
        """
        a = _check_field("field_a", field_a)
        b = _check_field("field_b", field_b)
        if a.shape[-1] != b.shape[-1]:
            raise ValueError(f"field_a and field_b must have the same number of samples; got "
                             f"{a.shape[-1]} and {b.shape[-1]}")
        fs = check_positive("sample_rate (Hz)", sample_rate)
        gen = as_rng(rng) if noise else None
        da, db = self.diode_a, self.diode_b
        i = (da._current_trace(_power(a), fs, gen, noise, 1.0 + self.responsivity_mismatch / 2.0)
             - db._current_trace(_power(b), fs, gen, noise, 1.0 - self.responsivity_mismatch / 2.0))
        if tia is not None:
            return tia.amplify(i, fs, gen, noise=noise)
        if noise:
            i = i + da._thermal_trace(i.shape[-1], fs, gen)
        return i
