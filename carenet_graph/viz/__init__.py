"""Maps of a care network.

* :mod:`.page` – what every page shares: Content-Security-Policy, inlined assets, safe JSON;
* :mod:`.map` – the interactive single-file HTML map (:func:`~.map.map_data`, :func:`~.map.write_map`;
  the only module that builds a pyvis ``Network``); :mod:`.mapdata` – what a map shows (:class:`~.mapdata.MapData`);
  :mod:`.maptexts` – its words; :mod:`.grouped` – the grouped view of a large network;
* :mod:`.svg` – the map as a static picture for print (:func:`~.svg.map_svg`);
* :mod:`.static` – static PNG/SVG figures (:func:`~.static.write_figure`);
* :mod:`.layout` – seeded, deterministic positions, :mod:`.geo` – the geographic layout;
  :mod:`.style` – colours and sizes.
"""

from carenet_graph.viz.map import map_data, map_svg, render_map, to_pyvis, write_map
from carenet_graph.viz.mapdata import MapData
from carenet_graph.viz.static import write_figure

__all__ = ["MapData", "map_data", "map_svg", "render_map", "to_pyvis", "write_figure", "write_map"]
