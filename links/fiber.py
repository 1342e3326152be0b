"""Single-mode fiber: loss, dispersion and its slope, Kerr nonlinearity and (optionally) PMD.

Field convention (engineering): the optical field is Re[A(t)·e^{+jω₀t}], so baseband frequency f is the
optical frequency ``reference_frequency`` + f. A(z, t) then obeys the complex conjugate of Agrawal's NLSE
(Agrawal, Nonlinear Fiber Optics, 5th ed., eq. 2.3.46):

    ∂A/∂z = −(α/2)·A + j(β₂/2)·∂²A/∂t² + (β₃/6)·∂³A/∂t³ − jγ|A|²A,

i.e. the same physics with the opposite phase sign: self-phase modulation advances the phase by −γ·P·L_eff.
Two polarizations follow the Manakov equation (Marcuse, Menyuk & Wai, J. Lightwave Technol. 15, 1735 (1997)):
the same equation with γ → (8/9)·γ and |A|² → |Aₓ|² + |A_y|².

Solver: symmetric split-step Fourier, L(h/2)·N(h)·L(h/2), with the linear half-steps of consecutive steps
merged (two FFTs per step), FFTs by scipy.fft (multithreaded, in place) and the nonlinear step as an in-place
Numba kernel. Within a step the loss is folded into the nonlinear phase exactly: the midpoint power is
weighted by 2·sinh(αh/2)/α (the integral of e^{−α(z − z_mid)} over the step), so a CW field sees exactly
γ·P·L_eff with dispersion off, whatever the step count.

PMD (two polarizations only, optional): ``n_pmd_sections`` sections of equal DGD with Haar-random
rotations between them (coarse-step / waveplate model; Prola et al., IEEE Photon. Technol. Lett. 9, 842
(1997)); the mean DGD of the whole fiber is ``pmd_ps_per_sqrt_km``·√L on average over realisations. A section
acts in the frequency domain at the linear step nearest its end (an approximation: within the Manakov model
a frequency-independent rotation commutes with the nonlinearity, the DGD does not).

The same `Fiber` is a span of the link budget (`links.budget.Span` is this class): ``extra_loss_db`` lumps
connectors, splices and patch panels at the span end (after the fibre, so it changes neither the NLI nor the
split-step; `propagate` applies it as a flat loss at the output), ``group_index`` sets the latency.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy import fft as sfft

from optolink.core.constants import C
from optolink.core.display import displayed
from optolink.core.units import CARRIER_FREQUENCY, DB_PER_NEPER
from optolink.core.validate import as_rng, check_int, check_positive, check_real

from .signals import check_field

SMF28_GROUP_INDEX = 1.4682  # Corning SMF-28 Ultra product information PI1424: effective group index at 1550 nm
PS_NM_KM = 1e-6  # (ps/nm/km) → s/m²
PS_NM2_KM = 1e3  # (ps/nm²/km) → s/m³
PS_SQRT_KM = 1e-12 / math.sqrt(1e3)  # ps/√km → s/√m
DEFAULT_REFERENCE_FREQUENCY = CARRIER_FREQUENCY  # Hz, 1550.0 nm


def _workers(workers) -> int:
    if workers is None:
        return os.cpu_count() or 1
    return check_int("workers", workers, low=1)


# --------------------------------------------------------------------------------------------------------
# kernels (in place; compiled lazily on first call)
# --------------------------------------------------------------------------------------------------------
@njit(inline="always", fastmath=True, cache=True)
def _cis(ph):  # pragma: no cover - compiled
    """(cos ph, sin ph) without libm calls, so that the loops vectorize: quadrant reduction (Cody-Waite, two
    constants) and degree-15/14 Taylor polynomials on [−π/4, π/4]; |error| < 2e-15 + 1e-16·|ph|."""
    k = math.floor(ph * 0.6366197723675814 + 0.5)
    r = (ph - k * 1.5707963267341256) - k * 6.077100506506192e-11
    r2 = r * r
    s = r * (1.0 + r2 * (-1.6666666666666666e-01 + r2 * (8.3333333333333332e-03 + r2 * (
        -1.9841269841269841e-04 + r2 * (2.7557319223985893e-06 + r2 * (-2.5052108385441720e-08 + r2 * (
            1.6059043836821614e-10 + r2 * -7.6471637318198164e-13)))))))
    c = 1.0 + r2 * (-0.5 + r2 * (4.1666666666666664e-02 + r2 * (-1.3888888888888889e-03 + r2 * (
        2.4801587301587302e-05 + r2 * (-2.7557319223985888e-07 + r2 * (2.0876756987868100e-09 + r2 * (
            -1.1470745597729725e-11)))))))
    q = np.int64(k) & 3
    sw = q & 1
    re = s if sw else c
    im = c if sw else s
    return re * (1.0 - 2.0 * (((q + 1) >> 1) & 1)), im * (1.0 - 2.0 * ((q >> 1) & 1))


@njit(cache=True, fastmath=True)
def _cis_array(ph):  # pragma: no cover - compiled
    """exp(j·ph) of an array via `_cis` (exposed for its test)."""
    out = np.empty(ph.size, np.complex128)
    for i in range(ph.size):
        c, s = _cis(ph[i])
        out[i] = complex(c, s)
    return out


# Serial kernels: on few cores, OpenMP threads spinning after a parallel region starve scipy.fft's workers,
# which cost more than the kernels save; the FFTs carry the multithreading.
@njit(cache=True, fastmath=True)
def _nl_scalar(x, g):  # pragma: no cover - compiled
    """x *= exp(−j·g·|x|²) in place."""
    for i in range(x.size):
        v = x[i]
        c, s = _cis(-g * (v.real * v.real + v.imag * v.imag))
        x[i] = v * complex(c, s)


@njit(cache=True, fastmath=True)
def _nl_manakov(x, g):  # pragma: no cover - compiled
    """x (2, N) *= exp(−j·g·(|x₀|² + |x₁|²)) in place."""
    for i in range(x.shape[1]):
        a = x[0, i]
        b = x[1, i]
        c, s = _cis(-g * (a.real * a.real + a.imag * a.imag + b.real * b.real + b.imag * b.imag))
        r = complex(c, s)
        x[0, i] = a * r
        x[1, i] = b * r


@njit(cache=True, fastmath=True)
def _peak_power(x):  # pragma: no cover - compiled
    """max over samples of the power summed over rows, x (P, N)."""
    m = 0.0
    for i in range(x.shape[1]):
        p = 0.0
        for r in range(x.shape[0]):
            v = x[r, i]
            p += v.real * v.real + v.imag * v.imag
        m = max(m, p)
    return m


@njit(cache=True, fastmath=True)
def _mul_rows(x, h):  # pragma: no cover - compiled
    """x (P, N) *= h (N,) in place."""
    for p in range(x.shape[0]):
        for i in range(x.shape[1]):
            x[p, i] *= h[i]


@njit(cache=True, fastmath=True)
def _mul_exp_rows(x, d, h):  # pragma: no cover - compiled
    """x (P, N) *= exp(d·h) in place (d complex (N,), h real): the linear operator of a variable step."""
    for i in range(x.shape[1]):
        e = d[i] * h
        a = math.exp(e.real)
        c, s = _cis(e.imag)
        r = complex(a * c, a * s)
        for p in range(x.shape[0]):
            x[p, i] *= r


@njit(cache=True, fastmath=True)
def _pmd_section(x, omega, u00, u01, u10, u11, dgd):  # pragma: no cover - compiled
    """x (2, N) ← Uᴴ·diag(e^{+jωτ/2}, e^{−jωτ/2})·U·x in place (one birefringent section, frequency domain)."""
    for i in range(x.shape[1]):
        a = x[0, i]
        b = x[1, i]
        p = u00 * a + u01 * b
        q = u10 * a + u11 * b
        c, s = _cis(0.5 * omega[i] * dgd)
        e = complex(c, s)
        p = p * e
        q = q * e.conjugate()
        x[0, i] = u00.conjugate() * p + u10.conjugate() * q
        x[1, i] = u01.conjugate() * p + u11.conjugate() * q


def _nl_reference(x: np.ndarray, g: float) -> np.ndarray:
    """NumPy reference of the nonlinear kernels (used in the tests)."""
    p = np.abs(x) ** 2 if x.ndim == 1 else (np.abs(x) ** 2).sum(axis=0)
    return x * np.exp(-1j * g * p)


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    """A Haar-random SU(2) Jones matrix (uniform on the Poincaré sphere): a unit quaternion from four normals."""
    q = rng.standard_normal(4)
    q /= np.linalg.norm(q)
    a, b = complex(q[0], q[3]), complex(q[2], q[1])
    return np.array([[a, -b.conjugate()], [b, a.conjugate()]])


# --------------------------------------------------------------------------------------------------------
# the fiber
# --------------------------------------------------------------------------------------------------------
MAX_STEPS = 100_000  # split steps per propagate call (a long fiber at 10 m steps is ~10^4)


@displayed("L=length:m", "α=alpha_db_per_km:dB/km", "D=dispersion_ps_nm_km:ps/(nm·km)", "γ=gamma_per_w_km:1/(W·km)",
           "name")
@dataclass(frozen=True)
class Fiber:
    """A fiber span (SI inside; engineering units where named), for the split-step simulation and the budget.

    length (m); alpha_db_per_km (power loss); dispersion_ps_nm_km (D) and dispersion_slope_ps_nm2_km (S) at
    ``reference_frequency`` (Hz, the field's baseband zero; ``reference_wavelength`` is c over it);
    gamma_per_w_km (γ); pmd_ps_per_sqrt_km (PMD coefficient, mean DGD = coefficient·√L) and n_pmd_sections
    (split-step only); ``extra_loss_db`` (lumped loss at the span end), ``group_index`` (latency; default
    SMF-28 at 1550 nm, Corning PI1424) and a ``name``. Defaults: standard SMF (ITU-T G.652.D).
    """

    length: float
    alpha_db_per_km: float = 0.2
    dispersion_ps_nm_km: float = 17.0
    gamma_per_w_km: float = 1.3
    dispersion_slope_ps_nm2_km: float = 0.0
    reference_frequency: float = DEFAULT_REFERENCE_FREQUENCY
    pmd_ps_per_sqrt_km: float = 0.0
    n_pmd_sections: int = 100
    extra_loss_db: float = 0.0
    group_index: float = SMF28_GROUP_INDEX
    name: str = ""

    def __post_init__(self):
        check_real("length", self.length, low=0.0, low_open=True, high=1e8)
        check_real("alpha_db_per_km", self.alpha_db_per_km, low=0.0, high=100.0)
        check_real("dispersion_ps_nm_km", self.dispersion_ps_nm_km, low=-1e3, high=1e3)
        check_real("gamma_per_w_km", self.gamma_per_w_km, low=0.0, high=1e4)
        check_real("dispersion_slope_ps_nm2_km", self.dispersion_slope_ps_nm2_km, low=-10.0, high=10.0)
        check_real("reference_frequency", self.reference_frequency, low=1e13, high=1e16)
        check_real("pmd_ps_per_sqrt_km", self.pmd_ps_per_sqrt_km, low=0.0, high=100.0)
        check_int("n_pmd_sections", self.n_pmd_sections, low=1, high=100_000)
        check_real("extra_loss_db", self.extra_loss_db, low=0.0, high=50.0)
        check_real("group_index", self.group_index, low=1.0, high=2.0)
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a string, got {type(self.name).__name__}")

    # --- derived SI figures ---------------------------------------------------------------------------
    @property
    def reference_wavelength(self) -> float:
        """Vacuum wavelength (m) of ``reference_frequency``."""
        return C / self.reference_frequency

    @property
    def alpha(self) -> float:
        """Power attenuation coefficient (1/m)."""
        return self.alpha_db_per_km / 1e3 / DB_PER_NEPER

    @property
    def beta2(self) -> float:
        """GVD β₂ = −D·λ²/(2πc) (s²/m)."""
        return -self.dispersion_ps_nm_km * PS_NM_KM * self.reference_wavelength**2 / (2 * math.pi * C)

    @property
    def beta3(self) -> float:
        """β₃ = (λ²/(2πc))²·(S + 2D/λ) (s³/m) (Agrawal, Nonlinear Fiber Optics, eq. 1.2.11 differentiated)."""
        lam = self.reference_wavelength
        return (lam**2 / (2 * math.pi * C)) ** 2 * (self.dispersion_slope_ps_nm2_km * PS_NM2_KM
                                                    + 2 * self.dispersion_ps_nm_km * PS_NM_KM / lam)

    @property
    def gamma(self) -> float:
        """Kerr coefficient (1/(W·m))."""
        return self.gamma_per_w_km / 1e3

    @property
    def fiber_loss_db(self) -> float:
        """Distributed fibre loss, dB."""
        return self.alpha_db_per_km * self.length / 1e3

    @property
    def loss_db(self) -> float:
        """Fibre plus lumped loss, dB."""
        return self.fiber_loss_db + self.extra_loss_db

    @property
    def accumulated_dispersion_ps_nm(self) -> float:
        return self.dispersion_ps_nm_km * self.length / 1e3

    @property
    def effective_length(self) -> float:
        """L_eff = (1 − e^{−αL})/α (m)."""
        a = self.alpha
        return self.length if a == 0 else -math.expm1(-a * self.length) / a

    def dispersion_length(self, t0: float) -> float:
        """L_D = T₀²/|β₂| (m) for a pulse of half-width ``t0`` (s)."""
        return check_positive("t0", t0) ** 2 / abs(self.beta2) if self.beta2 else math.inf

    def linear_response(self, frequency, length: float | None = None) -> np.ndarray:
        """Field transfer exp[(−α/2 − j(β₂ω²/2 + β₃ω³/6))·L] at baseband ``frequency`` (Hz)."""
        w = 2 * math.pi * np.asarray(frequency, dtype=float)
        z = self.length if length is None else length
        return np.exp((-self.alpha / 2 - 1j * (self.beta2 / 2 * w**2 + self.beta3 / 6 * w**3)) * z)

    # --- PMD -------------------------------------------------------------------------------------------
    def pmd_sections(self, rng) -> list[tuple[np.ndarray, float]]:
        """``n_pmd_sections`` (rotation, DGD in s) pairs; section DGD √(3π/8)·⟨DGD⟩/√n so that the
        Maxwellian mean of the total is the PMD coefficient·√L (Gisin et al., Pure Appl. Opt. 4, 511 (1995))."""
        gen = as_rng(rng)
        mean_dgd = self.pmd_ps_per_sqrt_km * PS_SQRT_KM * math.sqrt(self.length)
        tau = math.sqrt(3 * math.pi / 8) * mean_dgd / math.sqrt(self.n_pmd_sections)
        return [(random_rotation(gen), tau) for _ in range(self.n_pmd_sections)]

    @staticmethod
    def pmd_jones(frequency, sections) -> np.ndarray:
        """Total Jones matrices (F, 2, 2) of PMD ``sections`` at baseband ``frequency`` (Hz)."""
        w = 2 * math.pi * np.asarray(frequency, dtype=float)
        u = np.broadcast_to(np.eye(2, dtype=complex), (w.size, 2, 2)).copy()
        for rot, tau in sections:
            d = np.zeros((w.size, 2, 2), dtype=complex)
            d[:, 0, 0] = np.exp(0.5j * w * tau)
            d[:, 1, 1] = np.exp(-0.5j * w * tau)
            u = rot.conj().T @ d @ rot @ u
        return u

    # --- propagation -----------------------------------------------------------------------------------
    def propagate(self, field, sample_rate: float, step: float | None = None, *,
                  max_nonlinear_phase: float | None = None, precision: str = "double", rng=None,
                  workers: int | None = None) -> np.ndarray:
        """Field after the fiber: ``(N,)`` → scalar NLSE, ``(2, N)`` → Manakov (8/9·γ); √W in and out.

        ``step`` (m): fixed step (rounded so the length is a whole number of steps). Otherwise the step
        keeps the peak nonlinear phase per step at ``max_nonlinear_phase`` (rad, default 0.01). With γ = 0
        (and no PMD) the fiber is one exact linear step. ``precision``: ``"double"`` (complex128) or
        ``"single"`` (complex64, ~2× faster, ~1e-6 relative accuracy per step). ``rng`` (Generator or seed)
        draws the PMD sections (required when ``pmd_ps_per_sqrt_km`` > 0 and the field has two polarizations).
        ``workers``: FFT threads (default all cores). The record is periodic (circular in time).
        ``extra_loss_db`` is applied at the output as a flat (lumped) loss.
        """
        if precision not in ("double", "single"):
            raise ValueError(f"precision must be 'double' or 'single'; got {precision!r}")
        fs = check_real("sample_rate", sample_rate, low=0.0, low_open=True, high=1e15)
        dtype = np.complex128 if precision == "double" else np.complex64
        x = np.array(check_field("field", field), dtype=dtype, order="C", copy=True)
        dual = x.ndim == 2
        if step is not None and max_nonlinear_phase is not None:
            raise ValueError("give either step or max_nonlinear_phase, not both")
        if step is not None:
            step = check_real("step", step, low=0.0, low_open=True)
        phi_max = 0.01 if max_nonlinear_phase is None else check_real(
            "max_nonlinear_phase", max_nonlinear_phase, low=0.0, low_open=True, high=1.0)
        sections = []
        if dual and self.pmd_ps_per_sqrt_km > 0:
            if rng is None:
                raise ValueError("rng (Generator or seed) is required to draw the PMD sections")
            sections = self.pmd_sections(rng)
        w = _workers(workers)
        x2 = x if dual else x.reshape(1, -1)
        n = x2.shape[1]
        omega = 2 * math.pi * sfft.fftfreq(n, 1.0 / fs)
        d_op = (-self.alpha / 2 - 1j * (self.beta2 / 2 * omega**2 + self.beta3 / 6 * omega**3)).astype(dtype)
        omega_r = omega.astype(np.float64)
        g_eff = self.gamma * (8.0 / 9.0 if dual else 1.0)
        length = float(self.length)
        # where each PMD section ends (m): applied in the linear step whose position is nearest
        sec_z = (np.arange(1, len(sections) + 1) * length / max(len(sections), 1)) if sections else np.zeros(0)
        sec_next = 0

        def linear(h, z_at, op=None):
            """FFT, the linear operator of length h (or the precomputed ``op``), PMD sections ending by z_at, IFFT."""
            nonlocal sec_next
            sfft.fft(x2, axis=-1, overwrite_x=True, workers=w)
            if op is not None:
                _mul_rows(x2, op)
            elif h > 0:
                _mul_exp_rows(x2, d_op, h)
            while sec_next < len(sections) and sec_z[sec_next] <= z_at + 1e-9 * length:
                rot, tau = sections[sec_next]
                _pmd_section(x2, omega_r, complex(rot[0, 0]), complex(rot[0, 1]), complex(rot[1, 0]),
                             complex(rot[1, 1]), float(tau))
                sec_next += 1
            sfft.ifft(x2, axis=-1, overwrite_x=True, workers=w)

        if g_eff == 0.0:
            linear(length, length)
            return self._lumped(x)
        nl = _nl_manakov if dual else _nl_scalar
        xn = x2 if dual else x2[0]
        alpha = self.alpha

        def h_eff(h):
            return h if alpha == 0 else 2 * math.sinh(alpha * h / 2) / alpha

        if step is not None:
            if length / step > MAX_STEPS:
                raise ValueError(f"step {step:g} m makes {length / step:.3g} steps over {length:g} m; at most "
                                 f"{MAX_STEPS} (use a longer step)")
            n_steps = max(1, math.ceil(length / step - 1e-9))
            h = length / n_steps
            half = np.exp(d_op * (h / 2)).astype(dtype)
            full = np.exp(d_op * h).astype(dtype)
            g = g_eff * h_eff(h)

            linear(h / 2, h / 2, half)
            for k in range(n_steps):
                nl(xn, g)
                if k < n_steps - 1:
                    linear(h, (k + 1.5) * h, full)
                else:
                    linear(h / 2, length, half)
            return self._lumped(x)
        # nonlinear-phase criterion: h = φ_max / (γ_eff·P_peak), the peak taken at the last nonlinear step
        p_peak = float(np.max(np.abs(x2) ** 2 if not dual else (np.abs(x2) ** 2).sum(axis=0)))
        h = min(length, phi_max / (g_eff * max(p_peak, 1e-30)))
        if length / h > MAX_STEPS:  # an upper bound: the power (and the step count) only falls along the fiber
            raise ValueError(f"a nonlinear phase of {phi_max:g} rad per step needs about {length / h:.3g} steps at "
                             f"{p_peak:.3g} W peak over {length:g} m; at most {MAX_STEPS} (raise "
                             "max_nonlinear_phase, or give a step)")
        z = 0.0
        linear(h / 2, h / 2)
        while True:
            p_peak = _peak_power(x2)
            nl(xn, g_eff * h_eff(h))
            z += h
            if z >= length * (1 - 1e-12):
                linear(h / 2, length)
                return self._lumped(x)
            h_next = min(length - z, phi_max / (g_eff * max(p_peak * math.exp(-alpha * h / 2), 1e-30)))
            if length - z - h_next < 1e-6 * length:
                h_next = length - z
            linear((h + h_next) / 2, z + h_next / 2)
            h = h_next


    def _lumped(self, x: np.ndarray) -> np.ndarray:
        """``x`` after the lumped ``extra_loss_db`` at the span end (in place; unchanged when it is 0)."""
        if self.extra_loss_db > 0:
            x *= 10 ** (-self.extra_loss_db / 20)
        return x


def split_step_reference(fiber: Fiber, field, sample_rate: float, n_steps: int) -> np.ndarray:
    """Textbook (unmerged) symmetric split-step in plain NumPy: the reference of `Fiber.propagate` in tests."""
    if not isinstance(fiber, Fiber):
        raise TypeError(f"fiber must be a Fiber; got {type(fiber).__name__}")
    x = np.array(check_field("field", field), dtype=complex)
    dual = x.ndim == 2
    f = np.fft.fftfreq(x.shape[-1], 1.0 / check_real("sample_rate", sample_rate, low=1.0, high=1e15))
    h = fiber.length / check_int("n_steps", n_steps, low=1, high=100_000)
    half = fiber.linear_response(f, h / 2)
    a = fiber.alpha
    heff = h if a == 0 else 2 * math.sinh(a * h / 2) / a
    g = fiber.gamma * (8 / 9 if dual else 1.0) * heff
    for _ in range(n_steps):
        x = np.fft.ifft(np.fft.fft(x, axis=-1) * half, axis=-1)
        x = _nl_reference(x, g)
        x = np.fft.ifft(np.fft.fft(x, axis=-1) * half, axis=-1)
    return x


__all__ = ["SMF28_GROUP_INDEX", "Fiber", "random_rotation", "split_step_reference"]
