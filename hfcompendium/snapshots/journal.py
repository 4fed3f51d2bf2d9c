"""Crash-safe storage of a crawl in progress: append-only JSON lines plus a checkpoint.

A crawl appends each page of records to `<stem>.jsonl` (written, flushed and
fsynced) and only then replaces `<stem>.checkpoint.json` atomically. The
checkpoint records how many bytes of the lines file are complete, with whatever
the crawler needs to continue (the next URL, a page number, a count).

On reopening, bytes past the checkpointed length are cut off: they belong to a
page whose checkpoint was never written (the process died in between), and
that page is fetched again. So a crash or Ctrl-C loses at most one page, and a
rerun continues with neither duplicates nor gaps.
"""

from __future__ import annotations

import datetime as dt

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

BLOCK_BYTES = 16 << 20      # bytes read at a time by `iter_blocks`
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def json_line(record) -> bytes:
    """A record as one line of compact UTF-8 JSON.

    Text with a lone surrogate (a broken emoji, "\\ud83d" alone) cannot be written as UTF-8;
    such a record is written with ASCII escapes instead, so it is kept exactly as received."""
    try:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        return json.dumps(record, ensure_ascii=True, separators=(",", ":")).encode()


def tolerant_json(line: bytes):
    """A JSON line decoded even if it holds bytes that are not UTF-8 or escapes of lone surrogates:
    both become U+FFFD, so the text can go into tables. Raises ValueError if it is not JSON."""
    value = json.loads(line.decode("utf-8", "replace"))
    return _without_lone_surrogates(value) if _SURROGATE_ESCAPE.search(line) else value


def _without_lone_surrogates(value):
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def write_json_atomically(target: Path, payload: dict) -> None:
    """Write JSON to a temporary file beside `target`, fsync it, then rename it over `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=1, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


class Journal:
    """One stream of raw records (`<directory>/<stem>.jsonl`) and its checkpoint."""

    def __init__(self, directory: Path, stem: str):
        self.directory = Path(directory)
        self.lines_path = self.directory / f"{stem}.jsonl"
        self.checkpoint_path = self.directory / f"{stem}.checkpoint.json"

    def resume(self) -> dict | None:
        """The last checkpoint (None for a fresh crawl), after cutting off any unfinished page."""
        if not self.checkpoint_path.exists():
            if self.lines_path.exists():
                self.lines_path.unlink()  # lines without a checkpoint: the first page never finished
            return None
        state = json.loads(self.checkpoint_path.read_text(encoding="utf-8"))
        complete = int(state.get("bytes", 0))
        size = self.lines_path.stat().st_size if self.lines_path.exists() else 0
        if size < complete:
            raise RuntimeError(
                f"{self.lines_path} is shorter ({size} bytes) than its checkpoint says ({complete} bytes): "
                "the raw records were changed outside the crawler. Delete the folder "
                f"{self.directory} and capture again."
            )
        if size > complete:
            with open(self.lines_path, "r+b") as handle:
                handle.truncate(complete)
                handle.flush()
                os.fsync(handle.fileno())
        return state

    def append(self, lines: Iterable[bytes], state: dict) -> dict:
        """Durably append encoded JSON lines (each without its newline), then checkpoint `state`."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.lines_path, "ab") as handle:
            for line in lines:
                handle.write(line)
                handle.write(b"\n")
            handle.flush()
            os.fsync(handle.fileno())
            end = handle.tell()
        state = {**state, "bytes": end}
        write_json_atomically(self.checkpoint_path, state)
        return state

    def checkpoint(self, state: dict) -> dict:
        """Record a new state without new lines (for example: the crawl is done)."""
        size = self.lines_path.stat().st_size if self.lines_path.exists() else 0
        state = {**state, "bytes": size}
        write_json_atomically(self.checkpoint_path, state)
        return state

    def iter_lines(self) -> Iterable[bytes]:
        """The complete lines, as bytes without newline (stops at the checkpointed length)."""
        if not self.lines_path.exists():
            return
        limit = self._complete_bytes()
        read = 0
        with open(self.lines_path, "rb") as handle:
            for line in handle:
                read += len(line)
                if read > limit:
                    break
                stripped = line.rstrip(b"\n")
                if stripped:
                    yield stripped

    def iter_blocks(self, block_bytes: int = BLOCK_BYTES) -> Iterator[bytes]:
        """The complete lines in blocks of about `block_bytes`, each block ending with a newline.

        Converters decode a whole block at once, which is much faster than line by line."""
        if not self.lines_path.exists():
            return
        limit = self._complete_bytes()
        with open(self.lines_path, "rb") as handle:
            carry = b""
            while limit > 0:
                chunk = handle.read(min(block_bytes, limit))
                if not chunk:
                    break
                limit -= len(chunk)
                data = carry + chunk if carry else chunk
                cut = data.rfind(b"\n") + 1
                if cut:
                    yield data[:cut]
                carry = data[cut:]

    def complete_bytes(self) -> int:
        """How many bytes of the lines file are complete (0 without a checkpoint)."""
        return self._complete_bytes()

    def _complete_bytes(self) -> int:
        if not self.checkpoint_path.exists():
            return 0
        return int(json.loads(self.checkpoint_path.read_text(encoding="utf-8")).get("bytes", 0))


def parse_utc(text) -> dt.datetime | None:
    """An ISO timestamp from a raw record as an aware UTC datetime; None when absent or malformed."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
