"""What every cell shares: the ``device_cell`` decorator, the layout constants and the small drawing pieces.

``device_cell`` turns a drawing function ``draw(*, <parameter objects>, <values in µm>) -> Component`` into a
gdsfactory cell. The public function it returns takes the photonics objects (None → the class's default;
another type → TypeError), normalises the µm values to floats, converts every object to a flat dict of its
fields (``params.flat_settings``: dotted keys such as ``phase_shifter.na``, so gdsfactory's cache and the
cell's ``settings`` hold plain JSON) and calls the cached ``@gf.cell``, which rebuilds the objects
(``params.from_flat``, re-validating them) and draws. With a ``kind`` the component's ``info`` holds
``kind`` and, with ``annotate=True`` (default), the device's figures (``photonics.devices.figures``: scalars
only), so the physics travels with the cell; ``annotate=False`` draws the same geometry without them.
Every public cell also takes ``pdk=``: the gdsfactory PDK active while it draws (default: the generic PDK;
see ``layouts.use_pdk``); shapes go on the GDS layers of that PDK's layer map (``layouts.layer_map``). The
cache is per layer map: under another map a cell is drawn anew and named ``<cell>_<map>_...`` (gdsfactory's
own cache ignores the PDK), and gdsfactory parts (MMIs, routes) use ``strip_cross_section()``.
"""

from __future__ import annotations

import functools
import inspect
import math
import typing

import gdsfactory as gf
import klayout.db as kdb
import numpy as np

from photonics import devices
from photonics.phase_shifters import DepletionPhaseShifter

from .. import layer_map as _layer_map
from .. import use_pdk
from ..checks import RULES, layer
from ..geometry import enclosure, polygon, via_size
from ..params import flat_settings, from_flat, um

PAD_SIZE_UM = 80.0
STRIP_WIDTH_UM = 0.5  # routing waveguide (gdsfactory's "strip" cross-section)
MIN_BEND_RADIUS_UM = 25.0  # smallest radius of the drawn S-bends
RESISTOR_SHEET_OHM = 10.0  # sheet resistance of the HEATER (TiN) film, Ω/square (illustrative)
MTOP_TRACE_UM = 4.0
M2_TRACE_UM = 2.0


# ------------------------------------------------------------------------------------------------------
# the one wrapper
# ------------------------------------------------------------------------------------------------------
def _number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number (µm), got {type(value).__name__}")
    return float(value)


def device_cell(kind: str | None = None):
    """Decorator: a drawing function → a public, cached gdsfactory cell (see the module docstring).

    Parameters of ``draw`` annotated with a parameter dataclass (``X | None``) are the parameter objects;
    those annotated ``float`` are µm values; ``kind`` (a ``photonics.devices.KINDS`` key) adds ``annotate``."""
    def decorator(draw):
        sig = inspect.signature(draw)
        hints = typing.get_type_hints(draw)
        objects = {n: devices.dataclass_in(hints.get(n)) for n in sig.parameters}
        objects = {n: cls for n, cls in objects.items() if cls is not None}
        floats = [n for n in sig.parameters if hints.get(n) is float]
        kw_only = inspect.Parameter.KEYWORD_ONLY
        cached_sig = inspect.Signature(
            [inspect.Parameter(n, kw_only) for n in sig.parameters]
            + ([inspect.Parameter("annotate", kw_only)] if kind else []), return_annotation=gf.Component)

        def build(**kw):
            annotate = kw.pop("annotate", False)
            kw.update({n: from_flat(cls, kw[n], where=n) for n, cls in objects.items()})
            c = draw(**kw)
            if kind is not None:
                c.info["kind"] = kind
                if annotate:
                    c.info.update(devices.figures(kind, {a: kw[a] for a in devices.KINDS[kind].args}))
            return c

        build.__signature__ = cached_sig
        build.__name__ = build.__qualname__ = f"_{draw.__name__}"
        build.__module__ = draw.__module__
        cached = gf.cell(basename=draw.__name__)(build)
        by_map = {_layer_map.GENERIC: cached}  # layer map → its cached cell (names: <cell>_<map>_...)

        def cached_for(lm):
            if lm not in by_map:
                by_map[lm] = gf.cell(basename=f"{draw.__name__}_{lm.slug}")(build)
            return by_map[lm]

        public_params = list(sig.parameters.values())
        if kind:
            public_params.append(inspect.Parameter("annotate", kw_only, default=True, annotation=bool))
        public_params.append(inspect.Parameter("pdk", kw_only, default=None))
        public_sig = sig.replace(parameters=public_params, return_annotation=gf.Component)

        @functools.wraps(draw)
        def public(**kw) -> gf.Component:
            bound = public_sig.bind(**kw)
            bound.apply_defaults()
            args = dict(bound.arguments)
            pdk = args.pop("pdk")
            for n, cls in objects.items():
                v = args[n]
                if v is None:
                    v = cls()
                elif not isinstance(v, cls):
                    raise TypeError(f"{n} must be a {cls.__name__}, got {type(v).__name__}")
                args[n] = flat_settings(v)
            for n in floats:
                args[n] = _number(n, args[n])
            if kind:
                args["annotate"] = bool(args["annotate"])
            with use_pdk(pdk):
                return cached_for(_layer_map.active())(**args)

        public.__signature__ = public_sig
        public.cell = cached  # the gdsfactory cell (flat-dict arguments) of the generic layer map
        return public

    return decorator


# ------------------------------------------------------------------------------------------------------
# small pieces
# ------------------------------------------------------------------------------------------------------
def strip_cross_section():
    """The routing waveguide for gdsfactory parts: the PDK's ``"strip"`` by name on the generic map, else
    gdsfactory's strip on the active map's WG layer (an explicit layer keys gdsfactory's cache per map)."""
    lm = _layer_map.active()
    if lm.is_generic:
        return "strip"
    return gf.cross_section.strip(width=STRIP_WIDTH_UM, layer=lm.layer("WG"))


def check_pads(pad_pitch_um: float, pad_size_um: float) -> None:
    """Refuse pads outside [40, 200] µm or closer than 10 µm (and the MTOP spacing) to their neighbours."""
    if not 40.0 <= pad_size_um <= 200.0:
        raise ValueError(f"pad_size_um must be in [40, 200] µm; got {pad_size_um}")
    space = RULES["MTOP"].min_space
    if pad_pitch_um < pad_size_um + max(space, 10.0):
        raise ValueError(f"pad_pitch_um {pad_pitch_um:g} µm with pad_size_um {pad_size_um:g} µm: pads would "
                         f"overlap or be closer than 10 µm; use pad_pitch_um >= {pad_size_um + 10.0:g} µm")


def sbend_points(x0: float, y0: float, x1: float, y1: float, n: int | None = None) -> np.ndarray:
    """Centre line of a raised-cosine S-bend from (x0, y0) to (x1, y1); radius ≥ 2L²/(π²|Δy|)."""
    n = n or max(16, int(abs(x1 - x0) / 2.0))
    t = np.linspace(0.0, 1.0, n)
    return np.column_stack([x0 + (x1 - x0) * t, y0 + (y1 - y0) * (1 - np.cos(np.pi * t)) / 2])


def sbend_length(dy: float, radius: float = MIN_BEND_RADIUS_UM) -> float:
    """Length (µm) of a raised-cosine S-bend of offset ``dy`` whose smallest radius is ``radius``."""
    return max(10.0, math.pi * math.sqrt(radius * abs(dy) / 2.0))


def wg(c, pts, width: float = STRIP_WIDTH_UM) -> None:
    """Straight waveguide core (WG) of ``width`` through ``pts`` (flat ends: ports sit on the end points)."""
    pts = [kdb.DPoint(float(x), float(y)) for x, y in pts]
    c.add_polygon(kdb.DPath(pts, width).polygon(), layer=layer("WG"))


def sbend(c, x0: float, y0: float, x1: float, y1: float, width: float = STRIP_WIDTH_UM, name: str = "WG") -> None:
    """Raised-cosine S-bend of ``width`` from (x0, y0) to (x1, y1), offset along the exact normals so its
    ends are square to x (it abuts straight waveguides without notches)."""
    pts = sbend_points(x0, y0, x1, y1)
    t = np.linspace(0.0, 1.0, len(pts))
    slope = (y1 - y0) * np.pi / 2 * np.sin(np.pi * t) / (x1 - x0)
    norm = np.sqrt(1 + slope**2)
    nx, ny = -slope / norm, 1 / norm
    hw = width / 2
    upper = np.column_stack([pts[:, 0] + hw * nx, pts[:, 1] + hw * ny])
    lower = np.column_stack([pts[:, 0] - hw * nx, pts[:, 1] - hw * ny])
    polygon(c, name, np.vstack([upper, lower[::-1]]))


def optical_port(c, name: str, x: float, y: float, orientation: float, width: float = STRIP_WIDTH_UM) -> None:
    c.add_port(name, center=(round(x, 3), round(y, 3)), width=width, orientation=orientation,
               layer=layer("WG"), port_type="optical")


def pad_port(c, name: str, x: float, y: float, size: float, orientation: float = 90.0) -> None:
    c.add_port(name, center=(round(x, 3), round(y, 3)), width=size, orientation=orientation,
               layer=layer("MTOP"), port_type="electrical")


def junction_bands(ps: DepletionPhaseShifter) -> list[tuple[str, float, float]]:
    """Lateral bands (layer, u0, u1) in µm across a doped waveguide, u > 0 toward the N side.

    The same regions as ``DepletionPhaseShifter.carrier_index``: P from the P+ edge to the junction,
    N from the junction to the N+ edge, P+/N+ up to the contact gaps, P++/N++ contacts of
    ``contact_width``. Raises ValueError if a band is narrower than its layer's minimum width.
    """
    half = um(ps.waveguide.width) / 2
    xj = um(ps.junction_offset)
    ppg, pcg = um(ps.p_plus_gap), um(ps.p_contact_gap)
    npg, ncg = um(ps.n_plus_gap), um(ps.n_contact_gap)
    cw = um(ps.contact_width)
    bands = [("P", -(half + min(ppg, pcg)), xj), ("N", xj, half + min(npg, ncg))]
    if ppg < pcg:
        bands.append(("PP", -(half + pcg), -(half + ppg)))
    if npg < ncg:
        bands.append(("NP", half + npg, half + ncg))
    bands += [("PPP", -(half + pcg + cw), -(half + pcg)), ("NPP", half + ncg, half + ncg + cw)]
    for name, u0, u1 in bands:
        if u1 - u0 < RULES[name].min_width - 1e-9:
            raise ValueError(f"phase shifter: the {name} band is {u1 - u0:.3f} µm wide, below the {name} minimum "
                             f"width {RULES[name].min_width} µm (check the gaps and junction_offset)")
    need = via_size("VIAC") + 2 * enclosure("VIAC", "NPP")
    if cw < need:
        raise ValueError(f"phase shifter: contact_width {cw} µm cannot hold a contact via ({need:g} µm needed)")
    return bands


def slab_half(ps: DepletionPhaseShifter) -> float:
    half = um(ps.waveguide.width) / 2
    return half + max(um(ps.p_contact_gap), um(ps.n_contact_gap)) + um(ps.contact_width) + 0.5
