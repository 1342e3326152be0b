"""Cross-section solvers: strip mode solve at 10 and 5 nm core grids (vs the femwell peer reference), a carrier
bias sweep, cached re-evaluation.

Before/after on this machine (2 cores shared with other jobs; CPU seconds are steadier than wall seconds):
before = the full-domain solve with the shift between core and cladding lines, ARPACK ncv 20 and a COLAMD LU;
after = the TE-like class on the x ≥ 0 half (electric wall), the shift from a 4× coarser solve and a minimum-
degree (AᵀA + A) LU without pivoting. Carriers before: full Newton from a bias-shifted guess, 69 LU
factorisations for 11 biases; after: energy line search, coarse-grid start, Hermite predictor, chord steps, reused
ordering (13 + the series-R solves).

Peer: femwell (`make peers-solvers` runs benchmarks/peer_femwell_strip.py in `.venv-peers` and writes
tests/data/peer_femwell_strip.json); its timing is per solve on the same machine, taken in another process
and possibly under another load, so the ratio is indicative.
"""

from __future__ import annotations

import json
import pathlib
import time

import numpy as np

PEER = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "peer_femwell_strip.json"
BEFORE = {10e-9: "3.9 s wall", 5e-9: "52 s wall, 46 s CPU", "carriers": "8.3 s wall, 9.5 s CPU"}


def _timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def _peer_rows():
    if not PEER.is_file():
        return {}
    data = json.loads(PEER.read_text())
    rows = {(round(r["core_mesh_nm"]), round(r["window_um"], 1)): r for r in data["rows"]}
    return rows | {"version": data["version"]}


def run() -> list[dict]:
    from photonics import solver_cache
    from photonics.carriers import _solve_cached as carriers_cache
    from photonics.carriers import lateral_pn, solve_carriers
    from photonics.modes import ModeSettings, clear_cache, fundamental, strip
    from photonics.solver_figures import phase_shifter_figures

    peer = _peer_rows()
    rows, res = [], {}
    for step in (20e-9, 10e-9, 5e-9):
        clear_cache()
        res[step] = _timed(lambda step=step: fundamental(strip(), 1.55e-6, ModeSettings(step=step, num_modes=1)))
    n20, n10, n5 = (res[s][0].neff.real for s in (20e-9, 10e-9, 5e-9))
    order = np.log2(abs((n20 - n10) / (n10 - n5)))
    extrap = n5 + (n5 - n10) / (2**order - 1)
    for step in (10e-9, 5e-9):
        m, wall, cpu = res[step]
        p = peer.get((round(step * 1e9), 3.0))
        peer_text = (f"femwell {peer['version']}: n_eff {p['neff']:.5f}, n_g {p['ng']:.4f}, "
                     f"{p['seconds_per_solve']:.1f} s/solve") if p else "n/a (run `make peers-solvers`)"
        ratio = f"{p['seconds_per_solve'] / wall:.1f}× (time); Δn_eff {m.neff.real - p['neff']:+.1e}" if p else ""
        rows.append({"benchmark": f"modes: 500×220 nm strip TE0, {step * 1e9:.0f} nm core grid",
                     "optolink": f"{wall:.2f} s ({cpu:.2f} s CPU), n_eff {m.neff.real:.5f}, n_g {m.group_index:.4f}",
                     "peer": peer_text, "ratio": ratio,
                     "notes": f"before: {BEFORE[step]}; grid {m.grid.shape} (solved on x ≥ 0); order {order:.2f} "
                              f"(20/10/5 nm), Richardson n_eff {extrap:.5f}"})
    _, wall, _ = _timed(lambda: fundamental(strip(), 1.55e-6, ModeSettings(step=5e-9, num_modes=1)))
    rows.append({"benchmark": "modes: cached re-evaluation", "optolink": f"{wall * 1e6:.1f} µs",
                 "peer": "n/a", "ratio": "", "notes": "lru_cache on the frozen cross-section + settings + parity"})
    carriers_cache.cache_clear()
    j = lateral_pn(3e23, 2e23, step=5e-9)
    s, wall, cpu = _timed(lambda: solve_carriers(j, np.linspace(0.0, 4.0, 11)))
    rows.append({"benchmark": "carriers: rib PN, 11 reverse biases 0-4 V, 5 nm grid (aim ≤ 3 s)",
                 "optolink": f"{wall:.2f} s ({cpu:.2f} s CPU; {s.x.size}×{s.y.size} nodes)", "peer": "n/a",
                 "ratio": "", "notes": f"before: {BEFORE['carriers']}; C(0 V) {s.capacitance[0] * 1e9:.3f} fF/µm, "
                                       f"C(4 V) {s.capacitance[-1] * 1e9:.3f} fF/µm"})
    # device figures through the results cache: cold (solves), warm in memory, warm from disk
    import os
    import tempfile

    from photonics.phase_shifters import DepletionPhaseShifter

    with tempfile.TemporaryDirectory() as tmp:
        old = os.environ.get("OPTOLINK_CACHE")
        os.environ["OPTOLINK_CACHE"] = tmp
        try:
            solver_cache.clear_memory()
            clear_cache()
            carriers_cache.cache_clear()
            ps = DepletionPhaseShifter()
            _, cold, _ = _timed(lambda: phase_shifter_figures(ps))
            _, warm, _ = _timed(lambda: phase_shifter_figures(ps))
            solver_cache.clear_memory()
            _, disk, _ = _timed(lambda: phase_shifter_figures(ps))
        finally:
            if old is None:
                os.environ.pop("OPTOLINK_CACHE", None)
            else:
                os.environ["OPTOLINK_CACHE"] = old
    rows.append({"benchmark": "phase-shifter figures from the solvers (20 nm modes, 10 nm carriers)",
                 "optolink": f"cold {cold:.2f} s, memory {warm * 1e6:.0f} µs, disk {disk * 1e3:.1f} ms",
                 "peer": "n/a", "ratio": "", "notes": "photonics.solver_cache fingerprint of device + grids"})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
