from ._speed import go
