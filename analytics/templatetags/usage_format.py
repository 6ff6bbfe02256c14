"""Money and durations as the usage and budget pages show them."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def usd(value: Decimal | float | int | str | None) -> str:
    """Dollars: cents from one cent up, else up to six decimals (calls often cost less)."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    if amount == 0:
        return "$0.00"
    if abs(amount) >= Decimal("0.01"):
        return f"${amount:,.2f}"
    text = f"{abs(amount):.6f}".rstrip("0")
    if text.endswith("."):
        return "< $0.000001"
    return f"-${text}" if amount < 0 else f"${text}"


@register.filter
def ms(value: float | int | None) -> str:
    """Milliseconds below ten seconds, seconds above."""
    if value is None:
        return "—"
    if value >= 10_000:
        return f"{value / 1000:,.1f} s"
    return f"{value:,.0f} ms"
