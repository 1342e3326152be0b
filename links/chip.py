"""A transmitter's figures from a chip manifest: laser power, MZM insertion and modulation loss, Tx power and
the analytic modulator-bandwidth penalty (an estimate; the full simulation is `links.simulate`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optolink.core.units import watt_to_dbm
from optolink.core.validate import check_positive, check_real
from photonics.manifest import load

from .modulations import MODULATIONS

LASER_POWER_FIGURE = "power_w"  # RateEquationLaser.figures(): one facet's power at the operating current


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


def transmitter_from_manifest(manifest, baud_rate: float, *, laser: str | None = None,
                              modulator: str | None = None, modulation: str = "16QAM",
                              peak_drive_fraction: float = 0.5) -> TransmitterFigures:
    """Transmitter figures from a chip manifest (a ``photonics.manifest.Manifest``, its mapping or its JSON
    path; read through ``photonics.manifest``, which refuses another schema version).

    Tx power = the laser's ``power_w`` figure − the MZM's ``insertion_loss_db`` − IQ modulation loss
    (`iq_modulation_loss_db`); the implementation penalty comes from the MZM's ``eo_bandwidth_hz`` vs
    ``baud_rate`` (`modulator_bandwidth_penalty_db`). ``laser``/``modulator`` name the devices; without a name
    the manifest must hold exactly one of the kind (an unknown or ambiguous name lists the candidates).
    """
    check_positive("baud_rate", baud_rate)
    chip = load(manifest)
    las = chip.pick("laser", laser)
    mzm = chip.pick("mzm", modulator)
    p_w = check_positive(f"{las.name}.performance.{LASER_POWER_FIGURE}", las.figure(LASER_POWER_FIGURE))
    il = check_real(f"{mzm.name}.performance.insertion_loss_db", mzm.figure("insertion_loss_db"), low=0.0, high=40.0)
    bw = check_positive(f"{mzm.name}.performance.eo_bandwidth_hz", mzm.figure("eo_bandwidth_hz"))
    mod_loss = iq_modulation_loss_db(modulation, peak_drive_fraction)
    laser_dbm = float(watt_to_dbm(p_w))
    return TransmitterFigures(
        laser_power_dbm=laser_dbm, mzm_insertion_loss_db=il, modulation_loss_db=mod_loss,
        tx_power_dbm=laser_dbm - il - mod_loss, eo_bandwidth=bw, baud_rate=float(baud_rate),
        bandwidth_penalty_db=modulator_bandwidth_penalty_db(bw, baud_rate), laser=las.name,
        modulator=mzm.name, source=chip.source)
