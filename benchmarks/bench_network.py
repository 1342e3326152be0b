"""Network all-pairs QoT vs GNPy's path requests (same designed topology and equipment), and the 100-site case.

GNPy side: `compute_constrained_path` + `propagate` per pair on a loaded, designed network (GNPy 3.0,
gn_model_analytic, no Raman). optolink side: `links.network.paths.all_pairs` from a fresh load (its hop cache
empty), including the GN coefficients and mode selection. Both exclude file loading.
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from links.network import build_native, example_metro, load_gnpy, standard_modes
from links.network.paths import all_pairs
from optolink.peers_network import gnpy_available, gnpy_design, gnpy_example_dir, gnpy_path_requests


def run() -> list[dict]:
    rows = []
    if gnpy_available():
        import tempfile

        d = gnpy_example_dir()
        for topo, eqpt in (("meshTopologyExampleV2.json", "eqpt_config.json"),
                           ("Sweden_OpenROADMv4_example_network.json", "eqpt_config_openroadm_ver4.json")):
            with tempfile.TemporaryDirectory() as tmp:
                saved = gnpy_design(d / topo, d / eqpt, f"{tmp}/designed.json")
                net = load_gnpy(saved, d / eqpt)
                pairs = list(itertools.permutations(sorted(net.transceivers()), 2))
                g_gsnr, g_time = gnpy_path_requests(saved, d / eqpt, pairs)
                t0 = time.perf_counter()
                res = all_pairs(net, standard_modes())
                o_time = time.perf_counter() - t0
            diff = max(abs(res[p].lightpath.gsnr_db - g) for p, g in zip(pairs, g_gsnr, strict=True))
            rows.append({"benchmark": f"network all pairs, {topo} ({len(pairs)} paths)",
                         "optolink": f"{o_time:.3f} s", "peer": f"GNPy 3.0 {g_time:.2f} s",
                         "ratio": f"{g_time / o_time:.0f}x; max |ΔGSNR| {diff:.4f} dB",
                         "notes": "designed by GNPy (--save-network); path requests vs all_pairs"})
    doc = example_metro(100, rng=11)
    net = build_native(doc)
    t0 = time.perf_counter()
    res = all_pairs(net, standard_modes())
    dt = time.perf_counter() - t0
    worst = min(r.lightpath.worst_gsnr_ref_db for r in res.values())
    rows.append({"benchmark": f"network all pairs, synthetic 100 sites / {len(doc['links'])} links ({len(res)} paths)",
                 "optolink": f"{dt:.2f} s", "peer": "n/a (GNPy would need ~0.05-0.2 s per path)",
                 "ratio": "", "notes": f"{len(net.elements)} elements; worst GSNR {worst:.1f} dB/12.5 GHz; "
                                       f"{np.mean([r.feasible for r in res.values()]):.0%} close with a mode"})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
