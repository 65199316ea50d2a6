"""Creating sign-in accounts from the command line (``linli createuser``).

A user links to a person; what the user may see follows from the person's role assignments
(see ``linli.core.scope``).  ``create_account`` makes all three in one transaction, or nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import roles
from linli.core.roles import DEPARTMENT_ROLES, PARTNER_ROLES
from linli.people.models import Person, Role, RoleAssignment
from linli.places.models import Area, Department, PartnerUnit

if TYPE_CHECKING:
    from linli.core.models import User


class AccountError(ValueError):
    """Bad input for a new account; the message is meant for the person at the keyboard."""


@dataclass(frozen=True)
class NewAccount:
    user: User
    person: Person | None
    assignment: RoleAssignment | None


def role_help() -> str:
    """``code (label)`` for every role, for error messages and ``--help``."""
    return ", ".join(f"{value} ({label})" for value, label in Role.choices)


def _resolve_unit(role: str | None, area_code: str | None, department_code: str | None,
                  partner_id: int | None) -> tuple[Area | None, Department | None, PartnerUnit | None]:
    given = [x is not None and x != "" for x in (area_code, department_code, partner_id)]
    if sum(given) > 1:
        raise AccountError(_("Give only one of --area, --department and --partner."))
    area = department = partner = None
    if area_code:
        area = Area.objects.filter(code=area_code.strip()).first()
        if area is None:
            raise AccountError(_("No area has the code %(code)s. Area codes have 6, 9, 12 or 15 digits, "
                                 "for example 500113 for the district.") % {"code": area_code})
    if department_code:
        department = Department.objects.filter(code=department_code.strip()).first()
        if department is None:
            raise AccountError(_("No department has the code %(code)s.") % {"code": department_code})
    if partner_id is not None:
        partner = PartnerUnit.objects.filter(pk=partner_id).first()
        if partner is None:
            raise AccountError(_("No partner unit has the number %(id)s.") % {"id": partner_id})
    if role in DEPARTMENT_ROLES and department is None:
        raise AccountError(_("The role %(role)s needs --department.") % {"role": role})
    if role in PARTNER_ROLES and partner is None:
        raise AccountError(_("The role %(role)s needs --partner.") % {"role": role})
    if role and role not in DEPARTMENT_ROLES | PARTNER_ROLES and area is None:
        raise AccountError(_("The role %(role)s needs --area.") % {"role": role})
    if role == roles.DISTRICT_ADMIN and area is not None and len(area.code) != 6:
        raise AccountError(_("A district administrator is appointed for a district (a 6-digit code)."))
    return area, department, partner


@transaction.atomic
def create_account(username: str, password: str, *, role: str | None = None, area_code: str | None = None,
                   department_code: str | None = None, partner_id: int | None = None,
                   person_id: int | None = None, name: str | None = None,
                   superuser: bool = False, validate_password: bool = True,
                   starts_on: dt.date | None = None) -> NewAccount:
    """Create a user linked to a person (an existing one, or a new one in the role's unit) and the role.

    Raises ``AccountError`` with a clear message, and writes nothing, for any bad input.
    """
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise AccountError(_("A username is required."))
    if User.objects.filter(username=username).exists():
        raise AccountError(_("The username %(username)s is already taken.") % {"username": username})
    if role is not None and role not in Role.values:
        raise AccountError(_("Unknown role %(role)s. Known roles: %(roles)s.") % {"role": role,
                                                                                   "roles": role_help()})
    area, department, partner = _resolve_unit(role, area_code, department_code, partner_id)

    person: Person | None = None
    if person_id is not None:
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise AccountError(_("No person has the number %(id)s.") % {"id": person_id})
        if User.objects.filter(person=person).exists():
            raise AccountError(_("%(name)s already has an account.") % {"name": person.name})
    else:
        home = area or (department.area if department else None) or (partner.area if partner else None)
        if home is None and not superuser:
            raise AccountError(_("Say who the account is for: a role with its unit (--role with --area, "
                                 "--department or --partner), or --person-id."))
        if home is not None:
            person = Person(name=(name or username).strip()[:50], area=home)

    user = User(username=username, person=person, is_superuser=superuser, is_staff=superuser)
    if validate_password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise AccountError(" ".join(exc.messages)) from exc
    if person is not None and person.pk is None:
        person.full_clean()
        person.save()
        user.person = person
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()

    assignment = None
    if role:
        if person is None:  # cannot happen (_resolve_unit demands the role's unit); the check types person
            raise AccountError(_("Say who the account is for: a role with its unit (--role with --area, "
                                 "--department or --partner), or --person-id."))
        assignment = RoleAssignment.objects.create(
            person=person, role=role, area=area, department=department, partner=partner,
            starts_on=starts_on or dt.date.today())
    return NewAccount(user=user, person=person, assignment=assignment)
