"""The per-channel figures of a coherent budget in one compiled pass (`links.budget.coherent_budget`'s arithmetic).

`budget_figures` takes a validated link (per-span rows, gains, noise figures, the channel plan's arrays) and
returns every array and scalar the budget reports: the power profile, ASE, the closed-form NLI sum (or a given
NLI), OSNR/SNR/GSNR in dB, the centre channel's launch sweep and optimum, accumulated CD, mean DGD, the group
index, and the level diagram. One Numba call replaces ~60 small NumPy calls (each ~1 µs, most of a closed-form
budget's time); `budget_figures_reference` is the same arithmetic in NumPy (the code it replaced), the kernel's
test reference. Equations and sources: `links.budget` (ASE, GSNR, the 3 dB rule) and `links.nli` (the GN sum).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from optolink.core.constants import C, H
from optolink.core.units import OSNR_REFERENCE_BANDWIDTH as B_REF

from .nli import _sum_kernel

__all__: list[str] = []  # internal to links.budget

# columns of the per-distinct-span ``rows`` array
LENGTH, FIBER_LOSS, LOSS, D, SLOPE, LREF, PMD, NG, EXTRA, TYPE, SCALE = range(11)
N_COLUMNS = 11
# columns of the per-fibre-type ``types`` array (closed-form NLI)
T_D, T_SLOPE, T_LREF, T_C4LA = range(4)


@njit(cache=True, inline="always")
def _lin_runs(db):  # pragma: no cover - compiled
    """10^(db/10), one power per run of equal values."""
    out = np.empty(db.size)
    for i in range(db.size):
        out[i] = out[i - 1] if i > 0 and db[i] == db[i - 1] else 10.0 ** (db[i] / 10.0)
    return out


@njit(cache=True, inline="always")
def _db_runs(x):  # pragma: no cover - compiled
    """10·log10(x), one log per run of equal values."""
    out = np.empty(x.size)
    for i in range(x.size):
        out[i] = out[i - 1] if i > 0 and x[i] == x[i - 1] else 10.0 * np.log10(x[i])
    return out


@njit(cache=True, error_model="numpy")
def _figures_kernel(f, bw, lp_dbm, rows, span_row, gains, nf_db, types, nli_in, sweep_db, sweep_lin, c,
                    inv_trx, booster):  # pragma: no cover - compiled
    """See `budget_figures` (error_model="numpy": 1/0 is inf and log10(0) −inf, as NumPy's)."""
    n = f.size
    ns = span_row.size
    level_db = np.empty(ns + 1)  # power offset (dB) at each span input; the last entry is the receiver
    level_db[0] = 0.0
    for k in range(ns):
        level_db[k + 1] = level_db[k] + (gains[k] - rows[span_row[k], LOSS])
    # dB → linear once per distinct value in a row (a link repeats its amplifiers, a plan its launch power)
    scale_in = _lin_runs(level_db)
    p = 1e-3 * _lin_runs(lp_dbm)
    p_db = _db_runs(p)  # 10·log10(P), W
    nf = _lin_runs(nf_db)
    g_lin = _lin_runs(gains)
    s_ase = 0.0  # Σ_k NF_k·G_k/s_k+1: ASE referred to the launch point
    for k in range(ns):
        s_ase += nf[k] * g_lin[k] / scale_in[k + 1]
    ase_ref = np.empty(n)
    ase_b = np.zeros(n)
    for i in range(n):
        ase_ref[i] = H * f[i] * B_REF * s_ase
        if booster[0] > 0.0:  # booster[1] its NF (linear), booster[2] the Tx power (mW)
            ase_b[i] = booster[1] * H * f[i] * B_REF * (p[i] * 1e3 / booster[2])

    if types.shape[0] > 0:  # closed-form GN sum: weights per fibre type, then the fused ψ sum
        nt = types.shape[0]
        wk = np.zeros(nt)
        for k in range(ns):
            r = span_row[k]
            wk[int(rows[r, TYPE])] += rows[r, SCALE] * (scale_in[k] * scale_in[k])
        g = (16.0 / 27.0) * p * p / (bw * bw)
        acc = np.zeros(n)
        _sum_kernel(f, bw, g, types[:, T_D].copy(), types[:, T_SLOPE].copy(), types[:, T_LREF].copy(),
                    types[:, T_C4LA].copy(), wk, acc)
        nli = p * acc
    else:
        nli = nli_in

    out = np.empty((8, n))  # the per-channel rows, in the order of `budget_figures`'s first eight
    to_ref = 0.0
    for i in range(n):
        if i == 0 or bw[i] != bw[i - 1]:  # one log per distinct bandwidth (a plan has one)
            to_ref = 10.0 * np.log10(bw[i] / B_REF)
        snr_ase = p[i] / ((ase_ref[i] + ase_b[i]) * bw[i] / B_REF)
        snr_nli = p[i] / nli[i]
        gsnr_db = 10.0 * np.log10(1.0 / (1.0 / snr_ase + 1.0 / snr_nli + inv_trx))
        out[0, i] = 10.0 * np.log10(p[i] / (ase_ref[i] + ase_b[i]))
        out[1, i] = out[0, i] - to_ref  # SNR_ASE = OSNR·B_ref/B (to a few 1e-16 dB of its own log)
        out[2, i] = 10.0 * np.log10(snr_nli)
        out[3, i] = gsnr_db
        out[4, i] = gsnr_db + to_ref
        out[5, i] = -out[2, i] - 2.0 * p_db[i]  # η = P_NLI/P³ = 1/(SNR_NLI·P²)
        out[6, i] = lp_dbm[i] + level_db[ns]

    # the centre channel's launch sweep (all channels shifted together); optimum where NLI = ASE/2
    p_c_dbm = lp_dbm[c]
    ase_line_c = ase_ref[c] * bw[c] / B_REF
    ase_b_c = ase_b[c] * bw[c] / B_REF / p[c]
    a_opt = (ase_line_c / (2.0 * nli[c])) ** (1.0 / 3.0)
    opt_dbm = p_c_dbm + 10.0 * np.log10(a_opt)
    gsnr_opt = -10.0 * np.log10(ase_line_c / (a_opt * p[c]) + ase_b_c + a_opt * a_opt * nli[c] / p[c] + inv_trx)
    sweep = np.empty((2, sweep_db.size))  # launch power (dBm), centre GSNR (dB)
    for q in range(sweep_db.size):
        a = a_opt * sweep_lin[q]  # 10^((d_opt + sweep_db)/10), d_opt = 10·log10(a_opt)
        sweep[0, q] = opt_dbm + sweep_db[q]
        sweep[1, q] = -10.0 * np.log10(ase_line_c / (a * p[c]) + ase_b_c + a * a * nli[c] / p[c] + inv_trx)

    # dispersion (Σ_k L_k·D_k, channel independent, plus the slope term per channel), PMD, length, group index
    acc_d = 0.0
    dgd2 = 0.0
    length = 0.0
    ngl = 0.0
    n_lumped = 0
    kms = np.empty(ns)
    lref = np.empty(ns)
    for k in range(ns):
        r = span_row[k]
        km = rows[r, LENGTH] / 1e3
        acc_d += km * rows[r, D]
        kms[k] = km * rows[r, SLOPE]
        lref[k] = rows[r, LREF]
        dgd2 += rows[r, PMD] ** 2 * rows[r, LENGTH] / 1e3
        length += rows[r, LENGTH]
        ngl += rows[r, NG] * rows[r, LENGTH]
        if rows[r, EXTRA] > 0.0:
            n_lumped += 1
    for i in range(n):
        lam = C / f[i]
        acc_s = 0.0
        for k in range(ns):
            acc_s += kms[k] * (lam - lref[k])
        out[7, i] = acc_d + acc_s * 1e9

    # level diagram: (Tx), launch, then per span its end, its lumped loss (if any) and its amplifier
    h = 2 if booster[0] > 0.0 else 1
    m = h + 2 * ns + n_lumped
    level = np.empty((3, m))  # position (m), channel power (dBm), total power (dBm)
    offsets = level[1]
    pos = level[0]
    if h == 2:
        offsets[0] = booster[3] - p_c_dbm  # booster[3]: the Tx power, dBm
        pos[0] = 0.0
    offsets[h - 1] = 0.0
    pos[h - 1] = 0.0
    j = h
    end = 0.0
    for k in range(ns):
        r = span_row[k]
        end += rows[r, LENGTH]
        offsets[j] = level_db[k] - rows[r, FIBER_LOSS]
        pos[j] = end
        j += 1
        if rows[r, EXTRA] > 0.0:
            offsets[j] = level_db[k] - rows[r, LOSS]
            pos[j] = end
            j += 1
        offsets[j] = level_db[k + 1]
        pos[j] = end
        j += 1
    p_tot_dbm = 10.0 * np.log10(p.sum() / 1e-3)
    for q in range(m):
        level[2, q] = p_tot_dbm + offsets[q]
        level[1, q] = p_c_dbm + offsets[q]
    return out, sweep, level, opt_dbm, gsnr_opt, math.sqrt(dgd2), length, ngl / length


_EMPTY_TYPES = np.empty((0, 4))
_EMPTY = np.empty(0)


def budget_figures(f, bw, lp_dbm, rows, span_row, gains, nf_db, sweep_db, sweep_lin, c: int, inv_trx: float,
                   booster, *, types=None, nli=None):
    """Every per-channel figure of a budget from validated inputs (float64 arrays; no checks here).

    ``f``, ``bw`` (Hz), ``lp_dbm`` per channel; ``rows`` (U, N_COLUMNS) per distinct span (columns LENGTH m,
    FIBER_LOSS/LOSS dB, D ps/(nm·km), SLOPE ps/(nm²·km), LREF m, PMD ps/√km, NG, EXTRA dB, TYPE (fibre-type
    index), SCALE γ²·L_eff² 1/W²), ``span_row`` (int, per span) its row; ``gains``, ``nf_db`` per span (dB);
    ``sweep_db`` the launch sweep's offsets around the optimum (dB) and ``sweep_lin`` = 10^(sweep_db/10); ``c`` the
    centre channel; ``inv_trx`` 1/SNR_TRX;
    ``booster`` = (present 0/1, NF linear, Tx power mW, Tx power dBm). NLI: ``types`` (T, 4) per fibre type
    (D, slope, λ_ref, 4π/α) for the closed-form sum, or ``nli`` (W per channel, referred to the launch point).

    Returns (osnr_ase_db, snr_ase_db, snr_nli_db, gsnr_db, gsnr_ref_db, eta_db, rx_dbm, cd_ps_nm, launch_sweep_dbm,
    gsnr_sweep_db, level_position, level_channel_dbm, level_total_dbm, opt_dbm, gsnr_opt_db, dgd_ps, length,
    group_index); the arrays are rows of three 2-D arrays (per channel, sweep, level: one box each).
    """
    ch, sweep, level, *scalars = _figures_kernel(
        f, bw, lp_dbm, rows, span_row, gains, nf_db, _EMPTY_TYPES if types is None else types,
        _EMPTY if nli is None else nli, sweep_db, sweep_lin, c, inv_trx, booster)
    return (*ch, *sweep, *level, *scalars)


def budget_figures_reference(f, bw, lp_dbm, rows, span_row, gains, nf_db, sweep_db, sweep_lin, c: int,
                             inv_trx: float, booster, *, types=None, nli=None):
    """NumPy reference of `budget_figures` (the vectorised code the kernel replaced; its test)."""
    from .nli import _sum_reference

    r = rows[span_row]
    level_db = np.concatenate([[0.0], np.cumsum(gains - r[:, LOSS])])
    scale_in = 10.0 ** (level_db / 10.0)
    p = 1e-3 * 10.0 ** (lp_dbm / 10.0)
    ase_ref = H * f * B_REF * np.sum(10.0 ** (nf_db / 10) * 10.0 ** (gains / 10) / scale_in[1:])
    ase_b = booster[1] * H * f * B_REF * (p * 1e3 / booster[2]) if booster[0] > 0 else np.zeros_like(f)
    if types is not None:
        wk = np.zeros(types.shape[0])
        np.add.at(wk, r[:, TYPE].astype(int), r[:, SCALE] * scale_in[:-1] ** 2)
        g = (16.0 / 27.0) * p * p / (bw * bw)
        nli = p * _sum_reference(f, bw, g, types[:, 0], types[:, 1], types[:, 2], types[:, 3], wk)
    with np.errstate(divide="ignore"):
        ase_line = ase_ref * bw / B_REF
        snr_ase = p / ((ase_ref + ase_b) * bw / B_REF)
        snr_nli = p / nli
        gsnr_db = 10 * np.log10(1.0 / (1.0 / snr_ase + 1.0 / snr_nli + inv_trx))
        gsnr_ref_db = gsnr_db + 10 * np.log10(bw / B_REF)
        a_opt = (ase_line[c] / (2 * nli[c])) ** (1 / 3)
        opt = lp_dbm[c] + 10 * math.log10(a_opt)

        def gsnr_at(a):
            return -10 * np.log10(ase_line[c] / (a * p[c]) + ase_b[c] * bw[c] / B_REF / p[c] + a**2 * nli[c] / p[c]
                                  + inv_trx)

        sweep = gsnr_at(10.0 ** ((opt - lp_dbm[c] + sweep_db) / 10))
        figures = (10 * np.log10(p / (ase_ref + ase_b)), 10 * np.log10(snr_ase), 10 * np.log10(snr_nli), gsnr_db,
                   gsnr_ref_db, 10 * np.log10(nli / p**3))
    km = r[:, LENGTH] / 1e3
    cd = km @ r[:, D] + (km * r[:, SLOPE]) @ ((C / f)[None, :] - r[:, LREF][:, None]) * 1e9
    lumped = r[:, EXTRA] > 0
    off, pos = ([booster[3] - lp_dbm[c]] if booster[0] > 0 else []) + [0.0], [0.0] * (2 if booster[0] > 0 else 1)
    for k, end in enumerate(np.cumsum(r[:, LENGTH])):
        off += [level_db[k] - r[k, FIBER_LOSS]] + ([level_db[k] - r[k, LOSS]] if lumped[k] else []) + [level_db[k + 1]]
        pos += [end] * (3 if lumped[k] else 2)
    off = np.array(off)
    length = r[:, LENGTH].sum()
    return (*figures, lp_dbm + level_db[-1], cd, opt + sweep_db, sweep, np.array(pos), lp_dbm[c] + off,
            10 * np.log10(p.sum() / 1e-3) + off, opt, float(gsnr_at(a_opt)),
            math.sqrt(np.sum(r[:, PMD] ** 2 * r[:, LENGTH] / 1e3)), length, float(r[:, NG] @ r[:, LENGTH] / length))
