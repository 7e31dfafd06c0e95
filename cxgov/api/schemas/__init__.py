"""Shapes of what the API sends and receives, one module per router."""
