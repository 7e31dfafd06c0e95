from django.core.management.base import BaseCommand

from cxgov.site.demo import (
    DEMO_PASSWORD,
    DEMO_SITE_ADMIN_EMAIL,
    demo_load,
    demo_refuse_without_debug,
)


class Command(BaseCommand):
    help = "Load the deterministic demo data and print the demo users' credentials."

    def handle(self, *args: object, **options: object) -> None:
        demo_refuse_without_debug()
        users = demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in as any of these users:"))
        for user in users:
            self.stdout.write(f"  {user.role.label:<22} {user.email:<30} password: {DEMO_PASSWORD}")
        self.stdout.write(
            f"  {'Site administrator':<22} {DEMO_SITE_ADMIN_EMAIL:<30} password: {DEMO_PASSWORD}"
            "  (superuser: /site-admin/)"
        )
