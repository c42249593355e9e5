"""A start-up check: the clinic's currency is one the money formats know."""

from babel.numbers import get_currency_name
from django.conf import settings
from django.core import checks


@checks.register()
def currency_is_known(app_configs=None, **kwargs):
    code = settings.CLINIC_CURRENCY
    known = len(code) == 3 and code.isalpha() and get_currency_name(code, locale="en") != code
    if known:
        return []
    return [
        checks.Error(
            f"CLINIC_CURRENCY={code!r} is not a currency.",
            hint="Set it to an ISO 4217 code, e.g. GBP, EUR or USD.",
            id="billing.E001",
        )
    ]
