"""Transceiver modes and the choice of the highest-rate mode that closes on a path.

A `TransceiverMode` is what path planning needs from a transceiver: rate, baud, required OSNR (12.5 GHz, at
the FEC threshold, implementation penalty included), a margin to keep, the DSP/FEC latency and where the
figures come from. `standard_modes()` gives the 400ZR, OpenZR+ 400G and 800ZR modes from
`links.standards.STANDARDS` (their required OSNR). A mode derived from a chip (a simulated BER-vs-OSNR curve,
e.g. ``links.budget.Transceiver.from_ber_curve(...).required_osnr_db``) is the same dataclass with
``source="simulated"`` — `mode_from_transceiver` builds it from such a transceiver.

Closing rule: worst-channel GSNR (12.5 GHz) − required OSNR − margin − ROADM filter penalties ≥ 0. The GSNR is
the network's design spectrum's; converted to 12.5 GHz it carries over to a mode of another baud at equal
power spectral density (exact for ASE, approximate for NLI — an approximation the report states).
"""

from __future__ import annotations

from dataclasses import dataclass

from optolink.core.validate import check_real

SOURCES = ("standard", "simulated", "estimate", "gnpy")


@dataclass(frozen=True)
class TransceiverMode:
    """One transceiver operating mode (SI; OSNR in 12.5 GHz)."""

    name: str
    rate: float  # b/s, client payload
    baud_rate: float
    required_osnr_db: float
    margin_db: float = 0.0
    source: str = "standard"
    dsp_latency_s: float = 0.0
    spacing: float | None = None  # Hz, the grid slot it needs
    tx_osnr_db: float | None = None
    reference: str = ""  # where the figures come from

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("a transceiver mode needs a name")
        check_real(f"mode {self.name!r}.rate", self.rate, low=0.0, low_open=True)
        check_real(f"mode {self.name!r}.baud_rate", self.baud_rate, low=1e8, high=1e12)
        check_real(f"mode {self.name!r}.required_osnr_db", self.required_osnr_db, low=-10.0, high=60.0)
        check_real(f"mode {self.name!r}.margin_db", self.margin_db, low=0.0, high=30.0)
        check_real(f"mode {self.name!r}.dsp_latency_s", self.dsp_latency_s, low=0.0, high=1e-2)
        if self.source not in SOURCES:
            raise ValueError(f"mode {self.name!r}.source must be one of {SOURCES}; got {self.source!r}")

    def margin_on(self, worst_gsnr_ref_db: float, penalty_db: float = 0.0) -> float:
        """Margin left (dB) on a path of worst-channel GSNR ``worst_gsnr_ref_db`` (12.5 GHz)."""
        return worst_gsnr_ref_db - self.required_osnr_db - self.margin_db - penalty_db


def standard_modes(margin_db: float = 1.0) -> tuple[TransceiverMode, ...]:
    """400ZR, OpenZR+ 400G and 800ZR with their standards' required OSNR, ``margin_db`` kept on each."""
    from links.standards import STANDARDS

    out = []
    for name in ("400ZR", "OpenZR+ 400G", "800ZR"):
        s = STANDARDS[name]
        out.append(TransceiverMode(name=name, rate=s.net_rate, baud_rate=s.baud_rate,
                                   required_osnr_db=s.required_osnr_db, margin_db=margin_db, source="standard",
                                   dsp_latency_s=s.dsp_latency_s, spacing=s.channel_spacing[0],
                                   reference=s.sources.get("required_osnr_db", s.source)))
    return tuple(out)


def mode_from_transceiver(transceiver, rate: float, margin_db: float = 1.0, source: str = "simulated"):
    """A mode from a `links.budget.Transceiver` (e.g. one made from the chip's simulated BER curve)."""
    return TransceiverMode(name=transceiver.name, rate=rate, baud_rate=transceiver.baud_rate,
                           required_osnr_db=transceiver.required_osnr_db, margin_db=margin_db, source=source,
                           dsp_latency_s=transceiver.dsp_latency_s,
                           reference=transceiver.required_osnr_source or source)


def best_mode(modes, worst_gsnr_ref_db: float, penalty_db: float = 0.0):
    """(mode, margin_db) of the highest-rate mode that closes (ties: the larger margin); (None, None) if none."""
    best = None
    for m in modes:
        margin = m.margin_on(worst_gsnr_ref_db, penalty_db)
        if margin >= 0 and (best is None or (m.rate, margin) > (best[0].rate, best[1])):
            best = (m, margin)
    return best if best is not None else (None, None)
