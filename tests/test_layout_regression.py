"""Regression: every cell's settings snapshot and geometry (XOR) against the stored references.

An intended layout change needs ``python -m layouts.regression --update`` (and a review of the diff);
an unintended one fails here.
"""

from __future__ import annotations

import math

import pytest

from layouts.regression import load_references, reference_cells, snapshot, xor
from photonics.modulators import MachZehnderModulator


@pytest.fixture(scope="module")
def refs():
    snaps, ly = load_references()
    return snaps, ly, reference_cells()


def _close(a, b, path="") -> list[str]:
    """Differences between two JSON-like trees; floats compared to 1e-9 relative (platform last bits)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}: keys {sorted(set(a) ^ set(b))}"] if set(a) != set(b) else []
        for k in set(a) & set(b):
            out += _close(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: length {len(a)} != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _close(x, y, f"{path}[{i}]")]
    if isinstance(a, float) and isinstance(b, int | float) and not isinstance(b, bool):
        return [] if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) else [f"{path}: {a!r} != {b!r}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_every_cell_has_a_reference(refs):
    snaps, ly, comps = refs
    assert set(snaps) == set(comps)
    assert all(ly.has_cell(name) for name in comps)


@pytest.mark.parametrize("name", sorted(reference_cells()))
def test_settings_snapshot_matches(refs, name):
    snaps, _, comps = refs
    assert _close(snapshot(comps[name]), snaps[name]) == []


@pytest.mark.parametrize("name", sorted(reference_cells()))
def test_geometry_xor_against_reference_is_empty(refs, name):
    _, ly, comps = refs
    assert xor(comps[name], ly, name) == {}


def test_a_layout_change_is_detected(refs):
    snaps, ly, _ = refs
    from layouts import cells

    changed = cells.mzm(modulator=MachZehnderModulator(length=0.6e-3))
    diff = xor(changed, ly, "mzm")
    assert diff and diff[(49, 0)] > 100.0  # 100 µm more of three conductors at least
    assert _close(snapshot(changed), snaps["mzm"]) != []
