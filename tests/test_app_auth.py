"""assistant/ui/auth.py: opt-in login users from env or a file."""
import hashlib

import pytest

from assistant.ui import auth
from index.errors import ConfigError


def test_no_users_means_no_login():
    assert auth.load_users(env={}) == {}
    assert auth.checker({}) is None


def test_env_users_checked():
    users = auth.load_users(env={"ASSISTANT_USERS": "alice:pw1, bob:p:w2"})
    assert users == {"alice": "pw1", "bob": "p:w2"}
    check = auth.checker(users)
    assert check("alice", "pw1") and check("bob", "p:w2")
    assert not check("alice", "pw2") and not check("carol", "pw1")


def test_file_users_with_hash_and_comments(tmp_path):
    f = tmp_path / "users.txt"
    f.write_text("# staff\nzhang:sha256:" + hashlib.sha256(b"s3cret").hexdigest() + "\n\nli:plain\n", encoding="utf-8")
    check = auth.checker(auth.load_users(f, env={}))
    assert check("zhang", "s3cret") and not check("zhang", "sha256:x")
    assert check("li", "plain")


def test_bad_entries_name_the_source(tmp_path):
    with pytest.raises(ConfigError, match="ASSISTANT_USERS"):
        auth.load_users(env={"ASSISTANT_USERS": "alice"})
    with pytest.raises(ConfigError, match="not found"):
        auth.load_users(tmp_path / "missing.txt", env={})


def test_repeated_wrong_passwords_lock_the_name_for_a_while():
    now = [1000.0]
    check = auth.checker({"alice": "pw1", "bob": "pw2"}, clock=lambda: now[0])
    for _ in range(auth.MAX_FAILURES):
        assert not check("alice", "guess")
    assert not check("alice", "pw1")  # locked: the right password is refused too
    assert check("bob", "pw2")  # other names are not affected
    now[0] += auth.LOCKOUT_SECONDS + 1
    assert check("alice", "pw1")  # the window has passed
