"""PAM4 transmitter compliance figures: TDECQ and TECQ (IEEE 802.3 clause 121.8.5), OMA outer, ER, RLM, eye.

The measurement (IEEE Std 802.3-2022 clause 121.8.5.3, "TDECQ"; the same method is referenced by 802.3cd clause
139.7.5, 802.3cu clause 151.7.5 and, with the lane's own parameters, by 802.3df/dj):

1. the optical power waveform passes the reference receiver, a 4th-order Bessel–Thomson response
   ``H(y) = 105 / (105 + 105y + 45y² + 10y³ + y⁴)``, ``y = 2.1140·j·f/f_r`` (802.3 clause 121.8.5.1 / 86A.5.1.1),
   with ``f_r`` = 0.5 × baud (26.5625 GHz at 53.125 GBd);
2. the time reference (0 UI) is the mean crossing time of the average optical power ``P_ave``; vertical
   histograms are taken in two windows 0.04 UI wide centred at 0.45 UI and 0.55 UI;
3. a T-spaced reference FFE (5 taps for 53.125 GBd lanes, sum of taps = 1) is applied and its taps are chosen to
   minimise TDECQ;
4. thresholds ``P_th1,2,3 = P_ave − OMA/3, P_ave, P_ave + OMA/3``; ``σ_G`` is the largest standard deviation of
   Gaussian noise, added before the equaliser (so scaled by the noise enhancement ``C_eq = sqrt(Σ c_k²)`` at its
   output), for which the SER of both windows stays ≤ the target SER (4.8e-4);
5. ``TDECQ = 10·log10( OMA_outer / (6·Q_t·sqrt(σ_G² + σ_S²)) )`` with ``Q_t`` the Q of the target SER for an
   ideal eye (``1.5·Q(Q_t) = SER``, Q_t = 3.414 at 4.8e-4) and ``σ_S`` the oscilloscope's own noise present in the
   waveform (0 for a simulated waveform).

TECQ (802.3cu clause 151.7.5 and later) is the same measurement on the transmitter output before the fibre: call
:func:`tecq` with the back-to-back waveform.

Approximations, stated: the 0.04 UI windows are sampled at ``window_phases`` evenly spaced phases (band-limited
interpolation, exact for a waveform that is an integer number of symbols long, i.e. a repeated pattern); the
histograms have OMA/600 bins; OMA outer and the levels are taken from the reference-receiver output at the eye
centre on settled runs (three equal symbols), as a scope does on the SSPRQ runs; the threshold adjustment and the
timing-window search that some later clauses allow are not applied.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import fft as sfft
from scipy import optimize
from scipy.special import erfcinv

from links.imdd import _tdecq_kernels as kern
from optolink.core.display import displayed
from optolink.core.validate import check_bool, check_int, check_positive, check_real

from .. import plots as _plots

BESSEL_THOMSON_NORMALISATION = 2.1140  # 802.3 clause 86A.5.1.1: y = 2.1140·j·f/f_r gives −3 dB at f_r
HISTOGRAM_BINS_PER_OMA = 600
MIN_SYMBOLS = 256
SUB_STEP = 8  # the tap search sees every 8th symbol of a long record
MAXFEV_PER_TAP = 20  # Nelder–Mead evaluations per tap


@dataclasses.dataclass(frozen=True)
class TdecqMethod:
    """Parameters of one clause's TDECQ measurement (reference receiver, equaliser, SER target).

    ``bandwidth_ratio`` is the Bessel–Thomson 3 dB frequency over the baud rate; ``main_taps`` the positions the
    largest (cursor) tap may take (0-based); ``secondary`` marks values not checked against the clause text.
    """

    name: str
    baud_rate: float
    bandwidth_ratio: float
    n_taps: int
    main_taps: tuple[int, ...]
    target_ser: float
    source: str
    secondary: bool = False
    window_centres_ui: tuple[float, float] = (0.45, 0.55)
    window_width_ui: float = 0.04

    def __post_init__(self):
        check_positive("baud_rate", self.baud_rate)
        check_real("bandwidth_ratio", self.bandwidth_ratio, low=0.05, high=2.0)
        check_int("n_taps", self.n_taps, low=1, high=63)
        if not self.main_taps or any(not 0 <= m < self.n_taps for m in self.main_taps):
            raise ValueError(f"main_taps must be positions in [0, {self.n_taps - 1}]; got {self.main_taps}")
        check_real("target_ser", self.target_ser, low=0.0, high=0.5, low_open=True)
        check_real("window_width_ui", self.window_width_ui, low=0.0, high=0.5, low_open=True)

    @property
    def q_t(self) -> float:
        """Q of the target SER for an ideal PAM4 eye: 1.5·Q(Q_t) = SER (3.414 at 4.8e-4)."""
        return float(math.sqrt(2.0) * erfcinv(2.0 * self.target_ser / 1.5))


TDECQ_METHODS: dict[str, TdecqMethod] = {
    "802.3cu": TdecqMethod(
        "802.3cu", 53.125e9, 0.5, 5, (1, 2, 3), 4.8e-4,
        "IEEE Std 802.3cu-2021 clause 151.7.5 (TDECQ per 121.8.5 with a 5-tap T-spaced reference FFE; reference "
        "receiver 26.5625 GHz Bessel–Thomson); same method 802.3cd-2018 clause 139.7.5.4 and 802.3df-2024 for "
        "800GBASE-DR8. C_eq (the reference equaliser's noise enhancement, clause 121.8.5.3) and the limit on TDECQ − "
        "10·log10(C_eq) as quoted by 400GBASE-DR4/800G DR8 datasheets (Edgecore ET7502-DR4/FR4, Trixon 800G OSFP "
        "DR8). Main-tap positions: M (recalled, not checked against the clause text)."),
    "802.3dj": TdecqMethod(
        "802.3dj", 113.4375e9, 0.5, 15, tuple(range(1, 6)), 4.8e-4,
        "IEEE P802.3dj (200 Gb/s per lane optical PMDs, 113.4375 GBd): M — reference FFE length (15 taps), "
        "Bessel–Thomson at 0.5 × baud (56.72 GHz) and SER target recalled from task-force drafts, not checked "
        "against the published clause; confirm before quoting compliance.", secondary=True),
}
_ALIASES = {"100G": "802.3cu", "802.3cd": "802.3cu", "802.3df": "802.3cu", "802.3bs": "802.3cu",
            "200G": "802.3dj"}


def tdecq_method(standard) -> TdecqMethod:
    """The :class:`TdecqMethod` of a lane standard name (``"802.3cu"``, ``"802.3dj"``, ``"100G"``, ``"200G"``,
    or a PMD preset of :mod:`links.imdd.standards`), or the method itself."""
    if isinstance(standard, TdecqMethod):
        return standard
    if isinstance(standard, str):
        key = _ALIASES.get(standard, standard)
        if key in TDECQ_METHODS:
            return TDECQ_METHODS[key]
        from links.imdd.standards import IMDD_STANDARDS
        if standard in IMDD_STANDARDS:
            return TDECQ_METHODS[IMDD_STANDARDS[standard].tdecq_method]
    known = sorted(set(TDECQ_METHODS) | set(_ALIASES))
    raise ValueError(f"standard must be one of {known} or an IM-DD PMD preset name; got {standard!r}")


def bessel_thomson(frequency, bandwidth: float) -> np.ndarray:
    """4th-order Bessel–Thomson response with 3 dB frequency ``bandwidth`` (802.3 clause 86A.5.1.1)."""
    f = np.asarray(frequency, dtype=float)
    if not np.all(np.abs(f) <= 1e15):
        raise ValueError("frequency must be finite, within ±1e15 Hz")
    y = 1j * BESSEL_THOMSON_NORMALISATION * f / check_real("bandwidth", bandwidth, low=1.0, high=1e15)
    return 105.0 / (105.0 + 105.0 * y + 45.0 * y**2 + 10.0 * y**3 + y**4)


@displayed("TDECQ=tdecq_db:dB", "OMA=oma_outer:W", "P_ave=average_power:W", "ER=extinction_ratio_db:dB")
@dataclasses.dataclass(frozen=True)
class TdecqResult:
    """One TDECQ measurement: the figure and what it was computed from (SI: W, s)."""

    tdecq_db: float
    oma_outer: float
    average_power: float
    levels: np.ndarray  # P0..P3 at the eye centre, W
    sigma_g: float  # added-noise σ at the equaliser input, W
    sigma_ideal: float  # OMA / (6·Q_t), W
    scope_noise: float
    taps: np.ndarray
    main_tap: int
    noise_enhancement: float  # C_eq = sqrt(Σ c²)
    crossing_time: float  # s, mean P_ave crossing time modulo one UI (0 UI)
    method: str

    @property
    def extinction_ratio_db(self) -> float:
        """Outer extinction ratio 10·log10(P3/P0) (inf when P0 ≤ 0)."""
        return extinction_ratio_db(self.levels)

    @property
    def rlm(self) -> float:
        """Ratio level mismatch of the four levels (802.3 clause 120D.3.1.2)."""
        return ratio_level_mismatch(self.levels)

    @property
    def tdecq_minus_ceq_db(self) -> float:
        """TDECQ − 10·log10(C_eq): the second transmitter limit of the 100G/λ PMDs (same maximum as TDECQ)."""
        return self.tdecq_db - 10.0 * math.log10(self.noise_enhancement)


def _four_levels(levels) -> np.ndarray:
    lv = np.asarray(levels, dtype=float) if not isinstance(levels, str) else np.zeros(0)
    if lv.shape != (4,) or not np.all(np.isfinite(lv)):
        raise ValueError(f"levels must be the four finite PAM4 levels P0..P3; got {levels!r:.80}")
    return lv


def extinction_ratio_db(levels) -> float:
    """Outer extinction ratio of PAM4 levels P0..P3: 10·log10(P3/P0)."""
    lv = _four_levels(levels)
    return math.inf if lv[0] <= 0 else 10.0 * math.log10(lv[-1] / lv[0])


def ratio_level_mismatch(levels) -> float:
    """RLM = min(3·ES1, 3·ES2, 2 − 3·ES1, 2 − 3·ES2), ES1 = (V1 − Vmid)/(V0 − Vmid), ES2 = (V2 − Vmid)/(V3 −
    Vmid), Vmid = (V0 + V3)/2 (IEEE 802.3 clause 120D.3.1.2); 1 for equally spaced levels."""
    v0, v1, v2, v3 = _four_levels(levels)
    if v3 <= v0:
        raise ValueError(f"levels must rise from P0 to P3; got {v0:.3g} .. {v3:.3g}")
    mid = 0.5 * (v0 + v3)
    es1 = (v1 - mid) / (v0 - mid)
    es2 = (v2 - mid) / (v3 - mid)
    return float(min(3 * es1, 3 * es2, 2 - 3 * es1, 2 - 3 * es2))


# --------------------------------------------------------------------------------------------------- sampling
SINC_HALF_TAPS = 16  # windowed-sinc interpolation kernel: 2 × 16 taps, Kaiser β = 9


def _sinc_kernel(frac: float) -> np.ndarray:
    """Kaiser-windowed sinc taps h[j] = x(i0 + frac) weights on samples i0 − K + 1 + j, j < 2K."""
    k = SINC_HALF_TAPS
    t = np.arange(-k + 1, k + 1) - frac
    return np.sinc(t) * np.i0(9.0 * np.sqrt(np.clip(1.0 - (t / k) ** 2, 0.0, None))) / np.i0(9.0)


class _SymbolGrid:
    """The reference-receiver output of a periodic record, evaluable at symbol-rate instants nT + τ.

    The record is filtered once (periodic FFT convolution with the Bessel–Thomson response, on an integer number
    of samples per symbol); samples at any phase τ come from a Kaiser-windowed-sinc interpolator (band-limited
    interpolation, accurate to ~1e-4 of the swing for content below 0.8 × the sample rate / 2).
    """

    def __init__(self, waveform, sample_rate, baud_rate, bandwidth):
        n = waveform.size
        sps = sample_rate / baud_rate
        n_sym = int(math.floor(n / sps + 1e-6))
        if abs(sps - round(sps)) > 1e-9 or abs(n_sym * sps - n) > 1e-6 * sps:
            # not an integer number of samples per symbol, or a partial symbol at the end: resample the whole
            # symbols onto an integer grid (FFT resampling; exact for a periodic band-limited record).
            s_int = max(2, int(math.ceil(sps - 1e-9)))
            m = int(math.floor(n_sym * sps))
            spec = sfft.rfft(waveform[:m])
            out = n_sym * s_int
            full = np.zeros(out // 2 + 1, dtype=complex)
            k = min(spec.size, full.size)
            full[:k] = spec[:k]
            waveform = sfft.irfft(full, out) * (out / m)
            sps = s_int
        sps = int(round(sps))
        n = n_sym * sps
        waveform = waveform[:n]
        self.n_symbols, self.sps, self.baud_rate = n_sym, sps, baud_rate
        self.sample_rate = baud_rate * sps
        if bandwidth is not None:
            waveform = _periodic_filter(waveform, self.sample_rate, bandwidth)
        self.x = waveform
        k = SINC_HALF_TAPS
        self._pad = k * 2 + sps
        self._ext = np.concatenate([waveform[-self._pad:], waveform, waveform[: self._pad + 2 * k]])

    def at(self, tau: float) -> np.ndarray:
        """Real samples y[n] = x(nT + τ), n = 0..n_symbols−1 (τ in s)."""
        pos = (tau * self.baud_rate % 1.0) * self.sps  # in samples, within the first symbol
        i0 = int(math.floor(pos))
        h = _sinc_kernel(pos - i0)
        start = self._pad + i0 - SINC_HALF_TAPS + 1
        return kern.fractional_samples(self._ext, start, self.sps, h, self.n_symbols)

    def waveform(self, samples_per_symbol: int) -> np.ndarray:
        """The filtered record at ``samples_per_symbol`` per UI (interleaved phases)."""
        cols = [self.at(j / (samples_per_symbol * self.baud_rate)) for j in range(samples_per_symbol)]
        return np.stack(cols, axis=1).ravel()


def _periodic_filter(x: np.ndarray, sample_rate: float, bandwidth: float) -> np.ndarray:
    """Circular convolution of a periodic record with the Bessel–Thomson impulse response (truncated where it has
    decayed below 1e-9 of its peak), by FFT on a fast length."""
    n = x.size
    m = 1 << int(math.ceil(math.log2(max(64, 64 * sample_rate / bandwidth))))
    m = min(m, 1 << int(math.ceil(math.log2(n))))
    f = sfft.rfftfreq(m, 1.0 / sample_rate)
    h = sfft.irfft(bessel_thomson(f, bandwidth), m)
    keep = np.nonzero(np.abs(h) > 1e-9 * np.abs(h).max())[0]
    h = h[: keep[-1] + 1] if keep[-1] < m // 2 else h
    if h.size >= n:
        return sfft.irfft(sfft.rfft(x) * bessel_thomson(sfft.rfftfreq(n, 1.0 / sample_rate), bandwidth), n)
    ext = np.concatenate([x[n - h.size + 1:], x])
    from scipy.signal import oaconvolve
    return oaconvolve(ext, h, mode="valid")


def _crossing_time(grid: _SymbolGrid, level: float) -> float:
    """Mean crossing time of ``level`` modulo one UI (circular mean), s; linear interpolation between samples
    of the filtered record at ≥ 8 samples per UI."""
    per_ui = grid.sps if grid.sps >= 8 else 8
    x = (grid.x if per_ui == grid.sps else grid.waveform(per_ui)) - level
    s = np.signbit(x)
    idx = np.nonzero(s[:-1] != s[1:])[0]
    if idx.size == 0:
        raise ValueError("waveform never crosses its average power: not a modulated signal")
    frac = x[idx] / (x[idx] - x[idx + 1])
    t_ui = (idx + frac) / per_ui
    z = np.exp(2j * np.pi * t_ui).mean()
    return float(np.angle(z) / (2 * np.pi) % 1.0) / grid.baud_rate


def _pam4_levels(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1-D 4-means of eye-centre samples → (levels P0..P3, decisions 0..3)."""
    c = np.quantile(y, [0.125, 0.375, 0.625, 0.875])
    for _ in range(20):
        th = 0.5 * (c[1:] + c[:-1])
        d = np.searchsorted(th, y)
        new = np.array([y[d == i].mean() if np.any(d == i) else c[i] for i in range(4)])
        if np.allclose(new, c, rtol=0, atol=1e-12 * max(1e-300, abs(c).max())):
            break
        c = new
    th = 0.5 * (c[1:] + c[:-1])
    return c, np.searchsorted(th, y)


def _settled_levels(y: np.ndarray, d: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Level means over symbols whose neighbours carry the same symbol (settled runs), else all symbols."""
    out = levels.copy()
    same = (d == np.roll(d, 1)) & (d == np.roll(d, -1))
    for i in range(4):
        sel = same & (d == i)
        if sel.sum() >= 16:
            out[i] = y[sel].mean()
    return out


# ------------------------------------------------------------------------------------------------- measurement
def _validate(waveform, sample_rate, baud_rate, pattern_length):
    sample_rate = check_positive("sample_rate", sample_rate)
    baud_rate = check_positive("baud_rate", baud_rate)
    if sample_rate < 2.0 * baud_rate * (1 - 1e-12):
        raise ValueError(f"sample_rate must be >= 2 × baud_rate = {2 * baud_rate:g} Hz (at least 2 samples per "
                         f"symbol); got {sample_rate:g} Hz")
    w = np.asarray(waveform)
    if w.ndim != 1 or np.iscomplexobj(w):
        raise ValueError("waveform must be a 1-D real array of optical power samples (W)")
    w = w.astype(float)
    if not np.isfinite(w).all():
        raise ValueError("waveform must be finite (no NaN or inf)")
    n_sym = int(math.floor(w.size * baud_rate / sample_rate + 1e-6))
    if pattern_length is not None:
        pattern_length = check_int("pattern_length", pattern_length, low=1)
        if n_sym < pattern_length:
            raise ValueError(f"waveform holds {n_sym} symbols, shorter than the pattern ({pattern_length} "
                             "symbols): record at least one whole pattern")
    if n_sym < MIN_SYMBOLS:
        raise ValueError(f"waveform must hold at least {MIN_SYMBOLS} symbols; got {n_sym}")
    if not w.mean() > 0:
        raise ValueError("waveform must be an optical power (mean > 0 W)")
    return w, sample_rate, baud_rate


def _window_samples(grid: _SymbolGrid, t0: float, method: TdecqMethod, n_phases: int) -> np.ndarray:
    T = 1.0 / grid.baud_rate
    offs = (np.arange(n_phases) + 0.5) / n_phases - 0.5
    out = np.empty((2, n_phases, grid.n_symbols))
    for w, centre in enumerate(method.window_centres_ui):
        for p, o in enumerate(offs):
            out[w, p] = grid.at(t0 + (centre + o * method.window_width_ui) * T)
    return out


class _Evaluator:
    """σ_G of a tap vector on given window samples (histogram + SER solve in the Numba kernels).

    Each solve starts from the previous one's σ (the tap search moves in small steps), so it takes a few
    Newton steps.
    """

    def __init__(self, samples, pave, oma, sigma_ideal, target, pad=64, bins_per_oma=HISTOGRAM_BINS_PER_OMA,
                 step=1):
        self.pad, self.step = pad, step
        self.samples = np.ascontiguousarray(np.concatenate([samples[..., -pad:], samples, samples[..., :pad]],
                                                           axis=-1))
        self.th = (pave - oma / 3.0, pave, pave + oma / 3.0)
        self.lo = pave - oma
        self.width = oma / bins_per_oma
        self.n_bins = 2 * bins_per_oma
        self.centers = self.lo + (np.arange(self.n_bins) + 0.5) * self.width
        self.sigma_ideal = sigma_ideal
        self.target = target
        self._last = 0.0

    def sigma_g(self, taps, main) -> float:
        taps = np.ascontiguousarray(taps, dtype=float)
        ceq = float(np.sqrt(np.sum(taps**2)))
        counts = kern.equalised_histograms(self.samples, self.pad, taps, main, self.lo, self.width, self.n_bins,
                                           self.step)
        used = np.nonzero(counts.any(axis=0))[0]
        used = slice(used[0], used[-1] + 1)
        post = kern.sigma_for_ser(np.ascontiguousarray(counts[:, used]), self.centers[used], *self.th,
                                  self.target, 4.0 * self.sigma_ideal * ceq, self._last * ceq)
        self._last = post / ceq
        return post / ceq


def _mmse_taps(samples, decisions, levels, n_taps, main, ridge):
    """Least-squares taps (Σc = 1) from the window-centre samples of both windows to the decided levels."""
    step = 4 if samples.shape[2] >= 16 * MIN_SYMBOLS else 1
    rows = np.ascontiguousarray(samples[:, samples.shape[1] // 2])
    g, r = kern.ffe_normal_equations(rows, np.ascontiguousarray(levels[decisions], dtype=float), step, main,
                                     n_taps)
    g += ridge * rows.shape[0] * len(range(0, rows.shape[1], step)) * np.eye(n_taps)
    ones = np.ones(n_taps)
    gi_r = np.linalg.solve(g, r)
    gi_1 = np.linalg.solve(g, ones)
    lam = (1.0 - ones @ gi_r) / (ones @ gi_1)
    return gi_r + lam * gi_1


def measure_tdecq(waveform, sample_rate, baud_rate, *, standard="802.3cu", scope_noise: float = 0.0,
                  reference_receiver: bool = True, equalize: bool = True, pattern_length: int | None = None,
                  window_phases: int = 5, optimize_taps: bool = True) -> TdecqResult:
    """TDECQ of an optical PAM4 power waveform, with the figures it came from (see the module docstring).

    ``waveform``: optical power in W sampled at ``sample_rate`` (any rate ≥ 2 × ``baud_rate``), ideally a whole
    number of repetitions of the test pattern (SSPRQ). ``scope_noise``: σ_S, the RMS noise (W) of the instrument
    present in the waveform. ``reference_receiver=False`` bypasses the Bessel–Thomson filter, ``equalize=False``
    uses no equaliser (a single unit tap), ``optimize_taps=False`` keeps the least-squares taps.
    """
    method = tdecq_method(standard)
    w, sample_rate, baud_rate = _validate(waveform, sample_rate, baud_rate, pattern_length)
    scope_noise = check_real("scope_noise", scope_noise, low=0.0)
    check_bool("reference_receiver", reference_receiver)
    check_bool("equalize", equalize)
    window_phases = check_int("window_phases", window_phases, low=1, high=64)

    grid = _SymbolGrid(w, sample_rate, baud_rate, method.bandwidth_ratio * baud_rate if reference_receiver
                       else None)
    pave = float(w.mean())
    t0 = _crossing_time(grid, pave)
    centre = grid.at(t0 + 0.5 / baud_rate)
    levels, decisions = _pam4_levels(centre)
    levels = _settled_levels(centre, decisions, levels)
    oma = float(levels[3] - levels[0])
    if not oma > 0:
        raise ValueError("waveform has no modulation (OMA outer <= 0)")
    sigma_ideal = oma / (6.0 * method.q_t)
    samples = _window_samples(grid, t0, method, window_phases)
    ev = _Evaluator(samples, pave, oma, sigma_ideal, method.target_ser)

    n_taps = method.n_taps if equalize else 1
    ident = np.zeros(n_taps)
    main0 = method.main_taps[0] if equalize else 0
    ident[main0] = 1.0
    best_sigma, best_taps, best_main = ev.sigma_g(ident, main0), ident, main0  # never worse than no equaliser
    if equalize and n_taps > 1:
        # the least-squares taps for each allowed cursor position and the unit tap, ranked on the sub-sampled
        # set; the best one (refined by the tap search) is then measured on the full set
        sub = _sub_evaluator(samples, pave, oma, sigma_ideal, method.target_ser)
        ideal_levels = levels[0] + oma / 3.0 * np.arange(4)
        candidates = [(ident, main0)] + [
            (_mmse_taps(samples, decisions, ideal_levels, n_taps, m, (sigma_ideal / 2) ** 2), m)
            for m in method.main_taps]
        start, start_main = max(candidates, key=lambda c: sub.sigma_g(*c))
        trial = _refine(sub, start, start_main, sigma_ideal) if optimize_taps else start
        for taps in (trial, start) if trial is not start else (start,):
            if taps is not ident:
                s = ev.sigma_g(taps, start_main)
                if s > best_sigma:
                    best_sigma, best_taps, best_main = s, taps, start_main
    sigma_g = best_sigma
    total = math.hypot(sigma_g, scope_noise)
    value = math.inf if total == 0 else 10.0 * math.log10(sigma_ideal / total)
    return TdecqResult(tdecq_db=value, oma_outer=oma, average_power=pave, levels=levels, sigma_g=sigma_g,
                       sigma_ideal=sigma_ideal, scope_noise=scope_noise, taps=np.asarray(best_taps),
                       main_tap=best_main, noise_enhancement=float(np.sqrt(np.sum(np.square(best_taps)))),
                       crossing_time=t0, method=method.name)


def _sub_evaluator(samples, pave, oma, sigma_ideal, target) -> _Evaluator:
    """The set the tap search runs on: three phases per window and, on long records, every 4th symbol (each
    equalised from its true neighbours)."""
    phases = sorted({0, samples.shape[1] // 2, samples.shape[1] - 1})
    step = max(1, min(SUB_STEP, samples.shape[2] // (16 * MIN_SYMBOLS // 4)))
    return _Evaluator(samples[:, phases], pave, oma, sigma_ideal, target, step=step)


def _refine(sub: _Evaluator, taps, main, sigma_ideal):
    """Nelder–Mead on the taps (Σc = 1 kept by a sum-zero basis), maximising σ_G on the sub-sampled set."""
    n = taps.size
    basis = np.eye(n)[:, :-1] - np.eye(n)[:, [-1]]  # columns sum to zero

    def cost(z):
        return -sub.sigma_g(taps + basis @ z, main)

    start = -cost(np.zeros(n - 1))
    res = optimize.minimize(cost, np.zeros(n - 1), method="Nelder-Mead",
                            options={"xatol": 1e-4, "fatol": 1e-4 * sigma_ideal, "maxfev": MAXFEV_PER_TAP * n,
                                     "initial_simplex": np.vstack([np.zeros(n - 1), 0.03 * np.eye(n - 1)])})
    return taps + basis @ res.x if -res.fun > start else taps


def tdecq(waveform, sample_rate, baud_rate, *, standard="802.3cu", **kwargs) -> float:
    """TDECQ in dB per IEEE 802.3 clause 121.8.5 of an optical power waveform (W) at any sample rate ≥ 2 × baud.

    ``standard`` selects the lane's method (``"802.3cu"``/``"100G"`` for 53.125 GBd lanes, ``"802.3dj"``/``"200G"``
    for 113.4375 GBd lanes, or a PMD preset such as ``"800G-DR8"``); other keywords as :func:`measure_tdecq`.
    Returns ``inf`` for an eye that its own samples close at the target SER.
    """
    return measure_tdecq(waveform, sample_rate, baud_rate, standard=standard, **kwargs).tdecq_db


def tecq(waveform, sample_rate, baud_rate, *, standard="802.3cu", **kwargs) -> float:
    """TECQ in dB: the TDECQ measurement on the transmitter output without the fibre (802.3cu clause 151.7.5)."""
    return tdecq(waveform, sample_rate, baud_rate, standard=standard, **kwargs)


def oma_outer(waveform, sample_rate, baud_rate, *, standard="802.3cu") -> float:
    """OMA outer P3 − P0 (W) at the eye centre of the reference-receiver output, on settled runs."""
    return measure_tdecq(waveform, sample_rate, baud_rate, standard=standard, equalize=False).oma_outer


@displayed(("bins", lambda e: "×".join(map(str, e.counts.shape))), "t=time_ui:UI", "P=power:W")
@dataclasses.dataclass(frozen=True)
class EyeDiagram:
    """A 2-D histogram of the waveform folded on ``n_ui`` UI: ``counts[power_bin, time_bin]``."""

    counts: np.ndarray
    time_ui: np.ndarray  # bin centres, UI (0 UI = mean P_ave crossing)
    power: np.ndarray  # bin centres, W

    plot = _plots.eye  # plot(ax=None) → Axes (links.plots)


def eye_diagram(waveform, sample_rate, baud_rate, *, standard="802.3cu", reference_receiver: bool = True,
                n_ui: int = 2, time_bins: int = 64, power_bins: int = 128) -> EyeDiagram:
    """Eye diagram of an optical power waveform after the lane's reference receiver (or raw)."""
    method = tdecq_method(standard)
    w, sample_rate, baud_rate = _validate(waveform, sample_rate, baud_rate, None)
    n_ui = check_int("n_ui", n_ui, low=1, high=8)
    per_ui = max(2, check_int("time_bins", time_bins, low=2, high=4096) // n_ui)
    power_bins = check_int("power_bins", power_bins, low=2, high=4096)
    grid = _SymbolGrid(w, sample_rate, baud_rate, method.bandwidth_ratio * baud_rate if reference_receiver
                       else None)
    t0 = _crossing_time(grid, float(w.mean()))
    shift = int(round(t0 * baud_rate * per_ui))
    x = np.roll(grid.waveform(per_ui), -shift)
    n_tr = x.size // (per_ui * n_ui)
    traces = x[: n_tr * per_ui * n_ui].reshape(n_tr, per_ui * n_ui)
    t = np.broadcast_to(np.arange(per_ui * n_ui) / per_ui, traces.shape)
    counts, t_edges, p_edges = np.histogram2d(t.ravel(), traces.ravel(), bins=(per_ui * n_ui, power_bins),
                                              range=((-0.5 / per_ui, n_ui - 0.5 / per_ui), None))
    return EyeDiagram(counts=counts.T, time_ui=0.5 * (t_edges[1:] + t_edges[:-1]),
                      power=0.5 * (p_edges[1:] + p_edges[:-1]))
