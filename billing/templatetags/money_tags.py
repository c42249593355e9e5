from django import template

from billing.money import money as format_money

register = template.Library()


@register.filter
def money(amount):
    """An amount in the clinic's currency, e.g. £1,250.00."""
    return format_money(amount)
