"""Laser rate equations: optolink's batched Numba integrator against scipy's solve_ivp on the same equations.

Workload (the issue's): an ensemble of 1,000 lasers × 10 ns at 0.1 ps steps — a Monte-Carlo ensemble
(each laser its own parameter set: τn, a0, τp, ε drawn ±10 %) switched on from N = S = 0 to a bias between
2 and 5 × its own threshold, recorded every 10 ps. The peer integrates the same density-form rate
equations (N, S, φ) with `scipy.integrate.solve_ivp` (RK45, rtol 1e-6, atol 1e12 / 1e8 m⁻³ / 1e-9 rad, i.e.
relative error control) on a subset of lasers; its time per laser is scaled to the ensemble.

Accuracy, both ways: the final (N, S) against the exact steady-state solver (the turn-on transient has
decayed by 10 ns), and the whole photon-density trajectory against a DOP853 reference (rtol 1e-12) on the
subset (max abs(ΔS) over the record / steady-state S).

`python -m benchmarks lasers` runs it; `run()` returns the rows.
"""

from __future__ import annotations

import math
import time

import numpy as np

N_LASERS = 1000
T_END = 10e-9
STEP = 0.1e-12
RECORD = 10e-12
N_PEER = 8


def _ensemble(n, seed=7):
    from photonics.lasers import LaserParams, RateEquationLaser

    rng = np.random.default_rng(seed)
    base = LaserParams()
    params, currents = [], np.empty(n)
    for k in range(n):
        v = rng.uniform(0.9, 1.1, 4)
        p = LaserParams(tau_n=base.tau_n * v[0], gain_slope=base.gain_slope * v[1], tau_p=base.tau_p * v[2],
                        epsilon=base.epsilon * v[3])
        params.append(p)
        currents[k] = rng.uniform(2.0, 5.0) * RateEquationLaser(p).threshold_current()
    return params, currents


def _scipy_laser(p, current, t_eval, method="RK45", rtol=1e-6, atol=(1e12, 1e8, 1e-9)):
    """solve_ivp on the same equations from N = S = φ = 0; returns (seconds, S at t_eval, N end, S end, steps)."""
    from scipy.integrate import solve_ivp

    from optolink.core.constants import Q

    j = current / (Q * p.volume)
    g, nt, eps, gam = p.group_velocity * p.gain_slope, p.n_transparency, p.epsilon, p.confinement
    itn, itp, beta, ha = 1 / p.tau_n, 1 / p.tau_p, p.beta_sp, 0.5 * p.alpha_h

    def rhs(t, y):
        n, s = y[0], y[1]
        gl = g * (n - nt)
        stim = gl * s / (1.0 + eps * s)
        return [j - n * itn - stim, gam * stim - s * itp + beta * gam * n * itn, ha * (gam * gl - itp)]

    t0 = time.perf_counter()
    sol = solve_ivp(rhs, (0.0, T_END), [0.0, 0.0, 0.0], method=method, rtol=rtol, atol=list(atol),
                    t_eval=t_eval)
    elapsed = time.perf_counter() - t0
    if not sol.success:
        raise RuntimeError(f"solve_ivp failed: {sol.message}")
    return elapsed, sol.y[1], sol.y[0, -1], sol.y[1, -1], sol.nfev // 6


def _steady_err(params, currents, n_end, s_end):
    from photonics.lasers import RateEquationLaser

    err = 0.0
    for p, i, n, s in zip(params, currents, n_end, s_end, strict=True):
        ss = RateEquationLaser(p).steady_state(i)
        err = max(err, abs(n / ss.carrier_density - 1), abs(s / ss.photon_density - 1))
    return err


def run() -> list[dict]:
    import numba

    from optolink.core.constants import Q
    from photonics.laser_simulation import simulate_lasers
    from photonics.lasers import LaserParams, RateEquationLaser

    params, currents = _ensemble(N_LASERS)
    n_samples = int(round(T_END / RECORD))
    drive = currents[:, None]
    t_rec = (np.arange(n_samples) + 1) * RECORD

    # warm-up: compile (or load from the cache) the kernel and spin up the threads outside the timed runs
    for noise in (False, True):
        simulate_lasers(params[:2], drive[:2], 1 / RECORD, n_samples=2, substeps=2, noise=noise, rng=0)
    simulate_lasers(params, drive, 1 / RECORD, n_samples=n_samples // 10, substeps=10, noise=False)

    def timed(noise, step, repeats):
        best, trace = math.inf, None
        for r in range(repeats):
            t0 = time.perf_counter()
            trace = simulate_lasers(params, drive, 1 / RECORD, n_samples=n_samples, substeps=int(round(RECORD / step)),
                                    noise=noise, rng=r, initial="off")
            best = min(best, time.perf_counter() - t0)
        return best, trace

    threads = numba.get_num_threads()
    t_ours, trace = timed(False, STEP, 5)
    t_coarse, trace_coarse = timed(False, 1e-12, 5)
    t_noise, _ = timed(True, STEP, 2)
    numba.set_num_threads(1)
    try:
        t_one, _ = timed(False, STEP, 2)
    finally:
        numba.set_num_threads(threads)

    # peer on a subset, and a tight DOP853 reference trajectory for the accuracy of both
    sub_p, sub_i = params[:N_PEER], currents[:N_PEER]
    peer_t, peer_end, peer_steps, traj_peer, traj_ours, traj_coarse = [], [], [], 0.0, 0.0, 0.0
    for k, (p, i) in enumerate(zip(sub_p, sub_i, strict=True)):
        el, s_traj, n_end, s_end, steps = _scipy_laser(p, i, t_rec)
        _, s_ref, *_ = _scipy_laser(p, i, t_rec, method="DOP853", rtol=1e-12, atol=(1e6, 1e2, 1e-12))
        scale = float(RateEquationLaser(p).steady_state(i).photon_density)
        traj_peer = max(traj_peer, np.max(np.abs(s_traj - s_ref)) / scale)
        traj_ours = max(traj_ours, np.max(np.abs(trace.photon_density[k] - s_ref)) / scale)
        traj_coarse = max(traj_coarse, np.max(np.abs(trace_coarse.photon_density[k] - s_ref)) / scale)
        peer_t.append(el)
        peer_end.append((n_end, s_end))
        peer_steps.append(steps)
    t_peer = float(np.mean(peer_t))
    err_peer = _steady_err(sub_p, sub_i, *zip(*peer_end, strict=True))
    err_ours = _steady_err(params, currents, trace.carrier_density[:, -1], trace.photon_density[:, -1])
    err_coarse = _steady_err(params, currents, trace_coarse.carrier_density[:, -1],
                             trace_coarse.photon_density[:, -1])

    per_ours, per_one = t_ours / N_LASERS, t_one / N_LASERS
    per_coarse, per_noise = t_coarse / N_LASERS, t_noise / N_LASERS
    peer_txt = (f"scipy solve_ivp RK45 (rtol 1e-6): {t_peer * 1e3:.0f} ms/laser ({N_PEER}-laser subset, "
                f"~{int(np.mean(peer_steps))} adaptive steps; {t_peer * N_LASERS:.0f} s scaled to {N_LASERS})")
    common = (f"{N_LASERS} lasers, each its own parameter set (±10 % τn/a0/τp/ε), turn-on from N=S=0 to 2-5 "
              "I_th, 10 ns, recorded every 10 ps; JIT compile excluded (warm-up calls first), best of "
              "repeats, input checks and stability analysis included")
    acc = (f"Steady-state max rel. error vs exact solver: optolink {err_ours:.1e}, scipy {err_peer:.1e}; "
           f"trajectory max abs(ΔS)/S_ss vs DOP853 (rtol 1e-12): optolink {traj_ours:.1e}, scipy {traj_peer:.1e}")
    rows = [
        {"benchmark": "lasers: 1000-laser ensemble, 0.1 ps RK4 steps, deterministic",
         "optolink": f"{t_ours:.2f} s total = {per_ours * 1e3:.2f} ms/laser ({threads} threads)",
         "peer": peer_txt,
         "ratio": f"{t_peer / per_ours:.0f}× per laser",
         "notes": f"{common}. 1e8 laser-steps. {acc}."},
        {"benchmark": "lasers: same, one thread",
         "optolink": f"{t_one:.2f} s total = {per_one * 1e3:.2f} ms/laser (1 thread)",
         "peer": f"scipy solve_ivp RK45 (rtol 1e-6): {t_peer * 1e3:.0f} ms/laser",
         "ratio": f"{t_peer / per_one:.0f}× per laser",
         "notes": "core for core (numba.set_num_threads(1)); RK4 vectorised (AVX) across 16 lasers per block."},
        {"benchmark": "lasers: same ensemble, 1 ps RK4 steps",
         "optolink": f"{t_coarse:.3f} s total = {per_coarse * 1e3:.3f} ms/laser ({threads} threads)",
         "peer": f"scipy solve_ivp RK45 (rtol 1e-6): {t_peer * 1e3:.0f} ms/laser",
         "ratio": f"{t_peer / per_coarse:.0f}× per laser",
         "notes": f"still more accurate than the peer: steady-state error {err_coarse:.1e}, trajectory "
                  f"{traj_coarse:.1e} (peer {traj_peer:.1e}); 1 ps is within the RK4 stability limit "
                  f"(≈2.2 ps from N=S=0)."},
        {"benchmark": "lasers: 0.1 ps steps with Langevin noise",
         "optolink": f"{t_noise:.2f} s total = {per_noise * 1e3:.2f} ms/laser ({threads} threads)",
         "peer": "n/a (solve_ivp has no stochastic integrator); ratio against the deterministic peer",
         "ratio": f"{t_peer / per_noise:.0f}× per laser",
         "notes": "3 Gaussian deviates per step (in-kernel xoshiro256** + Marsaglia polar, one stream per "
                  "laser, seeded from the caller's numpy Generator)."},
    ]

    # steady state: closed-form root vs a generic root finder on the same equations
    from scipy.optimize import root

    laser = RateEquationLaser()
    p = LaserParams()
    ith = laser.threshold_current()
    grid = np.linspace(0.0, 8.0, 100_000) * ith
    laser.steady_state(grid[:10])
    t_ss = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        laser.steady_state(grid)
        t_ss = min(t_ss, time.perf_counter() - t0)
    g = p.group_velocity * p.gain_slope

    def residual(x, i):
        n, s = x[0] * 1e24, x[1] * 1e20
        gain = g * (n - p.n_transparency) / (1 + p.epsilon * s)
        return [(i / (Q * p.volume) - n / p.tau_n - gain * s) * p.tau_n / 1e24,
                ((p.confinement * gain - 1 / p.tau_p) * s + p.beta_sp * p.confinement * n / p.tau_n)
                * p.tau_p / 1e20]

    sub = np.linspace(1.1, 8.0, 200) * ith
    worst = 0.0
    t0 = time.perf_counter()
    sols = [root(residual, [p.threshold_carrier_density / 1e24,
                            p.confinement * p.tau_p * (i - ith) / (Q * p.volume) / 1e20],
                 args=(i,), method="hybr", tol=1e-12) for i in sub]
    t_root = (time.perf_counter() - t0) / sub.size
    for i, sol in zip(sub, sols, strict=True):
        worst = max(worst, abs(sol.x[1] * 1e20 / float(laser.steady_state(i).photon_density) - 1))
    rows.append({
        "benchmark": "lasers: steady state (L-I) at 100,000 currents",
        "optolink": f"{t_ss * 1e3:.1f} ms total = {t_ss / grid.size * 1e9:.0f} ns/point (closed-form root)",
        "peer": f"scipy.optimize.root (hybr, tol 1e-12): {t_root * 1e6:.0f} µs/point (200 points, 1.1-8 I_th, "
                "started at the above-threshold estimate)",
        "ratio": f"{t_root / (t_ss / grid.size):.0f}× per point",
        "notes": f"0 to 8 I_th; rate-equation residuals of the closed form ≤ 1e-9 relative (tests); largest "
                 f"difference between the two on the subset: {worst:.1e} (relative, photon density).",
    })
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
