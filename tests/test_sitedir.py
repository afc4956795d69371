"""The site folder under real builds: one build at a time, a swap that leaves a whole site in place, a mount
point, every command that writes site_dir refusing a folder it did not make, and write failures said plainly."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitekit import ENV, MINI, copy_project, mkdocs_build, output, run

from generator import sitedir

ROOT = os.geteuid() == 0


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """The mini project and the file list of one good build of it."""
    tmp = tmp_path_factory.mktemp("sitedir")
    project = copy_project(MINI, tmp / "project")
    site = tmp / "reference"
    proc = mkdocs_build(project, site)
    assert proc.returncode == 0, output(proc)
    return project, _files(site)


def _build_proc(project: Path, site: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d",
                             str(site), *extra], cwd=project, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


# 7. Builds that collide or tear -------------------------------------------------------------------------------

def test_a_second_build_waits_for_the_first(built: tuple[Path, set[str]], tmp_path: Path) -> None:
    project, files = built
    site = tmp_path / "site"
    lock = tmp_path / ".site.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a running build holds it
    proc = _build_proc(project, site)
    try:
        time.sleep(3)
        assert proc.poll() is None, "the build must wait while another one holds the lock"
        assert not site.exists() and not (tmp_path / ".site.staging").exists(), "and touch nothing meanwhile"
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0 and "another build" in out, out
    assert _files(site) == files


def test_simultaneous_builds_both_leave_a_complete_site(built: tuple[Path, set[str]], tmp_path: Path) -> None:
    project, files = built
    site = tmp_path / "site"
    procs = [_build_proc(project, site) for _ in range(2)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert not any("Traceback" in o for o in outs), outs
    assert _files(site) == files
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


def test_the_swap_is_one_exchange_so_a_site_is_always_there(tmp_path: Path) -> None:
    final, staging = tmp_path / "site", tmp_path / ".site.staging"
    final.mkdir()
    (final / "index.html").write_text("old")
    staging.mkdir()
    (staging / "index.html").write_text("new")
    inode = staging.stat().st_ino
    assert sitedir.swap_in(staging, final) == "exchanged"  # Linux, local filesystem: renameat2 EXCHANGE
    assert final.stat().st_ino == inode and (final / "index.html").read_text() == "new"
    assert not staging.exists() and (final / sitedir.MARKER).exists()


def test_a_build_killed_mid_swap_leaves_the_old_site_for_the_next_build(built: tuple[Path, set[str]],
                                                                         tmp_path: Path) -> None:
    """Where there is no exchange, the swap is two renames: killed between them, the old site is only at
    .site.old; the next build, even a failing one, puts it back first."""
    project, files = built
    project = copy_project(project, tmp_path / "project")
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    site.rename(tmp_path / ".site.old")  # the state after the first rename
    beta = project / "briefings" / "beta-holds.yml"
    beta.write_text(beta.read_text().replace("    by: vlad", "    by: vladd"))
    proc = mkdocs_build(project, site)
    assert proc.returncode != 0 and "last good site is untouched" in proc.stdout + proc.stderr, output(proc)
    assert _files(site) == files, "the last good site is back in place"


def test_the_fallback_and_the_mount_point_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    final, staging = tmp_path / "site", tmp_path / ".site.staging"
    for where, names in ((final, ["index.html", "gone.html", "sub/old.html", "was-a-dir/x"]),
                         (staging, ["index.html", "new.html", "sub/new.html", "was-a-dir"])):
        for name in names:
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            (where / name).write_text(f"{where.name}:{name}")

    def busy(a: Path, b: Path) -> None:
        raise OSError(errno.EBUSY, "Device or resource busy", str(b))

    monkeypatch.setattr(sitedir, "_exchange", busy)  # as rename(2) answers for a mount point
    assert sitedir.swap_in(staging, final) == "copied"
    assert _files(final) == {"index.html", "new.html", "sub/new.html", "was-a-dir", sitedir.MARKER}
    assert (final / "index.html").read_text() == ".site.staging:index.html" and not staging.exists()

    staging.mkdir()
    (staging / "index.html").write_text("newer")

    def unsupported(a: Path, b: Path) -> None:
        raise OSError(errno.EINVAL, "Invalid argument", str(b))

    monkeypatch.setattr(sitedir, "_exchange", unsupported)  # no RENAME_EXCHANGE on this filesystem
    assert sitedir.swap_in(staging, final) == "renamed"
    assert (final / "index.html").read_text() == "newer" and not (tmp_path / ".site.old").exists()


@pytest.fixture
def tmpfs(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A small filesystem mounted for the test (needs root); skipped where it cannot be mounted."""
    mnt = tmp_path / "vol"
    mnt.mkdir()
    if not ROOT or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mnt)],
                                  capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_site_dir_as_a_mount_point(built: tuple[Path, set[str]], tmpfs: Path) -> None:
    project, files = built
    for _ in range(2):  # the first build fills the empty mount point, the second replaces its contents
        proc = mkdocs_build(project, tmpfs)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, output(proc)
        assert os.path.ismount(tmpfs) and _files(tmpfs) == files | {sitedir.MARKER}


# 10. Write failures: a clear error, the old site kept ------------------------------------------------------------

def test_disk_full_is_a_clear_error_and_keeps_the_site(built: tuple[Path, set[str]], tmpfs: Path) -> None:
    project, files = built
    site = tmpfs / "site"
    assert mkdocs_build(project, site).returncode == 0
    filler = tmpfs / "filler"
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True, check=False)
    proc = mkdocs_build(project, site)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, output(proc)
    assert "the disk is full" in proc.stderr, output(proc)
    assert _files(site) == files | {sitedir.MARKER}
    filler.unlink()
    assert not (tmpfs / ".site.staging").exists()


def test_an_immutable_site_is_a_clear_error_and_kept(built: tuple[Path, set[str]], tmp_path: Path) -> None:
    project, files = built
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    if not ROOT or subprocess.run(["chattr", "+i", str(site)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i needs root and a filesystem that has it")
    try:
        proc = mkdocs_build(project, site)
    finally:
        subprocess.run(["chattr", "-i", str(site)], check=False)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, output(proc)
    assert "read-only or immutable" in proc.stderr, output(proc)
    assert _files(site) == files | {sitedir.MARKER}


# 8. Every command that writes site_dir refuses a folder it did not make -----------------------------------------

@pytest.mark.parametrize("command", [["build"], ["build", "--dirty"], ["gh-deploy", "--no-history"]])
def test_no_command_overwrites_a_folder_it_did_not_make(built: tuple[Path, set[str]], tmp_path: Path,
                                                         command: list[str]) -> None:
    project, _ = built
    project = copy_project(project, tmp_path / "project")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    site = project / "site"
    site.mkdir()
    (site / "precious.txt").write_text("mine")
    proc = run([sys.executable, "-m", "mkdocs", *command, "-d", str(site)], cwd=project)
    assert proc.returncode != 0 and "was not made by a briefings build" in proc.stdout + proc.stderr, output(proc)
    assert [p.name for p in site.iterdir()] == ["precious.txt"] and "Traceback" not in proc.stderr
    if command[0] == "gh-deploy":
        branches = subprocess.run(["git", "branch", "-a"], cwd=project, capture_output=True, text=True).stdout
        assert "gh-pages" not in branches


def test_dirty_build_of_our_own_site_still_works(built: tuple[Path, set[str]], tmp_path: Path) -> None:
    project, files = built
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    proc = mkdocs_build(project, site, "--dirty", "--no-strict")  # MkDocs warns of --dirty itself
    assert proc.returncode == 0, output(proc)
    assert files <= _files(site)
    shutil.rmtree(site)
