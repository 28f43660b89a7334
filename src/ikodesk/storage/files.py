"""Every file ikodesk writes for the user goes through here: owner-only, atomic, no links.

An output file (export, PDF, backup, key-info file, anchor) is first written to a
temporary file with a unique, unpredictable name in the target folder. That file
is created with O_CREAT|O_EXCL|O_NOFOLLOW, so a file or link planted under any
name is never opened, and set to mode 0600 with fchmod, so the umask and the
mode of a planted file do not matter. It is written, fsynced and renamed onto
the target: rename replaces a link at the target, it never follows it. On any
error the temporary file is removed and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC | _O_BINARY


def private_dirs(directory: Path) -> Path:
    """Create `directory` and missing parents with mode 0700; existing folders are kept.

    Only folders made here are given 0700 (the umask cannot widen them);
    a folder that already exists belongs to someone's choice and is not changed.
    """
    directory = Path(directory)
    missing: list[Path] = []
    probe = directory
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=DIR_MODE)
            os.chmod(folder, DIR_MODE)
    return directory


def _create(path: Path) -> int:
    fd = os.open(path, _NEW_FILE_FLAGS, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def create_private_file(path: Path) -> None:
    """Create a new, empty file with mode 0600; refuses any existing name, link or not."""
    os.close(_create(path))


def open_private_log(path: Path, encoding: str) -> io.TextIOWrapper:
    """Open a log file for appending: created 0600, never through a link, kept 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _O_NOFOLLOW | _O_CLOEXEC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "a", encoding=encoding)


def restrict_to_owner(path: Path) -> None:
    """Set a regular file of ours (not a link) to mode 0600; silently skip anything else."""
    with contextlib.suppress(OSError):
        st = os.lstat(path)
        if stat.S_ISREG(st.st_mode) and st.st_mode & 0o077 and st.st_uid == os.getuid():
            os.chmod(path, FILE_MODE, follow_symlinks=False)


def _new_temporary(target: Path, label: str) -> tuple[Path, int]:
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.{label}")
        try:
            return tmp, _create(tmp)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def temporary_sibling(target: Path, label: str = "partial") -> Path:
    """Create a new, empty, owner-only file with a unique name beside `target`."""
    tmp, fd = _new_temporary(Path(target), label)
    os.close(fd)
    return tmp


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | _O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def publish(tmp: Path, target: Path, *, replace: bool = True) -> None:
    """Rename a finished temporary file onto `target` (a link there is replaced).

    With replace=False an existing `target` (file or link) is never replaced:
    FileExistsError instead, decided atomically by link(2) where the file
    system has hard links.
    """
    if replace:
        os.replace(tmp, target)
    else:
        try:
            os.link(tmp, target, follow_symlinks=False)
        except FileExistsError:
            raise
        except OSError:
            if os.path.lexists(target):
                raise FileExistsError(target) from None
            os.replace(tmp, target)
        else:
            os.unlink(tmp)
    _fsync_dir(Path(target).parent)


def is_stream(target: Path) -> bool:
    """True for a pipe, terminal or other character device named directly (not via a link)."""
    try:
        mode = os.lstat(target).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


@contextlib.contextmanager
def safe_output(target: Path, *, replace: bool = True) -> Iterator[BinaryIO]:
    """A binary file that becomes `target` (mode 0600) only when the block succeeds.

    With replace=False an existing `target` is left alone (FileExistsError).
    """
    target = Path(target)
    private_dirs(target.parent)
    tmp, fd = _new_temporary(target, "partial")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        publish(tmp, target, replace=replace)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_private_bytes(target: Path, data: bytes, *, replace: bool = True) -> Path:
    """Write `data` to `target` through `safe_output`."""
    with safe_output(target, replace=replace) as fh:
        fh.write(data)
    return Path(target)


def write_private_text(target: Path, text: str, *, replace: bool = True) -> Path:
    return write_private_bytes(target, text.encode("utf-8"), replace=replace)


def copy_private(source: Path, target: Path) -> Path:
    """Copy `source` to `target` through `safe_output`."""
    with Path(source).open("rb") as src, safe_output(target) as fh:
        while chunk := src.read(1 << 20):
            fh.write(chunk)
    return Path(target)
