"""Evaluation harnesses on public labelled data: readers, metrics, baselines.

Uses the library, never the reverse. Each task module exposes
``evaluate(path, settings, predictions=None, **options) -> dict`` (the exact
``--json`` object of its ``storyline eval`` command) and ``report_text(result)``.
"""
