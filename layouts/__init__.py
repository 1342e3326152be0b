"""Test-chip layouts with back-annotated device performance (the only package that imports gdsfactory).

Modules: ``cells`` (gdsfactory cells from the photonics parameter objects), ``chip`` (a die from a DOE:
placement, checked fiber routing, labels, marks, frame), ``doe`` (the DOE file format and its validation),
``annotation`` (each device kind's figures from photonics, cached per parameter set), ``manifest`` (JSON,
HDF5, CSV beside the GDS; ``write_chip``), ``checks`` (the rule table and klayout checks), ``readback``,
``render`` (PNG picture) and ``regression`` (stored references). Submodules are imported on demand.
"""
