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


def test_the_wait_message_is_chinese_and_names_store_and_holder(tmp_path):
    path = tmp_path / "write.lock"
    proc = _holder(path)
    try:
        with pytest.raises(StoreError) as e:
            WriteLock(path, timeout=0.3).acquire()
        msg = str(e.value)
        assert "正在被另一个进程" in msg and f"pid {proc.pid}" in msg and str(tmp_path) in msg
        assert "请等它完成后再试" in msg and "已等待 0 秒" in msg
    finally:
        proc.kill()
        proc.wait()


def test_parsing_does_not_hold_the_lock(store_copy, tmp_path, monkeypatch):
    """Only the store step takes the lock: while a file is being parsed, another writer can get in."""
    import threading

    import index.pipeline as pipeline
    from index.pipeline import Ingestor

    src = tmp_path / "slow.txt"
    sample = os.path.join(os.path.dirname(__file__), "..", "data", "sample", "003_445335a71f9baff7.txt")
    src.write_text(open(sample, encoding="utf-8").read() + "\n附：慢文件。\n", encoding="utf-8")
    real = pipeline.parse_report
    parsing, free = threading.Event(), threading.Event()

    def slow_parse(*a, **kw):
        parsing.set()
        free.wait(30)
        return real(*a, **kw)

    monkeypatch.setattr(pipeline, "parse_report", slow_parse)
    ing = Ingestor(store_copy).warm_up()
    t = threading.Thread(target=lambda: ing.ingest([src]))
    t.start()
    assert parsing.wait(60)
    # another process's writer: a separate flock holder (the same process' lock object would be re-entrant)
    proc = subprocess.run([sys.executable, "-c", "import sys; from index.store_lock import WriteLock; "
                           "WriteLock(sys.argv[1], timeout=5).acquire(); print('got it')",
                           str(store_copy / "write.lock")], capture_output=True, text=True, timeout=60,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    free.set()
    t.join(120)
    assert proc.stdout.strip() == "got it", proc.stderr
