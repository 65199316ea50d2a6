"""``linli import grids FILE.geojson [--dry-run]`` and ``linli import people FILE.xlsx [--dry-run]``
(implemented in ``linli.places.commands``)."""

from linli.places.commands import ImportCommand as Command

__all__ = ["Command"]
