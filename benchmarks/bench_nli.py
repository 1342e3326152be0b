"""NLI engines: exact GN integral time (81 channels, one fibre), closed form vs exact accuracy, closed form vs GNPy.

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
    rows = []
    span = Span(100e3, 0.22, 4.4, 1.9, reference_frequency=F0)
    f = F0 + (np.arange(81) - 40) * 50e9
    b = np.full(81, 32e9)
    for acc in ("fast", "normal"):
        gn_eta(f, b, [span], accuracy=acc)
        t = median_time(lambda a=acc: gn_eta(f, b, [span], accuracy=a), 3)
        rows.append({"benchmark": f"exact GN integral, 81 ch × 32 GBd / 50 GHz, one fibre ({acc})",
                     "optolink": f"{t * 1e3:.0f} ms (all 81 channels)", "peer": "", "ratio": "",
                     "notes": "reused across spans of the same fibre; target 50 ms not reached"})
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
        coherent_budget(plan, spans, amp)
        t_ours = median_time(lambda: coherent_budget(plan, spans, amp), 20)
        prop = gnpy_line(plan, spans, 5.0)
        prop()
        t_gnpy = median_time(prop, 5)
        rows.append({"benchmark": "closed-form budget, 63 ch × 20 spans", "optolink": f"{t_ours * 1e3:.2f} ms",
                     "peer": f"GNPy {t_gnpy * 1e3:.1f} ms", "ratio": f"{t_gnpy / t_ours:.1f}×",
                     "notes": "median; JIT compile and GNPy element construction excluded"})
    else:
        rows.append({"benchmark": "closed-form budget, 63 ch × 20 spans vs GNPy", "optolink": "", "peer": "n/a "
                     "(gnpy not installed)", "ratio": "", "notes": ""})
    return rows


def split_step_campaign() -> None:
    """The bigger split-step check (make check-nli): 5 × 32 GBd DP-16QAM, 5 × 80 km SSMF, 2 seeds × 8192 symbols."""
    from links.nli_check import check_nli

    r = check_nli(n_channels=5, n_spans=5, n_symbols=8192, n_seeds=2, step=100.0)
    print("\n".join(r.lines()))


if __name__ == "__main__":
    for row in run():
        print(row)
