"""Test-chip build: 200 devices with back-annotation, manifest and checks vs the same raw gdsfactory cells.

"optolink": ``layouts.manifest.write_chip`` without the picture: cells with their photonics figures,
placement and routing, the GDS, manifest JSON + HDF5 + CSV, the klayout checks and the marker database.
"peer": the same cells (``annotate=False``), placement and routing and the GDS write, nothing else.
The ratio is optolink time / raw time (aim ≤ 1.5). gdsfactory's cell cache is cleared before every timed build
(the figures are cached per build by the build itself, so each build starts cold); imports and a warm-up build
are excluded. Best of three alternating runs.
"""

from __future__ import annotations

import tempfile
import time

REPEATS = 3


def _doe_copies():
    from layouts.doe import default_doe

    d = default_doe()
    d["name"] = "bench_copies"
    d["copies"] = 5  # 5 × 40 = 200 devices, 40 unique designs
    return d


def _doe_unique():
    d = {
        "name": "bench_unique",
        "devices": {
            "mzm": {"sweep": {"modulator.length": [x * 1e-4 for x in range(5, 35, 3)],
                              "modulator.phase_shifter.junction_offset": [-50e-9, 0.0, 50e-9, 100e-9]}},
            "ring": {"sweep": {"ring.gap": [x * 1e-9 for x in range(180, 380, 20)],
                               "ring.radius": [5e-6, 6e-6, 7.5e-6, 9e-6, 10e-6, 12e-6]}},
            "ring_add_drop": {"kind": "ring", "base": {"ring": {"drop_gap": 300e-9}},
                              "sweep": {"ring.gap": [x * 1e-9 for x in range(180, 380, 10)]}},
            "photodetector": {"sweep": {"photodiode.area": [40e-12, 60e-12, 100e-12, 140e-12, 200e-12],
                                        "photodiode.intrinsic_thickness": [0.3e-6, 0.4e-6, 0.5e-6, 0.6e-6]}},
            "laser": {"sweep": {"footprint.clearance": [x * 1e-6 for x in range(5, 25)]}},
            "gc_loopback": {"kind": "loopback", "sweep": {"loopback.length": [x * 1e-4 for x in range(3, 23)]}},
            "ec_loopback": {"kind": "loopback", "base": {"loopback": {"coupler": "edge"}},
                            "sweep": {"loopback.length": [x * 1e-4 for x in range(3, 23)]}},
        },
    }
    return d


def _clear():
    import gdsfactory as gf

    gf.clear_cache()


def _raw(doe) -> float:
    from layouts.chip import build_chip

    _clear()
    t0 = time.perf_counter()
    b = build_chip(doe, annotate=False)
    with tempfile.TemporaryDirectory() as tmp:
        b.component.write_gds(f"{tmp}/raw.gds", with_metadata=False)
    return time.perf_counter() - t0


def _full(doe) -> tuple[float, dict, int]:
    from layouts.manifest import write_chip

    _clear()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        r = write_chip(tmp, doe, picture=False)
        total = time.perf_counter() - t0
    assert r.report.ok, r.report.summary()
    return total, r.timings, len(r.manifest["devices"])


def run() -> list[dict]:
    from layouts.manifest import write_chip

    with tempfile.TemporaryDirectory() as tmp:  # warm-up: imports, PDK, first cells
        write_chip(tmp, picture=False)
    rows = []
    for label, doe in (("200 devices, 40 unique designs ×5", _doe_copies()),
                       ("200 devices, all unique", _doe_unique())):
        raw, full, timings, n = [], [], None, 0
        for _ in range(REPEATS):
            raw.append(_raw(doe))
            t, timings, n = _full(doe)
            full.append(t)
        t_raw, t_full = min(raw), min(full)
        assert n == 200, n
        rows.append({
            "benchmark": f"test-chip build ({label})",
            "optolink": f"{t_full:.1f} s (build+figures {timings['build_s']:.1f}, GDS {timings['gds_s']:.1f}, "
                        f"checks {timings['checks_s']:.1f}, manifest/HDF5/CSV/lyrdb {timings['manifest_s']:.1f})",
            "peer": f"gdsfactory raw cells + placement + routes + GDS: {t_raw:.1f} s",
            "ratio": f"{t_full / t_raw:.2f}× slower (aim ≤ 1.5×)",
            "notes": "best of 3, caches cleared before each build, PNG picture excluded; the photonics figures "
                     "are computed once per unique parameter set",
        })
    return rows
