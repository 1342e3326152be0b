"""NLI engines: exact GN integral time (81 channels, one fibre), closed form vs exact accuracy, budgets vs GNPy.

Timings exclude Numba compilation (warmed up first); median of repeated runs in this process.
"""

from __future__ import annotations

import numpy as np

from benchmarks import median_time
from links.budget import Span
from links.gn import gn_eta, nli_eta

F0 = 193.4e12


def accuracy_table(n_channels: int = 81) -> list[dict]:
    """Closed form − exact GN (dB) for the centre and edge channels of Nyquist and 50 GHz plans, SSMF and D = 4."""
    rows = []
    fibres = {"SSMF (0.2 dB/km, D 16.7)": Span(80e3, 0.2, 16.7, 1.3, reference_frequency=F0),
              "NZ-DSF (0.22 dB/km, D 4)": Span(80e3, 0.22, 4.0, 1.9, reference_frequency=F0),
              "issue case (100 km, 0.22 dB/km, D 4.4)": Span(100e3, 0.22, 4.4, 1.9,
                                                             reference_frequency=F0)}
    for fname, span in fibres.items():
        for spacing, label in ((32e9, "Nyquist 32 GBd / 32 GHz"), (50e9, "32 GBd / 50 GHz")):
            f = F0 + (np.arange(n_channels) - (n_channels - 1) / 2) * spacing
            b = np.full(n_channels, 32e9)
            exact = nli_eta(f, b, [span], model="gn", accuracy="normal")[0]
            closed = nli_eta(f, b, [span], model="closed_form")[0]
            d = 10 * np.log10(closed / exact)
            rows.append({"fibre": fname, "plan": f"{n_channels} × {label}", "centre_db": float(d[n_channels // 2]),
                         "edge_db": float(d[0])})
    return rows


def run() -> list[dict]:
    import links.gn_grid as grid

    rows = []
    span = Span(100e3, 0.22, 4.4, 1.9, reference_frequency=F0)
    b = np.full(81, 32e9)
    for spacing in (50e9, 32e9):
        f = F0 + (np.arange(81) - 40) * spacing
        for acc in ("fast", "normal"):
            gn_eta(f, b, [span], accuracy=acc)

            def cold(a=acc, f=f):
                grid._TABLE_CACHE.clear()
                return gn_eta(f, b, [span], accuracy=a)

            t = median_time(cold, 3)
            t_warm = median_time(lambda a=acc, f=f: gn_eta(f, b, [span], accuracy=a), 5)
            rows.append({"benchmark": f"exact GN integral, 81 ch × 32 GBd / {spacing / 1e9:g} GHz, one fibre ({acc})",
                         "optolink": f"{t * 1e3:.0f} ms (all 81 channels; {t_warm * 1e3:.1f} ms with the fibre's "
                                     "tables cached)", "peer": "", "ratio": "",
                         "notes": "grid path (links.gn_grid); reused across spans of the same fibre; target 50 ms"})
    for r in accuracy_table():
        rows.append({"benchmark": f"closed form − exact GN: {r['fibre']}, {r['plan']}",
                     "optolink": f"centre {r['centre_db']:+.3f} dB, edge {r['edge_db']:+.3f} dB", "peer": "",
                     "ratio": "", "notes": "η at the channel centre"})
    try:
        from optolink.peers import gnpy_available, gnpy_line
    except ImportError:
        gnpy_available = None
    if gnpy_available is not None and gnpy_available():
        from links.budget import Amplifier, ChannelPlan, coherent_budget

        plan = ChannelPlan(63, 32e9, 50e9, F0, 0.0)
        spans = [Span(80e3, 0.2, 16.7, 1.3, reference_frequency=F0)] * 20
        amp = Amplifier(None, 5.0)
        prop = gnpy_line(plan, spans, 5.0)
        prop()
        t_gnpy = median_time(prop, 5)
        for model in ("closed_form", "gn"):
            coherent_budget(plan, spans, amp, nli_model=model)
            t_ours = median_time(lambda m=model: coherent_budget(plan, spans, amp, nli_model=m), 20)
            rows.append({"benchmark": f"{model} budget, 63 ch × 20 spans", "optolink": f"{t_ours * 1e3:.2f} ms",
                         "peer": f"GNPy {t_gnpy * 1e3:.1f} ms", "ratio": f"{t_gnpy / t_ours:.1f}×",
                         "notes": "the whole budget (ASE, NLI, checks, launch sweep, level diagram) vs GNPy's "
                                  "propagation; median, JIT compile, GN tables and GNPy element construction "
                                  "excluded"})
    else:
        rows.append({"benchmark": "closed-form budget, 63 ch × 20 spans vs GNPy", "optolink": "", "peer": "n/a "
                     "(gnpy not installed)", "ratio": "", "notes": ""})
    return rows


def split_step_campaign() -> None:
    """The bigger split-step check (make check-nli): 5 × 32 GBd DP-16QAM, 5 × 80 km SSMF, 16384 symbols, with the
    first-order perturbation of the same symbols (the EGN model by its definition)."""
    from links.nli_check import check_nli

    r = check_nli(n_channels=5, n_spans=5, n_symbols=16384, n_seeds=1, step=100.0, first_order=True)
    print("\n".join(r.lines()))


if __name__ == "__main__":
    for row in run():
        print(row)
