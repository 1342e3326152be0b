"""Numba kernels for `photonics.lasers`: the batched stochastic rate-equation integrator and its RNG.

Nothing here is compiled at import time: the decorators carry no signatures, so each kernel is compiled
(or loaded from the on-disk cache, ``cache=True``) on its first call. Inputs are validated by
`photonics.lasers`; the kernels trust them (plain float64 / int64 / uint64 arrays, C-contiguous).

Integrator (per laser, fixed step ``h = dt / substeps``)::

    y_{n+1} = y_n + RK4_drift(y_n, I_n, h) + B(y_n) · sqrt(h) · z_n

the classical 4th-order Runge–Kutta step of the deterministic rate equations (``y = (N, S, φ)``, density
form, see `photonics.lasers`), plus an Euler–Maruyama (Itô) Langevin increment evaluated at the start of
the step. Without noise the scheme is plain RK4 (global error O(h⁴)); with noise it is weak order 1, the
standard choice for laser Langevin equations. The Langevin increments follow the diffusion coefficients
(⟨F_i(t) F_j(t')⟩ = 2 D_ij δ(t − t'), density units, r_sp = β Γ N / τn)::

    D_SS = r_sp S,   D_NS = −r_sp S / Γ,   D_NN = r_sp S / Γ² + N / (V τn),   D_φφ = r_sp / (4 S)

realised with three independent unit normals z_a, z_b, z_c per step::

    ΔS = sqrt(2 r_sp S h) z_a
    ΔN = −ΔS / Γ + sqrt(2 N h / (V τn)) z_b
    Δφ = sqrt(r_sp h / (2 S)) z_c                 (S floored at one photon in the mode, Γ / V)

S and N are clipped at 0 after each step. Far below threshold, where the mode holds less than about one
photon (S ≲ Γ/V), the diffusion (Langevin) approximation of the photon statistics is crude and the
clipping makes the mean photon density there approximate; above threshold it is the standard model.

Random numbers: each laser owns an independent xoshiro256** stream seeded (via SplitMix64) from a 64-bit
seed that `photonics.lasers` draws from the caller's ``numpy.random.Generator``; Gaussian deviates come in
pairs from Marsaglia's polar method, consumed in order (z_a, z_b, z_c of step 0, then step 1, ...). A
laser's trajectory therefore depends only on its seed and inputs — not on the thread count or on how
lasers are scheduled (to rounding) — and `normal_stream` gives the exact deviates for a reference
implementation. (This generator is ~5× faster than Numba's built-in ``np.random.standard_normal``, which
dominated the noisy run time.)

Speed: lasers run in blocks of LANES (SIMD across lasers: each RK4 stage loops over the block's lanes,
so the divisions pipeline), blocks in parallel (prange). Floating-point contraction (FMA) is allowed;
no other fast-math transformation.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# Column layout of the per-parameter-set coefficient table built by photonics.lasers._coefficient_table.
C_INV_QV = 0  # 1/(q V)                               (1/(C m³))
C_INV_TAUN = 1  # 1/τn                                (1/s)
C_VGA = 2  # v_g a0                                   (m³/s)
C_VGA_NT = 3  # v_g a0 N_t                            (1/s)
C_EPS = 4  # ε                                        (m³)
C_GAMMA = 5  # Γ
C_INV_TAUP = 6  # 1/τp                                (1/s)
C_BGT = 7  # β Γ / τn  (r_sp = C_BGT · N)              (1/s)
C_PHI_SLOPE = 8  # (α_H/2) Γ v_g a0                    (m³/s)
C_PHI_OFFSET = 9  # (α_H/2) (Γ v_g a0 N_t + 1/τp)      (1/s)
C_INV_V = 10  # 1/V                                   (1/m³)
C_S_FLOOR = 11  # Γ/V: one photon in the mode volume  (1/m³)
N_COEF = 12

_U53 = 1.0 / 9007199254740992.0  # 2**-53
# Floating-point contraction (FMA) only — no reassociation or approximate maths.
_FM = {"contract"}
LANES = 16  # lasers per block in simulate_kernel (SIMD across lasers)


@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True)
def seed_state(state, seed):
    """Fill the 4-word xoshiro256** `state` from a 64-bit `seed` with SplitMix64 (Vigna's recommendation)."""
    z = np.uint64(seed)
    for i in range(4):
        z = z + np.uint64(0x9E3779B97F4A7C15)
        x = z
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        state[i] = x ^ (x >> np.uint64(31))


@njit(cache=True, inline="always")
def _next_u64(s):
    """xoshiro256** (Blackman & Vigna 2018): next 64-bit output, advancing `s` in place."""
    result = _rotl(s[1] * np.uint64(5), 7) * np.uint64(9)
    t = s[1] << np.uint64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@njit(cache=True, inline="always")
def _normal_pair(s):
    """Two independent N(0, 1) deviates by Marsaglia's polar method (no sin/cos; ~21 % of the uniform pairs
    are rejected): u, v uniform in [-1, 1) from 53-bit mantissas, accepted when 0 < u² + v² < 1."""
    while True:
        u = float(_next_u64(s) >> np.uint64(11)) * _U53 * 2.0 - 1.0
        v = float(_next_u64(s) >> np.uint64(11)) * _U53 * 2.0 - 1.0
        r2 = u * u + v * v
        if 0.0 < r2 < 1.0:
            f = math.sqrt(-2.0 * math.log(r2) / r2)
            return u * f, v * f


@njit(cache=True)
def normal_stream(seed, n):
    """The first `n` deviates of the stream a laser with `seed` consumes (for tests and references)."""
    s = np.empty(4, np.uint64)
    seed_state(s, seed)
    out = np.empty(n + 1)
    for i in range(0, n, 2):
        a, b = _normal_pair(s)
        out[i] = a
        out[i + 1] = b
    return out[:n]


@njit(cache=True, inline="always", fastmath=_FM)
def _rhs(n, s, j, inv_taun, vga, vga_nt, eps, gam, inv_taup, bgt):
    """Deterministic (dN/dt, dS/dt) of the density-form rate equations (dφ/dt is linear in N: see kernel)."""
    stim = (vga * n - vga_nt) * s / (1.0 + eps * s)  # v_g a0 (N - N_t) S / (1 + εS)
    return j - inv_taun * n - stim, gam * stim - inv_taup * s + bgt * n


@njit(cache=True, parallel=True, fastmath=_FM)
def simulate_kernel(current, set_index, coef, dt, substeps, noise, seeds, y0, out_n, out_s, out_phi):
    """Integrate many lasers in parallel.

    Lasers are processed in blocks of LANES: prange runs over blocks; inside a block every time step
    loops over the lanes, which lets LLVM vectorise the RK4 update across lasers (SIMD) and overlap the
    latency of the random-number transforms. Lanes are independent: each laser's trajectory depends
    only on its own inputs and seed (to rounding: SIMD and remainder lanes may contract FMAs differently).

    current   (Lc, Mc) float64 drive current, A; Lc in {1, L} and Mc in {1, M} (a size-1 axis broadcasts).
              Zero-order hold: current[l, k] drives sample interval k.
    set_index (L,) int64: row of `coef` (N_COEF columns, see the C_* layout) for each laser.
    dt        sample interval, s; the integration step is dt / substeps.
    noise     bool: add the Langevin forces. seeds (L,) uint64: one RNG seed per laser (unused without noise).
    y0        (L, 3) initial (N, S, φ).
    out_n, out_s, out_phi  (L, M) float64, filled with the state at the end of each sample interval.
    """
    n_lasers = out_n.shape[0]
    n_samples = out_n.shape[1]
    h = dt / substeps
    h2 = 0.5 * h
    h6 = h / 6.0
    sqrt_h = math.sqrt(h)
    n_blocks = (n_lasers + LANES - 1) // LANES
    for blk_ in prange(n_blocks):
        blk = np.int64(blk_)  # prange indices may be unsigned; keep index arithmetic in int64
        l0 = blk * LANES
        nb = min(LANES, n_lasers - l0)
        cf = np.empty((N_COEF, nb))
        yn = np.empty(nb)
        ys = np.empty(nb)
        yp = np.empty(nb)
        jj = np.empty(nb)
        wn = np.zeros(nb)
        ws = np.zeros(nb)
        wp = np.zeros(nb)
        spare = np.zeros(nb)
        kn = np.zeros(nb)
        ks = np.zeros(nb)
        acc_n = np.empty(nb)
        acc_s = np.empty(nb)
        acc_nbar = np.empty(nb)
        st = np.empty((nb, 4), np.uint64)
        has_spare = False
        for b in range(nb):
            row = set_index[l0 + b]
            for c in range(N_COEF):
                cf[c, b] = coef[row, c]
            yn[b] = y0[l0 + b, 0]
            ys[b] = y0[l0 + b, 1]
            yp[b] = y0[l0 + b, 2]
            seed_state(st[b], seeds[l0 + b])
        for k in range(n_samples):
            ck = k if current.shape[1] > 1 else np.int64(0)
            for b in range(nb):
                cl = l0 + b if current.shape[0] > 1 else np.int64(0)
                jj[b] = current[cl, ck] * cf[C_INV_QV, b]
            for _ in range(substeps):
                if noise:
                    for b in range(nb):
                        if has_spare:
                            za = spare[b]
                            zb, zc = _normal_pair(st[b])
                        else:
                            za, zb = _normal_pair(st[b])
                            zc, spare[b] = _normal_pair(st[b])
                        gam = cf[C_GAMMA, b]
                        n_pos = yn[b] if yn[b] > 0.0 else 0.0
                        s_pos = ys[b] if ys[b] > 0.0 else 0.0
                        r_sp = cf[C_BGT, b] * n_pos
                        d_s = math.sqrt(2.0 * r_sp * s_pos) * sqrt_h * za
                        ws[b] = d_s
                        d_n = math.sqrt(2.0 * n_pos * cf[C_INV_TAUN, b] * cf[C_INV_V, b]) * sqrt_h * zb
                        wn[b] = d_n - d_s / gam
                        s_floor = cf[C_S_FLOOR, b]
                        s_phase = s_pos if s_pos > s_floor else s_floor
                        wp[b] = math.sqrt(r_sp / (2.0 * s_phase)) * sqrt_h * zc
                    has_spare = not has_spare
                # RK4, stage-major: each stage runs over all lanes before the next, so the lanes' divisions
                # pipeline (throughput-bound) instead of waiting on one lane's stage-to-stage latency
                for stage in range(4):
                    c = 0.0 if stage == 0 else (h if stage == 3 else h2)
                    w = 1.0 if stage == 0 or stage == 3 else 2.0
                    for b in range(nb):
                        n = yn[b] + c * kn[b]
                        s = ys[b] + c * ks[b]
                        dn, ds = _rhs(n, s, jj[b], cf[C_INV_TAUN, b], cf[C_VGA, b], cf[C_VGA_NT, b],
                                      cf[C_EPS, b], cf[C_GAMMA, b], cf[C_INV_TAUP, b], cf[C_BGT, b])
                        kn[b] = dn
                        ks[b] = ds
                        if stage == 0:
                            acc_n[b] = dn
                            acc_s[b] = ds
                            acc_nbar[b] = n
                        else:
                            acc_n[b] += w * dn
                            acc_s[b] += w * ds
                            acc_nbar[b] += w * n
                for b in range(nb):
                    # dφ/dt = C_PHI_SLOPE·N − C_PHI_OFFSET is linear in N: its RK4 increment uses the
                    # weighted mean of the stage carrier densities
                    dphi = cf[C_PHI_SLOPE, b] * (acc_nbar[b] * (1.0 / 6.0)) - cf[C_PHI_OFFSET, b]
                    yp[b] += h * dphi + wp[b]
                    n_new = yn[b] + h6 * acc_n[b] + wn[b]
                    s_new = ys[b] + h6 * acc_s[b] + ws[b]
                    yn[b] = max(n_new, 0.0)
                    ys[b] = max(s_new, 0.0)
            for b in range(nb):
                out_n[l0 + b, k] = yn[b]
                out_s[l0 + b, k] = ys[b]
                out_phi[l0 + b, k] = yp[b]
