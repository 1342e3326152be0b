"""Intensity-modulated, direct-detection PAM4 links (800G/1.6T data-centre optics) and their compliance figures."""

from links.imdd.tdecq import (
    TDECQ_METHODS,
    EyeDiagram,
    TdecqMethod,
    TdecqResult,
    bessel_thomson,
    extinction_ratio_db,
    eye_diagram,
    measure_tdecq,
    oma_outer,
    ratio_level_mismatch,
    tdecq,
    tdecq_method,
    tecq,
)

__all__ = [
    "TDECQ_METHODS", "EyeDiagram", "TdecqMethod", "TdecqResult", "bessel_thomson", "extinction_ratio_db",
    "eye_diagram", "measure_tdecq", "oma_outer", "ratio_level_mismatch", "tdecq", "tdecq_method", "tecq",
]
