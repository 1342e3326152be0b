"""Equipment library of a network: fibre types, amplifier types, ROADM types, the design spectrum, transceivers.

The fields follow GNPy's ``eqpt_config.json`` (GNPy 3.x, ``gnpy/example-data/eqpt_config.json``) so that an
equipment file imports and exports without loss; SI units inside (Hz, m, s, W), dB/dBm where the name says so.

Amplifier noise figure models (as GNPy evaluates them, ``gnpy.core.elements.Edfa._nf``; gain G in dB, the gain
below ``gain_min`` padded by an input attenuator that adds to the NF):

- ``variable_gain``: two coils, NF = 10·log10(nf1 + nf2/g1a), g1a = G − ΔP − max(gain_flatmax − G, 0); nf1, nf2
  and ΔP from (nf_min, nf_max) at (gain_flatmax, gain_min) by `estimate_nf_model` (GNPy's
  ``science_utils.estimate_nf_model``);
- ``fixed_gain``: NF = nf0;
- ``openroadm`` (ILA): NF = P_in,50GHz − polyval(nf_coef, P_in,50GHz) + 58 (OpenROADM MSA OSNR model);
- ``openroadm_preamp``: NF = P_in − min((4·P_in + 275)/7, 33) + 58; ``openroadm_booster``: noiseless;
- ``dual_stage``: a preamp at its flat-max gain followed by a booster, NF = NF1 + NF2/G1 (Friis).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from optolink.core.constants import C
from optolink.core.validate import check_real

# GNPy's default dynamic gain tilt, used for an amplifier type that gives none (gnpy.core.parameters
# DEFAULT_EDFA_CONFIG, BSD-3-Clause, Telecom Infra Project); only matters with a tilt target != 0.
DEFAULT_DGT = (
    1.0, 1.017807767853702, 1.0356155337864215, 1.0534217504465226, 1.0712204022764056, 1.0895983485572227,
    1.108555289615659, 1.1280891949729075, 1.1476135933863398, 1.1672278304018044, 1.1869318618366975,
    1.2067249615595257, 1.2264996957264114, 1.2428104897182262, 1.2556591482982988, 1.2650555289898042,
    1.2744470198196236, 1.2838336236692311, 1.2932153453410835, 1.3040618749785347, 1.316383926863083,
    1.3301807335621048, 1.3439818461440451, 1.3598972673004606, 1.3779439775587023, 1.3981208704326855,
    1.418273806730323, 1.4340878115214444, 1.445565137158368, 1.45273959485914, 1.4599103316162523,
    1.4670307626366115, 1.474100442252211, 1.48111939735681, 1.488134243479226, 1.495145456062699,
    1.502153039909686, 1.5097346239790443, 1.5178910621476225, 1.5266220576235803, 1.5353620432989845,
    1.545374152761467, 1.5566577309558969, 1.569199764184379, 1.5817353179379183, 1.5986915141218316,
    1.6201194134191075, 1.6460167077689267, 1.6719047669939942, 1.6918150918099673, 1.7057507692361864,
    1.7137640932265894, 1.7217732861435076, 1.7297783508684146, 1.737780757913635, 1.7459181197626403,
    1.7541903672600494, 1.7625959636196327, 1.7709972329654864, 1.7793941781790852, 1.7877868031023945,
    1.7961751115773796, 1.8045606557581335, 1.8139629377087627, 1.824381436842932, 1.835814081380705,
    1.847275503201129, 1.862235672444246, 1.8806927939516411, 1.9026104247588487, 1.9245345552113182,
    1.9482128147680253, 1.9736443063300082, 2.0008103857988204, 2.0279625371819305, 2.055100772005235,
    2.082225099873648, 2.1183028432496016, 2.16337565384239, 2.2174389328192197, 2.271520771371253,
    2.322373696229342, 2.3699990328716107, 2.414398437185221, 2.4587748041127506, 2.499446286796604,
    2.5364027376452056, 2.5696460593920065, 2.602860350286428, 2.630396440815385, 2.6521732021128046,
    2.6681935771243177, 2.6841217449620203, 2.6947834587664494, 2.705443819238505, 2.714526681131686,
)
DEFAULT_AMP_BAND = (191.275e12, 196.125e12)  # Hz, the band of DEFAULT_DGT (GNPy's default EDFA config)

AMP_TYPE_DEFS = ("variable_gain", "fixed_gain", "openroadm", "openroadm_preamp", "openroadm_booster", "dual_stage")
N2_SILICA = 2.6e-20  # m²/W, GNPy's default nonlinear index (gnpy.core.parameters.FiberParams)
GNPY_N1 = 1.468  # GNPy's fibre group index for latency and the mode-field model (FiberParams._n1)
GNPY_CORE_RADIUS = 4.2e-6  # m, GNPy's core radius for the γ(f) scaling


def _db2lin(x):
    return 10.0 ** (np.asarray(x, dtype=float) / 10.0)


def _lin2db(x):
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(np.asarray(x, dtype=float))


def estimate_nf_model(name: str, gain_min: float, gain_max: float, nf_min: float, nf_max: float):
    """(nf1, nf2, ΔP) dB of the two-coil model that gives nf_min at gain_max and nf_max at gain_min.

    GNPy's procedure (gnpy.core.science_utils.estimate_nf_model): ΔP = 5 dB first, nf2 clipped to
    [nf1 + 0.3, nf1 + 2] dB and ΔP recomputed if needed; ValueError naming the amplifier when inconsistent.
    """
    delta_p = 5.0
    g1a_min = gain_min - (gain_max - gain_min) - delta_p
    g1a_max = gain_max - delta_p
    nf2 = float(_lin2db((_db2lin(nf_min) - _db2lin(nf_max)) / (1 / _db2lin(g1a_max) - 1 / _db2lin(g1a_min))))
    nf1 = float(_lin2db(_db2lin(nf_min) - _db2lin(nf2) / _db2lin(g1a_max)))
    if not nf1 >= 4:
        raise ValueError(f"amplifier {name!r}: nf_min/nf_max give a first-coil NF {nf1:.2f} dB < 4 dB")
    if not nf1 + 0.3 < nf2 < nf1 + 2:
        nf2 = float(np.clip(nf2, nf1 + 0.3, nf1 + 2))
        g1a_max = float(_lin2db(_db2lin(nf2) / (_db2lin(nf_min) - _db2lin(nf1))))
        delta_p = gain_max - g1a_max
        if not 1 < delta_p < 11:
            raise ValueError(f"amplifier {name!r}: nf_min/nf_max give a coil power difference {delta_p:.2f} dB "
                             "outside (1, 11) dB")
    return nf1, nf2, delta_p


@dataclass(frozen=True)
class AmplifierType:
    """An amplifier type (GNPy ``Edfa`` equipment entry). Gains and NFs in dB, powers in dBm, band in Hz."""

    type_variety: str
    type_def: str
    gain_flatmax: float
    gain_min: float
    p_max: float
    nf_min: float | None = None
    nf_max: float | None = None
    nf0: float | None = None
    nf_coef: tuple[float, ...] | None = None
    preamp_variety: str | None = None
    booster_variety: str | None = None
    f_min: float = DEFAULT_AMP_BAND[0]
    f_max: float = DEFAULT_AMP_BAND[1]
    dgt: tuple[float, ...] = DEFAULT_DGT
    gain_ripple: tuple[float, ...] = (0.0,)
    nf_ripple: tuple[float, ...] = (0.0,)
    pmd: float = 0.0  # s
    pdl: float = 0.0  # dB
    out_voa_auto: bool = False
    allowed_for_design: bool = False
    raman: bool = False
    extra: dict = field(default_factory=dict, compare=False)  # fields kept for export only

    def __post_init__(self):
        label = f"Edfa {self.type_variety!r}"
        if self.type_def not in AMP_TYPE_DEFS:
            raise ValueError(f"{label}: type_def must be one of {AMP_TYPE_DEFS}; got {self.type_def!r}")
        if self.type_def != "dual_stage":
            for name in ("gain_flatmax", "gain_min", "p_max"):
                check_real(f"{label}.{name}", getattr(self, name), low=-100.0, high=100.0)
        need = {"variable_gain": ("nf_min", "nf_max"), "fixed_gain": ("nf0",), "openroadm": ("nf_coef",),
                "dual_stage": ("preamp_variety", "booster_variety")}.get(self.type_def, ())
        for name in need:
            if getattr(self, name) is None:
                raise ValueError(f"{label} (type_def {self.type_def}) is missing the field {name!r}")
        if self.type_def == "variable_gain":
            object.__setattr__(self, "_nf_model", estimate_nf_model(self.type_variety, self.gain_min,
                                                                    self.gain_flatmax, self.nf_min, self.nf_max))

    @property
    def nf_model(self) -> tuple[float, float, float] | None:
        """(nf1, nf2, ΔP) of a variable-gain type."""
        return getattr(self, "_nf_model", None)

    def nf_db(self, gain_db: float, pin_total_dbm: float, n_channels: int, slot_width: float,
              library: dict | None = None) -> tuple[float, float]:
        """(NF in dB at ``gain_db``, input pad in dB) for the given total input power (the OpenROADM models)."""
        if self.type_def == "dual_stage":
            if library is None or self.preamp_variety not in library or self.booster_variety not in library:
                raise ValueError(f"Edfa {self.type_variety!r}: its preamp_variety {self.preamp_variety!r} / "
                                 f"booster_variety {self.booster_variety!r} are not in the equipment library")
            pre, boost = library[self.preamp_variety], library[self.booster_variety]
            g1 = pre.gain_flatmax
            nf1, _ = pre._nf(g1, pin_total_dbm, n_channels, slot_width)
            nf2, _ = boost._nf(gain_db - g1, pin_total_dbm, n_channels, slot_width)
            return float(_lin2db(_db2lin(nf1) + _db2lin(nf2 - g1))), 0.0
        return self._nf(gain_db, pin_total_dbm, n_channels, slot_width)

    def _nf(self, gain_db, pin_total_dbm, n_channels, slot_width):
        pad = max(self.gain_min - gain_db, 0.0)
        g = gain_db + pad
        dg = max(self.gain_flatmax - g, 0.0)
        if self.type_def == "variable_gain":
            nf1, nf2, delta_p = self.nf_model
            nf = float(_lin2db(_db2lin(nf1) + _db2lin(nf2) / _db2lin(g - delta_p - dg)))
        elif self.type_def == "fixed_gain":
            nf = float(self.nf0)
        elif self.type_def in ("openroadm", "openroadm_preamp"):
            p50 = pin_total_dbm - 10 * math.log10(n_channels) + 10 * math.log10(50e9 / slot_width)
            if self.type_def == "openroadm":
                nf = p50 - float(np.polyval(self.nf_coef, p50)) + 58
            else:
                nf = p50 - min((4 * p50 + 275) / 7, 33) + 58
        else:  # openroadm_booster: noiseless
            nf = -math.inf
        return nf + pad, pad


@dataclass(frozen=True)
class FiberType:
    """A fibre type: D (s/m², GNPy's unit) at ``ref_frequency``, optional slope (s/m³), effective area (m²),
    γ (1/(W·m)), PMD coefficient (s/√m). Without a slope, GNPy keeps β2 constant over the band (D ∝ f²)."""

    type_variety: str
    dispersion: float = 1.67e-05
    effective_area: float | None = 83e-12
    gamma: float | None = None
    pmd_coef: float = 0.0
    dispersion_slope: float | None = None
    ref_frequency: float = C / 1550e-9
    extra: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        label = f"Fiber {self.type_variety!r}"
        check_real(f"{label}.dispersion", self.dispersion, low=-1e-3, high=1e-3)
        if self.effective_area is None and self.gamma is None:
            object.__setattr__(self, "effective_area", 83e-12)
        if self.effective_area is not None:
            check_real(f"{label}.effective_area", self.effective_area, low=1e-12, high=1e-9)
        if self.gamma is not None:
            check_real(f"{label}.gamma", self.gamma, low=0.0, high=0.1)
        check_real(f"{label}.pmd_coef", self.pmd_coef, low=0.0, high=1e-12)

    @property
    def gamma_ref(self) -> float:
        """γ at the reference frequency, 1/(W·m): given, or 2π·n2/(λ_ref·A_eff) (GNPy's default)."""
        if self.gamma is not None:
            return float(self.gamma)
        return 2 * math.pi * N2_SILICA * self.ref_frequency / (C * self.effective_area)

    @property
    def area(self) -> float:
        return self.effective_area if self.effective_area is not None else (
            2 * math.pi * N2_SILICA * self.ref_frequency / (C * self.gamma))

    def gamma_scale(self, frequency: np.ndarray) -> np.ndarray:
        """γ(f)/γ(f_ref): γ ∝ f/A_eff(f), A_eff(f) = π·w², w = a/√ln V (Gaussian mode-field approximation,
        D. Marcuse, Bell Syst. Tech. J. 56(5), 703 (1977)), the contrast chosen so that A_eff(f_ref) = A_eff —
        the frequency scaling GNPy applies (gnpy.core.parameters.FiberParams.gamma_scaling)."""
        a, n1, aeff = GNPY_CORE_RADIUS, GNPY_N1, self.area
        contrast = 0.5 * (C / (2 * math.pi * self.ref_frequency * a * n1) * math.exp(math.pi * a**2 / aeff)) ** 2

        def area(f):
            v = 2 * math.pi * f / C * a * n1 * np.sqrt(2 * contrast)
            return math.pi * (a / np.sqrt(np.log(v))) ** 2

        f = np.asarray(frequency, dtype=float)
        return (f / area(f)) / (self.ref_frequency / area(self.ref_frequency))


@dataclass(frozen=True)
class RoadmImpairment:
    """Impairments of one ROADM internal path type (express, add, drop) in dB/dBm/s; None = not given."""

    path_type: str
    maxloss_db: float = 0.0
    osnr_db: float | None = None  # 12.5 GHz
    pmd: float = 0.0
    pdl_db: float = 0.0


@dataclass(frozen=True)
class RoadmType:
    """A ROADM type: equalisation target per channel (dBm) or PSD (mW/GHz), add/drop OSNR (12.5 GHz, dB,
    the add and drop halves together), PMD (s), PDL (dB), per-path-type impairments and the filter penalty
    per pass (dB, an OSNR penalty counted against the margin; GNPy has none, default 0)."""

    type_variety: str = "default"
    target_pch_out_db: float | None = -20.0
    target_psd_out_mWperGHz: float | None = None
    target_out_mWperSlotWidth: float | None = None
    add_drop_osnr: float = 100.0
    pmd: float = 0.0
    pdl: float = 0.0
    impairments: tuple[RoadmImpairment, ...] = ()
    filter_penalty_db: float = 0.0
    restrictions: dict = field(default_factory=lambda: {"preamp_variety_list": [], "booster_variety_list": []},
                               compare=False)
    extra: dict = field(default_factory=dict, compare=False)

    def impairment(self, path_type: str) -> RoadmImpairment:
        """The first detailed profile of ``path_type``, else the global one (add/drop OSNR split evenly)."""
        for imp in self.impairments:
            if imp.path_type == path_type:
                return imp
        osnr = self.add_drop_osnr + 10 * math.log10(2) if path_type in ("add", "drop") else None
        return RoadmImpairment(path_type, 0.0, osnr, self.pmd, self.pdl)


@dataclass(frozen=True)
class Spectrum:
    """The design spectrum (GNPy ``SI``): channels f_min + k·spacing up to f_max (Hz), baud, roll-off, power
    per channel in the spans (``power_dbm``, the design reference) and out of the transmitter, Tx OSNR
    (12.5 GHz), system margins (dB)."""

    f_min: float = 191.35e12
    f_max: float = 196.1e12
    baud_rate: float = 32e9
    spacing: float = 50e9
    roll_off: float = 0.15
    power_dbm: float = 0.0
    tx_power_dbm: float = 0.0
    tx_osnr: float = 40.0
    sys_margins: float = 0.0
    extra: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        check_real("SI.f_min", self.f_min, low=150e12, high=250e12)
        check_real("SI.f_max", self.f_max, low=self.f_min, high=250e12)
        check_real("SI.baud_rate", self.baud_rate, low=1e9, high=1e12)
        check_real("SI.spacing", self.spacing, low=self.baud_rate * 0.999, high=2e12)

    @property
    def n_channels(self) -> int:
        return int((self.f_max - self.f_min) // self.spacing) + 1  # GNPy's automatic_nch

    @property
    def frequencies(self) -> np.ndarray:
        return self.f_min + self.spacing * np.arange(self.n_channels)


@dataclass(frozen=True)
class TransceiverType:
    """A GNPy transceiver type: its modes (`links.network.modes.TransceiverMode`) and band."""

    type_variety: str
    modes: tuple = ()
    f_min: float | None = None
    f_max: float | None = None
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Equipment:
    """The equipment library: types by ``type_variety`` (a "default" entry where GNPy has one)."""

    amplifiers: dict
    fibers: dict
    roadms: dict
    spectrum: Spectrum
    transceivers: dict = field(default_factory=dict)
    span: dict = field(default_factory=dict)  # GNPy's design rules ("Span"), kept for export
    extra: dict = field(default_factory=dict, compare=False)  # other top-level sections, kept for export

    def amplifier(self, name: str, element: str = "") -> AmplifierType:
        try:
            return self.amplifiers[name]
        except KeyError:
            raise ValueError(f"element {element!r}: amplifier type_variety {name!r} is not in the equipment "
                             f"library (known: {sorted(self.amplifiers)})") from None

    def fiber(self, name: str, element: str = "") -> FiberType:
        try:
            return self.fibers[name]
        except KeyError:
            raise ValueError(f"element {element!r}: fibre type_variety {name!r} is not in the equipment "
                             f"library (known: {sorted(self.fibers)})") from None

    def roadm(self, name: str | None, element: str = "") -> RoadmType:
        key = name or "default"
        if key not in self.roadms:
            raise ValueError(f"element {element!r}: ROADM type_variety {key!r} is not in the equipment library "
                             f"(known: {sorted(self.roadms)})")
        return self.roadms[key]
