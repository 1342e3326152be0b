"""Optical networks: sites, fibre links, ROADMs and amplifiers; GNPy import/export; lightpath QoT with the
point-to-point GN engine; shortest, k-shortest and disjoint paths; transceiver modes; latency circles and
compute-site placement.

Entry points: `load_gnpy(topology, equipment)` → `Network`; `Network.lightpath(src, dst)` → `Lightpath`
(``.gsnr_db`` the channel mean in the signal bandwidth, ``.latency_s`` one way); `load_native` for the YAML
form; `example_metro()` for the built-in synthetic metro.
"""

from .engine import Lightpath, make_span, propagate
from .equipment import AmplifierType, Equipment, FiberType, RoadmType, Spectrum
from .gnpy_io import export_gnpy, load_gnpy
from .model import EdfaNode, FiberNode, Fused, Network, Roadm, Site, TransceiverNode
from .modes import TransceiverMode, best_mode, standard_modes

__all__ = [
    "AmplifierType", "EdfaNode", "Equipment", "FiberNode", "FiberType", "Fused", "Lightpath", "Network", "Roadm",
    "RoadmType", "Site", "Spectrum", "TransceiverNode", "TransceiverMode", "best_mode", "export_gnpy", "load_gnpy",
    "make_span", "propagate", "standard_modes",
]

from .native import SCHEMA, build_native, example_metro, load_native  # noqa: E402

__all__ += ["SCHEMA", "build_native", "example_metro", "load_native"]
