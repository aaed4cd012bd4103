"""The grader's side of the trust boundary: the student's answers as plain data and proxies.

The grader's checks run in the grader's process. A student's function stays
in the student's kernel; the check gets a :class:`RemoteFunction`, whose call
sends the arguments there (a pickle: trusted data going to the untrusted
side) and reads the result back as JSON text (``tools/kernel_side.py``).
Every reply is decoded strictly (:func:`decode`): numbers, strings, lists,
tuples, dicts, numeric numpy arrays and the book's autodiff ``Value`` nodes,
built afresh in this process; anything else (a ``float`` subclass, an
object of the student's class, text that is not such JSON) is refused with
a sentence that the check turns into feedback. Nothing the student's code
does inside its kernel reaches the check's own code, numbers or points.
"""

from __future__ import annotations

import ast
import asyncio
import base64
import builtins
import json
import math
import pickle

import numpy as np

REPLY_LIMIT = 64 * 1024 * 1024  # characters of one reply
CALL_TIMEOUT = 60.0  # seconds one call of a student's function may take


class AnswerError(TypeError):
    """An answer the grader cannot accept as plain data."""

    @property
    def feedback(self) -> str:  # the check's failed sentence (gdcore.checks._core)
        return f"The grader cannot accept your answer: {self}."


class KernelGone(RuntimeError):
    """The student's kernel died (or stopped answering) while the grader asked it something."""

    @property
    def feedback(self) -> str:
        return f"Your kernel could not answer the check: {self}."


# --------------------------------------------------------------------------- decoding what the kernel says


def _value_class():
    from gdcore.autodiff import Value

    return Value


def _float(text: str) -> float:
    if text not in ("nan", "inf", "-inf"):
        raise AnswerError(f"a number tagged as {text!r}")
    return float(text)


class _Decoder:
    def __init__(self, tracked=(), handles=None):
        self.tracked = list(tracked)
        self.handles = handles  # a function handle -> RemoteFunction, or None to refuse functions
        self.nodes: dict[int, object] = {}

    def __call__(self, x, depth=0):
        if depth > 200:
            raise AnswerError("a structure nested more than 200 deep")
        if x is None or type(x) in (bool, int, str):
            return x
        if type(x) is float:
            return x
        if type(x) is list:
            return [self(v, depth + 1) for v in x]
        if type(x) is not dict or len(x) != 1:
            raise AnswerError(f"an unexpected reply ({type(x).__name__})")
        (tag, body), = x.items()
        if tag == "$float" and type(body) is str:
            return _float(body)
        if tag == "$tuple" and type(body) is list:
            return tuple(self(v, depth + 1) for v in body)
        if tag == "$dict" and type(body) is list:
            out = {}
            for pair in body:
                if type(pair) is not list or len(pair) != 2:
                    raise AnswerError("a dict entry that is not a pair")
                key = self(pair[0], depth + 1)
                try:
                    out[key] = self(pair[1], depth + 1)
                except TypeError:
                    raise AnswerError("a dict whose key cannot be a key") from None
            return out
        if tag == "$array" and type(body) is dict:
            return self.array(body)
        if tag == "$ref" and type(body) is int and 0 <= body < len(self.tracked):
            return self.tracked[body]
        if tag == "$value" and type(body) is dict:
            return self.value(body, depth)
        if tag == "$node" and type(body) is int and body in self.nodes:
            return self.nodes[body]
        if tag == "$callable" and type(body) is int and self.handles is not None:
            return self.handles(body)
        if tag == "$unsupported" and type(body) is str:
            raise AnswerError(f"it is {body[:200]}, which the grader does not accept: use numbers, strings, "
                              "lists, tuples, dicts or numpy arrays of numbers")
        if tag == "$error" and type(body) is list and len(body) == 2 and all(type(s) is str for s in body):
            raise student_exception(*body)
        raise AnswerError(f"an unexpected reply (tag {tag[:40]!r})")

    def array(self, body):
        if set(body) != {"dtype", "shape", "data"} or body["dtype"] not in ("bool", "int64", "float64"):
            raise AnswerError("a malformed array")
        shape = body["shape"]
        if type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape) or len(shape) > 32:
            raise AnswerError("an array with a malformed shape")
        data = body["data"]
        if type(data) is not list or len(data) != math.prod(shape):
            raise AnswerError("an array whose data do not fill its shape")
        kinds = {"bool": (bool,), "int64": (int,), "float64": (float, int)}[body["dtype"]]
        values = []
        for v in data:
            if type(v) is dict and body["dtype"] == "float64" and set(v) == {"$float"} and type(v["$float"]) is str:
                v = _float(v["$float"])
            if type(v) not in kinds or (body["dtype"] == "int64" and type(v) is bool):
                raise AnswerError("an array with an element of the wrong type")
            values.append(v)
        try:
            return np.array(values, dtype=body["dtype"]).reshape(shape)
        except (OverflowError, ValueError):
            raise AnswerError("an array whose numbers do not fit its dtype") from None

    def value(self, body, depth):
        Value = _value_class()
        keys = {"id", "data", "grad", "label", "op", "local_grads", "parents"}
        if set(body) != keys or type(body["id"]) is not int or type(body["label"]) is not str \
                or type(body["op"]) is not str or type(body["parents"]) is not list \
                or type(body["local_grads"]) is not list:
            raise AnswerError("a malformed autodiff node")
        numbers = [self.number(body["data"]), self.number(body["grad"])]
        local = [self.number(g) for g in body["local_grads"]]
        parents = tuple(self(p, depth + 1) for p in body["parents"])
        if not all(type(p) is Value for p in parents):
            raise AnswerError("an autodiff node whose parent is not a node")
        node = Value(numbers[0], body["label"], parents=parents, local_grads=local, op=body["op"])
        node.grad = numbers[1]
        self.nodes[body["id"]] = node
        return node

    def number(self, x):
        x = self(x, 0) if type(x) is dict else x
        if type(x) not in (float, int) or type(x) is bool:
            raise AnswerError("a number that is not a number")
        return float(x)


def parse_reply(text) -> object:
    """The JSON text of a reply, as JSON values (no Python object but str, int, float, bool, None, list, dict)."""
    if type(text) is not str or len(text) > REPLY_LIMIT:
        raise AnswerError("a reply that is not text, or too long")

    def no_constants(name):
        raise AnswerError(f"a reply with {name}")

    try:
        return json.loads(text, parse_constant=no_constants)
    except (ValueError, RecursionError):
        raise AnswerError("a reply that is not JSON") from None


_EXCEPTIONS = {name: getattr(builtins, name) for name in dir(builtins)
               if isinstance(getattr(builtins, name), type) and issubclass(getattr(builtins, name), Exception)}


def student_exception(name: str, message: str) -> Exception:
    """The exception the student's function raised, rebuilt here by its name (a builtin's own class)."""
    cls = _EXCEPTIONS.get(name)
    if cls is None or name in ("SystemExit", "KeyboardInterrupt", "GeneratorExit"):
        safe = name if name.isidentifier() else "Exception"
        cls = type(safe, (RuntimeError,), {})
    try:
        return cls(message)
    except Exception:  # an exception class with required arguments (UnicodeDecodeError, ...)
        return type(name, (RuntimeError,), {})(message)


# --------------------------------------------------------------------------- encoding what the grader sends


def tracked_objects(args, kwargs) -> list:
    """The arrays and autodiff nodes among the arguments: the kernel reports their state after a call."""
    Value = _value_class()
    found, seen = [], set()

    def walk(x, depth=0):
        if id(x) in seen or depth > 100:
            return
        if isinstance(x, np.ndarray) or isinstance(x, Value):
            seen.add(id(x))
            found.append(x)
            if isinstance(x, Value):
                for p in x.parents:
                    walk(p, depth + 1)
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v, depth + 1)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v, depth + 1)

    for a in list(args) + list(kwargs.values()):
        walk(a)
    return found


def apply_state(obj, state) -> None:
    """Copy a change the student's function made to an argument back onto the grader's object."""
    if state is None:
        return
    if isinstance(obj, np.ndarray):
        after = _Decoder()(state)
        if not isinstance(after, np.ndarray) or after.shape != obj.shape:
            raise AnswerError("an argument whose shape changed")
        if obj.flags.writeable:
            np.copyto(obj, after, casting="unsafe")
        return
    if type(state) is not dict or set(state) != {"data", "grad"}:
        raise AnswerError("a malformed node state")
    decode = _Decoder()
    obj.data, obj.grad = decode.number(state["data"]), decode.number(state["grad"])


# --------------------------------------------------------------------------- the kernel, across the boundary


class Kernel:
    """Ask the student's kernel for answers (from a worker thread; the kernel client lives in ``loop``)."""

    def __init__(self, client, loop: asyncio.AbstractEventLoop, timeout: float = CALL_TIMEOUT):
        self.client = client  # an nbclient NotebookClient with a running kernel
        self.loop = loop
        self.timeout = timeout
        self.dead = False

    async def _ask(self, expression: str, timeout: float, interrupt: bool = True) -> object:
        kc = self.client.kc
        msg_id = kc.execute("", silent=True, store_history=False, user_expressions={"r": expression})
        try:
            reply = await asyncio.wait_for(self._reply(msg_id), timeout)
        except asyncio.TimeoutError:
            if not interrupt:  # the grader's own request: the kernel is slow, not running the student's code
                raise TimeoutError(f"the kernel did not answer within {timeout:g} s") from None
            await _maybe_await(self.client.km.interrupt_kernel())
            try:
                await asyncio.wait_for(self._reply(msg_id), 10)
            except asyncio.TimeoutError:
                self.dead = True
                raise KernelGone("the kernel stopped answering") from None
            raise TimeoutError(f"the function did not return within {self.timeout:g} s") from None
        return expression_value(reply, "r")

    async def _reply(self, msg_id: str):
        while True:
            if not await _maybe_await(self.client.km.is_alive()):
                self.dead = True
                raise KernelGone("the kernel died")
            try:
                msg = await self.client.kc.shell_channel.get_msg(timeout=1)
            except Exception:  # queue.Empty, under whichever name the client raises it
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg

    def ask(self, expression: str, timeout: float | None = None) -> object:
        """The JSON reply to ``expression`` (evaluated in the kernel), from a worker thread."""
        if self.dead:
            raise KernelGone("the kernel died")
        future = asyncio.run_coroutine_threadsafe(self._ask(expression, timeout or self.timeout), self.loop)
        return future.result()

    async def ask_async(self, expression: str, timeout: float | None = None, interrupt: bool = True) -> object:
        if self.dead:
            raise KernelGone("the kernel died")
        return await self._ask(expression, timeout or self.timeout, interrupt)

    def function(self, handle: int) -> "RemoteFunction":
        return RemoteFunction(self, handle)

    def decode_answer(self, data) -> object:
        """An answer (a check's argument) as the check gets it: data, or a proxy of a function."""
        return _Decoder(handles=self.function)(data)


def expression_value(reply, key: str) -> object:
    """The JSON value of the user expression ``key`` in an execute reply (from the student's kernel)."""
    content = reply.get("content", {}) if isinstance(reply, dict) else {}
    expressions = content.get("user_expressions", {}) if isinstance(content, dict) else {}
    entry = expressions.get(key, {}) if isinstance(expressions, dict) else {}
    if not isinstance(entry, dict) or entry.get("status") != "ok":
        name = entry.get("ename", "an error") if isinstance(entry, dict) else "an error"
        raise AnswerError(f"the grader's request failed in the kernel ({str(name)[:80]})")
    text = entry.get("data", {}).get("text/plain") if isinstance(entry.get("data"), dict) else None
    try:
        literal = ast.literal_eval(text) if isinstance(text, str) and len(text) < 2 * REPLY_LIMIT else None
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        literal = None
    return parse_reply(literal)


async def _maybe_await(value):
    if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future):
        return await value
    return value


class RemoteFunction:
    """A function of the student's notebook, called from a check in the grader's process."""

    def __init__(self, kernel: Kernel, handle: int):
        self.kernel = kernel
        self.handle = handle

    def __call__(self, *args, **kwargs):
        tracked = tracked_objects(args, kwargs)
        try:
            payload = base64.b64encode(pickle.dumps((args, kwargs, tracked))).decode("ascii")
        except Exception as error:  # a check passed something that cannot cross: the check's own bug
            raise RuntimeError(f"the grader cannot send {error}") from None
        reply = self.kernel.ask(f"__import__('_gdgrade').call({self.handle}, {payload!r})")
        if type(reply) is not dict or set(reply) != {"result", "tracked"} or type(reply["tracked"]) is not list \
                or len(reply["tracked"]) != len(tracked):
            raise AnswerError("an unexpected reply to a call")
        for obj, state in zip(tracked, reply["tracked"]):
            apply_state(obj, state)
        return _Decoder(tracked)(reply["result"])

    def __repr__(self) -> str:
        return "<the student's function>"
