"""What sending an email can raise, whichever way the clinic sends it.

Over SMTP a refusal is an `smtplib.SMTPException` and a network failure an `OSError`;
through a provider (django-anymail) a refused recipient is an `AnymailRecipientsRefused`
and an API failure an `AnymailAPIError`. Code that sends a one-off email while answering
a person (a password reset, an invitation, an erasure notice) catches these, so that the
page still answers and what was saved stays saved.
"""

import smtplib

from anymail.exceptions import AnymailError

SEND_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError, AnymailError)


def send_error_words(error: BaseException) -> str:
    """A short description of why an email was not sent, for the log and for staff."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
