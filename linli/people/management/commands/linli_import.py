"""``linli import grids FILE.geojson [--dry-run]`` and ``linli import people FILE.xlsx [--dry-run]``
(implemented in ``linli.people.commands``)."""

from linli.people.commands import ImportCommand as Command

__all__ = ["Command"]
