"""GNPy 3.x topology and equipment JSON: import into a `Network`, export back.

Formats as GNPy 3.0 reads them (``gnpy.tools.json_io``; examples in ``gnpy/example-data``): a topology
``{"network_name", "elements": [{uid, type, type_variety, params, operational, metadata}], "connections":
[{from_node, to_node}]}`` and an equipment library ``{"Edfa": [...], "Fiber": [...], "Span": [...],
"Roadm": [...], "SI": [...], "Transceiver": [...]}``.

Imported: TransceiverNode, Roadm, FiberNode, EdfaNode, Fused elements; equipment EdfaNode (variable_gain, fixed_gain,
openroadm, openroadm_preamp, openroadm_booster, dual_stage), FiberNode, Roadm (with roadm-path-impairments), SI,
TransceiverNode modes; the Span section is kept for export. Anything else is kept for export and listed in
``network.warnings`` (never dropped silently); what cannot be propagated (RamanFiber, multi-band or advanced
amplifiers, frequency-dependent loss, lumped losses) is an error naming the element and field when a network
element uses it. A network must be *designed* (every amplifier gain explicit), as GNPy's ``--save-network``
writes it.
"""

from __future__ import annotations

import copy
import json
import os
import pathlib

from optolink.core.constants import C

from .equipment import (
    AMP_TYPE_DEFS,
    AmplifierType,
    Equipment,
    FiberType,
    RoadmImpairment,
    RoadmType,
    Spectrum,
    TransceiverType,
)
from .model import ELEMENT_TYPES, EdfaNode, FiberNode, Fused, Location, Network, Roadm, Site, TransceiverNode
from .modes import TransceiverMode

_AMP_FIELDS = {"type_variety", "type_def", "gain_flatmax", "gain_min", "p_max", "nf_min", "nf_max", "nf0",
               "nf_coef", "preamp_variety", "booster_variety", "f_min", "f_max", "dgt", "gain_ripple", "nf_ripple",
               "pmd", "pdl", "out_voa_auto", "allowed_for_design", "raman"}
_FIBER_FIELDS = {"type_variety", "dispersion", "effective_area", "gamma", "pmd_coef", "dispersion_slope",
                 "ref_wavelength", "ref_frequency"}
_ROADM_FIELDS = {"type_variety", "target_pch_out_db", "target_psd_out_mWperGHz", "target_out_mWperSlotWidth",
                 "add_drop_osnr", "pmd", "pdl", "restrictions", "roadm-path-impairments", "filter_penalty_db"}
_SI_FIELDS = {"f_min", "f_max", "baud_rate", "spacing", "roll_off", "power_dbm", "tx_power_dbm", "tx_osnr",
              "sys_margins", "power_range_db", "use_si_channel_count_for_design", "type_variety"}


def _read(obj, what: str) -> dict:
    if isinstance(obj, dict):
        return copy.deepcopy(obj)
    path = pathlib.Path(os.fspath(obj))
    if not path.is_file():
        raise FileNotFoundError(f"{what} file not found: {path}")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} {path} is not valid JSON: {exc}") from None


def _need(d: dict, key: str, where: str):
    if key not in d:
        raise ValueError(f"{where}: missing field {key!r}")
    return d[key]


def _warn_unknown(d: dict, known: set, where: str, warnings: list) -> None:
    for k in d:
        if k not in known:
            warnings.append(f"{where}: field {k!r} is not modelled (kept for export)")


# --------------------------------------------------------------------------------------------------------
# equipment
# --------------------------------------------------------------------------------------------------------
def parse_equipment(data, warnings: list | None = None) -> Equipment:
    """An `Equipment` from a GNPy ``eqpt_config.json`` (path or dict)."""
    warnings = [] if warnings is None else warnings
    eq = _read(data, "equipment")
    if not isinstance(eq, dict):
        raise ValueError("equipment: the top level must be a JSON object")
    amps = {}
    for k, a in enumerate(eq.get("Edfa", [])):
        where = f"equipment Edfa[{k}]"
        name = _need(a, "type_variety", where)
        where = f"equipment EdfaNode {name!r}"
        type_def = a.get("type_def", "variable_gain")
        if type_def not in AMP_TYPE_DEFS:
            warnings.append(f"{where}: type_def {type_def!r} is not supported (kept for export; an element using "
                            "it is refused)")
            amps[name] = ("unsupported", a)
            continue
        if type_def != "dual_stage":
            for f in ("gain_flatmax", "gain_min", "p_max"):
                _need(a, f, where)
        _warn_unknown(a, _AMP_FIELDS, where, warnings)
        kw = {f: a[f] for f in _AMP_FIELDS if f in a and f not in ("type_def",)}
        for f in ("dgt", "gain_ripple", "nf_ripple", "nf_coef"):
            if f in kw:
                kw[f] = tuple(kw[f]) if isinstance(kw[f], list) else (kw[f],)
        if "raman" in kw and kw["raman"]:
            warnings.append(f"{where}: a Raman amplifier (raman=true) is modelled as its EDFA stages only")
        if type_def == "dual_stage":
            kw.setdefault("gain_flatmax", 0.0)
            kw.setdefault("gain_min", a.get("gain_min", 0.0))
            kw.setdefault("p_max", 100.0)
        amps[name] = AmplifierType(type_def=type_def, extra=a, **kw)
    fibers = {}
    for k, fdef in enumerate(eq.get("Fiber", [])):
        name = _need(fdef, "type_variety", f"equipment Fiber[{k}]")
        where = f"equipment FiberNode {name!r}"
        _warn_unknown(fdef, _FIBER_FIELDS, where, warnings)
        if isinstance(fdef.get("dispersion"), dict) or "dispersion_per_frequency" in fdef:
            warnings.append(f"{where}: frequency-dependent dispersion is not supported (kept for export)")
        ref_f = fdef.get("ref_frequency", C / fdef["ref_wavelength"] if "ref_wavelength" in fdef else C / 1550e-9)
        fibers[name] = FiberType(type_variety=name, dispersion=fdef.get("dispersion", 1.67e-5),
                                 effective_area=fdef.get("effective_area"), gamma=fdef.get("gamma"),
                                 pmd_coef=fdef.get("pmd_coef", 0.0), dispersion_slope=fdef.get("dispersion_slope"),
                                 ref_frequency=ref_f, extra=fdef)
    if eq.get("RamanFiber"):
        warnings.append("equipment RamanFiber: Raman fibres are not supported (kept for export)")
    roadms = {}
    for r in eq.get("Roadm", []):
        name = r.get("type_variety", "default")
        where = f"equipment Roadm {name!r}"
        _need(r, "add_drop_osnr", where)
        if not any(t in r for t in ("target_pch_out_db", "target_psd_out_mWperGHz", "target_out_mWperSlotWidth")):
            raise ValueError(f"{where}: missing field 'target_pch_out_db' (or a PSD target)")
        _warn_unknown(r, _ROADM_FIELDS, where, warnings)
        imps = []
        for entry in r.get("roadm-path-impairments", []):
            for key, kind in (("roadm-express-path", "express"), ("roadm-add-path", "add"),
                              ("roadm-drop-path", "drop")):
                if key in entry:
                    band = entry[key][0]
                    if len(entry[key]) > 1:
                        warnings.append(f"{where}: {key} has several frequency ranges; the first is used")
                    imps.append(RoadmImpairment(kind, float(band.get("roadm-maxloss", 0.0)),
                                                band.get("roadm-osnr"), float(band.get("roadm-pmd", 0.0) or 0.0),
                                                float(band.get("roadm-pdl", 0.0) or 0.0)))
        roadms[name] = RoadmType(type_variety=name, target_pch_out_db=r.get("target_pch_out_db"),
                                 target_psd_out_mWperGHz=r.get("target_psd_out_mWperGHz"),
                                 target_out_mWperSlotWidth=r.get("target_out_mWperSlotWidth"),
                                 add_drop_osnr=float(r["add_drop_osnr"]), pmd=float(r.get("pmd", 0.0)),
                                 pdl=float(r.get("pdl", 0.0)), impairments=tuple(imps),
                                 filter_penalty_db=float(r.get("filter_penalty_db", 0.0)),
                                 restrictions=r.get("restrictions", {}), extra=r)
    si_list = eq.get("SI", [])
    if not si_list:
        raise ValueError("equipment: missing field 'SI' (the design spectrum)")
    si = next((s for s in si_list if s.get("type_variety", "default") == "default"), si_list[0])
    for f in ("f_min", "f_max", "baud_rate", "spacing", "power_dbm", "tx_osnr"):
        _need(si, f, "equipment SI")
    _warn_unknown(si, _SI_FIELDS, "equipment SI", warnings)
    spectrum = Spectrum(f_min=si["f_min"], f_max=si["f_max"], baud_rate=si["baud_rate"], spacing=si["spacing"],
                        roll_off=si.get("roll_off", 0.15), power_dbm=si["power_dbm"],
                        tx_power_dbm=si.get("tx_power_dbm", si["power_dbm"]), tx_osnr=si["tx_osnr"],
                        sys_margins=si.get("sys_margins", 0.0), extra=si)
    trx = {}
    for k, t in enumerate(eq.get("Transceiver", [])):
        name = _need(t, "type_variety", f"equipment Transceiver[{k}]")
        modes = []
        for j, m in enumerate(_need(t, "mode", f"equipment TransceiverNode {name!r}")):
            where = f"equipment TransceiverNode {name!r} mode[{j}]"
            for f in ("format", "baud_rate", "OSNR", "bit_rate"):
                _need(m, f, where)
            modes.append(TransceiverMode(name=f"{name} {m['format']}", rate=float(m["bit_rate"]),
                                         baud_rate=float(m["baud_rate"]), required_osnr_db=float(m["OSNR"]),
                                         margin_db=float(si.get("sys_margins", 0.0)), source="gnpy",
                                         spacing=m.get("min_spacing"), tx_osnr_db=m.get("tx_osnr"),
                                         reference=f"GNPy equipment library, TransceiverNode {name!r}"))
        freq = t.get("frequency", {})
        trx[name] = TransceiverType(name, tuple(modes), freq.get("min"), freq.get("max"), extra=t)
    span = (eq.get("Span") or [{}])[0]
    extra = {k: v for k, v in eq.items() if k not in ("Edfa", "Fiber", "Roadm", "SI", "Transceiver", "Span")}
    for k in extra:
        warnings.append(f"equipment: section {k!r} is not modelled (kept for export)")
    return Equipment(amplifiers=amps, fibers=fibers, roadms=roadms, spectrum=spectrum, transceivers=trx, span=span,
                     extra={"raw": eq, **extra})


# --------------------------------------------------------------------------------------------------------
# topology
# --------------------------------------------------------------------------------------------------------
def _location(e: dict) -> Location:
    loc = (e.get("metadata") or {}).get("location") or {}
    return Location(float(loc.get("latitude", 0.0) or 0.0), float(loc.get("longitude", 0.0) or 0.0),
                    loc.get("city"), loc.get("region"))


_LENGTH_UNITS = {"km": 1e3, "m": 1.0}


def _element(e: dict, k: int, eq: Equipment, span_rules: dict, warnings: list):
    uid = _need(e, "uid", f"elements[{k}]")
    kind = _need(e, "type", f"element {uid!r}")
    if kind not in ELEMENT_TYPES:
        raise ValueError(f"element {uid!r}: field 'type' {kind!r} is not supported (supported: {ELEMENT_TYPES})")
    where = f"{kind} {uid!r}"
    params = dict(e.get("params") or {})
    op = dict(e.get("operational") or {})
    loc = _location(e)
    extra = {k2: v for k2, v in e.items() if k2 not in ("uid", "type", "type_variety", "params", "operational",
                                                        "metadata")}
    for k2 in extra:
        warnings.append(f"{where}: field {k2!r} is not modelled (kept for export)")
    if kind == "Transceiver":
        if params:
            warnings.append(f"{where}: params are not modelled (kept for export)")
        return TransceiverNode(uid, loc, extra={**extra, "params": params} if params else extra)
    if kind == "Fused":
        loss = float(params.pop("loss", 1.0))
        _warn_unknown(params, set(), where + " params", warnings)
        return Fused(uid, loc, extra={**extra, "params": params} if params else extra, loss=loss)
    if kind == "Roadm":
        known = {"target_pch_out_db", "target_psd_out_mWperGHz", "per_degree_pch_out_db", "per_degree_pch_psd",
                 "restrictions"}
        _warn_unknown(params, known, where + " params", warnings)
        return Roadm(uid, loc, extra={**extra, "params": params}, type_variety=e.get("type_variety"),
                     target_pch_out_db=params.get("target_pch_out_db"),
                     target_psd_out_mWperGHz=params.get("target_psd_out_mWperGHz"),
                     per_degree_pch_out_db=dict(params.get("per_degree_pch_out_db", {})),
                     per_degree_psd=dict(params.get("per_degree_pch_psd", {})))
    if kind == "Edfa":
        name = _need(e, "type_variety", where)
        amp = eq.amplifier(name, uid)
        if isinstance(amp, tuple):
            raise ValueError(f"{where}: field 'type_variety' {name!r} uses an unsupported amplifier model "
                             f"(type_def {amp[1].get('type_def')!r})")
        _warn_unknown(op, {"gain_target", "tilt_target", "out_voa", "in_voa", "delta_p"}, where + " operational",
                      warnings)
        if params:
            warnings.append(f"{where}: params are not modelled (kept for export)")
        return EdfaNode(uid, loc, extra={**extra, "params": params, "operational": op}, type_variety=name,
                    gain_target=op.get("gain_target"), tilt_target=float(op.get("tilt_target", 0.0) or 0.0),
                    out_voa=float(op.get("out_voa", 0.0) or 0.0), in_voa=float(op.get("in_voa", 0.0) or 0.0),
                    delta_p=op.get("delta_p"))
    # Fiber
    name = e.get("type_variety", "SSMF")
    eq.fiber(name, uid)
    length = _need(params, "length", where + " params")
    units = params.get("length_units", "km")
    if units not in _LENGTH_UNITS:
        raise ValueError(f"{where}: field 'length_units' must be one of {sorted(_LENGTH_UNITS)}; got {units!r}")
    if not isinstance(length, int | float) or length <= 0:
        raise ValueError(f"{where}: field 'length' must be > 0; got {length!r}")
    loss = _need(params, "loss_coef", where + " params")
    if isinstance(loss, dict):
        raise ValueError(f"{where}: field 'loss_coef' is frequency-dependent, which is not supported")
    if params.get("lumped_losses"):
        raise ValueError(f"{where}: field 'lumped_losses' is not supported")
    known = {"length", "length_units", "loss_coef", "con_in", "con_out", "att_in", "pmd_coef", "lumped_losses"}
    for k2 in params:
        if k2 not in known:
            warnings.append(f"{where} params: field {k2!r} is not modelled (the fibre type's value is used; kept "
                            "for export)")
    con_in = params.get("con_in")
    con_out = params.get("con_out")
    con_in = float(span_rules.get("con_in", 0.0)) if con_in is None else float(con_in)
    con_out = float(span_rules.get("con_out", 0.0)) + float(span_rules.get("EOL", 0.0)) if con_out is None \
        else float(con_out)
    return FiberNode(uid, loc, extra={**extra, "params": params}, type_variety=name,
                 length=float(length) * _LENGTH_UNITS[units], loss_coef=float(loss), con_in=con_in,
                 con_out=con_out, att_in=float(params.get("att_in", 0.0) or 0.0), pmd_coef=params.get("pmd_coef"))


def parse_topology(data, equipment: Equipment, warnings: list | None = None, **network_kw) -> Network:
    """A `Network` from a GNPy topology (path or dict) and an `Equipment`."""
    warnings = [] if warnings is None else warnings
    topo = _read(data, "topology")
    elements = {}
    for k, e in enumerate(_need(topo, "elements", "topology")):
        el = _element(e, k, equipment, equipment.span, warnings)
        if el.uid in elements:
            raise ValueError(f"element {el.uid!r}: duplicate uid (field 'uid')")
        elements[el.uid] = el
    conns = []
    for k, cx in enumerate(_need(topo, "connections", "topology")):
        a = _need(cx, "from_node", f"connections[{k}]")
        b = _need(cx, "to_node", f"connections[{k}]")
        conns.append((a, b))
        for f in cx:
            if f not in ("from_node", "to_node"):
                warnings.append(f"connections[{k}]: field {f!r} is not modelled")
    for k in topo:
        if k not in ("elements", "connections", "network_name"):
            warnings.append(f"topology: field {k!r} is not modelled (kept for export)")
    sites = _sites(elements)
    return Network(elements=elements, connections=conns, equipment=equipment, sites=sites,
                   name=topo.get("network_name", ""), warnings=warnings,
                   extra={k: v for k, v in topo.items() if k not in ("elements", "connections", "network_name")},
                   **network_kw)


def _sites(elements: dict) -> dict:
    groups: dict = {}
    for e in elements.values():
        if isinstance(e, FiberNode):
            continue
        city = e.location.city or (e.uid if isinstance(e, TransceiverNode | Roadm) else None)
        if city:
            groups.setdefault(city, []).append(e)
    sites = {}
    for city, els in groups.items():
        kinds = {type(e) for e in els}
        kind = "endpoint" if TransceiverNode in kinds else "roadm" if Roadm in kinds else "amplifier"
        loc = els[0].location
        sites[city] = Site(city, max(-90.0, min(90.0, loc.latitude)), loc.longitude, kind)
    return sites


def load_gnpy(topology, equipment, **network_kw) -> Network:
    """`Network` from GNPy's topology JSON and equipment JSON (paths or dicts); see the module docstring."""
    warnings: list = []
    eq = parse_equipment(equipment, warnings)
    return parse_topology(topology, eq, warnings, **network_kw)


# --------------------------------------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------------------------------------
def _meta(e) -> dict:
    loc = e.location
    return {"location": {"latitude": loc.latitude, "longitude": loc.longitude, "city": loc.city,
                         "region": loc.region}}


def export_topology(network: Network) -> dict:
    """GNPy topology JSON of ``network`` (fields read and not modelled are written back as they came)."""
    out = []
    for e in network.elements.values():
        d = {"uid": e.uid, "type": e.type}
        extra = dict(e.extra)
        if isinstance(e, FiberNode):
            d["type_variety"] = e.type_variety
            params = dict(extra.pop("params", {}))
            params.update({"length": e.length / 1e3, "length_units": "km", "loss_coef": e.loss_coef,
                           "con_in": e.con_in, "con_out": e.con_out, "att_in": e.att_in})
            if e.pmd_coef is not None:
                params["pmd_coef"] = e.pmd_coef
            d["params"] = params
        elif isinstance(e, EdfaNode):
            d["type_variety"] = e.type_variety
            extra.pop("params", None)
            op = dict(extra.pop("operational", {}))
            op.update({"gain_target": e.gain_target, "tilt_target": e.tilt_target, "out_voa": e.out_voa,
                       "in_voa": e.in_voa})
            if e.delta_p is not None:
                op["delta_p"] = e.delta_p
            d["operational"] = op
        elif isinstance(e, Roadm):
            if e.type_variety is not None:
                d["type_variety"] = e.type_variety
            params = dict(extra.pop("params", {}))
            for k, v in (("target_pch_out_db", e.target_pch_out_db),
                         ("target_psd_out_mWperGHz", e.target_psd_out_mWperGHz)):
                if v is not None:
                    params[k] = v
            if e.per_degree_pch_out_db:
                params["per_degree_pch_out_db"] = dict(e.per_degree_pch_out_db)
            if e.per_degree_psd:
                params["per_degree_pch_psd"] = dict(e.per_degree_psd)
            d["params"] = params
        elif isinstance(e, Fused):
            params = dict(extra.pop("params", {}))
            params["loss"] = e.loss
            d["params"] = params
        else:
            params = extra.pop("params", None)
            if params:
                d["params"] = params
        d["metadata"] = _meta(e)
        d.update(extra)
        out.append(d)
    topo = {"network_name": network.name, "elements": out,
            "connections": [{"from_node": a, "to_node": b} for a, b in network.connections]}
    topo.update(network.extra)
    return topo


def export_equipment(eq: Equipment) -> dict:
    """GNPy equipment JSON: the imported file's sections as read (with the model's values written over)."""
    raw = copy.deepcopy(eq.extra.get("raw", {}))
    if raw:
        return raw
    amps = []
    for a in eq.amplifiers.values():
        if isinstance(a, tuple):
            amps.append(a[1])
            continue
        d = {"type_variety": a.type_variety, "type_def": a.type_def, "gain_flatmax": a.gain_flatmax,
             "gain_min": a.gain_min, "p_max": a.p_max}
        for f in ("nf_min", "nf_max", "nf0", "preamp_variety", "booster_variety"):
            if getattr(a, f) is not None:
                d[f] = getattr(a, f)
        if a.nf_coef is not None:
            d["nf_coef"] = list(a.nf_coef)
        d.update(out_voa_auto=a.out_voa_auto, allowed_for_design=a.allowed_for_design)
        amps.append(d)
    fibers = []
    for f in eq.fibers.values():
        d = {"type_variety": f.type_variety, "dispersion": f.dispersion, "pmd_coef": f.pmd_coef}
        if f.gamma is not None:
            d["gamma"] = f.gamma
        else:
            d["effective_area"] = f.effective_area
        if f.dispersion_slope is not None:
            d["dispersion_slope"] = f.dispersion_slope
        fibers.append(d)
    roadms = []
    for r in eq.roadms.values():
        d = {"type_variety": r.type_variety, "add_drop_osnr": r.add_drop_osnr, "pmd": r.pmd, "pdl": r.pdl,
             "restrictions": r.restrictions or {"preamp_variety_list": [], "booster_variety_list": []}}
        if r.target_pch_out_db is not None:
            d["target_pch_out_db"] = r.target_pch_out_db
        if r.target_psd_out_mWperGHz is not None:
            d["target_psd_out_mWperGHz"] = r.target_psd_out_mWperGHz
        roadms.append(d)
    s = eq.spectrum
    si = {"f_min": s.f_min, "f_max": s.f_max, "baud_rate": s.baud_rate, "spacing": s.spacing, "roll_off": s.roll_off,
          "power_dbm": s.power_dbm, "tx_power_dbm": s.tx_power_dbm, "tx_osnr": s.tx_osnr,
          "sys_margins": s.sys_margins, "power_range_db": [0, 0, 1]}
    span = eq.span or {"power_mode": True, "delta_power_range_db": [0, 0, 0.5], "max_fiber_lineic_loss_for_raman":
                       0.25, "target_extended_gain": 2.5, "max_length": 150, "length_units": "km", "max_loss": 28,
                       "padding": 10, "EOL": 0, "con_in": 0, "con_out": 0}
    trx = []
    for t in eq.transceivers.values():
        trx.append(t.extra or {"type_variety": t.type_variety, "frequency": {"min": s.f_min, "max": s.f_max},
                               "mode": [{"format": m.name, "baud_rate": m.baud_rate, "OSNR": m.required_osnr_db,
                                         "bit_rate": m.rate, "roll_off": s.roll_off, "tx_osnr": s.tx_osnr,
                                         "min_spacing": m.spacing or s.spacing, "cost": 1} for m in t.modes]})
    return {"Edfa": amps, "Fiber": fibers, "Span": [span], "Roadm": roadms, "SI": [si], "Transceiver": trx}


def export_gnpy(network: Network) -> tuple[dict, dict]:
    """(topology, equipment) JSON objects that GNPy reads and `load_gnpy` re-imports to the same model."""
    return export_topology(network), export_equipment(network.equipment)
