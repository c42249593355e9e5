"""Whole-number scales the clinic records (Norwood 1–7, 2–5 sessions, density 1–5).

Each scale is defined once, next to the model that stores it; the model's validators,
its database constraint, the form's choices and the services' checks all read that one
definition, so the numbers and the words for a value outside them cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import CheckConstraint, Q

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def roman(value: int) -> str:
    """How clinicians write Ludwig stages and Fitzpatrick skin types: I, II, III…"""
    return ROMAN[value - 1]


@dataclass(frozen=True)
class Scale:
    low: int
    high: int
    # The words for a value outside the scale; "{low}" and "{high}" (or "{low_roman}" and
    # "{high_roman}") are filled in.
    wording: str

    @property
    def message(self) -> str:
        values = {"low": self.low, "high": self.high}
        if "_roman}" in self.wording:
            values.update(low_roman=roman(self.low), high_roman=roman(self.high))
        return self.wording.format(**values)

    @property
    def values(self) -> range:
        return range(self.low, self.high + 1)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value in self.values

    def worded(self, wording: str) -> Scale:
        """The same scale with other words (e.g. an estimate rather than a plan)."""
        return Scale(self.low, self.high, wording)

    def choices(self, label: Callable[[int], str] = str) -> list[tuple[int, str]]:
        return [(value, label(value)) for value in self.values]

    def validators(self) -> list:
        return [
            MinValueValidator(self.low, message=self.message),
            MaxValueValidator(self.high, message=self.message),
        ]

    def condition(self, field: str, *, optional: bool = False) -> Q:
        within = Q(**{f"{field}__gte": self.low}) & Q(**{f"{field}__lte": self.high})
        return Q(**{f"{field}__isnull": True}) | within if optional else within

    def constraint(self, field: str, *, name: str, optional: bool = False) -> CheckConstraint:
        return CheckConstraint(
            condition=self.condition(field, optional=optional),
            name=name,
            violation_error_message=self.message,
        )
