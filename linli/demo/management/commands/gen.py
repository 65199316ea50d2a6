"""``linli gen --scale estate|street|district [--seed N]``: synthetic data for the benchmarks."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from linli.demo.gen import SCALES, GenError, generate


class Command(BaseCommand):
    help = "Fill an EMPTY database with deterministic synthetic data (estate, street or district scale)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="estate")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale: str, seed: int, **options) -> None:
        started = time.perf_counter()
        try:
            counts = generate(scale, seed, out=sys.stderr)
        except GenError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"{scale} (seed {seed}) generated in {time.perf_counter() - started:.1f} s: "
                          + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
