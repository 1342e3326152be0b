"""IM-DD link budget: Tx OMA outer − TDECQ − fibre and connector loss − MPI/CD penalties vs the receiver
sensitivity for an ideal transmitter → margin (dB), per lane, against an :class:`ImddStandard`."""

from __future__ import annotations

import dataclasses
import math

from links.imdd.standards import ImddStandard, imdd_standard
from optolink.core.display import displayed
from optolink.core.validate import check_positive, check_real


@displayed("std=standard", "OMA_rx=received_oma_dbm:dBm", "TDECQ=tdecq_db:dB", "margin=margin_db:dB", "verdict")
@dataclasses.dataclass(frozen=True)
class ImddBudget:
    """One lane's budget (dB/dBm) and verdict."""

    standard: str
    tx_oma_dbm: float
    tdecq_db: float
    fibre_loss_db: float
    connector_loss_db: float
    penalties_db: float
    received_oma_dbm: float
    sensitivity_dbm: float
    margin_db: float
    checks: dict

    @property
    def verdict(self) -> str:
        return "PASS" if self.margin_db >= 0 and all(self.checks.values()) else "FAIL"


def imdd_budget(standard, *, tx_oma_dbm: float, tdecq_db: float, length: float, alpha_db_per_km: float = 0.35,
                connector_loss_db: float = 1.0, mpi_penalty_db: float = 0.1, cd_penalty_db: float = 0.0,
                tx_power_dbm: float | None = None, extinction_ratio_db: float | None = None,
                noise_enhancement: float | None = None) -> ImddBudget:
    """Margin = Tx OMA − TDECQ − fibre loss − connector loss − penalties − sensitivity(SECQ = 0).

    The receiver sensitivity is the preset's ideal-transmitter term (``sensitivity_oma_offset_dbm``): the TDECQ of
    the transmitter is counted once, on the transmit side. ``checks`` holds the preset's Tx limits (TDECQ max,
    OMA min, launch power range when ``tx_power_dbm`` is given, loss within the channel allocation, and — for a
    preset that has it, with ``extinction_ratio_db`` given — OMA outer minus TDECQ above its minimum for that ER;
    with ``noise_enhancement`` (C_eq of the TDECQ measurement) TDECQ − 10·log10(C_eq) within the TDECQ maximum).
    """
    std = standard if isinstance(standard, ImddStandard) else imdd_standard(standard)
    tx = check_real("tx_oma_dbm", tx_oma_dbm, low=-40.0, high=20.0)
    t = check_real("tdecq_db", tdecq_db, low=0.0, high=30.0) if tdecq_db != float("inf") else float("inf")
    fibre = check_positive("length", length) / 1e3 * check_real("alpha_db_per_km", alpha_db_per_km, low=0.0)
    conn = check_real("connector_loss_db", connector_loss_db, low=0.0)
    pen = check_real("mpi_penalty_db", mpi_penalty_db, low=0.0) + check_real("cd_penalty_db", cd_penalty_db, low=0.0)
    rx = tx - fibre - conn
    sens = std.sensitivity_oma_offset_dbm
    margin = rx - t - pen - sens
    checks = {"tdecq_within_limit": t <= std.tdecq_max_db, "oma_above_minimum": tx >= std.oma_outer_min_dbm,
              "loss_within_allocation": fibre + conn <= std.channel_loss_max_db,
              "reach_within_standard": length <= std.reach}
    if tx_power_dbm is not None:
        p = check_real("tx_power_dbm", tx_power_dbm)
        checks["launch_power_in_range"] = std.tx_power_min_dbm <= p <= std.tx_power_max_dbm
    if extinction_ratio_db is not None and std.oma_minus_tdecq_min_dbm is not None:
        hi_er, lo_er = std.oma_minus_tdecq_min_dbm
        er = check_real("extinction_ratio_db", extinction_ratio_db)
        checks["oma_minus_tdecq_above_minimum"] = tx - t >= (hi_er if er >= 5.0 else lo_er)
    if noise_enhancement is not None:
        ceq = check_positive("noise_enhancement", noise_enhancement)
        checks["tdecq_minus_ceq_within_limit"] = t - 10.0 * math.log10(ceq) <= std.tdecq_max_db
    return ImddBudget(std.name, tx, t, fibre, conn, pen, rx, sens, margin, checks)
