from django.conf import settings
from django.contrib.auth import views as auth_views


class ClinicPasswordResetView(auth_views.PasswordResetView):
    """Django's reset flow, with the clinic's name in the email."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        self.extra_email_context = {"site_name": settings.CLINIC_NAME}
        return super().form_valid(form)
