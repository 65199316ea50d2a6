"""The monthly workbook: opens with openpyxl, one sheet per part, values not formulas, frozen headers, the same
numbers as the printable page; a street's is made by the background job and kept for its owner only."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.core.models import Job
from linli.reports import tasks

from .test_pages import login


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def sheets(data: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws["A1"].font.b
        assert all(ws.column_dimensions[c.column_letter].width > 8 for c in ws[1])
        assert not any(isinstance(v, str) and v.startswith("=") for row in ws.iter_rows(values_only=True)
                       for v in row)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_a_community_workbook_carries_the_pages_numbers(client, tree, users, october):
    login(client, users.staff)
    page = client.get(reverse("reports:monthly", args=[tree.comm_a1.code]), {"month": "2026-10"}).content.decode()
    response = client.get(reverse("reports:monthly_xlsx", args=[tree.comm_a1.code]), {"month": "2026-10"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = sheets(response.content)
    assert list(book)[:4] == ["报告", "案件", "五率", "案件趋势"] and book["报告"][0] == ("项目", "数值")
    assert book["案件"][0] == ("指标", "本期", "上期")
    received = dict((r[0], r[1]) for r in book["案件"][1:])["受理诉求"]
    assert received == int(re.search(r'id="t-received">(\d+)<', page).group(1)) == 6
    for label, rate, target, part, whole, _prev in book["五率"][1:]:
        row = re.search(rf'<th scope="row">{label}</th>\s*<td class="num">([^<]*)</td>\s*<td class="num">(\d+)%'
                        rf'</td>\s*<td class="num">(\d+) / (\d+)</td>', page)
        assert row, label
        shown = None if row.group(1) == "—" else float(row.group(1).rstrip("%"))
        assert (rate, target, part, whole) == (shown, *map(int, row.groups()[1:]))
    assert sum(r[-1] for r in book["案件趋势"][1:]) == 6


def test_bad_month_is_a_clear_error_and_starts_nothing(client, tree, users):
    login(client, users.street)
    url = reverse("reports:monthly_xlsx", args=[tree.street_a.code])
    for bad in ({"month": "2026-13"}, {"month": "十月"}):
        response = client.post(url, bad)
        assert response.status_code == 400 and "年-月" in response.content.decode()
    assert not Job.objects.exists()


def test_a_streets_workbook_is_made_in_the_background_and_kept_for_its_owner(client, tree, users, october,
                                                                             django_capture_on_commit_callbacks):
    login(client, users.street)
    url = reverse("reports:monthly_xlsx", args=[tree.street_a.code])
    assert "<form" in client.get(url, {"month": "2026-10"}).content.decode()  # offers the job, makes no file
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(url, {"month": "2026-10"})
    job = Job.objects.get(kind=tasks.MONTHLY_KIND)
    assert response.status_code == 302 and response.url == reverse("reports:job", args=[job.pk]) and len(queued) == 1
    assert "progress" in client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    tasks.run_monthly_job(job.pk)
    html = client.get(response.url).content.decode()
    download = reverse("reports:job_download", args=[job.pk])
    assert download in html and 'value="100"' in html
    book = sheets(client.get(download).content)
    assert dict((r[0], r[1]) for r in book["案件"][1:])["受理诉求"] == 6 and "下级单位排行" in book
    for other in (users.staff_b, users.staff):  # not their job, even inside the street
        login(client, other)
        assert client.get(response.url).status_code == 404 and client.get(download).status_code == 404
