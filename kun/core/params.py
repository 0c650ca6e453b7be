"""Typed, validated views of `params.yaml` sections.

Each stage reads its own section into a dataclass. Unknown keys, wrong types, non-finite numbers
and values outside the allowed set (field ranges such as `Share` are declared on the fields and
checked by pydantic) fail with one line naming the key, the bad value and what is allowed, so a
typo never silently falls back to a default. Errors are `ParamsError`s that name keys only; the
params file is named by whoever read it: `load_params` returns the sections with their `source`,
`section` adds it, and a `kun` step adds its --params to an error raised later.
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import os
import sys
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

import yaml
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError

from kun.core.errors import KunError, ParamsError

T = TypeVar("T")

# Ranges a key must lie in, declared on the field (pydantic checks them and the JSON Schema of
# `kun check-params --schema` shows them, so an editor flags 1.5 for a share before kun runs).
Share = Annotated[float, Field(ge=0.0, le=1.0)]  # a share or a probability, 0 to 1
OpenShare = Annotated[float, Field(gt=0.0, le=1.0)]  # a share above 0, at most 1
NonNegativeInt = Annotated[int, Field(ge=0)]  # a count or a limit (often 0 = off, or all)
PositiveInt = Annotated[int, Field(ge=1)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int) -> None:
        super().__init__(key)
        self.key, self.line = key, line


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses a key repeated in one mapping instead of keeping the last."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_as_string(value: Any) -> str:
    """A hint when YAML read a number as a string (YAML 1.1 wants a dot: 1e-3 is text, 1.0e-3 a number)."""
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return ""
        return f" (YAML read {value!r} as a string: write it with a dot and a signed exponent, e.g. 1.0e-3)"
    return ""


class ParamsFile(dict):
    """The sections of a params file, and the file they came from (what errors name)."""

    source = "params.yaml"


def _from_file(data: dict, path: Path) -> "ParamsFile":
    params = _traced(data, os.environ[TRACE_ENV]) if os.environ.get(TRACE_ENV) else ParamsFile(data)
    params.source = str(path)
    return params


def load_params(path: str | Path = "params.yaml") -> "ParamsFile":
    """The sections of a params file; a value a section rejects later names this file."""
    path = Path(path)
    if not path.exists():
        raise KunError(f"{path}: not found; run from the repository root or pass --params")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}
    except _DuplicateKey as duplicate:
        raise KunError(
            f"{path}:{duplicate.line}: {duplicate.key!r} appears twice in one section (the second would silently replace the first); keep one"
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise KunError(
            f"{path}{where}: invalid YAML ({getattr(error, 'problem', error)}); fix the syntax"
        ) from None
    if not isinstance(data, dict):
        raise KunError(f"{path}: expected a mapping of stage sections at the top level")
    return _from_file(data, path)


# pydantic checks each value's type, strictly: YAML's 1 is not true, "3" is not 3, 1e-3 written
# without a dot is a string (YAML 1.1), inf and nan are not numbers a threshold can take.
_STRICT = ConfigDict(strict=True, allow_inf_nan=False)
_adapters: dict[str, TypeAdapter] = {}


def _adapter(annotation: Any) -> TypeAdapter:
    name = repr(annotation)
    if name not in _adapters:
        _adapters[name] = TypeAdapter(annotation, config=_STRICT)
    return _adapters[name]


_EXPECTED = {
    "int_type": "expected an integer",
    "int_from_float": "expected an integer",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
    "string_type": "expected a string",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
}
_BOUNDS = {
    "greater_than_equal": (">=", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("<=", "le"),
    "less_than": ("<", "lt"),
}


def _range(annotation: Any, kind: str, error: dict) -> str:
    """`between 0 and 1`, `in (0, 1]` or `>= 0`: the whole range the field declares."""
    constraints = [
        constraint
        for item in getattr(annotation, "__metadata__", ())
        for constraint in [item, *getattr(item, "metadata", ())]  # pydantic's FieldInfo holds Ge, Le…
    ]
    limits = {
        name: getattr(constraint, name)
        for constraint in constraints
        for name in ("ge", "gt", "le", "lt")
        if getattr(constraint, name, None) is not None
    }
    lower = [(name, limits[name]) for name in ("ge", "gt") if name in limits]
    upper = [(name, limits[name]) for name in ("le", "lt") if name in limits]
    if lower and upper:
        (low_kind, low), (high_kind, high) = lower[0], upper[0]
        if low_kind == "ge" and high_kind == "le":
            return f"between {_number(low)} and {_number(high)}"
        return f"in {'[' if low_kind == 'ge' else '('}{_number(low)}, {_number(high)}{']' if high_kind == 'le' else ')'}"
    symbol, name = _BOUNDS[kind]
    return f"{symbol} {_number(error['ctx'][name])}"


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _literal_options(annotation: Any) -> tuple:
    if get_origin(annotation) is Literal:
        return get_args(annotation)
    return tuple(option for arg in get_args(annotation) for option in _literal_options(arg))


def _error(error: dict, annotation: Any, key: str) -> ParamsError:
    """One params error from pydantic's first error: the key, the value, what is allowed."""
    where = key + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"])
    value, kind = error.get("input"), error["type"]
    if kind == "literal_error":
        allowed = ", ".join(map(repr, _literal_options(annotation)))
        return ParamsError(where, f"{value!r} is not allowed; use one of {allowed}")
    if kind == "finite_number":
        return ParamsError(where, f"{value!r} is not a finite number; use a number such as 0.5")
    if kind in _BOUNDS:
        return ParamsError(where, f"{value!r} must be {_range(annotation, kind, error)}")
    if kind in _EXPECTED:
        return ParamsError(where, f"{_EXPECTED[kind]}, got {value!r}{_read_as_string(value)}")
    return ParamsError(where, f"{value!r}: {error['msg']}")


def _check(value: Any, annotation: Any, key: str) -> Any:
    """Validate one value against its type annotation (pydantic, strict); a params dataclass, or a
    list of them, is read key by key (unknown keys refused, its own `validate` run)."""
    if dataclasses.is_dataclass(annotation):
        return from_mapping(annotation, value, key)
    if get_origin(annotation) is list and any(dataclasses.is_dataclass(arg) for arg in get_args(annotation)):
        if not isinstance(value, list):
            raise ParamsError(key, f"expected a list, got {value!r}")
        (item_type,) = get_args(annotation)
        return [from_mapping(item_type, item, f"{key}[{index}]") for index, item in enumerate(value)]
    _paused.append(key)  # checking a traced mapping's values is not the stage reading them
    try:
        checked = _adapter(annotation).validate_python(value)
    except ValidationError as error:
        raise _error(error.errors()[0], annotation, key) from None
    finally:
        _paused.pop()
    if isinstance(value, dict):  # the mapping itself, so a traced read of its keys still counts
        return value if isinstance(value, _TracedDict) else dict(value)
    return checked


def from_mapping(cls: type[T], mapping: Any, section: str) -> T:
    """Build dataclass `cls` from a params mapping, rejecting unknown keys and bad types."""
    if mapping is None:
        mapping = {}
    if not isinstance(mapping, dict):
        raise ParamsError(section, f"expected a mapping, got {mapping!r}")
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = {field.name: field for field in dataclasses.fields(cls)}
    unknown = sorted(set(mapping) - set(fields))
    if unknown:
        raise ParamsError(
            f"{section}.{unknown[0]}", f"unknown key; allowed keys are {', '.join(sorted(fields))}"
        )
    values = {}
    for name, field in fields.items():
        if name in mapping:
            values[name] = _check(dict.__getitem__(mapping, name), hints[name], f"{section}.{name}")
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ParamsError(f"{section}.{name}", "required key is missing")
    instance = cls(**values)
    validate = getattr(instance, "validate", None)
    if validate is not None:
        _paused.append(section)  # validating reads every field: that is not the stage reading it
        try:
            validate(section)
        finally:
            _paused.pop()
    return _trace_fields(instance, section) if isinstance(mapping, _TracedDict) else instance


def section(cls: type[T], params: dict[str, Any], name: str) -> T:
    """Section `name` of `params` as dataclass `cls`; an error names the file `params` came from."""
    try:
        return from_mapping(cls, params.get(name), name)
    except ParamsError as error:
        raise error.naming(getattr(params, "source", None)) from None


def require(condition: bool, key: str, message: str) -> None:
    """Raise a params error for `key` unless `condition` holds."""
    if not condition:
        raise ParamsError(key, message)


# Which params a process reads, for the test that each dvc.yaml stage's `params:` list is exactly
# what its command reads: with KUN_PARAMS_TRACE=DIR, every key read is written to DIR/<pid>.json
# with the process's argv when it exits.
TRACE_ENV = "KUN_PARAMS_TRACE"
_reads: set[str] = set()
_paused: list[str] = []


class _TracedDict(ParamsFile):
    """A params mapping that records the dotted path of every value read out of it."""

    def __init__(self, data: dict, prefix: str) -> None:
        super().__init__(
            {
                key: _TracedDict(value, f"{prefix}{key}.") if isinstance(value, dict) else value
                for key, value in data.items()
            }
        )
        self._prefix = prefix

    def _note(self, key: Any) -> None:
        if not _paused and not isinstance(dict.get(self, key), _TracedDict):
            _reads.add(f"{self._prefix}{key}")

    # Iterating the keys reads no value (from_mapping's unknown-key check); a copy (dict(...),
    # {**...}) goes through keys() and __getitem__ because __iter__ is overridden, so it counts.

    def __getitem__(self, key: Any) -> Any:
        self._note(key)
        return dict.__getitem__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self:
            self._note(key)
        return dict.get(self, key, default)

    def __iter__(self):
        return dict.__iter__(self)

    def keys(self):
        return list(dict.__iter__(self))

    def items(self):
        return [(key, self[key]) for key in self]

    def values(self):
        return [self[key] for key in self]


def _dump_reads(directory: str) -> None:
    Path(directory).mkdir(parents=True, exist_ok=True)
    record = {"argv": sys.argv, "reads": sorted(read for read in _reads if read)}
    (Path(directory) / f"{os.getpid()}.json").write_text(json.dumps(record), encoding="utf-8")


def _traced(data: dict, directory: str) -> dict:
    if "" not in _reads:  # one dump per process, however many times params are loaded
        _reads.add("")
        atexit.register(_dump_reads, directory)
    return _TracedDict(data, "")


_traced_classes: dict[type, type] = {}


def _trace_fields(instance: Any, path: str) -> Any:
    """Record `path.field` whenever a field of this params dataclass is read (a field holding
    another params dataclass records its own fields instead)."""
    cls = type(instance)
    if cls not in _traced_classes:
        names = {field.name for field in dataclasses.fields(cls)}

        def __getattribute__(self, name: str) -> Any:
            value = object.__getattribute__(self, name)
            # a copy made by dataclasses.replace has no path: building it read every field it kept
            path = object.__getattribute__(self, "__dict__").get("_kun_params_path")
            if (
                path
                and name in names
                and not _paused
                and not (dataclasses.is_dataclass(value) or isinstance(value, _TracedDict))
            ):
                _reads.add(f"{path}.{name}")
            return value

        _traced_classes[cls] = type(
            cls.__name__, (cls,), {"__getattribute__": __getattribute__, "__module__": cls.__module__}
        )
    object.__setattr__(instance, "__class__", _traced_classes[cls])
    object.__setattr__(instance, "_kun_params_path", path)
    return instance
