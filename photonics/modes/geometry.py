"""Layered waveguide cross-sections and the non-uniform Yee grid they are solved on.

A :class:`CrossSection` is a lower half-space (``lower_cladding``, y < 0, the buried oxide), an upper half-space
(``upper_cladding``, y ≥ 0: oxide or air) and shapes painted over them in order: :class:`Layer` (infinite in x,
e.g. a rib's slab) and :class:`Trapezoid` (a core; ``sidewall_angle`` < 90° widens its foot). Everything is a
frozen, hashable dataclass, so a cross-section is its own cache fingerprint.

The grid puts a line on every horizontal and vertical material edge (the Yee "primal" lines), divides each
interval uniformly at ``step`` near the cores and grows geometrically (``growth``) to ``max_step`` outside.
Permittivities per Yee component (Ex at (x_dual, y_primal), Ey at (x_primal, y_dual), Ez at primal nodes):
with the edges on primal lines the field component normal to a wall lives at cell centres in one material, and
the tangential components sit on the wall and take the arithmetic mean of the cells around them — the
averaging that makes the scheme second-order for piecewise-constant media (A. Farjadpour et al., Opt. Lett. 31,
2972 (2006); the tangential-arithmetic / normal-harmonic rule). Cells cut by a slanted wall are supersampled and
use the harmonic mean along the component's direction of the arithmetic mean across it (first order there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optolink.core.validate import check_real

from ..materials import silica_index, silicon_index

MATERIALS = ("si", "sio2", "air")
_SUPERSAMPLE = 8


def material_index(material, wavelength: float, temperature: float = 300.0) -> complex:
    """Refractive index of ``material`` ("si": Li 1980; "sio2": Malitson 1965; "air"; or a number)."""
    if isinstance(material, str):
        if material == "si":
            return complex(silicon_index(wavelength, temperature))
        if material == "sio2":
            return complex(silica_index(wavelength))
        if material == "air":
            return 1.0 + 0j
        raise ValueError(f"material must be one of {MATERIALS} or a number; got {material!r}")
    return complex(material)


def _check_material(name, material):
    if isinstance(material, str):
        if material not in MATERIALS:
            raise ValueError(f"{name} must be one of {MATERIALS} or a refractive index; got {material!r}")
    elif isinstance(material, bool) or not isinstance(material, int | float | complex):
        raise TypeError(f"{name} must be a material name or a refractive index; got {type(material).__name__}")
    elif not (np.real(material) >= 1.0 and np.isfinite(material)):
        raise ValueError(f"{name} must be a refractive index >= 1; got {material}")


@dataclass(frozen=True)
class Layer:
    """A film infinite in x between ``y_bottom`` and ``y_bottom + height`` (m)."""

    y_bottom: float
    height: float
    material: object = "si"
    name: str = "slab"

    def __post_init__(self):
        check_real("y_bottom", self.y_bottom, low=-10e-6, high=10e-6)
        check_real("height", self.height, low=0.0, low_open=True, high=10e-6)
        _check_material("material", self.material)


@dataclass(frozen=True)
class Trapezoid:
    """A core of top width ``width`` centred at ``x_center``, from ``y_bottom`` up by ``height`` (m).

    ``sidewall_angle`` (degrees, 90 = vertical) widens the foot to width + 2·height/tan(angle).
    """

    x_center: float
    width: float
    y_bottom: float
    height: float
    material: object = "si"
    sidewall_angle: float = 90.0
    name: str = "core"

    def __post_init__(self):
        check_real("x_center", self.x_center, low=-20e-6, high=20e-6)
        check_real("width", self.width, low=0.0, low_open=True, high=20e-6)
        check_real("y_bottom", self.y_bottom, low=-10e-6, high=10e-6)
        check_real("height", self.height, low=0.0, low_open=True, high=10e-6)
        check_real("sidewall_angle", self.sidewall_angle, low=45.0, high=90.0)
        _check_material("material", self.material)

    @property
    def foot(self) -> float:
        """Extra half-width at the bottom (m)."""
        if self.sidewall_angle == 90.0:
            return 0.0
        return self.height / math.tan(math.radians(self.sidewall_angle))

    def half_width_at(self, y):
        """Half-width at height ``y`` (inside the trapezoid's y-range)."""
        return self.width / 2 + self.foot * (self.y_bottom + self.height - y) / self.height

    def contains(self, x, y):
        inside_y = (y >= self.y_bottom) & (y < self.y_bottom + self.height)
        return inside_y & (np.abs(x - self.x_center) < self.half_width_at(y))


@dataclass(frozen=True)
class CrossSection:
    """Shapes over two claddings; ``shapes`` a tuple of :class:`Layer` / :class:`Trapezoid`, painted in order."""

    shapes: tuple = ()
    lower_cladding: object = "sio2"
    upper_cladding: object = "sio2"
    temperature: float = 300.0

    def __post_init__(self):
        if not isinstance(self.shapes, tuple):
            raise TypeError(f"shapes must be a tuple of Layer/Trapezoid; got {type(self.shapes).__name__}")
        for s in self.shapes:
            if not isinstance(s, Layer | Trapezoid):
                raise TypeError(f"shapes must hold Layer or Trapezoid objects; got {type(s).__name__}")
        if not self.shapes:
            raise ValueError("shapes must hold at least one core or layer (a uniform medium guides no mode)")
        _check_material("lower_cladding", self.lower_cladding)
        _check_material("upper_cladding", self.upper_cladding)
        check_real("temperature", self.temperature, low=200.0, high=400.0)

    @property
    def cores(self) -> tuple:
        return tuple(s for s in self.shapes if isinstance(s, Trapezoid))

    def bounding_box(self):
        """(x0, x1, y0, y1) of the finite shapes (x: the cores; y: all shapes)."""
        ys = [(s.y_bottom, s.y_bottom + s.height) for s in self.shapes]
        cores = self.cores
        if cores:
            x0 = min(c.x_center - c.width / 2 - c.foot for c in cores)
            x1 = max(c.x_center + c.width / 2 + c.foot for c in cores)
        else:
            x0 = x1 = 0.0
        return x0, x1, min(y[0] for y in ys), max(y[1] for y in ys)

    def region_names(self) -> tuple:
        return ("lower_cladding", "upper_cladding") + tuple(s.name for s in self.shapes)

    def paint(self, x, y, wavelength: float):
        """(ε, region id) at points: region 0/1 the claddings, 2 + k the k-th shape."""
        x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        n_lo = material_index(self.lower_cladding, wavelength, self.temperature)
        n_up = material_index(self.upper_cladding, wavelength, self.temperature)
        region = np.where(y < 0.0, 0, 1)
        eps = np.where(y < 0.0, n_lo**2, n_up**2).astype(complex)
        for k, s in enumerate(self.shapes):
            n = material_index(s.material, wavelength, self.temperature)
            if isinstance(s, Layer):
                mask = (y >= s.y_bottom) & (y < s.y_bottom + s.height)
            else:
                mask = s.contains(x, y)
            eps = np.where(mask, n**2, eps)
            region = np.where(mask, 2 + k, region)
        return eps, region

    def cladding_index(self, wavelength: float) -> float:
        """Largest real index of the two claddings: a guided mode lies above it."""
        return max(material_index(self.lower_cladding, wavelength, self.temperature).real,
                   material_index(self.upper_cladding, wavelength, self.temperature).real)

    def max_index(self, wavelength: float) -> float:
        return max([self.cladding_index(wavelength)]
                   + [material_index(s.material, wavelength, self.temperature).real for s in self.shapes])


# --- the cross-sections of silicon photonics ------------------------------------------------------

def strip(width=500e-9, height=220e-9, *, upper_cladding="sio2", sidewall_angle=90.0,
          temperature=300.0) -> CrossSection:
    """A silicon strip (channel) waveguide on oxide."""
    return CrossSection((Trapezoid(0.0, width, 0.0, height, "si", sidewall_angle),), "sio2", upper_cladding,
                        temperature)


def rib(width=500e-9, height=220e-9, slab_height=90e-9, *, upper_cladding="sio2", sidewall_angle=90.0,
        temperature=300.0) -> CrossSection:
    """A silicon rib: core ``width`` × ``height`` on a ``slab_height`` slab (the slab extends to the PML)."""
    check_real("slab_height", slab_height, low=0.0, high=height, high_open=True)
    if slab_height == 0:
        return strip(width, height, upper_cladding=upper_cladding, sidewall_angle=sidewall_angle,
                     temperature=temperature)
    core = Trapezoid(0.0, width, slab_height, height - slab_height, "si", sidewall_angle, "rib")
    return CrossSection((Layer(0.0, slab_height, "si", "slab"), core), "sio2", upper_cladding, temperature)


def slot(width=250e-9, gap=100e-9, height=220e-9, *, upper_cladding="sio2", temperature=300.0) -> CrossSection:
    """Two silicon rails of ``width`` separated by a ``gap`` (slot waveguide; the slot holds the cladding)."""
    check_real("gap", gap, low=0.0, low_open=True, high=5e-6)
    off = (width + gap) / 2
    return CrossSection((Trapezoid(-off, width, 0.0, height, "si", name="rail_left"),
                         Trapezoid(off, width, 0.0, height, "si", name="rail_right")),
                        "sio2", upper_cladding, temperature)


def coupled_strips(width=500e-9, gap=200e-9, height=220e-9, slab_height=0.0, *, upper_cladding="sio2",
                   temperature=300.0) -> CrossSection:
    """Two identical parallel guides (strips, or ribs on a shared slab) with an edge-to-edge ``gap``."""
    check_real("gap", gap, low=0.0, low_open=True, high=5e-6)
    off = (width + gap) / 2
    if slab_height > 0:
        h = height - slab_height
        return CrossSection((Layer(0.0, slab_height, "si", "slab"),
                             Trapezoid(-off, width, slab_height, h, "si", name="left"),
                             Trapezoid(off, width, slab_height, h, "si", name="right")),
                            "sio2", upper_cladding, temperature)
    return CrossSection((Trapezoid(-off, width, 0.0, height, "si", name="left"),
                         Trapezoid(off, width, 0.0, height, "si", name="right")), "sio2", upper_cladding,
                        temperature)


def slab(height=220e-9, *, material="si", upper_cladding="sio2", temperature=300.0) -> CrossSection:
    """A film infinite in x: the solver reduces it to one column (a 1-D problem on the same code path)."""
    return CrossSection((Layer(0.0, height, material, "film"),), "sio2", upper_cladding, temperature)


# --- grid ----------------------------------------------------------------------------------------------

def _graded(length: float, h0: float, growth: float, h_max: float, reverse: bool) -> np.ndarray:
    """Cell sizes filling ``length``: from h0 growing by ``growth`` to h_max (reversed: growing toward 0)."""
    sizes, total, h = [], 0.0, h0
    while total < length - 1e-15:
        sizes.append(h)
        total += h
        h = min(h * growth, h_max)
    sizes = np.array(sizes) * (length / total)
    return sizes[::-1] if reverse else sizes


def axis_cells(edges, lo: float, hi: float, core_lo: float, core_hi: float, step: float, growth: float,
               max_step: float) -> np.ndarray:
    """Cell boundaries on [lo, hi] with a line on every edge; ``step`` inside [core_lo, core_hi], graded out."""
    pts = sorted({lo, hi, core_lo, core_hi, *(e for e in edges if lo < e < hi)})
    bounds = [pts[0]]
    for a, b in zip(pts[:-1], pts[1:], strict=True):
        length = b - a
        if length < 1e-13:
            continue
        if b <= core_lo + 1e-15:
            cells = _graded(length, step, growth, max_step, reverse=True)
        elif a >= core_hi - 1e-15:
            cells = _graded(length, step, growth, max_step, reverse=False)
        else:
            n = max(1, int(math.ceil(length / step - 1e-9)))
            cells = np.full(n, length / n)
        bounds.extend(a + np.cumsum(cells))
    out = np.array(bounds)
    out[-1] = hi
    return out


@dataclass(frozen=True)
class YeeGrid:
    """Cell boundaries ``bx`` (Nx+1), ``by`` (Ny+1); primal points = bx[:-1], dual = cell centres."""

    bx: np.ndarray
    by: np.ndarray
    periodic_x: bool

    @property
    def shape(self):
        return self.bx.size - 1, self.by.size - 1

    @property
    def xp(self):
        return self.bx[:-1]

    @property
    def yp(self):
        return self.by[:-1]

    @property
    def xd(self):
        return 0.5 * (self.bx[1:] + self.bx[:-1])

    @property
    def yd(self):
        return 0.5 * (self.by[1:] + self.by[:-1])

    @property
    def dx(self):
        return np.diff(self.bx)

    @property
    def dy(self):
        return np.diff(self.by)

    @staticmethod
    def _dual_lengths(d):
        """Control length of each primal point: half of each neighbouring cell (first point: its cell)."""
        out = d.copy()
        out[1:] = 0.5 * (d[1:] + d[:-1])
        return out

    @property
    def dxp(self):
        return self._dual_lengths(self.dx)

    @property
    def dyp(self):
        return self._dual_lengths(self.dy)


def cell_permittivity(xs: CrossSection, grid: YeeGrid, wavelength: float):
    """Per-cell ε (arithmetic, harmonic-along-x, harmonic-along-y means) and the region id at the centre."""
    xc, yc = np.meshgrid(grid.xd, grid.yd, indexing="ij")
    if grid.periodic_x:
        xc = np.zeros_like(xc)
    eps, region = xs.paint(xc, yc, wavelength)
    ea, ehx, ehy = eps.copy(), eps.copy(), eps.copy()
    slanted = [c for c in xs.cores if c.sidewall_angle != 90.0]
    if slanted and not grid.periodic_x:
        mixed = np.zeros(eps.shape, bool)
        for c in slanted:
            in_y = (grid.by[1:] > c.y_bottom) & (grid.by[:-1] < c.y_bottom + c.height)
            for sgn in (-1, 1):
                inner = c.x_center + sgn * c.width / 2
                outer = inner + sgn * c.foot
                a, b = min(inner, outer), max(inner, outer)
                in_x = (grid.bx[1:] > a) & (grid.bx[:-1] < b)
                mixed |= in_x[:, None] & in_y[None, :]
        ii, jj = np.nonzero(mixed)
        if ii.size:
            s = (np.arange(_SUPERSAMPLE) + 0.5) / _SUPERSAMPLE
            px = grid.bx[ii, None, None] + grid.dx[ii, None, None] * s[None, :, None]
            py = grid.by[jj, None, None] + grid.dy[jj, None, None] * s[None, None, :]
            e_sub, _ = xs.paint(px, py, wavelength)  # (cells, sx, sy)
            ea[ii, jj] = e_sub.mean(axis=(1, 2))
            ehx[ii, jj] = (1.0 / (1.0 / e_sub).mean(axis=1)).mean(axis=1)
            ehy[ii, jj] = (1.0 / (1.0 / e_sub).mean(axis=2)).mean(axis=1)
    return ea, ehx, ehy, region


def _avg_y(c, dy):
    """Arithmetic mean onto primal y points of the two cells around each (the first: its own cell)."""
    out = c.copy()
    w0, w1 = dy[:-1], dy[1:]
    out[:, 1:] = (c[:, :-1] * w0 + c[:, 1:] * w1) / (w0 + w1)
    return out


def _avg_x(c, dx, periodic):
    if periodic:
        return c.copy()
    out = c.copy()
    w0, w1 = dx[:-1, None], dx[1:, None]
    out[1:, :] = (c[:-1, :] * w0 + c[1:, :] * w1) / (w0 + w1)
    return out


def component_permittivity(xs: CrossSection, grid: YeeGrid, wavelength: float):
    """(εx, εy, εz, region) on the Yee positions of Ex, Ey, Ez (each (Nx, Ny)) and the cell regions."""
    ea, ehx, ehy, region = cell_permittivity(xs, grid, wavelength)
    eps_x = _avg_y(ehx, grid.dy)  # Ex at (x_dual, y_primal)
    eps_y = _avg_x(ehy, grid.dx, grid.periodic_x)  # Ey at (x_primal, y_dual)
    eps_z = _avg_x(_avg_y(ea, grid.dy), grid.dx, grid.periodic_x)  # Ez at primal nodes
    return eps_x, eps_y, eps_z, region
