"""Link description files (YAML or JSON), their validation, presets, and evaluation into a budget.

A coherent (amplified) link, engineering units in the key names::

    name: 400ZR DCI 120 km
    kind: coherent                      # default; "power" for an unamplified power budget (below)
    standard: 400ZR                     # 400ZR | OpenZR+ 400G | 800ZR: baud, format, threshold, required OSNR
    transceiver:                        # optional overrides of the standard's transceiver
      required_osnr_db: 26.0            #   back-to-back, 12.5 GHz; or a curve (below) to derive it
      ber_curve: {osnr_db: [...], ber: [...]}   # or ber_curve_file: curve.json (relative to this file)
      chip_manifest: chip.manifest.json #   or the chip's devices, simulated (links.linkfile_chip): modulator,
      modulator: mzm_09                 #   laser | laser_power_dbm, photodiode, driver, simulation; they set
      laser: laser_00                   #   the required OSNR, the Tx power and the sensitivity
      snr_db: 35                        #   transceiver SNR not already in required_osnr_db (signal bandwidth)
      tx_power_dbm: -10
      rx_power_range_dbm: [-20, 0]
      cd_tolerance_ps_nm: 2400
      dgd_tolerance_ps: 10
      dsp_latency_us: 5
    channels: {n_channels: 64, spacing_ghz: 75, center_frequency_thz: 193.7, launch_power_dbm: optimum,
               baud_gbd: 59.84375, roll_off: 0.1}      # baud and spacing default to the standard's
    fibers: {my_fiber: {alpha_db_per_km: 0.17, dispersion_ps_nm_km: 20.5, gamma_per_w_km: 0.8}}  # optional
    spans:                              # a list; "count" repeats an entry
      - {count: 6, length_km: 80, fiber: SMF-28, extra_loss_db: 1.0}
    amplifier: {nf_db: 5.0, gain_db: auto, max_gain_db: 30}     # or "amplifiers": one per span
    booster: {nf_db: 5.5}               # optional: amplifies the transceiver's Tx power to the launch power
    penalties: {pdl_db: 0.5, ageing_db: 1.0, other: {filtering_db: 0.3}}
    latency_budget_rtt_ms: 1.0          # optional: makes the round-trip latency a check
    nli_model: gn                       # optional: closed_form | gn (default) | egn (links.budget_nli)

An unamplified link (``kind: power``): ``tx_power_dbm``, ``rx_sensitivity_dbm``, optional ``rx_overload_dbm``,
``fiber: {length_km, fiber | alpha_db_per_km, group_index}``, ``losses: [{name, loss_db, count, position_km}]``,
``penalties``, ``standard`` (for the DSP latency), ``latency_budget_rtt_ms``; or, instead of the two powers, a
chip ``transceiver`` (``chip_manifest``, ...) with its ``standard``: its simulated Tx power and sensitivity.

A chip transceiver is simulated once into an HDF5 store (``store=``; default ``optolink-cache.h5`` beside the
link file) and read back from it afterwards (`links.linkfile_chip`).

Every error names the field at fault by its path (``spans[2].length_km``), its value and the accepted range.
"""

from __future__ import annotations

import copy
import math
import os
import pathlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from optolink.core.constants import C
from optolink.core.files import read_mapping
from optolink.core.validate import range_text

from .amplifiers import Amplifier
from .ber_curve import BerCurve
from .budget import CoherentBudget, coherent_budget
from .budget_lines import Penalties
from .budget_nli import DEFAULT_NLI_MODEL, NLI_MODELS
from .channel_plan import ChannelPlan
from .fiber import SMF28_GROUP_INDEX, Fiber
from .linkfile_chip import CHIP_KEYS, chip_transceiver
from .power_budget import LumpedLoss, PowerBudget, UnamplifiedLink, power_budget
from .standards import STANDARDS, get_standard
from .transceiver import Transceiver

__all__ = ["FIBERS", "PRESETS", "LinkDescription", "load_link", "parse_link", "preset", "link_from_standard",
           "evaluate"]

_N2 = 2.6e-20  # m²/W, silica nonlinear index (Agrawal, Nonlinear Fiber Optics, 5th ed., §2.3)
_SMF28_AEFF = 85e-12  # m², Corning SMF-28 Ultra PI1424 (mode-field diameter 10.4 µm at 1550 nm)

# Fibre types: typical cabled values. SMF-28: Corning SMF-28 Ultra product information PI1424 (α ≤ 0.18 dB/km
# bare fibre, 0.20 cabled with splices; D ≤ 18 ps/(nm·km), typically 17 at 1550 nm; slope S0/4·(1 + 3λ0⁴/λ⁴)
# ≈ 0.058 ps/(nm²·km) with S0 = 0.092, λ0 = 1313 nm; n_g = 1.4682; PMD link design value ≤ 0.04 ps/√km);
# γ = 2π n2 / (λ A_eff).
FIBERS: dict[str, dict] = {
    "SMF-28": {
        "alpha_db_per_km": 0.20, "dispersion_ps_nm_km": 17.0, "dispersion_slope_ps_nm2_km": 0.058,
        "gamma_per_w_km": 2 * math.pi * _N2 / (1550e-9 * _SMF28_AEFF) * 1e3, "reference_frequency": C / 1550e-9,
        "group_index": SMF28_GROUP_INDEX, "pmd_ps_per_sqrt_km": 0.04,
    },
}

_C_BAND = 4.8e12  # Hz of usable C band (191.3-196.1 THz)
_C_CENTER = 193.7e12


# --------------------------------------------------------------------------------------------------------
# Presets (the demo runs these)
# --------------------------------------------------------------------------------------------------------
PRESETS: dict[str, dict] = {
    "400ZR-DCI-120km": {
        "name": "400ZR point-to-point DCI, 120 km",
        "standard": "400ZR",
        "channels": {"n_channels": 64, "spacing_ghz": 75, "center_frequency_thz": 193.7,
                     "launch_power_dbm": "optimum"},
        "spans": [{"length_km": 120, "fiber": "SMF-28", "extra_loss_db": 1.0}],
        "booster": {"nf_db": 5.5},
        "amplifier": {"nf_db": 5.0, "gain_db": "auto", "max_gain_db": 30},
        "penalties": {"pdl_db": 0.3, "ageing_db": 0.5},
        "latency_budget_rtt_ms": 2.0,
    },
    "OpenZR+-metro-6x80km": {
        "name": "OpenZR+ 400G metro, 6 × 80 km",
        "standard": "OpenZR+ 400G",
        "channels": {"n_channels": 64, "spacing_ghz": 75, "center_frequency_thz": 193.7,
                     "launch_power_dbm": "optimum"},
        "spans": [{"count": 6, "length_km": 80, "fiber": "SMF-28", "extra_loss_db": 0.5}],
        "amplifier": {"nf_db": 5.0, "gain_db": "auto", "max_gain_db": 30},
        "penalties": {"pdl_db": 0.5, "ageing_db": 1.0},
    },
    "800ZR-DCI-120km": {
        "name": "800ZR DCI, 120 km",
        "standard": "800ZR",
        "channels": {"n_channels": 32, "spacing_ghz": 150, "center_frequency_thz": 193.7,
                     "launch_power_dbm": "optimum"},
        "spans": [{"length_km": 120, "fiber": "SMF-28", "extra_loss_db": 1.0}],
        "amplifier": {"nf_db": 5.0, "gain_db": "auto", "max_gain_db": 30},
        "penalties": {"pdl_db": 0.3, "ageing_db": 0.5},
    },
}


def preset(name: str) -> dict:
    """A copy of the preset link description ``name`` (case-insensitive)."""
    for key, value in PRESETS.items():
        if key.lower() == str(name).lower():
            return copy.deepcopy(value)
    raise ValueError(f"unknown preset {name!r}; known: {sorted(PRESETS)}")


# --------------------------------------------------------------------------------------------------------
# Validation helpers: every error carries the field's path
# --------------------------------------------------------------------------------------------------------
class _Fields:
    """Typed access to one mapping of a link file; unknown keys are an error naming them."""

    def __init__(self, data, path: str, allowed: Sequence[str]):
        if not isinstance(data, Mapping):
            raise ValueError(f"{path or 'link'} must be a mapping (key: value); got {type(data).__name__}")
        unknown = [k for k in data if k not in allowed]
        if unknown:
            where = f" in {path}" if path else ""
            raise ValueError(f"unknown field {'.'.join(filter(None, [path, str(unknown[0])]))!r}{where}; "
                             f"known fields: {sorted(allowed)}")
        self.data = data
        self.path = path

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def number(self, key: str, *, low=None, high=None, low_open=False, default=None, required=False) -> float:
        if not self.has(key):
            if required:
                raise ValueError(f"{self.name(key)} is missing (required)")
            return default
        v = self.data[key]
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ValueError(f"{self.name(key)} must be a number; got {v!r}")
        v = float(v)
        rng = range_text(low, high, low_open)
        if not math.isfinite(v) or (low is not None and (v < low or (low_open and v == low))) or (
                high is not None and v > high):
            raise ValueError(f"{self.name(key)} must be {rng}; got {v:g}")
        return v

    def integer(self, key: str, *, low: int, high: int, default=None, required=False) -> int:
        if not self.has(key):
            if required:
                raise ValueError(f"{self.name(key)} is missing (required)")
            return default
        v = self.data[key]
        if isinstance(v, bool) or not isinstance(v, int) and not (isinstance(v, float) and v.is_integer()):
            raise ValueError(f"{self.name(key)} must be an integer; got {v!r}")
        if not low <= int(v) <= high:
            raise ValueError(f"{self.name(key)} must be in [{low}, {high}]; got {v}")
        return int(v)

    def string(self, key: str, *, default=None, required=False) -> str:
        if not self.has(key):
            if required:
                raise ValueError(f"{self.name(key)} is missing (required)")
            return default
        v = self.data[key]
        if not isinstance(v, str):
            raise ValueError(f"{self.name(key)} must be a string; got {v!r}")
        return v

    def mapping(self, key: str, allowed: Sequence[str]) -> _Fields:
        return _Fields(self.data.get(key) or {}, self.name(key), allowed)


def _wrap(path: str, fn, *args, **kwargs):
    """Call a constructor; re-raise its ValueError/TypeError with the link-file path in front."""
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path}: {exc}") from None


# --------------------------------------------------------------------------------------------------------
# The parsed description
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkDescription:
    """A validated link: the objects `evaluate` needs (coherent: plan/spans/...; power: ``unamplified``)."""

    name: str
    kind: str
    source: str
    raw: dict
    plan: ChannelPlan | None = None
    spans: tuple[Fiber, ...] = ()
    amplifiers: tuple[Amplifier, ...] = ()
    booster: Amplifier | None = None
    transceiver: Transceiver | None = None
    penalties: Penalties | None = None
    launch_optimum: bool = False
    latency_budget_rtt_s: float | None = None
    unamplified: UnamplifiedLink | None = None
    chip: object | None = None  # the links.verdict.ChipPerformance of a chip transceiver (None otherwise)
    nli_model: str = DEFAULT_NLI_MODEL  # coherent: the budget's NLI model (links.budget_nli)


_TOP_COHERENT = ("name", "kind", "standard", "transceiver", "channels", "fibers", "spans", "amplifier", "amplifiers",
                 "booster", "penalties", "latency_budget_rtt_ms", "nli_model")
_TOP_POWER = ("name", "kind", "standard", "tx_power_dbm", "rx_sensitivity_dbm", "rx_overload_dbm", "fiber", "losses",
              "penalties", "latency_budget_rtt_ms", "transceiver")
_FIBER_KEYS = ("alpha_db_per_km", "dispersion_ps_nm_km", "dispersion_slope_ps_nm2_km", "gamma_per_w_km",
               "reference_wavelength_nm", "group_index", "pmd_ps_per_sqrt_km")
_SPAN_KEYS = ("count", "length_km", "fiber", "extra_loss_db", "name", *_FIBER_KEYS)
_AMP_KEYS = ("gain_db", "nf_db", "max_gain_db", "name")
_TRX_KEYS = ("required_osnr_db", "ber_curve", "ber_curve_file", "snr_db", "tx_power_dbm", "rx_power_range_dbm",
             "cd_tolerance_ps_nm", "dgd_tolerance_ps", "dsp_latency_us", "pre_fec_ber_threshold", *CHIP_KEYS)
_PEN_KEYS = ("cd_db", "pmd_db", "pdl_db", "ageing_db", "other")


def _fiber_params(fields: _Fields, fibers: dict, *, default: str | None = "SMF-28") -> dict:
    """A fibre's parameters: a named type (built-in or from ``fibers``) with per-entry overrides."""
    name = fields.string("fiber", default=default)
    base = {}
    if name is not None:
        lib = {**FIBERS, **fibers}
        if name not in lib:
            raise ValueError(f"{fields.name('fiber')}: unknown fibre {name!r}; known: {sorted(lib)}")
        base = dict(lib[name])
    out = dict(base)
    for key, lo, hi in (("alpha_db_per_km", 0.0, 10.0), ("dispersion_ps_nm_km", -100.0, 100.0),
                        ("dispersion_slope_ps_nm2_km", -1.0, 1.0), ("gamma_per_w_km", 0.0, 100.0),
                        ("group_index", 1.0, 2.0), ("pmd_ps_per_sqrt_km", 0.0, 10.0)):
        v = fields.number(key, low=lo, high=hi, low_open=key == "alpha_db_per_km")
        if v is not None:
            out[key] = v
    wl = fields.number("reference_wavelength_nm", low=1200.0, high=2000.0)
    if wl is not None:
        out["reference_frequency"] = C / (wl * 1e-9)
    for key in ("alpha_db_per_km", "dispersion_ps_nm_km", "gamma_per_w_km"):
        if key not in out:
            raise ValueError(f"{fields.name(key)} is missing (give it or a known 'fiber')")
    return out


def _parse_fibers(top: _Fields) -> dict:
    fibers = {}
    raw = top.data.get("fibers") or {}
    if not isinstance(raw, Mapping):
        raise ValueError(f"fibers must be a mapping of name → parameters; got {type(raw).__name__}")
    for name, params in raw.items():
        f = _Fields(params, f"fibers.{name}", _FIBER_KEYS)
        fibers[str(name)] = _fiber_params(f, {}, default=None)
    return fibers


def _parse_amp(data, path: str) -> Amplifier:
    f = _Fields(data, path, _AMP_KEYS)
    gain = f.data.get("gain_db", "auto")
    if gain in (None, "auto"):
        gain = None
    else:
        gain = f.number("gain_db", low=0.0, high=60.0)
    return _wrap(path, Amplifier, gain, f.number("nf_db", low=0.0, high=20.0, required=True),
                 max_gain_db=f.number("max_gain_db", low=0.0, high=60.0, low_open=True),
                 name=f.string("name", default=""))


def _parse_penalties(top: _Fields, extra: tuple = ()) -> Penalties:
    f = top.mapping("penalties", _PEN_KEYS)
    other = f.data.get("other") or {}
    if not isinstance(other, Mapping):
        raise ValueError(f"penalties.other must be a mapping of name → dB; got {type(other).__name__}")
    o = _Fields(other, "penalties.other", list(other))
    lines = tuple((str(k).removesuffix("_db"), o.number(k, low=0.0, high=20.0)) for k in other)
    return _wrap("penalties", Penalties, **{k: f.number(k, low=0.0, high=20.0, default=0.0)
                                            for k in ("cd_db", "pmd_db", "pdl_db", "ageing_db")},
                 other=lines + tuple(extra))


def _resolve(path: str, base_dir: pathlib.Path | None) -> pathlib.Path:
    p = pathlib.Path(path)
    return base_dir / p if not p.is_absolute() and base_dir is not None else p


def _parse_transceiver(top: _Fields, base_dir: pathlib.Path | None, store=None, progress: bool = False):
    """The transceiver, and the `links.verdict.ChipPerformance` behind it (None unless from a chip)."""
    name = top.string("standard", required=True)
    try:
        std = get_standard(name)
    except ValueError:
        raise ValueError(f"standard: unknown standard {name!r}; known: {sorted(STANDARDS)}") from None
    f = top.mapping("transceiver", _TRX_KEYS)
    over = {}
    for key, lo, hi in (("required_osnr_db", -10.0, 50.0), ("snr_db", -10.0, 80.0), ("tx_power_dbm", -50.0, 30.0),
                        ("cd_tolerance_ps_nm", 0.0, 1e6), ("dgd_tolerance_ps", 0.0, 1e4)):
        v = f.number(key, low=lo, high=hi, low_open=key.endswith(("_ps_nm", "_ps")))
        if v is not None:
            over[key] = v
    thr = f.number("pre_fec_ber_threshold", low=0.0, high=0.5, low_open=True)
    if thr is not None:
        over["pre_fec_ber_threshold"] = thr
    if f.has("dsp_latency_us"):
        over["dsp_latency_s"] = f.number("dsp_latency_us", low=0.0, high=1e4) * 1e-6
    if f.has("rx_power_range_dbm"):
        r = f.data["rx_power_range_dbm"]
        if not (isinstance(r, Sequence) and not isinstance(r, str) and len(r) == 2):
            raise ValueError(f"transceiver.rx_power_range_dbm must be [low, high] in dBm; got {r!r}")
        over["rx_power_range_dbm"] = tuple(_Fields({"v": x}, "transceiver.rx_power_range_dbm", ["v"])
                                           .number("v", low=-60.0, high=30.0) for x in r)
    if f.has("chip_manifest"):
        return chip_transceiver(f, std, base_dir, over, store=store, progress=progress)
    stray = [k for k in CHIP_KEYS if f.has(k)]
    if stray:
        raise ValueError(f"transceiver.{stray[0]} names a chip device setting: it needs transceiver.chip_manifest")
    curve = None
    if f.has("ber_curve") and f.has("ber_curve_file"):
        raise ValueError("transceiver: give either ber_curve or ber_curve_file, not both")
    if f.has("ber_curve"):
        curve = _wrap("transceiver.ber_curve", BerCurve.from_any, f.data["ber_curve"], "link file")
    elif f.has("ber_curve_file"):
        p = _resolve(f.string("ber_curve_file"), base_dir)
        data = read_mapping(p, "BER curve file")
        curve = _wrap("transceiver.ber_curve_file", BerCurve.from_any, data, str(p))
    if curve is not None:
        if "required_osnr_db" in over:
            raise ValueError("transceiver: give either required_osnr_db or a BER curve, not both")
        return _wrap("transceiver", Transceiver.from_ber_curve, std, curve, **over), None
    return _wrap("transceiver", Transceiver.from_standard, std, **over), None


def _parse_spans(top: _Fields, fibers: dict) -> tuple[Fiber, ...]:
    raw = top.data.get("spans")
    if raw is None:
        raise ValueError("spans is missing (required): a list of {length_km, fiber, ...}")
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise ValueError("spans must be a non-empty list of spans")
    spans = []
    for i, entry in enumerate(raw):
        f = _Fields(entry, f"spans[{i}]", _SPAN_KEYS)
        count = f.integer("count", low=1, high=1000, default=1)
        length = f.number("length_km", low=0.0, high=1e4, low_open=True, required=True) * 1e3
        params = _fiber_params(f, fibers)
        extra = f.number("extra_loss_db", low=0.0, high=50.0, default=0.0)
        name = f.string("name", default="")
        span = _wrap(f"spans[{i}]", Fiber, length=length, extra_loss_db=extra, name=name, **params)
        spans.extend([span] * count)
    if len(spans) > 1000:
        raise ValueError(f"spans: at most 1000 spans; got {len(spans)}")
    return tuple(spans)


def _parse_coherent(top: _Fields, raw: dict, source: str, base_dir, store=None, progress=False) -> LinkDescription:
    trx, chip = _parse_transceiver(top, base_dir, store, progress)
    std = get_standard(top.string("standard"))
    ch = top.mapping("channels", ("n_channels", "spacing_ghz", "center_frequency_thz", "launch_power_dbm",
                                  "baud_gbd", "roll_off"))
    spacing = ch.number("spacing_ghz", low=1.0, high=2000.0, default=std.channel_spacing[0] / 1e9) * 1e9
    baud = ch.number("baud_gbd", low=1.0, high=1000.0, default=std.baud_rate / 1e9) * 1e9
    if abs(baud / trx.baud_rate - 1) > 1e-3:
        raise ValueError(f"channels.baud_gbd ({baud / 1e9:g}) must match the transceiver's baud rate "
                         f"({trx.baud_rate / 1e9:g} GBd)")
    n_default = max(1, int(_C_BAND // spacing))
    n = ch.integer("n_channels", low=1, high=2000, default=n_default)
    fc = ch.number("center_frequency_thz", low=150.0, high=250.0, default=_C_CENTER / 1e12) * 1e12
    roll = ch.number("roll_off", low=0.0, high=1.0, default=std.roll_off if std.roll_off is not None else 0.0)
    launch = ch.data.get("launch_power_dbm", "optimum")
    optimum = launch == "optimum"
    if optimum:
        launch = 0.0
    elif isinstance(launch, Sequence) and not isinstance(launch, str):
        launch = tuple(_Fields({"v": x}, f"channels.launch_power_dbm[{i}]", ["v"]).number("v", low=-60.0, high=30.0)
                       for i, x in enumerate(launch))
    else:
        if isinstance(launch, str):
            raise ValueError(f"channels.launch_power_dbm must be a number (dBm), a list, or 'optimum'; got {launch!r}")
        launch = ch.number("launch_power_dbm", low=-60.0, high=30.0)
    plan = _wrap("channels", ChannelPlan, n, baud, spacing, fc, launch, roll)
    spans = _parse_spans(top, _parse_fibers(top))
    if top.has("amplifier") and top.has("amplifiers"):
        raise ValueError("give either amplifier (one for all spans) or amplifiers (one per span), not both")
    if top.has("amplifiers"):
        amps_raw = top.data["amplifiers"]
        if not isinstance(amps_raw, Sequence) or isinstance(amps_raw, str) or len(amps_raw) != len(spans):
            raise ValueError(f"amplifiers must be a list with one entry per span ({len(spans)})")
        amps = tuple(_parse_amp(a, f"amplifiers[{i}]") for i, a in enumerate(amps_raw))
    elif top.has("amplifier"):
        amps = (_parse_amp(top.data["amplifier"], "amplifier"),) * len(spans)
    else:
        raise ValueError("amplifier is missing (required): {nf_db, gain_db: auto, max_gain_db}")
    booster = _parse_amp(top.data["booster"], "booster") if top.has("booster") else None
    if booster is not None and trx.tx_power_dbm is None:
        raise ValueError("booster: needs transceiver.tx_power_dbm (the standard gives none)")
    rtt = top.number("latency_budget_rtt_ms", low=0.0, high=1e4, low_open=True)
    nli_model = top.data.get("nli_model", DEFAULT_NLI_MODEL)
    if nli_model not in NLI_MODELS:
        raise ValueError(f"nli_model must be one of {', '.join(repr(m) for m in NLI_MODELS)}; got {nli_model!r}")
    return LinkDescription(
        name=top.string("name", default=source), kind="coherent", source=source, raw=raw, plan=plan, spans=spans,
        amplifiers=amps, booster=booster, transceiver=trx, penalties=_parse_penalties(top), launch_optimum=optimum,
        latency_budget_rtt_s=None if rtt is None else rtt * 1e-3, chip=chip, nli_model=nli_model)


def _parse_power(top: _Fields, raw: dict, source: str, base_dir=None, store=None, progress=False) -> LinkDescription:
    dsp = 0.0
    if top.has("standard"):
        try:
            dsp = get_standard(top.string("standard")).dsp_latency_s
        except ValueError:
            raise ValueError(f"standard: unknown standard {top.data['standard']!r}; "
                             f"known: {sorted(STANDARDS)}") from None
    fib = top.mapping("fiber", ("length_km", "fiber", "alpha_db_per_km", "group_index"))
    length = fib.number("length_km", low=0.0, high=1e4, required=True) * 1e3
    base = FIBERS.get(fib.string("fiber", default="SMF-28"))
    if base is None:
        raise ValueError(f"fiber.fiber: unknown fibre {fib.data['fiber']!r}; known: {sorted(FIBERS)}")
    alpha = fib.number("alpha_db_per_km", low=0.0, high=10.0, default=base["alpha_db_per_km"])
    n_g = fib.number("group_index", low=1.0, high=2.0, default=base["group_index"])
    losses = []
    raw_losses = top.data.get("losses") or []
    if not isinstance(raw_losses, Sequence) or isinstance(raw_losses, str):
        raise ValueError("losses must be a list of {name, loss_db, count, position_km}")
    for i, entry in enumerate(raw_losses):
        f = _Fields(entry, f"losses[{i}]", ("name", "loss_db", "count", "position_km"))
        losses.append(_wrap(f"losses[{i}]", LumpedLoss, f.string("name", required=True),
                            f.number("loss_db", low=0.0, high=60.0, required=True),
                            f.integer("count", low=0, high=10000, default=1),
                            f.number("position_km", low=0.0, high=1e4, default=0.0) * 1e3))
    common = dict(fiber_length=length, alpha_db_per_km=alpha, losses=tuple(losses), penalties=_parse_penalties(top),
                  rx_overload_dbm=top.number("rx_overload_dbm", low=-60.0, high=30.0), group_index=n_g,
                  name=top.string("name", default=source))
    chip = None
    if top.has("transceiver"):
        given = [k for k in ("tx_power_dbm", "rx_sensitivity_dbm") if top.has(k)]
        if given:
            raise ValueError(f"give either {given[0]} or a chip transceiver, not both (the chip's simulation sets "
                             "the Tx power and the receiver sensitivity)")
        if not top.mapping("transceiver", _TRX_KEYS).has("chip_manifest"):
            raise ValueError("transceiver: an unamplified link takes a chip transceiver (transceiver.chip_manifest)")
        trx, chip = _parse_transceiver(top, base_dir, store, progress)
        link = _wrap("link", UnamplifiedLink.from_transceiver, trx, **common)
    else:
        link = _wrap("link", UnamplifiedLink,
                     tx_power_dbm=top.number("tx_power_dbm", low=-50.0, high=30.0, required=True),
                     rx_sensitivity_dbm=top.number("rx_sensitivity_dbm", low=-80.0, high=20.0, required=True),
                     dsp_latency_s=dsp, **common)
    rtt = top.number("latency_budget_rtt_ms", low=0.0, high=1e4, low_open=True)
    return LinkDescription(name=link.name, kind="power", source=source, raw=raw, unamplified=link,
                           latency_budget_rtt_s=None if rtt is None else rtt * 1e-3, chip=chip)


def parse_link(data: Mapping, *, source: str = "link", base_dir: str | os.PathLike | None = None, store=None,
               progress: bool = False) -> LinkDescription:
    """Validate a link description (a mapping, as read from YAML/JSON) into a `LinkDescription`. A chip
    transceiver is simulated (or read back) here: ``store`` (a path or `links.store.Store`; default
    ``optolink-cache.h5`` in ``base_dir``), ``progress`` shows a progress bar while it simulates."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{source}: a link description must be a mapping at the top level; got {type(data).__name__}")
    kind = data.get("kind", "coherent")
    if kind not in ("coherent", "power"):
        raise ValueError(f"kind must be 'coherent' or 'power'; got {kind!r}")
    raw = copy.deepcopy(dict(data))
    base = pathlib.Path(base_dir) if base_dir is not None else None
    if kind == "coherent":
        top = _Fields(data, "", _TOP_COHERENT)
        return _parse_coherent(top, raw, source, base, store, progress)
    return _parse_power(_Fields(data, "", _TOP_POWER), raw, source, base, store, progress)


def load_link(path: str | os.PathLike, *, store=None, progress: bool = False) -> LinkDescription:
    """Read and validate a YAML or JSON link file (relative ``ber_curve_file`` and ``chip_manifest`` paths are
    from its folder; a chip transceiver's simulations are cached in ``store``, default ``optolink-cache.h5``
    beside the file)."""
    p = pathlib.Path(path)
    return parse_link(read_mapping(p, "link file"), source=p.name, base_dir=p.parent, store=store,
                      progress=progress)


def link_from_standard(standard: str, *, spans: int = 1, span_km: float = 80.0, n_channels: int | None = None,
                       launch_power_dbm: float | str = "optimum", nf_db: float = 5.0,
                       fiber: str = "SMF-28", extra_loss_db: float = 0.0, booster_nf_db: float | None = 5.5,
                       name: str | None = None) -> LinkDescription:
    """A link description from a standard and a span plan (what ``optolink budget 400ZR --spans 1
    --span-km 120`` runs): the full C band at the standard's grid, SMF-28, automatic amplifier gains, and a
    booster (NF ``booster_nf_db``) when the standard fixes a Tx power."""
    std = get_standard(standard)
    data = {
        "name": name or f"{std.name}, {spans} × {span_km:g} km",
        "standard": std.name,
        "channels": {"launch_power_dbm": launch_power_dbm,
                     **({"n_channels": n_channels} if n_channels is not None else {})},
        "spans": [{"count": spans, "length_km": span_km, "fiber": fiber, "extra_loss_db": extra_loss_db}],
        "amplifier": {"nf_db": nf_db, "gain_db": "auto"},
    }
    if booster_nf_db is not None and std.tx_power_range_dbm is not None:
        data["booster"] = {"nf_db": booster_nf_db}
    return parse_link(data, source=std.name)


def evaluate(link: LinkDescription) -> CoherentBudget | PowerBudget:
    """The budget of a parsed link. ``launch_power_dbm: optimum`` runs the GN model at 0 dBm per channel, then
    again at the centre channel's optimum (rounded to 0.1 dB, as an engineer would set it)."""
    if not isinstance(link, LinkDescription):
        raise TypeError(f"link must be a LinkDescription; got {type(link).__name__}")
    if link.kind == "power":
        return power_budget(link.unamplified, latency_budget_rtt_s=link.latency_budget_rtt_s)
    kwargs = dict(transceiver=link.transceiver, booster=link.booster, penalties=link.penalties,
                  latency_budget_rtt_s=link.latency_budget_rtt_s, name=link.name, nli_model=link.nli_model)
    plan = link.plan
    if link.launch_optimum:
        # the booster's ASE scales with the launch power like the signal: it does not move the optimum
        first = coherent_budget(plan, link.spans, link.amplifiers, **{**kwargs, "booster": None})
        plan = plan.with_launch_power(round(first.optimum_launch_power_dbm, 1))
    return coherent_budget(plan, link.spans, link.amplifiers, **kwargs)
