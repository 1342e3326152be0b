"""gdsfactory cells drawn from the photonics parameter objects, one module per device (µm inside a cell).

Every public cell is a keyword-only function of its parameter objects and its layout values (µm, named
``*_um``) returning a component; ``cells.base.device_cell`` is the one wrapper that makes it a cached
gdsfactory cell, rebuilds and re-validates the objects, back-annotates ``info`` with the device's figures
(``annotate=True``) and activates the PDK (``pdk=``, default generic). Modules: ``couplers`` (grating and
edge couplers), ``modulators`` (MZM, IQ modulator), ``rings``, ``photodetectors`` and ``sites`` (laser site,
loopbacks). Port names: ``o_in``/``o_out`` (and ``o_drop``/``o_add``) for light, ``e_signal``/``e_ground_*``,
``e_heater_*``, ``e_anode``/``e_cathode`` for pads (orientation: the side a probe comes from).
"""

from __future__ import annotations

from .base import (
    M2_TRACE_UM,
    MIN_BEND_RADIUS_UM,
    MTOP_TRACE_UM,
    PAD_SIZE_UM,
    RESISTOR_SHEET_OHM,
    STRIP_WIDTH_UM,
    device_cell,
    junction_bands,
    sbend_length,
    sbend_points,
)
from .couplers import edge_coupler, grating_coupler
from .modulators import iq_modulator, mzm, mzm_body
from .photodetectors import photodetector
from .rings import ring
from .sites import LOOP_RADIUS_UM, laser, loopback

# public cells by device kind (the chip and the read-back use this)
DEVICE_CELLS = {
    "mzm": mzm,
    "iq_modulator": iq_modulator,
    "ring": ring,
    "photodetector": photodetector,
    "laser": laser,
    "loopback": loopback,
}

__all__ = ["DEVICE_CELLS", "LOOP_RADIUS_UM", "M2_TRACE_UM", "MIN_BEND_RADIUS_UM", "MTOP_TRACE_UM", "PAD_SIZE_UM",
           "RESISTOR_SHEET_OHM", "STRIP_WIDTH_UM", "device_cell", "edge_coupler", "grating_coupler",
           "iq_modulator", "junction_bands", "laser", "loopback", "mzm", "mzm_body", "photodetector", "ring",
           "sbend_length", "sbend_points"]
