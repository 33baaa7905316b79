SELECT order_date, SUM(amount) AS total
FROM sales_orders
GROUP BY order_date;
