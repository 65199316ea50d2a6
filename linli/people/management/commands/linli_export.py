"""``linli export grids [-o FILE] [--area CODE]`` and ``linli export people [-o FILE.xlsx] [--area CODE]``
(implemented in ``linli.people.commands``)."""

from linli.people.commands import ExportCommand as Command

__all__ = ["Command"]
