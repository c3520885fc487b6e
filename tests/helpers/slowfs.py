#!/usr/bin/python3
# slowfs.py — a small FUSE file system for end-to-end tests of slow and
# failing disks (this machine has no device-mapper): a read-only
# passthrough of BACKING at MOUNTPOINT in which a file's name says how its
# disk misbehaves:
#
#   *slow-open*   open() sleeps DELAY seconds
#   *slow-read*   every read() sleeps DELAY seconds
#   *fail-open*   open() fails with EIO
#   *fail-read*   read() fails with EIO
#
# Everything else passes straight through. Multi-threaded, so a sleeping
# call never holds up another file's. Runs in the foreground until it is
# killed or the file system is unmounted.
#
#   slowfs.py BACKING MOUNTPOINT [DELAY]
import errno
import os
import sys
import time

import fusepy


class SlowFS(fusepy.Operations):
    def __init__(self, backing, delay):
        self.backing = backing
        self.delay = delay

    def _path(self, path):
        return os.path.join(self.backing, path.lstrip("/"))

    def getattr(self, path, fh=None):
        st = os.lstat(self._path(path))
        keys = ("st_mode", "st_nlink", "st_size", "st_uid", "st_gid",
                "st_atime", "st_mtime", "st_ctime", "st_ino")
        return {k: getattr(st, k) for k in keys}

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._path(path))

    def readlink(self, path):
        return os.readlink(self._path(path))

    def open(self, path, flags):
        name = os.path.basename(path)
        if "fail-open" in name:
            raise fusepy.FuseOSError(errno.EIO)
        if "slow-open" in name:
            time.sleep(self.delay)
        return os.open(self._path(path), os.O_RDONLY)

    def read(self, path, size, offset, fh):
        name = os.path.basename(path)
        if "fail-read" in name:
            raise fusepy.FuseOSError(errno.EIO)
        if "slow-read" in name:
            time.sleep(self.delay)
        return os.pread(fh, size, offset)

    def release(self, path, fh):
        os.close(fh)
        return 0


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: slowfs.py BACKING MOUNTPOINT [DELAY]")
    delay = float(sys.argv[3]) if len(sys.argv) == 4 else 3.0
    fusepy.FUSE(SlowFS(os.path.abspath(sys.argv[1]), delay), sys.argv[2],
                foreground=True, nothreads=False, ro=True, allow_other=True,
                direct_io=True)


if __name__ == "__main__":
    main()
