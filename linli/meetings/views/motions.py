"""Motions and votes: recorded by the host or cast by members present on their own phones."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.core.actions import act, handle
from linli.core.http import AuthenticatedRequest
from linli.core.scope import scoped

from .. import services
from ..forms import (
    MotionForm,
    OwnVoteForm,
    VotesForm,
)
from ..models import Meeting, Motion, VoteChoice
from .common import meeting_to_run, meeting_url

# --- motions

@login_required
@require_POST
def motion_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting = meeting_to_run(request, pk)
    return act(request, MotionForm(request.POST), lambda data: services.put_motion(request.user, meeting, **data),
               back=meeting_url(meeting), then=lambda motion: reverse("meetings:motion", args=[motion.pk]))


def _motion_or_404(request: HttpRequest, pk: int) -> Motion:
    motion = Motion.objects.select_related("meeting__series").filter(
        pk=pk, meeting__in=scoped(Meeting.objects.all(), request.user)).first()
    if motion is None:
        raise Http404
    return motion


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def motion(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The host's page of a vote: the count so far (refreshed), votes recorded for members without a phone,
    closing.  Members present vote on their own phones (``motion_vote``); their votes are final."""
    motion = _motion_or_404(request, pk)
    meeting = motion.meeting
    run = services.may_run(request.user, meeting.series)
    if request.method == "POST" and not run:
        raise Http404
    here = reverse("meetings:motion", args=[motion.pk])
    if request.method == "POST" and request.POST.get("action") == "close":
        return act(request, None, lambda _d: services.close_motion(request.user, motion), back=here,
                   then=lambda _m: meeting_url(meeting),
                   done=lambda closed: _("The vote is closed: %(result)s.") % {"result": closed.get_result_display()})
    votes = list(motion.votes.all())
    own = {v.person_id for v in votes if v.own}
    voters = [p for p in services.voters(meeting)[:500] if p.pk not in own]
    form = VotesForm(request.POST or None, voters=voters,
                     initial={f"p{v.person_id}": v.choice for v in votes if not v.own})
    done = handle(request, form, lambda _d: services.cast_votes(request.user, motion, form.choices()),
                  then=lambda _n: here, done=lambda n: _("%(n)d votes recorded.") % {"n": n})
    if done:
        return done
    context = {"motion": motion, "meeting": meeting, "form": form, "run": run, "tally": services.vote_counts(motion),
               "own_count": len(own)}
    return render(request, "meetings/motion_count.html" if request.htmx else "meetings/motion.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def motion_vote(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A member present votes on their own phone, once; anyone else who sees the meeting is told why not."""
    motion = _motion_or_404(request, pk)
    here = reverse("meetings:motion_vote", args=[motion.pk])
    form = OwnVoteForm(request.POST or None)
    done = handle(request, form, lambda data: services.vote_own(request.user, motion, data["choice"]),
                  then=lambda _v: here, done=_("Your vote is recorded."))
    if done:
        return done
    person_id = request.user.person_id
    own = motion.votes.filter(person_id=person_id).first() if person_id else None
    may_vote = motion.closed_at is None and own is None and services.is_voter(request.user, motion.meeting)
    return render(request, "meetings/motion_vote.html", {
        "motion": motion, "meeting": motion.meeting, "form": form, "own": own, "may_vote": may_vote,
        "choices": VoteChoice.choices})
