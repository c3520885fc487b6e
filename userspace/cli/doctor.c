// SPDX-License-Identifier: GPL-2.0-only
/*
 * doctor.c — `xdpservectl doctor [IFACE]`: looks at what xdpserve needs
 * from this machine and says, check by check, "ok" or what to do: the
 * kernel and its config, bpffs, memlock, and per interface the driver and
 * its XDP features (the kernel's netdev netlink family), queues vs CPUs vs
 * workers, MTU vs frame size, veth's checksum and copy-mode limits, other
 * XDP programs, and what the running daemon reports. Dispatched from
 * main.c; the feature probe is in doctor_probe.c.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h> /* optind */

#include "cli/cli.h"
#include "cli/doctor.h"
#include "xsk/frame.h"

#define BPF_FS_MAGIC_ 0xcafe4a11
#define CAP_IPC_LOCK_ 14

struct doctor {
	int fixes;
};

/* One verdict line: "ok", "note" (a limit worth knowing) or "FIX" (with what to do). */
static void doctor_say(struct doctor *d, const char *verdict, const char *check, const char *fmt,
		       ...) __attribute__((format(printf, 4, 5)));
static void doctor_say(struct doctor *d, const char *verdict, const char *check, const char *fmt,
		       ...)
{
	va_list ap;

	if (!strcmp(verdict, "FIX"))
		d->fixes++;
	printf("%-5s %-12s ", verdict, check);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* --- the machine --------------------------------------------------------- */

static void doctor_kernel(struct doctor *d)
{
	struct utsname u;
	int major = 0, minor = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	if (major < 5 || (major == 5 && minor < 4))
		doctor_say(d, "FIX", "kernel",
			   "%s: AF_XDP with need_wakeup needs Linux 5.4 or later; upgrade the "
			   "kernel",
			   u.release);
	else if (major < 6 || (major == 6 && minor < 6))
		doctor_say(d, "note", "kernel",
			   "%s: no AF_XDP multi-buffer before 6.6 (TX payload is copied once "
			   "per frame)",
			   u.release);
	else
		doctor_say(d, "ok", "kernel", "%s (AF_XDP, need_wakeup, multi-buffer)", u.release);
}

/* The running kernel's config: /proc/config.gz, else /boot/config-RELEASE. */
static FILE *doctor_open_config(char *where, size_t len)
{
	struct utsname u;

	if (!access("/proc/config.gz", R_OK)) {
		snprintf(where, len, "/proc/config.gz");
		return popen("gzip -dc /proc/config.gz 2>/dev/null", "r");
	}
	uname(&u);
	snprintf(where, len, "/boot/config-%s", u.release);
	return fopen(where, "r");
}

static void doctor_kconfig(struct doctor *d)
{
	static const char *const need[] = {"CONFIG_BPF_SYSCALL", "CONFIG_XDP_SOCKETS",
					   "CONFIG_BPF_JIT", "CONFIG_DEBUG_INFO_BTF"};
	bool have[4] = {false};
	char where[128], line[256];
	bool is_proc, any = false;
	FILE *f = doctor_open_config(where, sizeof(where));

	is_proc = !strcmp(where, "/proc/config.gz");
	if (!f) {
		doctor_say(d, "note", "kconfig",
			   "cannot read the kernel config (neither /proc/config.gz nor %s): "
			   "not checked",
			   where);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		any = true;
		for (int i = 0; i < 4; i++) {
			size_t n = strlen(need[i]);

			if (!strncmp(line, need[i], n) && line[n] == '=' && line[n + 1] == 'y')
				have[i] = true;
		}
	}
	if (is_proc)
		pclose(f);
	else
		fclose(f);
	if (!any) {
		doctor_say(d, "note", "kconfig", "%s is empty or unreadable (gzip missing?)",
			   where);
		return;
	}
	for (int i = 0; i < 3; i++)
		if (!have[i])
			doctor_say(d, "FIX", "kconfig",
				   "%s is not set in %s: xdpserve cannot run; use a kernel "
				   "built with %s=y",
				   need[i], where, need[i]);
	if (!have[3])
		doctor_say(d, "note", "kconfig",
			   "CONFIG_DEBUG_INFO_BTF is not set: bpftool and libxdp show less");
	if (have[0] && have[1] && have[2])
		doctor_say(d, "ok", "kconfig", "BPF_SYSCALL, XDP_SOCKETS, BPF_JIT set (%s)", where);
}

static void doctor_bpffs(struct doctor *d)
{
	const char *dir = getenv("LIBXDP_BPFFS");
	struct statfs fs;

	if (!dir || !*dir)
		dir = "/sys/fs/bpf";
	if (!statfs(dir, &fs) && (unsigned long)fs.f_type == BPF_FS_MAGIC_)
		doctor_say(d, "ok", "bpffs", "mounted at %s", dir);
	else
		doctor_say(d, "note", "bpffs",
			   "no bpffs at %s: xdpserved mounts one when it attaches; to pin by hand "
			   "first: mount -t bpf bpf %s",
			   dir, dir);
}

static bool doctor_has_cap(int cap)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return eff & (1ull << cap);
}

static void doctor_memlock(struct doctor *d)
{
	struct rlimit rl;

	getrlimit(RLIMIT_MEMLOCK, &rl);
	if (rl.rlim_cur == RLIM_INFINITY)
		doctor_say(d, "ok", "memlock", "RLIMIT_MEMLOCK unlimited");
	else if (doctor_has_cap(CAP_IPC_LOCK_))
		doctor_say(d, "ok", "memlock",
			   "RLIMIT_MEMLOCK %llu KiB, but CAP_IPC_LOCK lifts it (the daemon under "
			   "systemd: LimitMEMLOCK=infinity)",
			   (unsigned long long)rl.rlim_cur >> 10);
	else
		doctor_say(d, "FIX", "memlock",
			   "RLIMIT_MEMLOCK is %llu KiB and the UMEM (cache + rings) is pinned: "
			   "run with LimitMEMLOCK=infinity (systemd) or ulimit -l unlimited",
			   (unsigned long long)rl.rlim_cur >> 10);
}

static int doctor_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return (int)sysconf(_SC_NPROCESSORS_ONLN);
	return CPU_COUNT(&set);
}

/* --- one interface ------------------------------------------------------- */

static void doctor_driver(struct doctor *d, const char *ifname, const struct doctor_nic *nic)
{
	bool veth = !strcmp(nic->driver, "veth");

	if (nic->features_known) {
		doctor_say(d, nic->xdp_basic ? "ok" : "FIX", "xdp",
			   "%s (driver %s): native XDP %s, redirect %s, multi-buffer RX %s%s",
			   ifname, nic->driver, nic->xdp_basic ? "yes" : "no",
			   nic->xdp_redirect ? "yes" : "no", nic->rx_sg ? "yes" : "no",
			   nic->xdp_basic ? ""
					  : "; only generic (skb) XDP works: --mode skb, slower");
		if (nic->xsk_zerocopy)
			doctor_say(d, "ok", "zero-copy",
				   "%s: AF_XDP zero-copy supported (up to %u segments per "
				   "packet)",
				   ifname, nic->zc_max_segs);
		else
			doctor_say(
				d, "note", "zero-copy",
				"%s (driver %s) has no AF_XDP zero-copy: AF_XDP runs in copy "
				"mode (each frame copied in and out by the kernel) and cached "
				"payload is copied into every TX frame (--tx-path auto picks "
				"copy); %s",
				ifname, nic->driver,
				veth ? "that is veth's limit, fine for tests; serve from a NIC "
				       "whose driver has zero-copy (ice, i40e, mlx5, ...) for speed"
				     : "a driver with zero-copy would be faster");
	} else {
		doctor_say(d, "note", "xdp",
			   "%s (driver %s): the kernel does not report XDP features (netdev "
			   "netlink family missing, Linux < 6.3); the daemon's status says which "
			   "modes it got%s",
			   ifname, nic->driver,
			   veth ? "; veth has native XDP but no zero-copy: AF_XDP copy mode" : "");
	}
}

static void doctor_queues(struct doctor *d, const char *ifname, const struct doctor_nic *nic,
			  int workers)
{
	int cpus = doctor_cpus();

	if (workers > 0 && (uint32_t)workers < nic->rx_queues)
		doctor_say(d, "FIX", "queues",
			   "%s has %u RX queues but the daemon runs %d workers: served traffic on "
			   "the other queues goes to the kernel; run with --queues %u or "
			   "ethtool -L %s combined %d",
			   ifname, nic->rx_queues, workers, nic->rx_queues, ifname, workers);
	else if ((int)nic->rx_queues > cpus)
		doctor_say(d, "note", "queues",
			   "%s has %u RX queues and this process may use %d CPUs: workers will "
			   "share CPUs; ethtool -L %s combined %d",
			   ifname, nic->rx_queues, cpus, ifname, cpus);
	else
		doctor_say(d, "ok", "queues", "%s: %u RX queue%s, %d CPU%s%s", ifname,
			   nic->rx_queues, nic->rx_queues == 1 ? "" : "s", cpus,
			   cpus == 1 ? "" : "s", workers > 0 ? ", one worker each" : "");
}

static void doctor_mtu(struct doctor *d, const char *ifname, const struct doctor_nic *nic)
{
	uint32_t max = FRAME_SIZE - 256 - 18;

	if (nic->mtu > max)
		doctor_say(d, "FIX", "mtu",
			   "%s: MTU %u does not fit a %u-byte UMEM frame: ip link set dev %s mtu "
			   "%u",
			   ifname, nic->mtu, FRAME_SIZE, ifname, max);
	else
		doctor_say(d, "ok", "mtu", "%s: MTU %u fits a %u-byte frame (at most %u)", ifname,
			   nic->mtu, FRAME_SIZE, max);
}

static void doctor_veth_csum(struct doctor *d, const char *ifname, uint64_t csum_drops)
{
	if (csum_drops)
		doctor_say(d, "FIX", "checksum",
			   "%s: %" PRIu64 " segments dropped for bad checksums: the veth peer "
			   "sends partial checksums; on the peer run ethtool -K PEER tx off",
			   ifname, csum_drops);
	else
		doctor_say(d, "note", "checksum",
			   "%s is a veth: its peer must send full checksums (ethtool -K PEER tx "
			   "off on the other end), or xdpserve drops its segments as bad",
			   ifname);
}

static void doctor_programs(struct doctor *d, const char *ifname)
{
	char others[256] = "";
	bool ours = false;
	int n = doctor_xdp_programs(ifname, &ours, others, sizeof(others));

	if (n < 0)
		doctor_say(d, "note", "programs", "%s: cannot list XDP programs: %s", ifname,
			   strerror(-n));
	else if (others[0] && !ours)
		doctor_say(d, "FIX", "programs",
			   "%s already runs another XDP program (%s): xdpserved can share only "
			   "through libxdp's dispatcher; detach it (ip link set dev %s xdp off) or "
			   "load it with xdp-loader",
			   ifname, others, ifname);
	else if (others[0])
		doctor_say(d, "ok", "programs", "%s: ours, and beside it %s (libxdp dispatcher)",
			   ifname, others);
	else
		doctor_say(d, "ok", "programs", "%s: %s", ifname,
			   ours ? "our steering program is attached" : "no XDP program attached");
}

/* The running daemon's view: modes it got, workers, checksum drops. */
static void doctor_daemon(struct doctor *d, const struct cli_env *env, const char *ifname,
			  int *workers, uint64_t *csum_drops)
{
	struct json_object *st = NULL, *stats = NULL, *qs, *v;
	int err = cli_daemon_cmd(env, ifname, "status", NULL, NULL, &st);

	if (err) {
		doctor_say(d, "note", "daemon", "no xdpserved answers for %s (%s)", ifname,
			   strerror(-err));
		return;
	}
	qs = json_object_object_get(st, "queues");
	*workers = qs ? (int)json_object_array_length(qs) : 0;
	doctor_say(d, "ok", "daemon", "pid %d on %s: XDP %s, AF_XDP %s, TX path %s, %d worker%s",
		   json_object_get_int(json_object_object_get(st, "pid")), ifname,
		   json_object_get_string(json_object_object_get(st, "xdp_mode")),
		   json_object_get_string(json_object_object_get(st, "bind_mode")),
		   json_object_get_string(json_object_object_get(st, "tx_path")), *workers,
		   *workers == 1 ? "" : "s");
	json_object_put(st);
	if (cli_daemon_cmd(env, ifname, "stats", NULL, NULL, &stats))
		return;
	qs = json_object_object_get(stats, "queues");
	for (size_t i = 0; qs && i < json_object_array_length(qs); i++)
		if (json_object_object_get_ex(json_object_array_get_idx(qs, i), "tcp", &v))
			*csum_drops += (uint64_t)json_object_get_uint64(
				json_object_object_get(v, "rx_drop_csum"));
	json_object_put(stats);
}

static void doctor_iface(struct doctor *d, const struct cli_env *env, const char *ifname)
{
	struct doctor_nic nic;
	uint64_t csum_drops = 0;
	int workers = 0;

	if (doctor_nic_probe(ifname, &nic)) {
		doctor_say(d, "FIX", "interface",
			   "no interface %s in this network namespace (ip link show; ip netns "
			   "exec NS xdpservectl doctor %s)",
			   ifname, ifname);
		return;
	}
	doctor_daemon(d, env, ifname, &workers, &csum_drops);
	doctor_driver(d, ifname, &nic);
	doctor_queues(d, ifname, &nic, workers);
	doctor_mtu(d, ifname, &nic);
	if (!strcmp(nic.driver, "veth"))
		doctor_veth_csum(d, ifname, csum_drops);
	doctor_programs(d, ifname);
}

static int cli_doctor(const struct cli_cmd *cmd, const struct cli_env *env, int argc, char **argv)
{
	struct doctor d = {0};
	char names[64][16];
	int ret = cli_parse_common(cmd, argc, argv, NULL), n;

	if (ret >= 0)
		return ret;
	if (argc - optind > 1)
		return cli_usage_error(cmd, "expected at most one interface");
	doctor_kernel(&d);
	doctor_kconfig(&d);
	doctor_bpffs(&d);
	doctor_memlock(&d);
	if (argc - optind == 1) {
		doctor_iface(&d, env, argv[optind]);
	} else {
		n = cli_daemon_list(env, names, 64);
		if (!n)
			doctor_say(&d, "note", "interface",
				   "no daemon runs here; name an interface to check it "
				   "(xdpservectl doctor IFACE)");
		for (int i = 0; i < n; i++)
			doctor_iface(&d, env, names[i]);
	}
	printf("%d thing%s to fix\n", d.fixes, d.fixes == 1 ? "" : "s");
	return d.fixes ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

const struct cli_cmd cli_cmd_doctor = {
	.name = "doctor",
	.args = "[IFACE]",
	.summary = "check kernel, bpffs, memlock, driver XDP/zero-copy/multi-buffer, queues, MTU, "
		   "checksums, other XDP programs; say what to fix",
	.run = cli_doctor,
};
