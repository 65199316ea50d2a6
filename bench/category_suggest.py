"""``python -m bench.category_suggest``: top-1 and top-3 accuracy of the category suggestion.

Runs in a throwaway LINLI_HOME: migrate (which seeds the catalogue), no demo cases (so the catalogue and the
lexicon alone are measured, as on a fresh install), then ranks each text of ``category_texts.tsv`` and
checks the labelled category.  Also times the suggestion and feeds it empty, huge and non-Chinese text.
Prints a Markdown table; exits 1 if an input raised.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

TEXTS = Path(__file__).with_name("category_texts.tsv")


def labelled() -> list[tuple[str, str]]:
    rows = []
    for line in TEXTS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, text = line.split("\t", 1)
            rows.append((code, text))
    return rows


def main() -> int:
    os.environ["LINLI_HOME"] = tempfile.mkdtemp(prefix="linli-bench-suggest-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from linli.cases.suggest import suggest

    rows = labelled()
    top1 = top3 = 0
    misses = []
    started = time.perf_counter()
    for code, text in rows:
        ranked = [s.code for s in suggest(text)]
        top1 += bool(ranked) and ranked[0] == code
        top3 += code in ranked[:3]
        if not ranked or ranked[0] != code:
            misses.append((code, ranked[:3], text))
    elapsed = (time.perf_counter() - started) / len(rows) * 1000
    failed = 0
    for odd in ("", "   ", "hello world, the lamp is broken", "😀" * 50, "楼道" * 100_000, "<script>x</script>",
                "\x00\x01", "1234567890"):
        try:
            suggest(odd)
        except Exception as exc:  # noqa: BLE001 - the point is that nothing raises
            failed += 1
            print(f"raised on {odd[:20]!r}: {exc}", file=sys.stderr)
    print("| measure | result |\n|---|---|")
    print(f"| labelled texts | {len(rows)} |")
    print(f"| top-1 accuracy | {top1 / len(rows):.0%} ({top1}/{len(rows)}) |")
    print(f"| top-3 accuracy | {top3 / len(rows):.0%} ({top3}/{len(rows)}) |")
    print(f"| time per suggestion | {elapsed:.2f} ms |")
    print(f"| odd inputs that raised | {failed} of 8 |")
    for code, ranked, text in misses:
        print(f"  miss: {code} → {ranked}  {text}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
