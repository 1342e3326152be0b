"""A transmitter's figures from a chip manifest: laser power, MZM insertion and modulation loss, Tx power and
the analytic modulator-bandwidth penalty (an estimate; the full simulation is `links.simulate`)."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from optolink.core.units import watt_to_dbm
from optolink.core.validate import check_positive, check_real

from .metrics import MODULATIONS

_LASER_POWER_KEYS = ("output_power_w", "power_w", "optical_power_w", "power_at_bias_w", "facet_power_w")


def modulator_bandwidth_penalty_db(eo_bandwidth: float, baud_rate: float) -> float:
    """OSNR penalty (dB) of a single-pole modulator response |H|² = 1/(1 + (f/B)²) for a Nyquist signal at
    ``baud_rate`` whose ISI a zero-forcing receiver equaliser removes, with ASE added after the modulator.

    Launch power normalisation costs ⟨|H|²⟩ of the signal and the equaliser enhances the noise by ⟨|H|⁻²⟩
    (averages over |f| ≤ R_s/2), so penalty = ⟨|H|²⟩·⟨|H|⁻²⟩ ≥ 1 (Cauchy-Schwarz), in closed form
    (2B/R)·atan(R/2B)·(1 + R²/(12B²)). Approximate: single pole, ZF (an MMSE equaliser does slightly better).
    """
    b = check_positive("eo_bandwidth", eo_bandwidth)
    r = check_positive("baud_rate", baud_rate)
    x = r / (2 * b)
    return float(10 * math.log10(math.atan(x) / x * (1 + x * x / 3)))


def iq_modulation_loss_db(modulation: str = "16QAM", peak_drive_fraction: float = 0.5) -> float:
    """Mean power loss (dB) of an IQ modulator (two null-biased push-pull MZMs, field ∝ sin(πV/2Vπ)) against
    its CW transmission: 3 dB from combining I and Q plus the mean of sin²(π·v/2) over the equiprobable PAM
    levels v of one quadrature, the outer level at ``peak_drive_fraction``·Vπ. Excludes insertion loss."""
    if modulation not in ("QPSK", "16QAM", "64QAM"):
        raise ValueError(f"modulation must be 'QPSK', '16QAM' or '64QAM'; got {modulation!r}")
    frac = check_real("peak_drive_fraction", peak_drive_fraction, low=0.0, high=1.0, low_open=True)
    m = int(round(math.sqrt(MODULATIONS[modulation])))
    levels = (2 * np.arange(m) - (m - 1)) / (m - 1) * frac  # in units of Vπ
    mean = float(np.mean(np.sin(np.pi * levels / 2) ** 2))
    return float(-10 * math.log10(0.5 * mean))


@dataclass(frozen=True)
class TransmitterFigures:
    """Transmitter figures derived from a chip manifest (dBm, dB, Hz)."""

    laser_power_dbm: float
    mzm_insertion_loss_db: float
    modulation_loss_db: float
    tx_power_dbm: float
    eo_bandwidth: float
    baud_rate: float
    bandwidth_penalty_db: float
    laser: str
    modulator: str
    source: str

    def penalty(self) -> tuple[str, float]:
        """The modulator-bandwidth penalty as a `Penalties.other` line."""
        return (f"Tx bandwidth ({self.modulator}, {self.eo_bandwidth / 1e9:.1f} GHz)", self.bandwidth_penalty_db)


def _manifest_entries(manifest) -> tuple[list[dict], str]:
    source = "manifest"
    if isinstance(manifest, str | os.PathLike):
        source = os.fspath(manifest)
        try:
            with open(manifest, encoding="utf-8") as fh:
                manifest = json.load(fh)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source} is not valid JSON: {exc}") from None
    if isinstance(manifest, Mapping):
        for key in ("devices", "instances", "entries"):
            if key in manifest:
                manifest = manifest[key]
                break
    if isinstance(manifest, Mapping):
        entries = [{"name": k, **v} if isinstance(v, Mapping) else v for k, v in manifest.items()]
    elif isinstance(manifest, Sequence) and not isinstance(manifest, str):
        entries = list(manifest)
    else:
        raise TypeError("manifest must be a JSON file, a list of device entries, or a mapping holding them")
    bad = [i for i, e in enumerate(entries) if not isinstance(e, Mapping)]
    if bad:
        raise ValueError(f"manifest entry {bad[0]} is not an object")
    return entries, source


def _pick(entries, kind, name, source):
    found = [e for e in entries if e.get("kind") == kind and (name is None or e.get("name") == name)]
    if not found:
        names = [e.get("name") for e in entries if e.get("kind") == kind]
        what = f"named {name!r} " if name else ""
        raise ValueError(f"{source}: no {kind!r} entry {what}(found {kind} entries: {names})")
    if len(found) > 1:
        raise ValueError(f"{source}: {len(found)} {kind!r} entries ({[e.get('name') for e in found]}); "
                         f"choose one by name")
    perf = found[0].get("performance")
    if not isinstance(perf, Mapping):
        raise ValueError(f"{source}: entry {found[0].get('name')!r} has no 'performance' object")
    return found[0], perf


def transmitter_from_manifest(manifest, baud_rate: float, *, laser: str | None = None,
                              modulator: str | None = None, modulation: str = "16QAM",
                              peak_drive_fraction: float = 0.5) -> TransmitterFigures:
    """Transmitter figures from a chip manifest (dict, list or JSON path; DESIGN.md manifest contract).

    Tx power = laser power − MZM ``insertion_loss_db`` − IQ modulation loss (`iq_modulation_loss_db`);
    the implementation penalty comes from the MZM's ``eo_bandwidth_hz`` vs ``baud_rate``
    (`modulator_bandwidth_penalty_db`). The laser's performance must hold one of
    ``output_power_w``, ``power_w``, ``optical_power_w``, ``power_at_bias_w``, ``facet_power_w`` (W).
    ``laser``/``modulator`` pick an entry by name when the manifest holds several.
    """
    check_positive("baud_rate", baud_rate)
    entries, source = _manifest_entries(manifest)
    las, lperf = _pick(entries, "laser", laser, source)
    mzm, mperf = _pick(entries, "mzm", modulator, source)
    key = next((k for k in _LASER_POWER_KEYS if k in lperf), None)
    if key is None:
        raise ValueError(f"{source}: laser {las.get('name')!r} performance has none of {list(_LASER_POWER_KEYS)}")
    p_w = check_positive(f"{las.get('name')}.performance.{key}", lperf[key])
    for k in ("insertion_loss_db", "eo_bandwidth_hz"):
        if k not in mperf:
            raise ValueError(f"{source}: mzm {mzm.get('name')!r} performance lacks {k!r}")
    il = check_real(f"{mzm.get('name')}.performance.insertion_loss_db", mperf["insertion_loss_db"], low=0.0, high=40.0)
    bw = check_positive(f"{mzm.get('name')}.performance.eo_bandwidth_hz", mperf["eo_bandwidth_hz"])
    mod_loss = iq_modulation_loss_db(modulation, peak_drive_fraction)
    laser_dbm = float(watt_to_dbm(p_w))
    return TransmitterFigures(
        laser_power_dbm=laser_dbm, mzm_insertion_loss_db=il, modulation_loss_db=mod_loss,
        tx_power_dbm=laser_dbm - il - mod_loss, eo_bandwidth=bw, baud_rate=float(baud_rate),
        bandwidth_penalty_db=modulator_bandwidth_penalty_db(bw, baud_rate), laser=str(las.get("name")),
        modulator=str(mzm.get("name")), source=source)
