/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * privilege.h — least privilege after set-up: the user the workers read
 * files as, and the capabilities each thread keeps.
 *
 * Called by daemon.c (resolve the user before anything starts; drop the
 * main thread's capabilities once the workers run) and by worker.c (each
 * worker thread drops everything first thing). docs/operations.md,
 * "Privileges", is the same list in words.
 */
#ifndef XDPSERVE_PRIVILEGE_H
#define XDPSERVE_PRIVILEGE_H

#include <stdbool.h>
#include <sys/types.h>

#define PRIVILEGE_DEFAULT_USER "xdpserve"
#define PRIVILEGE_MAX_GROUPS   32
#define PRIVILEGE_NAME_MAX     64

/* The user the workers act as on the file system. */
struct privilege_user {
	char name[PRIVILEGE_NAME_MAX];
	uid_t uid;
	gid_t gid;
	int ngroups; /* supplementary groups, from the group database */
	gid_t groups[PRIVILEGE_MAX_GROUPS];
};

/*
 * Look `name` up (main thread, before any worker starts). The default
 * user, when it does not exist, becomes "nobody" with a notice; any other
 * unknown name is -ENOENT (logged). "root" is allowed, with a warning.
 */
int privilege_user_resolve(const char *name, struct privilege_user *out);

/*
 * In a worker thread, before it touches a packet or a file: this thread's
 * supplementary groups, fsgid and fsuid become the user's, its capability
 * sets become empty and PR_SET_NO_NEW_PRIVS is set. Other threads keep
 * theirs (every call here is per thread). -errno, logged, on failure.
 */
int privilege_drop_worker(const struct privilege_user *u);

/*
 * In the main thread once the workers run: keep only what detaching,
 * attaching again and reloading need (PRIVILEGE_MAIN_CAPS in privilege.c)
 * and set PR_SET_NO_NEW_PRIVS. -errno, logged, on failure.
 */
int privilege_drop_main(void);

#endif /* XDPSERVE_PRIVILEGE_H */
