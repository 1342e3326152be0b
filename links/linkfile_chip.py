"""The chip transceiver of a link file: devices named in a chip manifest, simulated, into the budget's transceiver.

In a link file (``links.linkfile``)::

    transceiver:
      chip_manifest: chip/chip.manifest.json   # relative to the link file
      modulator: mzm_09                        # an "mzm" (an IQ pair of it) or an "iq_modulator" of the chip
      laser: laser_00                          # a "laser" site of the chip, or instead: laser_power_dbm: 15
      photodiode: photodetector_00             # optional: the receiver's photodiodes (default: its own)
      driver: {swing_v: 4.0, differential: true, bandwidth_ghz: 45, noise_density_v_per_sqrt_hz: 7.0e-9,
               output_impedance_ohm: 50}       # optional, each field defaulting to photonics.drivers.Driver
      simulation: {n_symbols: 16384, seed: 0, sensitivity: true, method: full}
                                               # optional; method "estimate": the analytic estimate only

The devices become a `links.chip.ChipTransceiver` (`ChipTransceiver.from_manifest`: an unknown or ambiguous
name is an error listing the candidates; a manifest of another schema version is refused), its full simulation
(`links.verdict.simulate_chip`, the blind DSP chain) runs into an HDF5 store — by default
``optolink-cache.h5`` beside the link file, so a second budget on the same devices recomputes nothing and any
changed device or driver parameter re-simulates — and `links.transceiver.Transceiver.from_chip` gives the
budget its required OSNR (source "simulated"), Tx power, sensitivity, estimate and fail reasons.
``method: estimate`` skips the simulation (`Transceiver.from_chip_estimate`, source "estimate").
"""

from __future__ import annotations

import math
import pathlib
from collections.abc import Mapping

__all__ = ["CACHE_NAME", "CHIP_KEYS", "DRIVER_KEYS", "chip_transceiver", "driver_from_mapping"]

CACHE_NAME = "optolink-cache.h5"  # the default store of chip simulations, beside the link file
CHIP_KEYS = ("chip_manifest", "modulator", "laser", "laser_power_dbm", "photodiode", "driver", "simulation")
# link-file key → (Driver field, scale to SI, low, high)
DRIVER_KEYS = {"swing_v": ("swing_v", 1.0, 0.0, 50.0), "bandwidth_ghz": ("bandwidth", 1e9, 0.1, 1000.0),
               "bandwidth": ("bandwidth", 1.0, 1e8, 1e12),
               "noise_density_v_per_sqrt_hz": ("noise_density_v_per_sqrt_hz", 1.0, 0.0, 1e-5),
               "output_impedance_ohm": ("output_impedance", 1.0, 1.0, 1e4),
               "output_impedance": ("output_impedance", 1.0, 1.0, 1e4)}
_SIM_KEYS = ("n_symbols", "seed", "method", "sensitivity")
# transceiver keys the chip provides (giving them too is an error)
_FROM_CHIP = ("required_osnr_db", "ber_curve", "ber_curve_file", "tx_power_dbm", "pre_fec_ber_threshold")


def driver_from_mapping(data, path: str = "transceiver.driver"):
    """A `photonics.drivers.Driver` from a link file's ``driver`` mapping (its defaults for what is not given)."""
    import dataclasses

    from photonics.drivers import Driver

    if data is None:
        return Driver()
    if not isinstance(data, Mapping):
        raise ValueError(f"{path} must be a mapping of driver fields; got {type(data).__name__}")
    known = sorted([*DRIVER_KEYS, "differential"])
    given = {}
    for key, value in data.items():
        if key == "differential":
            if not isinstance(value, bool):
                raise ValueError(f"{path}.differential must be true or false; got {value!r}")
            given["differential"] = value
            continue
        if key not in DRIVER_KEYS:
            raise ValueError(f"unknown field {path}.{key!r}; known fields: {known}")
        field_, scale, lo, hi = DRIVER_KEYS[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{path}.{key} must be a number; got {value!r}")
        if not lo <= value <= hi:
            raise ValueError(f"{path}.{key} must be in [{lo:g}, {hi:g}]; got {value:g}")
        if field_ in given:
            raise ValueError(f"{path}: {key} gives {field_} a second time")
        given[field_] = float(value) * scale
    try:
        return dataclasses.replace(Driver(), **given)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path}: {exc}") from None


def _simulation_settings(f) -> dict:
    sim = f.mapping("simulation", _SIM_KEYS)
    method = sim.string("method", default="full")
    if method not in ("full", "estimate"):
        raise ValueError(f"transceiver.simulation.method must be 'full' or 'estimate'; got {method!r}")
    sens = sim.data.get("sensitivity", True)
    if not isinstance(sens, bool):
        raise ValueError(f"transceiver.simulation.sensitivity must be true or false; got {sens!r}")
    return {"n_symbols": sim.integer("n_symbols", low=1024, high=2**20, default=2**14),
            "seed": sim.integer("seed", low=0, high=2**31 - 1, default=0), "method": method, "sensitivity": sens}


def chip_transceiver(f, std, base_dir: pathlib.Path | None, overrides: dict, *, store=None,
                     progress: bool = False):
    """The budget's `Transceiver` of a link file's chip ``transceiver`` block (``f``: its typed fields, as
    `links.linkfile` reads them), and the `links.verdict.ChipPerformance` behind it (None with
    ``method: estimate``). ``overrides``: the block's other transceiver fields (tolerances, DSP latency, ...).
    ``store``: the HDF5 store of the simulations (default: ``optolink-cache.h5`` in ``base_dir``, else
    `links.verdict.default_store_path`)."""
    from .chip import ChipTransceiver
    from .transceiver import Transceiver

    clash = [k for k in _FROM_CHIP if f.has(k)]
    if clash:
        raise ValueError(f"transceiver: give either {clash[0]} or chip_manifest, not both (the chip's simulation "
                         "sets the required OSNR, the BER curve and the Tx power)")
    if f.has("laser") and f.has("laser_power_dbm"):
        raise ValueError("transceiver: give either laser (a laser of the chip) or laser_power_dbm, not both")
    path = pathlib.Path(f.string("chip_manifest"))
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_file():
        raise FileNotFoundError(f"transceiver.chip_manifest: no such file: {path}")
    path = path.resolve()  # the provenance (and so the store's run) names the manifest by its absolute path
    driver = driver_from_mapping(f.data.get("driver"))
    sim = _simulation_settings(f)
    try:
        chip = ChipTransceiver.from_manifest(
            path, modulator=f.string("modulator"), laser=f.string("laser"),
            laser_power_dbm=f.number("laser_power_dbm", low=-30.0, high=30.0),
            photodiode=f.string("photodiode"), driver=driver)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"transceiver: {exc}") from None
    if sim["method"] == "estimate":
        return Transceiver.from_chip_estimate(std, chip, **overrides), None
    from .verdict import simulate_chip

    if store is None and base_dir is not None:
        store = base_dir / CACHE_NAME
    perf = simulate_chip(chip, std, store=store, n_symbols=sim["n_symbols"], rng=sim["seed"], progress=progress,
                         sensitivity=sim["sensitivity"])
    return Transceiver.from_chip(std, perf, **overrides), perf
