"""The layer map: optolink's logical layers → the GDS layers of a gdsfactory PDK, and its KLayout ``.lyp``.

Every cell draws on logical layers (``"WG"``, ``"SLAB90"``, ``"PPP"``, ``"MTOP"``, ...; the table
``LOGICAL_LAYERS``), and the check rules (``checks.RULES``/``checks.ENCLOSURES``) are stated on the same
names; a ``LayerMap`` says which (layer, datatype) each one is in a given PDK. ``GENERIC`` is gdsfactory's
generic PDK (the default). The active map is the one of the active gdsfactory PDK (``active()``, read
without importing gdsfactory: none imported or active → ``GENERIC``): ``layouts.use_pdk(pdk)`` switches both.

A PDK gets its map in one of three ways:
- ``register(pdk, layer_map)``: explicit (``pdk_from_spec`` does it for a map file naming a PDK);
- derived from the PDK's own layer names (``LayerMap.from_pdk``: each logical name, or an alias in
  ``PDK_ALIASES`` such as ``MTOP`` → ``M3``, must be a layer of the PDK; ValueError lists those missing);
- ``derived_pdk(layer_map)``: a PDK made from the generic one whose layers are the map's, for a foundry
  numbering given only as a map file.

Map files (YAML or JSON, read with ``optolink.core.files.read_mapping``)::

    name: myfab                 # required: names the map, the derived PDK and the cells drawn with it
    pdk: generic                # optional: "generic" (default: a PDK derived from the generic one on
                                # these layers) or an import path "package.module[:ATTR]" (ATTR default PDK)
    layers:                     # every logical layer: [layer, datatype] or {layer: [l, d], color: "#rrggbb"}
      WG: [101, 0]
      ...

``lyp_text(layer_map)``/``write_lyp(path, layer_map)``: the KLayout layer-properties file (XML, format of
klayout.de/lyp_format.html: one ``<properties>`` entry per layer with frame/fill colour, dither pattern,
``<name>`` and ``<source>`` "layer/datatype@1"); ``layouts/optolink.lyp`` is the generic one, and
``manifest.write_chip`` writes the chip's beside its GDS.
"""

from __future__ import annotations

import importlib
import pathlib
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass

from optolink.core.files import read_mapping, write_text_atomic
from optolink.core.serialize import slug

# name → (description, generic (layer, datatype), colour, dither pattern, picture alpha: 0 = not drawn in
# pictures); in drawing order (bottom first). Names are those of gdsfactory's generic PDK except MTOP (its
# M3). Dither patterns: KLayout's built-in I0 (solid), I1 (hollow), I2.. (hatches).
LOGICAL_LAYERS: dict[str, tuple[str, tuple[int, int], str, str, float]] = {
    "FLOORPLAN": ("die outline", (64, 0), "#f4f4f4", "I1", 1.0),
    "DICING": ("dicing lane", (100, 0), "#999999", "I9", 0.6),
    "DEEPTRENCH": ("laser recess (deep trench)", (4, 0), "#c9b28f", "I5", 0.7),
    "SLAB90": ("rib slab (90 nm silicon)", (3, 0), "#9ecae1", "I2", 0.6),
    "N": ("N implant (junction)", (20, 0), "#a1d99b", "I3", 0.5),
    "NP": ("N+ implant (intermediate)", (22, 0), "#74c476", "I3", 0.5),
    "NPP": ("N++ implant (contact)", (24, 0), "#31a354", "I3", 0.5),
    "P": ("P implant (junction)", (21, 0), "#fcbba1", "I4", 0.5),
    "PP": ("P+ implant (intermediate)", (23, 0), "#fc9272", "I4", 0.5),
    "PPP": ("P++ implant (contact)", (25, 0), "#de2d26", "I4", 0.5),
    "WG": ("waveguide core (220 nm silicon)", (1, 0), "#08519c", "I0", 1.0),
    "SHALLOW_ETCH": ("shallow etch (grating teeth)", (2, 6), "#ffffff", "I1", 1.0),
    "GE": ("germanium (photodetector)", (5, 0), "#756bb1", "I0", 0.8),
    "GEN": ("germanium N++ implant", (26, 0), "#54278f", "I6", 0.0),
    "VIAC": ("contact (silicon to M1)", (40, 0), "#525252", "I0", 0.0),
    "VIA1": ("via M1/HEATER to M2", (44, 0), "#737373", "I0", 0.0),
    "VIA2": ("via M2 to MTOP", (43, 0), "#636363", "I0", 0.0),
    "M1": ("metal 1", (41, 0), "#bdbdbd", "I7", 0.6),
    "M2": ("metal 2", (45, 0), "#969696", "I7", 0.6),
    "HEATER": ("heater / thin-film resistor (TiN)", (47, 0), "#e6550d", "I8", 0.8),
    "MTOP": ("top metal (pads, RF lines)", (49, 0), "#fdd49e", "I2", 0.75),
    "PADOPEN": ("passivation opening over pads", (46, 0), "#fec44f", "I1", 0.9),
    "DEVREC": ("device footprint (overlap check)", (68, 0), "#000000", "I1", 0.0),
    "TEXT": ("labels", (66, 0), "#252525", "I0", 1.0),
    "ERROR": ("error markers (failed routes)", (1000, 0), "#ff00ff", "I0", 1.0),
}

# logical name → other names it has in gdsfactory PDKs (tried in order after the name itself)
PDK_ALIASES: dict[str, tuple[str, ...]] = {"MTOP": ("M3",)}

GDS_MAX = 65535  # layer and datatype numbers are 16-bit in GDSII (KLayout reads them unsigned)


def _pair(value, where: str) -> tuple[int, int]:
    if isinstance(value, Mapping):
        if "layer" not in value:
            raise ValueError(f"{where}: a layer entry needs 'layer': [layer, datatype]; got keys {sorted(value)}")
        value = value["layer"]
    if isinstance(value, str) and "/" in value:
        value = value.split("/")
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"{where} must be [layer, datatype] (two integers), got {value!r}")
    out = []
    for v in value:
        if isinstance(v, str) and v.strip().isdigit():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= GDS_MAX:
            raise ValueError(f"{where} must hold integers in [0, {GDS_MAX}], got {value!r}")
        out.append(int(v))
    return out[0], out[1]


def _colour(value, where: str) -> str:
    if not (isinstance(value, str) and len(value) == 7 and value[0] == "#"
            and all(c in "0123456789abcdefABCDEF" for c in value[1:])):
        raise ValueError(f"{where} must be a colour '#rrggbb', got {value!r}")
    return value.lower()


@dataclass(frozen=True)
class LayerMap:
    """Logical layer name → GDS (layer, datatype) for one PDK; every name of ``LOGICAL_LAYERS`` mapped,
    no two onto the same GDS layer. ``layers`` and ``colors`` may be given as mappings (stored as sorted
    tuples, so a map is hashable); ``colors`` overrides the table's colour of some layers; ``pdk`` says
    which gdsfactory PDK it belongs to ("generic", an import path, or "" when derived from the map)."""

    name: str
    layers: tuple
    colors: tuple = ()
    pdk: str = ""

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip() or slug(self.name, "") == "":
            raise ValueError(f"LayerMap.name must be a non-empty name with letters or digits, got {self.name!r}")
        if not isinstance(self.pdk, str):
            raise TypeError(f"LayerMap.pdk must be a string, got {type(self.pdk).__name__}")
        raw = dict(self.layers) if isinstance(self.layers, Mapping | list | tuple) else None
        if raw is None:
            raise TypeError(f"LayerMap.layers must be a mapping name → (layer, datatype), got "
                            f"{type(self.layers).__name__}")
        unknown = sorted(set(raw) - set(LOGICAL_LAYERS))
        if unknown:
            raise ValueError(f"layer map {self.name!r}: unknown logical layer(s) {unknown}; "
                             f"known: {list(LOGICAL_LAYERS)}")
        missing = [n for n in LOGICAL_LAYERS if n not in raw]
        if missing:
            raise ValueError(f"layer map {self.name!r}: no GDS layer for {missing} (every logical layer must "
                             f"be mapped)")
        pairs = {n: _pair(raw[n], f"layer map {self.name!r}: layers.{n}") for n in LOGICAL_LAYERS}
        seen: dict[tuple[int, int], str] = {}
        for n, p in pairs.items():
            if p in seen:
                raise ValueError(f"layer map {self.name!r}: {seen[p]} and {n} are both on GDS layer "
                                 f"{p[0]}/{p[1]}; each logical layer needs its own")
            seen[p] = n
        colours = dict(self.colors)
        bad = sorted(set(colours) - set(LOGICAL_LAYERS))
        if bad:
            raise ValueError(f"layer map {self.name!r}: colors for unknown layer(s) {bad}")
        colours = {n: _colour(c, f"layer map {self.name!r}: colors.{n}") for n, c in colours.items()}
        object.__setattr__(self, "layers", tuple((n, pairs[n]) for n in LOGICAL_LAYERS))
        object.__setattr__(self, "colors", tuple(sorted(colours.items())))

    # --- look-ups
    def layer(self, name: str) -> tuple[int, int]:
        """The GDS (layer, datatype) of logical layer ``name`` (KeyError naming the known ones)."""
        for n, p in self.layers:
            if n == name:
                return p
        raise KeyError(f"no logical layer {name!r}; known: {list(LOGICAL_LAYERS)}")

    def as_dict(self) -> dict[str, tuple[int, int]]:
        return dict(self.layers)

    def name_of(self, gds_layer: tuple[int, int]) -> str | None:
        """The logical name drawn on ``gds_layer`` (None if none)."""
        return next((n for n, p in self.layers if p == tuple(gds_layer)), None)

    def color(self, name: str) -> str:
        return dict(self.colors).get(name, LOGICAL_LAYERS[name][2])

    @property
    def slug(self) -> str:
        return slug(self.name).replace(".", "_").replace("+", "_").replace("-", "_")

    @property
    def is_generic(self) -> bool:
        return self == GENERIC

    def style(self) -> dict[tuple[int, int], tuple[str, float]]:
        """GDS layer → (colour, alpha) in drawing order, for pictures (layers of alpha 0 left out)."""
        return {p: (self.color(n), LOGICAL_LAYERS[n][4]) for n, p in self.layers if LOGICAL_LAYERS[n][4] > 0}

    def to_dict(self) -> dict:
        """Plain JSON data (what a map file holds; ``from_mapping`` reads it back)."""
        out = {"name": self.name, "pdk": self.pdk or "generic",
               "layers": {n: [p[0], p[1]] for n, p in self.layers}}
        if self.colors:
            out["colors"] = dict(self.colors)
        return out

    # --- constructors
    @classmethod
    def from_mapping(cls, data, *, where: str = "layer map") -> LayerMap:
        """A map from plain data: {name, layers: {logical: [l, d] | {layer: [l, d], color}}, pdk?, colors?}."""
        if not isinstance(data, Mapping):
            raise ValueError(f"{where} must be a mapping, got {type(data).__name__}")
        unknown = sorted(set(data) - {"name", "pdk", "layers", "colors", "description"})
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {unknown}; accepted: name, pdk, layers, colors, description")
        if "name" not in data or "layers" not in data:
            raise ValueError(f"{where} needs 'name' and 'layers'")
        layers = data["layers"]
        if not isinstance(layers, Mapping):
            raise ValueError(f"{where}: 'layers' must map logical names to [layer, datatype]")
        colors = dict(data.get("colors") or {})
        for n, v in layers.items():
            if isinstance(v, Mapping) and "color" in v:
                colors.setdefault(n, v["color"])
        pdk = data.get("pdk") or ""
        return cls(str(data["name"]), dict(layers), colors, "" if pdk == "generic" else str(pdk))

    @classmethod
    def read(cls, path) -> LayerMap:
        """A map from a YAML/JSON file (``optolink.core.files.read_mapping``)."""
        return cls.from_mapping(read_mapping(path, "layer map file"), where=f"layer map file {path}")

    @classmethod
    def from_pdk(cls, pdk, *, name: str | None = None, pdk_path: str = "") -> LayerMap:
        """The map of a gdsfactory PDK from its layer names (each logical name or an alias of
        ``PDK_ALIASES``); ERROR defaults to gdsfactory's error layer. ValueError lists the names missing."""
        layers = getattr(pdk, "layers", None)
        members = {m.name: (int(m.layer), int(m.datatype)) for m in layers} if layers is not None else {}
        found, missing = {}, []
        for n in LOGICAL_LAYERS:
            hit = next((members[c] for c in (n, *PDK_ALIASES.get(n, ())) if c in members), None)
            if hit is None and n == "ERROR":
                import gdsfactory as gf

                hit = tuple(gf.CONF.layer_error_path)
            if hit is None:
                missing.append(n)
            else:
                found[n] = hit
        pdk_name = getattr(pdk, "name", "?")
        if missing:
            raise ValueError(f"PDK {pdk_name!r} has no layer named {missing} (nor an alias of "
                             f"{ {k: v for k, v in PDK_ALIASES.items() if k in missing} }); give a layer map file "
                             f"(name, pdk, layers) that maps every logical layer onto its layers")
        return cls(name or str(pdk_name), found, (), pdk_path)


GENERIC = LayerMap("generic", {n: v[1] for n, v in LOGICAL_LAYERS.items()}, (), "")


# ------------------------------------------------------------------------------------------------------
# The active map: the one of gdsfactory's active PDK
# ------------------------------------------------------------------------------------------------------
_REGISTRY: dict[int, tuple[object, LayerMap]] = {}  # id(pdk) → (pdk kept alive, its map)


def register(pdk, layer_map: LayerMap) -> None:
    """Use ``layer_map`` whenever ``pdk`` (a gdsfactory Pdk object) is active."""
    if not isinstance(layer_map, LayerMap):
        raise TypeError(f"layer_map must be a LayerMap, got {type(layer_map).__name__}")
    _REGISTRY[id(pdk)] = (pdk, layer_map)


def for_pdk(pdk) -> LayerMap:
    """The map of ``pdk``: registered, generic, or derived from its layer names (then registered)."""
    if pdk is None:
        return GENERIC
    hit = _REGISTRY.get(id(pdk))
    if hit is not None and hit[0] is pdk:
        return hit[1]
    gpdk = sys.modules.get("gdsfactory.gpdk")
    if gpdk is not None and pdk is getattr(gpdk, "PDK", None):
        return GENERIC
    layer_map = LayerMap.from_pdk(pdk)
    register(pdk, layer_map)
    return layer_map


def active() -> LayerMap:
    """The map of gdsfactory's active PDK (``GENERIC`` when gdsfactory is not imported or none is active)."""
    gf_pdk = sys.modules.get("gdsfactory.pdk")
    return for_pdk(getattr(gf_pdk, "_ACTIVE_PDK", None) if gf_pdk is not None else None)


def derived_pdk(layer_map: LayerMap):
    """A gdsfactory PDK: the generic one with its layers renumbered as ``layer_map`` says (generic layers
    that optolink does not use keep their numbers unless they collide with a mapped one, then they go),
    named after the map and registered with it. Its ``strip`` cross-section and components then draw on
    the map's layers."""
    import gdsfactory as gf
    from gdsfactory.technology import LayerMap as GfLayerMap
    from gdsfactory.typings import Layer

    mapped = layer_map.as_dict()
    by_pdk_name = {alias: n for n, aliases in PDK_ALIASES.items() for alias in aliases}
    taken = set(mapped.values())
    namespace: dict = {"__annotations__": {}}
    for m in gf.gpdk.LAYER:
        logical = m.name if m.name in mapped else by_pdk_name.get(m.name)
        if logical is not None and logical in mapped:
            value = mapped[logical]
        else:
            value = (int(m.layer), int(m.datatype))
            if value in taken:
                continue
        taken.add(value)
        namespace["__annotations__"][m.name] = Layer
        namespace[m.name] = value
    for n, p in mapped.items():  # logical names the generic PDK lacks (MTOP, ERROR)
        if n not in namespace and p not in {v for k, v in namespace.items() if k != "__annotations__"}:
            namespace["__annotations__"][n] = Layer
            namespace[n] = p
    enum = type(f"LayerMap_{layer_map.slug}", (GfLayerMap,), namespace)
    pdk = gf.gpdk.PDK.model_copy(update={"name": layer_map.name, "layers": enum, "layer_views": None})
    register(pdk, layer_map)
    return pdk


def _import_pdk(path: str):
    module, _, attr = path.partition(":")
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise ValueError(f"PDK {path!r}: cannot import {module!r} ({exc}); install the PDK package or give "
                         f"'generic' or a layer map file") from None
    pdk = getattr(mod, attr or "PDK", None)
    if pdk is None or not hasattr(pdk, "activate"):
        raise ValueError(f"PDK {path!r}: {module} has no gdsfactory Pdk {attr or 'PDK'!r}")
    return pdk


def pdk_from_spec(spec) -> tuple[object | None, LayerMap]:
    """``(pdk, layer_map)`` for a PDK choice: None or "generic" → (None, GENERIC); a path to a ``.yaml``/
    ``.yml``/``.json`` layer map file → its map with the PDK it names (or ``derived_pdk``); otherwise an import
    path "package.module[:ATTR]" of a gdsfactory PDK whose map comes from its layer names."""
    if spec is None or spec == "generic":
        return None, GENERIC
    text = str(spec)
    if pathlib.Path(text).suffix.lower() in (".yaml", ".yml", ".json"):
        layer_map = LayerMap.read(text)
        if not layer_map.pdk:
            return derived_pdk(layer_map), layer_map
        pdk = _import_pdk(layer_map.pdk)
        register(pdk, layer_map)
        return pdk, layer_map
    pdk = _import_pdk(text)
    return pdk, for_pdk(pdk)


# ------------------------------------------------------------------------------------------------------
# KLayout layer properties (.lyp)
# ------------------------------------------------------------------------------------------------------
def lyp_text(layer_map: LayerMap | None = None) -> str:
    """The KLayout layer-properties XML of ``layer_map`` (default: the active one): per logical layer, its
    name and description, source "layer/datatype@1", frame and fill colour and a dither pattern."""
    layer_map = active() if layer_map is None else layer_map
    root = ET.Element("layer-properties")
    for name, (lay, dt) in layer_map.layers:
        desc, _, _, dither, _ = LOGICAL_LAYERS[name]
        colour = layer_map.color(name)
        props = ET.SubElement(root, "properties")
        for tag, text in (("frame-color", colour), ("fill-color", colour), ("frame-brightness", "0"),
                          ("fill-brightness", "0"), ("dither-pattern", dither), ("line-style", None),
                          ("valid", "true"), ("visible", "true"), ("transparent", "false"), ("width", "1"),
                          ("marked", "false"), ("xfill", "false"), ("animation", "0"),
                          ("name", f"{name} - {desc}"), ("source", f"{lay}/{dt}@1")):
            el = ET.SubElement(props, tag)
            if text is not None:
                el.text = text
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_lyp(path, layer_map: LayerMap | None = None) -> pathlib.Path:
    """Write ``lyp_text(layer_map)`` to ``path`` atomically."""
    return write_text_atomic(path, lyp_text(layer_map))


GENERIC_LYP = pathlib.Path(__file__).resolve().parent / "optolink.lyp"  # the committed generic file

__all__ = ["GENERIC", "GENERIC_LYP", "LOGICAL_LAYERS", "PDK_ALIASES", "LayerMap", "active", "derived_pdk",
           "for_pdk", "lyp_text", "pdk_from_spec", "register", "write_lyp"]
