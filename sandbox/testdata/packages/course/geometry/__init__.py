from .shapes import Rect, area

__all__ = ["Rect", "area"]
