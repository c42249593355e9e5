"""Fuzzing fixtures: the clinic of the permission sweep, rate limits out of the way."""

import re

import pytest
from django.core.cache import cache
from hypothesis import strategies as st

from smpclinic.tests.sweep_fixtures import build_clinic


@pytest.fixture
def clinic(people, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fuzz"}
    }
    settings.BOOKING_RATE_LIMIT = "100000/h"
    cache.clear()
    yield build_clinic(people, settings)
    cache.clear()


# Text people and robots send: every plane of unicode (NUL, other control characters,
# right-to-left marks, emoji, combining marks, lone newlines), and very long strings.
SPECIAL = [
    "\x00",
    "a\x00b",
    "\u202eevil",
    "\u200f\u200e",
    "😀👩🏽‍🦲",
    "\r\n\n",
    "\ufeff",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%s%n",
    "x" * 10_000,
    "é" * 5_000,
]
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(SPECIAL),
    # 10 000 characters, repeating a short random piece.
    st.text(alphabet="ab \x00\n😀\u202e", min_size=1, max_size=5).map(
        lambda piece: (piece * 10_000)[:10_000]
    ),
)
# What a form post can carry: text, numbers, several values for one name (a list),
# a JSON object written as text.
form_value = st.one_of(
    nasty_text,
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
    st.lists(nasty_text, min_size=2, max_size=3),
    st.just('{"first_name": {"$ne": null}}'),
    st.just(""),
)
json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | nasty_text,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)

_FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)
_TYPE = re.compile(r'\btype="([^"]+)"', re.I)


def field_names(html: str) -> list[str]:
    """The names a page's form sends, file inputs and the CSRF token left out."""
    names = []
    for tag in re.finditer(r"<(?:input|select|textarea)\b[^>]*>", html, re.I):
        markup = tag.group(0)
        name = _FIELD.search(markup)
        kind = _TYPE.search(markup)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if kind and kind.group(1).lower() in {"file", "submit"}:
            continue
        if name.group(1) not in names:
            names.append(name.group(1))
    return names


@st.composite
def form_posts(draw, names: list[str], valid: dict | None = None):
    """Form data for these field names: each missing, fuzzed or (if given) left valid."""
    data = {}
    for name in names:
        choice = draw(st.sampled_from(["fuzz", "fuzz", "missing", "valid"]))
        if choice == "missing":
            continue
        if choice == "valid" and valid and name in valid:
            data[name] = valid[name]
        else:
            data[name] = draw(form_value)
    return data
