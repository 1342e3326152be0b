"""JSON-able values: parameter dataclasses, numpy arrays and scalars, non-finite floats; file-name slugs."""

from __future__ import annotations

import dataclasses
import math
import re


def jsonable(obj):
    """A structure ``json.dumps`` accepts: dataclasses become dicts of their fields, numpy arrays and scalars
    Python lists and numbers, tuples lists, and floats JSON cannot hold (inf, nan) the strings "inf"/"nan"."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "tolist"):
        return jsonable(obj.tolist())
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    return obj


def slug(text: str, default: str = "file") -> str:
    """A lower-case file-name stem: runs of characters other than letters, digits and ``._+-`` become
    ``-``, leading/trailing ``-`` and ``.`` go ("OpenZR+ 400G / 6x80 km" → "openzr+-400g-6x80-km")."""
    return re.sub(r"[^A-Za-z0-9._+-]+", "-", str(text)).strip("-.").lower() or default
