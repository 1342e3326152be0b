"""`optolink demo` laser section: the default laser's L-I-V curve, modulation response and noise figures.

`laser_demo(out_dir)` writes ``laser_li.png``, ``laser_modulation.png`` and ``laser.json`` (every file
written to a temporary name first, then moved into place with `os.replace`) and returns the headline
figures (SI, keys named with their units).
"""

from __future__ import annotations

import json
import math
import pathlib

import numpy as np

from .core.files import save_figure_atomic, write_text_atomic

BIAS_MULTIPLES = (1.5, 2.0, 3.0, 4.0)  # bias currents, in units of the threshold current

_PARAM_UNITS = {
    "volume": "m^3", "tau_n": "s", "tau_p": "s", "gain_slope": "m^2", "group_velocity": "m/s",
    "n_transparency": "1/m^3", "epsilon": "m^3", "confinement": "1", "beta_sp": "1", "alpha_h": "1",
    "eta0": "1", "wavelength": "m", "series_resistance": "ohm", "diode_ideality": "1",
    "saturation_current": "A", "temperature": "K",
}


def laser_demo(out_dir: pathlib.Path) -> dict:
    """Characterise `RateEquationLaser()` (the default 1550 nm DFB-like laser) and write plots + JSON.

    Returns {name: value} headline figures: threshold, slope efficiency, relaxation frequency and 3 dB
    bandwidth at 2 and 4 × threshold, linewidth at 2 × threshold, and the maximum 3 dB bandwidth.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from photonics.lasers import RateEquationLaser

    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    laser = RateEquationLaser()
    p = laser.params
    ith = laser.threshold_current()
    li = laser.li_curve(np.linspace(0.0, 5.0 * ith, 201))
    slope = float(laser.slope_efficiency(2.0 * ith))
    biases = np.array(BIAS_MULTIPLES) * ith
    ss = laser.small_signal(biases)
    k_fit, gamma0 = laser.k_factor()
    f_max, i_fmax = laser.max_bandwidth()
    freq = np.linspace(0.0, 25e9, 501)
    rin_freq = np.geomspace(1e7, 25e9, 300)

    bias_points = []
    responses_db, rin_db = {}, {}
    for m, i, fr, fp, g, f3, f3a in zip(BIAS_MULTIPLES, biases, ss.relaxation_frequency, ss.peak_frequency,
                                        ss.damping_rate, ss.bandwidth_3db, ss.bandwidth_3db_approx,
                                        strict=True):
        label = f"{m:g}xIth"
        responses_db[label] = (20.0 * np.log10(np.abs(laser.modulation_response(freq, i)))).tolist()
        rin = np.asarray(laser.rin(rin_freq, i))
        rin_db[label] = (10.0 * np.log10(rin)).tolist()
        bias_points.append({
            "label": label,
            "current_a": float(i),
            "power_w": float(laser.steady_state(i).power),
            "voltage_v": float(laser.voltage(i)),
            "wall_plug_efficiency": float(laser.wall_plug_efficiency(i)),
            "relaxation_frequency_hz": float(fr),
            "peak_frequency_hz": float(fp),
            "damping_rate_per_s": float(g),
            "bandwidth_3db_hz": float(f3),
            "bandwidth_3db_textbook_hz": float(f3a),
            "linewidth_hz": float(laser.linewidth(i)),
            "rin_peak_db_per_hz": float(10.0 * math.log10(rin.max())),
            "rin_at_100mhz_db_per_hz": float(10.0 * math.log10(float(laser.rin(1e8, i)))),
            "adiabatic_chirp_hz_per_w": float(laser.adiabatic_chirp(i)),
        })

    data = {
        "laser": "photonics.lasers.RateEquationLaser() defaults: 1550 nm InGaAsP/InP DFB-like laser",
        "parameters": p.to_dict(),
        "parameter_units": _PARAM_UNITS,
        "threshold_current_a": ith,
        "threshold_carrier_density_per_m3": p.threshold_carrier_density,
        "slope_efficiency_w_per_a": slope,
        "slope_efficiency_note": "per facet, differential at 2 x threshold",
        "ideal_slope_efficiency_w_per_a": laser.ideal_slope_efficiency(),
        "k_factor_s": k_fit,
        "k_factor_textbook_s": laser.k_factor_textbook(),
        "damping_offset_per_s": gamma0,
        "max_bandwidth_3db_hz": f_max,
        "max_bandwidth_current_a": i_fmax,
        "max_bandwidth_textbook_hz": laser.max_bandwidth_textbook(),
        "turn_on_delay_3xith_from_zero_s": laser.turn_on_delay(3.0 * ith, buildup=True),
        "li_curve": {
            "current_a": li.current.tolist(),
            "power_w": li.power.tolist(),
            "voltage_v": li.voltage.tolist(),
            "wall_plug_efficiency": li.wall_plug_efficiency.tolist(),
        },
        "bias_points": bias_points,
        "modulation_response": {"frequency_hz": freq.tolist(), "response_db": responses_db},
        "rin": {"frequency_hz": rin_freq.tolist(), "rin_db_per_hz": rin_db,
                "note": "one-sided, intracavity (no output-coupler vacuum noise)"},
    }
    write_text_atomic(out_dir / "laser.json", json.dumps(data, indent=1))

    # L-I-V plot
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.plot(li.current * 1e3, li.power * 1e3, color="C0", label="facet power")
    ax.axvline(ith * 1e3, color="0.6", ls=":", lw=1)
    ax.set_xlabel("current (mA)")
    ax.set_ylabel("facet power (mW)", color="C0")
    ax.set_xlim(0, li.current[-1] * 1e3)
    ax.set_ylim(bottom=0)
    ax2 = ax.twinx()
    ax2.plot(li.current * 1e3, li.voltage, color="C3", label="voltage")
    ax2.plot(li.current * 1e3, li.wall_plug_efficiency * 10, color="C2", ls="--",
             label="wall-plug efficiency ×10")
    ax2.set_ylabel("voltage (V)  /  wall-plug efficiency ×10", color="C3")
    ax2.set_ylim(0, max(li.voltage.max(), 10 * li.wall_plug_efficiency.max()) * 1.1)
    ax.set_title(f"default laser: I_th = {ith * 1e3:.2f} mA, slope {slope:.3f} W/A per facet", fontsize=10)
    lines = ax.get_lines()[:1] + ax2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], loc="upper left", fontsize=8)
    fig.tight_layout()
    save_figure_atomic(fig, out_dir / "laser_li.png")
    plt.close(fig)

    # modulation response and RIN
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10.0, 4.2))
    for k, (label, resp) in enumerate(responses_db.items()):
        bp = bias_points[k]
        a1.plot(freq / 1e9, resp, color=f"C{k}",
                label=f"{label}: f_R {bp['relaxation_frequency_hz'] / 1e9:.1f} GHz, "
                      f"f_3dB {bp['bandwidth_3db_hz'] / 1e9:.1f} GHz")
        a2.semilogx(rin_freq / 1e9, rin_db[label], color=f"C{k}", label=label)
    a1.axhline(-3.0, color="0.5", ls=":", lw=1)
    a1.set_xlabel("frequency (GHz)")
    a1.set_ylabel("|H(f)|² (dB)")
    a1.set_ylim(-20, 20)
    a1.set_xlim(0, freq[-1] / 1e9)
    a1.set_title("small-signal modulation response", fontsize=10)
    a1.legend(fontsize=7)
    a2.set_xlabel("frequency (GHz)")
    a2.set_ylabel("RIN (dB/Hz, one-sided)")
    a2.set_title("relative intensity noise", fontsize=10)
    a2.legend(fontsize=7)
    fig.tight_layout()
    save_figure_atomic(fig, out_dir / "laser_modulation.png")
    plt.close(fig)

    at2, at4 = bias_points[BIAS_MULTIPLES.index(2.0)], bias_points[BIAS_MULTIPLES.index(4.0)]
    return {
        "threshold_current_a": ith,
        "slope_efficiency_w_per_a": slope,
        "relaxation_frequency_2ith_hz": at2["relaxation_frequency_hz"],
        "bandwidth_3db_2ith_hz": at2["bandwidth_3db_hz"],
        "relaxation_frequency_4ith_hz": at4["relaxation_frequency_hz"],
        "bandwidth_3db_4ith_hz": at4["bandwidth_3db_hz"],
        "linewidth_2ith_hz": at2["linewidth_hz"],
        "max_bandwidth_3db_hz": f_max,
    }


def demo_section(out_dir: pathlib.Path) -> dict:
    """`optolink demo`: the default laser's L-I curve, modulation response and RIN."""
    figures = laser_demo(pathlib.Path(out_dir))
    for key, value in figures.items():
        print(f"  {key:32s} {value:.4g}")
    return figures
