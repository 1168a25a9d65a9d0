"""Running a coroutine from a synchronous test."""

import asyncio
import threading


def run(coroutine, timeout=20):
    """Run on a thread of its own: Playwright may already hold an event loop on this one."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(asyncio.wait_for(coroutine, timeout))
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
