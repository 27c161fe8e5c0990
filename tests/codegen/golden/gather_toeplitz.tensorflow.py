# ruff: noqa
# mypy: ignore-errors
# refused: tensorflow: the access a(...) needs a gather with index arithmetic that is not a slice; not supported for this target
