"""`cxgov scim_token --agency SLUG --email ADMIN [--days N]`: a token for the agency's identity
provider to provision its members at /scim/v2/ (docs/scim.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cxgov.core.imports.commands import agency_argument, command_agency
from cxgov.core.models import TokenScope, User
from cxgov.core.services import token_create


class Command(BaseCommand):
    help = (
        "Create a SCIM token for one agency, owned by one of its administrators, and print it "
        "once. Paste it into the identity provider's provisioning settings; it reaches only "
        "that agency's members, and stops working when its owner stops administering the agency."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        agency_argument(parser)
        parser.add_argument(
            "--email", required=True, help="An administrator of the agency: the token's owner."
        )
        parser.add_argument("--days", type=int, default=None, help="Days until it expires.")
        parser.add_argument("--name", default="SCIM provisioning", help="A name to recognise it.")

    def handle(self, *args: object, **options: object) -> None:
        agency = command_agency(options["agency"])
        user = User.objects.filter(email__iexact=str(options["email"])).first()
        if user is None:
            raise CommandError(f"no account {options['email']!r}")
        days = options["days"]
        try:
            token, raw = token_create(
                user=user,
                name=str(options["name"]),
                scope=TokenScope.SCIM,
                agency=agency,
                expires_in_days=int(str(days)) if days is not None else None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"SCIM token for {agency.slug}, owned by {user.email}, expires "
            f"{token.expires_at:%Y-%m-%d}. Base URL: /scim/v2/ . Shown once:\n{raw}"
        )
