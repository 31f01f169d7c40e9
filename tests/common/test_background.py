"""The loop behind the senders (common/background.py): it survives a bad round and wakes on demand."""

import threading

from common.background import BackgroundLoop


def test_a_failing_round_does_not_end_the_loop_and_wake_brings_the_next_round():
    rounds = []
    third = threading.Event()

    def work() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RuntimeError("the portal answered nonsense")
        if len(rounds) == 3:
            third.set()

    loop = BackgroundLoop("test-loop", work, seconds=3600)  # only waking can bring rounds 2 and 3
    loop.start()
    try:
        for _ in range(200):
            loop.wake()
            if third.wait(0.05):
                break
        assert third.is_set()
    finally:
        loop.stop()
    assert rounds[:3] == [0, 1, 2]
    assert not any(thread.name == "test-loop" for thread in threading.enumerate())
