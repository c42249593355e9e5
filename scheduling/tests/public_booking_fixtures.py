"""The online booking form as a visitor fills it in, shared by the booking tests."""

import datetime as dt

from django.urls import reverse

from scheduling.public_forms import format_start


def details_url(start: dt.datetime, slug: str = "consultation") -> str:
    return reverse("booking:details", args=[slug, format_start(start)])


def details(when: dt.datetime, **overrides) -> dict:
    data = {
        "start": format_start(when),
        "first_name": "Daniel",
        "last_name": "Whitaker",
        "email": "Dan.Whitaker@Example.com",
        "phone": "07911 123456",
        "note": "Thinning at the crown since 2019.",
        "contact_consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
