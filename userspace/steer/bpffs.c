// SPDX-License-Identifier: GPL-2.0-only
/*
 * bpffs.c — the BPF filesystem the steering program's pins live in.
 *
 * Called by steer.c: steer__attach() makes sure a bpffs is mounted where
 * libxdp looks for one and pins our maps per interface under
 * <bpffs>/xdpserve/<ifname>/, so two interfaces never share an XSKMAP;
 * steer__detach() removes those pins again.
 */
#include "config.h"

#include "steer/steer_internal.h"
#include "common/log.h"
#include "common/caps.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <xdp/libxdp.h>

#define STEER_BPFFS_DEFAULT "/sys/fs/bpf"
#define STEER_PIN_SUBDIR    "xdpserve"

const char *steer_perm_hint(int err)
{
	if ((err == -EPERM || err == -EACCES) && geteuid() != 0)
		return "; " XDPSERVE_CAPS_HINT(XDPSERVE_CAPS_BPF);
	return "";
}

static bool steer_is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

int steer_bpffs_path(char *buf, size_t len)
{
	const char *dir = secure_getenv(XDP_BPFFS_ENVVAR);
	int n;

	if (!dir || !*dir)
		dir = STEER_BPFFS_DEFAULT;
	n = snprintf(buf, len, "%s", dir);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int steer_bpffs_ensure(char *buf, size_t len)
{
	const char *dir = buf;

	if (steer_bpffs_path(buf, len)) {
		pr_err("the bpffs path in $" XDP_BPFFS_ENVVAR " is too long");
		return -ENAMETOOLONG;
	}
	if (steer_is_bpffs(dir))
		return 0;
	if (mount("bpf", dir, "bpf", 0, "mode=0700")) {
		int err = -errno;

		if (geteuid() != 0)
			pr_err("no BPF filesystem at %s and mounting one failed (%s)%s", dir,
			       strerror(-err), steer_perm_hint(err));
		else
			pr_err("no BPF filesystem at %s and mounting one failed (%s); run: mount "
			       "-t "
			       "bpf bpf %s",
			       dir, strerror(-err), dir);
		return err;
	}
	pr_info("mounted a BPF filesystem at %s", dir);
	return 0;
}

int steer_pin_dir(const char *bpffs, const char *ifname, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/" STEER_PIN_SUBDIR "/%s", bpffs, ifname);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int steer_pin_dir_create(const char *dir)
{
	char path[PATH_MAX];
	char *slash;
	int err;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	/* Only the last two levels are ours; the bpffs itself exists. */
	slash = strrchr(path, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (mkdir(path, 0700) && errno != EEXIST)
		goto fail;
	*slash = '/';
	if (mkdir(path, 0700) && errno != EEXIST)
		goto fail;
	return 0;
fail:
	err = -errno;
	pr_err("cannot create the pin directory %s (%s)%s", path, strerror(-err),
	       steer_perm_hint(err));
	return err;
}

/* True when the map pinned at `path` has one of the ids. */
static bool steer_pin_is_ours(const char *path, const uint32_t *ids)
{
	struct bpf_map_info info;
	__u32 info_len = sizeof(info);
	bool ours = false;
	int fd;

	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		for (int i = 0; i < STEER_MAP__MAX; i++)
			ours |= info.id == ids[i];
	}
	close(fd);
	return ours;
}

void steer_pins_remove(const char *dir, const uint32_t *ids)
{
	char path[PATH_MAX];
	char *slash;

	for (int i = 0; i < STEER_MAP__MAX; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, steer_map_names[i]) >=
		    (int)sizeof(path))
			continue;
		if (access(path, F_OK))
			continue;
		if (ids && !steer_pin_is_ours(path, ids))
			continue;
		if (unlink(path))
			pr_warn("cannot remove the pin %s (%s)", path, strerror(errno));
		else
			pr_debug("removed pin %s", path);
	}
	/* Directories go only when empty; ENOTEMPTY and ENOENT are fine. */
	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return;
	rmdir(path);
	slash = strrchr(path, '/');
	if (slash) {
		*slash = '\0';
		rmdir(path);
	}
}
