"""The points models moved out of volunteering (migrations points.0001, volunteering.0004, points.0002)
without losing a row, a balance or a permission held by a group."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linli.points.models import Account, Scheme, Transfer

BEFORE = [("volunteering", "0003_activity_participants"), ("points", None)]


def migrate(targets):
    """Migrate to ``targets``; the historical models of the first one."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets[0]).apps


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_points_rows_and_permissions_survive_the_move(tree):
    clerks = Group.objects.create(name="积分管理员")
    clerks.permissions.add(Permission.objects.get(codename="change_reward"))
    try:
        old = migrate(BEFORE)
        assert "volunteering_transfer" in connection.introspection.table_names()
        area = old.get_model("places", "Area").objects.get(pk=tree.street_a.pk)
        person = old.get_model("people", "Person").objects.create(name="骑手小王", area_id=tree.g1.pk)
        scheme = old.get_model("volunteering", "Scheme").objects.create(code="pioneer", name="先锋骑士", area=area)
        accounts = old.get_model("volunteering", "Account").objects
        issuance = accounts.create(kind="issuance", scheme=scheme, balance=-30)
        mine = accounts.create(kind="person", person=person, balance=30)
        old.get_model("volunteering", "Transfer").objects.create(
            debit=issuance, credit=mine, amount=30, key="case:1", source="case", reason="上报核实")
    finally:
        migrate(leaves())
    tables = connection.introspection.table_names()
    assert "points_transfer" in tables and "volunteering_transfer" not in tables
    assert "volunteering_activity" in tables  # volunteering keeps its own tables
    moved = Scheme.objects.get(code="pioneer")
    assert Account.objects.get(person__name="骑手小王").balance == 30
    assert Transfer.objects.get(key="case:1").credit.person.name == "骑手小王"
    assert sum(Account.objects.filter(scheme=moved).values_list("balance", flat=True)) == -30
    assert ContentType.objects.get_for_model(Scheme).app_label == "points"
    assert not ContentType.objects.filter(app_label="volunteering", model="reward").exists()
    assert clerks.permissions.filter(content_type__app_label="points", codename="change_reward").exists()
