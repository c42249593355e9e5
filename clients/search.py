"""How client records are found: one normalised text column and the terms typed."""

import re

import phonenumbers
from phonenumber_field.phonenumber import to_python

_PHONE_CHARS = re.compile(r"^[\d\s+().\-]+$")


def _phone_digit_forms(phone) -> list[str]:
    """E.164 digits and the national digits, so both 4477… and 077… match."""
    phone = to_python(phone)
    if not phone:
        return []
    if not phone.is_valid():
        return [re.sub(r"\D", "", str(phone.raw_input or ""))]
    e164 = phone.as_e164.lstrip("+")
    national = phonenumbers.format_number(phone, phonenumbers.PhoneNumberFormat.NATIONAL)
    return [e164, re.sub(r"\D", "", national)]


def search_text_for(*, first_name: str, last_name: str, email: str, phone) -> str:
    parts = [first_name, last_name, email, *_phone_digit_forms(phone)]
    return " ".join(p.strip().lower() for p in parts if p)[:600]


def search_terms(query: str) -> list[str]:
    """Turn what was typed into the fragments every match must contain.

    Something that looks like a phone number ("07911 123 123", "+44 7700…") is one
    term of digits; anything else is split into words.
    """
    query = (query or "").replace("\x00", "").strip()
    if not query:
        return []
    if _PHONE_CHARS.match(query) and sum(c.isdigit() for c in query) >= 3:
        # Both the E.164 digits and the national digits (with the leading 0)
        # are stored, so the digits as typed match either way of writing it.
        return [re.sub(r"\D", "", query)]
    return [word.lower() for word in query.split()][:6]
