"""Device figures from the cross-section solvers (``photonics.modes``, ``photonics.carriers``), shaped for the
device models: Δn_eff(V) and α(V) of a depletion phase shifter as the full-vector mode overlap with the
plasma-dispersion maps of the 2-D carrier solution, C(V) and series R of its junction, and the supermode
coupling coefficient of two parallel guides. The closed forms (``waveguides``, ``phase_shifters``) stay as the
fast approximations."""

from __future__ import annotations

import math

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from optolink.core.units import alpha_from_db_per_m
from optolink.core.validate import check_array

from .carriers import RibJunction, UniformDoping, solve_carriers
from .materials import plasma_dispersion, silicon_index
from .modes import ModeSettings, coupled_strips, fundamental, rib, solve_modes
from .phase_shifters import DepletionPhaseShifter


def phase_shifter_junction(ps: DepletionPhaseShifter, step: float = 5e-9) -> RibJunction:
    """The doped rib of ``ps`` (uniform P++ | P+ | P | N | N+ | N++ regions as the closed form draws them)."""
    wg = ps.waveguide
    half, big = wg.width / 2, 100e-6
    p_pp, p_p, n_p, n_nn = ps._edges
    xj = ps.junction_offset
    doping = (UniformDoping("acceptor", ps.p_contact_doping, -big, p_pp),
              UniformDoping("acceptor", ps.p_plus_doping, p_pp, p_p),
              UniformDoping("acceptor", ps.na, p_p, xj),
              UniformDoping("donor", ps.nd, xj, n_p),
              UniformDoping("donor", ps.n_plus_doping, n_p, n_nn),
              UniformDoping("donor", ps.n_contact_doping, n_nn, big))
    contact_x = half + max(ps.p_contact_gap, ps.n_contact_gap) + 0.1e-6
    return RibJunction(doping, wg.width, wg.height, wg.slab_height, contact_x, step=step,
                       temperature=ps.temperature)


def phase_shifter_index(ps: DepletionPhaseShifter, v_reverse, *, mode_step: float = 20e-9,
                        carrier_step: float = 5e-9):
    """``(Δn_eff(V) − Δn_eff(0), α(V))`` at reverse biases ``v_reverse`` (V); α the modal power loss (1/m):
    intrinsic loss plus the free-carrier absorption overlap. First-order full-vector perturbation of the
    undoped rib's TE mode by Δε = 2n_Si(Δn + iλΔα/4π) from ``ps.model``'s plasma dispersion of the carriers."""
    v = check_array("v_reverse", v_reverse, low=0.0)
    biases = np.unique(np.concatenate([[0.0], np.ravel(v)]))
    wg = ps.waveguide
    mode = fundamental(rib(wg.width, wg.height, wg.slab_height, temperature=wg.temperature), wg.wavelength,
                       ModeSettings(step=mode_step, num_modes=1))
    sol = solve_carriers(phase_shifter_junction(ps, carrier_step), biases)
    n_si = float(silicon_index(wg.wavelength, wg.temperature))
    xc, yc = np.meshgrid(mode.x, mode.y, indexing="ij")
    pts = np.stack([np.clip(xc, sol.x[0], sol.x[-1]), np.clip(yc, sol.y[0], sol.y[-1])], axis=-1)
    in_si = ((yc >= 0) & (yc < wg.slab_height)) | ((np.abs(xc) < wg.width / 2) & (yc >= 0) & (yc < wg.height))
    in_si &= np.abs(xc) <= sol.x[-1]
    dn_eff = []
    for k in range(biases.size):
        dn, da = plasma_dispersion(sol.n[k], sol.p[k], wg.wavelength, ps.model)
        kappa = da * wg.wavelength / (4 * math.pi)
        f = RegularGridInterpolator((sol.x, sol.y), dn + 1j * kappa)
        de = np.where(in_si, 2 * n_si * f(pts), 0.0)
        dn_eff.append(mode.delta_neff_cells(de))
    dn_eff = np.array(dn_eff)
    idx = np.searchsorted(biases, np.ravel(v))
    k0 = 2 * math.pi / wg.wavelength
    dneff = (dn_eff[idx].real - dn_eff[0].real).reshape(v.shape)
    alpha = (alpha_from_db_per_m(wg.intrinsic_loss_db_per_m) + 2 * k0 * dn_eff[idx].imag).reshape(v.shape)
    return dneff, alpha


def junction_figures(ps: DepletionPhaseShifter, v_reverse, carrier_step: float = 5e-9):
    """``(C(V) F/m, R·L Ω·m)`` of the phase shifter's junction from the 2-D carrier solution (R without the
    contact resistance; add the closed form's transmission-line contact term for the total)."""
    v = check_array("v_reverse", v_reverse, low=0.0)
    biases = np.unique(np.concatenate([[0.0], np.ravel(v)]))
    sol = solve_carriers(phase_shifter_junction(ps, carrier_step), biases)
    idx = np.searchsorted(biases, np.ravel(v))
    return sol.capacitance[idx].reshape(v.shape), sol.series_resistance_length[idx].reshape(v.shape)


def coupled_supermode_indices(gap, *, width=500e-9, height=220e-9, slab_height=0.0, temperature=300.0,
                      wavelength=1.55e-6, step=20e-9):
    """Effective indices ``(n_even, n_odd)`` of the two TE supermodes of two identical parallel guides (strips, or
    ribs on a shared slab) vs edge gap (m): the top modes of the two mirror classes (Ex even / odd about the
    pair's centre), each solved on its half domain. ValueError if either is not TE-like (a narrow, tall guide
    whose TM supermode rises above the odd TE one)."""
    g = np.atleast_1d(check_array("gap", gap, low=0.0, low_open=True))
    out = []
    for gi in g:
        xs = coupled_strips(width, float(gi), height, slab_height, temperature=temperature)
        modes = [solve_modes(xs, wavelength, ModeSettings(step=step, num_modes=1), parity=p)[0]
                 for p in ("even", "odd")]
        if any(m.polarization != "TE" for m in modes):
            pol = "/".join(m.polarization for m in modes)
            raise ValueError(f"width: the top even/odd supermodes of the {width * 1e9:.0f} x {height * 1e9:.0f} nm "
                             f"pair at gap {gi * 1e9:.0f} nm are {pol}, not both TE: κ needs the TE supermodes "
                             "(a wider or flatter guide)")
        out.append((modes[0].neff.real, modes[1].neff.real))
    out = np.array(out)
    if not np.ndim(gap):
        return float(out[0, 0]), float(out[0, 1])
    return out[:, 0].reshape(np.shape(gap)), out[:, 1].reshape(np.shape(gap))


def coupling_coefficient(gap, *, width=500e-9, height=220e-9, slab_height=0.0, wavelength=1.55e-6,
                         step=20e-9, temperature=300.0):
    """Field coupling coefficient κ (1/m) of two identical parallel guides vs edge gap (m), from their TE
    supermodes: κ = π(n_even − n_odd)/λ (power crosses over in L_c = π/(2κ))."""
    ne, no = coupled_supermode_indices(gap, width=width, height=height, slab_height=slab_height,
                                       temperature=temperature, wavelength=wavelength, step=step)
    out = math.pi * (np.asarray(ne) - np.asarray(no)) / wavelength
    return out if np.ndim(gap) else float(out)
