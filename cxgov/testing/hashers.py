"""A password hasher for the test suite: Django's PBKDF2, one round instead of a million."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneRoundPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """The production algorithm and stored format at a cost the suite can pay thousands of times.

    Hashes stored with the full count still verify: the count is read from the stored hash.
    """

    iterations = 1
