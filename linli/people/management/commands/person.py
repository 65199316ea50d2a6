"""``linli person export ID [-o FILE.zip]`` and ``linli person anonymise ID --reason TEXT``: PIPL requests.

Export gives the person everything held on them (``person.json`` and their photos, in one zip);
anonymise erases what identifies them and keeps every record of what happened (see ``people.privacy``).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from linli.core.audit import record
from linli.people.models import Person
from linli.people.privacy import anonymise_person, export_person


class Command(BaseCommand):
    help = "Personal-data requests (PIPL): export everything held on a person, or anonymise them."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="write person-ID.zip: person.json and the person's photos")
        export.add_argument("id", type=int, help="the person's number (as in /people/ID/)")
        export.add_argument("-o", "--output", help="where to write the zip (default: ./person-ID.zip)")
        erase = actions.add_parser("anonymise", help="erase name, ID-card and mobile numbers, birth date, address")
        erase.add_argument("id", type=int, help="the person's number (as in /people/ID/)")
        erase.add_argument("--reason", required=True, help="the request this answers (kept in the history)")
        erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: object, **options: object) -> None:
        person = Person.objects.filter(pk=int(str(options["id"]))).first()
        if person is None:
            raise CommandError(_("No person with the number %(id)s.") % {"id": options["id"]})
        if options["action"] == "export":
            output = Path(str(options["output"] or f"person-{person.pk}.zip"))
            output.write_bytes(export_person(person))
            output.chmod(0o600)
            record(user=None, method="CLI", path="linli person export", action="person:export", target=str(person.pk))
            self.stdout.write(_("Everything held on person %(id)s written to %(path)s.")
                              % {"id": person.pk, "path": output})
            return
        reason = str(options["reason"]).strip()
        if not reason:
            raise CommandError(_("Give the reason for the erasure (e.g. the request it answers)."))
        if not options["yes"]:
            answer = input(_("Anonymise %(name)s (person %(id)s)? This cannot be undone. Type the number to confirm: ")
                           % {"name": person.name, "id": person.pk})
            if answer.strip() != str(person.pk):
                raise CommandError(_("Not confirmed; nothing was changed."))
        anonymise_person(person, reason=reason)
        record(user=None, method="CLI", path="linli person anonymise", action="person:anonymise",
               target=str(person.pk), fields=["reason"])
        self.stdout.write(_("Person %(id)s is anonymised; their cases, service hours and ledgers are kept.")
                          % {"id": person.pk})
