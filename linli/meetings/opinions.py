"""Opinion drives (征集意见): a question, a window and an area; residents answer on a phone; staff turn an
opinion into a case (channel ``opinion``) or a topic of a coming meeting in one step."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.scope import scope_for

from . import services
from .models import Opinion, OpinionDrive
from .services import MeetingError, _require

MAX_DRIVE_DAYS = 366


def may_run_drive(user, drive: OpinionDrive) -> bool:
    scope = scope_for(user)
    return scope.everything or (scope.is_staff and scope.covers_code(drive.area.code))


def visible_drives(user) -> QuerySet:
    """Drives in the user's scope, and those over the user's home (to answer)."""
    scope = scope_for(user)
    qs = OpinionDrive.objects.all()
    if scope.everything:
        return qs
    return qs.filter(OpinionDrive.scope_q(scope) | services.neighbourhood_q(user))


def create_drive(user, *, question: str, area, opens_at: dt.datetime, closes_at: dt.datetime) -> OpinionDrive:
    scope = scope_for(user)
    if not (scope.everything or (scope.is_staff and scope.covers_code(area.code))):
        raise PermissionDenied(_("You cannot start an opinion drive in this unit."))
    question = (question or "").strip()
    _require(bool(question), _("Write the question to put to the residents."))
    _require(len(question) <= 300, _("Please keep the question under 300 characters."))
    _require(closes_at > opens_at, _("The drive must close after it opens."))
    _require(closes_at - opens_at <= dt.timedelta(days=MAX_DRIVE_DAYS), _("A drive runs for at most a year."))
    _require(closes_at > timezone.now(), _("The drive must close in the future."))
    return OpinionDrive.objects.create(question=question, area=area, opens_at=opens_at, closes_at=closes_at,
                                       created_by=user)


def is_open(drive: OpinionDrive, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return drive.opens_at <= now < drive.closes_at


def may_answer(user, drive: OpinionDrive) -> bool:
    person = getattr(user, "person", None)
    return person is not None and (person.area.code.startswith(drive.area.code) or may_run_drive(user, drive))


def answer(user, drive: OpinionDrive, text: str, *, now: dt.datetime | None = None) -> Opinion:
    if not may_answer(user, drive):
        raise PermissionDenied(_("This drive asks the residents of another area."))
    _require(is_open(drive, now), _("This drive is not open for opinions now."))
    text = (text or "").strip()
    _require(bool(text), _("Write your opinion."))
    _require(len(text) <= 1000, _("Please keep your opinion under 1000 characters."))
    try:
        with transaction.atomic():
            return Opinion.objects.create(drive=drive, person=user.person, text=text)
    except IntegrityError:
        raise MeetingError(_("You have already given your opinion on this drive.")) from None


def _lock(user, opinion: Opinion) -> Opinion:
    if not may_run_drive(user, opinion.drive):
        raise PermissionDenied(_("Only the drive's staff can do this."))
    opinion = Opinion.objects.select_for_update(of=("self",)).select_related("drive__area", "person__area").get(
        pk=opinion.pk)
    _require(opinion.case_id is None and opinion.item_id is None, _("This opinion has already been taken up."))
    return opinion


@transaction.atomic
def to_case(user, opinion: Opinion, *, category, area=None) -> Opinion:
    """File the opinion as a case (channel ``opinion``, the drive as its reference)."""
    from linli.cases.limits import IntakeError
    from linli.cases.models import Channel
    from linli.cases.permissions import intake_area_codes
    from linli.cases.services import submit_report

    opinion = _lock(user, opinion)
    _require(category is not None, _("Choose a category."))
    area = area or opinion.person.area
    try:
        case, _created = submit_report(user=user, category=category, description=opinion.text, location=None,
                                       channel=Channel.OPINION, area=area, allowed_codes=intake_area_codes(user),
                                       channel_ref=opinion.drive.question[:100])
    except (IntakeError, ValidationError) as exc:
        raise MeetingError(exc.messages) from None
    opinion.case, opinion.handled_by, opinion.handled_at = case, user, timezone.now()
    opinion.save(update_fields=["case", "handled_by", "handled_at"])
    return opinion


@transaction.atomic
def to_topic(user, opinion: Opinion, *, meeting) -> Opinion:
    """Put the opinion on a coming meeting's agenda, raised by the resident (who hears the outcome)."""
    opinion = _lock(user, opinion)
    _require(meeting is not None, _("Choose the meeting."))
    area = opinion.person.area if opinion.person.area.code.startswith(meeting.area.code) else None
    item = services.add_item(user, meeting, title=opinion.text.splitlines()[0][:100], description=opinion.text,
                             area=area, raised_by=opinion.person)
    item.channel_ref = opinion.drive.question[:100]
    item.save(update_fields=["channel_ref"])
    opinion.item, opinion.handled_by, opinion.handled_at = item, user, timezone.now()
    opinion.save(update_fields=["item", "handled_by", "handled_at"])
    return opinion


def counts(drive_ids: list[int]) -> dict[int, dict[str, int]]:
    """Opinions, taken up as cases, taken up as topics, per drive (one query)."""
    rows = (Opinion.objects.filter(drive_id__in=drive_ids).values("drive_id")
            .annotate(total=Count("id"), cases=Count("id", filter=Q(case__isnull=False)),
                      topics=Count("id", filter=Q(item__isnull=False))).order_by())
    result = {pk: {"total": 0, "cases": 0, "topics": 0} for pk in drive_ids}
    for row in rows:
        result[row["drive_id"]] = {"total": row["total"], "cases": row["cases"], "topics": row["topics"]}
    return result
