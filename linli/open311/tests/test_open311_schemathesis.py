"""Schemathesis drives the official GeoReport v2 Swagger file against a live server:
no answer may be a server error, and every documented JSON answer must match its schema."""

import subprocess
import sys
from pathlib import Path

import pytest

from linli.cases.services import file_case

from .conftest import SCHEMA_DIR

ST = Path(sys.executable).with_name("st")


def run_schemathesis(tmp_path, base_url: str, parameters: dict[str, str], checks: str) -> subprocess.CompletedProcess:
    config = tmp_path / "schemathesis.toml"
    config.write_text("[parameters]\n" + "".join(f'"{k}" = "{v}"\n' for k, v in parameters.items()))
    result = subprocess.run(
        [str(ST), "--config-file", str(config), "run", str(SCHEMA_DIR / "swagger.json"), "--url", base_url,
         "--checks", checks, "--max-examples", "25", "--seed", "311", "--request-timeout", "20"],
        capture_output=True, text=True, timeout=600, check=False)
    (tmp_path / "schemathesis.log").write_text(result.stdout)
    return result



@pytest.fixture
def live(live_server, services, api_key, tree, settings):
    settings.LINLI_OPEN311_PER_MINUTE_IP = settings.LINLI_OPEN311_PER_MINUTE_KEY = 100_000
    settings.LINLI_OPEN311_WRITES_PER_MINUTE = 100_000
    case = file_case(category=services[0], channel="h5", description="井盖", area=tree.g1, lat=29.401, lng=106.501)
    return live_server.url + "/open311/v2", api_key[1], case


@pytest.mark.django_db(transaction=True)
def test_swagger_json_finds_no_server_error_and_no_schema_violation(live, tmp_path):
    base_url, raw, case = live
    result = run_schemathesis(tmp_path, base_url, {
        "path.response_format": "json", "query.api_key": raw, "path.service_request_id": case.number,
        "path.service_code": "street-lamp"}, "not_a_server_error,response_schema_conformance")
    assert result.returncode == 0, result.stdout[-4000:]
    assert "passed" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_swagger_xml_finds_no_server_error(live, tmp_path):
    base_url, raw, case = live
    result = run_schemathesis(tmp_path, base_url, {
        "path.response_format": "xml", "query.api_key": raw, "path.service_request_id": case.number},
        "not_a_server_error")
    assert result.returncode == 0, result.stdout[-4000:]
