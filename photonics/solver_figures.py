"""Headline figures of one device by either cross-section model, side by side: the solvers (the device
classes' default, ``method="solver"``) or the closed forms (``method="closed_form"``).

``phase_shifter_figures``, ``ring_figures`` and ``device_figures`` evaluate the device's own methods on
``photonics.devices.with_model(device, model)``, so these figures are the ones every chip build, link and
layout uses (one path): VπL, loss/mm, C/length, series R, n_g; ring FSR, Q, pm/V, bend loss.
``ring_transmission`` simulates a ring's through port with the bent and straight guides' n_eff(λ) solved at
three wavelengths — the independent check of the FSR the ring's group index predicts.

The solver figures come from ``photonics.cross_section_solvers``' cached tables (memory and
``$OPTOLINK_CACHE/solvers``), so a build solves each distinct cross-section once. Default grids (``MODE_STEP``
20 nm, ``CARRIER_STEP`` 10 nm) are the coarsest converged to the figures' accuracy: against 10 nm / 5 nm they
move n_g and FSR by < 0.2 %, Δn_eff (VπL) and α by < 1.3 %, C by < 0.1 % (docs/solvers.md).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from optolink.core.validate import check_array, check_real

from .cross_section_solvers import CARRIER_STEP, MODE_STEP, bent_waveguide_figures, waveguide_figures
from .devices import MODELS, with_model
from .phase_shifters import BIAS_VOLTAGE, DepletionPhaseShifter
from .rings import RingModulator

__all__ = ["CARRIER_STEP", "MODE_STEP", "MODELS", "device_figures", "phase_shifter_figures", "ring_figures",
           "ring_transmission"]
DB = 10 * math.log10(math.e)


def phase_shifter_figures(ps: DepletionPhaseShifter, model: str = "solver", *,
                          bias_voltage: float = BIAS_VOLTAGE) -> dict:
    """VπL (V·cm, large signal), loss (dB/mm at the bias and at 0 V), C (F/m), series R·L (Ω·m), n_eff, n_g
    of ``ps`` with every cross-section model set to ``model``."""
    v = check_real("bias_voltage", bias_voltage, low=0.0, low_open=True, high=8.0)
    d = with_model(ps, model)
    wg = d.waveguide
    return {"vpi_l_v_cm": float(d.vpi_l_v_cm(v)), "loss_db_per_mm": float(d.loss_db_per_m(v)) / 1e3,
            "loss_0v_db_per_mm": float(d.loss_db_per_m(0.0)) / 1e3,
            "capacitance_f_per_m": float(d.capacitance_per_length(v)),
            "series_resistance_ohm_m": float(d.series_resistance_length), "neff": float(wg.neff),
            "group_index": float(wg.group_index), "bias_voltage_v": v}


def ring_figures(ring: RingModulator, model: str = "solver") -> dict:
    """Ring figures at ``ring.bias_voltage`` with every cross-section model set to ``model``: round-trip n_g,
    FSR (m and Hz), Q loaded / intrinsic, the resonance shift (m/V), bend radiation loss (dB per round trip)
    and the arc's n_eff (referred to R; the straight guide's for the closed form)."""
    d = with_model(ring, model)
    v = d.bias_voltage
    bent = bent_waveguide_figures(d.waveguide, d.radius) if model == "solver" else {"neff": d.waveguide.neff}
    return {"group_index": float(d.group_index), "fsr_m": float(d.fsr(v)), "fsr_hz": float(d.fsr_frequency()),
            "q_loaded": float(d.q_loaded(v)), "q_intrinsic": float(d.q_intrinsic(v)),
            "resonance_shift_m_per_v": float(d.resonance_shift_per_volt(v)),
            "bend_loss_db_per_round_trip": float(d._guide[2]) * d.length * DB, "neff_bent": float(bent["neff"])}


def ring_transmission(ring: RingModulator, wavelengths, *, mode_step: float = MODE_STEP, span: float = 20e-9):
    """Through-port power transmission of ``ring`` at ``wavelengths`` (m) with the solved dispersion: the bent
    and straight n_eff solved at λ0 − span, λ0, λ0 + span (quadratic through them), round-trip phase
    φ = 2π(n_bent·2πR + n_straight·(L − 2πR))/λ, the solver ring's coupling and loss (bend radiation
    included)."""
    lam = check_array("wavelengths", wavelengths, low=1e-6, high=2e-6)
    check_real("span", span, low=1e-9, high=50e-9)
    d = with_model(ring, "solver")
    lam0, wg = d.design_wavelength, d.waveguide
    pts = [lam0 - span, lam0, lam0 + span]
    guides = [dataclasses.replace(wg, wavelength=w) for w in pts]
    n_straight = [waveguide_figures(g, step=mode_step)["neff"] for g in guides]
    n_bent = [bent_waveguide_figures(g, d.radius, step=mode_step)["neff"] for g in guides]
    x = (lam - lam0) / span
    arc, length = 2 * math.pi * d.radius, d.length
    phi = 2 * math.pi * (np.polyval(np.polyfit([-1.0, 0.0, 1.0], n_bent, 2), x) * arc
                         + np.polyval(np.polyfit([-1.0, 0.0, 1.0], n_straight, 2), x) * (length - arc)) / lam
    a = math.exp(-float(d.alpha(d.bias_voltage)) * length / 2)
    r1 = d.self_coupling
    r2 = d.drop_self_coupling if d.is_add_drop else 1.0
    num = (r2 * a) ** 2 - 2 * r1 * r2 * a * np.cos(phi) + r1**2
    return num / (1 - 2 * r1 * r2 * a * np.cos(phi) + (r1 * r2 * a) ** 2)


def device_figures(device, model: str = "solver") -> dict:
    """Figures of a ``DepletionPhaseShifter`` or ``RingModulator`` (see the functions above)."""
    if isinstance(device, RingModulator):
        return ring_figures(device, model)
    if isinstance(device, DepletionPhaseShifter):
        return phase_shifter_figures(device, model)
    raise TypeError(f"device must be a DepletionPhaseShifter or RingModulator; got {type(device).__name__}")


