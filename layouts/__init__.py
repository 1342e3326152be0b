"""Test-chip layouts with back-annotated device performance (the only package that imports gdsfactory).

Modules: ``cells`` (gdsfactory cells from the photonics parameter objects, one module per device), ``chip``
(a die from a DOE: placement, checked fiber routing, labels, marks, frame), ``doe`` (the DOE file format and
its validation), ``manifest`` (JSON through ``photonics.manifest``, HDF5, CSV beside the GDS;
``write_chip``), ``checks`` (the rule table and klayout checks), ``readback``, ``render`` (PNG picture) and
``regression`` (stored references). Submodules are imported on demand.

The PDK: importing a ``layouts`` module changes no global state. Every entry point that draws (each cell,
``chip.build_chip``, ``manifest.write_chip``, ``regression.reference_cells``) takes ``pdk=``: a gdsfactory
``Pdk``, default None for the PDK of the enclosing ``use_pdk`` block, or gdsfactory's generic PDK outside
any. It activates that PDK while it draws, then re-activates the one active before (with none active
before, it stays active). ``use_pdk`` is that context manager, for code of your own that mixes gdsfactory
components with these cells. The cells draw on logical layers that the PDK's layer map
(``layer_map``: registered, derived from the PDK's layer names, or a map file with ``derived_pdk``) puts on
GDS layers, and the checks read the same map; ``layer_map.pdk_from_spec`` turns a ``--pdk`` choice into
(PDK, map).
"""

from __future__ import annotations

import contextlib

_ENTERED: list = []  # the PDKs of the use_pdk blocks being executed, innermost last


@contextlib.contextmanager
def use_pdk(pdk=None):
    """Within the block ``pdk`` (default: the PDK of the enclosing ``use_pdk`` block, else gdsfactory's
    generic PDK) is the active gdsfactory PDK; a PDK that was active before is active again afterwards.
    Re-entering with the active PDK costs nothing."""
    import gdsfactory as gf
    from gdsfactory import pdk as gf_pdk

    target = pdk if pdk is not None else (_ENTERED[-1] if _ENTERED else gf.gpdk.PDK)
    previous = gf_pdk._ACTIVE_PDK  # read without get_active_pdk(), which would activate a default
    _ENTERED.append(target)
    try:
        if previous is target:
            yield target
            return
        # force: gdsfactory skips activating a PDK whose name is the active one's (a derived PDK may share it)
        target.activate(force=True)
        try:
            yield target
        finally:
            if previous is not None:  # with none active before, the target stays: there is nothing to restore
                previous.activate(force=True)
    finally:
        _ENTERED.pop()
