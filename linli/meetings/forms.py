"""Forms of the meeting pages: they check types and sizes; the rules live in ``services``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from linli.cases.forms import CategoryField, category_groups
from linli.cases.models import HandlerLevel
from linli.core.forms import AsciiIntegerField, SaneDateField, SaneDateTimeField
from linli.places.models import Area, Department, PartnerUnit

from .models import Meeting, MeetingKind, Outcome, Recurrence, Series, VoteChoice, VoteRule

if TYPE_CHECKING:
    from .wechat import Message

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
mobile_validator = RegexValidator(r"^1\d{10}$", _("Enter an 11-digit mobile number."))


def model_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """``form``'s model choice field ``name`` (to set its queryset or choices per request)."""
    return cast(forms.ModelChoiceField, form.fields[name])


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form``'s choice field ``name`` (to set its choices per request)."""
    return cast(forms.ChoiceField, form.fields[name])


class SafeTextMixin(forms.Form):
    """Text fields never carry markup: angle brackets are refused with a clear message."""

    text_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.text_fields:
            value = data.get(name)
            if isinstance(value, str) and ("<" in value or ">" in value):
                self.add_error(name, _("Please write plain text, without < or >."))
        return data


class SeriesForm(SafeTextMixin, forms.Form):
    text_fields = ("name", "place")

    kind = forms.ModelChoiceField(MeetingKind.objects.filter(active=True), label=_("Kind"))
    name = forms.CharField(label=_("Series name"), max_length=100)
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Host unit"))
    place = forms.CharField(label=_("Usual place"), max_length=200)
    recurrence = forms.ChoiceField(choices=Recurrence.choices, label=_("Recurrence"))
    day_of_month = AsciiIntegerField(label=_("Day of the month"), min_value=1, max_value=28, required=False,
                                      help_text=_("Moved to the next working day when it falls on a weekend or a "
                                                  "holiday."))
    weekday = forms.TypedChoiceField(label=_("Weekday"), coerce=int, required=False, empty_value=None, choices=[
        ("", "—"), (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
        (5, _("Saturday")), (6, _("Sunday"))])
    start_time = forms.TimeField(label=_("Starts at (local time)"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = AsciiIntegerField(label=_("Length in minutes"), min_value=15, max_value=600, initial=90)
    members = forms.CharField(label=_("Members' mobile numbers"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("One per line; people registered in your area."), max_length=5000)
    departments = forms.ModelMultipleChoiceField(Department.objects.order_by("kind", "name"), required=False,
                                                 label=_("Member departments"),
                                                 widget=forms.CheckboxSelectMultiple)
    partners = forms.ModelMultipleChoiceField(PartnerUnit.objects.none(), required=False,
                                              label=_("Partner units"), widget=forms.CheckboxSelectMultiple,
                                              help_text=_("Property firms, owners' committees, companies."))
    escalates_to = forms.ModelChoiceField(queryset=Series.objects.none(), required=False, label=_("Escalates to"))
    quorum = AsciiIntegerField(label=_("Quorum for votes"), min_value=0, max_value=10_000, initial=0,
                                help_text=_("Members present needed for a vote; 0: a majority of the members."))

    def __init__(self, *args, areas, higher, **kwargs):
        super().__init__(*args, **kwargs)
        model_field(self, "area").queryset = areas
        model_field(self, "partners").queryset = PartnerUnit.objects.filter(area__in=areas).order_by("kind", "name")
        model_field(self, "escalates_to").queryset = higher

    def clean_members(self) -> list[str]:
        numbers = [n.strip() for n in (self.cleaned_data.get("members") or "").replace("，", "\n").replace(
            ",", "\n").splitlines() if n.strip()]
        if len(numbers) > 200:
            raise forms.ValidationError(_("At most 200 members."))
        for n in numbers:
            mobile_validator(n)
        return numbers


class WhenForm(forms.Form):
    starts_at = SaneDateTimeField(label=_("New time"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    widget=DATETIME_INPUT)


class MoveForm(SafeTextMixin, WhenForm):
    text_fields = ("reason",)
    reason = forms.CharField(label=_("Reason (the attendees are told)"), max_length=200)


class CancelForm(SafeTextMixin, forms.Form):
    text_fields = ("reason",)
    reason = forms.CharField(label=_("Reason (the attendees are told)"), max_length=200)


class CallForm(SafeTextMixin, WhenForm):
    text_fields = ("title", "place")
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].label = _("Time")


class TopicForm(SafeTextMixin, forms.Form):
    text_fields = ("title", "description")
    title = forms.CharField(label=_("Topic"), max_length=100,
                            help_text=_("e.g. things piled up in the stairwell of building 3, unit 2"))
    description = forms.CharField(label=_("Details"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))


def _category_choices() -> list:
    """Grouped under their top level, in one query (the field's own choices would ask for each parent)."""
    return [("", "—"), *category_groups()]


class FreeItemForm(TopicForm):
    category = CategoryField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "category").choices = _category_choices()


class PromoteForm(forms.Form):
    number = forms.RegexField(label=_("Case number"), regex=r"^\d{6,24}$", max_length=24,
                              error_messages={"invalid": _("A case number is 6 to 24 digits.")})


class OutcomeForm(SafeTextMixin, forms.Form):
    text_fields = ("summary", "note")

    outcome = forms.ChoiceField(choices=Outcome.choices, label=_("Outcome"), widget=forms.RadioSelect)
    summary = forms.CharField(label=_("Summary of the discussion"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("What was done, or the reason"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Needed when solved on the spot (what was done) and when declined (the "
                                       "reason, sent to whoever raised it)."))
    handler = forms.ChoiceField(label=_("Handled by"), required=False)
    deadline = SaneDateField(label=_("Deadline"), required=False, widget=DATE_INPUT)
    category = CategoryField(required=False)
    target = forms.ChoiceField(label=_("Escalate to"), required=False)
    photo = forms.ImageField(label=_("Photo of the result"), required=False,
                             help_text=_("The case loop needs one to mark a linked case resolved."))

    def __init__(self, *args, departments, targets, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "category").choices = _category_choices()
        self.departments = {str(d.pk): d for d in departments}
        choice_field(self, "handler").choices = [("", "—")] + [
            (level, label) for level, label in HandlerLevel.choices if level != HandlerLevel.DEPARTMENT] + [
            (f"dept:{pk}", d.name) for pk, d in self.departments.items()]
        choice_field(self, "target").choices = [("", "—"), ("loop", _("The next level of the case loop"))] + [
            (f"series:{s.pk}", f"{s.name}（{s.area.name}）") for s in targets]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        handler = data.get("handler") or ""
        data["level"], data["department"] = handler, None
        if handler.startswith("dept:"):
            data["level"], data["department"] = HandlerLevel.DEPARTMENT, self.departments.get(handler[5:])
        return data


class CodeForm(forms.Form):
    code = forms.RegexField(label=_("Code shown at the meeting"), regex=r"^\d{6}$", max_length=6,
                            error_messages={"invalid": _("The code has 6 digits.")},
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class PersonByMobileForm(forms.Form):
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, validators=[mobile_validator])


class MotionForm(SafeTextMixin, forms.Form):
    text_fields = ("text",)
    text = forms.CharField(label=_("Motion"), max_length=300,
                           help_text=_("e.g. each household pays a self-management fee of 10 yuan a month"))
    rule = forms.ChoiceField(choices=VoteRule.choices, label=_("Passes with"), initial=VoteRule.MAJORITY)
    quorum = AsciiIntegerField(label=_("Quorum"), min_value=1, max_value=10_000, required=False,
                                help_text=_("Empty: the series' quorum."))


class VotesForm(forms.Form):
    """One choice per member present."""

    def __init__(self, *args, voters, **kwargs):
        super().__init__(*args, **kwargs)
        for person in voters:
            self.fields[f"p{person.pk}"] = forms.ChoiceField(
                label=person.name, required=False, choices=[("", "—"), *VoteChoice.choices],
                widget=forms.RadioSelect)

    def choices(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if value}


class OwnVoteForm(forms.Form):
    """A member's own vote, from their phone: one of three buttons."""

    choice = forms.ChoiceField(label=_("Your vote"), choices=VoteChoice.choices,
                               error_messages={"required": _("Choose for, against or abstain."),
                                               "invalid_choice": _("Choose for, against or abstain.")})


class PasteForm(SafeTextMixin, forms.Form):
    """Step one: the text copied from a WeChat group."""

    text_fields = ("group",)
    group = forms.CharField(label=_("WeChat group"), max_length=50,
                            help_text=_("e.g. 新河街7栋住户群; kept with each message, never shown publicly"))
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Where the group is"))
    paste = forms.CharField(label=_("Messages copied from the group"), max_length=20_000,
                            widget=forms.Textarea(attrs={"rows": 12}),
                            error_messages={"required": _("Paste the messages copied from the WeChat group.")})

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        model_field(self, "area").queryset = areas


class PasteRowForm(SafeTextMixin, forms.Form):
    """Step two: one message and what to make of it, confirmed by a person."""

    text_fields = ("text", "address")
    ACTIONS = [("case", _("File a case")), ("topic", _("Topic for a meeting")), ("skip", _("Nothing"))]

    action = forms.ChoiceField(choices=ACTIONS, label=_("Make it"), widget=forms.RadioSelect)
    text = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    nickname = forms.CharField(max_length=30, widget=forms.HiddenInput)
    sent_at = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)
    category = CategoryField(required=False)
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Where"))
    address = forms.CharField(label=_("Building and unit"), max_length=100, required=False)
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), required=False, label=_("Meeting"))
    message: Message | None = None  # the split message the row stands for (set by the view, shown above it)

    def __init__(self, *args, areas, meetings, choices, area_choices=None, meeting_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_field(self, "area").queryset = areas
        model_field(self, "meeting").queryset = meetings
        choice_field(self, "category").choices = choices
        # Lists made once for all the rows (else every row's select would ask the database again).
        if area_choices is not None:
            model_field(self, "area").choices = area_choices
        if meeting_choices is not None:
            model_field(self, "meeting").choices = meeting_choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = data.get("action")
        if action == "case" and not data.get("category"):
            self.add_error("category", _("Choose a category."))
        if action == "topic" and not data.get("meeting"):
            self.add_error("meeting", _("Choose the meeting."))
        return data


PasteRowFormSet = forms.formset_factory(PasteRowForm, extra=0, max_num=100, absolute_max=100, validate_max=True)


class DriveForm(SafeTextMixin, forms.Form):
    text_fields = ("question",)
    question = forms.CharField(label=_("Question"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("e.g. what should the renovation of the old estate do first?"))
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("Residents of"))
    opens_at = SaneDateTimeField(label=_("Opens"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                   widget=DATETIME_INPUT)
    closes_at = SaneDateTimeField(label=_("Closes"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    widget=DATETIME_INPUT)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        model_field(self, "area").queryset = areas


class OpinionForm(SafeTextMixin, forms.Form):
    text_fields = ("text",)
    text = forms.CharField(label=_("Your opinion"), max_length=1000, widget=forms.Textarea(attrs={"rows": 5}))


class ToCaseForm(forms.Form):
    category = CategoryField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "category").choices = _category_choices()


class ToTopicForm(forms.Form):
    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), label=_("Meeting"),
                                     error_messages={"required": _("Choose the meeting.")})

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        model_field(self, "meeting").queryset = meetings


class PeriodForm(forms.Form):
    """The period of the figures (both ends included; either may be left out)."""

    show = forms.CharField(required=False, widget=forms.HiddenInput)
    start = SaneDateField(label=_("Period from"), required=False, widget=DATE_INPUT)
    end = SaneDateField(label=_("Period to"), required=False, widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data
