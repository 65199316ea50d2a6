"""The Django admin speaks Chinese, finds users by name, and shows background jobs read-only."""

import pytest

from linli.core.models import Job, User


@pytest.fixture
def admin_client(client, tree, make_user):
    root = make_user("root", "district_admin", tree.district)
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    return client


def test_admin_is_in_chinese_with_linli_titles(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert '<html lang="zh-hans"' in html
    assert "邻里管理后台" in html and "数据管理" in html
    assert "最近动作" in html  # Django's own admin strings come in Chinese too
    assert "用户与权限" in html and "后台任务" in html


def test_admin_finds_a_user_by_the_name_of_their_person(admin_client, tree, make_user):
    user = make_user("zhangsan", "grid_worker", tree.g1)
    user.person.name = "张三丰"
    user.person.save()
    html = admin_client.get("/admin/core/user/", {"q": "张三"}).content.decode()
    assert "zhangsan" in html and f'href="/people/{user.person_id}/"' in html
    assert "zhangsan" not in admin_client.get("/admin/core/user/", {"q": "李四"}).content.decode()


def test_admin_user_form_links_a_person(admin_client, tree, make_user):
    user = make_user("w", "grid_worker", tree.g1)
    html = admin_client.get(f"/admin/core/user/{user.pk}/change/").content.decode()
    assert 'name="person"' in html
    assert 'name="person"' in admin_client.get("/admin/core/user/add/").content.decode()


def test_background_jobs_are_read_only_in_the_admin(admin_client):
    job = Job.objects.create(kind="import_people", total=10, done=5)
    changelist = admin_client.get("/admin/core/job/")
    assert changelist.status_code == 200 and "50%" in changelist.content.decode()
    assert admin_client.get("/admin/core/job/add/").status_code == 403
    assert admin_client.get(f"/admin/core/job/{job.pk}/change/").status_code == 200  # view only
    admin_client.post(f"/admin/core/job/{job.pk}/change/", {"kind": "changed"})
    job.refresh_from_db()
    assert job.kind == "import_people"
    assert admin_client.post(f"/admin/core/job/{job.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Job.objects.filter(pk=job.pk).exists()


def test_non_staff_user_cannot_enter_the_admin(client, tree, make_user):
    client.force_login(make_user("w", "grid_worker", tree.g1))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_user_admin_search_covers_username_and_person_name():
    from django.contrib import admin

    model_admin = admin.site._registry[User]
    assert {"username", "person__name"} <= set(model_admin.search_fields)
