"""The store's single-writer lock: `fcntl.flock` on <store>/write.lock.

Ingest, delete and metadata corrections take it for their whole run, so two writers (two CLI ingests, the
app's upload and a CLI ingest) never interleave Chroma and SQLite writes. Readers never take it. The kernel
drops the lock when its holder dies, so a killed ingest never leaves the store locked.
"""
from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

from index.errors import StoreError


class WriteLock:
    def __init__(self, path: Path | str, timeout: float = 60.0):
        self.path = Path(path)
        self.timeout = timeout
        self._fd: int | None = None
        self._depth = 0  # re-entrant within one thread (ingest → delete → chain checks)
        self._thread = threading.RLock()  # flock is per open file: threads of one process queue here first

    def holder(self) -> str:
        try:
            return self.path.read_text().strip() or "?"
        except OSError:
            return "?"

    def acquire(self) -> "WriteLock":
        if not self._thread.acquire(timeout=self.timeout):
            raise StoreError(f"资料库 {self.path.parent} 正在被本进程的另一项任务写入，已等待 {self.timeout:.0f} 秒；"
                             f"请等它完成后再试 (another thread of this process is writing to this store)")
        if self._depth:
            self._depth += 1
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    self._thread.release()
                    raise StoreError(f"资料库 {self.path.parent} 正在被另一个进程（pid {self.holder()}）写入（导入或删除报告），"
                                     f"已等待 {self.timeout:.0f} 秒；请等它完成后再试 "
                                     f"(another process is writing to this store)")
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd, self._depth = fd, 1
        return self

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        self._thread.release()

    def __enter__(self) -> "WriteLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
