"""The option types the privacy notice is written in, built on MkDocs' own typed config.

MkDocs has loaded `mkdocs.config` before any plugin, so these cost the build nothing to import.
They add what the notice needs beyond MkDocs' options: unknown keys are errors rather than
warnings, every problem is reported at once and named by its path below `privacy_notice`,
and the shorter or older shapes earlier configs used (one item for a list, `none`) still load.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from .localized import LocalText
from .urls import checked_url

T = TypeVar("T")
P = TypeVar("P", bound="Strict")
NONE = "none"
Problems = list[tuple[str, str]]
FLAG_WORDS = {"true": True, "yes": True, "on": True, "y": True, "t": True, "1": True,
              "false": False, "no": False, "off": False, "n": False, "f": False, "0": False}  # fmt: skip


class NoticeError(ValidationError):
    """Every problem found below one option, each as (path below it, message)."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{path}: {message}" for path, message in problems))


def problems_of(error: ValidationError, prefix: str) -> Problems:
    """The problems of `error`, their paths now starting at `prefix` (`.key` or `[index]`)."""
    if isinstance(error, NoticeError):
        return [(prefix + path, message) for path, message in error.problems]
    return [(prefix, str(error))]


class Strict(base.Config):
    """One part of the notice: only its own keys, checked together, read-only once checked."""

    _frozen = False

    @classmethod
    def reshape(cls, value: object) -> object:
        """Turn a shorter or older shape of this part into the mapping of its keys."""
        return value

    def check(self) -> None:
        """Rules across keys, once each key is valid; raise ValidationError to name this part."""

    @classmethod
    def parsed(cls: type[P], value: object) -> P:
        """The part `value` describes, or NoticeError with every problem in it."""
        value = cls.reshape(value)
        keys = [key for key, _ in base.get_schema(cls)]
        if not isinstance(value, Mapping):
            raise ValidationError(f"expected a mapping with the keys {', '.join(keys)}")
        part = cls()
        problems = [
            (f".{key}", f"not an option here (the options are: {', '.join(keys)})")
            for key in value
            if key not in keys
        ]
        part.load_dict({key: item for key, item in value.items() if key in keys})
        for key, option in base.get_schema(cls):
            try:
                part[key] = option.validate(part[key])
            except ValidationError as error:
                problems += problems_of(error, f".{key}")
        if not problems:
            try:
                part.check()
            except ValidationError as error:
                problems += problems_of(error, "")
        if problems:
            raise NoticeError(problems)
        part._frozen = True
        return part

    def __setitem__(self, key: str, value: Any) -> None:
        if self._frozen:
            raise TypeError(f"{type(self).__name__} is read-only once checked")
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        if self._frozen:
            raise TypeError(f"{type(self).__name__} is read-only once checked")
        super().__delitem__(key)


class Part(Generic[P], c.BaseConfigOption[P]):
    """A nested part of the notice, like `c.SubConfig` but strict and with paths in errors."""

    def __init__(self, config_class: type[P], default: dict | None = None) -> None:
        super().__init__()
        self.config_class, self.default = config_class, default

    def run_validation(self, value: object) -> P:
        return self.config_class.parsed(value)


class Items(Generic[T], c.ListOfItems[T]):
    """A list whose every bad item is named by its index; `one_or_none` takes one item or null."""

    def __init__(self, option_type: c.BaseConfigOption[T], *, one_or_none: bool = True) -> None:
        super().__init__(option_type, default=[])
        self.one_or_none = one_or_none

    def run_validation(self, value: object) -> list[T]:
        if self.one_or_none and not isinstance(value, list):
            value = [] if value is None else [value]
        if not isinstance(value, list):
            raise ValidationError(f"expected a list, got {type(value).__name__}")
        found, problems = [], []
        for index, item in enumerate(value):
            try:
                found.append(self.option_type.run_validation(item))
            except ValidationError as error:
                problems += problems_of(error, f"[{index}]")
        if problems:
            raise NoticeError(problems)
        return found


class NoneOr(Generic[T], c.BaseConfigOption[T | str]):
    """`none` (in any case) states that something does not exist; else the wrapped option."""

    def __init__(self, option: c.BaseConfigOption[T], expected: str) -> None:
        super().__init__()
        self.option, self.expected, self.default = option, expected, option.default

    def run_validation(self, value: object) -> T | str:
        if isinstance(value, str):
            if value.lower() == NONE:
                return NONE
            raise ValidationError(f"expected {self.expected} or `none`, got {value!r}")
        return self.option.validate(value)


class TextOption(c.OptionallyRequired[LocalText]):
    """A text, or a mapping of language codes to texts: `{en: Analytics, de: Statistik}`."""

    def run_validation(self, value: object) -> LocalText:
        try:
            return LocalText.parse(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class Url(c.Type[str]):
    """A link the notice shows: empty, or https:, http: or mailto: (the rule in urls.py)."""

    def __init__(self) -> None:
        super().__init__(str, default="")

    def run_validation(self, value: object) -> str:
        value = super().run_validation(value)
        try:
            return checked_url(value, "URL") if value else value
        except ValueError as error:
            raise ValidationError(str(error)) from None


class Count(c.OptionallyRequired[int]):
    """A whole number, also when YAML read it as a quoted string or as `365.0`."""

    def run_validation(self, value: object) -> int:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ValidationError(f"expected a whole number, got {value!r}")


class Flag(c.OptionallyRequired[bool]):
    """Yes or no, also when written as 0/1 or a quoted `"true"`, `"no"`..."""

    def run_validation(self, value: object) -> bool:
        if isinstance(value, bool):
            return value
        if value in (0, 1) and isinstance(value, int):
            return bool(value)
        if isinstance(value, str) and value.lower() in FLAG_WORDS:
            return FLAG_WORDS[value.lower()]
        raise ValidationError(f"expected true or false, got {value!r}")
