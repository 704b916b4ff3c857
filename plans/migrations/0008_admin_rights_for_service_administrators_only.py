from django.conf import settings
from django.db import migrations


def revoke_county_team_admin_rights(apps, schema_editor):
    """The county team used the Django admin with model permissions granted to them
    (plans.services.county_team_admin_grant, now gone). Only service administrators
    (superusers) use the admin now, and a model permission left behind would also answer
    a check made without an object, so everyone else's are taken back."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    User.user_permissions.through.objects.filter(user__is_superuser=False).delete()
    User.objects.filter(is_superuser=False, is_staff=True).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0007_coordinators_publish_their_plans"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(revoke_county_team_admin_rights, migrations.RunPython.noop)]
