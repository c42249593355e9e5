from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import security_log, sessions

        # Sign-in events are the framework's signals; these are the only receivers here.
        user_logged_in.connect(security_log.on_signed_in, dispatch_uid="security_sign_in")
        user_login_failed.connect(security_log.on_sign_in_failed, dispatch_uid="security_failed")
        user_logged_out.connect(security_log.on_signed_out, dispatch_uid="security_sign_out")
        user_locked_out.connect(security_log.on_locked_out, dispatch_uid="security_locked_out")
        # Every sign-in starts the session clocks and decides the second step.
        user_logged_in.connect(sessions.on_signed_in, dispatch_uid="session_clocks")
