"""Re-encrypt every encrypted note with the first key of FIELD_ENCRYPTION_KEYS.

Run it after putting a new key first (or after moving the old SECRET_KEY into
SECRET_KEY_FALLBACKS); once it reports nothing left on an older key, the old key can go.
Safe to run again: values already on the first key are not written. A value no key
opens is reported and left as it is, and the command exits with an error.
"""

from django.core.management.base import BaseCommand, CommandError

from smpclinic.encryption import (
    Tally,
    encrypted_field_names,
    models_with_encrypted_fields,
    reencrypt,
)


class Command(BaseCommand):
    help = "Re-encrypt the encrypted notes with the first key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Rows read and written per transaction (default 500).",
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        unreadable: list[str] = []
        changed = 0
        for model in models_with_encrypted_fields():
            label = model._meta.label
            names = ", ".join(encrypted_field_names(model))
            self.stdout.write(f"{label} ({names})")

            def progress(tally: Tally, label=label) -> None:
                self.stdout.write(f"  {label}: {tally.rows} rows read, {tally.changed} rewritten")

            tally = reencrypt(model, batch_size=batch_size, progress=progress)
            changed += tally.changed
            unreadable += tally.unreadable
            self.stdout.write(
                f"  done: {tally.rotated} moved from an older key, "
                f"{tally.encrypted} found unencrypted and encrypted"
            )
        if unreadable:
            for where in unreadable:
                self.stderr.write(f"cannot decrypt: {where}")
            raise CommandError(
                f"{len(unreadable)} values open with none of the configured keys and were left "
                "as they are: put the key they were written with back into "
                "FIELD_ENCRYPTION_KEYS (or SECRET_KEY_FALLBACKS) and run this again."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{changed} values rewritten; every encrypted value now uses the first key."
            )
        )
