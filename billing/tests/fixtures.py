"""A clinic whose consultation needs a £50 deposit (the diary fixtures' open clinic)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import DepositKind, DepositRule


def money_defaults() -> None:
    """The cancellation policy the migrations publish (version 1), when a test that empties
    the database ran before (live-server tests cannot restore it)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "billing.migrations.0002_default_policy_and_immutable_ledger"
    )
    migration.add_policy(apps, None)


@pytest.fixture
def deposit_clinic(clinic):
    DepositRule.objects.create(
        appointment_type=clinic.consultation, kind=DepositKind.FIXED, value=Decimal("50.00")
    )
    return clinic
