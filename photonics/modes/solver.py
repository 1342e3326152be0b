"""Full-vectorial finite-difference eigenmodes of a waveguide cross-section on a Yee grid.

Formulation: Maxwell's curl equations in coordinates normalised by k0 = 2π/λ with H̃ = iη0·H,
∇×E = μH̃, ∇×H̃ = εE (time convention e^{−iωt}, fields ∝ e^{iβz}). Eliminating Ez and H̃z on the 2-D Yee
lattice gives ∂z[Ex, Ey] = P·[H̃x, H̃y] and ∂z[H̃x, H̃y] = Q·[Ex, Ey], so −P·Q·[Ex, Ey] = n_eff²·[Ex, Ey]
(R. C. Rumpf, "Electromagnetic and Photonic Simulation for the Beginner", Artech House (2022), ch. 6; the Yee
form of the full-vector problem of Z. Zhu and T. G. Brown, Opt. Express 10, 853 (2002)). A sparse LU of
(A − σI) (minimum-degree ordering on AᵀA + A, diagonal pivots) drives ARPACK's shift-invert
(``scipy.sparse.linalg.eigs``), σ just above the top mode of a 4× coarser solve on fine grids (few iterations),
else between the core and cladding lines; the same factors give the left eigenvectors, from which the
first-order change of n_eff² for any change of the matrix follows exactly (yᴴ·δA·x / yᴴ·x, non-Hermitian
Hellmann–Feynman). That yields:

- the group index n_g = n + k0·dn/dk0 with the dispersion of Si and SiO₂ and of the discretised operator, from
  the operators assembled at k0(1 ± δ) (matrix-vector products only, no second eigensolve);
- the full-vector perturbation Δn_eff for a permittivity-change map (carriers, heat), per Yee component.

Symmetry: one mirror class of a guide symmetric in x (``parity``; ``fundamental`` asks for it) is solved on
the x ≥ 0 half with an electric or magnetic wall on x = 0 (``photonics.modes.operators``) and mirrored back.

Boundaries: stretched-coordinate PML (s = 1 + iσ(u/d)³) on all sides (W. C. Chew and W. H. Weedon, Microw. Opt.
Technol. Lett. 7, 599 (1994)). Bends: the exact transformation of cylindrical to Cartesian coordinates,
ε' = ε·diag(r/R, r/R, R/r) and μ' likewise, r = R + x, the centre of curvature at x = −R; n_eff is referred
to the radius R (β = m/R), and Im n_eff > 0 is the radiation loss absorbed by the PML.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, eigs, splu
from threadpoolctl import threadpool_limits

from optolink.core.constants import MU0, C
from optolink.core.units import CARRIER_WAVELENGTH
from optolink.core.validate import check_int, check_real

from .geometry import CrossSection, Layer, Trapezoid, YeeGrid, _avg_x, _avg_y, axis_cells
from .operators import assemble, extend, half_grid, mu_z_dual

ETA0 = MU0 * C
_DK = 1e-4  # relative step of k0 for the group index


@dataclass(frozen=True)
class ModeSettings:
    """Grid and solver settings (m). ``step``: cell size over the cores; through the claddings cells grow by
    ``growth`` per 20 nm of ``step`` (growth^(step/20 nm) per cell, a fixed smooth mapping, so refining
    ``step`` keeps second-order convergence) up to ``max_ratio``·step; ``margin_x``/``margin_y``: cladding
    kept around the shapes; ``pml_thickness`` added outside it (0: perfect-conductor walls); ``num_modes``:
    guided modes wanted (the eigensolver asks for a few more)."""

    step: float = 20e-9
    max_ratio: float = 4.0
    growth: float = 1.25
    margin_x: float = 1.0e-6
    margin_y: float = 0.8e-6
    pml_thickness: float = 0.4e-6
    pml_reflection: float = 1e-8
    num_modes: int = 2

    def __post_init__(self):
        check_real("step", self.step, low=0.2e-9, high=200e-9)
        check_real("max_ratio", self.max_ratio, low=1.0, high=50.0)
        check_real("growth", self.growth, low=1.0, high=2.0)
        check_real("margin_x", self.margin_x, low=0.0, high=20e-6)
        check_real("margin_y", self.margin_y, low=0.0, high=20e-6)
        check_real("pml_thickness", self.pml_thickness, low=0.0, high=5e-6)
        check_real("pml_reflection", self.pml_reflection, low=1e-30, high=0.1)
        check_int("num_modes", self.num_modes, low=1, high=20)


def make_grid(xs: CrossSection, settings: ModeSettings) -> YeeGrid:
    """The non-uniform grid for ``xs``; ValueError if ``settings.step`` cannot resolve a feature."""
    s = settings
    x0, x1, y0, y1 = xs.bounding_box()
    features = []
    for shape in xs.shapes:
        features.append((f"height of {shape.name!r}", shape.height))
        if isinstance(shape, Trapezoid):
            features.append((f"width of {shape.name!r}", shape.width))
    cores = sorted(xs.cores, key=lambda c: c.x_center)
    for a, b in zip(cores[:-1], cores[1:], strict=True):
        gap = (b.x_center - b.width / 2 - b.foot) - (a.x_center + a.width / 2 + a.foot)
        if gap > 0:
            features.append((f"gap between {a.name!r} and {b.name!r}", gap))
    for what, size in features:
        if size < 2 * s.step * (1 - 1e-9):
            raise ValueError(f"step must be <= half of the smallest feature: the {what} is {size * 1e9:.4g} nm, "
                             f"so step <= {size / 2 * 1e9:.4g} nm; got {s.step * 1e9:.4g} nm")
    growth = s.growth ** (s.step / 20e-9)
    max_step = s.max_ratio * s.step
    ylo, yhi = y0 - s.margin_y, y1 + s.margin_y
    yedges = {0.0, ylo, yhi}
    for shape in xs.shapes:
        yedges |= {shape.y_bottom, shape.y_bottom + shape.height}
    by = axis_cells(yedges, ylo - s.pml_thickness, yhi + s.pml_thickness, y0, y1, s.step, growth, max_step)
    if not cores:
        return YeeGrid(np.array([-0.5, 0.5]), by, True)
    xlo, xhi = x0 - s.margin_x, x1 + s.margin_x
    xedges = {xlo, xhi}
    for c in cores:
        for sgn in (-1, 1):
            xedges |= {c.x_center + sgn * c.width / 2, c.x_center + sgn * (c.width / 2 + c.foot)}
    symmetric = _mirror_symmetric(xs)
    if symmetric:  # a line on x = 0, and the x ≥ 0 half mirrored exactly (the half-domain solves need it)
        xedges.add(0.0)
    bx = axis_cells(xedges, xlo - s.pml_thickness, xhi + s.pml_thickness, x0, x1, s.step, growth, max_step)
    if symmetric:
        half = bx[np.argmin(np.abs(bx)):]
        half[0] = 0.0
        bx = np.concatenate([-half[:0:-1], half])
    return YeeGrid(bx, by, False)


@dataclass(frozen=True, eq=False)
class Mode:
    """One eigenmode. ``neff`` complex (Im > 0: loss, incl. bend radiation); ``group_index`` real;
    ``E``, ``H`` (3, Nx, Ny) complex at the cell centres ``x``, ``y`` (V/m, A/m for 1 W);
    ``energy_fractions``: share of the electric energy per region name; ``te_fraction``: ∫|Ex|²/∫(|Ex|²+|Ey|²)."""

    neff: complex
    group_index: float
    wavelength: float
    bend_radius: float
    te_fraction: float
    energy_fractions: dict
    grid: YeeGrid
    E: np.ndarray
    H: np.ndarray
    cross_section: CrossSection
    _sens: tuple = field(repr=False)  # (Gx, Gy, Gz) sensitivities of n_eff² to εx, εy and 1/εz
    _eps: tuple = field(repr=False)
    _factors: tuple = field(repr=False)

    @property
    def polarization(self) -> str:
        """"TE" (dominant Ex, parallel to the wafer) or "TM", by the polarization fraction."""
        return "TE" if self.te_fraction >= 0.5 else "TM"

    @property
    def x(self):
        return self.grid.xd

    @property
    def y(self):
        return self.grid.yd

    @property
    def alpha(self) -> float:
        """Power attenuation coefficient (1/m) from Im n_eff."""
        return 4 * math.pi * self.neff.imag / self.wavelength

    @property
    def loss_db_per_m(self) -> float:
        return 10 * math.log10(math.e) * self.alpha

    def silicon_fraction(self) -> float:
        """Share of the electric energy in silicon regions."""
        xs = self.cross_section
        names = {s.name for s in xs.shapes if s.material == "si"}
        return float(sum(v for k, v in self.energy_fractions.items() if k in names))

    def delta_neff(self, delta_eps) -> complex:
        """First-order change of n_eff (complex: Im > 0 adds loss) for a permittivity change.

        ``delta_eps(x, y)`` returns Δε (complex, Im > 0 absorbing) at arrays of points (m); it is sampled at
        the cell centres and averaged onto the Yee components like ε itself.
        """
        g = self.grid
        xc, yc = np.meshgrid(g.xd, g.yd, indexing="ij")
        if g.periodic_x:
            xc = np.zeros_like(xc)
        de = np.asarray(delta_eps(xc, yc), complex) * np.ones(xc.shape)
        return self.delta_neff_cells(de)

    def delta_neff_cells(self, delta_eps_cells) -> complex:
        """Same as :meth:`delta_neff` for Δε given per cell, shape (Nx, Ny)."""
        g = self.grid
        de = np.asarray(delta_eps_cells, complex)
        dx = np.ravel(_avg_y(de, g.dy)) * self._factors[0]
        dy = np.ravel(_avg_x(de, g.dx, g.periodic_x)) * self._factors[1]
        dz = np.ravel(_avg_x(_avg_y(de, g.dy), g.dx, g.periodic_x)) * self._factors[2]
        ez = self._eps[2]
        dzeta = 1.0 / (ez + dz) - 1.0 / ez
        gx, gy, gz = self._sens
        dlam = np.sum(gx * dx) + np.sum(gy * dy) + np.sum(gz * dzeta)
        return complex(np.sqrt(self.neff**2 + dlam) - self.neff)


def _cells_from_components(vals, grid, which):
    """Distribute a per-component quantity (×area) to the cells: 'x' → (d, p), 'y' → (p, d), 'z' → (p, p)."""
    nx, ny = grid.shape
    out = np.zeros((nx, ny))
    dx = grid.dx if not grid.periodic_x else np.ones(1)
    dy = grid.dy

    def split_y(a):  # primal y → cells: half of each neighbour's height
        r = np.zeros_like(a)
        r += a * (dy[None, :] / 2)
        r[:, :-1] += a[:, 1:] * (dy[None, :-1] / 2)
        r[:, 0] += a[:, 0] * dy[0] / 2 * 0  # boundary point: keep its own half only
        return r

    def split_x(a):
        if grid.periodic_x:
            return a * dx[0]
        r = a * (dx[:, None] / 2)
        r[:-1, :] += a[1:, :] * (dx[:-1, None] / 2)
        return r

    if which == "x":
        out = split_y(vals) * dx[:, None]
    elif which == "y":
        out = split_x(vals) * dy[None, :]
    else:
        out = split_x(split_y(vals))
    return out


def _shift_hint(xs, wavelength, settings, wall, k):
    """n_eff of the top mode of the class on a grid 4× coarser (≤ 20 nm), for the shift of a fine solve;
    None when the grid is already coarse."""
    if settings.step > 8e-9:
        return None
    coarse = replace(settings, step=min(4 * settings.step, 20e-9))
    try:
        grid = make_grid(xs, coarse)
    except ValueError:
        coarse = replace(settings, step=2 * settings.step)
        grid = make_grid(xs, coarse)
    vals = _eigenpairs(xs, grid, wavelength, coarse, math.inf, wall, k, None, values_only=True)
    n = np.sqrt(vals.astype(complex))
    n = n[n.real > xs.cladding_index(wavelength)]
    return float(np.max(n.real)) if n.size else None


def _eigenpairs(xs, grid, wavelength, settings, bend_radius, wall, k, target, values_only=False):
    """Eigenpairs of one domain (``grid`` the full grid; with a ``wall``, its x ≥ 0 half): eigenvalues n_eff²,
    and unless ``values_only`` the right and left eigenvectors on the full grid and dλ/dk0 (group index)."""
    dom, m = (grid, 0) if wall is None else half_grid(grid)
    ops = assemble(xs, dom, wavelength, bend_radius, settings, wall)
    A = ops.A
    n2 = A.shape[0]
    n_clad = xs.cladding_index(wavelength)
    if target is not None:
        sigma = complex(target) ** 2
    else:
        hint = None if values_only else _shift_hint(xs, wavelength, settings, wall, k)
        # just above the coarse grid's top mode; without one, between the core and cladding lines
        n_hi = xs.max_index(wavelength)
        sigma = (0.8 * n_hi + 0.2 * n_clad) ** 2 if hint is None else (hint + 2e-3) ** 2
    # minimum degree on Aᵀ + A with diagonal pivots: the pattern is nearly symmetric, and this has ~40 % less
    # fill than COLAMD (half the factor and solve time)
    lu = splu((A - sigma * sp.identity(n2, format="csr")).tocsc(), permc_spec="MMD_AT_PLUS_A",
              diag_pivot_thresh=0.01, options={"SymmetricMode": True})
    # exactly the wanted number: the radiation/PML continuum below the cladding line converges slowly in ARPACK
    k = min(k, n2 - 2)
    close = target is not None or (not values_only and hint is not None)
    ncv = min(max(6 if close else 20, 2 * k + 1), n2 - 1)
    op = LinearOperator((n2, n2), matvec=lu.solve, dtype=complex)
    vals, vecs = eigs(A, k=k, sigma=sigma, OPinv=op, which="LM", tol=1e-11, ncv=ncv)
    if values_only:
        return vals
    k0 = 2 * math.pi / wavelength
    ops_p = assemble(xs, dom, wavelength / (1 + _DK), bend_radius, settings, wall)
    ops_m = assemble(xs, dom, wavelength / (1 - _DK), bend_radius, settings, wall)
    keep = ops.keep
    parity = 1 if wall == "pec" else -1
    out = []
    for i in range(vals.size):
        lam = vals[i]
        x = np.zeros(keep.size, complex)
        x[keep] = vecs[:, i]
        neff = np.sqrt(complex(lam))
        neff = -neff if neff.real < 0 else neff
        y = np.zeros(keep.size, complex)
        y[keep] = _left_vector(lu, x, ops, dom, neff, keep, wall)
        # group index: n_g = n + k0·dn/dk0, dλ = yᴴ·δA·x / yᴴx, δA = −(P+Q+ − P−Q−)
        dA_x = -(ops_p.P @ (ops_p.Q @ x) - ops_m.P @ (ops_m.Q @ x))
        dlam_dk = np.vdot(y[keep], dA_x[keep]) / np.vdot(y[keep], x[keep]) / (2 * _DK * k0)
        if wall is not None:
            ny = grid.shape[1]
            x, y = extend(x, m, ny, parity), extend(y, m, ny, parity, left=True)
        out.append((lam, x, y, dlam_dk))
    return out


def _solve(xs: CrossSection, wavelength: float, settings: ModeSettings, bend_radius: float, target=None,
           parity=None):
    n_clad = xs.cladding_index(wavelength)
    if xs.max_index(wavelength) <= n_clad:
        raise ValueError(f"cross_section guides no mode: no shape's index exceeds the cladding index {n_clad:.4f}")
    grid = make_grid(xs, settings)
    # one symmetry class of a straight guide symmetric in x: solved on its half domain. (All modes together stay
    # on the full domain: a class's share of the num_modes is unknown, and asking ARPACK for more guided modes
    # than a class has makes it chase the slowly converging radiation continuum.)
    if parity is not None and (math.isfinite(bend_radius) or not _mirror_symmetric(xs)):
        raise ValueError("parity needs a straight cross-section that is mirror-symmetric in x")
    wall = None if parity is None else {"even": "pec", "odd": "pmc"}[parity]
    pairs = _eigenpairs(xs, grid, wavelength, settings, bend_radius, wall, settings.num_modes, target)
    neffs = np.array([np.sqrt(complex(p[0])) for p in pairs])
    neffs = np.where(neffs.real < 0, -neffs, neffs)
    order = np.argsort(-neffs.real) if target is None else np.argsort(np.abs(neffs - target))
    guided = [i for i in order if neffs[i].real > n_clad and abs(neffs[i].imag) < 0.05 * neffs[i].real]
    guided = guided[:settings.num_modes]
    if not guided:
        best = neffs[order[0]]
        raise ValueError(f"cross_section guides no mode at {wavelength * 1e9:.1f} nm: the highest n_eff found, "
                         f"{best.real:.4f}, is not above the cladding index {n_clad:.4f}")
    ops = assemble(xs, grid, wavelength, bend_radius, settings)
    k0 = 2 * math.pi / wavelength
    return tuple(_mode(xs, grid, ops, wavelength, bend_radius, complex(neffs[i]), pairs[i][1], pairs[i][2],
                       k0 * pairs[i][3]) for i in guided)


def _mode(xs, grid, ops, wavelength, bend_radius, neff, x, y, k0_dlam_dk):
    """The Mode of a full-grid eigenpair (right x, left y) and k0·dλ/dk0."""
    nx, ny = grid.shape
    npt = nx * ny
    yx = np.vdot(y, x)
    if neff.imag < 0 and abs(neff.imag) < 1e-12:
        neff = complex(neff.real, 0.0)
    ng = float((neff + k0_dlam_dk / (2 * neff)).real)
    # fields: H̃ = Q·E / (i n), Ez = εz⁻¹(Dhx H̃y − Dhy H̃x), H̃z = μz⁻¹(Dex Ey − Dey Ex)
    ht = (ops.Q @ x) / (1j * neff)
    exv, eyv = x[:npt], x[npt:]
    hxv, hyv = ht[:npt], ht[npt:]
    dz = ops.Dhx @ hyv - ops.Dhy @ hxv
    ezv = dz / ops.eps[2]
    hzv = ops.Dex @ eyv - ops.Dey @ exv
    if math.isfinite(bend_radius):
        hzv = hzv / mu_z_dual(grid, bend_radius)
    # sensitivities: dλ = −(i n Σ w̄·δζ·Dz + Σ ū1·δεy·Ey − ū2·δεx·Ex) / yᴴx, u = Pᴴy, w = Dexᴴy1 + Deyᴴy2
    u = ops.P.conj().T @ y
    w = ops.Dex.conj().T @ y[:npt] + ops.Dey.conj().T @ y[npt:]
    gx = np.conj(u[npt:]) * exv / yx
    gy = -np.conj(u[:npt]) * eyv / yx
    gz = -1j * neff * np.conj(w) * dz / yx
    # physical H and 1 W normalisation (Ex·Hy and Ey·Hx are co-located on the Yee grid)
    hx, hy, hz = (h / (1j * ETA0) for h in (hxv, hyv, hzv))
    a_x, a_y = _areas(grid)
    power = 0.5 * np.real(np.sum(exv * np.conj(hy) * a_x) - np.sum(eyv * np.conj(hx) * a_y))
    scale = 1.0 / math.sqrt(abs(power))
    comps = [c * scale for c in (exv, eyv, ezv, hx, hy, hz)]
    wx = np.sum(np.abs(comps[0]) ** 2 * a_x)
    wy = np.sum(np.abs(comps[1]) ** 2 * a_y)
    # electric energy per cell → per region
    ea = np.real(ops.eps_cell)
    energy = np.zeros((nx, ny))
    for c, which in ((comps[0], "x"), (comps[1], "y"), (comps[2], "z")):
        energy += _cells_from_components(np.abs(c.reshape(nx, ny)) ** 2, grid, which)
    energy *= ea
    total = energy.sum()
    fractions = {}
    for rid, name in enumerate(xs.region_names()):
        fractions[name] = fractions.get(name, 0.0) + float(energy[ops.region == rid].sum() / total)
    E = np.stack(_centres(comps[:3], grid))
    H = np.stack(_centres(comps[3:], grid, magnetic=True))
    for arr in (E, H):
        arr.setflags(write=False)
    return Mode(neff, ng, wavelength, bend_radius, float(wx / (wx + wy)), fractions, grid, E, H, xs,
                (gx, gy, gz), ops.eps, ops.factors)


def _areas(grid):
    """Control areas of the Ex/Hy (d, p) and Ey/Hx (p, d) positions."""
    dxg = grid.dx if not grid.periodic_x else np.ones(1)
    dxp = grid.dxp if not grid.periodic_x else np.ones(1)
    return np.ravel(dxg[:, None] * grid.dyp[None, :]), np.ravel(dxp[:, None] * grid.dy[None, :])


def _left_vector(lu, x, ops, grid, neff_guess, keep, wall):
    """Left eigenvector y (yᴴA = λyᴴ) on the kept unknowns. Discrete reciprocity makes it ≈ conj([a_x·H̃y,
    −a_y·H̃x]) (the unconjugated E×H orthogonality of reciprocal media, PML included); three inverse iterations
    with the shift-invert factors (trans='H') polish it."""
    npt = grid.shape[0] * grid.shape[1]
    ht = (ops.Q @ x) / (1j * neff_guess)
    a_x, a_y = _areas(grid)
    if wall:  # a half domain: the primal points on the wall keep half their control area
        a_y = a_y.copy()
        a_y[:grid.shape[1]] *= 0.5
    y = np.conj(np.concatenate([a_x * ht[npt:], -a_y * ht[:npt]]))[keep]
    for _ in range(3):
        y = lu.solve(y, trans="H")
        y /= np.linalg.norm(y)
    return y


def _mirror_symmetric(xs: CrossSection) -> bool:
    """True if every core has a mirror image about x = 0 (the layers are x-invariant)."""
    cores = xs.cores
    if not cores:
        return False

    def key(c, sign):
        return (round(sign * c.x_center, 15) + 0.0, c.width, c.y_bottom, c.height, c.material, c.sidewall_angle)

    return sorted(map(str, (key(c, 1) for c in cores))) == sorted(map(str, (key(c, -1) for c in cores)))


def _centres(comps, grid, magnetic=False):
    """Interpolate Yee components to the cell centres (d, d)."""
    nx, ny = grid.shape
    a, b, c = (v.reshape(nx, ny) for v in comps)

    def my(v):  # primal y → dual y
        out = 0.5 * v
        out[:, :-1] += 0.5 * v[:, 1:]
        return out

    def mx(v):
        if grid.periodic_x:
            return v
        out = 0.5 * v
        out[:-1, :] += 0.5 * v[1:, :]
        return out

    if not magnetic:  # Ex (d, p), Ey (p, d), Ez (p, p)
        return my(a), mx(b), mx(my(c))
    return mx(a), my(b), c  # Hx (p, d), Hy (d, p), Hz (d, d)


@lru_cache(maxsize=64)
def _solve_cached(xs, wavelength, settings, bend_radius, parity=None):
    # one BLAS thread: ARPACK's small dense steps are ~50× slower when OpenBLAS threads contend for busy cores
    with threadpool_limits(1, user_api="blas"):
        if math.isfinite(bend_radius):
            straight = _solve_cached(xs, wavelength, settings, math.inf, "even" if _mirror_symmetric(xs) else None)
            return _solve(xs, wavelength, settings, bend_radius, target=straight[0].neff.real)
        return _solve(xs, wavelength, settings, bend_radius, parity=parity)


PARITIES = (None, "even", "odd")


def solve_modes(cross_section: CrossSection, wavelength: float = CARRIER_WAVELENGTH,
                settings: ModeSettings | None = None, bend_radius: float = math.inf, parity: str | None = None
                ) -> tuple:
    """Guided eigenmodes of ``cross_section`` at ``wavelength`` (m), highest n_eff first.

    ``bend_radius`` (m, to the guide's centre line; inf = straight) bends the guide toward −x. ``parity``
    ("even": Ex even in x, the class of the TE-like fundamental; "odd": Ex odd, the TM-like's) asks for the
    ``num_modes`` top modes of one symmetry class of a straight guide that is mirror-symmetric in x, solved on
    its x ≥ 0 half (an electric or a magnetic wall on x = 0: the same modes at about a third of the cost);
    ``fundamental`` uses it.
    Results are cached by (cross-section, wavelength, settings, radius, parity), all frozen and hashable.
    ValueError if nothing is guided or the grid is too coarse for a feature.
    """
    if not isinstance(cross_section, CrossSection):
        raise TypeError(f"cross_section must be a CrossSection; got {type(cross_section).__name__}")
    wl = check_real("wavelength", wavelength, low=0.2e-6, high=20e-6)
    settings = ModeSettings() if settings is None else settings
    if not isinstance(settings, ModeSettings):
        raise TypeError(f"settings must be ModeSettings; got {type(settings).__name__}")
    if parity not in PARITIES:
        raise ValueError(f"parity must be one of {PARITIES}; got {parity!r}")
    if not (bend_radius == math.inf):
        check_real("bend_radius", bend_radius, low=0.5e-6)
        if parity is not None:
            raise ValueError("parity must be None for a bent guide (a bend has no mirror symmetry)")
        x0, x1, _, _ = cross_section.bounding_box()
        if bend_radius <= -(x0 - settings.margin_x - settings.pml_thickness):
            raise ValueError(f"bend_radius must exceed the inner half of the window "
                             f"({-(x0 - settings.margin_x - settings.pml_thickness):.3g} m); got {bend_radius}")
    elif parity is not None and not _mirror_symmetric(cross_section):
        raise ValueError("parity needs a cross-section that is mirror-symmetric in x; got an asymmetric one")
    return _solve_cached(cross_section, wl, settings, float(bend_radius), parity)


def fundamental(cross_section: CrossSection, wavelength: float = CARRIER_WAVELENGTH,
                settings: ModeSettings | None = None, polarization: str = "TE",
                bend_radius: float = math.inf) -> Mode:
    """The highest-index guided mode of the given polarization ("TE" or "TM")."""
    if polarization not in ("TE", "TM"):
        raise ValueError(f"polarization must be 'TE' or 'TM'; got {polarization!r}")
    parity = None
    if bend_radius == math.inf and _mirror_symmetric(cross_section):
        parity = "even" if polarization == "TE" else "odd"  # the class of the TE-like / TM-like fundamental
    modes = solve_modes(cross_section, wavelength, settings, bend_radius, parity)
    for m in modes:
        if m.polarization == polarization:
            return m
    raise ValueError(f"polarization: no guided {polarization} mode among the {len(modes)} found "
                     f"(raise settings.num_modes, or the guide is cut off for {polarization})")


def clear_cache() -> None:
    _solve_cached.cache_clear()


__all__ = ["Layer", "Trapezoid", "CrossSection", "ModeSettings", "Mode", "solve_modes", "fundamental",
           "make_grid", "clear_cache", "PARITIES"]
