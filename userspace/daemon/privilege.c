// SPDX-License-Identifier: GPL-2.0-only
/*
 * privilege.c — least privilege after set-up. The daemon starts with the
 * capabilities of docs/operations.md ("Privileges"), builds everything that
 * needs them (XDP program, AF_XDP sockets, UMEM, io_uring with registered
 * buffers), then:
 *
 *	worker thread: setgroups + setfsgid + setfsuid (this thread only),
 *	               empty capability sets, PR_SET_NO_NEW_PRIVS
 *	main thread:   PRIVILEGE_MAIN_CAPS only, PR_SET_NO_NEW_PRIVS
 *
 * Credentials are per thread in the kernel; glibc's setuid() and
 * setgroups() wrappers copy a change to every thread, so this file calls
 * the setgroups system call itself, and setfsuid()/setfsgid(), which glibc
 * does not broadcast. io_uring takes the submitting thread's credentials
 * with each request, so opens a worker queues are checked as its fsuid.
 *
 * Called by daemon.c (resolve, drop_main) and worker.c (drop_worker).
 */
#include "daemon/privilege.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/caps.h"
#include "common/log.h"

/*
 * What the main thread still needs after set-up: detaching (netlink:
 * CAP_NET_ADMIN; finding the program by id: CAP_SYS_ADMIN; libxdp loading
 * a new dispatcher for the programs that stay: CAP_BPF, CAP_PERFMON,
 * CAP_NET_ADMIN), attaching again and endpoint changes on reload (the same).
 * Not kept: CAP_NET_RAW and CAP_IPC_LOCK (sockets and UMEM exist already),
 * CAP_SETUID/CAP_SETGID (the workers switched already), CAP_CHOWN (the
 * control socket is made at set-up).
 */
static const unsigned int privilege_main_caps[] = {
	CAP_NET_ADMIN,
	CAP_BPF,
	CAP_PERFMON,
	CAP_SYS_ADMIN,
};

static int privilege_lookup(const char *name, struct privilege_user *out)
{
	char buf[4096];
	struct passwd pw, *res = NULL;
	int n = PRIVILEGE_MAX_GROUPS;
	int err;

	err = getpwnam_r(name, &pw, buf, sizeof(buf), &res);
	if (err || !res)
		return err ? -err : -ENOENT;
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->uid = pw.pw_uid;
	out->gid = pw.pw_gid;
	if (getgrouplist(name, pw.pw_gid, out->groups, &n) < 0) {
		pr_warn("user %s is in more than %d groups; its files are read with the first %d",
			name, PRIVILEGE_MAX_GROUPS, PRIVILEGE_MAX_GROUPS);
		n = PRIVILEGE_MAX_GROUPS;
	}
	out->ngroups = n;
	return 0;
}

int privilege_user_resolve(const char *name, struct privilege_user *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = privilege_lookup(name, out);
	if (err == -ENOENT && !strcmp(name, PRIVILEGE_DEFAULT_USER)) {
		pr_info("user %s does not exist (the package creates it: adduser --system "
			"--group %s); workers read files as nobody",
			name, name);
		err = privilege_lookup("nobody", out);
	}
	if (err) {
		pr_err("--user %s: %s; give an existing user (getent passwd %s)", name,
		       err == -ENOENT ? "no such user" : strerror(-err), name);
		return err;
	}
	if (!out->uid)
		pr_warn("--user %s: workers read files as root (still without capabilities, so "
			"only mode bits let them read); give an unprivileged user",
			name);
	return 0;
}

int privilege_drop_worker(const struct privilege_user *u)
{
	int err = 0;

	/* The system call itself: glibc's setgroups() would change every thread. */
	if (syscall(SYS_setgroups, (size_t)u->ngroups, u->groups) &&
	    !(errno == EPERM && u->uid == getuid())) {
		err = -errno;
		pr_err("cannot take the groups of %s: %s; " XDPSERVE_CAPS_HINT("CAP_SETGID"),
		       u->name, strerror(errno));
		goto out;
	}
	setfsgid(u->gid);
	if ((gid_t)setfsgid((gid_t)-1) != u->gid) {
		err = -EPERM;
		pr_err("cannot read files as group %u: " XDPSERVE_CAPS_HINT("CAP_SETGID"),
		       (unsigned int)u->gid);
		goto out;
	}
	setfsuid(u->uid);
	if ((uid_t)setfsuid((uid_t)-1) != u->uid) {
		err = -EPERM;
		pr_err("cannot read files as %s: " XDPSERVE_CAPS_HINT("CAP_SETUID"), u->name);
		goto out;
	}
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_apply(CAPNG_SELECT_CAPS)) {
		err = -EPERM;
		pr_err("cannot drop the capabilities of a worker thread");
		goto out;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		err = -errno;
		pr_err("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	}
out:
	return err;
}

int privilege_drop_main(void)
{
	bool have[sizeof(privilege_main_caps) / sizeof(privilege_main_caps[0])];
	char kept[128] = "";
	size_t len = 0;

	if (capng_get_caps_process()) {
		pr_err("cannot read the capabilities of the main thread");
		return -EPERM;
	}
	for (size_t i = 0; i < sizeof(have) / sizeof(have[0]); i++)
		have[i] = capng_have_capability(CAPNG_PERMITTED, privilege_main_caps[i]);
	capng_clear(CAPNG_SELECT_CAPS);
	for (size_t i = 0; i < sizeof(have) / sizeof(have[0]); i++) {
		const char *cname;

		if (!have[i])
			continue;
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, privilege_main_caps[i]);
		cname = capng_capability_to_name(privilege_main_caps[i]);
		if (len < sizeof(kept))
			len += (size_t)snprintf(kept + len, sizeof(kept) - len, " cap_%s",
						cname ? cname : "?");
	}
	if (capng_apply(CAPNG_SELECT_CAPS)) {
		pr_err("cannot drop the capabilities of the main thread");
		return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		pr_err("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -errno;
	}
	pr_info("main thread keeps%s", kept[0] ? kept : " no capabilities");
	return 0;
}
