"""Money's messages: declared here and registered with the outbox from BillingConfig.ready().

(The release of an unpaid booking is told by the diary's own cancellation message, with
its reason.)
"""

from __future__ import annotations


def register() -> None:
    """No kinds of its own yet."""
