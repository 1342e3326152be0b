"""IM-DD PMD presets: 800G-DR8, 800G-FR4, 1.6T-DR8 (per-lane optical figures), and the KP4 FEC threshold.

Figures are per lane, SI or named in their units. Every preset carries a ``source`` and, per figure,
``figure_sources``: where each value was read (the clause tables themselves are not public; the sources are
vendor datasheets that reproduce them for compliant modules and the TIA fibre-optics committee's summary of the
published standard) or ``"M"`` where no source was found and the value is recalled — confirm those before
quoting compliance. ``secondary=True`` marks a preset that still has M figures. The receiver sensitivity is
given as the two terms of the clauses' ``max(floor, SECQ + offset)`` form: ``sensitivity_oma_floor_dbm`` and
``sensitivity_oma_offset_dbm`` (the sensitivity for an ideal, SECQ = 0 transmitter).
"""

from __future__ import annotations

import dataclasses

from optolink.core.validate import check_positive, check_real

KP4_FEC = "RS(544,514) (KP4), IEEE 802.3 clause 91/119"
KP4_PRE_FEC_BER = 2.4e-4  # IEEE 802.3 (400GBASE-R/200GBASE-R PMD BER target, clauses 121/124/138/151)
KP4_SOURCE = ("IEEE Std 802.3-2022 clauses 121.1.1, 124.1.1: the PMDs meet BER 2.4e-4 (KP4 RS(544,514) "
              "corrects to < 1e-13 frame loss); the 800G OSFP DR8 datasheet of Ascent (OSFP-800G-DR8-05: pre-FEC "
              "BER 2.4e-4, FEC on the host) and 400G DR4/LR4 datasheets state the same; 802.3dj 200G/λ PMDs add an "
              "inner code, M")

# where each preset figure was read
_EDGECORE_DR4 = "Edgecore ET7502-DR4 (400GBASE-DR4, IEEE 802.3bs clause 124) datasheet, optical tables"
_TRIXON_DR8 = "Trixon 800G OSFP DR8 datasheet, transmitter table (IEEE 802.3df 800GBASE-DR8)"
_TIA_DR8 = "TIA FOTC, 800GBASE-DR8 application overview (IEEE Std 802.3df-2024): channel characteristics"
_NAME = "the PMD name (IEEE 802.3 nomenclature: DR 500 m, FR 2 km; the digit is the lane count)"
_G652 = "derived: links.imdd.channel.g652_dispersion_ps_nm_km over the lane band, λ0 1300-1324 nm, S0 0.092"


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
    oma_minus_tdecq_min_dbm: tuple[float, float] | None = None  # (ER ≥ 5 dB, ER < 5 dB), per lane
    figure_sources: dict = dataclasses.field(default_factory=dict)  # figure name → source text or "M"

    def __post_init__(self):
        check_positive("baud_rate", self.baud_rate)
        check_positive("reach", self.reach)
        check_real("tdecq_max_db", self.tdecq_max_db, low=0.0, high=10.0)
        if self.tx_power_min_dbm > self.tx_power_max_dbm:
            raise ValueError(f"tx_power_min_dbm must not exceed tx_power_max_dbm; got {self.tx_power_min_dbm} > "
                             f"{self.tx_power_max_dbm}")

    @property
    def recalled(self) -> list[str]:
        """The figures without a source (M)."""
        return sorted(k for k, v in self.figure_sources.items() if v == "M")

    def sensitivity_oma_dbm(self, secq_db: float = 0.0) -> float:
        """Receiver sensitivity (OMA outer, dBm) for a stressed eye of SECQ ``secq_db``."""
        return max(self.sensitivity_oma_floor_dbm, secq_db + self.sensitivity_oma_offset_dbm)


_CWDM4 = (1271e-9, 1291e-9, 1311e-9, 1331e-9)
_DR = (1311e-9,)

def _sources(mapping: dict, recalled=()) -> dict:
    out = dict(mapping)
    out.update({k: "M" for k in recalled})
    return out


_ALL_FIGURES = ("lanes", "lane_rate", "baud_rate", "wavelengths", "reach", "tdecq_max_db", "tx_power_min_dbm",
                "tx_power_max_dbm", "oma_outer_min_dbm", "er_min_db", "channel_loss_max_db", "penalty_allocation_db",
                "sensitivity_oma_floor_dbm", "sensitivity_oma_offset_dbm", "fibre_dispersion_ps_nm_km")

IMDD_STANDARDS: dict[str, ImddStandard] = {
    "800G-DR8": ImddStandard(
        "800G-DR8", 8, 106.25e9, 53.125e9, _DR, 500.0, "802.3cu", 3.4, -2.9, 4.0, -0.8, 3.5, 3.0, 3.4,
        -4.4, -5.8, (-1.83, 1.58), oma_minus_tdecq_min_dbm=(-2.2, -1.9),
        source="IEEE Std 802.3df-2024 800GBASE-DR8 (8 lanes of the 400GBASE-DR4 PMD of clause 124): per-lane "
               "figures from vendor datasheets of compliant DR4/DR8 modules and the TIA FOTC summary (see "
               "figure_sources); the sensitivity's SECQ offset and the penalty allocation are recalled (M)",
        figure_sources=_sources({
            "lanes": _TIA_DR8, "lane_rate": _TIA_DR8 + " (106.25 Gb/s per lane)",
            "baud_rate": _EDGECORE_DR4 + " (signalling 53.125 GBd per lane)", "wavelengths": _EDGECORE_DR4 +
            " (1304.5-1317.5 nm, 1311 nm centre)", "reach": _TIA_DR8 + " (2 m to 500 m)",
            "tdecq_max_db": _EDGECORE_DR4 + "; " + _TRIXON_DR8, "tx_power_min_dbm": _EDGECORE_DR4 + "; " + _TRIXON_DR8,
            "tx_power_max_dbm": _EDGECORE_DR4 + "; " + _TRIXON_DR8, "oma_outer_min_dbm": _EDGECORE_DR4 + "; " +
            _TRIXON_DR8, "er_min_db": _EDGECORE_DR4 + "; " + _TRIXON_DR8,
            "oma_minus_tdecq_min_dbm": _TRIXON_DR8 + " (−2.2 dBm for ER ≥ 5 dB, −1.9 dBm below); " + _EDGECORE_DR4,
            "channel_loss_max_db": _TIA_DR8 + " (insertion loss max 3.0 dB, 2.75 dB connection and splice "
                                              "allocation)",
            "sensitivity_oma_floor_dbm": _EDGECORE_DR4 + " (receiver sensitivity, OMA outer, −4.4 dBm; stressed "
                                                         "−1.9 dBm at SECQ 3.4 dB)",
            "fibre_dispersion_ps_nm_km": _G652},
            recalled=("sensitivity_oma_offset_dbm", "penalty_allocation_db"))),
    "800G-FR4": ImddStandard(
        "800G-FR4", 4, 226.875e9, 113.4375e9, _CWDM4, 2000.0, "802.3dj", 3.9, -2.1, 4.8, 0.0, 3.5, 4.0, 3.9,
        -3.3, -5.2, (-5.87, 3.31),
        source="IEEE P802.3dj 800GBASE-FR4 (4 × 200G CWDM, 2 km) / 800G Pluggable MSA 800G-FR4: M — per-lane "
               "figures recalled from draft tables; no public source found for them (the searched datasheets are "
               "of 100G/λ modules); confirm against the published clause",
        figure_sources=_sources({"wavelengths": "ITU-T G.694.2 CWDM grid 1271/1291/1311/1331 nm (as the 400G-FR4 "
                                                "datasheets, e.g. Edgecore ET7502-FR4, list)",
                                 "lanes": _NAME, "reach": _NAME, "fibre_dispersion_ps_nm_km": _G652},
                                recalled=[f for f in _ALL_FIGURES if f not in ("wavelengths", "lanes", "reach",
                                                                             "fibre_dispersion_ps_nm_km")])),
    "1.6T-DR8": ImddStandard(
        "1.6T-DR8", 8, 226.875e9, 113.4375e9, _DR, 500.0, "802.3dj", 3.4, -2.0, 4.0, -0.4, 3.5, 3.0, 3.4,
        -3.9, -5.4, (-1.83, 1.58),
        source="IEEE P802.3dj 1.6TBASE-DR8 (8 × 200G, 500 m, 1311 nm): M — per-lane figures recalled from "
               "draft tables; no public source found; confirm against the published clause",
        figure_sources=_sources({"wavelengths": _EDGECORE_DR4 + " (the DR lane band)", "lanes": _NAME,
                                 "reach": _NAME, "fibre_dispersion_ps_nm_km": _G652},
                                recalled=[f for f in _ALL_FIGURES if f not in ("wavelengths", "lanes", "reach",
                                                                             "fibre_dispersion_ps_nm_km")])),
}


def imdd_standard(name: str) -> ImddStandard:
    """A preset by name; ValueError listing the known ones."""
    if name not in IMDD_STANDARDS:
        raise ValueError(f"IM-DD standard must be one of {sorted(IMDD_STANDARDS)}; got {name!r}")
    return IMDD_STANDARDS[name]
