"""The clean stage: split raw article text into header, body and logged boilerplate."""

from .layout import Cleaned, clean_paragraphs, clean_text

__all__ = ["Cleaned", "clean_paragraphs", "clean_text"]
