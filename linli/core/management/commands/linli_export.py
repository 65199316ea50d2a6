"""``linli export grids [-o FILE] [--area CODE]`` and ``linli export people [-o FILE.xlsx] [--area CODE]``
(implemented in ``linli.places.commands``)."""

from linli.places.commands import ExportCommand as Command

__all__ = ["Command"]
