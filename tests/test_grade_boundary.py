"""The grader's side of the trust boundary, without a kernel (tools/remote.py, tools/kernel_side.py).

What crosses from the student's kernel is JSON text; the grader rebuilds
plain data from it and refuses everything else with a sentence. The
kernel-side encoder is run here in this process, on the kinds of answers
the checks receive.
"""

from __future__ import annotations

import csv
import json
import math
import os
import resource
import signal
import subprocess
import sys
import types

import numpy as np
import pytest

from gdcore.autodiff import Value
from gdcore.checks._core import exercise, failed, passed, private_scope
from tools import remote
from tools.grade import KERNEL_SIDE
from tools.sandbox import FILE_SIZE_MB, Limits


@pytest.fixture(scope="module")
def kernel_side():
    module = types.ModuleType("_gdgrade_test")
    exec(compile(KERNEL_SIDE.read_text(), str(KERNEL_SIDE), "exec"), module.__dict__)
    return module


def roundtrip(kernel_side, value, tracked=()):
    text = json.dumps(kernel_side._Encoder(tracked)(value), allow_nan=False)
    return remote._Decoder(tracked)(remote.parse_reply(text))


def test_plain_data_crosses_as_itself(kernel_side):
    value = {"a": [1, 2.5, None, True, "x"], (1, 2): (np.float64(0.5), np.int64(3), np.bool_(True))}
    assert roundtrip(kernel_side, value) == {"a": [1, 2.5, None, True, "x"], (1, 2): (0.5, 3, True)}
    array = roundtrip(kernel_side, np.array([[1.0, math.nan], [math.inf, -2.0]]))
    assert array.dtype == np.float64 and array.shape == (2, 2) and np.isnan(array[0, 1]) and array[1, 0] == math.inf
    assert roundtrip(kernel_side, (x * x for x in range(4))) == [0, 1, 4, 9]  # a generator, as a list


def test_a_subclass_or_an_object_is_refused_with_feedback(kernel_side):
    class Liar(float):
        def __eq__(self, other):
            return True

    for answer in (Liar(0.3), object(), np.array(["a"]), np.arange(3.0).view(type("Sub", (np.ndarray,), {}))):
        with pytest.raises(remote.AnswerError) as caught:
            roundtrip(kernel_side, answer)
        assert caught.value.feedback.startswith("The grader cannot accept your answer: it is ")


def test_autodiff_nodes_are_rebuilt_and_passed_nodes_come_back_as_themselves(kernel_side):
    v = Value(0.5, "v")
    out = Value(2.0, parents=(v,), local_grads=(0.25,), op="softplus")
    got = roundtrip(kernel_side, {"out": out, "v": v}, tracked=[v])
    assert got["v"] is v and got["out"] is not out
    assert got["out"].parents == (v,) and got["out"].local_grads == (0.25,) and got["out"].data == 2.0


@pytest.mark.parametrize("text", [
    "NaN", '{"$float": "1e400"}', '{"$ref": 0}', '{"$callable": 3}', '{"a": 1}', '{"$tuple": 1}',
    '{"$array": {"dtype": "object", "shape": [1], "data": [1]}}',
    '{"$array": {"dtype": "float64", "shape": [3], "data": [1.0]}}',
    '{"$array": {"dtype": "int64", "shape": [1], "data": [true]}}',
    '{"$value": {"id": 0, "data": "1", "grad": 0, "label": "", "op": "", "local_grads": [], "parents": []}}',
    "[" * 300 + "]" * 300, "not json",
])
def test_anything_else_from_the_kernel_is_refused(text):
    with pytest.raises(remote.AnswerError):
        remote._Decoder()(remote.parse_reply(text))


def test_the_student_functions_exceptions_keep_their_names():
    assert type(remote.student_exception("NotImplementedError", "Exercise 1.1")) is NotImplementedError
    assert type(remote.student_exception("ZeroDivisionError", "x")) is ZeroDivisionError
    custom = remote.student_exception("MyError", "mine")
    assert type(custom).__name__ == "MyError" and isinstance(custom, RuntimeError)
    assert not isinstance(remote.student_exception("SystemExit", "0"), SystemExit)


def test_a_changed_argument_is_copied_back_onto_the_checks_array(kernel_side):
    theta = np.array([1.0, 2.0])
    kernel_copy = theta.copy()
    kernel_copy[0] = 9.0  # the student's function changed its argument in place
    remote.apply_state(theta, json.loads(json.dumps(kernel_side._state(kernel_copy, kernel_side._Encoder()))))
    assert theta.tolist() == [9.0, 2.0]


def test_a_private_scope_registers_and_records_apart_from_the_book():
    with private_scope() as (exercises, results):
        @exercise("0.1-scoped", "scoped")
        def check(x):
            return passed("ok") if x == 1 else failed("no")

        assert check(1).passed and "0.1-scoped" in exercises and results["0.1-scoped"].passed
    from gdcore.checks import EXERCISES, RESULTS
    assert "0.1-scoped" not in EXERCISES and "0.1-scoped" not in RESULTS


class StuckPollChannel:
    """A shell channel whose first poll misses its wake-up (nbclient issue #312): the message
    is ready after ``ready_after`` seconds, but the poll that was waiting then sleeps on."""

    def __init__(self, ready_after: float):
        import time

        self.ready_at = time.monotonic() + ready_after
        self.polls = 0

    async def get_msg(self, timeout=None):
        import asyncio
        import time
        from queue import Empty

        self.polls += 1
        if time.monotonic() >= self.ready_at:
            return {"msg_type": "execute_reply"}
        await asyncio.sleep(timeout)  # the wake-up is lost: the poll runs to its end
        raise Empty


def run_alone(make_coroutine):
    """Run a coroutine to its end in a thread of its own (a test run may already have a loop running here)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def test_a_reply_whose_wake_up_was_lost_is_read_within_a_slice():
    import time

    from tools.grade import SHELL_POLL_SLICE, wait_for_replies_in_slices

    channel = StuckPollChannel(ready_after=0.1)
    wait_for_replies_in_slices(channel)
    start = time.monotonic()
    assert run_alone(lambda: channel.get_msg(timeout=30)) == {"msg_type": "execute_reply"}
    assert time.monotonic() - start < 10 * SHELL_POLL_SLICE  # a slice or two (slack for a busy machine), not 30 s


def test_a_reply_that_never_comes_still_times_out_at_the_limit():
    import time
    from queue import Empty

    from tools.grade import SHELL_POLL_SLICE, wait_for_replies_in_slices

    channel = StuckPollChannel(ready_after=60)
    wait_for_replies_in_slices(channel)
    start = time.monotonic()
    with pytest.raises(Empty):
        run_alone(lambda: channel.get_msg(timeout=0.6))
    assert 0.6 <= time.monotonic() - start < 10 * SHELL_POLL_SLICE and channel.polls >= 3



LIMITED = """\
import resource, sys
print(*(resource.getrlimit(getattr(resource, name))[0] for name in sys.argv[1:]))
"""


def test_a_kernel_runs_under_the_sandbox_limits():
    limits = Limits(memory_mb=300, cpu_seconds=1, processes=40)
    names = ["RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_CORE", "RLIMIT_NPROC"]
    shown = subprocess.run([sys.executable, "-c", LIMITED, *names], preexec_fn=limits.apply,
                           capture_output=True, text=True, check=True).stdout.split()
    processes = 40 if os.geteuid() != 0 else resource.getrlimit(resource.RLIMIT_NPROC)[0]  # root is exempt
    assert [int(v) for v in shown] == [300 * 2**20, 1, FILE_SIZE_MB * 2**20, 0, processes]
    # and the system enforces them: a loop that never ends is stopped after a second of CPU
    looping = subprocess.run([sys.executable, "-c", "while True: pass"], preexec_fn=limits.apply, timeout=60)
    assert looping.returncode == -signal.SIGXCPU


def test_a_students_text_is_one_inert_line_in_the_table_the_gradebook_and_the_summary(tmp_path):
    from tools import grade

    text = "=HYPERLINK(\"http://evil.example\")\nalice  1.1  1/1  yes\x1b[2K ![x](https://evil.example/t.png) <img>|"
    report = grade.NotebookReport("01_x.ipynb", "01_x", student="=bob\nmallory")
    report.rows.append(grade.Row("01_x.ipynb", "01_x", "1.1", "t", 1.0, 0.0, "failed", text, "=bob\nmallory"))
    table = grade.table([report])
    assert len(table.splitlines()) == 3 and "\x1b" not in table  # header, rule, one row
    summary = grade.markdown([report], grade.totals([report]))
    assert "![x](" not in summary and "<img>" not in summary and "\x1b" not in summary
    assert summary.splitlines()[-1].count(" | ") == 4  # the row's five cells, the bar in the text escaped
    grade.write_class([report], tmp_path)
    with (tmp_path / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["student"], r["feedback"][:12]) for r in rows] == [("'=bob mallory", "'=HYPERLINK(")]
    assert "\n" not in rows[0]["feedback"]
    assert grade.CHECK_ID.fullmatch("1.2-private") and not grade.CHECK_ID.fullmatch("=HYPERLINK(1)")


def test_a_kernel_that_is_not_installed_is_a_sentence():
    from tools import grade

    with pytest.raises(LookupError, match="no Jupyter kernel named 'no-such-kernel' is installed"):
        grade.pinned_kernel_manager("no-such-kernel")
    manager = grade.pinned_kernel_manager()
    assert manager(kernel_name="python3").kernel_spec is manager(kernel_name="python3").kernel_spec  # read once
