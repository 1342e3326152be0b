"""IM-DD PMD presets: 800G-DR8, 800G-FR4, 1.6T-DR8 (per-lane optical figures), and the KP4 FEC threshold.

Figures are per lane, SI or named in their units. Every preset carries a ``source``; ``secondary=True`` marks
figures recalled from the published tables or task-force drafts and not checked against the clause text here
(M in the project's notation) — confirm before quoting compliance. The receiver sensitivity is given as the
two terms of the clauses' ``max(floor, SECQ + offset)`` form: ``sensitivity_oma_floor_dbm`` and
``sensitivity_oma_offset_dbm`` (the sensitivity for an ideal, SECQ = 0 transmitter).
"""

from __future__ import annotations

import dataclasses

from optolink.core.validate import check_positive, check_real

KP4_FEC = "RS(544,514) (KP4), IEEE 802.3 clause 91/119"
KP4_PRE_FEC_BER = 2.4e-4  # IEEE 802.3 (400GBASE-R/200GBASE-R PMD BER target, clauses 121/124/138/151)
KP4_SOURCE = ("IEEE Std 802.3-2022 clauses 121.1.1, 124.1.1: the PMDs meet BER 2.4e-4 (KP4 RS(544,514) "
              "corrects to < 1e-13 frame loss); 802.3dj 200G/λ PMDs add an inner code, M")


@dataclasses.dataclass(frozen=True)
class ImddStandard:
    """One IM-DD PMD's per-lane figures (SI unless the name says its unit)."""

    name: str
    lanes: int
    lane_rate: float  # b/s, line rate per lane
    baud_rate: float  # Bd per lane
    wavelengths: tuple[float, ...]  # m, lane centre wavelengths
    reach: float  # m
    tdecq_method: str  # key of links.imdd.tdecq.TDECQ_METHODS
    tdecq_max_db: float
    tx_power_min_dbm: float  # average launch power per lane
    tx_power_max_dbm: float
    oma_outer_min_dbm: float
    er_min_db: float
    channel_loss_max_db: float  # channel insertion loss (fibre + connectors)
    penalty_allocation_db: float  # allocated for penalties (TDECQ, MPI, ...) in the power budget
    sensitivity_oma_floor_dbm: float
    sensitivity_oma_offset_dbm: float
    fibre_dispersion_ps_nm_km: tuple[float, float]  # min, max over the lanes' bands, G.652 (links.imdd.channel)
    fec: str = KP4_FEC
    pre_fec_ber: float = KP4_PRE_FEC_BER
    source: str = ""
    secondary: bool = True

    def __post_init__(self):
        check_positive("baud_rate", self.baud_rate)
        check_positive("reach", self.reach)
        check_real("tdecq_max_db", self.tdecq_max_db, low=0.0, high=10.0)
        if self.tx_power_min_dbm > self.tx_power_max_dbm:
            raise ValueError(f"tx_power_min_dbm must not exceed tx_power_max_dbm; got {self.tx_power_min_dbm} > "
                             f"{self.tx_power_max_dbm}")

    def sensitivity_oma_dbm(self, secq_db: float = 0.0) -> float:
        """Receiver sensitivity (OMA outer, dBm) for a stressed eye of SECQ ``secq_db``."""
        return max(self.sensitivity_oma_floor_dbm, secq_db + self.sensitivity_oma_offset_dbm)


_CWDM4 = (1271e-9, 1291e-9, 1311e-9, 1331e-9)
_DR = (1311e-9,)

IMDD_STANDARDS: dict[str, ImddStandard] = {
    "800G-DR8": ImddStandard(
        "800G-DR8", 8, 106.25e9, 53.125e9, _DR, 500.0, "802.3cu", 3.4, -2.9, 4.0, -0.8, 3.5, 3.0, 3.4,
        -4.4, -5.8, (-1.83, 1.58),
        source="IEEE Std 802.3df-2024 800GBASE-DR8 (clause 124 PMD per lane, as 400GBASE-DR4 of 802.3bs "
               "Table 124-6/124-7): 500 m, TDECQ ≤ 3.4 dB, launch −2.9..4 dBm, OMA outer ≥ −0.8 dBm, ER ≥ 3.5 "
               "dB, loss ≤ 3 dB, Rx sensitivity max(−4.4, SECQ − 5.8) dBm; M (figures recalled)"),
    "800G-FR4": ImddStandard(
        "800G-FR4", 4, 226.875e9, 113.4375e9, _CWDM4, 2000.0, "802.3dj", 3.9, -2.1, 4.8, 0.0, 3.5, 4.0, 3.9,
        -3.3, -5.2, (-5.87, 3.31),
        source="IEEE P802.3dj 800GBASE-FR4 (4 × 200G CWDM, 2 km) / 800G Pluggable MSA 800G-FR4: M — per-lane "
               "figures recalled from draft tables, not verified; confirm against the published clause"),
    "1.6T-DR8": ImddStandard(
        "1.6T-DR8", 8, 226.875e9, 113.4375e9, _DR, 500.0, "802.3dj", 3.4, -2.0, 4.0, -0.4, 3.5, 3.0, 3.4,
        -3.9, -5.4, (-1.83, 1.58),
        source="IEEE P802.3dj 1.6TBASE-DR8 (8 × 200G, 500 m, 1311 nm): M — per-lane figures recalled from "
               "draft tables, not verified; confirm against the published clause"),
}


def imdd_standard(name: str) -> ImddStandard:
    """A preset by name; ValueError listing the known ones."""
    if name not in IMDD_STANDARDS:
        raise ValueError(f"IM-DD standard must be one of {sorted(IMDD_STANDARDS)}; got {name!r}")
    return IMDD_STANDARDS[name]
