"""The figure's colours: the one palette of geo's outputs, :mod:`geo.outputs.palette` (re-exported here)."""
from geo.outputs.palette import BASEMAP, KIND_COLOURS, OKABE_ITO, TYPE_COLOURS

__all__ = ["OKABE_ITO", "TYPE_COLOURS", "KIND_COLOURS", "BASEMAP"]
