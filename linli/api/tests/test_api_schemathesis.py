"""Schemathesis drives /api/openapi.json against a live server with a personal token:
no answer may be a server error, and every answer must match the schema it documents."""

import subprocess
import sys
from pathlib import Path

import pytest

from linli.cases.services import file_case

from .conftest import INSIDE_G1, token_for

ST = Path(sys.executable).with_name("st")


def run_schemathesis(tmp_path, schema_url: str, token: str, parameters: dict[str, str]) -> subprocess.CompletedProcess:
    config = tmp_path / "schemathesis.toml"
    config.write_text("[parameters]\n" + "".join(f'"{k}" = "{v}"\n' for k, v in parameters.items()))
    result = subprocess.run(
        [str(ST), "--config-file", str(config), "run", schema_url, "-H", f"Authorization: Bearer {token}",
         "--checks", "not_a_server_error,response_schema_conformance", "--max-examples", "15", "--seed", "4",
         "--phases", "examples,coverage,fuzzing", "--workers", "1", "--request-timeout", "20"],
        capture_output=True, text=True, timeout=600, check=False)
    (tmp_path / "schemathesis.log").write_text(result.stdout)
    return result


@pytest.fixture
def live(live_server, categories, actors, tree):
    cases = [file_case(category=categories.manhole, channel="h5", description=f"井盖 {n}", reporter=actors.reporter,
                       area=tree.g1, lat=INSIDE_G1[0], lng=INSIDE_G1[1]) for n in range(3)]
    file_case(category=categories.wall, channel="h5", description="外墙", reporter=actors.reporter, area=tree.g2)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from linli.cases.photos import save_photo

    from .conftest import jpeg

    photo = save_photo(cases[0], SimpleUploadedFile("p.jpg", jpeg()), kind="report")
    return live_server.url, token_for(actors.community), cases[0], photo


@pytest.mark.django_db(transaction=True)
def test_openapi_finds_no_server_error_and_no_schema_violation(live, tmp_path):
    base_url, token, case, photo = live
    result = run_schemathesis(tmp_path, f"{base_url}/api/openapi.json", token,
                              {"path.number": case.number, "path.photo": str(photo.uuid),
                               "query.unit": "500113001001"})
    assert result.returncode == 0, result.stdout[-6000:]
    assert "passed" in result.stdout
