"""The single-writer lock: exclusive across processes, re-entrant in one thread, gone when its holder dies."""
import os
import signal
import subprocess
import sys
import time

import pytest

from index.errors import StoreError
from index.store_lock import WriteLock

HOLD = ("import sys, time; from index.store_lock import WriteLock; WriteLock(sys.argv[1]).acquire(); "
        "print('held', flush=True); time.sleep(60)")


def _holder(path):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True,
                            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_another_process_holding_the_lock_is_named(tmp_path):
    path = tmp_path / "write.lock"
    proc = _holder(path)
    try:
        with pytest.raises(StoreError, match=f"pid {proc.pid}"):
            WriteLock(path, timeout=0.3).acquire()
    finally:
        proc.kill()
        proc.wait()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    path = tmp_path / "write.lock"
    proc = _holder(path)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    t = time.perf_counter()
    with WriteLock(path, timeout=5):
        assert time.perf_counter() - t < 1
        assert path.read_text() == str(os.getpid())


def test_reentrant_in_one_thread(tmp_path):
    lock = WriteLock(tmp_path / "write.lock", timeout=0.3)
    with lock:
        with lock:  # ingest → delete → chain checks all take it
            pass
        with pytest.raises(StoreError):
            WriteLock(tmp_path / "write.lock", timeout=0.3).acquire()  # still held by the outer block
    with WriteLock(tmp_path / "write.lock", timeout=0.3):
        pass
