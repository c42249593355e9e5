"""Free-text health notes encrypted at rest (django-fernet-encrypted-fields).

A field's value is stored as a Fernet token (AES-128-CBC + HMAC-SHA256). Its keys are
derived, as the library does it, from every pair of SECRET_KEY (then each of
SECRET_KEY_FALLBACKS) and FIELD_ENCRYPTION_KEYS (given to the library as SALT_KEY): the
first pair encrypts, every pair decrypts. Putting a new key first and running
`manage.py rotate_encryption_keys` therefore rotates the keys with no downtime.

On top of the library's fields:
- an empty note stays an empty string in the database (the library writes NULL, which
  the NOT NULL columns refuse, and `notes=""` filters would no longer match);
- the derived keys are cached per setting values, not once per field for the life of
  the process, so a process derives them once (PBKDF2 is deliberately slow) and a
  changed key list (a test's override) takes effect at once;
- a token that no key opens is logged: it means a key was dropped too early.
"""

from __future__ import annotations

import base64
import functools
import logging
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.apps import apps as global_apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast
from encrypted_fields import fields as library

logger = logging.getLogger("security")

# Every Fernet token starts with version byte 0x80 and a 64-bit timestamp whose high
# bytes are zero until the year 2106: base64 "gAAAAA".
FERNET_PREFIX = "gAAAAA"


@functools.lru_cache(maxsize=8)
def _derive(secret_keys: tuple[str, ...], salt_keys: tuple[str, ...]) -> tuple[bytes, ...]:
    # The same derivation as encrypted_fields.fields.EncryptedFieldMixin.keys.
    derived = []
    for secret_key in secret_keys:
        for salt_key in salt_keys:
            kdf = PBKDF2HMAC(
                algorithm=hashes.SHA256(),
                length=32,
                salt=salt_key.encode("utf-8"),
                iterations=100_000,
            )
            derived.append(base64.urlsafe_b64encode(kdf.derive(secret_key.encode("utf-8"))))
    return tuple(derived)


def current_keys() -> tuple[bytes, ...]:
    """Every key that opens a value, the one that encrypts first."""
    salt_keys = settings.SALT_KEY if isinstance(settings.SALT_KEY, list) else [settings.SALT_KEY]
    secret_keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return _derive(tuple(secret_keys), tuple(salt_keys))


@functools.lru_cache(maxsize=8)
def _fernets(keys: tuple[bytes, ...]) -> tuple[Fernet, ...]:
    return tuple(Fernet(k) for k in keys)


def current_fernets() -> tuple[Fernet, ...]:
    return _fernets(current_keys())


class _EncryptedMixin(library.EncryptedFieldMixin):
    @property
    def keys(self) -> list[bytes]:  # the library caches this on the field for good
        return list(current_keys())

    @property
    def f(self) -> Fernet | MultiFernet:
        fernets = current_fernets()
        return fernets[0] if len(fernets) == 1 else MultiFernet(list(fernets))

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        return super().get_prep_value(value)

    def from_db_value(self, value, expression, connection):
        result = super().from_db_value(value, expression, connection)
        if result is value and isinstance(value, str) and value.startswith(FERNET_PREFIX):
            logger.error(
                "A value of %s cannot be decrypted with the configured keys "
                "(FIELD_ENCRYPTION_KEYS, SECRET_KEY, SECRET_KEY_FALLBACKS).",
                self,
            )
        return result


class EncryptedTextField(_EncryptedMixin, models.TextField):
    pass


class EncryptedCharField(_EncryptedMixin, models.CharField):
    """Stored as text (a token is longer than its plaintext); max_length still limits
    what forms and full_clean() accept."""


# --- Re-encrypting stored values: the migrations that switch a field on, and key rotation.


@dataclass
class Tally:
    rows: int = 0
    encrypted: int = 0  # plaintext (from before the field was encrypted) now encrypted
    rotated: int = 0  # encrypted with an older key, now with the first
    unreadable: list[str] = field(default_factory=list)  # "<model> <pk> <field>"

    @property
    def changed(self) -> int:
        return self.encrypted + self.rotated


def encrypted_field_names(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, _EncryptedMixin)]


def models_with_encrypted_fields(app_registry=global_apps) -> list[type[models.Model]]:
    return [m for m in app_registry.get_models() if encrypted_field_names(m)]


def _raw(name: str) -> str:
    return f"_raw_{name}"


def reencrypt(model, *, names=None, batch_size=500, progress=None) -> Tally:
    """Make every stored value of the model's encrypted fields a token of the first key.

    Plaintext is encrypted, tokens of an older key are re-encrypted, tokens of the first
    key are left alone (so a second run writes nothing). A token no key opens is counted
    as unreadable and left as it is: re-saving it would encrypt the token itself.
    Rows are written with update(), so `updated_at` and save() side effects are untouched.
    """
    names = names or encrypted_field_names(model)
    fernets = current_fernets()
    first, every = fernets[0], MultiFernet(list(fernets))
    # The stored text itself, bypassing the field's decryption.
    raw = {_raw(n): Cast(n, output_field=models.TextField()) for n in names}
    rows = model._default_manager.order_by("pk").annotate(**raw).values_list("pk", *raw)
    tally = Tally()
    batch: list[tuple[int, dict[str, str]]] = []
    for pk, *values in rows.iterator(chunk_size=batch_size):
        tally.rows += 1
        changes = {}
        for name, value in zip(names, values, strict=True):
            if not value:
                continue
            try:
                first.decrypt(value.encode())
                continue  # already the first key's
            except InvalidToken:
                pass
            try:
                changes[name] = every.decrypt(value.encode()).decode()
                tally.rotated += 1
            except InvalidToken:
                if value.startswith(FERNET_PREFIX):
                    tally.unreadable.append(f"{model._meta.label} {pk} {name}")
                else:
                    changes[name] = value
                    tally.encrypted += 1
        if changes:
            batch.append((pk, changes))
        if len(batch) >= batch_size:
            _write(model, batch)
            batch = []
            if progress:
                progress(tally)
    _write(model, batch)
    if progress:
        progress(tally)
    return tally


def _write(model, batch) -> None:
    with transaction.atomic():
        for pk, changes in batch:
            # The field encrypts the plaintext with the first key on its way in.
            model._default_manager.filter(pk=pk).update(**changes)


def decrypt_all(model, *, names=None) -> None:
    """Write the plaintext back (reversing the migration that encrypted the fields)."""
    names = names or encrypted_field_names(model)
    raw = {_raw(n): Cast(n, output_field=models.TextField()) for n in names}
    every = MultiFernet(list(current_fernets()))
    rows = model._default_manager.order_by("pk").annotate(**raw).values_list("pk", *raw)
    with transaction.atomic():
        for pk, *values in rows.iterator(chunk_size=500):
            changes = {}
            for name, value in zip(names, values, strict=True):
                if value and value.startswith(FERNET_PREFIX):
                    try:
                        plain = every.decrypt(value.encode()).decode()
                    except InvalidToken:
                        continue
                    changes[name] = models.Value(plain, output_field=models.TextField())
            if changes:
                model._default_manager.filter(pk=pk).update(**changes)


def encrypt_existing_rows(app_label: str, model_name: str):
    """RunPython(forward, backward) for a migration that switches fields to encrypted."""

    def forward(apps, schema_editor):
        reencrypt(apps.get_model(app_label, model_name))

    def backward(apps, schema_editor):
        decrypt_all(apps.get_model(app_label, model_name))

    return forward, backward
