"""Amounts in the clinic's currency: the clinic-wide helpers (smpclinic.money), here for
money's own modules."""

from smpclinic.money import CENT, currency, money, to_amount

__all__ = ["CENT", "currency", "money", "to_amount"]
