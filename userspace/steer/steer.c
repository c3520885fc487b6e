// SPDX-License-Identifier: GPL-2.0-only
/*
 * steer.c — lifecycle of the steering program on one interface: attach
 * through libxdp, find an attached one (libxdp dispatcher or a lone program
 * loaded by ip link), detach, close.
 *
 * Called by the daemon at start and stop and by xdpservectl. The program is
 * always found from the interface: libxdp's view of what is attached ->
 * the program named XDPSERVE_PROG_NAME -> its map ids -> map fds, so pins
 * are a convenience, never the way in. Map access is in maps.c, the BPF
 * filesystem and pins in bpffs.c.
 */
#include "config.h"

#include "steer/steer_internal.h"
#include "common/log.h"
#include "common/caps.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <xdp/libxdp.h>

const char *const steer_map_names[STEER_MAP__MAX] = {
	[STEER_MAP_XSKS] = XDPSERVE_MAP_XSKS_NAME,
	[STEER_MAP_ENDPOINTS] = XDPSERVE_MAP_ENDPOINTS_NAME,
	[STEER_MAP_STATS] = XDPSERVE_MAP_STATS_NAME,
	[STEER_MAP_IFACE] = XDPSERVE_MAP_IFACE_NAME,
	[STEER_MAP_SYN] = XDPSERVE_MAP_SYN_NAME,
	[STEER_MAP_SYN_QUEUES] = XDPSERVE_MAP_SYN_QUEUES_NAME,
};

static const __u32 steer_map_types[STEER_MAP__MAX] = {
	[STEER_MAP_XSKS] = BPF_MAP_TYPE_XSKMAP,
	[STEER_MAP_ENDPOINTS] = BPF_MAP_TYPE_LPM_TRIE,
	[STEER_MAP_STATS] = BPF_MAP_TYPE_PERCPU_ARRAY,
	[STEER_MAP_IFACE] = BPF_MAP_TYPE_ARRAY,
	[STEER_MAP_SYN] = BPF_MAP_TYPE_ARRAY,
	[STEER_MAP_SYN_QUEUES] = BPF_MAP_TYPE_ARRAY,
};

static const __u32 steer_map_key_sizes[STEER_MAP__MAX] = {
	[STEER_MAP_XSKS] = sizeof(__u32),
	[STEER_MAP_ENDPOINTS] = sizeof(struct xdpserve_endpoint_key),
	[STEER_MAP_STATS] = sizeof(__u32),
	[STEER_MAP_IFACE] = sizeof(__u32),
	[STEER_MAP_SYN] = sizeof(__u32),
	[STEER_MAP_SYN_QUEUES] = sizeof(__u32),
};

static const __u32 steer_map_value_sizes[STEER_MAP__MAX] = {
	[STEER_MAP_XSKS] = sizeof(__u32),
	[STEER_MAP_ENDPOINTS] = sizeof(struct xdpserve_endpoint_val),
	[STEER_MAP_STATS] = sizeof(struct xdpserve_stat_val),
	[STEER_MAP_IFACE] = sizeof(struct xdpserve_iface),
	[STEER_MAP_SYN] = sizeof(struct xdpserve_syn_conf),
	[STEER_MAP_SYN_QUEUES] = sizeof(__u32),
};

/* libbpf and libxdp prefix their lines themselves ("libbpf: ..."). */
static int steer_lib_print(const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	if (LOG_LEVEL_DEBUG > log_level_current)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	pr_debug("%s", line);
	return 0;
}

static int steer_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return steer_lib_print(fmt, ap);
}

static int steer_libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return steer_lib_print(fmt, ap);
}

void steer_log_libraries(void)
{
	libbpf_set_print(steer_libbpf_print);
	libxdp_set_print(steer_libxdp_print);
}

int steer_mode_parse(const char *name, enum steer_mode *out)
{
	if (!strcmp(name, "auto"))
		*out = STEER_MODE_AUTO;
	else if (!strcmp(name, "native") || !strcmp(name, "drv"))
		*out = STEER_MODE_NATIVE;
	else if (!strcmp(name, "skb") || !strcmp(name, "generic"))
		*out = STEER_MODE_SKB;
	else
		return -EINVAL;
	return 0;
}

static const char *steer_attach_mode_name(int mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE:
		return "native";
	case XDP_MODE_SKB:
		return "skb";
	case XDP_MODE_HW:
		return "hw";
	default:
		return "unknown";
	}
}

const char *steer_mode_name(const struct steer *s)
{
	return steer_attach_mode_name(s->attach_mode);
}

const char *steer_ifname(const struct steer *s)
{
	return s->ifname;
}

uint32_t steer_prog_id(const struct steer *s)
{
	return s->prog_id;
}

bool steer_is_dispatched(const struct steer *s)
{
	return s->dispatched;
}

static int steer_ifindex(const char *ifname)
{
	unsigned int ifindex;

	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE) {
		pr_err("invalid interface name '%s'", ifname ? ifname : "");
		return -EINVAL;
	}
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		pr_err("no such interface %s", ifname);
		return -ENODEV;
	}
	return (int)ifindex;
}

/*
 * Our program among those attached to `ifindex`. On success *mp_out holds
 * the multiprog (caller closes it) and *prog_out points into it. -ENOENT
 * when nothing of ours is attached.
 */
static int steer_find(int ifindex, struct xdp_multiprog **mp_out, struct xdp_program **prog_out)
{
	struct xdp_program *p = NULL;
	struct xdp_multiprog *mp;
	int err;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = (int)libxdp_get_error(mp);
	if (err || !mp)
		return err && err != -ENOENT ? err : -ENOENT;

	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p && strcmp(xdp_program__name(p), XDPSERVE_PROG_NAME))
			p = NULL;
	} else {
		while ((p = xdp_multiprog__next_prog(p, mp)))
			if (!strcmp(xdp_program__name(p), XDPSERVE_PROG_NAME))
				break;
	}
	if (!p) {
		xdp_multiprog__close(mp);
		return -ENOENT;
	}
	*mp_out = mp;
	*prog_out = p;
	return 0;
}

static void steer_free(struct steer *s)
{
	for (int i = 0; i < STEER_MAP__MAX; i++)
		if (s->map_fd[i] >= 0)
			close(s->map_fd[i]);
	free(s->percpu);
	free(s);
}

/* Open the maps of program `prog_id` by id, matching them by name and shape. */
static int steer_open_maps(struct steer *s, uint32_t prog_id)
{
	__u32 ids[16], info_len;
	struct bpf_prog_info pinfo;
	struct bpf_map_info minfo;
	int prog_fd, fd, err = 0;
	unsigned int n;

	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0) {
		err = -errno;
		pr_err("cannot open XDP program id %u on %s (%s)%s", prog_id, s->ifname,
		       strerror(-err), steer_perm_hint(err));
		return err;
	}
	memset(&pinfo, 0, sizeof(pinfo));
	pinfo.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	pinfo.map_ids = (__u64)(unsigned long)ids;
	info_len = sizeof(pinfo);
	if (bpf_obj_get_info_by_fd(prog_fd, &pinfo, &info_len)) {
		err = -errno;
		pr_err("cannot read XDP program id %u (%s)", prog_id, strerror(-err));
		goto out;
	}
	n = pinfo.nr_map_ids < 16 ? pinfo.nr_map_ids : 16;
	for (unsigned int i = 0; i < n; i++) {
		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		memset(&minfo, 0, sizeof(minfo));
		info_len = sizeof(minfo);
		if (bpf_obj_get_info_by_fd(fd, &minfo, &info_len)) {
			close(fd);
			continue;
		}
		for (int m = 0; m < STEER_MAP__MAX; m++) {
			/* The kernel keeps only BPF_OBJ_NAME_LEN - 1 characters of a name. */
			if (s->map_fd[m] < 0 &&
			    !strncmp(minfo.name, steer_map_names[m], BPF_OBJ_NAME_LEN - 1) &&
			    minfo.type == steer_map_types[m] &&
			    minfo.key_size == steer_map_key_sizes[m] &&
			    minfo.value_size == steer_map_value_sizes[m] &&
			    (m != STEER_MAP_SYN_QUEUES || (minfo.map_flags & BPF_F_MMAPABLE))) {
				s->map_fd[m] = fd;
				s->map_id[m] = minfo.id;
				if (m == STEER_MAP_SYN_QUEUES)
					s->synq_entries = minfo.max_entries;
				if (m == STEER_MAP_STATS)
					s->stats_entries = minfo.max_entries;
				fd = -1;
				break;
			}
		}
		if (fd >= 0)
			close(fd);
	}
	for (int m = 0; m < STEER_MAP__REQUIRED; m++) {
		if (s->map_fd[m] < 0) {
			pr_err("XDP program id %u on %s has no map %s of the expected layout; "
			       "was it built from another version of xdpserve.bpf.c?",
			       prog_id, s->ifname, steer_map_names[m]);
			err = -ENOENT;
			goto out;
		}
	}
out:
	close(prog_fd);
	return err;
}

/* A handle on what is attached now; the core of steer__open(). */
static int steer_open_ifindex(const char *ifname, int ifindex, struct steer **out)
{
	struct xdp_multiprog *mp = NULL;
	struct xdp_program *prog;
	struct steer *s;
	int err, ncpus;

	err = steer_find(ifindex, &mp, &prog);
	if (err == -ENOENT) {
		pr_err("no xdpserve program attached to %s; run xdpservectl attach %s", ifname,
		       ifname);
		return err;
	}
	if (err) {
		pr_err("cannot read the XDP programs of %s (%s)%s", ifname, strerror(-err),
		       steer_perm_hint(err));
		return err;
	}
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		err = ncpus ? ncpus : -EINVAL;
		pr_err("cannot count the possible CPUs (%s)", strerror(-err));
		goto out;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		err = -ENOMEM;
		goto out;
	}
	for (int m = 0; m < STEER_MAP__MAX; m++)
		s->map_fd[m] = -1;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->ifindex = ifindex;
	s->attach_mode = xdp_multiprog__attach_mode(mp);
	s->dispatched = !xdp_multiprog__is_legacy(mp);
	s->prog_id = xdp_program__id(prog);
	s->nr_cpus = ncpus;
	s->percpu = calloc((size_t)ncpus, sizeof(*s->percpu));
	if (!s->percpu) {
		err = -ENOMEM;
		steer_free(s);
		goto out;
	}
	err = steer_open_maps(s, s->prog_id);
	if (err) {
		steer_free(s);
		goto out;
	}
	*out = s;
out:
	xdp_multiprog__close(mp);
	return err;
}

int steer__open(const char *ifname, struct steer **out)
{
	int ifindex = steer_ifindex(ifname);

	if (ifindex < 0)
		return ifindex;
	return steer_open_ifindex(ifname, ifindex, out);
}

void steer__close(struct steer *s)
{
	if (s)
		steer_free(s);
}

/* Lift RLIMIT_MEMLOCK when allowed; kernels with memcg accounting ignore it. */
static void steer_memlock_raise(void)
{
	struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};

	if (setrlimit(RLIMIT_MEMLOCK, &r))
		pr_debug("cannot lift RLIMIT_MEMLOCK (%s)", strerror(errno));
}

/*
 * Since Linux 5.11 BPF memory is charged to the memory cgroup and
 * RLIMIT_MEMLOCK no longer limits it, so an EPERM there has another cause.
 */
static bool steer_kernel_charges_memcg(void)
{
	unsigned int major = 0, minor = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return true;
	return major > 5 || (major == 5 && minor >= 11);
}

/* Say what to do about an attach (or load) failure. */
static void steer_explain_attach(const char *ifname, int mode, int err)
{
	const char *mname = steer_attach_mode_name(mode);
	char msg[256];
	struct rlimit r;

	libxdp_strerror(err, msg, sizeof(msg));
	if (err == -EOPNOTSUPP && mode == XDP_MODE_NATIVE) {
		pr_err("XDP attach to %s in native mode failed (%s): the driver has no native XDP; "
		       "use --mode skb",
		       ifname, msg);
	} else if (err == -EPERM && geteuid() == 0 && !steer_kernel_charges_memcg() &&
		   !getrlimit(RLIMIT_MEMLOCK, &r) && r.rlim_cur != RLIM_INFINITY) {
		pr_err("XDP attach to %s failed (%s): RLIMIT_MEMLOCK too low (%llu KiB); run with "
		       "LimitMEMLOCK=infinity or ulimit -l unlimited",
		       ifname, msg, (unsigned long long)r.rlim_cur / 1024);
	} else if ((err == -EPERM || err == -EACCES) && geteuid() != 0) {
		pr_err("XDP attach to %s failed (%s): " XDPSERVE_CAPS_HINT(XDPSERVE_CAPS_BPF),
		       ifname, msg);
	} else if (err == -EPERM || err == -EACCES) {
		pr_err("XDP attach to %s in %s mode failed (%s): the kernel refused to load or "
		       "attach the program; with --log-level debug (xdpservectl -v) the verifier "
		       "and loader say why",
		       ifname, mname, msg);
	} else if (err == -EEXIST || err == -EBUSY) {
		pr_err("XDP attach to %s in %s mode failed (%s): another XDP program is attached "
		       "without the libxdp dispatcher or in another mode; see 'ip link show %s' "
		       "and 'xdp-loader status %s'",
		       ifname, mname, msg, ifname, ifname);
	} else if (err == -ERANGE || (err == -EINVAL && mode == XDP_MODE_NATIVE)) {
		pr_err("XDP attach to %s in native mode failed (%s): the MTU may be too large for "
		       "native XDP; lower it or use --mode skb",
		       ifname, msg);
	} else {
		pr_err("XDP attach to %s in %s mode failed (%s); with --log-level debug "
		       "(xdpservectl -v) the loader says more",
		       ifname, mname, msg);
	}
}

/* Open the object with our maps pinned under pin_dir; NULL (logged) on failure. */
static struct xdp_program *steer_prog_open(const char *obj_path, const char *pin_dir, int *err)
{
	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, bopts, .pin_root_path = pin_dir);
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .open_filename = obj_path,
			    .prog_name = XDPSERVE_PROG_NAME, .opts = &bopts);
	struct xdp_program *prog;
	char msg[256];

	prog = xdp_program__create(&xopts);
	*err = (int)libxdp_get_error(prog);
	if (*err || !prog) {
		if (!*err)
			*err = -ENOENT;
		libxdp_strerror(*err, msg, sizeof(msg));
		pr_err("cannot open the BPF object %s (%s); is it the xdpserve.bpf.o of this "
		       "build?",
		       obj_path, msg);
		return NULL;
	}
	return prog;
}

/* Whether a failed native attach is worth retrying in skb mode. */
static bool steer_native_may_fall_back(int err)
{
	return err != -EPERM && err != -EACCES && err != -EEXIST && err != -EBUSY &&
	       err != -ENOMEM && err != -ENOENT;
}

/* Remove the pins in pin_dir and open the object afresh, its maps to be pinned there. */
static struct xdp_program *steer_prog_open_fresh(const char *obj_path, const char *pin_dir,
						 int *err)
{
	steer_pins_remove(pin_dir, NULL);
	*err = steer_pin_dir_create(pin_dir);
	if (*err)
		return NULL;
	return steer_prog_open(obj_path, pin_dir, err);
}

int steer__attach(const char *ifname, const char *obj_path, enum steer_mode mode,
		  struct steer **out)
{
	char bpffs[PATH_MAX], pin_dir[PATH_MAX];
	struct xdp_program *prog = NULL;
	struct xdp_multiprog *mp = NULL;
	struct xdp_program *found;
	int ifindex, xmode, err;

	ifindex = steer_ifindex(ifname);
	if (ifindex < 0)
		return ifindex;
	if (!steer_find(ifindex, &mp, &found)) {
		pr_err("an xdpserve program is already attached to %s (%s mode, program id %u); "
		       "run xdpservectl detach %s first",
		       ifname, steer_attach_mode_name(xdp_multiprog__attach_mode(mp)),
		       xdp_program__id(found), ifname);
		xdp_multiprog__close(mp);
		return -EEXIST;
	}
	steer_memlock_raise();
	err = steer_bpffs_ensure(bpffs, sizeof(bpffs));
	if (err)
		return err;
	err = steer_pin_dir(bpffs, ifname, pin_dir, sizeof(pin_dir));
	if (err) {
		pr_err("pin directory for %s under %s is too long", ifname, bpffs);
		return err;
	}
	/* Nothing of ours is attached, so pins left here are stale: start afresh. */
	prog = steer_prog_open_fresh(obj_path, pin_dir, &err);
	if (!prog)
		goto out_pins;
	xmode = mode == STEER_MODE_SKB ? XDP_MODE_SKB : XDP_MODE_NATIVE;
	err = xdp_program__attach(prog, ifindex, xmode, 0);
	if (err && mode == STEER_MODE_AUTO && steer_native_may_fall_back(err)) {
		char msg[256];

		libxdp_strerror(err, msg, sizeof(msg));
		pr_info("native XDP attach to %s failed (%s); falling back to skb mode", ifname,
			msg);
		/* A fresh object: the failed attempt may have loaded this one. */
		xdp_program__close(prog);
		prog = steer_prog_open_fresh(obj_path, pin_dir, &err);
		if (!prog)
			goto out_pins;
		xmode = XDP_MODE_SKB;
		err = xdp_program__attach(prog, ifindex, xmode, 0);
	}
	if (err) {
		steer_explain_attach(ifname, xmode, err);
		goto out_prog;
	}

	err = steer_open_ifindex(ifname, ifindex, out);
	if (err) {
		/* Attached but unusable: take it off again rather than leave it half-done. */
		xdp_program__detach(prog, ifindex, XDP_MODE_UNSPEC, 0);
		goto out_prog;
	}
	pr_info("attached %s to %s in %s mode (program id %u%s)", XDPSERVE_PROG_NAME, ifname,
		steer_mode_name(*out), (*out)->prog_id,
		(*out)->dispatched ? ", libxdp dispatcher" : "");
out_prog:
	xdp_program__close(prog);
out_pins:
	if (err)
		steer_pins_remove(pin_dir, NULL);
	return err;
}

int steer__attach_or_adopt(const char *ifname, const char *obj_path, enum steer_mode mode,
			   struct steer **out, bool *adopted)
{
	struct xdp_multiprog *mp = NULL;
	struct xdp_program *found;
	int ifindex = steer_ifindex(ifname);

	if (ifindex < 0)
		return ifindex;
	*adopted = !steer_find(ifindex, &mp, &found);
	if (!*adopted)
		return steer__attach(ifname, obj_path, mode, out);
	pr_info("%s is attached to %s already (%s mode, program id %u); using it",
		XDPSERVE_PROG_NAME, ifname, steer_attach_mode_name(xdp_multiprog__attach_mode(mp)),
		xdp_program__id(found));
	xdp_multiprog__close(mp);
	return steer_open_ifindex(ifname, ifindex, out);
}

int steer__detach(struct steer *s)
{
	struct xdp_multiprog *mp = NULL;
	struct xdp_program *prog;
	char bpffs[PATH_MAX], pin_dir[PATH_MAX];
	char msg[256];
	int err;

	err = steer_find(s->ifindex, &mp, &prog);
	if (err == -ENOENT) {
		pr_err("no xdpserve program attached to %s; nothing to detach", s->ifname);
		return err;
	}
	if (err) {
		pr_err("cannot read the XDP programs of %s (%s)%s", s->ifname, strerror(-err),
		       steer_perm_hint(err));
		return err;
	}
	if (xdp_program__id(prog) != s->prog_id)
		pr_warn("the xdpserve program on %s changed (id %u, was %u); detaching the new one",
			s->ifname, xdp_program__id(prog), s->prog_id);

	if (xdp_multiprog__is_legacy(mp))
		err = xdp_multiprog__detach(mp);
	else
		err = xdp_program__detach(prog, s->ifindex, XDP_MODE_UNSPEC, 0);
	if (err) {
		libxdp_strerror(err, msg, sizeof(msg));
		pr_err("XDP detach from %s failed (%s)", s->ifname, msg);
		goto out;
	}
	/* Our pins, if this library attached it; iproute2's stay where they are. */
	if (!steer_bpffs_path(bpffs, sizeof(bpffs)) &&
	    !steer_pin_dir(bpffs, s->ifname, pin_dir, sizeof(pin_dir)))
		steer_pins_remove(pin_dir, s->map_id);
	pr_info("detached %s from %s", XDPSERVE_PROG_NAME, s->ifname);
out:
	xdp_multiprog__close(mp);
	return err;
}
