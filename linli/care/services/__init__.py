"""Business rules of the care app, one module per part: ``access`` (who may, health notes), ``recipients``,
``plans`` (periods, alerts, due and missed, rates), ``visits``, ``errands``, ``hotline``, ``helps``,
``figures``.  Views, tasks, the demo and tests all call these functions."""

from .access import CareError

__all__ = ["CareError"]
