"""Test-chip layouts with back-annotated device performance (the only package that imports gdsfactory).

Modules: ``cells`` (gdsfactory cells from the photonics parameter objects, one module per device), ``chip``
(a die from a DOE: placement, checked fiber routing, labels, marks, frame), ``doe`` (the DOE file format and
its validation), ``manifest`` (JSON through ``photonics.manifest``, HDF5, CSV beside the GDS;
``write_chip``), ``checks`` (the rule table and klayout checks), ``readback``, ``render`` (PNG picture) and
``regression`` (stored references). Submodules are imported on demand.

The PDK: importing a ``layouts`` module changes no global state. Every entry point that draws (each cell,
``chip.build_chip``, ``manifest.write_chip``, ``regression.reference_cells``) takes ``pdk=``: a gdsfactory
``Pdk``, default None for gdsfactory's generic PDK, whose layers ``checks.RULES`` describes. It activates
that PDK while it draws, then re-activates the one active before (with none active before, it stays
active). ``use_pdk`` is that context manager, for code of your own that mixes gdsfactory components with
these cells; another PDK must provide the ``strip`` cross-section and ``mmi1x2`` on the generic PDK's
layers for the checks to hold.
"""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def use_pdk(pdk=None):
    """Within the block ``pdk`` (default: gdsfactory's generic PDK) is the active gdsfactory PDK; a PDK that
    was active before is active again afterwards. Re-entering with the active PDK costs nothing."""
    import gdsfactory as gf
    from gdsfactory import pdk as gf_pdk

    target = gf.gpdk.PDK if pdk is None else pdk
    previous = gf_pdk._ACTIVE_PDK  # read without get_active_pdk(), which would activate a default
    if previous is target:
        yield target
        return
    target.activate()
    try:
        yield target
    finally:
        if previous is not None:  # with none active before, the target stays: there is nothing to restore
            previous.activate()
