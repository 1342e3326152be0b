"""Plots of the devices for notebooks: optical transmission, electro-optic response, L-I curve.

Each function takes the device and an optional matplotlib ``Axes`` (default: a new figure) and returns the
``Axes`` it drew on; the devices call them from one-line methods (``ring.plot_transmission()``,
``mzm.plot_eo_response()``, ``laser.plot_li()``). matplotlib is imported inside the functions, so importing
``photonics`` never loads it. Axes are in engineering units (nm, GHz, mA, mW, dB), named on the labels.
"""

from __future__ import annotations

import numpy as np


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(6.0, 3.8), layout="constrained")[1]


def _db(x):
    return 10 * np.log10(np.maximum(np.asarray(x, dtype=float), 1e-30))


def ring_transmission(ring, ax=None, *, n_points: int = 2001, span_fsr: float = 1.0):
    """Through (and, for an add-drop ring, drop) power transmission (dB) vs wavelength (nm) over
    ``span_fsr`` free spectral ranges centred on the tracked resonance, at the bias voltage."""
    ax = _axes(ax)
    lam0, fsr = float(ring.resonance_wavelength()), float(ring.fsr())
    lam = lam0 + np.linspace(-0.5, 0.5, n_points) * span_fsr * fsr
    ax.plot(lam * 1e9, _db(ring.transmission(lam)), label="through")
    if ring.is_add_drop:
        ax.plot(lam * 1e9, _db(ring.drop_transmission(lam)), label="drop")
    ax.axvline(lam0 * 1e9, color="0.6", lw=0.8, ls=":")
    ax.set_xlabel("wavelength (nm)")
    ax.set_ylabel("transmission (dB)")
    ax.set_title(f"ring R = {ring.radius * 1e6:.3g} µm, gap {ring.gap * 1e9:.0f} nm at {ring.bias_voltage:.3g} V")
    ax.legend(loc="lower left")
    ax.grid(True, alpha=0.3)
    return ax


def mzm_transmission(mzm, ax=None, *, n_points: int = 401):
    """Static power transmission (dB) vs line drive voltage (V) over the modelled drive range, with the
    bias point (zero drive) marked."""
    ax = _axes(ax)
    lo, hi = mzm.drive_range
    v = np.linspace(lo, hi, n_points)
    ax.plot(v, _db(mzm.transfer(v)))
    ax.axvline(0.0, color="0.6", lw=0.8, ls=":", label=f"bias {mzm.bias_voltage:.3g} V")
    ax.set_xlabel("line drive voltage (V)")
    ax.set_ylabel("transmission (dB)")
    ax.set_title(f"MZM L = {mzm.length * 1e3:.3g} mm, Vπ = {mzm.vpi:.3g} V")
    ax.legend(loc="lower left")
    ax.grid(True, alpha=0.3)
    return ax


def eo_response(device, ax=None, *, f_max: float | None = None, n_points: int = 400):
    """Electro-optic small-signal response (dB, normalised to low frequency) vs frequency (GHz), with the
    3-dB bandwidth marked: an MZM's ``eo_response`` (|S21|², 20·log10 of the phase modulation) or a ring's
    ``small_signal_response`` at its operating wavelength (20·log10 of the power modulation)."""
    ax = _axes(ax)
    f3 = float(device.eo_bandwidth())
    f_top = f_max or max(3.0 * f3, 1e9)
    f = np.linspace(f_top / n_points, f_top, n_points)
    if hasattr(device, "small_signal_response"):
        h = device.small_signal_response(f, device.operating_wavelength())
    else:
        h = device.eo_response(f)
    ax.plot(f / 1e9, 20 * np.log10(np.maximum(np.abs(h), 1e-15)))
    ax.axhline(-3.0, color="0.6", lw=0.8, ls=":")
    ax.axvline(f3 / 1e9, color="C3", lw=0.8, ls="--", label=f"f3dB = {f3 / 1e9:.3g} GHz")
    ax.set_xlabel("frequency (GHz)")
    ax.set_ylabel("EO response (dB)")
    ax.set_title(f"{type(device).__name__}: electro-optic response")
    ax.legend(loc="lower left")
    ax.grid(True, alpha=0.3)
    return ax


def li_curve(laser, ax=None, *, currents=None):
    """Output power (mW, one facet) vs drive current (mA) from the rate equations, with the threshold current
    and the operating point marked."""
    ax = _axes(ax)
    curve = laser.li_curve(currents)
    ax.plot(curve.current * 1e3, curve.power * 1e3, label="power")
    i_th = float(laser.threshold_current())
    ax.axvline(i_th * 1e3, color="0.6", lw=0.8, ls=":", label=f"I_th = {i_th * 1e3:.3g} mA")
    i_op = float(laser.operating_current)
    p_op = float(laser.steady_state(i_op).power)
    ax.plot([i_op * 1e3], [p_op * 1e3], "o", color="C3", label=f"operating point {i_op * 1e3:.3g} mA")
    ax.set_xlabel("current (mA)")
    ax.set_ylabel("output power (mW)")
    ax.set_title("laser L-I curve")
    ax.legend(loc="upper left")
    ax.grid(True, alpha=0.3)
    return ax


__all__ = ["eo_response", "li_curve", "mzm_transmission", "ring_transmission"]
