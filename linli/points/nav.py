"""Points links: the figures (staff), the shop's confirmation page, one's own points."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from linli.core.nav import NavContext, Section, contributes, url


@contributes(order=40)
def points_figures(context: NavContext) -> Iterator[Section]:
    if context.scope.is_staff:
        yield Section(_("Points figures"), _("Points issued and redeemed, sponsors and gifts"),
                      url("points:figures"), "points-figures")


@contributes(order=60)
def shop(context: NavContext) -> Iterator[Section]:
    if context.scope.partner_ids:
        yield Section(_("My shop"), _("Confirm the redemption codes of points rewards"), url("points:shop"),
                      "shop")


@contributes(order=80)
def my_points(context: NavContext) -> Iterator[Section]:
    if context.scope.person_id:
        yield Section(_("My points"), _("Points balance, rewards and redemptions"), url("points:points"),
                      "points")
