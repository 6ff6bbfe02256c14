"""Money and durations as the usage and budget pages show them."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def usd(value: Decimal | float | int | str | None) -> str:
    """Dollars: cents from one dollar up; below, up to six decimals (a call often costs
    fractions of a cent), never fewer than two."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount >= 1:
        return f"{sign}${amount:,.2f}"
    if amount and amount < Decimal("0.000001"):
        return f"< {sign}$0.000001"
    whole, _, decimals = f"{amount:.6f}".partition(".")
    return f"{sign}${whole}.{decimals.rstrip('0').ljust(2, '0')}"


@register.filter
def ms(value: float | int | None) -> str:
    """Milliseconds below ten seconds, seconds above."""
    if value is None:
        return "—"
    if value >= 10_000:
        return f"{value / 1000:,.1f} s"
    return f"{value:,.0f} ms"
