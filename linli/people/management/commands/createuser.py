"""``linli createuser``: a sign-in account for a person, with the role that sets what it may see."""

from __future__ import annotations

import getpass
import secrets
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from linli.people.accounts import AccountError, create_account, role_help


class Command(BaseCommand):
    help = ("Create a user linked to a person and give the person a role in an area, department or "
            "partner unit, e.g. `linli createuser wang --role grid_worker --area 500113001001001 "
            "--name 王芳`.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="Password; asked for when omitted on a terminal, "
                                                "else generated and printed.")
        parser.add_argument("--role", help=f"Role code, one of: {role_help()}.")
        unit = parser.add_mutually_exclusive_group()
        unit.add_argument("--area", help="Code of the area the role is held in (6, 9, 12 or 15 digits).")
        unit.add_argument("--department", help="Code of the department (for department_handler).")
        unit.add_argument("--partner", type=int, help="Number of the partner unit (for sponsor_staff).")
        parser.add_argument("--person-id", type=int,
                            help="Link to this existing person instead of creating one.")
        parser.add_argument("--name", help="Name of the new person (default: the username).")
        parser.add_argument("--superuser", action="store_true",
                            help="May do everything, including the admin.")

    def handle(self, *args, username: str, password: str | None, role: str | None, area: str | None,
               department: str | None, partner: int | None, person_id: int | None, name: str | None,
               superuser: bool, **options) -> None:
        generated = False
        if not password:
            if sys.stdin.isatty():
                password = getpass.getpass("Password: ")
                if password != getpass.getpass("Password (again): "):
                    raise CommandError(_("The passwords do not match."))
            else:
                password, generated = secrets.token_urlsafe(12), True
        try:
            account = create_account(username, password, role=role, area_code=area,
                                     department_code=department, partner_id=partner, person_id=person_id,
                                     name=name, superuser=superuser)
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        if account.person:
            done = _("Created user %(username)s for %(name)s (person #%(id)s).") % {
                "username": account.user.username, "name": account.person.name, "id": account.person.pk}
        else:
            done = _("Created user %(username)s.") % {"username": account.user.username}
        self.stdout.write(self.style.SUCCESS(done))
        if account.assignment:
            self.stdout.write(_("Role: %(role)s") % {"role": account.assignment})
        if generated:
            # Printed once, on a line of its own so that scripts can read it.
            self.stdout.write(f"Password: {password}")
