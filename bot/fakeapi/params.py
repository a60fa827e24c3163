"""Bot API parameter checking against the shipped method table (bot/botapi_methods.json).

Every request's parameters are converted to their declared types (integers from form
strings, JSON-serialized objects, uploads) and missing required ones are a 400, as on
Telegram. Knows nothing of HTTP or of the double's state.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from bot.fakeapi.protocol import BUTTON_COSMETIC_FIELDS, ApiError, bad_request

# --------------------------------------------------------------------------- parameter table


def _load_table() -> dict[str, Any]:
    """The shipped Bot API excerpt; read once, since every request is checked against it."""
    text = resources.files("bot").joinpath("botapi_methods.json").read_text(encoding="utf-8")
    return json.loads(text)


_TABLE = _load_table()
METHODS: dict[str, list[dict[str, Any]]] = _TABLE["methods"]
_METHODS_BY_LOWER = {name.lower(): name for name in METHODS}
BUTTON_ACTIONS = frozenset(
    f["name"]
    for f in _TABLE["types"]["InlineKeyboardButton"]
    if f["name"] not in BUTTON_COSMETIC_FIELDS
)
_PRIMITIVES = frozenset({"Integer", "String", "Boolean", "Float", "InputFile"})
_INTEGER = re.compile(r"-?\d+")


@dataclass
class Upload:
    """A file part of a multipart request: what a bot uploaded."""

    filename: str | None
    content_type: str | None
    data: bytes


def canonical_method(name: str) -> str:
    """Telegram matches method names case-insensitively; unknown ones are a 404."""
    try:
        return _METHODS_BY_LOWER[name.lower()]
    except KeyError:
        raise ApiError(404, "Not Found") from None


def validate(method: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Check `raw` against the parameter table; return the values converted to Python types.

    Unknown parameters are ignored (Telegram does too); an empty string counts as absent,
    which is how Telegram reports an empty required text as "message text is empty".
    """
    params: dict[str, Any] = {}
    for spec in METHODS[method]:
        name = spec["name"]
        value = raw.get(name)
        if value is None or value == "":
            if spec["required"]:
                raise bad_request(_missing_reason(name))
            continue
        params[name] = _convert(name, spec["types"], value, raw)
    return params


def _missing_reason(name: str) -> str:
    reasons = {
        "text": "message text is empty",
        "photo": "there is no photo in the request",
        "message_id": "message identifier is not specified",
        "callback_query_id": "QUERY_ID_INVALID",
    }
    return reasons.get(name, f"{name} is empty")


def _convert(name: str, types: list[str], value: Any, raw: dict[str, Any]) -> Any:
    """The first of the allowed `types` that `value` fits, converted; else a 400."""
    for type_name in types:
        converted = _as_type(type_name, value, raw)
        if converted is not _NO_MATCH:
            return converted
    if not any(t in _PRIMITIVES for t in types):
        if name == "reply_markup":
            raise bad_request("can't parse reply keyboard markup JSON object")
        raise bad_request(f"can't parse {name} JSON object")
    raise bad_request(f'field "{name}" must be of type {" or ".join(types)}')


_NO_MATCH = object()


def _as_type(type_name: str, value: Any, raw: dict[str, Any]) -> Any:
    """`value` as `type_name`, or _NO_MATCH; form values are strings, JSON bodies native."""
    if type_name == "Integer":
        return _as_integer(value)
    if type_name == "Float":
        return _as_float(value)
    if type_name == "Boolean":
        return _as_boolean(value)
    if type_name == "String":
        if isinstance(value, str):
            return value
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return str(value) if is_number else _NO_MATCH
    if type_name == "InputFile":
        return _as_upload(value, raw)
    wanted: type = list if type_name.startswith("Array of") else dict
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return _NO_MATCH
    return value if isinstance(value, wanted) else _NO_MATCH


def _as_integer(value: Any) -> Any:
    if isinstance(value, bool):
        return _NO_MATCH
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    return _NO_MATCH


def _as_float(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return _NO_MATCH
    return _NO_MATCH


def _as_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    return _NO_MATCH


def _as_upload(value: Any, raw: dict[str, Any]) -> Any:
    """An uploaded part, directly or through Telegram's `attach://<part name>` reference."""
    if isinstance(value, Upload):
        return value
    if isinstance(value, str) and value.startswith("attach://"):
        attached = raw.get(value.removeprefix("attach://"))
        return attached if isinstance(attached, Upload) else _NO_MATCH
    return _NO_MATCH


# --------------------------------------------------------------------------- text and entities
