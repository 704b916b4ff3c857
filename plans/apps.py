from django.apps import AppConfig
from django.db.models.signals import pre_migrate


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Partnerships and plans"

    def ready(self) -> None:
        from csp_tracker.squashes import refuse_part_applied_squashes

        # Sent for every app with models before migrate changes anything: one app's signal
        # is enough for the check, which looks at every app.
        pre_migrate.connect(refuse_part_applied_squashes, sender=self)
