from django import template

from ..money import yuan as _yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Integer fen shown as yuan with two decimals."""
    try:
        return _yuan(int(fen))
    except (TypeError, ValueError):
        return ""
