from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from linli.core.scope import get_scoped_or_404, scoped

from .models import Person


@login_required
def person_list(request):
    people = scoped(Person.objects.select_related("area"), request.user)[:50]
    return render(request, "people/list.html", {"people": people})


@login_required
def person_detail(request, pk: int):
    person = get_scoped_or_404(Person, request.user, pk=pk)
    return render(request, "people/detail.html", {"person": person})


@login_required
def import_people(request):
    return render(request, "people/import.html", {})
