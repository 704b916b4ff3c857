from django.apps import AppConfig


class CspTrackerConfig(AppConfig):
    name = "csp_tracker"
    verbose_name = "CSP Tracker"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from csp_tracker import (
            lookups,
            squashes,  # noqa: F401  (registers its database check)
        )
        from csp_tracker.clock import stamp_history

        # ``pk__any=keys``: a list of keys, one array on PostgreSQL.
        lookups.register()

        pre_create_historical_record.connect(
            stamp_history, dispatch_uid="csp_tracker.clock.stamp_history"
        )
