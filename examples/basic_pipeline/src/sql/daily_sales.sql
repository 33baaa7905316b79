-- Daily sales per region, read by the weekly report.
SELECT region, order_date, SUM(amount_cents) / 100.0 AS sales
FROM curated.orders
GROUP BY region, order_date;
