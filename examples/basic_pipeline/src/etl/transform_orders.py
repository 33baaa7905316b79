"""Cleans the day's orders and writes them to the curated zone."""


def transform(rows):
    """Keeps confirmed orders and normalises amounts to cents."""
    for row in rows:
        if row.get("status") != "CONFIRMED":
            continue
        yield {**row, "amount_cents": round(float(row["amount"]) * 100)}
