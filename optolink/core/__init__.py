"""The base layer under ``photonics``, ``links`` and ``layouts``: what every package needs and no package owns.

``constants`` (CODATA 2018), ``units`` (dB, dBm, wavelength ↔ frequency, the OSNR reference bandwidth),
``validate`` (checks that raise ``ValueError``/``TypeError`` naming the field and its range; the ``rng``
convention), ``files`` (atomic writes; YAML/JSON reading), ``serialize`` (JSON-able values, parameter
dataclasses to dicts, file-name slugs), ``display`` (short reprs with engineering units and HTML tables for
notebooks) and ``progress`` (progress bars on a terminal, silent elsewhere).

This package imports numpy and the standard library only: nothing from ``photonics``, ``links``,
``layouts`` or the rest of ``optolink`` (the architecture test enforces it), so the layers above can all
stand on it.
"""
