"""Checks on text from outside that every part of the app shares.

PostgreSQL cannot store or even compare text holding a NUL character, so a NUL that
reaches a query is a server error instead of a clear answer. Form fields already
refuse it (Django's CharField and DRF's CharField carry a validator for it);
addresses and query strings, which no form cleans, are refused by
smpclinic.middleware.RefuseNulCharactersMiddleware.
"""

NUL = "\x00"


def has_nul(text: str) -> bool:
    return NUL in text
