from celery import shared_task

from .deposits import release_unpaid


@shared_task(ignore_result=True)
def release_unpaid_deposits() -> int:
    """Release the online bookings whose deposit was not paid in time."""
    return release_unpaid()
