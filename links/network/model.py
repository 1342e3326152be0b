"""The network model: sites, elements (Transceiver, Roadm, Fiber, Edfa, Fused — GNPy's element set) and their
directed connections, with the equipment library they refer to.

A *site* groups the elements at one place (GNPy: ``metadata.location.city``); its kind is ``compute``,
``roadm``, ``amplifier`` (an in-line amplifier hut) or ``endpoint``. Traffic starts and ends at TransceiverNode
elements; the optical path between two transceivers is a chain of elements.

Latency (one way) = Σ fibre length · n_g / c + the node latencies on the path. Defaults and sources:

- n_g: 1.468 for networks imported from GNPy (GNPy's ``FiberParams._n1``, so that latencies compare), and
  1.4682 for native networks (Corning SMF-28 Ultra, product information PI1424, at 1550 nm);
- ROADM pass: 0 s by default (a WSS pass adds < 0.1 µs of fibre and free-space optics; give
  ``roadm_latency_s`` to count it); in-line EDFA: 0 s by default (~20 m of erbium fibre ≈ 0.1 µs,
  ``amplifier_latency_s``);
- transceiver DSP + FEC (Tx + Rx): from the selected transceiver mode (`links.network.modes`; 400ZR ≈ 5 µs,
  OpenZR+/800ZR ≈ 8 µs, secondary sources flagged in `links.standards`), counted in the path table and in
  the latency circles, not in `Lightpath.latency_s` (which compares with GNPy's propagation latency).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from optolink.core.validate import check_real

from .equipment import GNPY_N1, Equipment

SITE_KINDS = ("compute", "roadm", "amplifier", "endpoint")
ELEMENT_TYPES = ("Transceiver", "Roadm", "Fiber", "Edfa", "Fused")


@dataclass(frozen=True)
class Site:
    """A site: name, latitude/longitude (degrees), kind, and a population/demand weight (coverage)."""

    name: str
    latitude: float = 0.0
    longitude: float = 0.0
    kind: str = "endpoint"
    weight: float = 1.0

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"a site needs a non-empty name; got {self.name!r}")
        check_real(f"site {self.name!r}.latitude", self.latitude, low=-90.0, high=90.0)
        check_real(f"site {self.name!r}.longitude", self.longitude, low=-360.0, high=360.0)
        if self.kind not in SITE_KINDS:
            raise ValueError(f"site {self.name!r}.kind must be one of {SITE_KINDS}; got {self.kind!r}")
        check_real(f"site {self.name!r}.weight", self.weight, low=0.0)


@dataclass(frozen=True)
class Location:
    latitude: float = 0.0
    longitude: float = 0.0
    city: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Element:
    uid: str
    location: Location = field(default_factory=Location)
    extra: dict = field(default_factory=dict, compare=False)  # input fields kept verbatim for export

    @property
    def type(self) -> str:
        return type(self).__name__.removesuffix("Node")  # GNPy's element type name


@dataclass(frozen=True)
class TransceiverNode(Element):
    pass


@dataclass(frozen=True)
class Roadm(Element):
    """A ROADM: its type (equipment) and per-element overrides of the equalisation target."""

    type_variety: str | None = None
    target_pch_out_db: float | None = None
    target_psd_out_mWperGHz: float | None = None
    per_degree_pch_out_db: dict = field(default_factory=dict)
    per_degree_psd: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FiberNode(Element):
    """A fibre span: length (m), loss (dB/km), connector losses and input pad (dB)."""

    type_variety: str = "SSMF"
    length: float = 0.0
    loss_coef: float = 0.2  # dB/km
    con_in: float = 0.0
    con_out: float = 0.0
    att_in: float = 0.0
    pmd_coef: float | None = None  # s/√m; None: the fibre type's

    def __post_init__(self):
        if not (isinstance(self.length, int | float) and math.isfinite(self.length) and self.length > 0):
            raise ValueError(f"Fiber {self.uid!r}: field 'length' must be > 0 m; got {self.length!r}")
        for name in ("loss_coef", "con_in", "con_out", "att_in"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and math.isfinite(v) and 0 <= v <= 100):
                raise ValueError(f"Fiber {self.uid!r}: field {name!r} must be in [0, 100] dB(/km); got {v!r}")

    @property
    def loss_db(self) -> float:
        return self.loss_coef * self.length / 1e3 + self.con_in + self.con_out + self.att_in


@dataclass(frozen=True)
class EdfaNode(Element):
    """An amplifier: its type and operating point (gain and VOAs in dB; delta_p and tilt as GNPy stores them)."""

    type_variety: str = ""
    gain_target: float | None = None
    tilt_target: float = 0.0
    out_voa: float = 0.0
    in_voa: float = 0.0
    delta_p: float | None = None


@dataclass(frozen=True)
class Fused(Element):
    loss: float = 1.0  # dB (GNPy's default)


@dataclass
class Network:
    """Elements and directed connections, the equipment they use, sites, and what the import reported.

    ``warnings``: fields read but not modelled, or not understood (kept for export), one line each.
    ``nli_model``: the NLI model of every fibre, ``"closed_form"`` (default: the point-to-point engine's closed
    GN sum, which matches GNPy's to ~0.001 dB, fast enough for all pairs of 100-site networks) or ``"gn"`` (the
    exact GN integral, `links.budget_nli.span_nli_power`; ~35–80 ms of tables per distinct fibre type and
    length, then ~1 ms per span evaluation). EGN accumulates over a path's spans and is a point-to-point
    budget option (`links.budget.coherent_budget`), not a network one.
    """

    elements: dict
    connections: list
    equipment: Equipment
    sites: dict = field(default_factory=dict)
    name: str = ""
    group_index: float = GNPY_N1
    roadm_latency_s: float = 0.0
    amplifier_latency_s: float = 0.0
    warnings: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    nli_model: str = "closed_form"

    def __post_init__(self):
        if self.nli_model not in ("closed_form", "gn"):
            raise ValueError(f"nli_model must be 'closed_form' or 'gn' for a network (EGN is a path quantity: "
                             f"links.budget.coherent_budget); got {self.nli_model!r}")
        self.validate()
        from .graph import ElementGraph  # local: the graph module uses the model

        self._graph = ElementGraph(self)
        self._cache: dict = {}

    def __getstate__(self):  # pickled (e.g. to Dask workers) without the evaluation caches
        state = self.__dict__.copy()
        state["_cache"] = {}
        return state

    # --- structure -------------------------------------------------------------------------------------
    def validate(self) -> None:
        """ValueError naming the element and field for a dangling connection, an unknown type reference, or an
        element without connections; called on construction."""
        for k, (a, b) in enumerate(self.connections):
            for end, uid in (("from_node", a), ("to_node", b)):
                if uid not in self.elements:
                    raise ValueError(f"connections[{k}]: field {end!r} names {uid!r}, which is not an element "
                                     "(dangling connection)")
        eq = self.equipment
        for uid, e in self.elements.items():
            if isinstance(e, FiberNode):
                eq.fiber(e.type_variety, uid)
            elif isinstance(e, EdfaNode):
                amp = eq.amplifier(e.type_variety, uid)
                if e.gain_target is None:
                    raise ValueError(f"Edfa {uid!r}: field 'operational.gain_target' is missing (a designed network "
                                     "gives every gain; run GNPy's design and --save-network, or set the gain)")
                if amp.type_def == "dual_stage":
                    for v in (amp.preamp_variety, amp.booster_variety):
                        eq.amplifier(v, uid)
            elif isinstance(e, Roadm):
                eq.roadm(e.type_variety, uid)
        linked = {a for a, _ in self.connections} | {b for _, b in self.connections}
        for uid in self.elements:
            if uid not in linked:
                raise ValueError(f"element {uid!r} has no connection (field 'connections')")

    @property
    def graph(self):
        return self._graph

    def transceivers(self) -> list[str]:
        return [u for u, e in self.elements.items() if isinstance(e, TransceiverNode)]

    def site_of(self, uid: str) -> str:
        return self._graph.site_of[uid]

    # --- optical paths --------------------------------------------------------------------------------
    def path(self, src: str, dst: str) -> list[str]:
        """Element uids of the shortest path (fibre length; other elements weigh 0.01 as in GNPy)."""
        return self._graph.shortest_element_path(self._uid(src), self._uid(dst))

    def lightpath(self, src: str, dst: str, *, path: list[str] | None = None, spectrum=None):
        """Propagate the design spectrum from transceiver ``src`` to ``dst`` (uids or site names) along the
        shortest path (or the given element ``path``): a `links.network.engine.Lightpath` with per-channel
        GSNR (``gsnr_db`` the channel mean, signal bandwidth, as GNPy prints it) and ``latency_s`` (one way)."""
        from .engine import propagate

        elems = path if path is not None else self.path(src, dst)
        return propagate(self, elems, spectrum=spectrum)

    def _uid(self, name: str) -> str:
        if name in self.elements and isinstance(self.elements[name], TransceiverNode):
            return name
        for uid in self.transceivers():
            if self._graph.site_of.get(uid) == name:
                return uid
        raise ValueError(f"{name!r} is neither a TransceiverNode uid nor a site with a transceiver "
                         f"(transceivers: {sorted(self.transceivers())[:8]}...)")
