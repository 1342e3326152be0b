"""The EGN correction of the GN model: the modulation format's cumulants lower the cross- and self-channel NLI.

The modulation format's excess kurtosis Φ = E|a|⁴/E²|a|² − 2 lowers the cross-channel NLI.
The closed-form correction of the XCI terms for identical spans (D. Semrau, E. Sillekens, R. I. Killey,
P. Bayvel, "A modulation format correction formula for the Gaussian noise model in the presence of
inter-channel stimulated Raman scattering", J. Lightw. Technol. 37(19), 5122 (2019), eq. 13 without Raman,
following P. Poggiolini et al., "A simple and effective closed-form GN model correction formula accounting for
signal non-Gaussian distribution", J. Lightw. Technol. 33(2), 459 (2015)) is, for the channel of interest i
and each interferer k (Δf = f_k − f_i, B = baud, n spans of length L)::

    η_corr = (80/81)·Φ_k·(P_k/P_i)²·γ²/B_k·[ atan(φ_ik·B_i/α)/(φ_ik·α)
              + 2π·ñ/(|φ|·B_k²·α²)·((2|Δf| − B_k)·ln((2|Δf| − B_k)/(2|Δf| + B_k)) + 2B_k) ]
    φ_ik = 2π²·Δf·(β2 + πβ3(f_i + f_k)),   φ = −4π²(β2 + πβ3(f_i + f_k))·L,   ñ = n for n > 1, 0 for n = 1

(frequencies relative to f_ref). Φ = −1 (QPSK), −0.68 (16QAM), −0.619 (64QAM), 0 (Gaussian) (Carena et al.,
"EGN model of non-linear fiber propagation", Opt. Express 22(13), 16335 (2014), Table 1).

Self-channel (SCI) term, `sci_terms`: the EGN model's construction (Carena et al. 2014) carried out
numerically. In the periodic-signal model a channel of N i.i.d. circular symbols has spectral lines
ξ_n = c_n·DFT(a)_n/√N whose fourth and sixth cumulants are Φ/N and Ψ/N² (Ψ = E|a|⁶ − 9E|a|⁴ + 12) on the
frequency-conserving index sets. Expanding the sixth moment of the first-order Manakov term T_n into
cumulants and removing the part correlated with ξ_n leaves, per polarization and line,
3·Σ|μ|²c⁶ + (Φ/N)·a + ((Ψ − Φ²)/N²)·q (a: five "intensity" sums and one "pair-sum" sum; q = |Σμccc|²), which
`sci_terms` evaluates on N = 48 lines (converged). Checked against a Monte Carlo of the same definition
(tests/test_egn.py) and against the first-order perturbation of simulated channels: 1 and 3 spans of SSMF,
QPSK and 16QAM, the corrected self-channel NLI within 0.2 dB (16QAM 0.02 dB), where the GN model is
2-6 dB pessimistic. With the XCI term the split-step check (`links.nli_check`, 16QAM, spans coherent) is
−0.19 dB (3 channels × 2 spans) and −0.44 ± 0.13 dB (5 × 5) from the EGN prediction (docs/nli.md).
Not applied: the multi-channel (MCI) EGN terms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from optolink.core.validate import check_bool, check_choice, check_int, check_positive, check_real

from .gn import _check_plan, fibre_parameters

__all__ = ["EXCESS_KURTOSIS", "egn_correction"]

# Excess kurtosis Φ = E|a|⁴/E²|a|² − 2 of the unit-energy constellations (Carena et al., Opt. Express 22(13),
# 16335 (2014), Table 1); 0 for Gaussian symbols (the GN model).
EXCESS_KURTOSIS = {"QPSK": -1.0, "16QAM": -0.68, "64QAM": -0.619, "Gaussian": 0.0}


def egn_correction(frequency, bandwidth, spans: Sequence, *, power=None, modulation="16QAM", sci: bool = True,
                   coherent: bool = False, xci: str = "closed_form") -> np.ndarray:
    """EGN correction Δη_i (1/W², ≤ 0) of the whole link, referred to the launch powers: P_NLI,i = (η_GN,i +
    Δη_i)·P_i³: the XCI terms (Semrau et al. 2019 eq. 13 without Raman; see the module docstring) and, with
    ``sci``, the self-channel term (`sci_terms`: the fourth- and sixth-cumulant sums, Φ and Ψ of the format).

    ``modulation``: one name for all channels or one per channel (keys of `EXCESS_KURTOSIS`). Spans are
    taken as identical: α, β2, β3, γ and L of the mean span (the formula is for a uniform link). ``coherent``:
    the SCI term of spans adding in field (the phased array of the split-step truth) or in power (the
    budget's incoherent GN: the single-span term times the number of spans). ``xci``: "closed_form" (the
    formula above) or "exact" (`xci_terms`, the cumulant sums, with the spans coherent or not as ``coherent``;
    each on half the lines of its ridge estimate, converged to < 0.4 %; for interferers that need more than
    ``XCI_MAX_LINES`` the closed form is kept: there the two agree within 5 % for one span).
    """
    f, r, p, _ = _check_plan(frequency, bandwidth, power, 0.0)
    spans = list(spans)
    if not spans:
        raise ValueError("spans must not be empty")
    mods = [modulation] * f.size if isinstance(modulation, str) else list(modulation)
    if len(mods) != f.size:
        raise ValueError(f"modulation must be one name or one per channel ({f.size}); got {len(mods)}")
    phi_k = np.array([EXCESS_KURTOSIS[check_choice("modulation", m, tuple(EXCESS_KURTOSIS))] for m in mods])
    fps = [fibre_parameters(s) for s in spans]
    a = float(np.mean([fp.alpha for fp in fps]))
    length = float(np.mean([fp.length for fp in fps]))
    b2 = float(np.mean([fp.beta2 for fp in fps]))
    b3 = float(np.mean([fp.beta3 for fp in fps]))
    fref = fps[0].reference_frequency
    gamma = float(np.mean([float(s.gamma_per_w_km) / 1e3 for s in spans]))
    n = len(spans)
    n_t = n if n > 1 else 0
    fi, fk = f[:, None] - fref, f[None, :] - fref
    df = fk - fi
    beff = b2 + math.pi * b3 * (fi + fk)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi_ik = 2 * math.pi**2 * df * beff
        x = phi_ik * r[:, None] / a
        t1 = np.where(np.abs(x) > 1e-12, np.arctan(x) / (phi_ik * a), r[:, None] / a**2)
        phi = np.abs(4 * math.pi**2 * beff * length)
        bk = r[None, :]
        ad = np.abs(df)
        t2 = 2 * math.pi * n_t / (phi * bk**2 * a**2) * ((2 * ad - bk) * np.log((2 * ad - bk) / (2 * ad + bk))
                                                          + 2 * bk)
        term = (80 / 81) * phi_k[None, :] * (p[None, :] / p[:, None]) ** 2 * gamma**2 / bk * (t1 + t2)
    np.fill_diagonal(term, 0.0)
    check_choice("xci", xci, ("closed_form", "exact"))
    span = _mean_span(spans, a, length, b2, b3, fref, gamma)
    if xci == "exact":
        for i in range(f.size):
            for k in range(f.size):
                if k == i or phi_k[k] == 0.0 or abs(r[k] / r[i] - 1) > 1e-9:
                    continue
                # lines to resolve the ridge of the kernel (n times narrower with the spans' phased array): half
                # of the ridge estimate 2R·4π²|β2|Δf/α·n converges A to < 0.4 % (a quarter errs by 10-26 %; measured
                # on SSMF at 50/100 GHz, 2 and 5 spans: tests/test_egn.py); beyond XCI_MAX_LINES (seconds per
                # interferer) the closed form is kept
                ridge = 2 * r[i] * 4 * math.pi**2 * abs(beff[i, k]) * abs(df[i, k]) / a * (n if coherent else 1)
                lines = max(32, math.ceil(ridge / 2))
                if lines > XCI_MAX_LINES:
                    continue
                big_a = _xci_cached(float(r[i]), float(df[i, k]), span, n, bool(coherent), lines)
                term[i, k] = 2 * (8 / 9) ** 2 * gamma**2 * 5 * phi_k[k] * big_a * (p[k] / p[i]) ** 2
    out = np.nansum(term, axis=1)
    if sci:
        for i in range(f.size):
            phi, psi = format_moments(mods[i])
            if phi == 0.0 and psi == 0.0:
                continue
            ga, aa, qa = _sci_cached(float(r[i]), span, n, bool(coherent))
            out[i] += 2 * (8 / 9) ** 2 * gamma**2 * (phi * aa + (psi - phi**2) * qa / _SCI_LINES)
    return out


XCI_MAX_LINES = 320  # the exact XCI sums cost n_lines³ (320 lines: ~5 s per interferer on this machine)
_SCI_LINES = 48  # lines per channel of the periodic model: the SCI terms are converged to < 0.01 dB
_SCI_CACHE: dict = {}


def _mean_span(spans, a, length, b2, b3, fref, gamma):
    """A span-like object with the mean span's α, L, β2, β3 and γ (what `sci_terms` reads)."""
    from types import SimpleNamespace

    lam = 299792458.0 / fref
    d = -b2 * 2 * math.pi * 299792458.0 / lam**2  # s/m²
    s = ((b3 / (lam**2 / (2 * math.pi * 299792458.0)) ** 2) - 2 * d / lam)  # s/m³
    return SimpleNamespace(length=length, alpha_db_per_km=a * 1e3 * 10 / math.log(10), dispersion_ps_nm_km=d * 1e6,
                           dispersion_slope_ps_nm2_km=s * 1e-3, gamma_per_w_km=gamma * 1e3, reference_frequency=fref)


def _xci_cached(baud, offset, span, n_spans, coherent, lines):
    key = ("xci", baud, offset, span.length, span.alpha_db_per_km, span.dispersion_ps_nm_km,
           span.dispersion_slope_ps_nm2_km, span.reference_frequency, n_spans, coherent, lines)
    hit = _SCI_CACHE.get(key)
    if hit is None:
        if len(_SCI_CACHE) > 256:
            _SCI_CACHE.clear()
        hit = _SCI_CACHE[key] = xci_terms(baud, offset, span, n_spans, coherent=coherent, n_lines=lines)
    return hit


def _sci_cached(baud, span, n_spans, coherent):
    key = (baud, span.length, span.alpha_db_per_km, span.dispersion_ps_nm_km, span.dispersion_slope_ps_nm2_km,
           span.reference_frequency, n_spans, coherent)
    hit = _SCI_CACHE.get(key)
    if hit is None:
        if len(_SCI_CACHE) > 256:
            _SCI_CACHE.clear()
        hit = _SCI_CACHE[key] = sci_terms(baud, span, n_spans, coherent=coherent, n_lines=_SCI_LINES)
    return hit


# --------------------------------------------------------------------------------------------------------
# self-channel (SCI) term, numerically: the fourth- and sixth-order cumulant sums of the periodic-signal model
# --------------------------------------------------------------------------------------------------------
def format_moments(modulation: str) -> tuple[float, float]:
    """(Φ, Ψ) of a unit-energy constellation: Φ = E|a|⁴ − 2, Ψ = E|a|⁶ − 9E|a|⁴ + 12 (the fourth and sixth
    cumulants of a circular symbol; Carena et al. 2014, Table 1: 16QAM −0.68, 2.08; QPSK −1, 4)."""
    if modulation == "Gaussian":
        return 0.0, 0.0
    from .signals import constellation

    c = constellation(check_choice("modulation", modulation, tuple(EXCESS_KURTOSIS)))
    c = c / math.sqrt(np.mean(np.abs(c) ** 2))
    m4 = float(np.mean(np.abs(c) ** 4))
    m6 = float(np.mean(np.abs(c) ** 6))
    return m4 - 2.0, m6 - 9.0 * m4 + 12.0


def _check_lines(baud, n_spans, n_lines, coherent) -> tuple[float, int, int]:
    """The line model's inputs: baud > 0 (Hz), n_spans >= 1, n_lines in [1, 512] (the sums cost n_lines³)."""
    check_bool("coherent", coherent)
    return check_positive("baud", baud), check_int("n_spans", n_spans, low=1), check_int("n_lines", n_lines, low=1,
                                                                                          high=512)


def sci_terms(baud: float, span, n_spans: int, *, coherent: bool = True, n_lines: int = 96,
              reference_offset: float = 0.0) -> tuple[float, float, float]:
    """(g, a, q) of one rectangular channel (baud wide, unit total power) after ``n_spans`` identical spans:
    per polarization and line, in the periodic model with N = ``n_lines`` symbols (lines) per record,

        E|T_n|² − |E[T_n ξ*_n]|²/E|ξ_n|² = 3·g + (Φ/N)·a + ((Ψ − Φ²)/N²)·q,

    T_n = Σ_{k,l} μ_kln (ξx_k ξx*_m + ξy_k ξy*_m) ξx_l (Manakov, m = k + l − n), averaged over n; g is the
    Gaussian (GN) sum Σ|μ|²c⁶, a = 5·Σ_l c_l²|Σ_k μ c_k c_m|² + Σ_s c²_{s−n}|Σ_k μ c_k c_{s−k}|² the fourth-
    cumulant sums that survive the removal of the signal-correlated part, q = |Σ μ c c c|². μ is the span
    kernel (1 − e^{(−α+jΔβ)L})/(α − jΔβ) times the phased-array sum of the spans (``coherent``; else the
    spans add in power). Derived from the cumulant expansion of the sixth moment of i.i.d. circular symbols
    (the construction of the EGN model, Carena et al., Opt. Express 22(13), 16335 (2014)).
    """
    from .gn import fibre_parameters

    fp = fibre_parameters(span)
    baud, n_spans, n = _check_lines(baud, n_spans, n_lines, coherent)
    reference_offset = check_real("reference_offset", reference_offset)
    f0 = baud / n
    nu = (np.arange(n) - (n - 1) / 2) * f0  # line offsets from the channel centre
    c = np.full(n, math.sqrt(f0 / baud / 2))  # per-polarization line amplitude, unit total power
    b2 = fp.beta2 + 2 * math.pi * fp.beta3 * reference_offset
    g_sum = a_sum = q_sum = 0.0
    k_idx = np.arange(n)
    for i_n in range(n):
        # μ[k, l] for output line n; m = k + l − n must stay inside the channel
        m_idx = k_idx[:, None] + k_idx[None, :] - i_n
        valid = (m_idx >= 0) & (m_idx < n)
        n1 = nu[:, None] - nu[i_n]
        n2 = nu[None, :] - nu[i_n]
        db = -4 * math.pi**2 * n1 * n2 * (b2 + math.pi * fp.beta3 * (n1 + n2))
        mu = (1 - np.exp((-fp.alpha + 1j * db) * fp.length)) / (fp.alpha - 1j * db)
        if n_spans > 1:
            ph = db * fp.length
            if coherent:
                mu = mu * np.where(np.abs(np.sin(ph / 2)) < 1e-12, n_spans,
                                   np.exp(1j * ph * (n_spans - 1) / 2) * np.sin(n_spans * ph / 2)
                                   / np.where(np.abs(np.sin(ph / 2)) < 1e-12, 1.0, np.sin(ph / 2)))
            else:
                mu = mu * math.sqrt(n_spans)
        mu = np.where(valid, mu, 0.0)
        cm = np.where(valid, c[np.clip(m_idx, 0, n - 1)], 0.0)
        ccc = c[:, None] * c[None, :] * cm
        g_sum += float(np.sum(np.abs(mu) ** 2 * ccc**2))
        inner_l = np.sum(mu * c[:, None] * cm, axis=0)  # Σ_k μ_kl c_k c_m, per l
        a1 = float(np.sum(c**2 * np.abs(inner_l) ** 2))
        s_idx = k_idx[:, None] + k_idx[None, :]  # k + l = s (then m = s − n)
        diag = np.zeros(2 * n - 1, dtype=complex)
        np.add.at(diag, s_idx.ravel(), (mu * c[:, None] * c[None, :]).ravel())
        m_of_s = np.arange(2 * n - 1) - i_n
        ok = (m_of_s >= 0) & (m_of_s < n)
        a2 = float(np.sum(c[np.clip(m_of_s, 0, n - 1)][ok] ** 2 * np.abs(diag[ok]) ** 2))
        a_sum += 5 * a1 + a2
        q_sum += float(abs(np.sum(mu * ccc)) ** 2)
    return g_sum / n, a_sum / n, q_sum / n


def sci_correction_factor(baud: float, span, n_spans: int, modulation: str, *, coherent: bool = True,
                          n_lines: int = 96, psi_term: bool = True) -> float:
    """EGN/GN of the self-channel NLI (`sci_terms`): 1 + [(Φ/N)·a + ((Ψ − Φ²)/N²)·q]/(3g)."""
    check_bool("psi_term", psi_term)
    phi, psi = format_moments(modulation)
    g, a, q = sci_terms(baud, span, n_spans, coherent=coherent, n_lines=n_lines)
    n = float(n_lines)
    extra = (psi - phi**2) / n**2 * q if psi_term else 0.0
    return 1.0 + (phi / n * a + extra) / (3.0 * g)


def xci_terms(baud: float, offset: float, span, n_spans: int, *, coherent: bool = True,
              n_lines: int = 48) -> float:
    """A of the cross-channel EGN term for an interferer ``offset`` (Hz) away (both channels ``baud`` wide,
    rectangular, unit power): per polarization and line of the channel of interest,
    ΔE|T_n|² = 5·(Φ_int/N)·A with A = Σ_{k∈COI} c_k²·|Σ_{l∈INT} μ_kln c_l c_{k+l−n}|² (k + l − n in the
    interferer), averaged over n — the same cumulant expansion as `sci_terms` (the interferer's fourth-order
    block, the channel of interest's line paired)."""
    from .gn import fibre_parameters

    fp = fibre_parameters(span)
    baud, n_spans, n = _check_lines(baud, n_spans, n_lines, coherent)
    offset = check_real("offset", offset)
    f0 = baud / n
    nu = (np.arange(n) - (n - 1) / 2) * f0
    c = math.sqrt(f0 / baud / 2)
    total = 0.0
    kk, ll = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    for i_n in range(n):
        m_idx = kk + ll - i_n  # index of the interferer's line k + l − n
        valid = (m_idx >= 0) & (m_idx < n)
        n1 = nu[kk] - nu[i_n]  # ν of the COI line k
        n2 = offset + nu[ll] - nu[i_n]  # ν of the interferer's line l
        db = -4 * math.pi**2 * n1 * n2 * (fp.beta2 + math.pi * fp.beta3 * (n1 + n2))
        mu = (1 - np.exp((-fp.alpha + 1j * db) * fp.length)) / (fp.alpha - 1j * db)
        if n_spans > 1:
            ph = db * fp.length
            small = np.abs(np.sin(ph / 2)) < 1e-12
            if coherent:
                mu = mu * np.where(small, n_spans, np.exp(1j * ph * (n_spans - 1) / 2) * np.sin(n_spans * ph / 2)
                                   / np.where(small, 1.0, np.sin(ph / 2)))
            else:
                mu = mu * math.sqrt(n_spans)
        mu = np.where(valid, mu, 0.0)
        inner_k = np.sum(mu, axis=1) * c * c  # Σ_l μ_kl c_l c_m, per COI line k
        total += float(np.sum(c * c * np.abs(inner_k) ** 2))
    return total / n
