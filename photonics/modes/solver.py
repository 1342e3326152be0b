"""Full-vectorial finite-difference eigenmodes of a waveguide cross-section on a Yee grid.

Formulation: Maxwell's curl equations in coordinates normalised by k0 = 2π/λ with H̃ = iη0·H,
∇×E = μH̃, ∇×H̃ = εE (time convention e^{−iωt}, fields ∝ e^{iβz}). Eliminating Ez and H̃z on the 2-D Yee
lattice gives ∂z[Ex, Ey] = P·[H̃x, H̃y] and ∂z[H̃x, H̃y] = Q·[Ex, Ey], so −P·Q·[Ex, Ey] = n_eff²·[Ex, Ey]
(R. C. Rumpf, "Electromagnetic and Photonic Simulation for the Beginner", Artech House (2022), ch. 6; the Yee
form of the full-vector problem of Z. Zhu and T. G. Brown, Opt. Express 10, 853 (2002)). A sparse LU of
(A − σI) at σ = n_max² drives ARPACK's shift-invert (``scipy.sparse.linalg.eigs``); the same factors give the
left eigenvectors, from which the first-order change of n_eff² for any change of the matrix follows exactly
(yᴴ·δA·x / yᴴ·x, non-Hermitian Hellmann–Feynman). That yields:

- the group index n_g = n + k0·dn/dk0 with the dispersion of Si and SiO₂ and of the discretised operator, from
  the operators assembled at k0(1 ± δ) (matrix-vector products only, no second eigensolve);
- the full-vector perturbation Δn_eff for a permittivity-change map (carriers, heat), per Yee component.

Boundaries: stretched-coordinate PML (s = 1 + iσ(u/d)³) on all sides (W. C. Chew and W. H. Weedon, Microw. Opt.
Technol. Lett. 7, 599 (1994)). Bends: the exact transformation of cylindrical to Cartesian coordinates,
ε' = ε·diag(r/R, r/R, R/r) and μ' likewise, r = R + x, the centre of curvature at x = −R; n_eff is referred
to the radius R (β = m/R), and Im n_eff > 0 is the radiation loss absorbed by the PML.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, eigs, splu
from threadpoolctl import threadpool_limits

from optolink.core.constants import MU0, C
from optolink.core.units import CARRIER_WAVELENGTH
from optolink.core.validate import check_int, check_real

from .geometry import CrossSection, Layer, Trapezoid, YeeGrid, _avg_x, _avg_y, axis_cells, component_permittivity

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
    bx = axis_cells(xedges, xlo - s.pml_thickness, xhi + s.pml_thickness, x0, x1, s.step, growth, max_step)
    return YeeGrid(bx, by, False)


def _stretch(points, lo, hi, thickness, sigma_max):
    """PML stretch factor s = 1 + iσ_max·(depth/thickness)³ at ``points`` (1 inside [lo + d, hi − d])."""
    s = np.ones(points.size, complex)
    if thickness <= 0:
        return s
    depth = np.maximum(lo + thickness - points, 0) + np.maximum(points - (hi - thickness), 0)
    return s + 1j * sigma_max * (depth / thickness) ** 3


def _difference_1d(bounds, k0, pml, sigma_max):
    """Forward (primal → dual) and backward (dual → primal) differences in k0-normalised length."""
    h = np.diff(bounds)
    n = h.size
    hp = YeeGrid._dual_lengths(h)
    xd = 0.5 * (bounds[1:] + bounds[:-1])
    xp = bounds[:-1]
    sd = _stretch(xd, bounds[0], bounds[-1], pml, sigma_max)
    spp = _stretch(xp, bounds[0], bounds[-1], pml, sigma_max)
    fwd = sp.diags([-1.0 / (k0 * h * sd), 1.0 / (k0 * h[:-1] * sd[:-1])], [0, 1], shape=(n, n))
    bwd = sp.diags([1.0 / (k0 * hp * spp), -1.0 / (k0 * hp[1:] * spp[1:])], [0, -1], shape=(n, n))
    return fwd.tocsr(), bwd.tocsr()


@dataclass(frozen=True)
class _Operators:
    P: sp.csr_matrix
    Q: sp.csr_matrix
    Dex: sp.csr_matrix
    Dey: sp.csr_matrix
    Dhx: sp.csr_matrix
    Dhy: sp.csr_matrix
    eps: tuple  # (εx, εy, εz) flattened, bend-transformed
    factors: tuple  # bend factors applied to (εx, εy, εz)
    region: np.ndarray  # (Nx, Ny) cell region ids
    eps_cell: np.ndarray  # (Nx, Ny) arithmetic cell ε


def _assemble(xs, grid, wavelength, bend_radius, settings) -> _Operators:
    k0 = 2 * math.pi / wavelength
    nx, ny = grid.shape
    n_bg = xs.cladding_index(wavelength)
    d = settings.pml_thickness
    sigma_max = 4 * math.log(1 / settings.pml_reflection) / (2 * k0 * n_bg * d) if d > 0 else 0.0
    fy, by_ = _difference_1d(grid.by, k0, d, sigma_max)
    if grid.periodic_x:
        fx = bx_ = sp.csr_matrix((1, 1))
    else:
        fx, bx_ = _difference_1d(grid.bx, k0, d, sigma_max)
    ix, iy = sp.identity(nx, format="csr"), sp.identity(ny, format="csr")
    dex, dey = sp.kron(fx, iy, "csr"), sp.kron(ix, fy, "csr")
    dhx, dhy = sp.kron(bx_, iy, "csr"), sp.kron(ix, by_, "csr")
    ex, ey, ez, region = component_permittivity(xs, grid, wavelength)
    one = np.ones((nx, ny))
    if math.isfinite(bend_radius):
        xd = grid.xd[:, None] * one
        xp = grid.xp[:, None] * one
        fd, fp = 1 + xd / bend_radius, 1 + xp / bend_radius
        fac = (fd, fp, 1 / fp)
        mu = (fp, fd, 1 / fd)  # μx at Hx (p, d), μy at Hy (d, p), μz at Hz (d, d)
    else:
        fac = (one, one, one)
        mu = (one, one, one)
    ex, ey, ez = ex * fac[0], ey * fac[1], ez * fac[2]
    dg = lambda a: sp.diags(np.ravel(a))  # noqa: E731
    iez, imz = dg(1 / ez), dg(1 / mu[2])
    P = sp.bmat([[-dex @ iez @ dhy, dex @ iez @ dhx + dg(mu[1])],
                 [-(dey @ iez @ dhy + dg(mu[0])), dey @ iez @ dhx]], format="csr")
    Q = sp.bmat([[-dhx @ imz @ dey, dhx @ imz @ dex + dg(ey)],
                 [-(dhy @ imz @ dey + dg(ex)), dhy @ imz @ dex]], format="csr")
    ea = _cell_eps(xs, grid, wavelength)
    return _Operators(P, Q, dex, dey, dhx, dhy, (np.ravel(ex), np.ravel(ey), np.ravel(ez)),
                      tuple(np.ravel(f) for f in fac), region, ea)


def _cell_eps(xs, grid, wavelength):
    from .geometry import cell_permittivity

    return cell_permittivity(xs, grid, wavelength)[0]


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


def _solve(xs: CrossSection, wavelength: float, settings: ModeSettings, bend_radius: float, target=None):
    n_clad = xs.cladding_index(wavelength)
    if xs.max_index(wavelength) <= n_clad:
        raise ValueError(f"cross_section guides no mode: no shape's index exceeds the cladding index {n_clad:.4f}")
    grid = make_grid(xs, settings)
    ops = _assemble(xs, grid, wavelength, bend_radius, settings)
    n2 = ops.P.shape[0]
    A = -(ops.P @ ops.Q)
    # straight: just under the highest index; bent: at the straight mode (the transformed slab's outer
    # edge otherwise hosts whispering-gallery modes with larger n_eff)
    n_hi = xs.max_index(wavelength)
    sigma = (0.8 * n_hi + 0.2 * n_clad) ** 2 if target is None else complex(target) ** 2
    lu = splu((A - sigma * sp.identity(n2, format="csr")).tocsc(), permc_spec="COLAMD")
    # exactly the wanted number: the radiation/PML continuum below the cladding line converges slowly in ARPACK
    k = min(settings.num_modes, n2 - 2)
    ncv = min(max(20, 2 * k + 1), n2 - 1)
    op = LinearOperator((n2, n2), matvec=lu.solve, dtype=complex)
    vals, vecs = eigs(A, k=k, sigma=sigma, OPinv=op, which="LM", tol=1e-11, ncv=ncv)
    n_clad = xs.cladding_index(wavelength)
    neffs = np.sqrt(vals.astype(complex))
    neffs = np.where(neffs.real < 0, -neffs, neffs)
    order = np.argsort(-neffs.real) if target is None else np.argsort(np.abs(neffs - target))
    guided = [i for i in order if neffs[i].real > n_clad and abs(neffs[i].imag) < 0.05 * neffs[i].real]
    if not guided:
        best = neffs[order[0]]
        raise ValueError(f"cross_section guides no mode at {wavelength * 1e9:.1f} nm: the highest n_eff found, "
                         f"{best.real:.4f}, is not above the cladding index {n_clad:.4f}")
    k0 = 2 * math.pi / wavelength
    ops_p = _assemble(xs, grid, wavelength / (1 + _DK), bend_radius, settings)
    ops_m = _assemble(xs, grid, wavelength / (1 - _DK), bend_radius, settings)
    modes = []
    nx, ny = grid.shape
    npt = nx * ny
    for i in guided:
        lam, x = vals[i], vecs[:, i]
        y = _left_vector(A, lu, x, lam, sigma, ops, grid, neff_guess=np.sqrt(lam))
        yx = np.vdot(y, x)
        neff = complex(neffs[i])
        if neff.imag < 0 and abs(neff.imag) < 1e-12:
            neff = complex(neff.real, 0.0)
        # group index: n_g = n + k0·dn/dk0, dλ = yᴴ·δA·x / yᴴx, δA = −(P+Q+ − P−Q−)
        dA_x = -(ops_p.P @ (ops_p.Q @ x) - ops_m.P @ (ops_m.Q @ x))
        dlam_dk = np.vdot(y, dA_x) / yx / (2 * _DK * k0)
        ng = float((neff + k0 * dlam_dk / (2 * neff)).real)
        # fields: H̃ = Q·E / (i n), Ez = εz⁻¹(Dhx H̃y − Dhy H̃x), H̃z = μz⁻¹(Dex Ey − Dey Ex)
        ht = (ops.Q @ x) / (1j * neff)
        exv, eyv = x[:npt], x[npt:]
        hxv, hyv = ht[:npt], ht[npt:]
        dz = ops.Dhx @ hyv - ops.Dhy @ hxv
        ezv = dz / ops.eps[2]
        hzv = ops.Dex @ eyv - ops.Dey @ exv
        if math.isfinite(bend_radius):
            hzv = hzv / _mu_z_d(grid, bend_radius)
        # sensitivities: dλ = −(i n Σ w̄·δζ·Dz + Σ ū1·δεy·Ey − ū2·δεx·Ex) / yᴴx, u = Pᴴy, w = Dexᴴy1 + Deyᴴy2
        u = ops.P.conj().T @ y
        w = ops.Dex.conj().T @ y[:npt] + ops.Dey.conj().T @ y[npt:]
        gx = np.conj(u[npt:]) * exv / yx
        gy = -np.conj(u[:npt]) * eyv / yx
        gz = -1j * neff * np.conj(w) * dz / yx
        # physical H and 1 W normalisation (Ex·Hy and Ey·Hx are co-located on the Yee grid)
        hx, hy, hz = (h / (1j * ETA0) for h in (hxv, hyv, hzv))
        dxg = grid.dx if not grid.periodic_x else np.ones(1)
        a_x = np.ravel(dxg[:, None] * grid.dyp[None, :])  # Ex/Hy control areas (d, p)
        a_y = np.ravel(grid.dxp[:, None] * grid.dy[None, :]) if not grid.periodic_x else np.ravel(
            np.ones((1, 1)) * grid.dy[None, :])
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
        names = xs.region_names()
        fractions = {}
        for rid, name in enumerate(names):
            fractions[name] = fractions.get(name, 0.0) + float(energy[ops.region == rid].sum() / total)
        E = np.stack(_centres(comps[:3], grid))
        H = np.stack(_centres(comps[3:], grid, magnetic=True))
        for arr in (E, H):
            arr.setflags(write=False)
        sens = (gx, gy, gz)
        modes.append(Mode(neff, ng, wavelength, bend_radius, float(wx / (wx + wy)), fractions, grid, E, H, xs,
                          sens, ops.eps, ops.factors))
    return tuple(modes)


def _left_vector(A, lu, x, lam, sigma, ops, grid, neff_guess):
    """Left eigenvector y (yᴴA = λyᴴ). Discrete reciprocity makes it ≈ conj([a_x·H̃y, −a_y·H̃x]) (the
    unconjugated E×H orthogonality of reciprocal media, PML included); two inverse iterations with the
    shift-invert factors (trans='H') polish it."""
    npt = grid.shape[0] * grid.shape[1]
    ht = (ops.Q @ x) / (1j * neff_guess)
    dxg = grid.dx if not grid.periodic_x else np.ones(1)
    a_x = np.ravel(dxg[:, None] * grid.dyp[None, :])
    a_y = np.ravel((grid.dxp if not grid.periodic_x else np.ones(1))[:, None] * grid.dy[None, :])
    y = np.conj(np.concatenate([a_x * ht[npt:], -a_y * ht[:npt]]))
    for _ in range(3):
        y = lu.solve(y, trans="H")
        y /= np.linalg.norm(y)
    return y


def _mu_z_d(grid, bend_radius):
    nx, ny = grid.shape
    return np.ravel((1.0 / (1 + grid.xd / bend_radius))[:, None] * np.ones((1, ny)))


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
def _solve_cached(xs, wavelength, settings, bend_radius):
    # one BLAS thread: ARPACK's small dense steps are ~50× slower when OpenBLAS threads contend for busy cores
    with threadpool_limits(1, user_api="blas"):
        if math.isfinite(bend_radius):
            straight = _solve_cached(xs, wavelength, settings, math.inf)
            return _solve(xs, wavelength, settings, bend_radius, target=straight[0].neff.real)
        return _solve(xs, wavelength, settings, bend_radius)


def solve_modes(cross_section: CrossSection, wavelength: float = CARRIER_WAVELENGTH,
                settings: ModeSettings | None = None, bend_radius: float = math.inf) -> tuple:
    """Guided eigenmodes of ``cross_section`` at ``wavelength`` (m), highest n_eff first.

    ``bend_radius`` (m, to the guide's centre line; inf = straight) bends the guide toward −x.
    Results are cached by (cross-section, wavelength, settings, radius), all frozen and hashable.
    ValueError if nothing is guided or the grid is too coarse for a feature.
    """
    if not isinstance(cross_section, CrossSection):
        raise TypeError(f"cross_section must be a CrossSection; got {type(cross_section).__name__}")
    wl = check_real("wavelength", wavelength, low=0.2e-6, high=20e-6)
    settings = ModeSettings() if settings is None else settings
    if not isinstance(settings, ModeSettings):
        raise TypeError(f"settings must be ModeSettings; got {type(settings).__name__}")
    if not (bend_radius == math.inf):
        check_real("bend_radius", bend_radius, low=0.5e-6)
        x0, x1, _, _ = cross_section.bounding_box()
        if bend_radius <= -(x0 - settings.margin_x - settings.pml_thickness):
            raise ValueError(f"bend_radius must exceed the inner half of the window "
                             f"({-(x0 - settings.margin_x - settings.pml_thickness):.3g} m); got {bend_radius}")
    return _solve_cached(cross_section, wl, settings, float(bend_radius))


def fundamental(cross_section: CrossSection, wavelength: float = CARRIER_WAVELENGTH,
                settings: ModeSettings | None = None, polarization: str = "TE",
                bend_radius: float = math.inf) -> Mode:
    """The highest-index guided mode of the given polarization ("TE" or "TM")."""
    if polarization not in ("TE", "TM"):
        raise ValueError(f"polarization must be 'TE' or 'TM'; got {polarization!r}")
    modes = solve_modes(cross_section, wavelength, settings, bend_radius)
    for m in modes:
        if m.polarization == polarization:
            return m
    raise ValueError(f"polarization: no guided {polarization} mode among the {len(modes)} found "
                     f"(raise settings.num_modes, or the guide is cut off for {polarization})")


def clear_cache() -> None:
    _solve_cached.cache_clear()


__all__ = ["Layer", "Trapezoid", "CrossSection", "ModeSettings", "Mode", "solve_modes", "fundamental",
           "make_grid", "clear_cache"]
