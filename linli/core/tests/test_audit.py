"""The audit log: every write of a signed-in user is kept (who, what, when, from where), append-only,
and read by district administrators in the admin, by no one else."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from linli.conftest import PASSWORD
from linli.core.audit import record
from linli.core.models import AppendOnlyError, AuditEntry


@pytest.fixture
def admin_user(tree, make_user):
    user = make_user("district-admin", "district_admin", tree.district)
    user.is_staff = True
    user.save()
    return user


def test_a_staff_write_is_logged_with_who_what_and_where_but_not_the_values(client, tree, make_user, make_person):
    staff = make_user("staff", "community_staff", tree.comm_a1)
    person = make_person(tree.g1, name="张三")
    client.force_login(staff)
    client.post(f"/people/{person.pk}/unmask/mobile/", {"reason": "回访核实"}, REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.get(user=staff)
    assert (entry.username, entry.ip, entry.method) == ("staff", "10.1.2.3", "POST")
    assert (entry.action, entry.target) == ("people:unmask", f"pk={person.pk},field=mobile")
    assert entry.fields == ["reason"] and entry.status == 200
    assert entry.scope == tree.comm_a1.code
    assert "回访核实" not in str(entry.__dict__)


def test_reads_and_anonymous_writes_are_not_logged(client, tree, make_user):
    client.force_login(make_user("staff", "community_staff", tree.comm_a1))
    client.get("/people/")
    client.logout()
    client.post("/login/", {"username": "nobody", "password": "wrong-password"})
    assert not AuditEntry.objects.exists()


def test_passwords_are_never_logged(client, tree, make_user):
    make_user("staff", "community_staff", tree.comm_a1)
    client.post("/login/", {"username": "staff", "password": PASSWORD})
    entry = AuditEntry.objects.get()
    assert entry.fields == ["username"] and entry.action == "login"


def test_entries_cannot_be_changed_or_removed_through_the_orm(tree, make_user):
    entry = record(user=make_user("staff", "community_staff", tree.comm_a1), method="POST", path="/x/")
    entry.path = "/y/"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(path="/y/")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().path == "/x/"


@pytest.mark.skipif(connection.vendor not in {"sqlite", "postgresql"}, reason="trigger for these two")
def test_the_database_refuses_an_update_too(tree, make_user):
    entry = record(user=None, method="CLI", path="linli person export")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET path = 'x' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get().path == "linli person export"


def test_district_admin_reads_the_log_in_the_admin_read_only(client, admin_user, tree):
    record(user=admin_user, method="POST", path="/people/1/edit/", action="people:edit", target="pk=1")
    client.force_login(admin_user)
    page = client.get("/admin/core/auditentry/")
    assert page.status_code == 200 and "/people/1/edit/" in page.content.decode()
    entry = AuditEntry.objects.get(path="/people/1/edit/")
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"path": "/z/"})
    assert AuditEntry.objects.filter(path="/people/1/edit/").exists()
    assert not AuditEntry.objects.filter(path="/z/").exists()


def test_other_staff_cannot_read_the_log(client, tree, make_user):
    staff = make_user("street", "street_staff", tree.street_a)
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/core/auditentry/").status_code in (302, 403, 404)
