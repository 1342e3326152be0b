"""Coherent transceiver standards: 400ZR, OpenZR+ 400G and 800ZR.

Every figure carries its source. "(M)" marks a secondary source (vendor sheets, articles, or a value
derived from the others) — check the primary document before relying on it for a design sign-off.
OSNR figures are referenced to 12.5 GHz (0.1 nm) and count the noise of both polarizations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from optolink.core.display import displayed
from optolink.core.units import OSNR_REFERENCE_BANDWIDTH

OIF_400ZR = "OIF-400ZR-01.0 Implementation Agreement (OIF, March 2020)"
OPENZR = "OpenZR+ MSA Technical Specification, version 3.0 (2023)"
OIF_800ZR = "OIF-800ZR-01.0 Implementation Agreement (OIF, 2024)"


@displayed("name", "modulation", "baud=baud_rate:Bd:5", "BER_th=pre_fec_ber_threshold", "req_OSNR=required_osnr_db:dB",
           more=("FEC=fec", "spacing=channel_spacing:Hz"))
@dataclass(frozen=True)
class Standard:
    """A coherent transceiver standard. SI units: baud in Bd, spacings in Hz, powers in dBm where named."""

    name: str
    modulation: str
    polarizations: int
    baud_rate: float
    line_rate: float  # b/s on the line (incl. FEC overhead)
    net_rate: float  # b/s client payload
    fec: str
    pre_fec_ber_threshold: float
    required_osnr_db: float  # back-to-back Rx OSNR tolerance at the threshold, 12.5 GHz reference
    channel_spacing: tuple[float, ...]  # Hz
    roll_off: float | None
    tx_power_range_dbm: tuple[float, float] | None
    dsp_latency_s: float  # Tx+Rx DSP + FEC latency
    source: str
    sources: dict = field(default_factory=dict, compare=False)

    @property
    def required_snr_db(self) -> float:
        """The required OSNR as an SNR in the signal bandwidth: OSNR − 10·log10(baud/12.5 GHz)."""
        return self.required_osnr_db - 10 * math.log10(self.baud_rate / OSNR_REFERENCE_BANDWIDTH)


STANDARDS: dict[str, Standard] = {
    "400ZR": Standard(
        name="400ZR", modulation="16QAM", polarizations=2, baud_rate=59.84375e9, line_rate=478.75e9,
        net_rate=400e9, fec="CFEC (staircase HD + Hamming SD inner code)", pre_fec_ber_threshold=1.22e-2,
        required_osnr_db=26.0, channel_spacing=(75e9, 100e9), roll_off=None,
        tx_power_range_dbm=(-10.0, -6.0), dsp_latency_s=5e-6,
        source=OIF_400ZR,
        sources={
            "baud_rate": OIF_400ZR + " §13 (59.84375 GBd, 478.75 Gb/s line)",
            "pre_fec_ber_threshold": OIF_400ZR + " §9 CFEC threshold 1.22e-2 (vendor sheets: 1.25e-2)",
            "required_osnr_db": OIF_400ZR + " Table 21, 26 dB/0.1 nm (amplified DWDM)",
            "channel_spacing": OIF_400ZR + " §13: 75 or 100 GHz grid",
            "tx_power_range_dbm": OIF_400ZR + " Table 15: -10 to -6 dBm (DWDM amplified)",
            "dsp_latency_s": "(M) ~5 us Tx+Rx DSP and CFEC latency, vendor application notes",
        },
    ),
    "OpenZR+ 400G": Standard(
        name="OpenZR+ 400G", modulation="16QAM", polarizations=2, baud_rate=60.1385e9, line_rate=481.108e9,
        net_rate=400e9, fec="oFEC (open FEC, SD)", pre_fec_ber_threshold=2.0e-2,
        required_osnr_db=24.0, channel_spacing=(75e9,), roll_off=0.2,
        tx_power_range_dbm=None, dsp_latency_s=8e-6,
        source=OPENZR,
        sources={
            "baud_rate": OPENZR + ": 60.1385 GBd for 400G DP-16QAM",
            "pre_fec_ber_threshold": "(M) oFEC threshold ~2.0e-2, ITU-T G.709.3 / vendor sheets",
            "required_osnr_db": OPENZR + ": 24 dB/0.1 nm",
            "channel_spacing": OPENZR + ": 75 GHz, roll-off 0.2",
            "tx_power_range_dbm": "not fixed by the MSA: module classes differ (standard vs high power)",
            "dsp_latency_s": "(M) ~8 us with oFEC, vendor application notes",
        },
    ),
    "800ZR": Standard(
        name="800ZR", modulation="16QAM", polarizations=2, baud_rate=118.2e9, line_rate=945.6e9,
        net_rate=800e9, fec="oFEC (open FEC, SD)", pre_fec_ber_threshold=2.0e-2,
        required_osnr_db=27.0, channel_spacing=(150e9,), roll_off=None,
        tx_power_range_dbm=None, dsp_latency_s=8e-6,
        source=OIF_800ZR + " (M: figures below from secondary sources)",
        sources={
            "baud_rate": "(M) ~118.2 GBd DP-16QAM, vendor sheets for 800ZR pluggables",
            "pre_fec_ber_threshold": "(M) oFEC threshold ~2.0e-2",
            "required_osnr_db": "(M) 27 dB/0.1 nm as quoted for OIF 800ZR in industry articles (2026)",
            "channel_spacing": "(M) 150 GHz grid",
            "tx_power_range_dbm": "not in the design table",
            "dsp_latency_s": "(M) ~8 us with oFEC",
        },
    ),
}


def get_standard(name: str) -> Standard:
    """The standard called ``name`` (case-insensitive); ValueError listing the known ones otherwise."""
    for key, std in STANDARDS.items():
        if key.lower() == str(name).lower() or key.lower().replace(" ", "") == str(name).lower().replace(" ", ""):
            return std
    raise ValueError(f"unknown standard {name!r}; known: {sorted(STANDARDS)}")
