// SPDX-License-Identifier: GPL-2.0-only
/*
 * daemon.c — set-up and tear-down around the workers, and the main
 * thread's signal loop. Called by main() with the parsed configuration.
 *
 *	conf_check (roots, interface, MTU, queues, memlock, BPF object)
 *	-> steer__attach (XDP program, served endpoints)
 *	-> umem__create (one partition per queue)
 *	-> worker__create per queue -> steer_xsk_set -> worker_start
 *	-> sd_notify READY=1 -> signals: SIGUSR1 dump, SIGHUP reload, SIGTERM/SIGINT stop
 *	reload: conf_load (same argv) -> conf_check -> endpoints in the steering
 *	  map -> worker_reconfigure (a new struct worker_conf) -> the old one
 *	  freed once every worker took the new one
 *	-> drain -> detach (the kernel gets the port back) -> stop -> destroy
 */
#include "daemon/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/conf.h"
#include "daemon/worker.h"
#include "http/http_cond.h"
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
	bool attached_here; /* we attached the program, so we detach it */
	struct umem *umem;
	struct worker *workers[XDPSERVE_MAX_QUEUES];
	uint8_t etag_key[HTTP_ETAG_KEY_LEN]; /* one for all workers: they agree on ETags */
};

/*
 * One daemon per interface: a second one would take over the first one's
 * XSKMAP slots. The lock is per network namespace (interfaces in different
 * namespaces may share a name) and goes with the process.
 */
static int daemon_lock_iface(struct daemon *d)
{
	const char *dir = "/run/xdpserve";
	char path[PATH_MAX];
	struct stat ns;

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
		pr_err("another xdpserved already serves %s (it holds %s); stop it first",
		       d->cfg->ifname, path);
		return -EBUSY;
	}
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
 * What the workers get for cfg: its roots opened (root 0 is the root of
 * every address, or, when there is none, the first per-address one, which
 * no connection then reaches through root 0). `old`: the running one, to
 * tell whether the roots changed. 0 or -errno (logged).
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
	wc->roots_changed =
		!old || strcmp(old->cfg->root, cfg->root) || old->cfg->nroots != cfg->nroots ||
		memcmp(old->cfg->roots, cfg->roots, cfg->nroots * sizeof(cfg->roots[0]));
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
	const struct xdpserve_config *cfg = d->cfg;
	struct conf_report report = {.line = daemon_report_line, .arg = ""};
	struct umem_config ucfg = {0};
	struct conf_facts facts;
	int err;

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

	err = steer__attach(cfg->ifname, cfg->bpf_obj, cfg->xdp_mode, &d->steer);
	if (err == -EEXIST) {
		pr_info("the steering program is already attached to %s; using it", cfg->ifname);
		err = steer__open(cfg->ifname, &d->steer);
	} else if (!err) {
		d->attached_here = true;
	}
	if (err)
		return err;
	pr_info("steering program on %s in %s mode", cfg->ifname, steer_mode_name(d->steer));

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
	for (uint32_t i = 0; i < d->nqueues; i++) {
		err = worker__create(d->conf, d->umem, i, d->etag_key, &d->workers[i]);
		if (err)
			return err;
		err = steer_xsk_set(d->steer, i, worker_xsk_fd(d->workers[i]));
		if (err)
			return err;
	}

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

static void daemon_teardown(struct daemon *d, int *status)
{
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
	struct conf_report report = {.line = daemon_report_line, .arg = "reload: "};
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
	}
	sd_notifyf(0, "READY=1\nSTATUS=serving on %s with %u queue%s", d->cfg->ifname, d->nqueues,
		   d->nqueues == 1 ? "" : "s");
}

/* The main thread's loop: signals and the systemd watchdog. */
static void daemon_wait(struct daemon *d, const sigset_t *set, struct daemon_watchdog *wd)
{
	struct timespec tick = {.tv_nsec = 250 * 1000000};

	for (;;) {
		int sig = sigtimedwait(set, NULL, &tick);

		if (sig == SIGTERM || sig == SIGINT) {
			pr_info("%s: draining connections, then detaching from %s", strsignal(sig),
				d->cfg->ifname);
			return;
		}
		if (sig == SIGUSR1)
			for (uint32_t i = 0; i < d->nqueues; i++)
				worker_request(d->workers[i], WORKER_CMD_DUMP);
		if (sig == SIGHUP)
			daemon_reload(d, wd);
		daemon_watchdog_feed(d, wd);
	}
}

/* The i-th CPU this process may run on (cpuset, taskset, CPUAffinity=), round robin. */
static int daemon_worker_cpu(uint32_t i)
{
	cpu_set_t allowed;
	int n, seen = 0;

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
	struct daemon d = {.cfg = cfg, .argc = argc, .argv = argv, .lock_fd = -1};
	struct daemon_watchdog wd;
	int status = EXIT_SUCCESS;
	sigset_t set;

	/* Workers inherit this mask: only the main thread takes signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (daemon_setup(&d)) {
		status = EXIT_FAILURE;
		goto out;
	}
	for (uint32_t i = 0; i < d.nqueues; i++) {
		if (worker_start(d.workers[i], daemon_worker_cpu(i))) {
			status = EXIT_FAILURE;
			goto out;
		}
	}
	sd_notifyf(0, "READY=1\nSTATUS=serving on %s with %u queue%s", cfg->ifname, d.nqueues,
		   d.nqueues == 1 ? "" : "s");
	pr_info("ready: %u worker%s on %s", d.nqueues, d.nqueues == 1 ? "" : "s", cfg->ifname);

	daemon_watchdog_init(&wd);
	daemon_wait(&d, &set, &wd);
	sd_notify(0, "STOPPING=1");
	daemon_drain(&d, &wd);
	for (uint32_t i = 0; i < d.nqueues; i++)
		worker_request(d.workers[i], WORKER_CMD_DUMP);
out:
	daemon_teardown(&d, &status);
	pr_info("stopped");
	free((void *)d.cfg); /* the first one, or the last reload's */
	return status;
}
