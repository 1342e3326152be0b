"""IM-DD lane flow: a PAM4 transmitter from the chip's ring or MZM, O-band fibre, TDECQ and the lane budget.

To be registered by the CLI (``optolink imdd STANDARD ...``); returns a JSON-able report dict.
"""

from __future__ import annotations

import math

import numpy as np


def imdd_lane(standard: str = "800G-DR8", *, modulator=None, kind: str = "mzm", length: float | None = None,
              sps: int = 8, input_power: float = 2e-3, pattern: str = "SSPRQ") -> dict:
    """TECQ, TDECQ after the fibre, OMA outer, ER, RLM and the budget of one lane of ``standard``."""
    from links.imdd import measure_tdecq
    from links.imdd.budget import imdd_budget
    from links.imdd.channel import o_band_fiber
    from links.imdd.patterns import pattern as make_pattern
    from links.imdd.standards import imdd_standard
    from links.imdd.transmitters import mzm_pam4, ring_pam4

    std = imdd_standard(standard)
    sym = make_pattern(pattern)
    baud = std.baud_rate
    if kind == "mzm":
        from photonics.modulators import MachZehnderModulator
        p = mzm_pam4(modulator or MachZehnderModulator(), sym, baud, sps, input_power=input_power)
    elif kind == "ring":
        from photonics.rings import RingModulator
        p = ring_pam4(modulator or RingModulator(), sym, baud, sps, input_power=input_power)
    else:
        raise ValueError(f"kind must be 'mzm' or 'ring'; got {kind!r}")
    fs = baud * sps
    tx = measure_tdecq(p, fs, baud, standard=standard)
    reach = std.reach if length is None else length
    fib = o_band_fiber(reach, std.wavelengths[0])
    rx = measure_tdecq(np.abs(fib.propagate(np.sqrt(p).astype(complex), fs)) ** 2, fs, baud, standard=standard)
    b = imdd_budget(std, tx_oma_dbm=10 * math.log10(tx.oma_outer / 1e-3), tdecq_db=rx.tdecq_db, length=reach,
                    tx_power_dbm=10 * math.log10(tx.average_power / 1e-3))
    return {"standard": std.name, "source": std.source, "tecq_db": tx.tdecq_db, "tdecq_db": rx.tdecq_db,
            "oma_outer_dbm": b.tx_oma_dbm, "extinction_ratio_db": tx.extinction_ratio_db, "rlm": tx.rlm,
            "margin_db": b.margin_db, "verdict": b.verdict, "checks": b.checks}
