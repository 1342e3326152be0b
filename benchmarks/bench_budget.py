"""GN-model link budget vs GNPy (gnpy 'gn_model_analytic', no Raman): speed and centre-channel GSNR agreement.

Same work on both sides: 64 channels × 75 GHz at the 400ZR baud, 20 × 80 km SMF, EDFAs whose gain equals the
span loss (NF 5 dB), launch at our optimum. GNPy is configured with the same fibre (loss, D, slope, γ at the
same reference), fixed-gain amplifiers with the same gain and NF, rectangular spectra (roll-off 0) and its
closed-form GN model. Timings exclude Numba compilation (warmed up first) and GNPy element construction;
each side's time is the median of repeated runs in this process.
"""

from __future__ import annotations

import numpy as np

from benchmarks import median_time
from links.amplifiers import Amplifier
from links.budget import coherent_budget
from links.channel_plan import ChannelPlan
from links.fiber import Fiber
from optolink.peers import gnpy_available, gnpy_centre_gsnr_db, gnpy_line

N_CHANNELS = 64
SPACING = 75e9
BAUD = 59.84375e9
CENTER = 193.7e12
SPAN_KM = 80.0
ALPHA, DISP, SLOPE, GAMMA, NF = 0.2, 16.7, 0.058, 1.3, 5.0


def _spans(kind: str) -> list[Fiber]:
    if kind == "identical":
        return [Fiber(SPAN_KM * 1e3, ALPHA, DISP, GAMMA, dispersion_slope_ps_nm2_km=SLOPE,
                     reference_frequency=CENTER)] * 20
    if kind == "lengths":
        return [Fiber((SPAN_KM + 2.0 * (k % 5) - 4.0) * 1e3, ALPHA, DISP, GAMMA, dispersion_slope_ps_nm2_km=SLOPE,
                     reference_frequency=CENTER) for k in range(20)]
    return [Fiber(SPAN_KM * 1e3, ALPHA + 0.002 * k, DISP, GAMMA, dispersion_slope_ps_nm2_km=SLOPE,
                 reference_frequency=CENTER) for k in range(20)]


def run() -> list[dict]:
    amp = Amplifier(None, NF)
    rows = []
    base = ChannelPlan(N_CHANNELS, BAUD, SPACING, CENTER, 0.0)
    opt = coherent_budget(base, _spans("identical"), amp).optimum_launch_power_dbm
    plan = base.with_launch_power(round(opt, 1))
    have_gnpy = gnpy_available()
    labels = {"identical": "20 identical spans", "lengths": "20 spans, 5 different lengths",
              "fibres": "20 spans, 20 different fibre losses (worst case: ψ per span)"}
    for kind in ("identical", "lengths", "fibres"):
        spans = _spans(kind)
        coherent_budget(plan, spans, amp)  # warm-up: Numba compile / cache load
        t_ours = median_time(lambda s=spans: coherent_budget(plan, s, amp), 50)
        row = {"benchmark": f"GN budget, 64 ch × {labels[kind]}",
               "optolink": f"{t_ours * 1e3:.2f} ms (coherent_budget, full result)"}
        if have_gnpy:
            prop = gnpy_line(plan, spans, NF)
            prop()
            t_gnpy = median_time(prop, 10)
            row.update(peer=f"GNPy {t_gnpy * 1e3:.1f} ms (element propagation)", ratio=f"{t_gnpy / t_ours:.1f}×",
                       notes="median of runs; JIT compile and GNPy element construction excluded")
        else:
            row.update(peer="n/a (gnpy not installed: pip install -e .[peers])", ratio="", notes="")
        rows.append(row)
    if have_gnpy:
        spans = _spans("identical")
        ours = coherent_budget(plan, spans, amp)
        g_centre, g_gsnr, g_osnr = gnpy_centre_gsnr_db(plan, spans, NF)
        c = plan.center_index
        rows.append({
            "benchmark": f"centre-channel GSNR, 64 ch × 20 × {SPAN_KM:g} km at {plan.launch_powers_dbm[c]:.1f} dBm",
            "optolink": f"{ours.gsnr_db[c]:.3f} dB (signal bw)", "peer": f"GNPy {g_centre:.3f} dB",
            "ratio": f"Δ = {ours.gsnr_db[c] - g_centre:+.3f} dB",
            "notes": (f"all channels max |Δ| {np.max(np.abs(ours.gsnr_db - g_gsnr)):.3f} dB (GNPy scales γ with "
                      f"frequency); ASE-only OSNR Δ {ours.osnr_ase_db[c] - g_osnr[c]:+.3f} dB; GNPy counts the "
                      "accumulated in-band ASE as NLI-generating channel power, we use the signal power")})
    return rows
