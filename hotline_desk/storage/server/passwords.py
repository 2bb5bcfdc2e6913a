"""Password hashing with Argon2id (argon2-cffi), 第三十五条 账号安全.

The hasher is an object the caller owns (the app factory builds one from its
settings): production uses argon2-cffi's default parameters (RFC 9106 low-memory
profile); the test suite passes the library's ``CHEAPEST`` profile to stay fast.
Hash outside database transactions: hashing is deliberately slow.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hotline_desk.core.protocol import ErrorCode, RefusedError, password_problem


def default_hasher() -> PasswordHasher:
    return PasswordHasher()


def cheapest_hasher() -> PasswordHasher:
    """Minimal-cost Argon2id, for tests only."""
    return PasswordHasher.from_parameters(profiles.CHEAPEST)


class Passwords:
    """Hash and verify account passwords; equal timing for unknown accounts."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or default_hasher()
        if self.hasher.type is not Type.ID:
            raise ValueError("only Argon2id is accepted")
        self._dummy_hash = self.hasher.hash("dummy password for unknown accounts 0")

    def hash_new(self, password: str) -> str:
        """Hash a new password after checking the password policy (RefusedError if weak)."""
        problem = password_problem(password)
        if problem is not None:
            raise RefusedError("password does not meet the policy", problem,
                               code=ErrorCode.WEAK_PASSWORD)
        return self.hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; ``None`` (no such account) costs the same and fails."""
        try:
            return self.hasher.verify(password_hash or self._dummy_hash, password) and (
                password_hash is not None)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True
