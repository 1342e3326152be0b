"""Cross-section solvers: strip mode solve at 10 and 5 nm core grids, a carrier bias sweep, cached re-evaluation.

Peer: tidy3d's local mode solver would be the comparison; it does not install into the project's environment
without downgrading xarray and python-dateutil, so it is not run here (n/a).
"""

from __future__ import annotations

import time

import numpy as np


def run() -> list[dict]:
    from photonics.carriers import _solve_cached as carriers_cache
    from photonics.carriers import lateral_pn, solve_carriers
    from photonics.modes import ModeSettings, clear_cache, solve_modes, strip

    rows = []
    res = {}
    for step in (20e-9, 10e-9, 5e-9):
        clear_cache()
        t0 = time.perf_counter()
        m = solve_modes(strip(), 1.55e-6, ModeSettings(step=step, num_modes=1))[0]
        res[step] = (time.perf_counter() - t0, m)
    n20, n10, n5 = (res[s][1].neff.real for s in (20e-9, 10e-9, 5e-9))
    order = np.log2(abs((n20 - n10) / (n10 - n5)))
    extrap = n5 + (n5 - n10) / (2**order - 1)
    for step in (10e-9, 5e-9):
        t, m = res[step]
        rows.append({"benchmark": f"modes: 500×220 nm strip TE0, {step * 1e9:.0f} nm core grid",
                     "optolink": f"{t:.2f} s, n_eff {m.neff.real:.5f}, n_g {m.group_index:.4f}, grid {m.grid.shape}",
                     "peer": "n/a (tidy3d does not install without downgrading pinned packages)", "ratio": "",
                     "notes": f"observed order {order:.2f} (20/10/5 nm); Richardson n_eff {extrap:.5f}"})
    t0 = time.perf_counter()
    solve_modes(strip(), 1.55e-6, ModeSettings(step=5e-9, num_modes=1))
    rows.append({"benchmark": "modes: cached re-evaluation", "optolink": f"{(time.perf_counter() - t0) * 1e6:.1f} µs",
                 "peer": "n/a", "ratio": "", "notes": "lru_cache on the frozen cross-section + settings"})
    carriers_cache.cache_clear()
    j = lateral_pn(3e23, 2e23, step=5e-9)
    t0 = time.perf_counter()
    s = solve_carriers(j, np.linspace(0.0, 4.0, 11))
    t = time.perf_counter() - t0
    rows.append({"benchmark": "carriers: rib PN, 11 reverse biases 0-4 V, 5 nm grid (aim ≤ 3 s)",
                 "optolink": f"{t:.2f} s ({s.x.size}×{s.y.size} nodes)", "peer": "n/a", "ratio": "",
                 "notes": f"C(0 V) {s.capacitance[0] * 1e9:.3f} fF/µm, C(4 V) {s.capacitance[-1] * 1e9:.3f} fF/µm"})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
