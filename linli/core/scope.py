"""The one scope filter.

A user acts within org units that follow from their current role assignments: grid workers their
grids, community staff their community, street staff their street, department handlers their
department, sponsor staff their shop, a district administrator (or a superuser) everything.
Every list, detail page, export and API call asks ``scoped(queryset, user)``; a model says how
it is scoped by defining ``scope_q(scope)`` (a classmethod returning a ``Q``).  An object outside
the scope answers 404 through ``get_scoped_or_404``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .codes import code_range
from .roles import ABILITIES, AREA_ROLES, DEPARTMENT_ROLES, DISTRICT_ADMIN, PARTNER_ROLES, STAFF_ROLES

if TYPE_CHECKING:
    from .models import User, UserLike

_M = TypeVar("_M", bound=Model)


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    area_codes: tuple[str, ...] = ()
    department_ids: tuple[int, ...] = ()
    partner_ids: tuple[int, ...] = ()
    person_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    def area_q(self, code_field: str) -> Q:
        """Rows whose area code lies under one of this scope's areas (an index range each)."""
        q = Q(pk__in=[])
        for code in self.area_codes:
            low, high = code_range(code)
            q |= Q(**{f"{code_field}__gte": low, f"{code_field}__lt": high})
        return q

    def area_or_own_q(self, code_field: str, *person_fields: str) -> Q:
        """Rows under the scope's areas, or rows whose ``person_fields`` point at the user's own person."""
        q = self.area_q(code_field)
        if self.person_id:
            for field in person_fields:
                q |= Q(**{field: self.person_id})
        return q

    def covers_code(self, code: str) -> bool:
        return self.everything or any(code.startswith(c) for c in self.area_codes)

    @property
    def is_staff(self) -> bool:
        return self.everything or bool(self.roles & STAFF_ROLES)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


class _ScopedModel(Protocol):
    """A model that says how it is scoped."""

    @classmethod
    def scope_q(cls, scope: Scope) -> Q: ...


def can(scope: Scope, ability: str) -> bool:
    """Whether the scope's roles grant ``ability`` (see ``roles.ABILITIES``); a district admin can do all."""
    return scope.everything or bool(scope.roles & ABILITIES.get(ability, frozenset()))


def _minimal(codes: Iterable[str]) -> tuple[str, ...]:
    """Drop codes already covered by a shorter one (a street covers its communities)."""
    result: list[str] = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(c) for c in result):
            result.append(code)
    return tuple(sorted(result))


def scope_for(user: UserLike) -> Scope:
    """The scope of a user, computed once per request (cached on the user object)."""
    cached: Scope | None = getattr(user, "_linli_scope", None)
    if cached is not None:
        return cached
    # (no import of the auth models here: the admin's AppConfig imports this module before apps are ready)
    if not getattr(user, "is_authenticated", False):
        scope = Scope()
    elif (user := cast("User", user)).is_superuser:
        scope = Scope(everything=True, person_id=user.person_id, roles=frozenset({DISTRICT_ADMIN}))
    elif user.person_id is None:
        scope = Scope()
    else:
        # Role assignments live in ``people``; core names the model by its label and never imports the app.
        assignments = apps.get_model("people", "RoleAssignment")
        rows = list(
            assignments.objects.current()
            .filter(person_id=user.person_id)
            .values_list("role", "area__code", "department_id", "partner_id")
        )
        roles = frozenset(r[0] for r in rows)
        everything = any(role == DISTRICT_ADMIN and code and len(code) == 6 for role, code, *_ in rows)
        scope = Scope(
            everything=everything,
            area_codes=_minimal(code for role, code, *_ in rows if role in AREA_ROLES and code),
            department_ids=tuple(sorted({d for role, _c, d, _p in rows if role in DEPARTMENT_ROLES and d})),
            partner_ids=tuple(sorted({p for role, _c, _d, p in rows if role in PARTNER_ROLES and p})),
            person_id=user.person_id,
            roles=roles,
        )
    with contextlib.suppress(AttributeError):  # if an object refuses the attribute, recompute next time
        user._linli_scope = scope  # type: ignore[union-attr]  # a cache attribute no model declares
    return scope


def scoped(qs: QuerySet[_M], user: UserLike) -> QuerySet[_M]:
    """``qs`` limited to what ``user`` may see."""
    scope = scope_for(user)
    if scope.everything:
        return qs
    return qs.filter(cast("type[_ScopedModel]", qs.model).scope_q(scope))


def get_scoped_or_404(qs: QuerySet[_M] | type[_M], user: UserLike, **lookup: Any) -> _M:
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    obj = scoped(qs, user).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
