"""Device figures from the cross-section solvers (``photonics.modes``, ``photonics.carriers``), shaped for the
device models: Δn_eff(V) and α(V) of a depletion phase shifter as the full-vector mode overlap with the
plasma-dispersion maps of the 2-D carrier solution, C(V) and series R of its junction, and the supermode
coupling coefficient of two parallel guides. The closed forms (``waveguides``, ``phase_shifters``) stay as the
fast approximations.

The device classes' default (``method="solver"``) reads the cached tables below: ``waveguide_figures`` (n_eff,
n_g of the straight guide), ``bent_waveguide_figures`` (the bent guide's n_eff, n_g and radiation loss) and
``phase_shifter_tables`` (Δn_eff, free-carrier α, C and series R at ``TABLE_BIASES``, which the devices
interpolate by cubic splines in V). Each is solved once per cross-section and grid (``photonics.solver_cache``:
memory and disk). Default grids: ``MODE_STEP`` 20 nm, ``CARRIER_STEP`` 10 nm, the coarsest converged to the
figures' accuracy (docs/solvers.md)."""

from __future__ import annotations

import math

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from optolink.core.units import alpha_from_db_per_m
from optolink.core.validate import check_array

from .carriers import RibJunction, UniformDoping, solve_carriers
from .materials import SILICA_DN_DT, plasma_dispersion, silica_index, silicon_index, silicon_thermo_optic_coefficient
from .modes import ModeSettings, coupled_strips, fundamental, rib, solve_modes
from .solver_cache import cached

MODE_STEP = 20e-9  # m: default mode-solver grid (n_g to 0.2 %, Δn_eff to ~1 % of converged)
CARRIER_STEP = 10e-9  # m: default carrier-solver grid (C to 0.1 %)
# reverse biases (V) of the device tables: denser where Δn_eff(V) and C(V) curve most (near 0 V)
TABLE_BIASES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0)
SOLVER_ONLY_FIELDS = ("method", "intrinsic_loss_db_per_m", "specific_contact_resistivity", "contact_width")


def _guide(wg):
    return rib(wg.width, wg.height, wg.slab_height, temperature=wg.temperature)


def _geometry_key(wg) -> tuple:
    # what the mode solver sees of a RibWaveguide (its loss and method do not change the mode)
    return (wg.width, wg.height, wg.slab_height, wg.wavelength, wg.temperature)


def waveguide_figures(wg, *, step: float = MODE_STEP) -> dict:
    """``{"neff", "group_index"}`` of a ``RibWaveguide``'s full-vector TE0 (n_g with Si/SiO2 dispersion)."""
    def compute():
        m = fundamental(_guide(wg), wg.wavelength, ModeSettings(step=step, num_modes=1))
        return {"neff": float(m.neff.real), "group_index": float(m.group_index)}
    return cached("waveguide", (_geometry_key(wg), step), compute)


def bent_waveguide_figures(wg, radius: float, *, step: float = MODE_STEP) -> dict:
    """``{"neff", "group_index", "alpha"}`` of the TE0 of a ``RibWaveguide`` bent to ``radius`` (m): conformal
    transform and PML, n_eff and n_g referred to the radius, α the radiation (slab leakage) loss (1/m)."""
    def compute():
        # 1.5 µm of cladding beside the rib: the slab leakage of a tight bend reaches the PML
        settings = ModeSettings(step=step, num_modes=1, margin_x=1.5e-6)
        m = solve_modes(_guide(wg), wg.wavelength, settings, bend_radius=radius)[0]
        if m.polarization != "TE":
            raise ValueError(f"radius: the bent guide's mode at R = {radius:g} m is not TE-like")
        return {"neff": float(m.neff.real), "group_index": float(m.group_index), "alpha": float(m.alpha)}
    return cached("bent_waveguide", (_geometry_key(wg), float(radius), step), compute)


def phase_shifter_junction(ps, step: float = 5e-9) -> RibJunction:
    """The doped rib of ``ps``: its ``implants`` when given, else the uniform P++ | P+ | P | N | N+ | N++ regions
    as the closed form draws them."""
    wg = ps.waveguide
    half, big = wg.width / 2, 100e-6
    p_pp, p_p, n_p, n_nn = ps._edges
    xj = ps.junction_offset
    regions = (("acceptor", ps.p_contact_doping, -big, p_pp), ("acceptor", ps.p_plus_doping, p_pp, p_p),
               ("acceptor", ps.na, p_p, xj), ("donor", ps.nd, xj, n_p), ("donor", ps.n_plus_doping, n_p, n_nn),
               ("donor", ps.n_contact_doping, n_nn, big))
    # a P+/N+ gap equal to the contact gap removes that implant: no zero-width region
    doping = tuple(ps.implants) or tuple(UniformDoping(*r) for r in regions if r[3] > r[2])
    contact_x = half + max(ps.p_contact_gap, ps.n_contact_gap) + 0.1e-6
    return RibJunction(doping, wg.width, wg.height, wg.slab_height, contact_x, step=step,
                       temperature=ps.temperature)


def _silicon_cells(wg, xc: np.ndarray, yc: np.ndarray) -> np.ndarray:
    """Mask of the mode grid's cells (centres ``xc``, ``yc``, m) inside the rib's silicon: slab and core."""
    return ((yc >= 0) & (yc < wg.slab_height)) | ((np.abs(xc) < wg.width / 2) & (yc >= 0) & (yc < wg.height))


def thermo_optic_figures(wg, *, step: float = MODE_STEP) -> dict:
    """``{"dneff_dt"}`` (1/K) of a ``RibWaveguide``'s TE0: the full-vector first-order perturbation by a uniform
    1 K rise, Δε = 2n·dn/dT in the silicon (``materials.silicon_thermo_optic_coefficient``) and in the oxide
    around it (``SILICA_DN_DT``). Cached per cross-section."""
    def compute():
        mode = fundamental(_guide(wg), wg.wavelength, ModeSettings(step=step, num_modes=1))
        in_si = _silicon_cells(wg, *np.meshgrid(mode.x, mode.y, indexing="ij"))
        n_si = float(silicon_index(wg.wavelength, wg.temperature))
        n_ox = float(silica_index(wg.wavelength))
        de = np.where(in_si, 2 * n_si * silicon_thermo_optic_coefficient(wg.temperature), 2 * n_ox * SILICA_DN_DT)
        return {"dneff_dt": float(mode.delta_neff_cells(de).real)}
    return cached("thermo_optic", (_geometry_key(wg), step), compute)


def _solved_index(ps, biases: np.ndarray, mode_step: float, carrier_step: float):
    """(complex Δn_eff vs the undoped rib at ``biases``, the carrier solution): the first-order full-vector
    perturbation of the undoped rib's TE mode by Δε = 2n_Si(Δn + iλΔα/4π) of ``ps.model``'s plasma dispersion."""
    wg = ps.waveguide
    mode = fundamental(_guide(wg), wg.wavelength, ModeSettings(step=mode_step, num_modes=1))
    sol = solve_carriers(phase_shifter_junction(ps, carrier_step), biases)
    n_si = float(silicon_index(wg.wavelength, wg.temperature))
    xc, yc = np.meshgrid(mode.x, mode.y, indexing="ij")
    pts = np.stack([np.clip(xc, sol.x[0], sol.x[-1]), np.clip(yc, sol.y[0], sol.y[-1])], axis=-1)
    in_si = _silicon_cells(wg, xc, yc) & (np.abs(xc) <= sol.x[-1])
    dn_eff = []
    for k in range(biases.size):
        dn, da = plasma_dispersion(sol.n[k], sol.p[k], wg.wavelength, ps.model)
        kappa = da * wg.wavelength / (4 * math.pi)
        f = RegularGridInterpolator((sol.x, sol.y), dn + 1j * kappa)
        de = np.where(in_si, 2 * n_si * f(pts), 0.0)
        dn_eff.append(mode.delta_neff_cells(de))
    return np.array(dn_eff), sol


def phase_shifter_index(ps, v_reverse, *, mode_step: float = MODE_STEP, carrier_step: float = CARRIER_STEP):
    """``(Δn_eff(V) − Δn_eff(0), α(V))`` at reverse biases ``v_reverse`` (V); α the modal power loss (1/m):
    intrinsic loss plus the free-carrier absorption overlap (see ``_solved_index``)."""
    v = check_array("v_reverse", v_reverse, low=0.0)
    biases = np.unique(np.concatenate([[0.0], np.ravel(v)]))
    wg = ps.waveguide
    dn_eff, _ = _solved_index(ps, biases, mode_step, carrier_step)
    idx = np.searchsorted(biases, np.ravel(v))
    k0 = 2 * math.pi / wg.wavelength
    dneff = (dn_eff[idx].real - dn_eff[0].real).reshape(v.shape)
    alpha = (alpha_from_db_per_m(wg.intrinsic_loss_db_per_m) + 2 * k0 * dn_eff[idx].imag).reshape(v.shape)
    return dneff, alpha


def _table_key(ps) -> tuple:
    # the solver's inputs: every field except those it does not see (method, loss, contact terms)
    fields = {k: getattr(ps, k) for k in ps.__dataclass_fields__ if k not in SOLVER_ONLY_FIELDS}
    fields["waveguide"] = _geometry_key(ps.waveguide)
    return tuple(sorted(fields.items()))


def phase_shifter_tables(ps, *, mode_step: float = MODE_STEP, carrier_step: float = CARRIER_STEP) -> dict:
    """The solved figures of a ``DepletionPhaseShifter`` at ``TABLE_BIASES`` (reverse V): ``dn`` (Δn_eff vs the
    undoped rib), ``da`` (free-carrier power absorption, 1/m), ``capacitance`` (F/m, dQ/dV with the fringe
    field) and ``series_resistance`` (Ω·m, the doped silicon's 2-D conductivity, contacts excluded). Cached."""
    def compute():
        biases = np.array(TABLE_BIASES)
        dn_eff, sol = _solved_index(ps, biases, mode_step, carrier_step)
        k0 = 2 * math.pi / ps.waveguide.wavelength
        return {"biases": list(TABLE_BIASES), "dn": dn_eff.real.tolist(), "da": (2 * k0 * dn_eff.imag).tolist(),
                "capacitance": np.asarray(sol.capacitance).tolist(),
                "series_resistance": np.asarray(sol.series_resistance_length).tolist()}
    return cached("phase_shifter_tables", (_table_key(ps), TABLE_BIASES, mode_step, carrier_step), compute)


def junction_figures(ps, v_reverse, carrier_step: float = CARRIER_STEP):
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
