"""What a page does with a POST: validate, run one service call, tell the user, redirect.

Services refuse with ``ValidationError`` (or a subclass, such as care's ``CareError``) and change nothing
when they do; these helpers turn a refusal into what the user reads, so that views stay a few lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

Done = str | Callable[[Any], str]


def fail(request: HttpRequest, exc: ValidationError) -> None:
    """A refusal as error messages."""
    for message in exc.messages:
        messages.error(request, message)


def form_errors(request: HttpRequest, form: forms.Form) -> None:
    """A form's errors as messages (the page redirects), each naming its field."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for e in errors:
            messages.error(request, _("%(field)s: %(error)s") % {"field": field.label, "error": e}
                           if field is not None and field.label else str(e))


def _tell(request: HttpRequest, done: Done, result: Any) -> None:
    if message := (done(result) if callable(done) else done):
        messages.success(request, message)


def handle(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], Any], *,
           then: Callable[[Any], str], done: Done = "", denied: str = "") -> HttpResponse | None:
    """A form page's POST: when ``form`` is valid, ``action(cleaned_data)`` runs, the user is told ``done`` (a
    text, or made from the action's result) and redirected to ``then(result)``.  A refusal (``ValidationError``)
    goes onto the form; ``PermissionDenied`` onto the field ``denied`` (none: 404).  ``None`` means: render the
    page (a GET, or the form with its errors); nothing has changed."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    except PermissionDenied as exc:
        if not denied:
            raise Http404 from None
        form.add_error(denied, str(exc))
        return None
    _tell(request, done, result)
    return redirect(then(result))


def act(request: HttpRequest, form: forms.Form | None, action: Callable[[dict[str, Any]], Any], *, back: str,
        done: Done = "", then: Callable[[Any], str] | None = None) -> HttpResponse:
    """A POST-only action: validate ``form`` (``None``: nothing to validate), run ``action(cleaned_data)``, tell
    ``done`` and go to ``then(result)`` (or ``back``).  The form's errors (each naming its field) and any refusal
    (``ValidationError``) become error messages, nothing changes, and the user is sent back to ``back``."""
    if form is not None and not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    try:
        result = action(form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        fail(request, exc)
        return redirect(back)
    _tell(request, done, result)
    return redirect(then(result) if then is not None else back)
