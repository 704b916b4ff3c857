from django.core.management.base import BaseCommand
from django.db import connection
from django.template.defaultfilters import pluralize

from accounts.models import User
from csp_tracker import clock
from demo.documents import demo_documents_publish
from demo.loader import load_demo
from reporting.models import ExceptionReport
from reporting.services import exception_reports_schedule


class Command(BaseCommand):
    help = (
        "Load the Kent demo data from fixtures/demo and build last quarter's exception "
        "reports, as the quarterly schedule would have (safe to run again: it adds nothing "
        "twice)."
    )

    def handle(self, *args: object, **options: object) -> None:
        report = load_demo()
        if report.created:
            for what, n in sorted(report.created.items()):
                self.stdout.write(f"Created {n} {what}")
        else:
            self.stdout.write("The demo data was already loaded; nothing changed.")
        quarter = clock.current_quarter().previous
        before = ExceptionReport.objects.count()
        exception_reports_schedule(quarter=quarter)
        built = ExceptionReport.objects.count() - before
        if built:
            self.stdout.write(f"Built {built} exception report{pluralize(built)} for {quarter}")
        published = demo_documents_publish(publisher=User.objects.get(email="admin@kcst.example"))
        for version in published:
            self.stdout.write(f"Published {version.plan.title} version {version.number}")
        # Passwords are shown only on the embedded default (a local SQLite database).
        if connection.vendor == "sqlite":
            self.stdout.write(self.style.SUCCESS("\nDemo sign-ins (email / password):"))
            for email, password in report.passwords.items():
                self.stdout.write(f"  {email:34} {password}")
            if report.two_factor_keys:
                self.stdout.write(
                    self.style.SUCCESS(
                        "\nThe service administrator and county admins also enter a code from an "
                        "authenticator app. Add this key to one (time based, 6 digits):"
                    )
                )
                for email, key in report.two_factor_keys.items():
                    grouped = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
                    self.stdout.write(f"  {email:34} {grouped}")
