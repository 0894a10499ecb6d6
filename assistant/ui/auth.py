"""Login for the app, opt-in: users come from env ASSISTANT_USERS="alice:pw1,bob:pw2" or a file with one
`user:password` per line (# comments). A password may be given as `sha256:<hex>` so the file need not hold it
in clear. With no users configured the app has no login (it binds 127.0.0.1 by default)."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import threading
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Callable, Optional

from index.errors import ConfigError

log = logging.getLogger(__name__)


def parse_users(text: str, source: str = "ASSISTANT_USERS") -> dict[str, str]:
    users: dict[str, str] = {}
    for n, raw in enumerate(text.replace(",", "\n").splitlines(), 1):
        item = raw.strip()
        if not item or item.startswith("#"):
            continue
        user, sep, pw = item.partition(":")
        if not sep or not user.strip() or not pw:
            raise ConfigError(f"{source}: entry {n} is not user:password ({item[:20]!r}); fix or remove it")
        users[user.strip()] = pw.strip()
    return users


def load_users(file: Optional[str | os.PathLike] = None, env: Optional[dict] = None) -> dict[str, str]:
    """Users from `file` (or env ASSISTANT_USERS_FILE), plus env ASSISTANT_USERS."""
    env = os.environ if env is None else env
    users: dict[str, str] = {}
    file = file or env.get("ASSISTANT_USERS_FILE")
    if file:
        p = Path(file).expanduser()
        if not p.is_file():
            raise ConfigError(f"{p}: users file not found; create it with one user:password per line")
        users.update(parse_users(p.read_text(encoding="utf-8"), source=str(p)))
    if env.get("ASSISTANT_USERS"):
        users.update(parse_users(env["ASSISTANT_USERS"]))
    return users


def _matches(stored: str, given: str) -> bool:
    if stored.startswith("sha256:"):
        return hmac.compare_digest(stored[7:].lower(), hashlib.sha256(given.encode("utf-8")).hexdigest())
    return hmac.compare_digest(stored.encode("utf-8"), given.encode("utf-8"))


MAX_FAILURES = int(os.environ.get("ASSISTANT_LOGIN_MAX_FAILURES", "5"))
LOCKOUT_SECONDS = float(os.environ.get("ASSISTANT_LOGIN_LOCKOUT_SECONDS", "300"))


def checker(users: dict[str, str], clock: Callable[[], float] = time.monotonic) -> Optional[Callable[[str, str], bool]]:
    """Gradio's `auth=` callable, or None when no users are configured (no login). A name with MAX_FAILURES
    wrong passwords within LOCKOUT_SECONDS is refused, even with the right one, until the window has passed:
    guessing a password through the login form takes years, not minutes."""
    if not users:
        return None
    failures: dict[str, deque] = defaultdict(deque)
    lock = threading.Lock()

    def check(user: str, password: str) -> bool:
        now = clock()
        with lock:
            recent = failures[user]
            while recent and now - recent[0] > LOCKOUT_SECONDS:
                recent.popleft()
            if len(recent) >= MAX_FAILURES:
                log.warning("login: %r locked out after %d failures", user, len(recent))
                return False
        stored = users.get(user)
        ok = stored is not None and _matches(stored, password or "")
        if not ok:
            with lock:
                failures[user].append(now)
        return ok

    return check
