"""Fixture workflow: the weekly report."""
