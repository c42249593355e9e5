from django import template

from smpclinic.money import money as format_money

register = template.Library()


@register.filter
def money(amount, code=None):
    """An amount in the clinic's currency (or `code`'s), e.g. £1,250.00."""
    return format_money(amount, code or None)
