"""The site folder of `mkdocs build` and `mkdocs gh-deploy`: one build at a time (a lock beside it), never a
folder we did not make, and a new site put in place only whole.

What holds, exactly:
- Linux on a local filesystem (renameat2 with RENAME_EXCHANGE): the staging folder and site_dir are exchanged
  in one system call, so at every instant site_dir is the complete old site or the complete new one.
- Elsewhere (no exchange): site_dir is renamed to `.<name>.old`, then staging to site_dir. Between the two
  renames site_dir does not exist; the complete old site is at `.<name>.old`, and the next build puts it back
  before anything else.
- site_dir a mount point (a Docker volume: it cannot be renamed): the site is built beside it and its files
  are copied in, each replaced atomically, then files the new site lacks are removed. During that copy the
  folder holds a mix of old and new files, never nothing.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

MARKER = ".briefings-site"
LOCK_WAIT = 600.0  # seconds a build waits for another build of the same site before giving up


class SiteDirError(Exception):
    """A site folder problem, said in the user's terms (the plugin turns it into a clean MkDocs error)."""


def staging_of(final: Path) -> Path:
    return final.with_name(f".{final.name}.staging")


def old_of(final: Path) -> Path:
    return final.with_name(f".{final.name}.old")


def refuse_foreign(final: Path) -> None:
    """Refuse a site_dir that exists and was not made by a briefings build (a non-empty folder without our
    marker, or not a folder at all): the build would empty or overwrite it."""
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        raise SiteDirError(f"site_dir {final} exists and is not a folder; refusing to replace it. Point site_dir "
                           "at a new folder, or delete this yourself.")
    if final.is_dir() and not (final / MARKER).exists() and any(final.iterdir()):
        raise SiteDirError(f"site_dir {final} exists and was not made by a briefings build; refusing to replace "
                           "it. Point site_dir at a new folder, or delete this one yourself.")


class BuildLock:
    """An exclusive lock on `.<site>.lock` beside site_dir, held for the whole build (fcntl: released by the
    system if the process dies)."""

    def __init__(self, final: Path) -> None:
        self.path = final.with_name(f".{final.name}.lock")
        self.fd: int | None = None

    def acquire(self, on_wait: Callable[[str], None], wait: float = LOCK_WAIT) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise SiteDirError(f"cannot create the build lock {self.path}: {e.strerror}") from None
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    on_wait(f"briefings: another build of {self.path.parent} is running (lock {self.path}); "
                            "waiting for it to finish")
                    told = True
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise SiteDirError(f"another build has held {self.path} for {wait:.0f} s; if no build is "
                                       "running, delete that file and build again") from None
                time.sleep(0.1)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def recover(final: Path) -> None:
    """Put back the old site that a build killed between the two renames of the fallback swap left aside."""
    old = old_of(final)
    try:
        if old.is_dir() and not final.exists() and not final.is_symlink():
            old.rename(final)
    except OSError as e:
        raise SiteDirError(_os_message(e, final)) from None


def prepare_staging(final: Path) -> Path:
    """An empty staging folder's path beside site_dir (the leftovers of failed builds removed)."""
    old, staging = old_of(final), staging_of(final)
    try:
        if old.exists():
            shutil.rmtree(old)
        if staging.exists():
            shutil.rmtree(staging)  # a failed or killed build's leftovers: always ours, by this name
    except OSError as e:
        raise SiteDirError(_os_message(e, final)) from None
    return staging


def swap_in(staging: Path, final: Path) -> str:
    """Put the complete site in `staging` in place of site_dir (see the module's docstring for what holds).
    Returns how: 'exchanged', 'renamed' or 'copied'."""
    try:
        (staging / MARKER).write_text("made by a briefings build; the next build replaces this folder\n")
        if final.is_dir() and os.path.ismount(final):
            _copy_into(staging, final)
            shutil.rmtree(staging, ignore_errors=True)
            return "copied"
        if not final.exists():
            staging.rename(final)
            return "renamed"
        try:
            _exchange(staging, final)
        except OSError as e:
            if e.errno in (errno.EBUSY, errno.EXDEV):  # a mount point not seen as one, a bind mount
                _copy_into(staging, final)
                shutil.rmtree(staging, ignore_errors=True)
                return "copied"
            if e.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise
            old = old_of(final)
            final.rename(old)
            staging.rename(final)
            shutil.rmtree(old, ignore_errors=True)
            return "renamed"
        shutil.rmtree(staging, ignore_errors=True)  # the old site, now under the staging name
        return "exchanged"
    except OSError as e:
        raise SiteDirError(_os_message(e, final)) from None


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths in one system call (Linux renameat2 RENAME_EXCHANGE); ENOSYS where there is none."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        raise OSError(errno.ENOSYS, "renameat2 is not available") from None
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(b))


def _copy_into(src: Path, dst: Path) -> None:
    """Make dst hold what src holds, file by file (each replaced atomically), for a folder we cannot rename."""
    keep: set[Path] = set()
    for folder, dirs, files in os.walk(src):
        rel = Path(folder).relative_to(src)
        target = dst / rel
        if target.exists() and not target.is_dir():
            target.unlink()
        target.mkdir(exist_ok=True)
        keep.add(target)
        for name in files:
            out = target / name
            if out.is_dir() and not out.is_symlink():
                shutil.rmtree(out)
            tmp = target / f".{name}.briefings-tmp"
            shutil.copy2(Path(folder) / name, tmp)
            os.replace(tmp, out)
            keep.add(out)
        dirs.sort()
    for folder, dirs, files in os.walk(dst, topdown=False):
        for name in files + dirs:
            path = Path(folder) / name
            if path not in keep:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()


def _os_message(e: OSError, final: Path) -> str:
    why = e.strerror or str(e)
    if e.errno == errno.ENOSPC:
        why += " (the disk is full: free some space)"
    elif e.errno in (errno.EPERM, errno.EACCES, errno.EROFS):
        why += " (the folder or its parent is read-only or immutable: check its permissions and attributes)"
    where = f" ({e.filename})" if e.filename else ""
    return (f"briefings: could not put the new site in place at {final}: {why}{where}. The last good site "
            "is left as it was.")


def os_error_message(e: OSError, final: Path) -> str:
    """A build that failed writing (disk full, read-only): what to tell the user, no traceback."""
    return _os_message(e, final)
