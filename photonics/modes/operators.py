"""Sparse Yee-grid operators of the full-vector mode problem: differences with stretched-coordinate PML,
the optional mirror wall at x = 0 (the low-x end of a half domain), and the reduced (P, Q) matrices.

Mirror walls: a guide symmetric in x has modes of two classes, Ex even (the TE-like fundamental: Ey, Ez
and Hx vanish on x = 0, an electric wall, "pec") and Ex odd (the TM-like fundamental: Hy, Hz vanish there, a
magnetic wall, "pmc"). On the half grid x ≥ 0 the only difference that reaches across the wall is the
backward x-difference at the first primal line (of the dual-located H̃y, H̃z): their mirror ghost is +value
(electric wall, the difference is 0) or −value (magnetic wall, twice the one-sided value); an electric wall
also removes the Ey unknowns on the wall. The half problem is then exactly the restriction of the full one
to that symmetry class (the grid is mirrored exactly about x = 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .geometry import YeeGrid, cell_permittivity, component_permittivity

WALLS = (None, "pec", "pmc")


def _stretch(points, lo, hi, thickness, sigma_max):
    """PML stretch factor s = 1 + iσ_max·(depth/thickness)³ at ``points`` (1 inside [lo + d, hi − d])."""
    s = np.ones(points.size, complex)
    if thickness <= 0:
        return s
    depth = np.maximum(lo + thickness - points, 0) + np.maximum(points - (hi - thickness), 0)
    return s + 1j * sigma_max * (depth / thickness) ** 3


def difference_1d(bounds, k0, pml, sigma_max, wall=None):
    """Forward (primal → dual) and backward (dual → primal) differences in k0-normalised length; ``wall``
    puts a mirror wall at bounds[0] (no PML there: the PML's mirror image lies at −bounds[-1])."""
    h = np.diff(bounds)
    n = h.size
    hp = YeeGrid._dual_lengths(h)
    xd = 0.5 * (bounds[1:] + bounds[:-1])
    xp = bounds[:-1]
    lo = bounds[0] if wall is None else -bounds[-1]
    sd = _stretch(xd, lo, bounds[-1], pml, sigma_max)
    spp = _stretch(xp, lo, bounds[-1], pml, sigma_max)
    diag0 = 1.0 / (k0 * hp * spp)
    if wall == "pec":
        diag0[0] = 0.0
    elif wall == "pmc":
        diag0[0] *= 2.0
    fwd = sp.diags([-1.0 / (k0 * h * sd), 1.0 / (k0 * h[:-1] * sd[:-1])], [0, 1], shape=(n, n))
    bwd = sp.diags([diag0, -1.0 / (k0 * hp[1:] * spp[1:])], [0, -1], shape=(n, n))
    return fwd.tocsr(), bwd.tocsr()


@dataclass(frozen=True)
class Operators:
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
    keep: np.ndarray  # bool over the 2·Nx·Ny (Ex, Ey) unknowns: False where a wall removes one

    @property
    def A(self):
        """−P·Q restricted to the kept unknowns: −P·Q·E = n_eff²·E."""
        A = -(self.P @ self.Q)
        return A if self.keep.all() else A[self.keep][:, self.keep]


def assemble(xs, grid, wavelength, bend_radius, settings, wall=None) -> Operators:
    if wall not in WALLS:
        raise ValueError(f"wall must be one of {WALLS}; got {wall!r}")
    k0 = 2 * math.pi / wavelength
    nx, ny = grid.shape
    n_bg = xs.cladding_index(wavelength)
    d = settings.pml_thickness
    sigma_max = 4 * math.log(1 / settings.pml_reflection) / (2 * k0 * n_bg * d) if d > 0 else 0.0
    fy, by_ = difference_1d(grid.by, k0, d, sigma_max)
    if grid.periodic_x:
        fx = bx_ = sp.csr_matrix((1, 1))
    else:
        fx, bx_ = difference_1d(grid.bx, k0, d, sigma_max, wall)
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
    ea = cell_permittivity(xs, grid, wavelength)[0]
    keep = np.ones(2 * nx * ny, bool)
    if wall == "pec":
        keep[nx * ny:nx * ny + ny] = False  # Ey on the wall (primal x index 0)
    return Operators(P, Q, dex, dey, dhx, dhy, (np.ravel(ex), np.ravel(ey), np.ravel(ez)),
                     tuple(np.ravel(f) for f in fac), region, ea, keep)


def mu_z_dual(grid, bend_radius):
    nx, ny = grid.shape
    return np.ravel((1.0 / (1 + grid.xd / bend_radius))[:, None] * np.ones((1, ny)))


def half_grid(grid: YeeGrid) -> tuple[YeeGrid, int]:
    """The x ≥ 0 half of a grid mirrored about x = 0 and the index m of x = 0 in ``grid.bx``."""
    m = int(np.argmin(np.abs(grid.bx)))
    if abs(grid.bx[m]) > 1e-15 or 2 * m != grid.bx.size - 1:
        raise ValueError("grid is not mirrored about x = 0")
    return YeeGrid(grid.bx[m:], grid.by, False), m


def extend(vec_half, m, ny, parity, left=False):
    """Full-grid (Ex, Ey) vector of a half-grid one (2·m·ny entries) of the class where Ex has ``parity``
    (+1 even, −1 odd); Ey has the other parity. ``left``: a left eigenvector of the half problem, whose
    mirrored pairs are folded (each off-wall entry counts twice), so off-wall entries are halved."""
    npt_h = m * ny
    ex_h = vec_half[:npt_h].reshape(m, ny)
    ey_h = vec_half[npt_h:].reshape(m, ny).copy()
    if left:
        ex_h = ex_h / 2
        ey_h[1:] = ey_h[1:] / 2
    ex = np.concatenate([parity * ex_h[::-1], ex_h])
    s = -parity
    ey = np.zeros((2 * m, ny), complex)
    ey[m:] = ey_h
    ey[1:m] = s * ey_h[1:][::-1]  # full primal m − k ↔ half primal k (k = 1..m−1); full primal 0 mirrors the edge
    return np.concatenate([ex.ravel(), ey.ravel()])
