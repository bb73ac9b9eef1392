"""Password hashing takes 64 MiB a time: sign-ins arriving together hash two at a time, whatever the threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher

from tracker import passwords


class CountingHasher(PasswordHasher):
    """The real hasher, counting how many of its checks run at once."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8192, parallelism=1)  # the same work, smaller, for a quick test
        self.lock = threading.Lock()
        self.running = self.most = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002 (argon2's own name)
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            return super().verify(hash, password)
        finally:
            with self.lock:
                self.running -= 1


def test_many_sign_ins_at_once_check_two_passwords_at_a_time(monkeypatch):
    counting = CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", counting)
    stored = passwords.hash_password("a long enough passphrase 42")
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda typed: passwords.verify_password(stored, typed),
                                ["a long enough passphrase 42", "wrong"] * 8))
    assert answers == [True, False] * 8
    assert counting.most == passwords.HASHES_AT_ONCE == 2
