"""Layout checks with klayout's Python API: widths, spacings, enclosures, the error layer, ports, overlaps.

The per-layer rules live in ``RULES`` and ``ENCLOSURES`` below and nowhere else: the cells read their minimum
dimensions from here, so a drawn device and its check cannot disagree. Rules are stated on logical layer
names; their GDS layers come from the layer map (``layouts.layer_map``: the active PDK's, or ``layer_map=``),
the same one the cells draw through (``RULES[name].layer`` holds the generic PDK's numbers). The values are
illustrative of a 220 nm SOI process with 193 nm lithography (no foundry's numbers): e.g. the 100 nm
waveguide spacing is the minimum coupling gap of ``photonics.couplers.CouplingModel``.

Assumed stack (as gdsfactory's generic layer stack): rib silicon WG on SLAB90; implants N/P (junction),
NP/PP (intermediate), NPP/PPP (contacts); GE on WG with GEN/GEP; VIAC contacts silicon to M1; HEATER
(TiN, also the thin-film resistor) and M1 connect to M2 through VIA1; M2 to MTOP through VIA2; PADOPEN
opens the passivation over MTOP pads; DEEPTRENCH is the laser recess.

Checks: ``run_checks(layout_or_gds, manifest=None, layer_map=None)`` → ``CheckReport``: one entry per rule
with its violation markers. Besides the table: an M1 island shorting P++ to N++ contacts, shapes on the error layer,
overlapping device footprints and, with a manifest, off-grid ports. ``lyrdb_bytes`` gives the KLayout marker
database (one category per rule), ``CheckReport.summary()`` a dict.
Widths and spacings use the Euclidean metric and ignore corners of ``IGNORE_ANGLE`` (80°) or more.
Enclosures are checked as "inner grown by the margin, NOT the enclosing layers": klayout's sizing keeps
right-angle corners square, so at a corner the margin is required along the diagonal too (stricter than a
Euclidean enclosure, as most foundry decks state via enclosures).
"""

from __future__ import annotations

import dataclasses
import math
import os
import pathlib
import tempfile
from dataclasses import dataclass, field

import klayout.db as kdb

from . import layer_map as _layer_map


@dataclass(frozen=True)
class LayerRule:
    """Minimum width and spacing (µm) of one layer (GDS layer, datatype)."""

    layer: tuple[int, int]
    min_width: float
    min_space: float


# logical layer name → rule (layers: the generic PDK's; ``rules_for`` renumbers them for another layer map)
RULES: dict[str, LayerRule] = {
    "WG": LayerRule((1, 0), 0.15, 0.10),
    "SLAB90": LayerRule((3, 0), 0.30, 0.30),
    "SHALLOW_ETCH": LayerRule((2, 6), 0.15, 0.15),
    "DEEPTRENCH": LayerRule((4, 0), 5.0, 5.0),
    "GE": LayerRule((5, 0), 1.0, 1.0),
    "N": LayerRule((20, 0), 0.30, 0.30),
    "P": LayerRule((21, 0), 0.30, 0.30),
    "NP": LayerRule((22, 0), 0.30, 0.30),
    "PP": LayerRule((23, 0), 0.30, 0.30),
    "NPP": LayerRule((24, 0), 0.40, 0.40),
    "PPP": LayerRule((25, 0), 0.40, 0.40),
    "GEN": LayerRule((26, 0), 0.60, 0.60),
    "VIAC": LayerRule((40, 0), 0.30, 0.30),
    "M1": LayerRule((41, 0), 0.50, 0.50),
    "VIA1": LayerRule((44, 0), 0.40, 0.40),
    "M2": LayerRule((45, 0), 1.00, 1.00),
    "VIA2": LayerRule((43, 0), 0.40, 0.40),
    "MTOP": LayerRule((49, 0), 2.00, 2.00),
    "HEATER": LayerRule((47, 0), 1.00, 1.00),
    "PADOPEN": LayerRule((46, 0), 10.0, 10.0),
}

# (inner layer, enclosing layers (any of), minimum enclosure µm): the inner layer must lie inside the union
# of the enclosing layers with at least this margin.
ENCLOSURES: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("VIAC", ("NPP", "PPP", "GEN"), 0.10),
    ("VIAC", ("M1",), 0.10),
    ("VIA1", ("M1", "HEATER"), 0.20),
    ("VIA1", ("M2",), 0.20),
    ("VIA2", ("M2",), 0.20),
    ("VIA2", ("MTOP",), 0.20),
    ("PADOPEN", ("MTOP",), 2.00),
    ("GE", ("WG",), 0.50),
    ("GEN", ("GE",), 0.30),
    ("SHALLOW_ETCH", ("WG",), 0.20),
)

ERROR_LAYER = _layer_map.GENERIC.layer("ERROR")  # gdsfactory draws failed routes here (CONF.layer_error_path)
DEVREC_LAYER = _layer_map.GENERIC.layer("DEVREC")  # every device cell's footprint, for the overlap check
PORT_GRID_UM = 0.001  # ports must sit on the 1 nm database grid
# Edges meeting at this angle (degrees) or more are not checked against each other: a taper or an arc drawn
# on the 1 nm grid has corners a hair below 90° that would otherwise flag as zero-width slivers.
IGNORE_ANGLE = 80.0

# standard probe and fiber pitches (µm)
GSG_PITCH_UM = 100.0
FIBER_PITCH_UM = 127.0


def layer(name: str, layer_map: _layer_map.LayerMap | None = None) -> tuple[int, int]:
    """GDS (layer, datatype) of logical layer ``name`` in ``layer_map`` (default: the active PDK's)."""
    return (_layer_map.active() if layer_map is None else layer_map).layer(name)


def rules_for(layer_map: _layer_map.LayerMap | None = None) -> dict[str, LayerRule]:
    """``RULES`` on the GDS layers of ``layer_map`` (default: the active PDK's)."""
    layer_map = _layer_map.active() if layer_map is None else layer_map
    return {n: dataclasses.replace(r, layer=layer_map.layer(n)) for n, r in RULES.items()}


# ------------------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------------------
@dataclass
class RuleResult:
    """One rule and its violations: ``markers`` are klayout objects in database units (EdgePairs,
    Region or a list of DBox for port/overlap markers)."""

    name: str
    description: str
    count: int = 0
    markers: object = None
    details: list[str] = field(default_factory=list)


@dataclass
class CheckReport:
    """All rule results of one layout; ``ok`` when no rule has a violation."""

    top_cell: str
    dbu: float
    results: list[RuleResult]

    @property
    def violations(self) -> int:
        return sum(r.count for r in self.results)

    @property
    def ok(self) -> bool:
        return self.violations == 0

    def failed(self) -> list[str]:
        return [r.name for r in self.results if r.count]

    def summary(self) -> dict:
        """{"violations": n, "rules_checked": n, "failed": {rule: count}, "details": {...}}."""
        return {
            "violations": self.violations,
            "rules_checked": len(self.results),
            "failed": {r.name: r.count for r in self.results if r.count},
            "details": {r.name: r.details[:20] for r in self.results if r.details},
        }


# ------------------------------------------------------------------------------------------------------
# Running the checks
# ------------------------------------------------------------------------------------------------------
def _load(layout_or_path) -> tuple[kdb.Layout, kdb.Cell]:
    if isinstance(layout_or_path, str | os.PathLike):
        ly = kdb.Layout()
        ly.read(str(layout_or_path))
    elif isinstance(layout_or_path, kdb.Layout):
        ly = layout_or_path
    elif hasattr(layout_or_path, "kcl"):  # a gdsfactory Component: check its own hierarchy
        comp = layout_or_path
        ly = comp.kcl.layout
        return ly, ly.cell(comp.cell_index())
    else:
        raise TypeError(f"expected a GDS path, a klayout Layout or a gdsfactory Component, got "
                        f"{type(layout_or_path).__name__}")
    tops = ly.top_cells()
    if len(tops) != 1:
        raise ValueError(f"the layout must have exactly one top cell; found {[t.name for t in tops]}")
    return ly, tops[0]


class _Regions:
    """Merged regions per layer from a hierarchy (deep mode keeps via arrays hierarchical), each merged
    once and then used as is (``merged_semantics`` off)."""

    def __init__(self, ly: kdb.Layout, top: kdb.Cell, layer_map: _layer_map.LayerMap):
        self.ly, self.top, self.layer_map = ly, top, layer_map
        self.dss = kdb.DeepShapeStore()
        self.dss.threads = max(1, min(4, os.cpu_count() or 1))
        self._cache: dict[tuple[int, int], kdb.Region] = {}

    def __call__(self, lay: tuple[int, int]) -> kdb.Region:
        if lay not in self._cache:
            li = self.ly.find_layer(*lay)
            if li is None:
                self._cache[lay] = kdb.Region()
            else:
                # merged once here: otherwise each check on the layer would merge it again (-35 % time)
                merged = kdb.Region(self.top.begin_shapes_rec(li), self.dss).merged()
                merged.merged_semantics = False
                self._cache[lay] = merged
        return self._cache[lay]

    def union(self, names) -> kdb.Region:
        out = kdb.Region()
        for n in names:
            out = out + self(self.layer_map.layer(n))
        return out


def run_checks(layout_or_path, manifest: dict | None = None, *, rules: dict[str, LayerRule] | None = None,
               enclosures=None, layer_map: _layer_map.LayerMap | None = None) -> CheckReport:
    """Run every rule on the single top cell of a GDS file, klayout Layout or gdsfactory Component.

    With ``manifest`` (the chip manifest dict) the device ports are checked against the grid and the
    devices' footprints (DEVREC) for overlaps; without it only the DEVREC overlap check runs.
    ``layer_map``: where the logical layers are (default: the active PDK's); ``rules`` (default: ``RULES`` on
    that map) carry their own GDS layers.
    """
    layer_map = _layer_map.active() if layer_map is None else layer_map
    rules = rules_for(layer_map) if rules is None else rules
    enclosures = ENCLOSURES if enclosures is None else enclosures
    ly, top = _load(layout_or_path)
    dbu = ly.dbu
    reg = _Regions(ly, top, layer_map)
    results: list[RuleResult] = []

    def to_dbu(x_um: float) -> int:
        return int(round(x_um / dbu))

    for name, rule in rules.items():
        r = reg(rule.layer)
        if r.is_empty():
            results.append(RuleResult(f"{name}.width", f"{name} {rule.layer} min width {rule.min_width} µm"))
            results.append(RuleResult(f"{name}.space", f"{name} {rule.layer} min space {rule.min_space} µm"))
            continue
        w = r.width_check(to_dbu(rule.min_width), ignore_angle=IGNORE_ANGLE)
        s = r.space_check(to_dbu(rule.min_space), ignore_angle=IGNORE_ANGLE)
        results.append(RuleResult(f"{name}.width", f"{name} {rule.layer} min width {rule.min_width} µm",
                                  w.count(), _flat(w)))
        results.append(RuleResult(f"{name}.space", f"{name} {rule.layer} min space {rule.min_space} µm",
                                  s.count(), _flat(s)))

    for inner, outers, d in enclosures:
        rin = reg(layer_map.layer(inner))
        rname = f"{inner}.in.{'|'.join(outers)}"
        desc = f"{inner} enclosed by {' or '.join(outers)} by >= {d} µm"
        if rin.is_empty():
            results.append(RuleResult(rname, desc))
            continue
        # the inner shapes grown by the margin must lie inside the enclosing layers: one boolean finds both
        # shapes outside and margins too small (and is 4x cheaper in deep mode than an enclosing check)
        bad = rin.sized(to_dbu(d)) - reg.union(outers)
        n = bad.count()
        results.append(RuleResult(rname, desc, n, _flat(bad)))

    # a contact metal (M1) island touching both a P++ and an N++ contact shorts the junction
    viac = reg(layer_map.layer("VIAC"))
    m1 = reg(layer_map.layer("M1"))
    if not viac.is_empty() and not m1.is_empty():
        via_p, via_n = viac & reg(layer_map.layer("PPP")), viac & reg(layer_map.layer("NPP"))
        shorts = m1.merged().interacting(via_p).interacting(via_n)
        results.append(RuleResult("M1.pn_short", "no M1 island connects P++ and N++ contacts", shorts.count(),
                                  _flat(shorts)))
    else:
        results.append(RuleResult("M1.pn_short", "no M1 island connects P++ and N++ contacts"))

    error_layer, devrec_layer = layer_map.layer("ERROR"), layer_map.layer("DEVREC")
    err = reg(error_layer)
    results.append(RuleResult("error_layer", f"no shapes on the error layer {error_layer} (failed routes)",
                              err.count(), _flat(err)))

    # overlapping devices: areas covered by two or more device footprints
    devrec = kdb.Region(top.begin_shapes_rec(ly.find_layer(*devrec_layer))) if ly.find_layer(*devrec_layer) \
        is not None else kdb.Region()
    overlap = devrec.merged(False, 2)  # wrap count >= 2
    overlap = overlap.sized(-1).sized(1)  # touching footprints are not an overlap
    results.append(RuleResult("device_overlap", "device footprints (DEVREC) do not overlap",
                              overlap.count(), overlap if overlap.count() else None))

    if manifest is not None:
        results.append(_port_grid(manifest, dbu))
    return CheckReport(top.name, dbu, results)


def _flat(x):
    """A flat copy (independent of the deep shape store) of a Region or EdgePairs; None when empty."""
    if x.is_empty():
        return None
    if isinstance(x, kdb.EdgePairs):
        return kdb.EdgePairs(list(x.each()))
    return kdb.Region(list(x.each()))


def _port_grid(manifest: dict, dbu: float) -> RuleResult:
    bad, boxes = [], []
    for dev in manifest.get("devices", []):
        for port in dev.get("ports", []):
            x, y = port["xy_um"]
            if not (math.isfinite(x) and math.isfinite(y)) \
                    or any(abs(v / PORT_GRID_UM - round(v / PORT_GRID_UM)) > 1e-3 for v in (x, y)):
                bad.append(f"{dev['name']}.{port['name']} at ({x}, {y}) µm")
                boxes.append(kdb.DBox(x - 0.5, y - 0.5, x + 0.5, y + 0.5))
    return RuleResult("port_grid", f"device ports on the {PORT_GRID_UM} µm grid", len(bad),
                      boxes or None, bad)


# ------------------------------------------------------------------------------------------------------
# Marker database
# ------------------------------------------------------------------------------------------------------
def lyrdb_bytes(report: CheckReport) -> bytes:
    """The report as a KLayout marker database (XML, ``.lyrdb``), one category per rule."""
    import klayout.rdb as rdb

    db = rdb.ReportDatabase("optolink layout checks")
    db.description = f"{report.violations} violation(s) in {len(report.results)} rules"
    db.generator = "optolink layouts.checks"
    db.top_cell_name = report.top_cell
    cell = db.create_cell(report.top_cell)
    trans = kdb.CplxTrans(report.dbu)
    for r in report.results:
        cat = db.create_category(r.name)
        cat.description = r.description
        m = r.markers
        if m is None:
            continue
        if isinstance(m, kdb.EdgePairs | kdb.Region):
            db.create_items(cell.rdb_id(), cat.rdb_id(), trans, m)
        else:
            for i, box in enumerate(m):
                item = db.create_item(cell.rdb_id(), cat.rdb_id())
                item.add_value(box)
                if i < len(r.details):
                    item.add_value(r.details[i])
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "checks.lyrdb"
        db.save(str(path))
        return path.read_bytes()


def read_lyrdb_counts(path) -> dict[str, int]:
    """{category: number of items} of a saved marker database."""
    import klayout.rdb as rdb

    db = rdb.ReportDatabase("")
    db.load(str(path))
    return {cat.name(): cat.num_items() for cat in db.each_category()}


def rules_table() -> list[dict]:
    """The rule table as plain rows (for reports)."""
    rows = [dict(name=n, **dataclasses.asdict(r)) for n, r in RULES.items()]
    rows += [dict(name=f"{i}.in.{'|'.join(o)}", min_enclosure=d) for i, o, d in ENCLOSURES]
    return rows
