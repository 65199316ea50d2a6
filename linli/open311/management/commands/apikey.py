"""``linli apikey create NAME --area CODE`` / ``revoke NAME`` / ``list``: Open311 API keys."""

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from linli.open311.models import ApiKey
from linli.places.models import Area


class Command(BaseCommand):
    help = "Create, revoke or list Open311 API keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key and print it once")
        create.add_argument("name")
        create.add_argument("--area", required=True, help="code of the street, community or grid it files into")
        create.add_argument("--contact", default="")
        revoke = sub.add_parser("revoke", help="revoke a key")
        revoke.add_argument("name")
        sub.add_parser("list", help="list keys")

    def handle(self, *args, action, **options):
        if action == "create":
            area = Area.objects.filter(code=options["area"]).first()
            if area is None:
                raise CommandError(f"没有编码为 {options['area']} 的区域 (no area with that code)")
            key = ApiKey(name=options["name"], area=area, contact=options["contact"])
            raw = key.set_new_key()
            try:
                key.full_clean(exclude=["prefix", "key_hash"])
                key.save()
            except IntegrityError:
                raise CommandError(f"已有名为 {key.name} 的密钥 (a key with that name exists)") from None
            except Exception as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"{key.name}: {raw}")
            self.stdout.write("请妥善保存：密钥只显示这一次。 (Keep it safe: it is shown only once.)")
        elif action == "revoke":
            found = ApiKey.objects.active().filter(name=options["name"]).first()
            if found is None:
                raise CommandError(f"没有有效的密钥 {options['name']} (no active key with that name)")
            found.revoke()
            self.stdout.write(f"{found.name}: revoked")
        else:
            for key in ApiKey.objects.select_related("area"):
                state = "revoked" if key.revoked_at else "active"
                self.stdout.write(f"{key.name}\t{key.area.code}\t{state}\t{key.last_used_at or '-'}")
