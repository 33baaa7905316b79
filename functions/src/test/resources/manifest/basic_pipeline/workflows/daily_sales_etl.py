"""Fixture workflow: the daily sales ETL."""
