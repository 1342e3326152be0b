"""Device figures from the cross-section solvers, cached: the single-device API whose default is the solvers.

``phase_shifter_figures``, ``ring_figures`` and ``device_figures`` return the headline figures of one device
(VπL, loss/mm, C/length, n_g; ring FSR, Q, pm/V, bend loss) with ``model="solver"`` (the default: full-vector
modes and the 2-D carrier solution of the device's own cross-section) or ``model="closed_form"`` (the device
classes' fast approximations, the same keys). ``ring_transmission`` simulates a ring's through port with the
bent mode's n_eff(λ) solved at a few wavelengths.

Results are cached by a fingerprint of the device and the grid settings (``photonics.solver_cache``: memory
and ``$OPTOLINK_CACHE/solvers``), so a build solves each distinct cross-section once. Default grids
(``MODE_STEP`` 20 nm, ``CARRIER_STEP`` 10 nm) are the coarsest converged to the figures' accuracy: against
10 nm / 5 nm they move n_g and FSR by < 0.2 %, Δn_eff (VπL) and α by < 1 %, C by < 1 % (docs/solvers.md).
The chip build keeps the closed forms (docs/solvers.md says why).
"""

from __future__ import annotations

import math

import numpy as np

from optolink.core.constants import C
from optolink.core.units import alpha_from_db_per_m
from optolink.core.validate import check_array, check_choice, check_real

from .cross_section_solvers import junction_figures, phase_shifter_index
from .modes import ModeSettings, fundamental, rib, solve_modes
from .phase_shifters import BIAS_VOLTAGE, DepletionPhaseShifter
from .rings import RingModulator
from .solver_cache import cached

MODE_STEP = 20e-9
CARRIER_STEP = 10e-9
MODELS = ("solver", "closed_form")
DB = 10 * math.log10(math.e)


def _guide(wg):
    return rib(wg.width, wg.height, wg.slab_height, temperature=wg.temperature)


def _bend_settings(step):
    # 1.5 µm of cladding beside the rib: the slab leakage of a tight bend reaches the PML
    return ModeSettings(step=step, num_modes=1, margin_x=1.5e-6)


def phase_shifter_figures(ps: DepletionPhaseShifter, model: str = "solver", *, bias_voltage: float = BIAS_VOLTAGE,
                          mode_step: float = MODE_STEP, carrier_step: float = CARRIER_STEP) -> dict:
    """VπL (V·cm, large signal), loss (dB/mm at the bias and at 0 V), C (F/m), series R·L (Ω·m), n_eff, n_g."""
    check_choice("model", model, MODELS)
    v = check_real("bias_voltage", bias_voltage, low=0.0, low_open=True, high=20.0)
    if model == "closed_form":
        wg = ps.waveguide
        return {"vpi_l_v_cm": float(ps.vpi_l_v_cm(v)), "loss_db_per_mm": float(ps.loss_db_per_m(v)) / 1e3,
                "loss_0v_db_per_mm": float(ps.loss_db_per_m(0.0)) / 1e3,
                "capacitance_f_per_m": float(ps.capacitance_per_length(v)),
                "series_resistance_ohm_m": float(ps.series_resistance_length), "neff": float(wg.neff),
                "group_index": float(wg.group_index), "bias_voltage_v": v}

    def compute():
        wg = ps.waveguide
        mode = fundamental(_guide(wg), wg.wavelength, ModeSettings(step=mode_step, num_modes=1))
        dn, alpha = phase_shifter_index(ps, np.array([v]), mode_step=mode_step, carrier_step=carrier_step)
        _, alpha0 = phase_shifter_index(ps, np.array([0.0]), mode_step=mode_step, carrier_step=carrier_step)
        c, r = junction_figures(ps, np.array([v]), carrier_step=carrier_step)
        return {"vpi_l_v_cm": float(v * wg.wavelength / (2 * dn[0]) * 100),
                "loss_db_per_mm": float(alpha[0]) * DB / 1e3,
                "loss_0v_db_per_mm": float(alpha0[0]) * DB / 1e3, "capacitance_f_per_m": float(c[0]),
                "series_resistance_ohm_m": float(r[0]), "neff": float(mode.neff.real),
                "group_index": float(mode.group_index), "bias_voltage_v": v}
    return cached("phase_shifter", (ps, v, mode_step, carrier_step), compute)


def _bent_modes(ring: RingModulator, wavelength: float, step: float):
    """(straight TE0, bent TE0) of the ring's rib at ``wavelength``."""
    wg = ring.waveguide
    xs = _guide(wg)
    straight = fundamental(xs, wavelength, ModeSettings(step=step, num_modes=1))
    bent = solve_modes(xs, wavelength, _bend_settings(step), bend_radius=ring.radius)[0]
    if bent.polarization != "TE":
        raise ValueError(f"radius: the bent guide's mode at R = {ring.radius:g} m is not TE-like")
    return straight, bent


def ring_figures(ring: RingModulator, model: str = "solver", *, mode_step: float = MODE_STEP,
                 carrier_step: float = CARRIER_STEP) -> dict:
    """Ring figures at ``ring.bias_voltage``: n_g (round-trip average), FSR (m), Q loaded / intrinsic, the
    resonance shift (m/V), bend radiation loss (dB per round trip) and the bent mode's n_eff (referred to R).

    Solver: the bent rib's TE0 (conformal transform + PML) for the 2πR arc and the straight mode for the
    coupler's straight sections; the junction's Δn_eff(V) and α(V) from the carrier solution; the coupling
    (the ring's ``self_coupling``) from the ring's ``CouplingModel`` — by default κ(gap) from the full-vector
    supermodes of the same rib pair (``photonics.coupler_table``), the same in both models."""
    check_choice("model", model, MODELS)
    v = ring._scalar_v(None)
    if model == "closed_form":
        return {"group_index": float(ring.group_index), "fsr_m": float(ring.fsr(v)),
                "q_loaded": float(ring.q_loaded(v)), "q_intrinsic": float(ring.q_intrinsic(v)),
                "resonance_shift_m_per_v": float(ring.resonance_shift_per_volt(v)),
                "bend_loss_db_per_round_trip": 0.0, "neff_bent": float(ring.waveguide.neff)}

    def compute():
        wg, ps = ring.waveguide, ring.phase_shifter
        lam = ring.design_wavelength
        straight, bent = _bent_modes(ring, lam, mode_step)
        arc, length = 2 * math.pi * ring.radius, ring.length
        ng = (bent.group_index * arc + straight.group_index * (length - arc)) / length
        h = 0.25
        dn, alpha_j = phase_shifter_index(ps, np.array([max(v - h, 0.0), v, v + h]), mode_step=mode_step,
                                          carrier_step=carrier_step)
        slope = (dn[2] - dn[0]) / (v + h - max(v - h, 0.0))
        f = ring.junction_fraction
        alpha_wg = alpha_from_db_per_m(wg.intrinsic_loss_db_per_m) + alpha_from_db_per_m(ring.excess_loss_db_per_m)
        alpha_mean = f * (alpha_j[1] - alpha_from_db_per_m(wg.intrinsic_loss_db_per_m)) + alpha_wg
        alpha_mean += bent.alpha * arc / length
        a = math.exp(-alpha_mean * length / 2)
        x = ring.self_coupling * a * (ring.drop_self_coupling if ring.is_add_drop else 1.0)
        fwhm = (1 - x) * lam**2 / (math.pi * ng * length * math.sqrt(x))
        return {"group_index": ng, "fsr_m": lam**2 / (ng * length), "q_loaded": lam / fwhm,
                "q_intrinsic": 2 * math.pi * ng / (lam * alpha_mean),
                "resonance_shift_m_per_v": f * slope * lam / ng,
                "bend_loss_db_per_round_trip": bent.alpha * arc * DB, "neff_bent": float(bent.neff.real),
                "fsr_hz": C / (ng * length)}
    return cached("ring", (ring, mode_step, carrier_step), compute)


def ring_transmission(ring: RingModulator, wavelengths, *, mode_step: float = MODE_STEP, span: float = 20e-9):
    """Through-port power transmission of ``ring`` at ``wavelengths`` (m) with the solved dispersion: the bent
    and straight n_eff solved at λ0 − span, λ0, λ0 + span (quadratic through them), round-trip phase
    φ = 2π(n_bent·2πR + n_straight·(L − 2πR))/λ, the ring's coupling and loss (plus the bend radiation)."""
    lam = check_array("wavelengths", wavelengths, low=1e-6, high=2e-6)
    lam0 = ring.design_wavelength
    check_real("span", span, low=1e-9, high=50e-9)

    def compute():
        pts = [lam0 - span, lam0, lam0 + span]
        modes = [_bent_modes(ring, w, mode_step) for w in pts]
        return {"wavelengths": pts, "n_straight": [m[0].neff.real for m in modes],
                "n_bent": [m[1].neff.real for m in modes], "alpha_bend": modes[1][1].alpha}
    d = cached("ring_dispersion", (ring.waveguide, ring.radius, lam0, mode_step, span), compute)
    x = (lam - lam0) / span
    fit = {k: np.polyfit([-1.0, 0.0, 1.0], d[k], 2) for k in ("n_straight", "n_bent")}
    arc, length = 2 * math.pi * ring.radius, ring.length
    phi = 2 * math.pi * (np.polyval(fit["n_bent"], x) * arc + np.polyval(fit["n_straight"], x) * (length - arc)) / lam
    v = ring._scalar_v(None)
    alpha = float(ring.alpha(v)) + d["alpha_bend"] * arc / length
    a = math.exp(-alpha * length / 2)
    r1 = ring.self_coupling
    r2 = ring.drop_self_coupling if ring.is_add_drop else 1.0
    num = (r2 * a) ** 2 - 2 * r1 * r2 * a * np.cos(phi) + r1**2
    return num / (1 - 2 * r1 * r2 * a * np.cos(phi) + (r1 * r2 * a) ** 2)


def device_figures(device, model: str = "solver", **settings) -> dict:
    """Figures of a ``DepletionPhaseShifter`` or ``RingModulator`` (see the functions above)."""
    if isinstance(device, RingModulator):
        return ring_figures(device, model, **settings)
    if isinstance(device, DepletionPhaseShifter):
        return phase_shifter_figures(device, model, **settings)
    raise TypeError(f"device must be a DepletionPhaseShifter or RingModulator; got {type(device).__name__}")
