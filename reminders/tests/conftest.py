"""Fixtures of the reminders tests: the stand-in Postmark API the app sends email through."""

import pytest

from .postmark_standin import SERVER_TOKEN, WEBHOOK_SECRET, PostmarkStandIn


@pytest.fixture
def postmark(settings):
    """A stand-in Postmark on 127.0.0.1, and the app set up as EMAIL_PROVIDER=postmark
    would set it (smpclinic/settings.py), pointed at the stand-in."""
    with PostmarkStandIn() as standin:
        settings.EMAIL_PROVIDER = "postmark"
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {
            "POSTMARK_SERVER_TOKEN": SERVER_TOKEN,
            "POSTMARK_API_URL": standin.url,
            "WEBHOOK_SECRET": [WEBHOOK_SECRET],
        }
        yield standin
