"""The ``linli`` command line: a thin wrapper over Django's management commands."""

from __future__ import annotations

import os
import sys

# `linli import …` runs the management command `linli_import`, etc.: Python keywords and Django's
# own command names stay out of the way.
ALIASES = {"import": "linli_import", "export": "linli_export", "run": "linli_run"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["linli", *args])


if __name__ == "__main__":
    main()
