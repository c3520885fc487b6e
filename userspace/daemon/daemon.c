// SPDX-License-Identifier: GPL-2.0-only
/*
 * daemon.c — set-up and tear-down around the workers, and the main
 * thread's signal loop. Called by main() with the parsed configuration.
 *
 *	conf_check (roots, interface, MTU, queues, memlock, BPF object)
 *	-> steer__attach (XDP program, served endpoints)
 *	-> umem__create (one partition per queue)
 *	-> worker__create per queue -> steer_xsk_set -> worker_start
 *	-> busy-poll: the interface's interrupt deferral (net/napi_defer.c)
 *	-> control socket, metrics endpoint (control.c, metrics_http.c)
 *	-> sd_notify READY=1 -> main loop: signals (SIGUSR1 dump, SIGHUP reload,
 *	   SIGUSR2 access log reopen, SIGTERM/SIGINT stop) through a signalfd,
 *	   control requests, metrics scrapes
 *	reload: conf_load (same argv) -> conf_check -> endpoints in the steering
 *	  map -> worker_reconfigure (a new struct worker_conf) -> the old one
 *	  freed once every worker took the new one
 *	-> drain -> detach (the kernel gets the port back) -> stop -> destroy
 */
#include "daemon/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <sched.h>
#include <net/if.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/access_log.h"
#include "daemon/conf.h"
#include "daemon/control.h"
#include "daemon/metrics.h"
#include "daemon/privilege.h"
#include "daemon/worker.h"
#include "http/http_cond.h"
#include "net/napi_defer.h"
#include "net/net.h"
#include "steer/steer.h"
#include "xsk/frame.h"
#include "xsk/umem.h"

struct daemon {
	const struct xdpserve_config *cfg; /* the one in force (malloc'd: ours) */
	int argc;			   /* the command line, read again on SIGHUP */
	char **argv;
	struct worker_conf *conf; /* what the workers run with (conf->cfg == cfg) */
	int lock_fd;
	uint32_t nqueues;
	uint32_t mtu;
	struct steer *steer;
	bool attached_here;    /* we attached the program (or our predecessor did): we detach it */
	uint32_t prev_prog_id; /* the program the lock's previous holder attached */
	struct umem *umem;
	struct worker *workers[XDPSERVE_MAX_QUEUES];
	uint8_t etag_key[HTTP_ETAG_KEY_LEN]; /* one for all workers: they agree on ETags */
	uint8_t syn_key[16];		     /* the SYN cookie key of every worker and of XDP */
	_Atomic uint32_t *syn_slots;	     /* the program's per-queue accept slots; NULL: none */
	uint32_t nsyn_slots;		     /* ... mapped, slots */
	struct access_log *access;	     /* NULL: off */
	struct privilege_user user;	     /* the workers read files as this user */
	struct control_daemon ctl;	     /* what the control socket and /metrics look at */
	struct control *control;
	bool control_pending; /* requests read but not answered yet: poll without sleeping */
	struct metrics_http *metrics;
	int signal_fd;
	uint64_t reloads, reloads_refused; /* for xdpservectl status */
	struct napi_defer napi_defer;	   /* busy-poll: the interface's deferral, to put back */
};

/*
 * One daemon per interface: a second one would take over the first one's
 * XSKMAP slots. The lock is per network namespace (interfaces in different
 * namespaces may share a name) and goes with the process. The file says
 * "PID PROG_ID": who holds it, and the program that holder attached (0 when
 * it adopted one attached by hand), so a successor knows whose it is.
 */
#define DAEMON_LOCK_WAIT_MS 10000

struct daemon_lock_record {
	long pid;
	uint32_t prog_id;
};

static void daemon_lock_read(int fd, struct daemon_lock_record *rec)
{
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	rec->pid = 0;
	rec->prog_id = 0;
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "%ld %u", &rec->pid, &rec->prog_id) < 1)
		rec->pid = 0;
}

/* Record what this daemon holds; best effort (only a successor reads it). */
static void daemon_lock_write(struct daemon *d, uint32_t prog_id)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%ld %u\n", (long)getpid(), prog_id);

	if (ftruncate(d->lock_fd, 0) || pwrite(d->lock_fd, buf, (size_t)n, 0) != n)
		pr_debug("cannot write the lock record: %s", strerror(errno));
}

enum daemon_holder {
	DAEMON_HOLDER_UNKNOWN, /* gone, or not an xdpserved of this PID namespace */
	DAEMON_HOLDER_EXITING,
	DAEMON_HOLDER_RUNNING,
};

/* Whether the lock's holder is an xdpserved still running or one on its way out. */
static enum daemon_holder daemon_holder_state(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long flags = 0;
	unsigned long long sigpnd = 0, shdpnd = 0;
	char state = '?';
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = pid > 0 ? fopen(path, "re") : NULL;
	if (!f)
		return DAEMON_HOLDER_UNKNOWN;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !strstr(buf, "(xdpserved)") || !(p = strrchr(buf, ')')) ||
	    sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2)
		return DAEMON_HOLDER_UNKNOWN;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "re");
	while (f && fgets(buf, sizeof(buf), f)) {
		sscanf(buf, "SigPnd: %llx", &sigpnd);
		sscanf(buf, "ShdPnd: %llx", &shdpnd);
	}
	if (f)
		fclose(f);
	/* Zombie or dead, PF_EXITING, or SIGKILL pending. */
	if (state == 'Z' || state == 'X' || (flags & 0x4) || ((sigpnd | shdpnd) & (1ull << 8)))
		return DAEMON_HOLDER_EXITING;
	return DAEMON_HOLDER_RUNNING;
}

/*
 * A daemon killed with SIGKILL holds the lock while the kernel tears its
 * UMEM down (about 1.5 s), so a successor started at once (Restart=) waits
 * for it, bounded, instead of failing. A holder seen running (not exiting)
 * for DAEMON_LOCK_RUNNING_MS is a live daemon: no point waiting for it.
 */
#define DAEMON_LOCK_RUNNING_MS 1000

static int daemon_lock_wait(struct daemon *d, const char *path)
{
	struct daemon_lock_record holder;
	int running_ms = 0;

	daemon_lock_read(d->lock_fd, &holder);
	pr_info("waiting up to %d s for the xdpserved that holds %s (PID %ld) to exit",
		DAEMON_LOCK_WAIT_MS / 1000, path, holder.pid);
	for (int ms = 0; ms < DAEMON_LOCK_WAIT_MS; ms += 20) {
		usleep(20000);
		if (!flock(d->lock_fd, LOCK_EX | LOCK_NB))
			return 0;
		if (daemon_holder_state(holder.pid) != DAEMON_HOLDER_RUNNING)
			running_ms = 0;
		else if ((running_ms += 20) >= DAEMON_LOCK_RUNNING_MS)
			break;
	}
	pr_err("another xdpserved already serves %s (PID %ld holds %s%s); stop it first",
	       d->cfg->ifname, holder.pid, path,
	       running_ms >= DAEMON_LOCK_RUNNING_MS ? " and is running" : " after 10 s");
	return -EBUSY;
}

static int daemon_lock_iface(struct daemon *d)
{
	const char *dir = "/run/xdpserve";
	struct daemon_lock_record prev;
	char path[PATH_MAX];
	struct stat ns;
	int err;

	if (stat("/proc/self/ns/net", &ns))
		ns.st_ino = 0;
	if (mkdir(dir, 0755) && errno != EEXIST) {
		pr_err("cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	snprintf(path, sizeof(path), "%s/%llu-%s.lock", dir, (unsigned long long)ns.st_ino,
		 d->cfg->ifname);
	d->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (d->lock_fd < 0) {
		pr_err("cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	if (flock(d->lock_fd, LOCK_EX | LOCK_NB)) {
		err = errno == EWOULDBLOCK ? daemon_lock_wait(d, path) : -errno;
		if (err)
			return err;
	}
	daemon_lock_read(d->lock_fd, &prev);
	d->prev_prog_id = prev.prog_id;
	daemon_lock_write(d, 0);
	return 0;
}

/*
 * Attach, or adopt the program left attached. One an earlier daemon
 * attached (its id in the lock record) becomes ours, to detach on stop;
 * one attached by hand stays when we stop. Either way only our endpoints
 * stay served.
 */
static int daemon_steer(struct daemon *d)
{
	const struct xdpserve_config *cfg = d->cfg;
	bool adopted;
	int err;

	err = steer__attach_or_adopt(cfg->ifname, cfg->bpf_obj, cfg->xdp_mode, &d->steer, &adopted);
	if (err)
		return err;
	d->attached_here = !adopted || steer_prog_id(d->steer) == d->prev_prog_id;
	if (adopted && d->attached_here)
		pr_info("the program was attached by the previous xdpserved; this one detaches it "
			"on stop");
	else if (adopted)
		pr_info("the program was attached by hand (ip link, xdpservectl attach); it stays "
			"attached when this daemon stops (xdpservectl detach %s removes it)",
			cfg->ifname);
	if (adopted) {
		err = steer_endpoint_keep_only(d->steer, cfg->endpoints, cfg->nendpoints);
		if (err < 0)
			return err;
	}
	daemon_lock_write(d, d->attached_here ? steer_prog_id(d->steer) : 0);
	return 0;
}

/*
 * SYNs answered in XDP: write what worker 0's stack would put into a
 * SYN-ACK (every worker's is the same: one interface, one configuration)
 * with the daemon's cookie key, and map the per-queue accept slots, all
 * cleared (an earlier daemon's may still say "accept"). With syn-in-xdp
 * off the settings are written too, without XDPSERVE_SYN_ON, so an older
 * "on" is not left behind, and the slots are not mapped: the program
 * reads them only with XDPSERVE_SYN_ON, so a failing mmap cannot stop a
 * daemon that does not use them. A program without the maps answers no SYN.
 */
static int daemon_syn_setup(struct daemon *d)
{
	struct xdpserve_syn_conf sc;
	struct tcp_synack_params p;
	int err;

	if (!steer_syn_supported(d->steer)) {
		if (d->cfg->syn_in_xdp)
			pr_warn("the steering program on %s predates SYNs answered in XDP; every "
				"SYN goes to user space (install the matching xdpserve.bpf.o)",
				d->cfg->ifname);
		return 0;
	}
	if (d->cfg->syn_in_xdp) {
		err = steer_syn_queues_map(d->steer, &d->syn_slots, &d->nsyn_slots);
		if (err)
			return err;
	}
	if (d->syn_slots && d->nsyn_slots < d->nqueues) {
		pr_err("the steering program on %s has %u SYN accept slots, fewer than the %u "
		       "queues",
		       d->cfg->ifname, d->nsyn_slots, d->nqueues);
		return -ERANGE;
	}
	for (uint32_t i = 0; i < d->nsyn_slots; i++)
		atomic_store_explicit(&d->syn_slots[i], 0, memory_order_relaxed);

	worker_synack_params(d->workers[0], &p);
	memset(&sc, 0, sizeof(sc));
	memcpy(sc.cookie_key, d->syn_key, sizeof(sc.cookie_key));
	tcp_hash_key_derive(d->syn_key, sc.ts_key);
	sc.flags = (d->cfg->syn_in_xdp ? XDPSERVE_SYN_ON : 0) |
		   (p.timestamps ? XDPSERVE_SYN_TIMESTAMPS : 0) | (p.sack ? XDPSERVE_SYN_SACK : 0) |
		   (p.window_scale ? XDPSERVE_SYN_WSCALE : 0);
	sc.mss_v4 = p.mss_v4;
	sc.mss_v6 = p.mss_v6;
	sc.window = p.window;
	sc.wscale = p.wscale;
	sc.hop_limit = NET_TTL;
	err = steer_syn_set(d->steer, &sc);
	if (err)
		return err;
	pr_info("SYNs to %s %s (MSS %u/%u)", d->cfg->ifname,
		d->cfg->syn_in_xdp ? "are answered in XDP" : "go to user space (syn-in-xdp off)",
		p.mss_v4, p.mss_v6);
	return 0;
}

/* Close the roots of wc and free it (not its configuration). */
static void daemon_conf_close(struct worker_conf *wc)
{
	if (!wc)
		return;
	for (uint32_t i = 0; i < wc->nroot_fds; i++)
		if (wc->root_fds[i] >= 0)
			close(wc->root_fds[i]);
	free(wc);
}

static int daemon_open_root(const char *dir, int *fd)
{
	int err;

	*fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	err = -errno;
	pr_err("document root %s: %s; give an existing directory", dir, strerror(-err));
	return err;
}

/*
 * Whether a and b opened the same directories: a root given as a symlink
 * (`current -> release-2`) that now points elsewhere has the same text but
 * is another tree, and the cache must drop what it has from the old one.
 */
static bool daemon_roots_same(const struct worker_conf *a, const struct worker_conf *b)
{
	struct stat sa, sb;

	if (a->nroot_fds != b->nroot_fds)
		return false;
	for (uint32_t i = 0; i < a->nroot_fds; i++)
		if (fstat(a->root_fds[i], &sa) || fstat(b->root_fds[i], &sb) ||
		    sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino)
			return false;
	return true;
}

/* Roots of another text, or the same text leading to other directories. */
static bool daemon_roots_changed(const struct worker_conf *old, const struct worker_conf *wc)
{
	const struct xdpserve_config *a = old->cfg, *b = wc->cfg;

	return strcmp(a->root, b->root) || a->nroots != b->nroots ||
	       memcmp(a->roots, b->roots, b->nroots * sizeof(b->roots[0])) ||
	       !daemon_roots_same(old, wc);
}

/*
 * What the workers get for cfg: its roots opened (root 0 is the root of
 * every address, or, when there is none, the first per-address one, which
 * no connection then reaches through root 0). `old`: the running one, to
 * tell whether the roots changed (in their text or the directories they
 * lead to). 0 or -errno (logged).
 */
static int daemon_conf_open(const struct xdpserve_config *cfg, const struct worker_conf *old,
			    struct worker_conf **out)
{
	struct worker_conf *wc = calloc(1, sizeof(*wc));
	int err = -ENOMEM;

	if (!wc)
		goto out;
	wc->cfg = cfg;
	for (uint32_t i = 0; i <= CONFIG_MAX_ROOTS; i++)
		wc->root_fds[i] = -1;
	wc->nroot_fds = 1 + cfg->nroots;
	err = daemon_open_root(cfg->root[0] ? cfg->root : cfg->roots[0].dir, &wc->root_fds[0]);
	for (uint32_t i = 0; !err && i < cfg->nroots; i++)
		err = daemon_open_root(cfg->roots[i].dir, &wc->root_fds[1 + i]);
	if (err)
		goto out;
	wc->roots_gen = old ? old->roots_gen + daemon_roots_changed(old, wc) : 0;
	*out = wc;
	return 0;
out:
	daemon_conf_close(wc);
	return err;
}

/* conf_check()'s problems, at start and on reload, go to the log. */
static void daemon_report_line(void *arg, const char *text)
{
	pr_err("%s%s", (const char *)arg, text);
}

static int daemon_setup(struct daemon *d)
{
	uint8_t mac[NET_ETH_ALEN];
	const struct xdpserve_config *cfg = d->cfg;
	struct conf_report report = {.line = daemon_report_line, .arg = ""};
	struct umem_config ucfg = {0};
	struct conf_facts facts;
	int err;

	err = privilege_user_resolve(cfg->user, &d->user);
	if (err)
		return err;
	if (conf_check(cfg, &report, &facts))
		return -EINVAL;
	d->nqueues = facts.nqueues;
	d->mtu = facts.mtu;
	err = daemon_conf_open(cfg, NULL, &d->conf);
	if (err)
		return err;
	err = daemon_lock_iface(d);
	if (err)
		return err;

	err = daemon_steer(d);
	if (err)
		return err;
	pr_info("steering program on %s in %s mode", cfg->ifname, steer_mode_name(d->steer));
	err = net_iface_mac(cfg->ifname, mac);
	if (!err)
		err = steer_iface_set_mac(d->steer, mac);
	if (err) {
		pr_err("cannot read the MAC address of %s: %s", cfg->ifname, strerror(-err));
		return err;
	}

	ucfg.partitions = d->nqueues;
	ucfg.fill_frames = facts.fill_frames;
	ucfg.tx_frames = facts.tx_frames;
	ucfg.frames_per_partition = facts.frames_per_partition;
	err = umem__create(&ucfg, &d->umem);
	if (err)
		return err;

	if (getrandom(d->etag_key, sizeof(d->etag_key), 0) != (ssize_t)sizeof(d->etag_key)) {
		err = -errno;
		pr_err("no random bytes for the ETag key: %s", strerror(errno));
		return err;
	}
	if (cfg->access_log[0]) {
		err = access_log__create(cfg->access_log, cfg->access_log_format, d->nqueues,
					 &d->access);
		if (err)
			return err;
	}
	/* One cookie key per daemon lifetime: any worker, and the program, checks any cookie. */
	if (getrandom(d->syn_key, sizeof(d->syn_key), 0) != (ssize_t)sizeof(d->syn_key)) {
		err = -errno;
		pr_err("no random bytes for the SYN cookie key: %s", strerror(errno));
		return err;
	}
	for (uint32_t i = 0; i < d->nqueues; i++) {
		err = worker__create(d->conf, d->umem, i, d->etag_key, d->syn_key,
				     cfg->syn_in_xdp && steer_syn_supported(d->steer),
				     d->access ? access_log_ring(d->access, i) : NULL,
				     &d->workers[i]);
		if (err)
			return err;
		/* The program's SYN-ACKs match the stack's before any socket takes traffic. */
		if (i == 0) {
			err = daemon_syn_setup(d);
			if (err)
				return err;
		}
		worker_set_syn_slot(d->workers[i], d->syn_slots ? &d->syn_slots[i] : NULL);
		err = steer_xsk_set(d->steer, i, worker_xsk_fd(d->workers[i]));
		if (err)
			return err;
	}

	/* Busy polling saves the wake-ups only with the interrupt deferred meanwhile. */
	if (cfg->busy_poll_us && worker_busy_polling(d->workers[0]))
		napi_defer_apply(&d->napi_defer, cfg->ifname, NAPI_DEFER_HARD_IRQS,
				 NAPI_DEFER_TIMEOUT_NS);

	for (uint32_t i = 0; i < cfg->nendpoints; i++) {
		char text[STEER_ENDPOINT_STRLEN];

		steer_endpoint_format(&cfg->endpoints[i], text, sizeof(text));
		err = steer_endpoint_add(d->steer, &cfg->endpoints[i]);
		if (err)
			return err;
		pr_info("serving %s", text);
	}
	return 0;
}

/*
 * Before anything stops: the settings go back to "answer no SYN", with the
 * key zeroed, so a program that stays attached (attached by hand, or
 * adopted by an older daemon) never answers with this daemon's key once it
 * is gone; its SYNs go to the workers while they last, then to the kernel.
 */
static void daemon_syn_off(struct daemon *d)
{
	struct xdpserve_syn_conf sc;

	if (!d->steer || !steer_syn_supported(d->steer))
		return;
	memset(&sc, 0, sizeof(sc));
	if (steer_syn_set(d->steer, &sc))
		pr_warn("the steering program on %s keeps answering SYNs with this daemon's key "
			"until it is detached or another daemon starts",
			d->cfg->ifname);
}

static void daemon_teardown(struct daemon *d, int *status)
{
	daemon_syn_off(d);
	for (uint32_t i = 0; i < d->nqueues; i++)
		if (d->workers[i])
			worker_request(d->workers[i], WORKER_CMD_STOP);
	for (uint32_t i = 0; i < d->nqueues; i++) {
		if (!d->workers[i])
			continue;
		worker_join(d->workers[i]);
		if (d->steer)
			steer_xsk_clear(d->steer, i);
		if (worker__destroy(d->workers[i]))
			*status = EXIT_FAILURE;
		d->workers[i] = NULL;
	}
	napi_defer_restore(&d->napi_defer);
	/* After every worker: they write their slots until they end. */
	steer_syn_queues_unmap(d->syn_slots, d->nsyn_slots);
	access_log__destroy(d->access);
	if (d->umem && umem__destroy(d->umem))
		*status = EXIT_FAILURE;
	if (d->steer) {
		if (d->attached_here)
			steer__detach(d->steer);
		else
			for (uint32_t i = 0; i < d->cfg->nendpoints; i++)
				steer_endpoint_del(d->steer, &d->cfg->endpoints[i]);
		steer__close(d->steer);
	}
	daemon_conf_close(d->conf);
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	if (d->signal_fd >= 0)
		close(d->signal_fd);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Every worker polls at least once a second (WORKER_MAX_SLEEP_MS), so its
 * heartbeat moves; a worker whose heartbeat stood still for three seconds
 * is stuck, and the systemd watchdog is no longer fed.
 */
#define DAEMON_STUCK_MS 3000

struct daemon_watchdog {
	uint64_t usec; /* WatchdogSec, 0 when off */
	uint64_t last_ping_ms;
	uint64_t beats[XDPSERVE_MAX_QUEUES];
	uint64_t moved_ms[XDPSERVE_MAX_QUEUES];
};

static void daemon_watchdog_init(struct daemon_watchdog *wd)
{
	uint64_t now = mono_ms();

	memset(wd, 0, sizeof(*wd));
	if (sd_watchdog_enabled(0, &wd->usec) <= 0)
		wd->usec = 0;
	for (uint32_t i = 0; i < XDPSERVE_MAX_QUEUES; i++)
		wd->moved_ms[i] = now;
}

/* Feed the watchdog if every worker is alive and half the period passed. */
static void daemon_watchdog_feed(struct daemon *d, struct daemon_watchdog *wd)
{
	uint64_t now = mono_ms();
	bool alive = true;

	if (!wd->usec)
		return;
	for (uint32_t i = 0; i < d->nqueues; i++) {
		uint64_t b = worker_heartbeat(d->workers[i]);

		if (b != wd->beats[i]) {
			wd->beats[i] = b;
			wd->moved_ms[i] = now;
		}
		alive &= now - wd->moved_ms[i] < DAEMON_STUCK_MS;
	}
	if (alive && now - wd->last_ping_ms >= wd->usec / 2000) {
		sd_notify(0, "WATCHDOG=1");
		wd->last_ping_ms = now;
	}
}

/* Stop accepting, wait for connections to finish (bounded), then give the port back. */
static void daemon_drain(struct daemon *d, struct daemon_watchdog *wd)
{
	uint64_t until = mono_ms() + d->cfg->drain_ms;
	bool all;

	for (uint32_t i = 0; i < d->nqueues; i++)
		worker_request(d->workers[i], WORKER_CMD_DRAIN);
	do {
		all = true;
		for (uint32_t i = 0; i < d->nqueues; i++)
			all &= worker_drained(d->workers[i]);
		if (all)
			break;
		daemon_watchdog_feed(d, wd);
		usleep(10000);
	} while (mono_ms() < until);
	if (!all)
		pr_warn("drain: connections still open after %u ms; closing them",
			d->cfg->drain_ms);
	if (d->attached_here) {
		steer__detach(d->steer);
		d->attached_here = false;
		steer__close(d->steer);
		d->steer = NULL;
		daemon_lock_write(d, 0);
	}
}

/* Add the endpoints of `to` that `from` lacks (add) or delete those it lacks (!add). */
static int daemon_endpoints_move(struct daemon *d, const struct xdpserve_config *from,
				 const struct xdpserve_config *to, bool add)
{
	int ret = 0;

	for (uint32_t i = 0; i < to->nendpoints; i++) {
		char text[STEER_ENDPOINT_STRLEN];
		bool kept = false;
		int err;

		for (uint32_t j = 0; j < from->nendpoints && !kept; j++)
			kept = !memcmp(&to->endpoints[i], &from->endpoints[j],
				       sizeof(to->endpoints[i]));
		if (kept)
			continue;
		steer_endpoint_format(&to->endpoints[i], text, sizeof(text));
		err = add ? steer_endpoint_add(d->steer, &to->endpoints[i])
			  : steer_endpoint_del(d->steer, &to->endpoints[i]);
		if (err && !ret)
			ret = err;
		if (err)
			pr_err("reload: cannot %s endpoint %s: %s", add ? "add" : "remove", text,
			       strerror(-err));
		else
			pr_info("reload: %s %s", add ? "serving" : "no longer serving", text);
	}
	return ret;
}

static void daemon_reload_note(void *arg, const char *name, bool reloadable)
{
	(void)arg;
	if (reloadable)
		pr_info("reload: %s changed", name);
	else
		pr_warn("reload: %s changed, which needs a restart; keeping the running value",
			name);
}

/*
 * Read, check and open the new configuration; NULL when it has a problem
 * (every one logged as --check prints it). Keys that need a restart keep
 * their running values.
 */
static struct worker_conf *daemon_reload_prepare(struct daemon *d)
{
	struct conf_report report = {
		.line = daemon_report_line, .arg = "reload: ", .running = true};
	struct xdpserve_config *cfg = malloc(sizeof(*cfg));
	struct worker_conf *wc = NULL;

	if (!cfg || conf_load(cfg, d->argc, d->argv, &report))
		goto out;
	if (!conf_diff(d->cfg, cfg, daemon_reload_note, NULL))
		pr_info("reload: nothing changed");
	conf_keep_restart_only(cfg, d->cfg);
	if (conf_check(cfg, &report, NULL) || daemon_conf_open(cfg, d->conf, &wc))
		goto out;
	return wc;
out:
	pr_err("reload: the new configuration is refused; still running with the old one");
	free(cfg);
	return NULL;
}

/* Every worker takes wc; wait (bounded) until none uses the one before. */
static bool daemon_reconfigure_workers(struct daemon *d, struct worker_conf *wc,
				       struct daemon_watchdog *wd)
{
	uint64_t until = mono_ms() + DAEMON_STUCK_MS;
	bool all;

	for (uint32_t i = 0; i < d->nqueues; i++)
		worker_reconfigure(d->workers[i], wc);
	do {
		all = true;
		for (uint32_t i = 0; i < d->nqueues; i++)
			all &= worker_conf_in_use(d->workers[i], wc);
		if (all)
			break;
		daemon_watchdog_feed(d, wd);
		usleep(1000);
	} while (mono_ms() < until);
	return all;
}

/* SIGHUP: the new configuration whole, or the old one kept. */
static void daemon_reload(struct daemon *d, struct daemon_watchdog *wd)
{
	struct worker_conf *wc, *old = d->conf;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
		   (unsigned long long)ts.tv_sec * 1000000ull +
			   (unsigned long long)ts.tv_nsec / 1000);
	pr_info("SIGHUP: reloading the configuration");
	wc = daemon_reload_prepare(d);
	if (wc) {
		log_set_level(wc->cfg->log_level);
		daemon_endpoints_move(d, d->cfg, wc->cfg, true);
		daemon_endpoints_move(d, wc->cfg, d->cfg, false);
		d->conf = wc;
		d->cfg = wc->cfg;
		if (daemon_reconfigure_workers(d, wc, wd)) {
			free((void *)old->cfg);
			daemon_conf_close(old);
		} else {
			pr_warn("reload: a worker did not take the new configuration within %u ms; "
				"the old one stays allocated",
				DAEMON_STUCK_MS);
		}
		pr_info("reload: done");
		d->reloads++;
	} else {
		d->reloads_refused++;
	}
	sd_notifyf(0, "READY=1\nSTATUS=serving on %s with %u queue%s", d->cfg->ifname, d->nqueues,
		   d->nqueues == 1 ? "" : "s");
}

/*
 * Wait up to 250 ms for a signal, serving control requests and metrics
 * scrapes meanwhile. Returns the signal number, or 0 when none came.
 */
static int daemon_next_signal(struct daemon *d)
{
	struct pollfd pfd[3] = {
		{.fd = d->signal_fd, .events = POLLIN},
		{.fd = control_fd(d->control), .events = POLLIN},
		{.fd = metrics_http_fd(d->metrics), .events = POLLIN},
	};
	struct signalfd_siginfo si;

	if (poll(pfd, 3, d->control_pending ? 0 : 250) < 0 && errno != EINTR)
		pr_warn("main loop: poll: %s", strerror(errno));
	d->control_pending = (pfd[1].revents || d->control_pending) && control_process(d->control);
	metrics_http_process(d->metrics); /* also runs its timeouts */
	if ((pfd[0].revents & POLLIN) && read(d->signal_fd, &si, sizeof(si)) == sizeof(si))
		return (int)si.ssi_signo;
	return 0;
}

/* The main thread's loop: signals, the control socket, metrics, the systemd watchdog. */
static void daemon_wait(struct daemon *d, const sigset_t *set, struct daemon_watchdog *wd)
{
	for (;;) {
		int sig = daemon_next_signal(d);

		if (sig == SIGTERM || sig == SIGINT) {
			pr_info("%s: draining connections, then %s %s", strsignal(sig),
				d->attached_here ? "detaching from"
						 : "leaving the program attached to",
				d->cfg->ifname);
			return;
		}
		if (sig == SIGUSR2 && d->access)
			access_log_reopen(d->access);
		if (sig == SIGUSR1)
			for (uint32_t i = 0; i < d->nqueues; i++)
				worker_request(d->workers[i], WORKER_CMD_DUMP);
		if (sig == SIGHUP)
			daemon_reload(d, wd);
		daemon_watchdog_feed(d, wd);
	}
}

static int daemon_metrics_stats(void *ctx, struct json_object *reply)
{
	return control_daemon_stats(ctx, reply);
}

/*
 * The control socket, and /metrics when asked for. Without the socket the
 * daemon still serves (xdpservectl then reads the pinned maps); a metrics
 * address that cannot be had is an error, since someone asked for it.
 */
static int daemon_control_open(struct daemon *d, const sigset_t *set)
{
	const struct xdpserve_config *cfg = d->cfg;
	char path[sizeof(cfg->control_socket) + IF_NAMESIZE + 32];
	struct timespec now;
	int err;

	d->signal_fd = signalfd(-1, set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->signal_fd < 0) {
		err = -errno;
		pr_err("signalfd: %s", strerror(-err));
		return err;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	d->ctl.start_realtime_s = (uint64_t)now.tv_sec;
	clock_gettime(CLOCK_MONOTONIC, &now);
	d->ctl.start_mono_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	d->ctl.cfg = &d->cfg;
	d->ctl.steer = d->steer;
	d->ctl.workers = d->workers;
	d->ctl.nqueues = d->nqueues;
	d->ctl.pid = (int)getpid();
	d->ctl.reloads = &d->reloads;
	d->ctl.reloads_refused = &d->reloads_refused;
	if (cfg->control_socket[0])
		snprintf(path, sizeof(path), "%s", cfg->control_socket);
	else
		control_default_path(CONF_RUNTIME_DIR, cfg->ifname, path, sizeof(path));
	if (strcmp(path, "off") &&
	    control__create(path, control_daemon_cmds, control_daemon_ncmds, &d->ctl, &d->control))
		pr_warn("serving without a control socket: xdpservectl will read the pinned "
			"maps only");
	if (!cfg->metrics_listen[0])
		return 0;
	err = metrics_http__create(cfg->metrics_listen, daemon_metrics_stats, &d->ctl, &d->metrics);
	return err;
}

static void daemon_control_close(struct daemon *d)
{
	metrics_http__destroy(d->metrics);
	d->metrics = NULL;
	control__destroy(d->control);
	d->control = NULL;
}

/*
 * Worker i's CPU: the i-th of --cpus (wrapping around), else the i-th CPU this
 * process may run on (cpuset, taskset, CPUAffinity=), round robin.
 */
static int daemon_worker_cpu(const struct xdpserve_config *cfg, uint32_t i)
{
	cpu_set_t allowed;
	int n, seen = 0;

	if (cfg->cpus.n)
		return cfg->cpus.cpu[i % cfg->cpus.n];
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return -1;
	n = CPU_COUNT(&allowed);
	if (n <= 0)
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		if (seen++ == (int)(i % (uint32_t)n))
			return cpu;
	}
	return -1;
}

int daemon_run(struct xdpserve_config *cfg, int argc, char **argv)
{
	struct daemon d = {.cfg = cfg, .argc = argc, .argv = argv, .lock_fd = -1, .signal_fd = -1};
	struct daemon_watchdog wd;
	int status = EXIT_SUCCESS;
	sigset_t set;

	/* Workers inherit this mask: only the main thread takes signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	/* The sockets come before the workers run (and before privileges go). */
	if (daemon_setup(&d) || daemon_control_open(&d, &set)) {
		status = EXIT_FAILURE;
		goto out;
	}
	for (uint32_t i = 0; i < d.nqueues; i++) {
		if (worker_start(d.workers[i], daemon_worker_cpu(cfg, i), &d.user)) {
			status = EXIT_FAILURE;
			goto out;
		}
	}
	if (d.access && access_log_start(d.access)) {
		status = EXIT_FAILURE;
		goto out;
	}
	pr_info("workers read files as %s (uid %u, gid %u) with no capabilities", d.user.name,
		(unsigned int)d.user.uid, (unsigned int)d.user.gid);
	if (privilege_drop_main()) {
		status = EXIT_FAILURE;
		goto out;
	}
	sd_notifyf(0, "READY=1\nSTATUS=serving on %s with %u queue%s", cfg->ifname, d.nqueues,
		   d.nqueues == 1 ? "" : "s");
	pr_info("ready: %u worker%s on %s", d.nqueues, d.nqueues == 1 ? "" : "s", cfg->ifname);

	daemon_watchdog_init(&wd);
	daemon_wait(&d, &set, &wd);
	sd_notify(0, "STOPPING=1");
	daemon_control_close(&d);
	daemon_drain(&d, &wd);
	for (uint32_t i = 0; i < d.nqueues; i++)
		worker_request(d.workers[i], WORKER_CMD_DUMP);
out:
	daemon_control_close(&d);
	daemon_teardown(&d, &status);
	pr_info("stopped");
	free((void *)d.cfg); /* the first one, or the last reload's */
	return status;
}
