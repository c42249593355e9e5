"""A new, empty clinic: its name and its manager, who sets up the rest in Settings.

    python manage.py create_clinic --name "Crown Line SMP" --manager-email jo@crownline.example

prints a link where the manager chooses their password (valid for PASSWORD_RESET_TIMEOUT);
`--password-file` sets the password from a file instead (never on the command line, where
other users of the machine could read it). Refuses to run twice for the same email.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role, User
from accounts.services import user_create
from smpclinic.clinic import clinic_profile_save


class Command(BaseCommand):
    help = "Create a new clinic's details and its manager's account."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The clinic's name, as clients see it.")
        parser.add_argument("--manager-email", required=True)
        parser.add_argument("--manager-first-name", default="")
        parser.add_argument("--manager-last-name", default="")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="A file holding the manager's password (first line); without it a "
            "link to choose one is printed.",
        )

    def handle(self, *args, **options):
        email = options["manager_email"].strip().lower()
        name = options["name"].strip()
        if not name:
            raise CommandError("Give the clinic a name.")
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address.") from error
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"There is already an account for {email}.")
        password = None
        if options["password_file"]:
            try:
                password = options["password_file"].read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError) as error:
                raise CommandError(
                    f"Cannot read a password from {options['password_file']}."
                ) from error
        with transaction.atomic():
            clinic_profile_save(name=name[:100])
            manager = user_create(
                email=email,
                role=Role.MANAGER,
                first_name=options["manager_first_name"],
                last_name=options["manager_last_name"],
                password=password,
            )
        self.stdout.write(f"{name} is ready. Its manager signs in as {email}.")
        if password is None:
            uid = urlsafe_base64_encode(force_bytes(manager.pk))
            token = default_token_generator.make_token(manager)
            path = reverse("accounts:password_reset_confirm", args=[uid, token])
            self.stdout.write(
                f"They choose their password here: {settings.SITE_URL.rstrip('/')}{path}"
            )
        self.stdout.write(
            "Then Settings (in their menu) sets up hours, rooms, services and the team."
        )
