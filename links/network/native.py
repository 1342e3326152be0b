"""The native network form (YAML or JSON) and its JSON Schema; the built-in synthetic metro.

```yaml
name: my-metro
launch_power_dbm: 0            # per channel into every span (ROADM boosters bring the ROADM target up to it)
max_span_loss_db: 22           # auto-placement rule (below)
equipment: eqpt_config.json    # optional GNPy equipment file; default: the built-in library (BUILTIN_EQUIPMENT)
sites:
  - {name: A, lat: 48.85, lon: 2.35, kind: compute, weight: 2.1}   # kind: compute | roadm | endpoint | amplifier
links:
  - {from: A, to: B, length_km: 35.0, fiber: SSMF, loss_db_per_km: 0.21}   # both directions
  - {from: B, to: C, spans_km: [60, 55]}                                     # explicit spans
```

Every compute, roadm and endpoint site gets a ROADM and a transceiver; an ``amplifier`` site (hut) joins
exactly two links with an in-line amplifier per direction. Auto-placement rule: a link of total loss L_tot =
α·length + 2 × connector loss is split into N = ceil(L_tot / max_span_loss_db) equal spans; each span is
followed by an amplifier whose gain equals the span loss (the last one is the ROADM preamp), and a booster after
each ROADM degree raises the ROADM target to the launch power. Amplifier type: the first of the library's
``allowed_for_design`` types whose gain range holds the gain (std_low_gain below 16 dB, else std_medium_gain in
the built-in library).
"""

from __future__ import annotations

import math
import os
import pathlib

import numpy as np

from .equipment import Equipment
from .gnpy_io import parse_equipment
from .model import EdfaNode, FiberNode, Location, Network, Roadm, Site, TransceiverNode

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "optolink network",
    "type": "object",
    "required": ["sites", "links"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "launch_power_dbm": {"type": "number", "minimum": -20, "maximum": 20},
        "max_span_loss_db": {"type": "number", "exclusiveMinimum": 0, "maximum": 40},
        "connector_loss_db": {"type": "number", "minimum": 0, "maximum": 5},
        "roadm_latency_s": {"type": "number", "minimum": 0},
        "amplifier_latency_s": {"type": "number", "minimum": 0},
        "equipment": {"type": "string"},
        "sites": {"type": "array", "minItems": 2, "items": {
            "type": "object", "required": ["name"], "additionalProperties": False,
            "properties": {"name": {"type": "string", "minLength": 1}, "lat": {"type": "number"},
                           "lon": {"type": "number"},
                           "kind": {"enum": ["compute", "roadm", "endpoint", "amplifier"]},
                           "weight": {"type": "number", "minimum": 0}}}},
        "links": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["from", "to"], "additionalProperties": False,
            "properties": {"from": {"type": "string"}, "to": {"type": "string"},
                           "length_km": {"type": "number", "exclusiveMinimum": 0},
                           "spans_km": {"type": "array", "minItems": 1,
                                        "items": {"type": "number", "exclusiveMinimum": 0}},
                           "fiber": {"type": "string"}, "loss_db_per_km": {"type": "number", "minimum": 0}}}},
    },
}

BUILTIN_EQUIPMENT = {
    "Edfa": [
        {"type_variety": "std_low_gain", "type_def": "variable_gain", "gain_flatmax": 16, "gain_min": 8,
         "p_max": 23, "nf_min": 6.5, "nf_max": 11, "out_voa_auto": False, "allowed_for_design": True},
        {"type_variety": "std_medium_gain", "type_def": "variable_gain", "gain_flatmax": 26, "gain_min": 15,
         "p_max": 23, "nf_min": 6, "nf_max": 10, "out_voa_auto": False, "allowed_for_design": True},
        {"type_variety": "metro_fixed_gain", "type_def": "fixed_gain", "gain_flatmax": 15, "gain_min": 0,
         "p_max": 23, "nf0": 5.5, "allowed_for_design": True},
    ],
    "Fiber": [{"type_variety": "SSMF", "dispersion": 1.67e-05, "effective_area": 83e-12, "pmd_coef": 1.265e-15}],
    "Span": [{"power_mode": True, "delta_power_range_db": [0, 0, 0.5], "max_fiber_lineic_loss_for_raman": 0.25,
              "target_extended_gain": 2.5, "max_length": 150, "length_units": "km", "max_loss": 28, "padding": 10,
              "EOL": 0, "con_in": 0, "con_out": 0}],
    "Roadm": [{"target_pch_out_db": -10, "add_drop_osnr": 38, "pmd": 0, "pdl": 0,
               "restrictions": {"preamp_variety_list": [], "booster_variety_list": []}}],
    # 400ZR-class channels on the 75 GHz grid (OIF-400ZR-01.0); Tx OSNR 40 dB/0.1 nm (GNPy's example value)
    "SI": [{"f_min": 191.4e12, "f_max": 196.05e12, "baud_rate": 59.84375e9, "spacing": 75e9, "power_dbm": 0,
            "power_range_db": [0, 0, 1], "tx_power_dbm": 0, "roll_off": 0.15, "tx_osnr": 40, "sys_margins": 0}],
    "Transceiver": [],
}


def _check_schema(doc: dict) -> None:
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema is a dev extra; the builder checks the essentials
        return
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.path) or "(top level)"
        raise ValueError(f"network file: {where}: {e.message}")


def _pick_amp(eq: Equipment, gain: float, where: str) -> str:
    for name, a in eq.amplifiers.items():
        if not isinstance(a, tuple) and a.allowed_for_design and a.gain_min <= gain + 1e-9 <= a.gain_flatmax + 1e-9:
            return name
    usable = [a for a in eq.amplifiers.values() if not isinstance(a, tuple) and a.allowed_for_design]
    if not usable:
        raise ValueError(f"{where}: the equipment library has no amplifier allowed_for_design")
    return max(usable, key=lambda a: a.gain_flatmax).type_variety


def build_native(doc: dict, base_dir: pathlib.Path | None = None) -> Network:
    """A `Network` from the native form (a mapping); see the module docstring."""
    _check_schema(doc)
    warnings: list = []
    if "equipment" in doc:
        path = pathlib.Path(doc["equipment"])
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        eq = parse_equipment(path, warnings)
    else:
        eq = parse_equipment(BUILTIN_EQUIPMENT, warnings)
    launch = float(doc.get("launch_power_dbm", 0.0))
    max_loss = float(doc.get("max_span_loss_db", 22.0))
    con = float(doc.get("connector_loss_db", 0.5))
    sites = {}
    elements: dict = {}
    conns: list = []
    for k, s in enumerate(doc["sites"]):
        name = s["name"]
        if name in sites:
            raise ValueError(f"sites[{k}]: duplicate site name {name!r}")
        site = Site(name, float(s.get("lat", 0.0)), float(s.get("lon", 0.0)), s.get("kind", "endpoint"),
                    float(s.get("weight", 1.0)))
        sites[name] = site
        loc = Location(site.latitude, site.longitude, name, None)
        if site.kind != "amplifier":
            elements[f"roadm {name}"] = Roadm(f"roadm {name}", loc)
            elements[f"trx {name}"] = TransceiverNode(f"trx {name}", loc)
            conns += [(f"trx {name}", f"roadm {name}"), (f"roadm {name}", f"trx {name}")]
    roadm_type = eq.roadm(None, "roadm")
    target = roadm_type.target_pch_out_db if roadm_type.target_pch_out_db is not None else -20.0
    degree_links: dict = {n: [] for n in sites}
    for k, link in enumerate(doc["links"]):
        for end in ("from", "to"):
            if link[end] not in sites:
                raise ValueError(f"links[{k}]: field {end!r} names {link[end]!r}, which is not a site "
                                 "(dangling connection)")
        if link["from"] == link["to"]:
            raise ValueError(f"links[{k}]: fields 'from' and 'to' are the same site {link['from']!r}")
        degree_links[link["from"]].append(k)
        degree_links[link["to"]].append(k)
    for n, ks in degree_links.items():
        if sites[n].kind == "amplifier" and len(ks) != 2:
            raise ValueError(f"site {n!r}: an amplifier site must join exactly two links; it has {len(ks)}")
    # one directed chain per link direction: [fibre, amp, fibre, amp, ...] ending at the far site
    chains: dict = {}
    for k, link in enumerate(doc["links"]):
        fiber = link.get("fiber", "SSMF")
        eq.fiber(fiber, f"links[{k}]")
        alpha = float(link.get("loss_db_per_km", 0.21))
        if "spans_km" in link:
            spans = [float(x) for x in link["spans_km"]]
        elif "length_km" in link:
            total = float(link["length_km"])
            n_sp = max(1, math.ceil((alpha * total + 2 * con) / max_loss))
            spans = [total / n_sp] * n_sp
        else:
            raise ValueError(f"links[{k}]: missing field 'length_km' (or 'spans_km')")
        for a, b in ((link["from"], link["to"]), (link["to"], link["from"])):
            items = []
            for j, km in enumerate(spans):
                uid = f"fiber {a} → {b} #{k}.{j}"
                loc = Location((sites[a].latitude + sites[b].latitude) / 2,
                               (sites[a].longitude + sites[b].longitude) / 2)
                elements[uid] = FiberNode(uid, loc, type_variety=fiber, length=km * 1e3, loss_coef=alpha, con_in=con,
                                      con_out=con)
                gain = alpha * km + 2 * con
                aid = f"edfa {a} → {b} #{k}.{j}"
                amp_loc = loc if j < len(spans) - 1 else Location(sites[b].latitude, sites[b].longitude, b)
                elements[aid] = EdfaNode(aid, amp_loc, type_variety=_pick_amp(eq, gain, aid), gain_target=gain)
                items += [uid, aid]
            chains[(k, a)] = (a, b, items)
    # wire: ROADM → booster → chain; amplifier huts splice two chains
    for (k, a), (_, b, items) in chains.items():
        if sites[a].kind == "amplifier":
            continue
        seq = []
        boost = f"booster {a} → {b} #{k}"
        gain = launch - target
        elements[boost] = EdfaNode(boost, Location(sites[a].latitude, sites[a].longitude, a),
                               type_variety=_pick_amp(eq, gain, boost), gain_target=gain)
        seq = [f"roadm {a}", boost, *items]
        cur_site, link_k = b, k
        while sites[cur_site].kind == "amplifier":
            nxt = next(x for x in degree_links[cur_site] if x != link_k)
            lk = doc["links"][nxt]
            far = lk["to"] if lk["from"] == cur_site else lk["from"]
            seq += chains[(nxt, cur_site)][2]
            cur_site, link_k = far, nxt
        seq.append(f"roadm {cur_site}")
        conns += list(zip(seq[:-1], seq[1:], strict=True))
    used = {u for c in conns for u in c}
    for uid in [u for u in elements if u not in used]:
        del elements[uid]  # chains of amplifier-hut links are reached from their ROADM ends
    for k in ("roadm_latency_s", "amplifier_latency_s"):
        doc.setdefault(k, 0.0)
    return Network(elements=elements, connections=conns, equipment=eq, sites=sites, name=doc.get("name", ""),
                   group_index=1.4682, roadm_latency_s=float(doc["roadm_latency_s"]),
                   amplifier_latency_s=float(doc["amplifier_latency_s"]), warnings=warnings)


def load_native(path) -> Network:
    """A `Network` from a native YAML/JSON file."""
    from optolink.core.files import read_mapping

    p = pathlib.Path(os.fspath(path))
    return build_native(read_mapping(p, "network file"), base_dir=p.parent)


def example_metro(n_sites: int = 40, seed: int = 7, n_compute: int = 0) -> dict:
    """A synthetic metro (native form): ``n_sites`` sites on a ring-and-spoke city of ~60 km diameter (a core
    ring of 8 hubs, the others attached to their two nearest hubs or neighbours), fibre lengths = 1.3 × the
    straight-line distance (a typical route factor for metro ducts), populations log-normal."""
    if isinstance(n_sites, bool) or not isinstance(n_sites, int) or not 8 <= n_sites <= 10_000:
        raise ValueError(f"n_sites must be an integer in [8, 10000] (8 hubs, then the others); got {n_sites!r}")
    rng = np.random.default_rng(seed)
    lat0, lon0 = 48.85, 2.35
    km_lat, km_lon = 111.2, 111.2 * math.cos(math.radians(lat0))
    pts = []
    for k in range(8):
        ang = 2 * math.pi * k / 8
        pts.append((12 * math.cos(ang), 12 * math.sin(ang)))
    while len(pts) < n_sites:
        r, ang = 30 * math.sqrt(rng.uniform(0.05, 1)), rng.uniform(0, 2 * math.pi)
        pts.append((r * math.cos(ang), r * math.sin(ang)))
    pts = np.array(pts)
    names = [f"hub{k}" if k < 8 else f"site{k:02d}" for k in range(n_sites)]
    sites = []
    for k, (x, y) in enumerate(pts):
        kind = "compute" if k < n_compute else ("roadm" if k < 8 else "endpoint")
        sites.append({"name": names[k], "lat": round(lat0 + y / km_lat, 5), "lon": round(lon0 + x / km_lon, 5),
                      "kind": kind, "weight": round(float(rng.lognormal(0, 0.6)), 3)})
    d = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    edges = {(k, (k + 1) % 8) for k in range(8)} | {(0, 4), (2, 6)}
    for k in range(8, n_sites):
        order = [j for j in np.argsort(d[k]) if j != k and j < k]
        for j in order[:2]:
            edges.add((min(k, j), max(k, j)))
    links = [{"from": names[a], "to": names[b], "length_km": round(float(1.3 * d[a, b]) + 0.5, 2)}
             for a, b in sorted({(min(a, b), max(a, b)) for a, b in edges})]
    return {"name": f"synthetic metro ({n_sites} sites)", "launch_power_dbm": 0.0, "max_span_loss_db": 22.0,
            "sites": sites, "links": links}


