"""The web import flow (upload → dry-run preview → background job with progress) and the export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.core.models import Job
from linli.people.models import Person
from linli.people.tasks import import_dir

from .test_excel_support import read_xlsx, resident, xlsx


def upload(client, data: bytes, name: str = "people.xlsx"):
    return client.post(reverse("people:import"), {"file": SimpleUploadedFile(name, data)}, follow=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff(client, tree, make_user):
    user = make_user("staff-a1", "community_staff", tree.comm_a1)
    client.force_login(user)
    return user


def test_import_pages_need_a_login(client, tree):
    response = client.get(reverse("people:import"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("name", ["people:import", "people:import_template"])
def test_grid_worker_cannot_open_the_import_pages(client, tree, make_user, name):
    client.force_login(make_user("grid-1", "grid_worker", tree.g1))
    assert client.get(reverse(name)).status_code == 404


def test_upload_page_offers_the_form_and_the_template(client, staff):
    page = client.get(reverse("people:import")).content.decode()
    assert 'type="file"' in page and 'for="id_file"' in page
    assert reverse("people:import_template") in page


def test_template_download_is_an_xlsx_with_the_headers(client, staff):
    response = client.get(reverse("people:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert read_xlsx(response.content)[0][0] == "姓名"


def test_good_file_shows_a_summary_then_imports_in_the_background_with_progress(
        client, staff, tree, make_person, django_capture_on_commit_callbacks):
    existing = make_person(tree.g1, name="旧名")
    data = xlsx([resident(1, tree.g1.code), resident(2, tree.g2.code),
                 {"姓名": "新名", "身份证号": existing.id_number}])
    preview = upload(client, data)
    page = preview.content.decode()
    assert "共 3 行：新建 2 人，更新 1 人。" in page
    assert Person.objects.count() == 2  # the staff member and the existing person: nothing written yet

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview.redirect_chain[-1][0])
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("people:import_job", args=[job.pk])
    assert (job.kind, job.created_by, job.status) == ("import_people", staff, "done")
    assert job.params["path"].startswith("imports/") and job.params["path"].endswith(".xlsx")
    assert (job.total, job.done, job.percent) == (3, 3, 100)
    assert Person.objects.filter(name__startswith="导入").count() == 2
    existing.refresh_from_db()
    assert existing.name == "新名"
    assert not list(import_dir().glob("*.xlsx"))  # the uploaded personal data is not kept

    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert "<progress" in page and 'value="100"' in page
    assert "完成。共 3 行：新建 2 人，更新 1 人。" in page
    assert "every 1s" not in page  # finished: the page stops polling


def test_running_job_is_polled_every_second_with_htmx(client, staff):
    job = Job.objects.create(kind="import_people", created_by=staff, status="running", total=200, done=50,
                             params={"filename": "a.xlsx", "path": "imports/x.xlsx"})
    url = reverse("people:import_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert f'hx-get="{url}"' in page and 'hx-trigger="every 1s"' in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'value="25"' in partial and "已处理 50 / 200 行" in partial


def test_another_users_job_is_not_found(client, staff, tree, make_user):
    other = make_user("staff-a1-b", "community_staff", tree.comm_a1)
    job = Job.objects.create(kind="import_people", created_by=other, params={})
    assert client.get(reverse("people:import_job", args=[job.pk])).status_code == 404


def test_another_users_preview_is_not_found(client, staff, tree, make_user):
    preview = upload(client, xlsx([resident(1, tree.g1.code)]))
    url = preview.redirect_chain[-1][0]
    client.force_login(make_user("staff-a1-b", "community_staff", tree.comm_a1))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Job.objects.exists()


def test_bad_rows_are_listed_with_row_column_and_message_and_cannot_be_confirmed(client, staff, tree):
    data = xlsx([resident(1, tree.g1.code, 手机号="123"), resident(2, tree.h1.code)])
    preview = upload(client, data)
    page = preview.content.decode()
    assert "文件中有 2 个问题，未保存任何数据" in page
    assert "<td>2</td><td>手机号</td><td>手机号码为 11 位数字" in page
    assert "<td>3</td><td>所属区域编码</td>" in page and "超出您的管辖范围" in page
    assert "确认导入" not in page
    client.post(preview.redirect_chain[-1][0])
    assert not Job.objects.exists() and not Person.objects.filter(name__startswith="导入").exists()


def test_many_errors_are_paginated(client, staff, tree):
    preview = upload(client, xlsx([resident(n, "999") for n in range(1, 131)]))
    url = preview.redirect_chain[-1][0]
    assert "第 1 页，共 2 页" in preview.content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert "<td>131</td>" in second and "<td>2</td><td>" not in second


def test_script_in_the_file_is_shown_escaped(client, staff, tree):
    page = upload(client, xlsx([resident(1, "<script>alert(1)</script>")])).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_text_file_renamed_to_xlsx_gets_a_clear_message(client, staff):
    page = upload(client, b"name,phone\n").content.decode()
    assert "不是有效的 Excel (.xlsx) 文件" in page
    assert not list(import_dir().glob("*.xlsx"))


def test_file_without_xlsx_extension_is_refused_by_the_form(client, staff):
    response = upload(client, b"name,phone\n", name="people.csv")
    assert response.status_code == 200 and "请选择扩展名为 .xlsx 的 Excel 文件" in response.content.decode()


def test_too_large_upload_is_refused(client, staff, monkeypatch):
    from linli.people import excel

    monkeypatch.setattr(excel, "MAX_FILE_BYTES", 100)
    page = upload(client, b"x" * 101).content.decode()
    assert "请拆分成较小的文件" in page


# --- export -------------------------------------------------------------------------------------
def test_export_contains_only_people_in_scope_with_masked_numbers(client, staff, tree, make_person):
    inside, outside = make_person(tree.g2, name="本社区"), make_person(tree.h1, name="外社区")
    response = client.get(reverse("people:export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    names = [row[0] for row in read_xlsx(response.content)[1:]]
    assert "本社区" in names and "外社区" not in names
    assert inside.id_number.encode() not in response.content and outside.name not in str(names)
    assert reverse("people:export") == "/people/export.xlsx"


def test_resident_cannot_export(client, tree, make_user):
    client.force_login(make_user("resident", None, home=tree.g1))
    assert client.get(reverse("people:export")).status_code == 404


def test_export_page_runs_a_bounded_number_of_queries(client, staff, tree, make_person,
                                                       django_assert_max_num_queries):
    for _ in range(30):
        make_person(tree.g1)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("people:export"))
    assert len(read_xlsx(io.BytesIO(response.content).getvalue())) == 32


def test_export_honours_the_people_list_filters(client, staff, tree, make_person):
    services = pytest.importorskip("linli.people.services")
    if not hasattr(services, "filter_people"):
        pytest.skip("the people list filters are not there yet")
    make_person(tree.g1, name="张三丰")
    make_person(tree.g1, name="李四")
    names = [row[0] for row in read_xlsx(client.get(reverse("people:export"), {"q": "张三"}).content)[1:]]
    assert names == ["张三丰"]


def test_export_with_invalid_filters_goes_back_to_the_list(client, staff, tree):
    services = pytest.importorskip("linli.people.services")
    if not hasattr(services, "filter_people"):
        pytest.skip("the people list filters are not there yet")
    response = client.get(reverse("people:export"), {"age": "old"})
    assert response.status_code == 302 and response["Location"] == reverse("people:list") + "?age=old"
