"""Keeps confirmed orders only."""


def confirmed(orders):
    return [order for order in orders if order.get("status") == "CONFIRMED"]
