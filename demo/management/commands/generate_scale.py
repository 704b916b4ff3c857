"""N x Kent on the configured database, for measuring at scale (demo/scale.py).

    uv run python manage.py generate_scale --factor 10

Run it after load_demo (the units hang under the demo's county). Running it again with a
larger factor adds only the missing units. 100x on paper: 1,400 partnerships, 29,700
actions, about 106,000 milestones and 510,000 status updates (about 10 minutes here).
"""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from demo.scale import PASSWORD, scale_generate


class Command(BaseCommand):
    help = "Add N units of Kent-sized synthetic partnerships (for the benchmark and load tests)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--factor", type=int, default=1, help="How many units of Kent.")
        parser.add_argument("--seed", type=int, default=15)
        parser.add_argument(
            "--no-reports", action="store_true", help="Do not build the exception reports."
        )

    def handle(
        self, *args: object, factor: int, seed: int, no_reports: bool, **options: object
    ) -> None:
        report = scale_generate(factor=factor, seed=seed, reports=not no_reports)
        if not report.units:
            self.stdout.write(f"All {factor} units were already there; nothing changed.")
            return
        self.stdout.write(f"Added units {report.units[0]} to {report.units[-1]}:")
        for what, n in report.created.items():
            self.stdout.write(f"  {n:7d} {what}")
        self.stdout.write(
            f"Sign-ins: officer0@scale-1-0.example (and officer0-3, coordinator, executive of "
            f"each scale-U-I partnership), password {PASSWORD!r}"
        )
