"""A test-chip die from a DOE: placement, fiber-coupler routing, labels, alignment marks and die frame.

Floorplan (µm, die lower-left at the origin):
- edge-coupled rows (MZMs, IQ modulators) one above the other: an edge coupler at the west facet, the device,
  an edge coupler at the east facet, joined by straight routes; edge loopbacks sit on the west facet;
- grating-coupled slots (rings, photodetectors, lasers, grating loopbacks) packed in rows above them: each
  device with its grating couplers below it on a 127 µm fiber-array pitch, routed from its optical ports;
- text labels (TEXT layer, plus a GDS text label with the device name at its origin), alignment crosses in
  the four corners, the die outline (FLOORPLAN) and a dicing lane (DICING) around it.

Every route is made by ``route`` with gdsfactory's ``raise_on_error`` set (restored afterwards), and the
finished chip is refused if any shape lies on the error layer (1000, 0): a failed route raises
``RoutingError`` instead of shipping a marker. Layers (TEXT, FLOORPLAN, DICING, the routes' WG) are those of
the active PDK's layer map (``layouts.layer_map``).
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, field

import gdsfactory as gf

from optolink.core.progress import track
from photonics import devices

from . import cells, use_pdk
from .cells.base import strip_cross_section
from .checks import ERROR_LAYER, FIBER_PITCH_UM, layer
from .doe import ChipPlan, DeviceSpec, plan
from .geometry import rect
from .layer_map import active as active_layer_map
from .params import EdgeCoupler, GratingCoupler

EDGE_COUPLED = ("mzm", "iq_modulator")
ROUTE_CROSS_SECTION = "strip"
BEND_RADIUS_UM = 10.0  # radius of the strip cross-section's bends (gdsfactory default)
FLOORPLAN_LAYER = (64, 0)  # the generic map's; drawn on layer("FLOORPLAN") of the active map
DICING_LAYER = (100, 0)
TEXT_LAYER = (66, 0)


def route_cross_section():
    """``ROUTE_CROSS_SECTION`` on the generic map, else the strip on the active map's WG layer."""
    xs = strip_cross_section()
    return ROUTE_CROSS_SECTION if xs == "strip" else xs


class RoutingError(RuntimeError):
    """A route could not be drawn (gdsfactory failed, or left shapes on the error layer)."""


@contextlib.contextmanager
def raise_on_route_error():
    """Within the block gdsfactory raises on routing failures instead of drawing on the error layer."""
    old = gf.CONF.raise_on_error
    gf.CONF.raise_on_error = True
    try:
        yield
    finally:
        gf.CONF.raise_on_error = old


def error_shapes(component: gf.Component) -> int:
    """Number of shapes on the error layer anywhere in ``component``'s hierarchy."""
    import klayout.db as kdb

    ly = component.kcl.layout
    li = ly.find_layer(*ERROR_LAYER)
    err = layer("ERROR")
    if err != ERROR_LAYER and ly.find_layer(*err) is not None:  # a map with its own error layer: count both
        return kdb.Region(ly.cell(component.cell_index()).begin_shapes_rec(ly.find_layer(*err))).count() \
            + (0 if li is None else kdb.Region(ly.cell(component.cell_index()).begin_shapes_rec(li)).count())
    if li is None:
        return 0
    return kdb.Region(ly.cell(component.cell_index()).begin_shapes_rec(li)).count()


def route(component: gf.Component, port1, port2, *, name: str = "") -> float:
    """Route ``port1`` → ``port2`` with a strip waveguide (checked); returns the route length (µm)."""
    before = error_shapes(component)
    try:
        with raise_on_route_error():
            routes = gf.routing.route_bundle(component, [port1], [port2], cross_section=route_cross_section(),
                                             raise_on_error=True)
    except Exception as exc:  # gdsfactory/kfactory raise several types
        raise RoutingError(f"route {name or (port1.name, port2.name)} failed: {exc}") from exc
    if error_shapes(component) > before:
        raise RoutingError(f"route {name} left shapes on the error layer {ERROR_LAYER}")
    return routes[0].length * component.kcl.dbu


@dataclass
class Placed:
    """A device on the chip: its spec, instance and the fiber couplers serving its optical ports."""

    spec: DeviceSpec
    ref: object
    cell: gf.Component
    fibers: list = field(default_factory=list)  # (device port, coupler kind, fiber point (x, y), orientation)
    routes: list = field(default_factory=list)  # (from, to, length µm)


@dataclass
class ChipBuild:
    """The built chip: the top component, the placed devices, die size (µm) and build timings (s).

    ``figures(spec)`` gives a device's figures: the back-annotated cell's ``info`` when there is one, else
    the photonics models, evaluated once per unique parameter set of this build (its own cache)."""

    plan: ChipPlan
    component: gf.Component
    devices: list[Placed]
    die_um: tuple[float, float]
    timings: dict
    _figures: dict = field(default_factory=dict, repr=False)
    layer_map: object = None  # the layouts.layer_map.LayerMap it was drawn with

    def figures(self, placed: Placed) -> dict:
        info = {k: v for k, v in placed.cell.info.model_dump().items() if k != "kind"}
        if info:
            return info
        spec = placed.spec
        key = (spec.kind, tuple(sorted(spec.objects.items())))
        if key not in self._figures:
            self._figures[key] = devices.figures(spec.kind, spec.objects)
        return dict(self._figures[key])


def _grating() -> gf.Component:
    return cells.grating_coupler(coupler=GratingCoupler())


def _edge() -> gf.Component:
    return cells.edge_coupler(coupler=EdgeCoupler())


def make_cells(chip_plan: ChipPlan, *, annotate: bool = True, pdk=None) -> list[gf.Component]:
    """The device cell of every spec (validates the geometry; raises ValueError on bad input)."""
    out = []
    for spec in track(chip_plan.devices, label="chip cells", unit="devices"):  # a bar under the CLI
        func = cells.DEVICE_CELLS[spec.kind]
        try:
            out.append(func(**spec.objects, **spec.layout, annotate=annotate, pdk=pdk))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"device {spec.name} ({spec.kind}): {exc}") from exc
    return out


def _bbox(ref) -> tuple[float, float, float, float]:
    b = ref.dbbox()
    return b.left, b.bottom, b.right, b.top


def _snap(x: float) -> float:
    return round(x, 3)


def build_chip(doe: dict | ChipPlan | None = None, *, annotate: bool = True, pdk=None) -> ChipBuild:
    """Build the chip of a DOE (dict, validated ``ChipPlan`` or None for the default) in memory, with ``pdk``
    active (default: gdsfactory's generic PDK; see ``layouts.use_pdk``).

    Raises ValueError for bad input (before drawing the die) and RoutingError for a route that fails.
    """
    with use_pdk(pdk):
        return _build_chip(doe, annotate=annotate)


def _build_chip(doe, *, annotate: bool) -> ChipBuild:
    t0 = time.perf_counter()
    chip_plan = doe if isinstance(doe, ChipPlan) else plan(doe)
    device_cells = make_cells(chip_plan, annotate=annotate)  # pdk: the enclosing use_pdk block's
    t_cells = time.perf_counter()
    names = [s.name for s in chip_plan.devices]
    if len(set(names)) != len(names):
        raise ValueError("DOE: device names must be unique")
    # a second chip of the same name in this process gets a suffix in memory; write_chip names the written
    # top cell after the chip again
    top_name, n = chip_plan.name, 1
    while gf.kcl.layout.has_cell(top_name):
        top_name, n = f"{chip_plan.name}_{n}", n + 1
    top = gf.Component(top_name)
    margin, spacing = chip_plan.margin_um, chip_plan.spacing_um
    ec = _edge()
    ec_len = ec.ports["o1"].dx
    gc = _grating()
    placed: list[Placed] = []

    # --- edge-coupled rows (and edge loopbacks) from the bottom up
    rows = [(s, c) for s, c in zip(chip_plan.devices, device_cells, strict=True)
            if s.kind in EDGE_COUPLED or (s.kind == "loopback" and s.objects["loopback"].coupler == "edge")]
    x_dev = ec_len + 100.0
    y = margin
    edge_rows = []
    for spec, cell in rows:
        ref = top.add_ref(cell, name=spec.name)
        b = cell.dbbox()
        if spec.kind == "loopback":
            ref.move((_snap(-b.left), _snap(y - b.bottom)))
        else:
            ref.move((_snap(x_dev - cell.ports["o_in"].dx), _snap(y - b.bottom)))
        edge_rows.append(Placed(spec, ref, cell))
        y = _snap(y + b.height() + spacing)
    die_w = max([margin * 2 + 500.0] + [_bbox(p.ref)[2] + 100.0 + ec_len for p in edge_rows
                                        if p.spec.kind != "loopback"])
    y_edge_top = y

    # --- grating-coupled slots, packed in rows
    slots = [(s, c) for s, c in zip(chip_plan.devices, device_cells, strict=True)
             if not (s.kind in EDGE_COUPLED or (s.kind == "loopback" and s.objects["loopback"].coupler == "edge"))]
    plans = [_slot_plan(spec, cell, gc) for spec, cell in slots]
    widest = max([p["width"] for p in plans], default=0.0)
    die_w = max(die_w, widest + 2 * margin)
    die_w = math.ceil(die_w / 100.0) * 100.0
    x, row_h = margin, 0.0
    y = y_edge_top
    slot_places = []
    for (spec, cell), sp in zip(slots, plans, strict=True):
        if x + sp["width"] > die_w - margin and x > margin:
            x, y, row_h = margin, _snap(y + row_h + spacing), 0.0
        slot_places.append((spec, cell, sp, _snap(x - sp["x0"]), _snap(y - sp["y0"])))
        x = _snap(x + sp["width"] + spacing)
        row_h = max(row_h, sp["height"])
    die_h = math.ceil((y + row_h + margin) / 100.0) * 100.0

    # --- fiber routes of the edge-coupled rows
    for p in edge_rows:
        placed.append(p)
        if p.spec.kind == "loopback":
            for i in (1, 2):
                fp = p.ref.ports[f"o_fiber_{i}"]
                p.fibers.append((f"o_fiber_{i}", "edge", (fp.dx, fp.dy), 180.0))
            continue
        pin, pout = p.ref.ports["o_in"], p.ref.ports["o_out"]
        west = top.add_ref(ec)
        west.move((0.0, _snap(pin.dy)))
        east = top.add_ref(ec)
        east.dmirror_x(0)
        east.move((die_w, _snap(pout.dy)))
        p.routes.append(("west_edge", "o_in", route(top, west.ports["o1"], pin, name=f"{p.spec.name}.o_in")))
        p.routes.append(("o_out", "east_edge", route(top, pout, east.ports["o1"], name=f"{p.spec.name}.o_out")))
        p.fibers.append(("o_in", "edge", (west.ports["o_fiber"].dx, west.ports["o_fiber"].dy), 180.0))
        p.fibers.append(("o_out", "edge", (east.ports["o_fiber"].dx, east.ports["o_fiber"].dy), 0.0))

    # --- grating-coupled slots: device, couplers, routes
    for spec, cell, sp, dx, dy in slot_places:
        ref = top.add_ref(cell, name=spec.name)
        ref.move((dx, dy))
        p = Placed(spec, ref, cell)
        placed.append(p)
        if spec.kind == "loopback":
            for i in (1, 2):
                fp = ref.ports[f"o_fiber_{i}"]
                p.fibers.append((f"o_fiber_{i}", "grating", (fp.dx, fp.dy), 90.0))
            continue
        for port_name, gx, gy in sp["gratings"]:
            g = top.add_ref(gc)
            g.drotate(-90)
            g.move((_snap(gx + dx - g.ports["o1"].dx), _snap(gy + dy - g.ports["o1"].dy)))
            length = route(top, ref.ports[port_name], g.ports["o1"], name=f"{spec.name}.{port_name}")
            p.routes.append((port_name, "grating", length))
            fp = g.ports["o_fiber"]
            p.fibers.append((port_name, "grating", (fp.dx, fp.dy), 90.0))

    # --- labels, marks, frame
    for p in placed:
        b = p.ref.dbbox()
        top.add_label(p.spec.name, position=(p.ref.dcplx_trans.disp.x, p.ref.dcplx_trans.disp.y), layer=layer("TEXT"))
        _text(top, p.spec.name, b.left, b.top + 4.0, 10.0)
    _text(top, chip_plan.name, margin, die_h - margin + 40.0, 40.0)
    for cx, cy in ((margin / 2, margin / 2), (die_w - margin / 2, margin / 2), (margin / 2, die_h - margin / 2),
                   (die_w - margin / 2, die_h - margin / 2)):
        _cross(top, cx, cy, size=min(80.0, margin * 0.6))
    top.add_polygon([(0, 0), (die_w, 0), (die_w, die_h), (0, die_h)], layer=layer("FLOORPLAN"))
    lane = 50.0
    frame = gf.kdb.Region(gf.kdb.DBox(-lane, -lane, die_w + lane, die_h + lane).to_itype(0.001))
    frame -= gf.kdb.Region(gf.kdb.DBox(0, 0, die_w, die_h).to_itype(0.001))
    top.kdb_cell.shapes(top.kcl.layer(*layer("DICING"))).insert(frame)
    if error_shapes(top):
        raise RoutingError(f"the chip has {error_shapes(top)} shape(s) on the error layer {ERROR_LAYER}")
    t1 = time.perf_counter()
    return ChipBuild(chip_plan, top, placed, (die_w, die_h),
                     {"cells_s": t_cells - t0, "assembly_s": t1 - t_cells, "build_s": t1 - t0},
                     layer_map=active_layer_map())


def _text(c: gf.Component, text: str, x: float, y: float, size: float) -> None:
    """Human-readable text (klayout's built-in font) on the TEXT layer, lower-left at (x, y) µm."""
    import klayout.db as kdb

    gen = kdb.TextGenerator.default_generator()
    region = gen.text(text, c.kcl.dbu, size).moved(int(round(x / c.kcl.dbu)), int(round(y / c.kcl.dbu)))
    c.kdb_cell.shapes(c.kcl.layer(*layer("TEXT"))).insert(region)


def _cross(c: gf.Component, x: float, y: float, size: float = 80.0, arm: float = 8.0) -> None:
    """Alignment cross on WG and MTOP (both are visible to steppers and bonders)."""
    for name in ("WG", "MTOP"):
        rect(c, name, x - size / 2, y - arm / 2, x + size / 2, y + arm / 2)
        rect(c, name, x - arm / 2, y - size / 2, x - arm / 2 + arm, y + size / 2)


def _slot_plan(spec: DeviceSpec, cell: gf.Component, gc: gf.Component) -> dict:
    """Positions (device frame, µm) of a device's grating couplers and the slot's extent."""
    b = cell.dbbox()
    if spec.kind == "loopback":
        return {"gratings": [], "x0": b.left, "y0": b.bottom, "width": b.width(), "height": b.height()}
    ports = [p for p in cell.ports if p.port_type == "optical"]
    west = sorted([p for p in ports if abs(p.orientation - 180) < 1], key=lambda p: p.dy)
    east = sorted([p for p in ports if abs(p.orientation) < 1], key=lambda p: p.dy)
    if len(west) + len(east) != len(ports):
        raise ValueError(f"{spec.name}: optical ports must face west or east for grating routing")
    xc = (b.left + b.right) / 2
    gb = gc.dbbox()
    gc_half = gb.height() / 2 + 1.0  # the rotated coupler's half width
    clearance = BEND_RADIUS_UM + gc_half + 5.0
    gratings = []
    y_g = b.bottom - 25.0
    if west:
        k0 = math.ceil(((xc - min(p.dx for p in west) + clearance) / FIBER_PITCH_UM) - 0.5)
        for i, p in enumerate(west):  # lowest port innermost: routes nest without crossing
            gratings.append((p.name, xc - FIBER_PITCH_UM * (k0 + i + 0.5), y_g))
    if east:
        k0 = math.ceil(((max(p.dx for p in east) - xc + clearance) / FIBER_PITCH_UM) - 0.5)
        for i, p in enumerate(east):
            gratings.append((p.name, xc + FIBER_PITCH_UM * (k0 + i + 0.5), y_g))
    gx = [g[1] for g in gratings]
    x0 = min([b.left] + [x - gc_half for x in gx])
    x1 = max([b.right] + [x + gc_half for x in gx])
    y0 = y_g - gb.width() - 1.0
    return {"gratings": gratings, "x0": x0, "y0": y0, "width": x1 - x0, "height": b.top - y0}


def device_ports(p: Placed) -> list[dict]:
    """The placed device's ports in chip coordinates (µm, degrees)."""
    out = []
    for port in p.ref.ports:
        # 6 decimals (1 pm): on-grid ports read as e.g. 418.547, an off-grid one stays visible to the checks
        out.append({"name": port.name, "xy_um": [round(port.dx, 6), round(port.dy, 6)],
                    "orientation": float(port.orientation) % 360.0, "type": port.port_type,
                    "width_um": round(port.dwidth, 6)})
    return out


__all__ = ["ChipBuild", "Placed", "RoutingError", "build_chip", "device_ports", "error_shapes", "make_cells",
           "raise_on_route_error", "route"]
