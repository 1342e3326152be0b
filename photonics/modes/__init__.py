"""Full-vectorial finite-difference eigenmodes of layered waveguide cross-sections (Yee grid, PML, bends).

``solve_modes(cross_section, wavelength, settings, bend_radius)`` → guided modes (cached); the cross-section
factories ``strip``, ``rib``, ``slot``, ``coupled_strips``, ``slab`` build the usual silicon guides.
"""

from .geometry import CrossSection, Layer, Trapezoid, YeeGrid, coupled_strips, material_index, rib, slab, slot, strip
from .solver import Mode, ModeSettings, clear_cache, fundamental, make_grid, solve_modes

__all__ = ["CrossSection", "Layer", "Trapezoid", "YeeGrid", "Mode", "ModeSettings", "solve_modes", "fundamental",
           "make_grid", "clear_cache", "strip", "rib", "slot", "coupled_strips", "slab", "material_index"]
