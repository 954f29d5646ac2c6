"""Taking a learner's answers out of their kernel as plain data, and rebuilding them in the grader.

This file runs in two places, and it is written so that it can:

* **inside the learner's kernel**, the grader sends this file's *text* and runs it in a fresh
  namespace (it is never imported there, so a learner who replaced ``widgets.probe`` in their kernel
  changes nothing). :func:`take_out` then prints ONE line: a random marker chosen by the grader for
  this call, then JSON. Functions are called there too (a function cannot leave the kernel): the
  grader sends the arguments of the question's cases as data, and only the results come back.
* **in the grader's own process**, :func:`decode` rebuilds the values from that JSON (``json.loads``
  and the constructors of numpy and pandas, on plain lists: never ``pickle``, ``eval`` or an import
  named by the kernel), and the question, loaded from the course source, decides the verdict.

Only plain data crosses: ``None``, ``bool``, ``int``, ``float``, ``str``, lists, tuples, dicts, sets,
numpy scalars and arrays, pandas ``Series``, ``DataFrame`` and ``Index`` (numbers, booleans, text,
categories, dates), dates and times, and the exercise placeholder ``____``. Types are matched
EXACTLY (a subclass of ``list`` or of ``DataFrame`` is not taken), so no method a learner wrote runs
while a value is taken out. Anything else, or more than :data:`MAX_ITEMS` values, is *not
gradable*: the grader says so, and it is not an error.

Why this is enough: whatever the learner's code does in its own kernel (patch ``json``, ``print``
or this code's output), the most it can make the grader see is *some value* for a name, which it
could have assigned in the first place. Verdicts are never computed, printed or trusted there.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

MAX_ITEMS = 2_000_000  # scalars taken out per call (a 100,000 x 20 table is 2,000,000)
MAX_DEPTH = 40  # nesting of lists/dicts
TAG = "$"  # every JSON object in the encoding is a tag: {"$": kind, ...}

_SCALAR_KINDS = {"b", "i", "u", "f"}
_DTYPE_OK = re.compile(
    r"^(bool|boolean|u?int(8|16|32|64)|U?Int(8|16|32|64)|float(16|32|64)|Float(32|64)|object|str|string"
    r"|category|(datetime|timedelta)64\[(s|ms|us|ns)(, [A-Za-z0-9_/+:-]{1,40})?\])$"
)


class NotGradable(Exception):
    """A value that cannot be taken out as plain data; the message says what it is."""


# ----------------------------------------------------------------------------- encoding


class _Budget:
    def __init__(self) -> None:
        self.items = 0

    def spend(self, n: int = 1) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise NotGradable(f"more than {MAX_ITEMS:,} values")


def _kind(value: Any) -> str:
    name = getattr(type(value), "__qualname__", "object")
    name = name if isinstance(name, str) else "object"
    return re.sub(r"[^A-Za-z0-9_.]", "", name)[:60] or "object"


def _is_placeholder(value: Any) -> bool:
    kind = type(value)
    return kind.__name__ == "_Placeholder" and kind.__module__ == "widgets.checks"


def _float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return {TAG: "float", "v": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}


def encode(value: Any, budget: _Budget | None = None, depth: int = 0) -> Any:
    """``value`` as JSON-safe data (see the module doc); :class:`NotGradable` if it cannot be."""
    budget = budget or _Budget()
    if depth > MAX_DEPTH:
        raise NotGradable(f"values nested more than {MAX_DEPTH} deep")
    budget.spend()
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return value if abs(value) < 2**63 else {TAG: "bigint", "v": str(value)}
    if kind is float:
        return _float(value)
    if kind is list:
        return [encode(v, budget, depth + 1) for v in value]
    if kind is tuple:
        return {TAG: "tuple", "items": [encode(v, budget, depth + 1) for v in value]}
    if kind in (set, frozenset):
        return {TAG: kind.__name__, "items": [encode(v, budget, depth + 1) for v in value]}
    if kind is dict:
        return {TAG: "dict", "items": [[encode(k, budget, depth + 1), encode(v, budget, depth + 1)]
                                       for k, v in value.items()]}
    if value is Ellipsis or _is_placeholder(value):
        return {TAG: "placeholder"}
    import datetime as dt

    if kind is dt.datetime or kind is dt.date or kind is dt.time:
        return {TAG: kind.__name__, "v": value.isoformat()}
    if kind is dt.timedelta:
        return {TAG: "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    np = sys.modules.get("numpy")
    pd = sys.modules.get("pandas")
    if np is not None and isinstance(value, np.generic) and kind.__module__ == "numpy":
        return _numpy_scalar(value, np)
    if np is not None and kind is np.ndarray:
        budget.spend(int(value.size))
        return {TAG: "ndarray", "shape": list(value.shape),
                "col": _column(value.reshape(-1), np, pd, budget, depth)}
    if pd is not None:
        if kind is pd.Series:
            budget.spend(len(value))
            return {TAG: "Series", "name": encode(value.name, budget, depth + 1),
                    "index": _index(value.index, np, pd, budget, depth),
                    "col": _column(value, np, pd, budget, depth)}
        if kind is pd.DataFrame:
            budget.spend(value.shape[0] * value.shape[1])
            return {TAG: "DataFrame", "index": _index(value.index, np, pd, budget, depth),
                    "columns": _index(value.columns, np, pd, budget, depth),
                    "cols": [_column(value.iloc[:, i], np, pd, budget, depth)
                             for i in range(value.shape[1])]}
        if isinstance(value, pd.Index) and _from_pandas(kind):
            return _index(value, np, pd, budget, depth)
        if kind is pd.Timestamp:
            return {TAG: "Timestamp", "v": value.isoformat()}
        if kind is pd.Timedelta:
            return {TAG: "Timedelta", "v": int(value.value)}
        if value is pd.NA:
            return {TAG: "NA"}
        if value is pd.NaT:
            return {TAG: "NaT"}
    if callable(value):
        raise NotGradable("a function")
    raise NotGradable(f"an object of type {_kind(value)}")


def _from_pandas(kind: type) -> bool:
    module = getattr(kind, "__module__", "")
    return module == "pandas" or module.startswith("pandas.")


def _numpy_scalar(value: Any, np: Any) -> Any:
    dtype = value.dtype
    if dtype.kind == "b":
        return {TAG: "np", "dtype": "bool", "v": bool(value)}
    if dtype.kind in "iu":
        return {TAG: "np", "dtype": dtype.name, "v": int(value)}
    if dtype.kind == "f":
        return {TAG: "np", "dtype": dtype.name, "v": _float(float(value))}
    if dtype.kind == "U":
        return str(value)
    if dtype.kind in "Mm":
        return {TAG: "np", "dtype": str(dtype), "v": int(value.view("int64"))}
    raise NotGradable(f"a numpy {dtype.name}")


def _plain(value: Any, budget: _Budget, depth: int) -> Any:
    """An element of a column: plain scalars as they are (the column already paid for them)."""
    kind = type(value)
    if kind is int or kind is bool or kind is str or value is None:
        return value
    if kind is float and math.isfinite(value):
        return value
    return encode(value, budget, depth + 1)


def _column(values: Any, np: Any, pd: Any, budget: _Budget, depth: int) -> dict[str, Any]:
    """One-dimensional values (a Series, an Index or a flat array) with their dtype."""
    dtype = values.dtype
    name = str(dtype)
    if pd is not None and isinstance(dtype, pd.CategoricalDtype):
        cats = values.cat.categories if isinstance(values, pd.Series) else values.categories
        codes = values.cat.codes if isinstance(values, pd.Series) else values.codes
        return {"dtype": "category", "ordered": bool(dtype.ordered),
                "categories": _column(pd.Series(cats), np, pd, budget, depth),
                "codes": [int(c) for c in np.asarray(codes)]}
    kind = getattr(dtype, "kind", "O")
    if name in {"str", "string"} or kind in "biufU":
        return {"dtype": "object" if kind == "U" else name,
                "values": [_plain(v, budget, depth) for v in values.tolist()]}
    if kind in "Mm":
        array = values.array if hasattr(values, "array") else values
        ints = array.asi8 if hasattr(array, "asi8") else np.asarray(array).view("int64")
        nat = int(np.iinfo("int64").min)
        return {"dtype": name, "values": [None if int(v) == nat else int(v) for v in ints]}
    if kind == "O":
        return {"dtype": "object", "values": [encode(v, budget, depth + 1) for v in list(values)]}
    raise NotGradable(f"values of type {name}")


def _index(index: Any, np: Any, pd: Any, budget: _Budget, depth: int) -> dict[str, Any]:
    kind = type(index)
    names = [encode(n, budget, depth + 1) for n in index.names]
    if kind is pd.RangeIndex:
        return {TAG: "RangeIndex", "start": index.start, "stop": index.stop, "step": index.step,
                "names": names}
    budget.spend(len(index))
    if kind is pd.MultiIndex:
        return {TAG: "MultiIndex", "names": names,
                "levels": [_column(index.get_level_values(i), np, pd, budget, depth)
                           for i in range(index.nlevels)]}
    if _from_pandas(kind) and isinstance(index, pd.Index):
        return {TAG: "Index", "names": names, "col": _column(index, np, pd, budget, depth)}
    raise NotGradable(f"an index of type {_kind(index)}")


# ----------------------------------------------------------------------------- decoding


def decode(data: Any, depth: int = 0) -> Any:
    """Rebuild a value encoded by :func:`encode` (ValueError if the data is not such an encoding)."""
    if depth > MAX_DEPTH + 5:
        raise ValueError("nested too deep")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(v, depth + 1) for v in data]
    if type(data) is not dict:
        raise ValueError(f"unexpected {type(data).__name__}")
    tag = data.get(TAG)
    if tag == "float":
        return float(_one_of(data["v"], {"nan", "inf", "-inf"}))
    if tag == "bigint":
        return int(_text(data["v"]))
    if tag == "tuple":
        return tuple(decode(v, depth + 1) for v in _list(data["items"]))
    if tag in ("set", "frozenset"):
        items = [decode(v, depth + 1) for v in _list(data["items"])]
        return set(items) if tag == "set" else frozenset(items)
    if tag == "dict":
        return {decode(k, depth + 1): decode(v, depth + 1) for k, v in _pairs(data["items"])}
    if tag == "placeholder":
        from widgets.checks import ____

        return ____
    import datetime as dt

    if tag in ("datetime", "date", "time"):
        return getattr(dt, tag).fromisoformat(_text(data["v"]))
    if tag == "timedelta":
        days, seconds, micro = (_int(x) for x in _list(data["v"]))
        return dt.timedelta(days=days, seconds=seconds, microseconds=micro)
    import numpy as np
    import pandas as pd

    if tag == "np":
        dtype = _dtype(data["dtype"])
        value = data["v"]
        if dtype.kind in "Mm":
            return np.array([_int(value)], dtype="int64").view(dtype)[0]
        return dtype.type(decode(value, depth + 1))
    if tag == "ndarray":
        shape = tuple(_int(n) for n in _list(data["shape"]))
        flat = _values(data["col"], np, pd, depth)
        return np.asarray(flat).reshape(shape)
    if tag == "Series":
        index = _decode_index(data["index"], np, pd, depth)
        name = decode(data["name"], depth + 1)
        return pd.Series(_values(data["col"], np, pd, depth), index=index, name=name)
    if tag == "DataFrame":
        index = _decode_index(data["index"], np, pd, depth)
        columns = _decode_index(data["columns"], np, pd, depth)
        cols = [_values(c, np, pd, depth) for c in _list(data["cols"])]
        if len(cols) != len(columns):
            raise ValueError("column count")
        frame = pd.DataFrame(dict(enumerate(cols)), index=index)
        frame.columns = columns
        return frame
    if tag in ("Index", "RangeIndex", "MultiIndex"):
        return _decode_index(data, np, pd, depth)
    if tag == "Timestamp":
        return pd.Timestamp(_text(data["v"]))
    if tag == "Timedelta":
        return pd.Timedelta(_int(data["v"]))
    if tag == "NA":
        return pd.NA
    if tag == "NaT":
        return pd.NaT
    raise ValueError(f"unknown tag {str(tag)[:20]!r}")


def _text(value: Any) -> str:
    if type(value) is not str or len(value) > 100:
        raise ValueError("expected short text")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise ValueError("expected an integer")
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise ValueError("expected a list")
    return value


def _pairs(value: Any) -> list[tuple[Any, Any]]:
    pairs = _list(value)
    if not all(type(p) is list and len(p) == 2 for p in pairs):
        raise ValueError("expected pairs")
    return [(p[0], p[1]) for p in pairs]


def _one_of(value: Any, allowed: set[str]) -> str:
    if value not in allowed:
        raise ValueError("unexpected value")
    return value


def _dtype(name: Any) -> Any:
    import pandas as pd

    if type(name) is not str or not _DTYPE_OK.match(name):
        raise ValueError(f"dtype {str(name)[:40]!r} is not taken")
    return pd.api.types.pandas_dtype(name)


def _values(col: Any, np: Any, pd: Any, depth: int) -> Any:
    """A pandas array rebuilt from a column encoding."""
    if type(col) is not dict:
        raise ValueError("expected a column")
    name = col.get("dtype")
    if name == "category":
        categories = _values(col["categories"], np, pd, depth)
        codes = [_int(c) for c in _list(col["codes"])]
        return pd.Categorical.from_codes(codes, categories=pd.Index(categories),
                                         ordered=bool(col.get("ordered")))
    dtype = _dtype(name)
    raw = [decode(v, depth + 1) for v in _list(col["values"])]
    if getattr(dtype, "kind", "O") in "Mm":
        ints = np.array([np.iinfo("int64").min if v is None else _int(v) for v in raw], dtype="int64")
        unit = str(dtype).split("[", 1)[1].split(",", 1)[0].rstrip("]")
        kind = "datetime64" if str(dtype).startswith("datetime") else "timedelta64"
        plain = ints.view(f"{kind}[{unit}]")
        if getattr(dtype, "tz", None) is not None:
            return pd.array(pd.DatetimeIndex(plain).tz_localize("UTC").tz_convert(dtype.tz))
        return pd.array(plain)
    if name == "object":
        out = np.empty(len(raw), dtype=object)
        out[:] = raw
        return out
    return pd.array(raw, dtype=dtype) if raw or name not in {"str"} else pd.array([], dtype=dtype)


def _decode_index(data: Any, np: Any, pd: Any, depth: int) -> Any:
    if type(data) is not dict:
        raise ValueError("expected an index")
    tag = data.get(TAG)
    names = [decode(n, depth + 1) for n in _list(data.get("names", [None]))]
    if tag == "RangeIndex":
        return pd.RangeIndex(_int(data["start"]), _int(data["stop"]), _int(data["step"]), name=names[0])
    if tag == "MultiIndex":
        levels = [_values(c, np, pd, depth) for c in _list(data["levels"])]
        return pd.MultiIndex.from_arrays(levels, names=names)
    if tag == "Index":
        return pd.Index(_values(data["col"], np, pd, depth), name=names[0] if names else None)
    raise ValueError("unknown index")


# ----------------------------------------------------------------------------- in the kernel


def _describe_exception(exc: BaseException) -> list[str]:
    try:
        text = str(exc)
    except Exception:  # a learner's exception whose __str__ fails
        text = ""
    return [_kind(exc), text[:300]]


def take_out(namespace: Any, wanted: dict[str, Any], marker: str) -> str:
    """The line the grader reads: ``marker`` then JSON of every wanted name's value.

    ``wanted`` maps a name to ``None`` (take its value) or to a list of encoded argument tuples
    (a function: call it on each, in order, stopping at the first that raises).
    """
    parts: list[str] = []
    for name, cases in wanted.items():
        try:
            present = name in namespace
            value = namespace[name] if present else None
        except Exception:  # noqa: BLE001 - a namespace that is not a plain dict any more
            present, value = False, None
        if not present:
            taken: Any = {TAG: "missing"}
        elif cases is not None and callable(value) and not _is_placeholder(value):
            taken = _call(value, cases)
        else:
            try:
                taken = encode(value)
            except NotGradable as exc:
                taken = {TAG: "ungradable", "why": str(exc)}
            except Exception as exc:  # noqa: BLE001 - e.g. a pandas object too odd to list
                taken = {TAG: "ungradable", "why": f"an object of type {_kind(value)} ({_kind(exc)})"}
        try:
            text = json.dumps(taken, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            text = json.dumps({TAG: "ungradable", "why": f"an object of type {_kind(value)} ({_kind(exc)})"})
        parts.append(f"{json.dumps(name)}:{text}")
    return marker + "{" + ",".join(parts) + "}"


def _call(function: Any, cases: list[Any]) -> dict[str, Any]:
    results: list[Any] = []
    for encoded in cases:
        args = decode(encoded)
        try:
            got = function(*args)
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: it is the learner's function
            if type(exc) is KeyboardInterrupt:  # the grader's time limit: let it stop the call
                raise
            results.append({"raised": _describe_exception(exc)})
            break
        try:
            results.append({"value": encode(got)})
        except NotGradable as exc:
            results.append({"ungradable": str(exc)})
            break
    return {TAG: "calls", "results": results}


def emit(line: str) -> None:
    """Send the line to the grader: through IPython's display channel (so a learner's redirected
    ``sys.stdout`` does not lose it), else printed."""
    try:
        shell = sys.modules["IPython"].get_ipython()
        shell.display_pub.publish(data={"text/plain": line}, metadata={})
        return
    except Exception:  # noqa: BLE001 - not in IPython, or its display machinery is gone
        pass
    print(line, flush=True)
