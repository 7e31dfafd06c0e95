#!/usr/bin/env python
"""Django's command-line utility; `cxgov` is the same thing installed as a console script."""

from cxgov.core.cli import main

if __name__ == "__main__":
    main()
