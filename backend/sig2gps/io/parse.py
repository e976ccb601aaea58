"""Row-level parsing shared by the CSV readers: one damaged row never costs the rest of a file.

A CSV file is read line by line from its bytes, so a byte the encoding cannot decode, a field too long
for the csv module, or a quote that is never closed spoils only the row it is on: `iter_rows` yields that
row with a `problem` (field, message) and goes on with the next line. The readers then drop the trace the
row belongs to and name file, line and field. No field of the project's formats may hold a line break, so
a record never spans lines (an open quote at the end of a line is reported, not followed to the end of
the file).
"""
from __future__ import annotations

import codecs
import csv
import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from .errors import InputError

MAX_LINE_CHARS = 131_072  # the csv module's own field limit; a longer line is one bad row, not a lost file
# Plausible signaling times: 1970-01-01 .. 2100-01-01 UTC (Unix seconds). A value beyond is a unit mistake
# or a damaged field; taken as seconds it would make the methods sample millions of years.
T_MIN, T_MAX = 0.0, 4_102_444_800.0
TIME_UNITS = ("auto", "s", "ms")
DELIMITERS = (",", ";", "\t", "|")
ENCODING_HINT = ("save the file as UTF-8, or pass --encoding with its encoding (for example --encoding cp1252, "
                 "latin-1 or gbk)")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a user's files (the CLI's --encoding, --time-unit and --max-gap)."""

    encoding: str | None = None  # None: UTF-8, or UTF-16/32 when the file starts with their byte order mark
    time_unit: str = "auto"  # numeric timestamps: "s", "ms", or "auto" (values only plausible as ms are ms)
    max_gap_s: float | None = 1800.0  # a trace is split into pieces at longer silences; None or 0: never

    def __post_init__(self):
        if self.time_unit not in TIME_UNITS:
            raise ValueError(f"time unit {self.time_unit!r}: expected one of {', '.join(TIME_UNITS)}")
        if self.max_gap_s is not None and not (self.max_gap_s >= 0 and math.isfinite(self.max_gap_s)):
            raise ValueError(f"max gap {self.max_gap_s!r}: expected a number of seconds >= 0")
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ValueError(f"unknown encoding {self.encoding!r} (try utf-8, cp1252, latin-1, gbk)") from None


DEFAULT_READ = ReadOptions()


def show(text, limit: int = 40) -> str:
    """A value quoted in an error message, cut short: a damaged 15 kB field must not become a 15 kB message."""
    s = repr(text)
    return s if len(s) <= limit else s[: limit - 4] + "...'"


# ---------------------------------------------------------------- values
def _iso(text: str) -> float:
    s = text.strip()
    try:
        d = datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"unparseable timestamp {show(text)} (expected Unix seconds or ISO 8601 with zone)")
    if d.tzinfo is None:
        raise ValueError(f"timestamp {show(text)} has no time zone (add 'Z' or an offset like +02:00)")
    return d.timestamp()


def check_time(v: float, unit: str = "auto", text=None) -> tuple[float, bool]:
    """A numeric timestamp -> (Unix seconds, whether it was read as milliseconds). Raises ValueError
    for NaN/inf and for times outside 1970..2100 in the chosen unit."""
    if T_MIN <= v <= T_MAX and unit != "ms":  # the common case, first
        return v, False
    shown = show(text if text is not None else v)
    if not math.isfinite(v):
        raise ValueError(f"timestamp {shown} is not finite")
    ms = unit == "ms" or (unit == "auto" and T_MIN <= v / 1000 <= T_MAX)
    s = v / 1000 if ms else v
    if not (T_MIN <= s <= T_MAX):
        hint = ""
        if unit == "s" and T_MIN <= v / 1000 <= T_MAX:
            hint = " (it looks like milliseconds: pass --time-unit ms)"
        elif unit == "ms" and T_MIN <= v <= T_MAX:
            hint = " (it looks like seconds: pass --time-unit s)"
        what = "milliseconds" if ms else "seconds"
        raise ValueError(f"timestamp {shown} is outside 1970..2100 as Unix {what}{hint}")
    return s, ms


def parse_time(text: str, unit: str = "auto") -> tuple[float, bool]:
    """Unix seconds or milliseconds (see check_time), or ISO 8601 with an explicit zone -> (seconds, was_ms)."""
    s = (text or "").strip()
    if not s:
        raise ValueError("empty timestamp")
    try:
        v = float(s)
    except ValueError:
        return check_time(_iso(s), "s", text)
    return check_time(v, unit, text)


def parse_timestamp(text: str, unit: str = "auto") -> float:
    """Unix seconds (or ms, see check_time), or ISO 8601 with an explicit zone ('Z' or +hh:mm). Raises ValueError."""
    return parse_time(text, unit)[0]


def parse_coord(text: str, kind: str) -> float:
    s = (text or "").strip()
    if not s:
        raise ValueError(f"empty {kind}")
    try:
        v = float(s)
    except ValueError:
        hint = " (decimal comma? write 24.93, not 24,93)" if "," in s else ""
        raise ValueError(f"{kind} {show(text)} is not a number{hint}")
    lim = 180.0 if kind == "lon" else 90.0
    if not (-lim <= v <= lim):  # NaN fails this too
        raise ValueError(f"{kind} {show(v)} outside [-{lim:g}, {lim:g}]")
    return v


# ---------------------------------------------------------------- rows
@dataclass(slots=True)
class Row:
    """One data row. With a `problem` (field, message) the row could not be read; `values` then holds
    what a plain split of the line gives (enough to know which trace the row belongs to)."""

    line: int
    values: dict
    problem: tuple[str | None, str] | None = None


class _Unclosed(Exception):
    """The csv reader asked for the next line in the middle of a record: a quote was left open."""


class _TooLong(Exception):
    pass


_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


class _Lines:
    """Decoded lines of a byte stream, for csv.reader; remembers the line number, the byte offset and
    where a line did not decode, and refuses to hand a record a second line (see _Unclosed)."""

    def __init__(self, raw, encoding: str, offset: int):
        self.raw, self.encoding, self.offset = raw, encoding, offset
        self.line, self.text, self.bad, self.pending = 0, "", None, False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pending:
            self.pending = False
            raise _Unclosed
        raw = next(self.raw)
        self.line += 1
        start = self.offset
        self.offset += len(raw)
        self.bad = None
        try:
            text = raw.decode(self.encoding)
        except UnicodeDecodeError as e:
            text = raw.decode(self.encoding, "surrogateescape")
            self.bad = (start + e.start, raw[e.start])
        except AttributeError:  # already text (UTF-16/32 files are decoded as a stream)
            text = raw
        self.text = text
        if len(text) > MAX_LINE_CHARS:
            raise _TooLong
        self.pending = True
        return text


def _open_lines(path: Path, encoding: str | None, warnings: list | None) -> tuple[_Lines, str]:
    try:
        f = open(path, "rb")
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file")
    except OSError as e:
        raise InputError(path, f"cannot open the file ({e.strerror})")
    head = f.read(4)
    enc, skip = encoding or "utf-8", 0
    if encoding is None:  # a byte order mark says what the file is; UTF-16/32 codecs consume their own
        for bom, name in _BOMS:
            if head.startswith(bom):
                enc, skip = name, (len(bom) if name == "utf-8" else 0)
                if warnings is not None and name != "utf-8":
                    warnings.append(f"{path}: read as {name} (the file starts with its byte order mark)")
                break
    elif codecs.lookup(encoding).name == "utf-8" and head.startswith(codecs.BOM_UTF8):
        skip = len(codecs.BOM_UTF8)
    f.seek(skip)
    if codecs.lookup(enc).name.startswith(("utf-16", "utf-32")):
        import io

        # not ASCII-compatible: decoded as a stream (a bad byte then stops the file, with its line number)
        return _Lines(_decoded(path, io.TextIOWrapper(f, encoding=enc, newline="")), enc, 0), enc
    return _Lines(_physical_lines(f), enc, skip), enc


_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")


def _physical_lines(f):
    """Byte lines ending in \n, \r\n or a lone \r (old Mac files), like universal newlines."""
    with f:
        for raw in f:
            if b"\r" in raw[:-2]:
                yield from (p for p in _LONE_CR.split(raw) if p)
            else:
                yield raw


def _decoded(path, text):
    n = 0
    try:
        with text:
            for line in text:
                n += 1
                yield line
    except UnicodeDecodeError as e:
        raise InputError(path, f"not valid {e.encoding} after line {n} ({e.reason}); {ENCODING_HINT}", line=n + 1)


def _split(text: str, delimiter: str) -> list[str]:
    """A plain split of a line that the csv module could not parse (quotes stripped): good enough to find
    which trace the row belongs to."""
    return [p.strip().strip('"').strip() for p in text.rstrip("\r\n").split(delimiter)]


def _sniff(header_text: str, required: list[str]) -> tuple[str, list[str]]:
    """The delimiter whose split of the header holds every required column (',' first), else ','."""
    for d in DELIMITERS:
        cols = next(csv.reader([header_text], delimiter=d), [])
        norm = [h.strip().lower() for h in cols]
        if all(c in norm for c in required):
            return d, cols
    return ",", next(csv.reader([header_text]), [])


_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "'|'"}


def iter_rows(path, required: list[str], optional: list[str] = (), encoding: str | None = None,
              warnings: list | None = None) -> Iterator[Row]:
    """Yield every data row of a CSV whose header must contain the `required` columns.

    Column names are matched case-insensitively and stripped; the delimiter may be ',', ';', tab or '|'
    (found from the header). File-level problems (missing or empty file, missing column, an undecodable
    header) raise InputError naming the file, line and field; a row-level problem comes back as
    Row.problem and reading goes on.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    src, enc = _open_lines(path, encoding, warnings)
    with _closing(src.raw):
        try:
            header_text = next(src)
        except StopIteration:
            raise InputError(path, "file is empty (expected a header: " + ",".join(required) + ")", line=1)
        except _TooLong:
            raise InputError(path, f"the header line is longer than {MAX_LINE_CHARS} characters "
                                   "(is this a CSV file?)", line=1)
        src.pending = False
        header_text = header_text.lstrip("\ufeff")  # a BOM left by an explicit --encoding utf-16-le and the like
        if src.bad is not None:
            off, byte = src.bad
            raise InputError(path, f"byte 0x{byte:02x} at byte offset {off} is not valid {enc}; {ENCODING_HINT}",
                             line=1)
        try:
            delimiter, header = _sniff(header_text, required)
        except csv.Error as e:
            raise InputError(path, f"the header is not a line of CSV ({e})", line=1) from None
        norm = [h.strip().lower() for h in header]
        for col in required:
            if col not in norm:
                hint = ""
                counts = {d: header_text.count(d) for d in DELIMITERS}
                best = max(counts, key=counts.get)
                if best != "," and counts[best] > header_text.count(","):
                    hint = f"; the header is separated by {_NAMES[best]}, not commas"
                named = [h.strip() for h in header if h.strip()]
                shown = "columns: " + ", ".join(show(h, 30) for h in named[:12]) + (" ..." if len(named) > 12 else "")
                raise InputError(path, f"missing column (need {','.join(required)}; the header has {len(named)} "
                                       f"named column(s){hint})", line=1, field=col, shown=shown)
        if delimiter != "," and warnings is not None:
            warnings.append(f"{path}: columns are separated by {_NAMES[delimiter]} (read as such)")
        idx = {c: norm.index(c) for c in list(required) + [c for c in optional if c in norm]}
        reader = csv.reader(src, delimiter=delimiter, strict=True)
        n_rows = skipped_bytes = 0
        while True:
            problem = None
            try:
                row = next(reader)
            except StopIteration:
                break
            except _Unclosed:
                pos = src.text.find('"')
                col = src.text[:max(pos, 0)].count(delimiter)
                problem = (_name(header, col), "a quote opens a field that is not closed on this line")
                row = _split(src.text, delimiter)
            except _TooLong:
                parts = _split(src.text[:MAX_LINE_CHARS], delimiter)
                col = max(range(len(parts)), key=lambda i: len(parts[i]))
                problem = (_name(header, col), f"line of {len(src.text)} characters is longer than "
                                               f"{MAX_LINE_CHARS} (a damaged row?)")
                row = [p[:200] for p in parts]
            except csv.Error as e:
                src.pending = False
                problem = (None, f"malformed CSV row ({e})")
                row = _split(src.text, delimiter)
            src.pending = False
            if problem is None and (not row or not "".join(row).strip()):
                continue
            n_rows += 1
            if len(row) < len(header):
                row = row + [""] * (len(header) - len(row))
            values = {c: row[i] for c, i in idx.items()}
            if problem is None and src.bad is not None:
                off, byte = src.bad
                col = next((i for i, v in enumerate(row) if _has_escape(v)), None)
                if col is not None and col not in idx.values():
                    skipped_bytes += 1  # in a column no reader uses: harmless, said once at the end
                else:
                    problem = (_name(header, col), f"byte 0x{byte:02x} at byte offset {off} is not valid {enc}; "
                                                   f"{ENCODING_HINT}")
            if problem is not None:
                values = {c: _clean(v) for c, v in values.items()}
            yield Row(src.line, values, problem)
        if n_rows == 0:
            raise InputError(path, "file has a header but no data rows", line=2)
        if skipped_bytes and warnings is not None:
            warnings.append(f"{path}: {skipped_bytes} row(s) hold bytes that are not valid {enc} in columns that "
                            f"are not read; {ENCODING_HINT}")


def iter_csv(path, required: list[str], optional: list[str] = (), encoding: str | None = None
             ) -> Iterator[tuple[int, dict]]:
    """(line, row dict) of every data row; a row that cannot be read raises InputError (for tables where
    one bad row makes the whole table untrustworthy, such as the cells table)."""
    for row in iter_rows(path, required, optional, encoding):
        if row.problem is not None:
            raise InputError(path, row.problem[1], line=row.line, field=row.problem[0])
        yield row.line, row.values


def _name(header: list[str], col) -> str | None:
    if col is None or col >= len(header):
        return None
    return header[col].strip().lower() or None


def _has_escape(v: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in v)


def _clean(v: str) -> str:
    """A value of a bad row, made printable (undecodable bytes shown as U+FFFD) and short."""
    v = v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _has_escape(v) else v
    return v[:200]


class _closing:
    def __init__(self, f):
        self.f = f

    def __enter__(self):
        return self.f

    def __exit__(self, *exc):
        self.f.close()

