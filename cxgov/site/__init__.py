"""Whole-site assembly: the demo and the commands that span every app.

The one place allowed to import every app, so that core and the domain apps never import each
other to put the site together (docs/decisions/0012-core-owns-agencies-and-site-assembles.md).
"""
