from __future__ import annotations


class InputError(ValueError):
    """A problem with a user's file that stops the whole file from being read (no header, empty...).

    The message always names the file, and the line and field when there is one.
    """

    def __init__(self, path, message: str, line: int | None = None, field: str | None = None,
                 shown: str | None = None):
        self.path, self.line, self.field = str(path), line, field
        self.message, self.shown = message, shown  # shown: text quoted from the file, kept apart (see redacted)
        where = self.path + (f", line {line}" if line is not None else "")
        where += f", field '{field}'" if field else ""
        super().__init__(f"{where}: {message}" + (f" ({shown})" if shown else ""))

    def redacted(self) -> "InputError":
        """The same error without the text quoted from the file (the server never echoes a file's content)."""
        return InputError(self.path, self.message, self.line, self.field)


def row_problem(path, line: int, field: str | None, message: str) -> str:
    """The text of a per-row problem, as it appears in errors.csv."""
    return f"{path}, line {line}" + (f", field '{field}'" if field else "") + f": {message}"
