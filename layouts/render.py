"""A picture of a layout: its polygons per layer drawn with matplotlib (headless), written atomically."""

from __future__ import annotations

import pathlib

import klayout.db as kdb

from optolink.core.files import save_figure_atomic

from .layer_map import GENERIC, LayerMap, active

# drawing order and colours (GDS layer → (face colour, alpha)) of the generic layer map; unlisted layers are not
# drawn. Another map: ``picture(..., layer_map=...)`` (default: the active PDK's map).
STYLE: dict[tuple[int, int], tuple[str, float]] = GENERIC.style()


def picture(layout_or_path, path, *, title: str | None = None, width_in: float = 10.0,
            window: tuple[float, float, float, float] | None = None,
            max_polygons_per_layer: int = 200_000, layer_map: LayerMap | None = None) -> pathlib.Path:
    """Render the single top cell of a GDS file or klayout Layout to a PNG at ``path`` (µm axes).

    ``window`` = (x0, y0, x1, y1) µm zooms on a part of the layout."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    if isinstance(layout_or_path, kdb.Layout):
        ly = layout_or_path
    else:
        ly = kdb.Layout()
        ly.read(str(layout_or_path))
    top = ly.top_cells()[0]
    box = top.dbbox() if window is None else kdb.DBox(*window)
    aspect = box.height() / max(box.width(), 1e-9)
    fig, ax = plt.subplots(figsize=(width_in, max(2.0, min(width_in * aspect, 3 * width_in))))
    style = (active() if layer_map is None else layer_map).style()
    for lay, (colour, alpha) in style.items():
        li = ly.find_layer(*lay)
        if li is None:
            continue
        region = kdb.Region(top.begin_shapes_rec(li)).merged()
        if window is not None:
            region &= kdb.Region(box.to_itype(ly.dbu))
        polys = []
        for i, poly in enumerate(region.each()):
            if i >= max_polygons_per_layer:
                break
            d = poly.to_dtype(ly.dbu)
            if d.holes():
                for trap in kdb.Region(poly).decompose_trapezoids_to_region().each():
                    polys.append([(p.x * ly.dbu, p.y * ly.dbu) for p in trap.each_point_hull()])
            else:
                polys.append([(p.x, p.y) for p in d.each_point_hull()])
        if polys:
            ax.add_collection(PolyCollection(polys, facecolors=colour, edgecolors="none", alpha=alpha))
    ax.set_xlim(box.left, box.right)
    ax.set_ylim(box.bottom, box.top)
    ax.set_aspect("equal")
    ax.set_xlabel("x (µm)")
    ax.set_ylabel("y (µm)")
    ax.set_title(title or top.name)
    fig.tight_layout()
    out = save_figure_atomic(fig, path, dpi=150)
    plt.close(fig)
    return out
