"""Fill empty translations in every catalogue from the others and from the last commit's catalogues.

When code moves between apps, ``makemessages --no-obsolete`` drops its strings from the old app's
catalogue and adds them untranslated to the new one; this carries the translation across.  Run by
``make messages`` after ``makemessages``; prints what it could not fill (exit status 1).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib


def _committed_catalogues(root: Path) -> list[polib.POFile]:
    """The catalogues as committed in HEAD (none outside a git work tree)."""
    try:
        names = subprocess.run(["git", "ls-files", "--", f"{root}/**/django.po"], check=True,
                               capture_output=True, text=True).stdout.split()
        return [polib.pofile(subprocess.run(["git", "show", f"HEAD:{name}"], check=True, capture_output=True,
                                            text=True).stdout) for name in names]
    except (OSError, subprocess.CalledProcessError):
        return []


def main(root: Path) -> int:
    catalogues = {path: polib.pofile(str(path), wrapwidth=79) for path in sorted(root.rglob("LC_MESSAGES/django.po"))}
    known: dict[tuple[str | None, str], polib.POEntry] = {}
    for po in [*catalogues.values(), *_committed_catalogues(root)]:
        for entry in po:
            if entry.translated():
                known.setdefault((entry.msgctxt, entry.msgid), entry)
    missing = 0
    for path, po in catalogues.items():
        changed = False
        for entry in po.untranslated_entries() + po.fuzzy_entries():
            source = known.get((entry.msgctxt, entry.msgid))
            if source is None:
                print(f"{path}: no translation for {entry.msgid!r}")
                missing += 1
                continue
            entry.msgstr, entry.msgstr_plural = source.msgstr, dict(source.msgstr_plural)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            changed = True
        if changed:
            po.save()
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "linli")))
