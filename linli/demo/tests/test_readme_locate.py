"""The README's ``/places/locate/`` example names a real demo grid (issue 16: it answered null)."""

import random
import re
from pathlib import Path

from linli.demo.areas import build_places
from linli.demo.loader import DEMO_SEED
from linli.places.geo import locate

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_locate_example_answers_the_grid_it_promises(db):
    example = re.search(r"GET /places/locate/\?lat=([\d.]+)&lng=([\d.]+)`.*?"
                        r'\{"grid": \{"code": "(\d{15})", "name": "([^"]+)"\}\}', README.read_text(), re.S)
    assert example, "the README lost its locate example"
    lat, lng, code, name = example.groups()
    build_places(random.Random(DEMO_SEED))  # the demo's places, drawn as `linli demo` draws them
    grid = locate(float(lat), float(lng))
    assert grid is not None and (grid.code, grid.name) == (code, name)
