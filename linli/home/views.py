from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from linli.care.desk import duty_desk
from linli.core.nav import NavContext, sections
from linli.core.scope import scope_for

from .services import grid_names, hotlines, role_labels


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page: a tile for each thing the user's roles let them do; the call form for whoever is on
    hotline duty now; one-tap phone links to the service stations of the user's own grid and community."""
    scope = scope_for(request.user)
    context = NavContext(scope, admin=request.user.is_staff, grid_names=grid_names(scope))
    return render(request, "home/home.html", {"sections": sections(context), "user_roles": role_labels(scope),
                                              "duty_desk": duty_desk(request.user, request.GET.get("q", "")),
                                              "hotlines": hotlines(getattr(request.user, "person_id", None))})
