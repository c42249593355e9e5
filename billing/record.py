"""The client's account on the client record (clients.record)."""

from __future__ import annotations

from django.db.models import BigIntegerField

from clients.record import register_record_part
from smpclinic.prepared import Param, PreparedQuery

from .ledger import client_balance
from .models import Deposit, DepositStatus


@register_record_part
def account_part(client, *, now) -> dict:
    """Two queries: the balance, and the deposits still due."""
    return {
        "account_balance": client_balance(client),
        "deposits_due": _DEPOSITS_DUE.fetch(client=client.pk),
    }


_DEPOSITS_DUE = PreparedQuery(
    lambda: (
        Deposit.objects.filter(
            client_id=Param("client", BigIntegerField()), status=DepositStatus.DUE
        )
        .select_related("appointment__type")
        .order_by("appointment__starts_at")
    )
)
