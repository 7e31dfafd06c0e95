"""Shared test support: factories, personas, and the browser harness."""
