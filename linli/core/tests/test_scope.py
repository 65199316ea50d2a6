import pytest
from django.http import Http404

from linli.core.scope import get_scoped_or_404, scope_for, scoped
from linli.people.models import Person


@pytest.fixture
def people(tree, make_person):
    return {"g1": make_person(tree.g1), "g2": make_person(tree.g2), "h1": make_person(tree.h1)}


def visible(user):
    return set(scoped(Person.objects.all(), user).values_list("pk", flat=True))


def test_grid_worker_sees_only_people_of_their_grid(tree, people, make_user):
    worker = make_user("w", "grid_worker", tree.g1)
    assert visible(worker) == {people["g1"].pk, worker.person.pk}


def test_community_staff_see_every_grid_of_their_community(tree, people, make_user):
    staff = make_user("c", "community_staff", tree.comm_a1)
    assert visible(staff) == {people["g1"].pk, people["g2"].pk, staff.person.pk}


def test_street_staff_do_not_see_another_street(tree, people, make_user):
    staff = make_user("s", "street_staff", tree.street_b)
    assert visible(staff) == {people["h1"].pk, staff.person.pk}


def test_district_admin_sees_everything(tree, people, make_user):
    admin = make_user("d", "district_admin", tree.district)
    assert scope_for(admin).everything
    assert visible(admin) == set(Person.objects.values_list("pk", flat=True))


def test_user_without_roles_sees_only_themself(tree, people, make_user):
    resident = make_user("r", home=tree.g1)
    assert visible(resident) == {resident.person.pk}


def test_expired_role_grants_nothing(tree, people, make_user):
    worker = make_user("w", "grid_worker", tree.g1)
    worker.person.roles.update(ends_on="2020-06-30")
    worker = type(worker).objects.get(pk=worker.pk)
    assert visible(worker) == {worker.person.pk}


def test_object_outside_scope_is_404(tree, people, make_user):
    worker = make_user("w", "grid_worker", tree.g1)
    assert get_scoped_or_404(Person, worker, pk=people["g1"].pk) == people["g1"]
    with pytest.raises(Http404):
        get_scoped_or_404(Person, worker, pk=people["h1"].pk)
