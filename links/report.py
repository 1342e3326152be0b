"""Link-budget reports: one self-contained HTML file, a Markdown summary and a JSON with every figure and unit.

`report_data(result)` builds the JSON document (schema ``optolink.budget/1``, `REPORT_SCHEMA`); the HTML
(plots as inline SVG, no external resources or scripts) and the Markdown are rendered from that document,
so the three always carry the same numbers. Every OSNR/SNR/GSNR states its bandwidth (``bandwidth_hz``:
12.5 GHz for an OSNR, the baud rate for an SNR in the signal bandwidth). `write_report` validates
everything in memory, writes into a temporary folder and then moves the files in place: a failure leaves
no partial report behind.

The pieces: `links.report_schema` (the JSON Schema and its validator), `links.report_document` (the document),
`links.report_markdown`, `links.report_html`; this module renders the requested files and writes them.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
from collections.abc import Sequence

from optolink.core.files import write_files_atomic

from .budget import CoherentBudget
from .power_budget import PowerBudget
from .report_document import report_data
from .report_html import render_html
from .report_markdown import display, render_markdown
from .report_schema import REPORT_SCHEMA, SCHEMA_FILENAME, SCHEMA_ID, SchemaError, validate

__all__ = ["SCHEMA_ID", "REPORT_SCHEMA", "FORMATS", "SchemaError", "validate", "report_data", "render_markdown",
           "render_html", "render_report", "write_report", "display"]

FORMATS = ("html", "md", "json")


def _formats(formats) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = [x.strip() for x in formats.split(",") if x.strip()]
    out = tuple(dict.fromkeys(str(f).lower() for f in formats))
    bad = [f for f in out if f not in FORMATS]
    if bad or not out:
        raise ValueError(f"format must be a comma-separated subset of {','.join(FORMATS)}; got {bad or 'nothing'}")
    return out


def _stem(stem: str) -> str:
    if not isinstance(stem, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]*", stem):
        raise ValueError(f"stem must be a plain file name (letters, digits, . _ + -); got {stem!r}")
    return stem


def render_report(result: CoherentBudget | PowerBudget, formats: Sequence[str] | str = FORMATS,
                  stem: str = "budget") -> dict[str, bytes]:
    """Every requested file of a report, in memory: {file name: bytes}. JSON adds the schema file."""
    formats = _formats(formats)
    stem = _stem(stem)
    data = report_data(result)
    files = {}
    if "json" in formats:
        text = json.dumps(data, indent=2, allow_nan=False) + "\n"
        files[f"{stem}.json"] = text.encode()
        files[SCHEMA_FILENAME] = (json.dumps(REPORT_SCHEMA, indent=2) + "\n").encode()
    if "md" in formats:
        files[f"{stem}.md"] = render_markdown(data).encode()
    if "html" in formats:
        files[f"{stem}.html"] = render_html(data).encode()
    return files


def write_report(result: CoherentBudget | PowerBudget, out_dir: str | os.PathLike,
                 formats: Sequence[str] | str = FORMATS, stem: str = "budget") -> list[pathlib.Path]:
    """Write the report files into ``out_dir``: all rendered and validated first, written to a temporary
    folder inside ``out_dir``, then moved in place (an error leaves no partial report). Returns the paths."""
    return write_files_atomic(out_dir, render_report(result, formats, stem))
