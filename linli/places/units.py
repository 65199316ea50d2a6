"""Departments and partner units on their own pages: who may edit which, and the edit.

The staff who own a unit edit it: a district department belongs to the district's administrator, a
street post to its street's staff, a partner unit to the community, street or district staff of the
area it is registered in.  Everyone who sees a unit in the org tree may open its page; anyone else
gets 404.  The edit is one validated save (the audit middleware logs the request); the code, kind and
area are not edited here (they decide who owns the unit and what refers to it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from linli.core.scope import Scope, scope_for

from .models import Department, PartnerUnit
from .services import departments_for, partners_for

DEPARTMENT_FIELDS = ("name", "contact_name", "contact_phone")
PARTNER_FIELDS = ("name", "address", "lat", "lng", "contact_name", "contact_phone")


def can_edit_unit(scope: Scope, unit: Department | PartnerUnit) -> bool:
    """Whether staff of the unit's area (or above it) hold the scope: they own the unit."""
    return scope.is_staff and scope.covers_code(unit.area.code)


def department_for(user: Any, pk: int) -> Department:
    """The department ``pk`` if ``user`` sees it in the org tree; ``Department.DoesNotExist`` otherwise."""
    return departments_for(user).get(pk=pk)


def partner_for(user: Any, pk: int) -> PartnerUnit:
    """The partner unit ``pk`` if ``user`` sees it in the org tree; ``PartnerUnit.DoesNotExist`` otherwise."""
    return partners_for(user).get(pk=pk)


def _update(user: Any, unit: Department | PartnerUnit, fields: tuple[str, ...], data: Mapping[str, Any]) -> None:
    if not can_edit_unit(scope_for(user), unit):
        raise PermissionDenied
    for name in fields:
        if name in data:
            value = data[name]
            setattr(unit, name, value.strip() if isinstance(value, str) else value)
    unit.full_clean()
    unit.save(update_fields=list(fields))


def update_department(user: Any, department: Department, data: Mapping[str, Any]) -> Department:
    """Change a department's name and contact (its owners only); ``ValidationError`` for bad values."""
    _update(user, department, DEPARTMENT_FIELDS, data)
    return department


def update_partner(user: Any, partner: PartnerUnit, data: Mapping[str, Any]) -> PartnerUnit:
    """Change a partner unit's name, address, position and contact (its owners only)."""
    lat, lng = data.get("lat", partner.lat), data.get("lng", partner.lng)
    if (lat is None) != (lng is None):
        raise ValidationError(_("A position needs both latitude and longitude."))
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError(_("The position is not a valid latitude and longitude."))
    _update(user, partner, PARTNER_FIELDS, data)
    return partner
