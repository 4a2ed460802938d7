"""What a command returns: a typed result. Its fields are the JSON document that --json prints
(in field order), ``text()`` is the report a person reads on stderr, ``notices()`` are the
warnings shown either way, and ``failure()`` an exit status other than success to end with.
The command runtime (runtime/settings.py) emits what the body returns, so no command prints
its own result.

A field declared with ``hidden()`` stays out of the JSON (what only the text needs); one
declared with ``optional()`` is left out while it is None (keys that exist only for some
models or methods, as the JSON has always had them)."""
from __future__ import annotations

import dataclasses
import math
from typing import Any, ClassVar

result = dataclasses.dataclass(frozen=True)


def hidden(default: Any = None) -> Any:
    return dataclasses.field(default=default, metadata={"json": "hidden"})


def optional(default: Any = None) -> Any:
    return dataclasses.field(default=default, metadata={"json": "optional"})


def plain(value: Any) -> Any:
    """value as JSON-ready Python: arrays and numpy scalars become lists and numbers, nested
    results their documents, other dataclasses their fields, bytes text, non-finite floats null (JSON has no NaN)."""
    if isinstance(value, Result):
        return value.document()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars, without importing numpy here
        return plain(value.tolist())
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Result:
    """The base of every command's result (itself no dataclass, so that frozen and mutable
    dataclasses alike can be results)."""
    # where text() goes: stderr, except for listings that are the command's product (info)
    text_on_stdout: ClassVar[bool] = False

    def document(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            kind = f.metadata.get("json")
            value = getattr(self, f.name)
            if kind == "hidden" or (kind == "optional" and value is None):
                continue
            out[f.name] = plain(value)
        return out

    def documents(self) -> list[dict[str, Any]]:
        """The JSON documents printed, one per line (simulate prints one per size)."""
        return [self.document()]

    def text(self) -> list[Any]:
        """Lines (str) or rich renderables for a person."""
        raise NotImplementedError(type(self).__name__ + ".text")

    def notices(self) -> list[str]:
        return []

    def failure(self) -> Exception | None:
        """An exception to raise once the result has been shown (vmc --strict with warnings):
        the command's exit code then says what the output alone would not."""
        return None
