"""The places pages: the grid map, its GeoJSON and point lookup (``grids``), the service-station finder and
coverage (``stations``)."""
