"""Code the bench scripts share; nothing here is a benchmark of its own."""
