"""The grader's helper inside the student's kernel: hand the answers over as plain data.

``tools/grade.py`` runs this file's text in the kernel (as the module
``_gdgrade``) before the notebook's cells. It is untrusted like everything
in that kernel: the student's code can change any of it. It only serves the
grader's requests, and the grader checks every reply as plain data and
computes every verdict itself. A reply that is not what it asked for counts
as a wrong answer, never as a pass.

Requests (each a ``user_expressions`` entry of a silent execute request):

* ``new_calls()``: the check calls made since the last request, from
  ``gdcore.checks._core.CALLS``, each with its arguments: a plain value as
  data, a function as a handle.
* ``call(handle, payload)``: call the function behind ``handle`` with the
  arguments in ``payload`` (a pickle made by the grader, base64), and return
  the result as data, with the state of the arrays and autodiff nodes the
  grader passed (a function may change its arguments in place).
* ``lookup(name)``: a global of the notebook, as data or a handle (for the
  instructor's private checks, which name the student's functions).
* ``without_figures()``: show figures as their one-line text (``<Figure size
  ... with 1 Axes>``) instead of drawing them into PNGs, and let explorers
  compute and give their verdict without drawing frames
  (``GDCORE_EXPLORER_FRAMES=0``), unless the grader is asked for
  ``--figures``. No check reads a figure or a frame, and drawing them is
  about a third of the time of a chapter that computes little.

Replies are JSON text. Plain JSON values stand for themselves; a JSON object
is always one tagged value: ``{"$tuple": [...]}``, ``{"$dict": [[k, v], ...]}``,
``{"$array": {...}}``, ``{"$float": "nan"}``, ``{"$ref": i}`` (the i-th object
the grader passed), ``{"$value": {...}}`` / ``{"$node": i}`` (an autodiff
node), ``{"$callable": h}``, ``{"$error": [name, message]}``,
``{"$unsupported": "type name"}``.
"""

import base64
import itertools
import json
import math
import pickle
import sys
import types

LIMIT = 100_000  # items taken from a generator a function returns

HANDLES = {}  # handle -> a function of the notebook
_seen_calls = 0


def _handle(obj):
    handle = len(HANDLES)
    HANDLES[handle] = obj
    return {"$callable": handle}


def _type_name(x):
    t = type(x)
    return f"{t.__module__}.{t.__qualname__}"


def _numpy():
    return sys.modules.get("numpy")


def _is_value(x):
    autodiff = sys.modules.get("gdcore.autodiff.value")
    return autodiff is not None and type(x) is autodiff.Value


class _Encoder:
    def __init__(self, tracked=(), functions=False):
        self.tracked = {id(obj): index for index, obj in enumerate(tracked)}
        self.functions = functions  # encode a function as a handle (an answer), else refuse it (a result)
        self.nodes = {}

    def number(self, x):
        x = float(x)
        return x if math.isfinite(x) else {"$float": repr(x)}

    def __call__(self, x, depth=0):
        if depth > 200:
            return {"$unsupported": "a structure nested more than 200 deep"}
        if id(x) in self.tracked:
            return {"$ref": self.tracked[id(x)]}
        t = type(x)
        if x is None or t is bool or t is int or t is str:
            return x
        if t is float:
            return self.number(x)
        if t is list:
            return [self(v, depth + 1) for v in x]
        if t is tuple:
            return {"$tuple": [self(v, depth + 1) for v in x]}
        if t is dict:
            return {"$dict": [[self(k, depth + 1), self(v, depth + 1)] for k, v in x.items()]}
        np = _numpy()
        if np is not None:
            if t in (np.float64, np.float32, np.float16):
                return self.number(x)
            if t in (np.int64, np.int32, np.int16, np.int8, np.uint64, np.uint32, np.uint16, np.uint8):
                return int(x)
            if t is np.bool_:
                return bool(x)
            if t is np.ndarray:
                if x.dtype.kind not in "biuf" or x.size > 10_000_000:
                    return {"$unsupported": f"a numpy array of dtype {x.dtype} and {x.size} elements"}
                kind = {"b": "bool", "i": "int64", "u": "int64", "f": "float64"}[x.dtype.kind]
                flat = x.astype(kind).ravel().tolist()
                if kind == "float64":
                    flat = [v if math.isfinite(v) else {"$float": repr(v)} for v in flat]
                return {"$array": {"dtype": kind, "shape": list(x.shape), "data": flat}}
        if _is_value(x):
            if id(x) in self.nodes:
                return {"$node": self.nodes[id(x)]}
            self.nodes[id(x)] = index = len(self.nodes)
            return {"$value": {"id": index, "data": self.number(x.data), "grad": self.number(x.grad),
                               "label": str(x.label), "op": str(x.op),
                               "local_grads": [self.number(g) for g in x.local_grads],
                               "parents": [self(p, depth + 1) for p in x.parents]}}
        if isinstance(x, types.GeneratorType) or (hasattr(x, "__next__") and hasattr(x, "__iter__")):
            items = list(itertools.islice(x, LIMIT + 1))
            if len(items) > LIMIT:
                return {"$unsupported": f"a generator of more than {LIMIT} items"}
            return [self(v, depth + 1) for v in items]
        if self.functions and callable(x):
            return _handle(x)
        return {"$unsupported": _type_name(x)}


def _reply(value):
    return json.dumps(value, allow_nan=False)


def without_figures():
    # A disabled formatter stays disabled when a cell registers a function for it later
    # (gdcore.plotting.use_book_style registers its HiDPI PNG in the set-up cell).
    import os

    from IPython import get_ipython

    os.environ["GDCORE_EXPLORER_FRAMES"] = "0"  # read by gdcore.widgets._live.frames_wanted
    formatters = get_ipython().display_formatter.formatters
    for mime in ("image/png", "image/jpeg", "image/svg+xml", "application/pdf"):
        if mime in formatters:
            formatters[mime].enabled = False
    return "[]"


def new_calls():
    """The check calls made since the last request: ``[[exercise id, [args...], [[name, arg]...]], ...]``."""
    global _seen_calls
    core = sys.modules.get("gdcore.checks._core")
    calls = list(getattr(core, "CALLS", []))
    fresh, _seen_calls = calls[_seen_calls:], len(calls)
    out = []
    for exercise, args, kwargs in fresh:
        encode = _Encoder(functions=True)
        out.append([str(exercise), [encode(a) for a in args], [[str(k), encode(v)] for k, v in kwargs.items()]])
    return _reply(out)


def lookup(name):
    namespace = sys.modules["__main__"].__dict__
    if name not in namespace:
        return _reply({"$error": ["NameError", f"name '{name}' is not defined"]})
    return _reply(_Encoder(functions=True)(namespace[name]))


def _state(x, encode):
    """What the grader needs to see of a passed object after the call (a change in place)."""
    if _is_value(x):
        return {"data": encode.number(x.data), "grad": encode.number(x.grad)}
    np = _numpy()
    if np is not None and type(x) is np.ndarray:
        return _Encoder()(x.copy())
    return None


def call(handle, payload):
    args, kwargs, tracked = pickle.loads(base64.b64decode(payload))
    try:
        result = HANDLES[handle](*args, **kwargs)
        encode = _Encoder(tracked)
        out = {"result": encode(result)}
    except BaseException as error:  # noqa: B036 (SystemExit too: it is the student's answer)
        out = {"result": {"$error": [type(error).__name__, str(error)[:2000]]}}
        encode = _Encoder(tracked)
    out["tracked"] = [_state(x, encode) for x in tracked]
    return _reply(out)
