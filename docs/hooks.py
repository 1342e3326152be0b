"""MkDocs hooks of the optolink site (``mkdocs.yml: hooks``): the generated parts of the pages.

In a page's Markdown these comments expand (before the Markdown is converted, so mkdocstrings sees the result):

- ``<!-- api: PACKAGE -->``: a ``::: module`` block for every public module of PACKAGE (``optolink.core``,
  ``photonics``, ``links``, ``layouts``, ``optolink``), found by walking the package, so that a new module is
  documented as soon as it exists; modules and packages whose name starts with ``_`` are private.
- ``<!-- schema: SOURCE -->``: a JSON Schema rendered as a table of its fields and, collapsed, the schema
  itself; SOURCE is a path relative to the repository (``links/link.schema.json``) or ``python:module:NAME``
  for a schema held in Python. Each schema is also published beside the pages (``schemas/<file>``).
- ``<!-- gallery -->``: every script of ``examples/`` with its docstring, its plot and its source. The plots
  come from the folder ``$OPTOLINK_DOCS_GALLERY`` (default ``out/gallery``; ``make docs`` runs the examples
  into it first); a missing plot is a warning, hence an error in the strict build.
"""

from __future__ import annotations

import ast
import importlib
import json
import logging
import os
import pathlib
import re

from mkdocs.structure.files import File

ROOT = pathlib.Path(__file__).resolve().parents[1]
log = logging.getLogger("mkdocs.hooks.optolink")

SCHEMA_SOURCES = {
    "link.schema.json": "links/link.schema.json",
    "doe.schema.json": "layouts/doe.schema.json",
    "sweep.schema.json": "links/sweep.schema.json",
    "manifest.schema.json": "photonics/manifest.schema.json",
    "budget-report.schema.json": "python:links.report_schema:REPORT_SCHEMA",
    "network.schema.json": "python:links.network.native:SCHEMA",
}


# ------------------------------------------------------------------------------------------------ API pages
def public_modules(package: str) -> list[str]:
    """Dotted names of the public modules of ``package`` (the package first, then its modules, sorted);
    ``optolink`` excludes its subpackage ``optolink.core`` (a page of its own)."""
    base = ROOT.joinpath(*package.split("."))
    out = [package]
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
            if not parts:
                continue
        if any(p.startswith("_") for p in parts) or "__pycache__" in parts:
            continue
        if package == "optolink" and parts[0] == "core":
            continue
        if not all((base.joinpath(*parts[:i]) / "__init__.py").is_file() for i in range(1, len(parts))):
            continue  # a folder that is not a package
        out.append(".".join([package, *parts]))
    return out


def _is_package(module: str) -> bool:
    return ROOT.joinpath(*module.split("."), "__init__.py").is_file()


def api_markdown(package: str) -> str:
    blocks = []
    for module in public_modules(package):
        block = f"::: {module}"
        if _is_package(module):  # a package page shows its docstring; its members are documented in their modules
            block += "\n    options:\n      members: false"
        blocks.append(block)
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------------------------- schema pages
def load_schema(source: str) -> dict:
    if source.startswith("python:"):
        _, module, name = source.split(":")
        return getattr(importlib.import_module(module), name)
    return json.loads((ROOT / source).read_text())


def _resolve(schema: dict, root: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema and schema["$ref"].startswith("#/"):
        target = root
        for part in schema["$ref"][2:].split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _type_text(s: dict, root: dict) -> str:
    s = _resolve(s, root)
    if "const" in s:
        return f"`{json.dumps(s['const'], ensure_ascii=False)}`"
    if "enum" in s:
        return "one of " + ", ".join(f"`{json.dumps(v, ensure_ascii=False)}`" for v in s["enum"])
    for key in ("anyOf", "oneOf"):
        if key in s:
            return " or ".join(_type_text(x, root) for x in s[key])
    t = s.get("type", "object" if "properties" in s else "any")
    text = " or ".join(t) if isinstance(t, list) else t
    if text == "array" and isinstance(s.get("items"), dict):
        text = f"array of {_type_text(s['items'], root)}"
    return text


def _range_text(s: dict) -> str:
    lo = s.get("minimum", s.get("exclusiveMinimum"))
    hi = s.get("maximum", s.get("exclusiveMaximum"))
    if lo is None and hi is None:
        if "pattern" in s:
            return f"pattern `{s['pattern']}`"
        return ""
    left = "(" if "exclusiveMinimum" in s else "["
    right = ")" if "exclusiveMaximum" in s else "]"
    return f"{left}{'−∞' if lo is None else f'{lo:g}'}, {'∞' if hi is None else f'{hi:g}'}{right}"


def _rows(s: dict, root: dict, path: str, required: bool, rows: list, depth: int = 0) -> None:
    s = _resolve(s, root)
    for part in s.get("allOf", []):
        s = {**_resolve(part, root), **s, "properties": {**_resolve(part, root).get("properties", {}),
                                                          **s.get("properties", {})}}
    if path:
        desc = (s.get("description") or "").replace("|", "\\|").replace("\n", " ")
        rows.append((path, _type_text(s, root).replace("|", "\\|"), "yes" if required else "",
                     _range_text(s).replace("|", "\\|"), desc))
    if depth > 6:
        return
    need = set(s.get("required", []))
    for name, sub in (s.get("properties") or {}).items():
        _rows(sub, root, f"{path}.{name}" if path else name, name in need, rows, depth + 1)
    extra = s.get("additionalProperties")
    if isinstance(extra, dict) and extra:
        _rows(extra, root, f"{path}.<name>" if path else "<name>", False, rows, depth + 1)
    for pattern, sub in (s.get("patternProperties") or {}).items():
        _rows(sub, root, f"{path}.<{pattern}>" if path else f"<{pattern}>", False, rows, depth + 1)
    items = s.get("items")
    if isinstance(items, dict) and (_resolve(items, root).get("properties") or _resolve(items, root).get("allOf")):
        _rows(items, root, f"{path}[]", False, rows, depth + 1)


def _table(s: dict, root: dict) -> str:
    rows: list = []
    _rows(s, root, "", True, rows)
    lines = ["| field | type | required | range | description |", "|---|---|---|---|---|"]
    lines += [f"| `{p}` | {t} | {r} | {g} | {d} |" for p, t, r, g, d in rows]
    return "\n".join(lines)


def schema_markdown(source: str) -> str:
    schema = load_schema(source)
    name = next(k for k, v in SCHEMA_SOURCES.items() if v == source)
    parts = [f"**{schema.get('title', name)}**" + (f" (`{schema['$id']}`)" if "$id" in schema else "")]
    if schema.get("description"):
        parts.append(schema["description"])
    parts.append(f"The schema file: [`{name}`](../schemas/{name}) (JSON Schema 2020-12, source `{source}`).")
    if "if" in schema and "then" in schema:
        for label, branch in (("A coherent link (`kind: coherent`, the default)", schema["else"]),
                              ("An unamplified link (`kind: power`)", schema["then"])):
            parts.append(f"#### {label}\n\n{_table(branch, schema)}")
    else:
        parts.append(_table(schema, schema))
    body = json.dumps(schema, indent=2, ensure_ascii=False)
    parts.append('??? note "The schema as JSON"\n\n    ```json\n' + "\n".join(
        "    " + line for line in body.splitlines()) + "\n    ```")
    return "\n\n".join(parts) + "\n"


# -------------------------------------------------------------------------------------------------- gallery
def examples() -> list[pathlib.Path]:
    return sorted(p for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_"))


def gallery_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("OPTOLINK_DOCS_GALLERY", ROOT / "out" / "gallery"))


def gallery_markdown() -> str:
    parts = []
    for path in examples():
        doc = ast.get_docstring(ast.parse(path.read_text())) or path.stem
        first, _, rest = doc.partition("\n")
        parts.append(f"## {first.rstrip('.')}\n\n{rest.strip()}\n\n![{path.stem}](gallery/{path.stem}.png)\n\n"
                     f'??? example "examples/{path.name}"\n\n    ```python\n'
                     + "\n".join(("    " + line).rstrip() for line in path.read_text().splitlines())
                     + "\n    ```")
    return "\n\n".join(parts) + "\n"


# ----------------------------------------------------------------------------------------------------- hooks
_MARKER = re.compile(r"<!--\s*(api|schema|gallery):?\s*([^ ]*?)\s*-->")


def on_page_markdown(markdown, page, config, files):
    def expand(m):
        kind, arg = m.group(1), m.group(2)
        if kind == "api":
            return api_markdown(arg)
        if kind == "schema":
            return schema_markdown(arg)
        return gallery_markdown()

    return _MARKER.sub(expand, markdown)


def on_files(files, config):
    for name, source in SCHEMA_SOURCES.items():
        content = json.dumps(load_schema(source), indent=2, ensure_ascii=False) + "\n"
        files.append(File.generated(config, f"schemas/{name}", content=content))
    gallery = gallery_dir()
    for path in examples():
        png = gallery / f"{path.stem}.png"
        if png.is_file():
            files.append(File.generated(config, f"gallery/{png.name}", abs_src_path=str(png)))
        else:
            log.warning(f"gallery: no plot {png} for examples/{path.name} (make docs runs the examples first)")
    return files
