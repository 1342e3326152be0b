"""The README's Python example runs as written (documentation that cannot rot), and what it prints is physical."""

import pathlib
import re

import numpy as np

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def _run_blocks() -> dict:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "README has no Python example"
    namespace: dict = {}
    for code in blocks:
        exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


def test_readme_python_example_runs_and_obeys_energy_conservation():
    ns = _run_blocks()
    field, mzm = ns["field"], ns["mzm"]
    assert field.shape == (4096,) and np.isfinite(field).all()
    # a passive modulator: output power (mean |E|², W) never exceeds the 1 mW input less its insertion loss
    p_out = float(np.mean(np.abs(field) ** 2))
    assert 0 < p_out <= 1e-3 * 10 ** (-mzm.insertion_loss_db / 10) * (1 + 1e-9)
    # a ±2 V square wave on a modulator with Vπ of a few volts opens a real intensity contrast
    power = np.abs(field) ** 2
    assert power.max() / power.min() > 2
    assert 0 < mzm.eo_bandwidth() < 200e9  # a silicon MZM: tens of GHz, not a number out of range
