from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Organisations and users"

    def ready(self) -> None:
        from accounts import audit_web

        audit_web.connect()
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import stamp_login_time

        user_logged_in.connect(stamp_login_time, dispatch_uid="accounts.stamp_login_time")
        from django.db.models.signals import post_migrate

        from accounts.database_roles import grant_after_migrate

        post_migrate.connect(grant_after_migrate, sender=self, dispatch_uid="accounts.grant_app_role")
