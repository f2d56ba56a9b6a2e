"""Password hashes: argon2id, with the parameters stored in each hash.

The default is RFC 9106's second recommended profile (64 MiB, 3 passes). A hash made
with other parameters still verifies; `needs_rehash` says when to upgrade it.
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 256


# Verified against when a username is unknown, so that the answer takes as long.
_NOBODY = "not the password of anyone"


@dataclass(frozen=True)
class Passwords:
    """How passwords are hashed and checked, made once when the server starts."""

    hasher: PasswordHasher
    nobody_hash: str

    @classmethod
    def default(cls) -> Passwords:
        return cls.with_hasher(PasswordHasher(time_cost=3, memory_cost=64 * 1024,
                                              parallelism=4))

    @classmethod
    def with_hasher(cls, hasher: PasswordHasher) -> Passwords:
        return cls(hasher, hasher.hash(_NOBODY))

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def verify_nobody(self, password: str) -> None:
        """Spend the time a real check takes (the username was unknown)."""
        self.verify(self.nobody_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why `password` cannot be used, or None."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"use at least {MIN_PASSWORD_CHARS} characters"
    if len(password) > MAX_PASSWORD_CHARS:
        return f"use at most {MAX_PASSWORD_CHARS} characters"
    return None
