from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def vnd(value) -> str:
    """12500 → '12.500 đồng' (Vietnamese thousands separator)."""
    try:
        amount = int(Decimal(value))
    except Exception:
        return str(value)
    return f"{amount:,}".replace(",", ".") + " đồng"
