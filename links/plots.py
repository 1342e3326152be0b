"""Plots of the link results for notebooks: BER curve, constellation, level diagram, eye diagram.

Each function takes the result and an optional matplotlib ``Axes`` (default: a new figure) and returns the
``Axes`` it drew on; the results call them from one-line methods (``curve.plot()``, ``budget.plot()``,
``constellation.plot()``, ``eye.plot()``). matplotlib is imported inside the functions, so importing
``links`` never loads it. OSNR is in 12.5 GHz (both polarizations), as everywhere in optolink; axes are in
engineering units (dB, dBm, km, mW, UI), named on the labels.
"""

from __future__ import annotations

import math

import numpy as np

BER_FLOOR = 1e-7  # a BER of zero (no error counted) is drawn at this floor of the log axis


def _axes(ax, figsize=(6.0, 3.8)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")[1]


def ber_curve(result, ax=None, *, label: str | None = None):
    """Pre-FEC BER (log axis) vs OSNR (dB, 12.5 GHz) of a ``BerCurve``, an ``OsnrSweep`` (with its AWGN
    theory) or a ``ChipPerformance`` (its simulated curve), with the pre-FEC threshold and the required OSNR
    marked when the result has them."""
    ax = _axes(ax)
    curve = getattr(result, "curve", result)  # ChipPerformance → its BerCurve
    osnr, ber = np.asarray(curve.osnr_db, dtype=float), np.asarray(curve.ber, dtype=float)
    name = label or getattr(curve, "label", "") or getattr(result, "standard", "") or "simulated"
    line, = ax.semilogy(osnr, np.maximum(ber, BER_FLOOR), "o-", label=name if len(name) <= 40 else "simulated")
    theory = getattr(result, "theoretical_ber", None)
    if theory is not None:
        ax.semilogy(osnr, np.maximum(np.asarray(theory, dtype=float), BER_FLOOR), "--", color=line.get_color(),
                    lw=1, label="theory (AWGN)")
    thr = float(getattr(result, "pre_fec_ber_threshold", math.nan))
    if math.isfinite(thr):
        ax.axhline(thr, color="0.5", lw=0.8, ls=":", label=f"pre-FEC threshold {thr:.3g}")
    req = float(getattr(result, "required_osnr_db", math.nan))
    if math.isfinite(req):
        ax.axvline(req, color="C3", lw=0.8, ls="--", label=f"required OSNR {req:.3g} dB")
    ax.set_xlabel("OSNR (dB, 12.5 GHz)")
    ax.set_ylabel("pre-FEC BER (errors per bit)")
    ax.set_title("BER vs OSNR")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    return ax


def constellation(result, ax=None, *, polarization: int = 0, max_points: int = 20000):
    """Received payload symbols of one polarization (after the DSP, scaled to the transmitted ones) in the
    complex plane, with the ideal constellation points; at most ``max_points`` symbols drawn."""
    ax = _axes(ax, figsize=(4.6, 4.4))
    rx = np.atleast_2d(np.asarray(result.received))[polarization]
    tx = np.atleast_2d(np.asarray(result.transmitted))[polarization]
    step = max(1, rx.size // max_points)
    ax.plot(rx.real[::step], rx.imag[::step], ".", ms=1.5, alpha=0.4, label="received")
    ideal = np.unique(np.round(tx, 9))
    ax.plot(ideal.real, ideal.imag, "+", color="C3", ms=8, mew=1.5, label="ideal")
    lim = 1.15 * float(np.max(np.abs(np.concatenate([rx.real, rx.imag, ideal.real, ideal.imag]))))
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("in-phase (normalised amplitude, a.u.)")
    ax.set_ylabel("quadrature (normalised amplitude, a.u.)")
    res = getattr(result, "result", None)
    title = f"constellation, polarization {'XY'[polarization] if polarization < 2 else polarization}"
    if res is not None:
        title += f": OSNR {res.osnr_db:.3g} dB, BER {res.ber:.2g}"
    ax.set_title(title, fontsize=9)
    ax.grid(True, alpha=0.3)
    return ax


def level_diagram(result, ax=None):
    """Power (dBm) vs position along the link (km) of a ``LevelDiagram`` or of a budget result with a
    ``level`` (``CoherentBudget``, ``PowerBudget``): the channel's power and, when it differs, the total."""
    ax = _axes(ax, figsize=(7.0, 3.8))
    level = getattr(result, "level", result)
    x = np.asarray(level.position, dtype=float) / 1e3
    ch = np.asarray(level.channel_power_dbm, dtype=float)
    tot = np.asarray(level.total_power_dbm, dtype=float)
    ax.plot(x, ch, ".-", label=f"channel {level.channel_index}")
    if tot.shape == ch.shape and not np.allclose(tot, ch):
        ax.plot(x, tot, ".-", lw=1, label="total")
    ax.set_xlabel("position (km)")
    ax.set_ylabel("power (dBm)")
    name = getattr(result, "name", "")
    ax.set_title(f"level diagram{': ' + name if name else ''}")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def eye(result, ax=None):
    """An ``EyeDiagram`` (2-D histogram of the folded power waveform) as an image: time (UI) × power (mW),
    log-scaled hit counts."""
    ax = _axes(ax)
    counts = np.asarray(result.counts, dtype=float)
    t, p = np.asarray(result.time_ui, dtype=float), np.asarray(result.power, dtype=float) * 1e3
    ax.pcolormesh(t, p, np.log1p(counts), shading="nearest", cmap="magma")
    ax.set_xlabel("time (UI)")
    ax.set_ylabel("optical power (mW)")
    ax.set_title("eye diagram")
    return ax


__all__ = ["BER_FLOOR", "ber_curve", "constellation", "eye", "level_diagram"]
