"""The one-to-one points archive (积分档案): a person's every movement, its source and the balance over time.

A page shows movements newest first, ``PAGE_SIZE`` at a time by key (``?before=<transfer id>``).  The
balance after each movement is derived, not stored: the page's newest balance is the account's balance
less what moved at or after ``before`` (one aggregate over the account's indexed movements), and each row
down the page subtracts its own amount.  The Excel export walks all movements oldest first.

Sources link to their object where it exists and the viewer may open it: cases (the case page for staff,
"my report" for the reporter), redemptions (the person's own redemption page).  Other apps add links for
their sources with ``register_source_link(source, resolver)``: ``resolver(refs, user, own)`` gets the
``source_ref`` values on the page, the viewer, and whether the viewer is the archive's person, and
returns ``{ref: (url, text)}`` for the objects the viewer may open, in one query.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from linli.core.models import UserLike
from linli.core.scope import scope_for, scoped
from linli.core.xlsx import safe_cell, text_cell

from .models import Account, Redemption, Transfer

if TYPE_CHECKING:
    from linli.people.models import Person

PAGE_SIZE = 50

Resolver = Callable[[list[str], UserLike, bool], dict[str, tuple[str, str]]]
SOURCE_LINKS: dict[str, Resolver] = {}


def register_source_link(source: str, resolver: Resolver) -> None:
    """Let another app link its source objects (e.g. activities, wishes) from the archive."""
    SOURCE_LINKS[source] = resolver


def _case_links(refs: list[str], user: UserLike, own: bool) -> dict[str, tuple[str, str]]:
    """Cases the viewer may open: the reporter's own report page, or the case page for staff."""
    from linli.cases.models import Case

    numbers = scoped(Case.objects.filter(number__in=refs), user).values_list("number", flat=True)
    links: dict[str, tuple[str, str]] = {}
    for number in numbers:
        try:
            url = reverse("cases:mine_detail" if own else "cases:case_detail", args=[number])
        except NoReverseMatch:
            continue
        links[number] = (url, number)
    return links


register_source_link(Transfer.Source.CASE, _case_links)


@dataclass
class Line:
    transfer: Transfer
    delta: int          # points in (+) or out (-) of the person's account
    balance: int        # the balance just after this movement
    link: tuple[str, str] | None = None
    correctable: bool = False  # set for a leader: the movement may be reversed

    @property
    def points_in(self) -> int | None:
        return self.delta if self.delta > 0 else None

    @property
    def points_out(self) -> int | None:
        return -self.delta if self.delta < 0 else None


def movements(account: Account) -> QuerySet[Transfer]:
    return Transfer.objects.filter(Q(debit=account) | Q(credit=account))


def net_since(account: Account, first_id: int) -> int:
    """Net points in (+) or out (-) of the account by movements with id ≥ ``first_id`` (one query)."""
    row = movements(account).filter(id__gte=first_id).aggregate(
        gained=Coalesce(Sum("amount", filter=Q(credit=account)), 0),
        spent=Coalesce(Sum("amount", filter=Q(debit=account)), 0))
    gained: int = row["gained"]
    spent: int = row["spent"]
    return gained - spent


def archive_page(account: Account | None, user: UserLike, *, before: int | None = None,
                 size: int = PAGE_SIZE) -> tuple[list[Line], int | None]:
    """One page of the archive, newest first; returns the lines and the key of the next (older) page."""
    if account is None:
        return [], None
    qs = (movements(account).select_related("created_by", "reversed_by", "redemption", "refunded_redemption")
          .order_by("-id"))
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = list(qs[:size + 1])
    more = len(rows) > size
    rows = rows[:size]
    balance = account.balance - (net_since(account, before) if before is not None and rows else 0)
    lines: list[Line] = []
    for t in rows:
        delta = t.amount if t.credit_id == account.pk else -t.amount
        lines.append(Line(t, delta, balance))
        balance -= delta
    _attach_links(lines, account, user)
    return lines, (rows[-1].pk if more else None)


def _attach_links(lines: list[Line], account: Account, user: UserLike) -> None:
    own = account.person_id is not None and account.person_id == scope_for(user).person_id
    by_source: dict[str, list[str]] = {}
    for line in lines:
        by_source.setdefault(line.transfer.source, []).append(line.transfer.source_ref)
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for source, refs in by_source.items():
        if source in SOURCE_LINKS and refs:
            found[source] = SOURCE_LINKS[source]([r for r in refs if r], user, own)
    for line in lines:
        t = line.transfer
        line.link = found.get(t.source, {}).get(t.source_ref)
        if line.link is None and own:
            redemption = _redemption_of(t)
            if redemption is not None:
                line.link = (reverse("points:redemption", args=[redemption.pk]), _("My redemption"))


def _redemption_of(t: Transfer) -> Redemption | None:
    """The redemption a payment or refund belongs to (fetched with the page), or None."""
    found: Redemption | None = getattr(t, "redemption", None) or getattr(t, "refunded_redemption", None)
    return found


# ---- Excel ----------------------------------------------------------------------------------------------

def archive_rows(account: Account) -> Iterator[tuple[Transfer, int, int]]:
    """All movements oldest first, with the running balance (for the export)."""
    balance = 0
    qs = movements(account).select_related("created_by").order_by("id")
    for t in qs.iterator(chunk_size=2000):
        delta = t.amount if t.credit_id == account.pk else -t.amount
        balance += delta
        yield t, delta, balance


def archive_workbook(person: Person, account: Account | None) -> bytes:
    """The archive as an .xlsx file: a title row, headers, one row per movement, the running balance."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_("Points archive"))
    bold = Font(bold=True)
    title = text_cell(sheet, _("Points archive of %(name)s") % {"name": person.name})
    title.font = bold
    sheet.append([title])
    headers = [_("Time"), _("Source"), _("Reason"), _("Source reference"), _("Points in"), _("Points out"),
               _("Balance"), _("Recorded by")]
    cells = []
    for h in headers:
        c = WriteOnlyCell(sheet, value=h)
        c.font = bold
        cells.append(c)
    sheet.append(cells)
    if account is not None:
        for t, delta, balance in archive_rows(account):
            who = t.created_by.get_full_name() or t.created_by.username if t.created_by else ""
            sheet.append([
                timezone.localtime(t.at).replace(tzinfo=None),
                safe_cell(sheet, t.get_source_display()), safe_cell(sheet, t.reason or ""),
                safe_cell(sheet, t.source_ref or ""), delta if delta > 0 else None, -delta if delta < 0 else None,
                balance, safe_cell(sheet, who),
            ])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
