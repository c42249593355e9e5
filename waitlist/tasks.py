from celery import shared_task

from .services import expire_and_offer_next


@shared_task(ignore_result=True)
def offer_freed_times() -> int:
    """Expire offers past their time and offer each open time to the next clients waiting."""
    return expire_and_offer_next()
