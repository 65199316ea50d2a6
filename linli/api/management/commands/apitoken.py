"""``linli apitoken create USERNAME NAME`` / ``revoke PREFIX`` / ``list [USERNAME]``: personal API tokens."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from linli.api.models import ApiToken


class Command(BaseCommand):
    help = "Create, revoke or list personal API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for a user and print it once")
        create.add_argument("username")
        create.add_argument("name", help="what the token is for")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix (shown by list)")
        revoke.add_argument("prefix")
        listing = sub.add_parser("list", help="list tokens")
        listing.add_argument("username", nargs="?")

    def handle(self, *args, action, **options):
        if action == "create":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"没有用户 {options['username']} (no such user)")
            name = options["name"].strip()
            if not name or len(name) > 50:
                raise CommandError("名称须为 1 至 50 个字符 (the name takes 1 to 50 characters)")
            token = ApiToken(user=user, name=name)
            raw = token.set_new_key()
            token.save()
            self.stdout.write(f"{user.username} / {name}: {raw}")
            self.stdout.write("请妥善保存：令牌只显示这一次。 (Keep it safe: it is shown only once.)")
        elif action == "revoke":
            found = ApiToken.objects.active().filter(prefix=options["prefix"][:12]).first()
            if found is None:
                raise CommandError(f"没有有效的令牌 {options['prefix']} (no active token with that prefix)")
            found.revoke()
            self.stdout.write(f"{found.prefix}: revoked")
        else:
            tokens = ApiToken.objects.select_related("user")
            if options.get("username"):
                tokens = tokens.filter(user__username=options["username"])
            for token in tokens:
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(f"{token.prefix}\t{token.user.username}\t{token.name}\t{state}\t"
                                  f"{token.last_used_at or '-'}")
