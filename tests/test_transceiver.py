"""Transmitter (DAC, driver, photonics DP-IQ modulator) and coherent receiver (hybrid, balanced PDs, ADC)."""

import math

import numpy as np
import pytest

from links.metrics import snr_from_symbols
from links.receiver import Adc, CoherentReceiver
from links.signals import dual_pol_frame, matched_filter
from links.transmitter import Dac, Transmitter
from optolink.core.units import dbm_to_watt
from photonics.cw_laser import PhaseNoiseLaser

BAUD = 59.84375e9
FS = 2 * BAUD


def test_dac_enob_sets_the_quantisation_snr():
    # a full-scale sine through an ideal N-bit converter: SNR = 6.02·N + 1.76 dB (Walden, IEEE JSAC 17, 539
    # (1999), eq. 1); ENOB is defined by it
    n = 2**16
    x = np.sin(2 * np.pi * 1001 * np.arange(n) / n)[None, :]
    dac = Dac(enob=6.0, bandwidth=None, zero_order_hold=False)
    y = dac.convert(x, 1.0, 1.0, rng=1)
    snr = 10 * math.log10(np.mean(x**2) / np.mean((y - x) ** 2))
    assert snr == pytest.approx(6.02 * 6 + 1.76, abs=0.2)


def test_dac_bandwidth_and_zero_order_hold():
    n = 4096
    fs = 100e9
    k = 512  # tone at 12.5 GHz
    x = 0.5 * np.cos(2 * np.pi * k * np.arange(n) / n)[None, :]
    for dac, expected_db in ((Dac(enob=None, bandwidth=12.5e9, zero_order_hold=False), -3.0103),
                             (Dac(enob=None, bandwidth=None), 20 * math.log10(np.sinc(0.125)))):
        y = dac.convert(x, fs, fs, rng=1)
        gain_db = 10 * math.log10(np.mean(y**2) / np.mean(x**2))
        assert gain_db == pytest.approx(expected_db, abs=1e-3)
    # images: at twice the DAC rate the record doubles in length
    assert Dac(enob=None).convert(x, fs, 2 * fs, rng=1).shape == (1, 2 * n)


def test_transmitter_produces_a_clean_constellation():
    frame = dual_pol_frame(4096, "16QAM", rng=1, pilot_period=None)
    tx = Transmitter(laser=PhaseNoiseLaser(power=1e-3, linewidth=0.0), dac=Dac(enob=None, bandwidth=None),
                     pre_emphasis=True)
    field = tx.transmit(frame.symbols, BAUD, FS, rng=np.random.default_rng(2))
    assert field.shape == (2, 2 * 4096)
    rx = matched_filter(field, BAUD, FS, tx.roll_off)
    # pre-emphasis flattens the 3 mm MZM's EO response (33 GHz); what is left is its sinusoidal transfer
    # at a 1 Vπ swing and the finite extinction of the 0.05 dB splitters: better than 28 dB
    for p in range(2):
        assert snr_from_symbols(rx[p], frame.symbols[p]) > 28.0
    drives = tx.drives(frame.symbols, BAUD, FS, rng=3)
    assert np.max(np.abs(drives)) <= tx.drive_swing_vpi * tx.modulator.iq_x.mzm_i.vpi / 2 * (1 + 1e-9)


def test_transmitter_bad_input():
    tx = Transmitter()
    frame = dual_pol_frame(256, "16QAM", rng=1)
    with pytest.raises(ValueError, match="twice the baud rate"):
        tx.transmit(frame.symbols, BAUD, 1.5 * BAUD, rng=1)
    with pytest.raises(ValueError, match="symbols"):
        tx.transmit(frame.symbols[0], BAUD, FS, rng=1)
    with pytest.raises(ValueError, match="drive_swing_vpi"):
        Transmitter(drive_swing_vpi=2.0)
    with pytest.raises(TypeError, match="laser"):
        Transmitter(laser="DFB")


def test_receiver_beats_signal_with_lo():
    # I + jQ ∝ s·l*: a CW signal at baseband against an LO offset by +Δf gives a tone at −Δf in both
    # polarizations' share (Kikuchi, JLT 34, 157 (2016), eq. 12)
    n = 4096
    df = FS / n * 40
    s = np.stack([np.full(n, math.sqrt(1e-4), complex), np.zeros(n, complex)])
    rcv = CoherentReceiver(lo=PhaseNoiseLaser(power=dbm_to_watt(13.0), linewidth=0.0, frequency_offset=df),
                           tia=None, adc=Adc(enob=None, bandwidth=None), noise=False)
    out = rcv.detect(s, FS, rng=np.random.default_rng(1))
    spec = np.abs(np.fft.fft(out[0])) ** 2
    assert int(np.argmax(spec)) == n - 40  # the tone sits at −Δf
    assert np.std(np.abs(out[0])) < 1e-3 * np.mean(np.abs(out[0]))  # no residual |s|², |l|² terms


def test_receiver_hybrid_phase_error_and_bad_input():
    n = 2048
    s = np.stack([np.exp(2j * np.pi * 7 * np.arange(n) / n) * 1e-2, np.zeros(n, complex)])
    rcv = CoherentReceiver(lo=PhaseNoiseLaser(power=1e-2, linewidth=0.0), tia=None,
                           adc=Adc(enob=None, bandwidth=None, clip_ratio=20.0), noise=False,
                           hybrid_phase_error=0.2)
    out = rcv.detect(s, FS, rng=np.random.default_rng(2))[0]
    # Q = Im(s·l*·e^{−jφh}): I and Q are no longer in quadrature, their correlation is sin(φh)
    i, q = out.real, out.imag
    assert abs(np.mean(i * q) / math.sqrt(np.mean(i**2) * np.mean(q**2))) == pytest.approx(math.sin(0.2), abs=2e-3)
    with pytest.raises(ValueError, match="field"):
        rcv.detect(s[0], FS, rng=1)
    with pytest.raises(ValueError, match="hybrid_phase_error"):
        CoherentReceiver(hybrid_phase_error=2.0)
