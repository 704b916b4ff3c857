from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin, with the site of accounts/admin_site.py (kept apart: an app
    config module must not import models)."""

    default_site = "accounts.admin_site.AdminSite"
