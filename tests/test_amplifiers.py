"""EDFA ASE and noise loading (links.amplifiers)."""

import math

import numpy as np
import pytest
from scipy.constants import h as H_PLANCK  # CODATA, independent of optolink.core

from links.amplifiers import Amplifier, ase_psd, load_noise, measure_osnr_db, noise_variance_for_osnr


def test_58_db_rule():
    # OSNR after one amplifier ≈ 58 + P_in[dBm] − NF[dB] at 1550 nm, 0.1 nm (hν·12.5 GHz = −58.0 dBm;
    # e.g. Bosco et al., JLT 29, 53 (2011), eq. 4 context); exact form P_in·G/(hν(G·NF − 1)·B_ref)
    amp = Amplifier(gain_db=25.0, nf_db=5.0, frequency=193.414e12)
    assert amp.output_osnr_db(-20.0) == pytest.approx(58.0 - 20.0 - 5.0, abs=0.1)
    assert 10 * math.log10(H_PLANCK * 193.414e12 * 12.5e9 / 1e-3) == pytest.approx(-58.0, abs=0.05)


def test_ase_psd_and_quantum_limit():
    # n_sp(G − 1) = (G·NF − 1)/2 (Desurvire 1994): an ideal amplifier (NF = 3 dB at high gain) has n_sp = 1
    g = 10 ** 3
    assert ase_psd(30.0, 10 * math.log10(2 - 1 / g)) == pytest.approx(H_PLANCK * 193.414e12 * (g - 1), rel=1e-9)
    with pytest.raises(ValueError, match="quantum limit"):
        ase_psd(20.0, 0.0)


def test_amplify_adds_the_ase_power():
    amp = Amplifier(gain_db=20.0, nf_db=5.0)
    fs = 100e9
    x = np.full((2, 200_000), 1e-3 + 0j)
    y = amp.amplify(x, fs, rng=1)
    noise = y - x * math.sqrt(amp.gain)
    assert np.mean(np.abs(noise) ** 2) == pytest.approx(amp.ase_psd * fs, rel=0.01)
    assert np.array_equal(amp.amplify(x, fs, rng=1, noise=False), x * 10)


def test_a_budget_amplifier_without_a_gain_cannot_amplify_a_field():
    # gain_db=None means "compensate the preceding span" in a budget: a field needs an actual gain
    amp = Amplifier(None, 5.0)
    with pytest.raises(ValueError, match="gain_db"):
        amp.amplify(np.ones((2, 16), complex), 100e9, rng=0)
    with pytest.raises(ValueError, match="quantum limit"):
        _ = Amplifier(20.0, 2.0).ase_psd  # NF below 10·log10(2 − 1/G) ≈ 3 dB (n_sp < 1)
    with pytest.raises(ValueError, match="max_gain_db"):
        Amplifier(25.0, 5.0, max_gain_db=20.0)


@pytest.mark.parametrize("shape", [(4096,), (2, 4096)])
def test_noise_loading_is_exact(shape):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * 0.01
    for osnr in (12.0, 25.0):
        y = load_noise(x, 128e9, osnr, rng=rng)
        assert measure_osnr_db(x, y, 128e9) == pytest.approx(osnr, abs=1e-9)
    # SNR in the signal bandwidth follows: noise per polarization in fs is P·fs/(2·OSNR·B_ref)
    assert noise_variance_for_osnr(1e-3, 20.0, 125e9) == pytest.approx(1e-3 * 125e9 / (2 * 100 * 12.5e9))


def test_noise_loading_bad_input():
    x = np.ones((2, 64), complex)
    with pytest.raises(ValueError, match="osnr_db"):
        load_noise(x, 1e11, float("nan"), rng=1)
    with pytest.raises(ValueError, match="field"):
        load_noise(np.ones((3, 64), complex), 1e11, 20.0, rng=1)
    with pytest.raises(ValueError, match="zero power"):
        load_noise(np.zeros((2, 64), complex), 1e11, 20.0, rng=1)
