"""Data, and only data, from a student's process to the grader's.

The grader never unpickles what a worker sends: a value is encoded as JSON in which NumPy arrays of
numbers or booleans travel as raw bytes with their dtype and shape, Generators as their bit generator's
state, and anything else (a function, an object of the student's own class) as a placeholder that only
says what it was. Decoding builds nothing but dicts, lists, tuples, numbers, strings, arrays and
placeholders, so whatever the student's code writes into the channel cannot run code in the grader.
"""

import base64
import json

import numpy as np

_ARRAY_KINDS = "biuf"


class Opaque:
    """Something the student's code returned that is not data: shown in messages by its type and repr."""

    def __init__(self, type_name, text):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return self.text

    def __eq__(self, other):
        return isinstance(other, Opaque) and (self.type_name, self.text) == (other.type_name, other.text)

    __hash__ = None


def _encode(value):
    # NumPy scalars first: np.float64 is also a Python float, whose repr would not read back.
    if isinstance(value, np.generic) and value.dtype.kind in _ARRAY_KINDS:
        return {"scalar": _array(np.asarray(value))}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) < 2**53 else {"int": str(value)}
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, np.ndarray) and value.dtype.kind in _ARRAY_KINDS:
        return {"array": _array(value)}
    if isinstance(value, np.random.Generator):
        return {"generator": json.loads(json.dumps(value.bit_generator.state, default=int))}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return {"list": [_encode(v) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str | int) for k in value):
        return {"dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return {"opaque": [type(value).__name__, text[:200]]}


def _array(array):
    array = np.array(array, order="C")
    return {"dtype": array.dtype.str, "shape": list(array.shape), "data": base64.b64encode(array.tobytes()).decode()}


def _decode(data):
    if data is None or isinstance(data, bool | str | int):
        return data
    if isinstance(data, float):
        return data
    if not (isinstance(data, dict) and len(data) == 1):
        raise ValueError("not an encoded value")
    (kind, payload), = data.items()
    if kind == "int":
        return int(payload)
    if kind == "float":
        return float(payload)
    if kind in ("array", "scalar"):
        dtype = np.dtype(payload["dtype"])
        if dtype.kind not in _ARRAY_KINDS:
            raise ValueError(f"dtype {dtype} is not data")
        array = np.frombuffer(base64.b64decode(payload["data"]), dtype=dtype).reshape(payload["shape"]).copy()
        return array[()] if kind == "scalar" else array
    if kind == "generator":
        return GeneratorState(payload)
    if kind == "tuple":
        return tuple(_decode(v) for v in payload)
    if kind == "list":
        return [_decode(v) for v in payload]
    if kind == "dict":
        return {_decode(k): _decode(v) for k, v in payload}
    if kind == "opaque":
        return Opaque(str(payload[0]), str(payload[1]))
    raise ValueError(f"unknown kind {kind!r}")


class GeneratorState(dict):
    """A Generator as it was in the student's process: only its state came back."""


def dumps(value):
    """One line of JSON for `value`."""
    return json.dumps(_encode(value), separators=(",", ":"))


def loads(line):
    """The value of one line of `dumps` output; ValueError for anything else."""
    return _decode(json.loads(line))
