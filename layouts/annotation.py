"""Back-annotation: each device kind, the photonics objects that define it and the figures they give.

``KINDS[kind].args`` names the parameter objects of a device (as the cell's keyword arguments), and
``performance(kind, objects)`` returns its simulated figures (SI, units in the keys), computed by the
photonics models and cached per unique parameter set (the objects are frozen, hashable dataclasses), so a
chip with many copies of a design pays for its figures once.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from optolink.core.constants import C
from photonics.detectors import PinPhotodiode
from photonics.lasers import RateEquationLaser
from photonics.modulators import IQModulator, MachZehnderModulator
from photonics.phase_shifters import ThermoOpticPhaseShifter
from photonics.rings import RingModulator

from .params import LaserFootprint, Loopback, from_settings, to_settings


@dataclass(frozen=True)
class Kind:
    """A device kind: its parameter objects by argument name → class, and its figures function."""

    args: dict
    figures: object  # callable(**objects) -> dict
    description: str


def _mzm(modulator: MachZehnderModulator) -> dict:
    return modulator.figures()


def _iq(modulator: IQModulator, outer_heater: ThermoOpticPhaseShifter) -> dict:
    out = {f"i_{k}": v for k, v in modulator.mzm_i.figures().items()}
    out.update({f"q_{k}": v for k, v in modulator.mzm_q.figures().items()})
    out["vpi_v"] = modulator.vpi
    out["eo_bandwidth_hz"] = min(out["i_eo_bandwidth_hz"], out["q_eo_bandwidth_hz"])
    out["outer_phase_rad"] = modulator.outer_phase
    out["outer_heater_p_pi_w"] = outer_heater.p_pi
    return out


def _ring(ring: RingModulator) -> dict:
    return ring.figures()


def _photodiode(photodiode: PinPhotodiode) -> dict:
    return {
        "responsivity_a_per_w": photodiode.responsivity,
        "bandwidth_hz": photodiode.bandwidth,
        "transit_time_bandwidth_hz": photodiode.transit_time_bandwidth,
        "rc_bandwidth_hz": photodiode.rc_bandwidth,
        "capacitance_f": photodiode.capacitance,
        "dark_current_a": photodiode.dark_current,
        "nep_w_per_sqrt_hz": photodiode.nep(),
        "area_m2": photodiode.area,
    }


def operating_current(footprint: LaserFootprint) -> float:
    """The bias (A) of a laser site's figures: its ``operating_current`` or 2 × threshold."""
    if footprint.operating_current is not None:
        return footprint.operating_current
    return 2.0 * RateEquationLaser(footprint.laser).threshold_current()


def _laser(footprint: LaserFootprint) -> dict:
    laser = RateEquationLaser(footprint.laser)
    i_op = operating_current(footprint)
    ss = laser.small_signal(i_op)
    return {
        "threshold_current_a": laser.threshold_current(),
        "operating_current_a": i_op,
        "power_w": float(laser.steady_state(i_op).power),
        "slope_efficiency_w_per_a": float(laser.slope_efficiency(i_op)),
        "voltage_v": float(laser.voltage(i_op)),
        "wall_plug_efficiency": float(laser.wall_plug_efficiency(i_op)),
        "relaxation_frequency_hz": float(ss.relaxation_frequency),
        "bandwidth_hz": float(ss.bandwidth_3db),
        "linewidth_hz": float(laser.linewidth(i_op)),
        "rin_1ghz_db_per_hz": 10 * math.log10(float(laser.rin(1e9, i_op))),
        "wavelength_m": footprint.laser.wavelength,
    }


def _loopback(loopback: Loopback) -> dict:
    wg = loopback.waveguide
    return {
        "length_m": loopback.length,
        "propagation_loss_db": wg.intrinsic_loss_db_per_m * loopback.length,
        "group_index": wg.group_index,
        "group_delay_s": wg.group_index * loopback.length / C,
    }


KINDS: dict[str, Kind] = {
    "mzm": Kind({"modulator": MachZehnderModulator}, _mzm, "traveling-wave Mach-Zehnder modulator"),
    "iq_modulator": Kind({"modulator": IQModulator, "outer_heater": ThermoOpticPhaseShifter}, _iq,
                         "IQ modulator: two nested MZMs and a thermo-optic outer phase"),
    "ring": Kind({"ring": RingModulator}, _ring, "depletion ring modulator with heater"),
    "photodetector": Kind({"photodiode": PinPhotodiode}, _photodiode, "Ge-on-Si PIN photodiode"),
    "laser": Kind({"footprint": LaserFootprint}, _laser, "flip-chip laser site"),
    "loopback": Kind({"loopback": Loopback}, _loopback, "fiber-coupler loopback (calibration)"),
}


def check_kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise ValueError(f"unknown device kind {kind!r}; accepted: {sorted(KINDS)}")
    return KINDS[kind]


@functools.lru_cache(maxsize=4096)
def _cached(kind: str, items: tuple) -> dict:
    return KINDS[kind].figures(**dict(items))


def performance(kind: str, objects: dict) -> dict:
    """Simulated figures of a device (SI, units in the keys); cached per unique parameter set."""
    k = check_kind(kind)
    if set(objects) != set(k.args):
        raise ValueError(f"{kind} needs the parameter objects {sorted(k.args)}; got {sorted(objects)}")
    for name, cls in k.args.items():
        if not isinstance(objects[name], cls):
            raise TypeError(f"{kind}.{name} must be a {cls.__name__}, got {type(objects[name]).__name__}")
    return dict(_cached(kind, tuple(sorted(objects.items()))))


def clear_cache() -> None:
    """Forget the cached figures (benchmarks time a cold annotation with it)."""
    _cached.cache_clear()


def parameters(kind: str, objects: dict) -> dict:
    """The parameter objects of a device as nested dicts (the manifest's ``parameters``)."""
    check_kind(kind)
    return {name: to_settings(obj) for name, obj in objects.items()}


def rebuild(kind: str, params: dict) -> dict:
    """Rebuild the photonics objects of a device from its manifest ``parameters``."""
    k = check_kind(kind)
    missing = sorted(set(k.args) - set(params))
    unknown = sorted(set(params) - set(k.args))
    if missing or unknown:
        raise ValueError(f"{kind} parameters must have exactly the keys {sorted(k.args)}; "
                         f"missing {missing}, unknown {unknown}")
    return {name: from_settings(cls, params[name], where=f"{kind}.{name}") for name, cls in k.args.items()}
