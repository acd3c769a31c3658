"""The public surface: one sorted, complete __all__; the library never configures logging."""

from __future__ import annotations

import logging

import storyline
from storyline import errors, records


def test_all_is_sorted_and_complete() -> None:
    assert storyline.__all__ == sorted(storyline.__all__)
    for name in storyline.__all__:
        assert hasattr(storyline, name), name
    public_errors = {n for n in vars(errors) if n.endswith(("Error", "Found"))}
    assert public_errors <= set(storyline.__all__)


def test_records_are_frozen_slotted_and_documented() -> None:
    import dataclasses

    for name in (
        "Article",
        "Sentence",
        "Mention",
        "Quote",
        "Analysis",
        "Citation",
        "SummarySentence",
        "Entity",
        "StoryQuote",
        "Story",
        "RawDocument",
    ):
        cls = getattr(records, name)
        assert dataclasses.is_dataclass(cls)
        assert cls.__dataclass_params__.frozen, name  # type: ignore[attr-defined]
        assert hasattr(cls, "__slots__"), name
        assert cls.__doc__ and cls.__doc__.strip(), name


def test_library_only_adds_a_null_handler() -> None:
    handlers = logging.getLogger("storyline").handlers
    assert handlers and all(isinstance(h, logging.NullHandler) for h in handlers)


def test_error_tree_carries_its_source() -> None:
    err = errors.InputError("feeds/a.xml", "not a feed")
    assert isinstance(err, errors.StorylineError)
    assert (err.source, err.reason, str(err)) == (
        "feeds/a.xml",
        "not a feed",
        "feeds/a.xml: not a feed",
    )
    assert str(errors.NotFound("story", "abc")) == "no story with id 'abc'"
