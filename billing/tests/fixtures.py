"""A clinic whose consultation needs a £50 deposit (the diary fixtures' open clinic)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import DepositKind, DepositRule


@pytest.fixture
def deposit_clinic(clinic):
    DepositRule.objects.create(
        appointment_type=clinic.consultation, kind=DepositKind.FIXED, value=Decimal("50.00")
    )
    return clinic
