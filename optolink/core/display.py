"""How objects show in a terminal and a notebook: values with SI prefixes and their unit, a short repr that
names a few headline figures, and an HTML table of every figure and parameter (Jupyter's ``_repr_html_``).

A class declares what its short repr shows with the ``displayed`` decorator, applied above ``@dataclass``
(the dataclass keeps its fields, its equality and its hash; only ``__repr__`` and ``_repr_html_`` change)::

    @displayed("L=length:m", "Vπ=vpi:V", "f3dB=eo_bandwidth:Hz")
    @dataclass(frozen=True)
    class MachZehnderModulator: ...

    repr(MachZehnderModulator())  →  "MachZehnderModulator(L=3 mm, Vπ=7.78 V, f3dB=32.8 GHz)"

Each item is ``"label=path:unit"`` (``label`` defaults to the path; ``:unit`` and a third ``:digits`` are
optional): ``path`` is an attribute, a property or a method taking no argument, dotted for nested objects
(``"phase_shifter.waveguide.width"``); or a tuple ``(label, function_of_the_object, unit)``. ``more=`` adds
items shown in the HTML table only. A figure that fails to compute shows as ``?``: a repr never raises.

The HTML table lists the declared figures, then the object's ``figures()`` (a dict whose keys name their
unit, ``vpi_v``, ``eo_bandwidth_hz``) when it has one, then its parameters (dataclass fields). Units of keys
and fields come from the name (``_db``, ``_dbm``, ``_hz``, ``_ps_nm_km`` …, see ``unit_from_name``); a field
whose name states no unit is shown as its SI number. ``full_repr`` is the complete, field-by-field repr that
the dataclass would have printed.
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Callable

import numpy as np

MAX_REPR = 120  # characters of a short repr, at most
PREFIXES = {-18: "a", -15: "f", -12: "p", -9: "n", -6: "µ", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T",
            15: "P"}
# units that take an SI prefix (on their first symbol: "pF/m", "mW/A", "pA/√Hz"); dB, dBm, ratios, areas and
# densities never do (a prefix on m² or m⁻³ would not scale the number the way it reads)
PREFIXED = frozenset({"m", "s", "Hz", "W", "V", "A", "F", "Ω", "H", "J", "Bd", "b/s", "K", "C", "S"})
# a name's ending → the unit of its value (the longest ending that matches wins)
NAME_UNITS = {
    "_db_per_km": "dB/km", "_db_per_cm": "dB/cm", "_db_per_mm": "dB/mm", "_db_per_m": "dB/m",
    "_db_per_hz": "dB/Hz", "_dbm": "dBm", "_db": "dB", "_ps_nm_km": "ps/(nm·km)", "_ps_nm2_km": "ps/(nm²·km)",
    "_ps_nm": "ps/nm", "_ps_per_sqrt_km": "ps/√km", "_ps": "ps", "_per_w_km": "1/(W·km)", "_v_cm": "V·cm",
    "_m_per_v": "m/V", "_m_per_w": "m/W", "_w_per_a": "W/A", "_a_per_w": "A/W", "_a_per_sqrt_hz": "A/√Hz",
    "_v_per_sqrt_hz": "V/√Hz", "_w_per_sqrt_hz": "W/√Hz", "_f_per_m": "F/m", "_ohm_m": "Ω·m",
    "_w_per_m_k": "W/(m·K)", "_per_k": "1/K", "_hz_v": "Hz·V", "_bits_per_symbol": "bit/symbol",
    "_um": "µm", "_nm": "nm", "_mm": "mm", "_km": "km", "_ghz": "GHz", "_gbps": "Gb/s", "_us": "µs",
    "_ns": "ns", "_hz": "Hz", "_v": "V", "_a": "A", "_w": "W", "_f": "F", "_ohm": "Ω", "_s": "s", "_m2": "m²",
    "_m": "m", "_k": "K", "_rad": "rad",
}
_ENDINGS = sorted(NAME_UNITS, key=len, reverse=True)


# ------------------------------------------------------------------------------------------------ numbers
def _number(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant digits, without trailing zeros; exponents as ``1.23e4``."""
    text = f"{x:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    return text


def format_si(value: float, unit: str = "", digits: int = 3) -> str:
    """``value`` (SI) with an SI prefix on ``unit`` when it takes one: 3e-3, "m" → "3 mm"; 3.28e10, "Hz" →
    "32.8 GHz"; -3.5, "dBm" → "-3.5 dBm"; non-finite values as "inf"/"nan" (with the unit)."""
    v = float(value)
    sep = " " if unit else ""
    if not math.isfinite(v) or v == 0.0 or not _takes_prefix(unit):
        return f"{_number(v, digits)}{sep}{unit}"
    exp3 = 3 * math.floor(math.log10(abs(v)) / 3)
    if not -18 <= exp3 <= 15:
        return f"{_number(v, digits)} {unit}"
    mant = float(_number(v / 10.0**exp3, digits))  # rounded: 999.96 → 1000 moves to the next prefix
    if abs(mant) >= 1000 and exp3 < 15:
        exp3 += 3
        mant = v / 10.0**exp3
    return f"{_number(mant, digits)} {PREFIXES[exp3]}{unit}"


def _takes_prefix(unit: str) -> bool:
    head = unit.replace("·", "/").split("/")[0]
    return head in PREFIXED and not any(c in unit for c in "²³⁻^")


def unit_from_name(name: str) -> str:
    """The unit a name states by its ending (``launch_power_dbm`` → "dBm", ``eo_bandwidth_hz`` → "Hz"), or ""."""
    low = name.lower()
    for end in _ENDINGS:
        if low.endswith(end) and len(low) > len(end):
            return NAME_UNITS[end]
    return ""


def format_value(value, unit: str = "", digits: int = 3, *, width: int = 48) -> str:
    """Any value as a short text: numbers with their unit (``format_si``), arrays as ``min…max unit (n)``,
    objects with a short repr by it, other objects by their class name; at most ``width`` characters."""
    text = _format(value, unit, digits)
    return text if len(text) <= width else text[: width - 1] + "…"


def _format(value, unit: str, digits: int) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int | np.integer) and not unit:
        return str(int(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return format_si(float(value), unit, digits)
    if isinstance(value, complex | np.complexfloating):
        return f"{_number(abs(value), digits)}∠{_number(math.degrees(np.angle(value)), digits)}°"
    if isinstance(value, np.ndarray | list | tuple) and _numeric(value):
        arr = np.asarray(value)
        if arr.size == 1:
            return _format(arr.reshape(-1)[0].item(), unit, digits)
        if arr.size == 0:
            return "[]"
        if np.iscomplexobj(arr) or arr.ndim > 1:
            return f"{'complex ' if np.iscomplexobj(arr) else ''}array({'×'.join(map(str, arr.shape))})"
        a = arr.astype(float)
        finite = a[np.isfinite(a)]
        if finite.size == 0:
            return f"{_number(a[0], digits)} … ({a.size})"
        lo, hi = float(finite.min()), float(finite.max())
        lo_t, hi_t = format_si(lo, unit, digits), format_si(hi, unit, digits)
        if lo_t == hi_t:
            return f"{lo_t} ({a.size})"
        if unit and lo_t.partition(" ")[2] == hi_t.partition(" ")[2]:
            lo_t = lo_t.partition(" ")[0]  # one unit for the range: "12…24 dB"
        return f"{lo_t}…{hi_t} ({a.size})"
    if isinstance(value, list | tuple):
        if not value:
            return "()"
        names = {type(v).__name__ for v in value}
        return f"{len(value)} × {names.pop()}" if len(names) == 1 else f"{len(value)} items"
    if isinstance(value, dict):
        return f"{{{len(value)} keys}}"
    if getattr(type(value), "_display_items", None) is not None:
        return short_repr(value)
    return type(value).__name__


def _numeric(value) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biufc"
    try:
        arr = np.asarray(value)
    except Exception:  # ragged sequences and the like
        return False
    return arr.dtype.kind in "biufc" and arr.ndim >= 1


# ------------------------------------------------------------------------------------------------ items
@dataclasses.dataclass(frozen=True)
class _Item:
    label: str
    get: Callable
    unit: str = ""
    digits: int = 3
    path: str = ""


def _getter(path: str) -> Callable:
    def get(obj):
        for part in path.split("."):
            if obj is None:  # a dotted path through an absent object: shown as "—"
                return None
            obj = getattr(obj, part)
            if callable(obj) and not isinstance(obj, type):
                obj = obj()
        return obj

    return get


def _parse(item) -> _Item:
    if isinstance(item, _Item):
        return item
    if isinstance(item, tuple):
        label, get, *rest = item
        unit = rest[0] if rest else ""
        digits = int(rest[1]) if len(rest) > 1 else 3
        return _Item(str(label), get if callable(get) else _getter(str(get)), unit, digits,
                     get if isinstance(get, str) else "")
    if not isinstance(item, str):
        raise TypeError(f"a display item is 'label=path:unit' or (label, function, unit); got {item!r}")
    label, _, rest = item.rpartition("=") if "=" in item else ("", "", item)
    path, *tail = rest.split(":")
    unit = tail[0] if tail else ""
    digits = int(tail[1]) if len(tail) > 1 else 3
    return _Item(label or path, _getter(path), unit, digits, path)


def _value_text(obj, item: _Item, width: int = 40) -> str:
    try:
        return format_value(item.get(obj), item.unit, item.digits, width=width)
    except Exception:  # a repr never raises: a figure that cannot be computed shows as "?"
        return "?"


# ------------------------------------------------------------------------------------------------ reprs
def short_repr(obj) -> str:
    """``ClassName(label=value unit, …)`` from the class's declared items, at most ``MAX_REPR`` characters
    (the items that do not fit are dropped, shown as ``…``; empty strings are left out)."""
    name = type(obj).__name__
    items = getattr(type(obj), "_display_items", ()) or ()
    out = name + "("
    texts = [(it.label, _value_text(obj, it)) for it in items]
    parts = [f"{label}={text}" for label, text in texts if text != ""]  # an empty name is left out
    shown = []
    for k, part in enumerate(parts):
        tail = ", …)" if k < len(parts) - 1 else ")"
        candidate = ", ".join([*shown, part])
        if len(out) + len(candidate) + len(tail) > MAX_REPR:
            return out + ", ".join([*shown, "…"]) + ")"
        shown.append(part)
    return out + ", ".join(shown) + ")"


def full_repr(obj) -> str:
    """The complete repr of a dataclass, every field by ``full_repr`` in turn (what ``@dataclass`` would print,
    whatever short reprs the nested objects have); other values by ``repr``."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        body = ", ".join(f"{f.name}={full_repr(getattr(obj, f.name))}" for f in dataclasses.fields(obj) if f.repr)
        return f"{type(obj).__qualname__}({body})"
    if isinstance(obj, list):
        return "[" + ", ".join(full_repr(v) for v in obj) + "]"
    if isinstance(obj, tuple):
        inner = ", ".join(full_repr(v) for v in obj)
        return f"({inner}{',' if len(obj) == 1 else ''})"
    if isinstance(obj, dict):
        return "{" + ", ".join(f"{k!r}: {full_repr(v)}" for k, v in obj.items()) + "}"
    return repr(obj)


def _parameters(obj) -> dict:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.repr}
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")} if hasattr(obj, "__dict__") else {}


def _figures(obj) -> dict:
    fig = getattr(obj, "figures", None)
    try:
        fig = fig() if callable(fig) else fig
    except Exception:  # the table shows what can be computed
        return {}
    return fig if isinstance(fig, dict) else {}


def table_rows(obj) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sections of the HTML table as text: ``[(title, [(name, value), …]), …]``."""
    items = getattr(type(obj), "_display_items", ()) or ()
    more = getattr(type(obj), "_display_more", ()) or ()
    field_units = {it.path: it.unit for it in (*items, *more) if it.path and "." not in it.path}
    sections = [("figures", [(it.label, _value_text(obj, it, 60)) for it in (*items, *more)])]
    figs = _figures(obj)
    if figs:
        sections.append(("figures()", [(str(k), _safe(v, unit_from_name(str(k)))) for k, v in figs.items()]))
    params = _parameters(obj)
    if params:
        sections.append(("parameters", [(k, _safe(v, field_units.get(k) or unit_from_name(k), 4))
                                        for k, v in params.items()]))
    return [(title, rows) for title, rows in sections if rows]


def _safe(value, unit: str, digits: int = 3) -> str:
    try:
        return format_value(value, unit, digits, width=60)
    except Exception:  # a table never raises either
        return "?"


def html_table(obj) -> str:
    """An HTML ``<table>`` of the object: its short repr as the caption, then the declared figures, the
    ``figures()`` dict and the parameters, each value with its unit (Jupyter shows it for ``_repr_html_``)."""
    esc = html.escape
    out = ['<table class="optolink-display">', f"<caption>{esc(short_repr(obj))}</caption>", "<tbody>"]
    for title, rows in table_rows(obj):
        out.append(f'<tr><th colspan="2" style="text-align:left">{esc(title)}</th></tr>')
        out.extend(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in rows)
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def displayed(*items, more=()):
    """Class decorator: the class's repr shows ``items`` (see the module docstring) and Jupyter shows
    ``html_table``; ``more``: items for the HTML table only. Apply it above ``@dataclass``."""
    parsed, parsed_more = tuple(_parse(i) for i in items), tuple(_parse(i) for i in more)

    def decorate(cls):
        cls._display_items = parsed
        cls._display_more = parsed_more
        cls.__repr__ = short_repr
        cls._repr_html_ = html_table
        return cls

    return decorate


__all__ = ["MAX_REPR", "NAME_UNITS", "displayed", "format_si", "format_value", "full_repr", "html_table",
           "short_repr", "table_rows", "unit_from_name"]
