"""Test support for the whole site: factories, the demo copy, shared data and the browser harness.

It sits outside every app because its factories and helpers span them all; only tests, the
root conftest.py and bench/ import it.
"""
