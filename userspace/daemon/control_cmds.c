// SPDX-License-Identifier: GPL-2.0-only
/*
 * control_cmds.c — the daemon's answers on the control socket (control.h):
 * status, stats, conns, cache-list/flush/warm, endpoint-add/del/list,
 * reload. Runs in the main thread, called by control.c's dispatch (and by
 * metrics_http.c for the stats); reaches the workers through worker_call()
 * only, and the steering program's maps through userspace/steer.
 */
#include "daemon/control.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/conf.h"
#include "daemon/worker.h"
#include "steer/steer.h"

/* How long a worker may take to answer (it polls at least once a second). */
#define CONTROL_WORKER_TIMEOUT_MS 1500
/* cache-warm asks again this often, 10 ms apart, while a file is being opened. */
#define CONTROL_WARM_TRIES 50

/* --- counters as JSON ---------------------------------------------------- */

struct control_field {
	const char *name;
	size_t off;
	bool u32; /* else uint64_t */
};

#define F64(type, f)                                                                               \
	{                                                                                          \
#f, offsetof(type, f), false                                                       \
	}
#define F32(type, f)                                                                               \
	{                                                                                          \
#f, offsetof(type, f), true                                                        \
	}

static const struct control_field tcp_fields[] = {
	F64(struct tcp_stats, rx_frames),
	F64(struct tcp_stats, rx_drop_malformed),
	F64(struct tcp_stats, rx_drop_csum),
	F64(struct tcp_stats, rx_drop_unsupported),
	F64(struct tcp_stats, rx_drop_out_of_window),
	F64(struct tcp_stats, rx_drop_out_of_order),
	F64(struct tcp_stats, rx_drop_no_conn),
	F64(struct tcp_stats, syn_received),
	F64(struct tcp_stats, syncookies_sent),
	F64(struct tcp_stats, syncookies_accepted),
	F64(struct tcp_stats, syncookies_rejected),
	F64(struct tcp_stats, syncookies_overflow),
	F64(struct tcp_stats, conns_accepted),
	F64(struct tcp_stats, conns_refused),
	F64(struct tcp_stats, conns_refused_source),
	F64(struct tcp_stats, conns_refused_full),
	F64(struct tcp_stats, conns_evicted),
	F64(struct tcp_stats, conns_closed),
	F64(struct tcp_stats, conns_reset),
	F64(struct tcp_stats, conns_timed_out),
	F64(struct tcp_stats, timeout_idle),
	F64(struct tcp_stats, timeout_retransmit),
	F64(struct tcp_stats, timeout_fin_wait),
	F64(struct tcp_stats, timeout_header),
	F64(struct tcp_stats, timeout_keepalive),
	F64(struct tcp_stats, timeout_send),
	F64(struct tcp_stats, timeout_persist),
	F64(struct tcp_stats, tx_frames),
	F64(struct tcp_stats, tx_bytes),
	F64(struct tcp_stats, tx_retransmits),
	F64(struct tcp_stats, tx_rst),
	F64(struct tcp_stats, tx_challenge_acks),
	F64(struct tcp_stats, tx_no_frame),
	F64(struct tcp_stats, tx_reserve_held),
	F64(struct tcp_stats, rto_fired),
	F64(struct tcp_stats, pmtu_icmp_accepted),
	F64(struct tcp_stats, pmtu_icmp_ignored),
	F64(struct tcp_stats, pmtu_blackhole),
	F32(struct tcp_stats, conns_active),
	F32(struct tcp_stats, conns_time_wait),
	{NULL, 0, false},
};

static const struct control_field http_fields[] = {
	F64(struct http_stats, requests),
	F64(struct http_stats, status_2xx),
	F64(struct http_stats, status_3xx),
	F64(struct http_stats, status_4xx),
	F64(struct http_stats, status_5xx),
	F64(struct http_stats, body_bytes),
	F64(struct http_stats, cache_waits),
	F64(struct http_stats, refused),
	{NULL, 0, false},
};

static const struct control_field cache_fields[] = {
	F64(struct cache_stats, hits),
	F64(struct cache_stats, misses),
	F64(struct cache_stats, file_hits),
	F64(struct cache_stats, file_opens),
	F64(struct cache_stats, loads),
	F64(struct cache_stats, readaheads),
	F64(struct cache_stats, load_errors),
	F64(struct cache_stats, evictions),
	F64(struct cache_stats, stale),
	F64(struct cache_stats, neg_hits),
	F64(struct cache_stats, neg_inserts),
	F64(struct cache_stats, neg_replaced),
	F64(struct cache_stats, waits),
	F64(struct cache_stats, wait_timeouts),
	F64(struct cache_stats, bytes_used),
	F64(struct cache_stats, bytes_budget),
	F64(struct cache_stats, chunk_bytes),
	F32(struct cache_stats, frames_used),
	F32(struct cache_stats, frames_budget),
	F32(struct cache_stats, objects),
	F32(struct cache_stats, files),
	F32(struct cache_stats, loading),
	F32(struct cache_stats, waiting),
	F32(struct cache_stats, zombies),
	F64(struct cache_stats, meta_used),
	F64(struct cache_stats, meta_budget),
	{NULL, 0, false},
};

static const struct control_field disk_fields[] = {
	F64(struct io_reader_stats, reads),
	F64(struct io_reader_stats, bytes),
	F64(struct io_reader_stats, sqes),
	F64(struct io_reader_stats, short_reads),
	F64(struct io_reader_stats, errors),
	F64(struct io_reader_stats, deferred),
	F64(struct io_reader_stats, statx),
	F64(struct io_reader_stats, opens),
	F64(struct io_reader_stats, closes),
	F64(struct io_reader_stats, sync_closes),
	F32(struct io_reader_stats, inflight),
	F32(struct io_reader_stats, waiting),
	{NULL, 0, false},
};

static const struct control_field xsk_fields[] = {
	F64(struct xsk_queue_stats, rx_packets),
	F64(struct xsk_queue_stats, rx_bytes),
	F64(struct xsk_queue_stats, rx_multibuf_dropped),
	F64(struct xsk_queue_stats, rx_bad_descs),
	F64(struct xsk_queue_stats, rx_wakeups),
	F64(struct xsk_queue_stats, busy_polls),
	F64(struct xsk_queue_stats, busy_poll_hits),
	F64(struct xsk_queue_stats, fill_ring_empty),
	F64(struct xsk_queue_stats, tx_packets),
	F64(struct xsk_queue_stats, tx_descs),
	F64(struct xsk_queue_stats, tx_bytes),
	F64(struct xsk_queue_stats, tx_copied_refs),
	F64(struct xsk_queue_stats, tx_no_frame),
	F64(struct xsk_queue_stats, tx_ring_full),
	F64(struct xsk_queue_stats, tx_aborted),
	F64(struct xsk_queue_stats, tx_kicks),
	F64(struct xsk_queue_stats, tx_kick_errors),
	F64(struct xsk_queue_stats, completions),
	F64(struct xsk_queue_stats, bad_completions),
	F32(struct xsk_queue_stats, tx_outstanding),
	F64(struct xsk_queue_stats, k_rx_dropped),
	F64(struct xsk_queue_stats, k_rx_invalid_descs),
	F64(struct xsk_queue_stats, k_tx_invalid_descs),
	F64(struct xsk_queue_stats, k_rx_ring_full),
	F64(struct xsk_queue_stats, k_fill_ring_empty_descs),
	{NULL, 0, false},
};

static struct json_object *control_fields_json(const struct control_field *f, const void *base)
{
	struct json_object *o = json_object_new_object();

	for (; o && f->name; f++) {
		const char *p = (const char *)base + f->off;
		uint64_t v = f->u32 ? *(const uint32_t *)p : *(const uint64_t *)p;

		json_object_object_add(o, f->name, json_object_new_uint64(v));
	}
	return o;
}

struct json_object *control_queue_json(uint32_t q, const struct worker_counters *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "queue", json_object_new_int((int)q));
	json_object_object_add(o, "tcp", control_fields_json(tcp_fields, &c->tcp));
	json_object_object_add(o, "http", control_fields_json(http_fields, &c->http));
	json_object_object_add(o, "cache", control_fields_json(cache_fields, &c->cache));
	json_object_object_add(o, "disk", control_fields_json(disk_fields, &c->io));
	if (c->xsk_ok)
		json_object_object_add(o, "xsk", control_fields_json(xsk_fields, &c->xsk));
	return o;
}

static struct json_object *control_steer_json(struct steer *s)
{
	struct xdpserve_stat_val v[XDPSERVE_STAT__MAX];
	struct json_object *o;

	if (!s || steer_stats_read(s, v))
		return NULL;
	o = json_object_new_object();
	for (int i = 0; i < XDPSERVE_STAT__MAX; i++) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "packets", json_object_new_uint64(v[i].packets));
		json_object_object_add(e, "bytes", json_object_new_uint64(v[i].bytes));
		json_object_object_add(o, steer_stat_name(i), e);
	}
	return o;
}

static const char *control_ifname(const struct control_daemon *d)
{
	return (*d->cfg)->ifname;
}

int control_daemon_stats(struct control_daemon *d, struct json_object *reply)
{
	struct json_object *queues = json_object_new_array();
	struct json_object *steer = control_steer_json(d->steer);

	json_object_object_add(reply, "interface", json_object_new_string(control_ifname(d)));
	json_object_object_add(reply, "source", json_object_new_string("daemon"));
	json_object_object_add(reply, "start_time",
			       json_object_new_int64((int64_t)d->start_realtime_s));
	if (steer)
		json_object_object_add(reply, "steer", steer);
	json_object_object_add(reply, "queues", queues);
	for (uint32_t i = 0; i < d->nqueues; i++) {
		const struct worker_call *a;
		int err = worker_call(d->workers[i], WORKER_CALL_COUNTERS, NULL,
				      CONTROL_WORKER_TIMEOUT_MS, &a);

		if (err)
			return control_error(reply, err, "queue %u did not answer: %s", i,
					     strerror(-err));
		json_object_array_add(queues, control_queue_json(i, &a->counters));
	}
	return 0;
}

static int control_cmd_stats(void *ctx, struct json_object *req, struct json_object *reply)
{
	return control_daemon_stats(ctx, reply);
}

/* --- status -------------------------------------------------------------- */

static uint64_t control_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* "on", "off" (syn-in-xdp = no), or "unsupported" (a program without the maps). */
static const char *control_syn_state(struct steer *s)
{
	struct xdpserve_syn_conf sc;

	if (!steer_syn_supported(s))
		return "unsupported";
	if (steer_syn_get(s, &sc))
		return "unknown";
	return (sc.flags & XDPSERVE_SYN_ON) ? "on" : "off";
}

static struct json_object *control_endpoints_json(struct steer *s)
{
	struct xdpserve_endpoint_key keys[64];
	struct json_object *a = json_object_new_array();
	char text[STEER_ENDPOINT_STRLEN];
	int n = s ? steer_endpoint_list(s, keys, 64) : 0;

	for (int i = 0; i < n && i < 64; i++)
		if (steer_endpoint_format(&keys[i], text, sizeof(text)) > 0)
			json_object_array_add(a, json_object_new_string(text));
	return a;
}

static const char *control_bind_mode_name(enum xsk_bind_mode m)
{
	return m == XSK_BIND_COPY ? "copy" : m == XSK_BIND_ZEROCOPY ? "zerocopy" : "auto";
}

static const char *control_tx_path_name(enum xsk_tx_path p)
{
	return p == XSK_TX_SG ? "sg" : p == XSK_TX_COPY ? "copy" : "auto";
}

static struct json_object *control_queue_status(struct worker *w, uint32_t i,
						struct cache_stats *sum)
{
	struct json_object *q = json_object_new_object();
	const struct worker_call *a;

	json_object_object_add(q, "queue", json_object_new_int((int)i));
	json_object_object_add(q, "cpu", json_object_new_int(worker_cpu(w)));
	json_object_object_add(q, "bind_mode", json_object_new_string(worker_bind_mode(w)));
	json_object_object_add(q, "tx_path",
			       json_object_new_string(worker_tx_sg(w) ? "sg" : "copy"));
	if (!worker_call(w, WORKER_CALL_COUNTERS, NULL, CONTROL_WORKER_TIMEOUT_MS, &a)) {
		sum->bytes_used += a->counters.cache.bytes_used;
		sum->bytes_budget += a->counters.cache.bytes_budget;
		sum->objects += a->counters.cache.objects;
		json_object_object_add(q, "conns_active",
				       json_object_new_uint64(a->counters.tcp.conns_active));
	}
	return q;
}

/* "queues" (queue -> CPU, modes, connections) and "cache" (use summed over the workers). */
static void control_status_queues(struct control_daemon *d, struct json_object *reply)
{
	struct json_object *queues = json_object_new_array();
	struct json_object *cache = json_object_new_object();
	struct cache_stats sum = {0};

	for (uint32_t i = 0; i < d->nqueues; i++)
		json_object_array_add(queues, control_queue_status(d->workers[i], i, &sum));
	json_object_object_add(cache, "objects", json_object_new_uint64(sum.objects));
	json_object_object_add(cache, "bytes_used", json_object_new_uint64(sum.bytes_used));
	json_object_object_add(cache, "bytes_budget", json_object_new_uint64(sum.bytes_budget));
	json_object_object_add(reply, "queues", queues);
	json_object_object_add(reply, "cache", cache);
}

/* One document root: the endpoint it serves ("*": every one without its own). */
static struct json_object *control_root_json(const char *endpoint, const char *dir)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "endpoint", json_object_new_string(endpoint));
	json_object_object_add(o, "dir", json_object_new_string(dir));
	return o;
}

static int control_cmd_status(void *ctx, struct json_object *req, struct json_object *reply)
{
	struct control_daemon *d = ctx;
	const struct xdpserve_config *cfg = *d->cfg;
	struct json_object *roots = json_object_new_array();

	json_object_object_add(reply, "interface", json_object_new_string(cfg->ifname));
	json_object_object_add(reply, "source", json_object_new_string("daemon"));
	json_object_object_add(reply, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(reply, "pid", json_object_new_int(d->pid));
	json_object_object_add(reply, "start_time",
			       json_object_new_int64((int64_t)d->start_realtime_s));
	json_object_object_add(
		reply, "uptime_s",
		json_object_new_uint64((control_mono_ns() - d->start_mono_ns) / 1000000000ull));
	if (d->steer) {
		json_object_object_add(reply, "xdp_mode",
				       json_object_new_string(steer_mode_name(d->steer)));
		json_object_object_add(reply, "program_id",
				       json_object_new_int64(steer_prog_id(d->steer)));
		json_object_object_add(reply, "dispatched",
				       json_object_new_boolean(steer_is_dispatched(d->steer)));
		json_object_object_add(reply, "syn_in_xdp",
				       json_object_new_string(control_syn_state(d->steer)));
	}
	json_object_object_add(reply, "bind_mode_config",
			       json_object_new_string(control_bind_mode_name(cfg->bind_mode)));
	json_object_object_add(reply, "tx_path_config",
			       json_object_new_string(control_tx_path_name(cfg->tx_path)));
	if (d->nqueues) {
		json_object_object_add(reply, "bind_mode",
				       json_object_new_string(worker_bind_mode(d->workers[0])));
		json_object_object_add(
			reply, "tx_path",
			json_object_new_string(worker_tx_sg(d->workers[0]) ? "sg" : "copy"));
	}
	json_object_object_add(reply, "endpoints", control_endpoints_json(d->steer));
	if (cfg->root[0])
		json_object_array_add(roots, control_root_json("*", cfg->root));
	for (uint32_t i = 0; i < cfg->nroots; i++) {
		const struct conf_root *r = &cfg->roots[i];
		char ip[INET6_ADDRSTRLEN], at[INET6_ADDRSTRLEN + 8];

		inet_ntop(r->family == 4 ? AF_INET : AF_INET6, r->addr, ip, sizeof(ip));
		snprintf(at, sizeof(at), r->family == 4 ? "%s:%u" : "[%s]:%u", ip, r->port);
		json_object_array_add(roots, control_root_json(at, r->dir));
	}
	json_object_object_add(reply, "roots", roots);
	if (d->reloads) {
		json_object_object_add(reply, "reloads", json_object_new_uint64(*d->reloads));
		json_object_object_add(reply, "reloads_refused",
				       json_object_new_uint64(*d->reloads_refused));
	}
	control_status_queues(d, reply);
	return 0;
}

/* --- conns --------------------------------------------------------------- */

static struct json_object *control_addr_json(const struct tcp_conn_info *ci, const uint8_t *addr,
					     uint16_t port)
{
	char ip[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 8];

	inet_ntop(ci->family == 6 ? AF_INET6 : AF_INET, addr, ip, sizeof(ip));
	snprintf(text, sizeof(text), ci->family == 6 ? "[%s]:%u" : "%s:%u", ip, port);
	return json_object_new_string(text);
}

static struct json_object *control_conn_json(uint32_t q, const struct tcp_conn_info *ci)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "queue", json_object_new_int((int)q));
	json_object_object_add(o, "state", json_object_new_string(ci->state));
	json_object_object_add(o, "local", control_addr_json(ci, ci->local_addr, ci->local_port));
	json_object_object_add(o, "peer", control_addr_json(ci, ci->remote_addr, ci->remote_port));
	json_object_object_add(o, "bytes_in", json_object_new_uint64(ci->bytes_received));
	json_object_object_add(o, "bytes_out", json_object_new_uint64(ci->bytes_acked));
	json_object_object_add(o, "cwnd", json_object_new_uint64(ci->cwnd));
	json_object_object_add(o, "mss", json_object_new_uint64(ci->mss));
	json_object_object_add(o, "snd_wnd", json_object_new_uint64(ci->snd_wnd));
	json_object_object_add(o, "rtt_us", json_object_new_uint64(ci->srtt_ns / 1000));
	json_object_object_add(o, "retransmits", json_object_new_uint64(ci->retransmits));
	return o;
}

static int control_cmd_conns(void *ctx, struct json_object *req, struct json_object *reply)
{
	struct control_daemon *d = ctx;
	struct json_object *conns = json_object_new_array();
	uint64_t total = 0;
	bool cut = false;

	json_object_object_add(reply, "interface", json_object_new_string(control_ifname(d)));
	json_object_object_add(reply, "conns", conns);
	for (uint32_t i = 0; i < d->nqueues; i++) {
		const struct worker_call *a;
		int err = worker_call(d->workers[i], WORKER_CALL_CONNS, NULL,
				      CONTROL_WORKER_TIMEOUT_MS, &a);

		if (err)
			return control_error(reply, err, "queue %u did not answer: %s", i,
					     strerror(-err));
		for (uint32_t k = 0; k < a->nentries; k++)
			json_object_array_add(conns, control_conn_json(i, &a->e.conns[k]));
		total += a->total;
		cut |= a->total > a->nentries;
	}
	json_object_object_add(reply, "total", json_object_new_uint64(total));
	json_object_object_add(reply, "truncated", json_object_new_boolean(cut));
	return 0;
}

/* --- cache --------------------------------------------------------------- */

static int control_cmd_cache_list(void *ctx, struct json_object *req, struct json_object *reply)
{
	struct control_daemon *d = ctx;
	struct json_object *files = json_object_new_array();

	json_object_object_add(reply, "files", files);
	for (uint32_t i = 0; i < d->nqueues; i++) {
		const struct worker_call *a;
		int err = worker_call(d->workers[i], WORKER_CALL_CACHE_LIST, NULL,
				      CONTROL_WORKER_TIMEOUT_MS, &a);

		if (err)
			return control_error(reply, err, "queue %u did not answer: %s", i,
					     strerror(-err));
		for (uint32_t k = 0; k < a->nentries; k++) {
			const struct worker_cache_file *f = &a->e.files[k];
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "queue", json_object_new_int((int)i));
			json_object_object_add(o, "path", json_object_new_string(f->path));
			json_object_object_add(o, "size", json_object_new_uint64(f->size));
			json_object_object_add(
				o, "mtime",
				json_object_new_int64((int64_t)(f->mtime_ns / 1000000000ull)));
			json_object_object_add(o, "chunks", json_object_new_uint64(f->chunks));
			json_object_array_add(files, o);
		}
	}
	return 0;
}

static int control_cmd_cache_flush(void *ctx, struct json_object *req, struct json_object *reply)
{
	struct control_daemon *d = ctx;
	uint64_t dropped = 0;

	for (uint32_t i = 0; i < d->nqueues; i++) {
		const struct worker_call *a;
		int err = worker_call(d->workers[i], WORKER_CALL_CACHE_FLUSH, NULL,
				      CONTROL_WORKER_TIMEOUT_MS, &a);

		if (err)
			return control_error(reply, err, "queue %u did not answer: %s", i,
					     strerror(-err));
		dropped += (uint64_t)a->result;
	}
	json_object_object_add(reply, "dropped", json_object_new_uint64(dropped));
	return 0;
}

/* The request's "path" as the cache keys it: no leading '/', no "." or ".." component. */
static const char *control_cache_path(struct json_object *req)
{
	struct json_object *p;
	const char *path, *s;

	if (!json_object_object_get_ex(req, "path", &p) ||
	    !json_object_is_type(p, json_type_string))
		return NULL;
	path = json_object_get_string(p);
	while (*path == '/')
		path++;
	for (s = path; *s;) {
		size_t len = strcspn(s, "/");

		if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.') || !len)
			return NULL;
		s += len;
		if (*s == '/')
			s++;
	}
	return *path ? path : NULL;
}

static const char *control_warm_result(int r)
{
	return r == 0 ? "cached" : r == 1 ? "opening" : strerror(-r);
}

/*
 * Warm `path` on one worker; while its open is under way (result 1), ask
 * again for a while, so that a missing file is reported as such.
 */
static int control_warm_one(struct worker *w, const char *path, const struct worker_call **a)
{
	int err;

	for (int tries = 0; tries < CONTROL_WARM_TRIES; tries++) {
		err = worker_call(w, WORKER_CALL_CACHE_WARM, path, CONTROL_WORKER_TIMEOUT_MS, a);
		if (err || (*a)->result != 1)
			return err;
		usleep(10000);
	}
	return 0;
}

static int control_cmd_cache_warm(void *ctx, struct json_object *req, struct json_object *reply)
{
	struct control_daemon *d = ctx;
	const char *path = control_cache_path(req);
	struct json_object *queues;

	if (!path)
		return control_error(reply, EINVAL,
				     "cache-warm wants a \"path\" below the root, such as "
				     "\"/index.html\" (no \".\" or \"..\")");
	queues = json_object_new_array();
	json_object_object_add(reply, "path", json_object_new_string(path));
	json_object_object_add(reply, "queues", queues);
	for (uint32_t i = 0; i < d->nqueues; i++) {
		const struct worker_call *a;
		struct json_object *o;
		int err = control_warm_one(d->workers[i], path, &a);

		if (err)
			return control_error(reply, err, "queue %u did not answer: %s", i,
					     strerror(-err));
		if (a->result < 0 && a->result != -EINPROGRESS)
			return control_error(reply, a->result, "/%s: %s", path,
					     strerror(-a->result));
		o = json_object_new_object();
		json_object_object_add(o, "queue", json_object_new_int((int)i));
		json_object_object_add(o, "result",
				       json_object_new_string(control_warm_result(a->result)));
		json_object_array_add(queues, o);
	}
	return 0;
}

/* --- endpoints, reload --------------------------------------------------- */

static int control_req_endpoint(struct json_object *req, struct json_object *reply,
				struct xdpserve_endpoint_key *key)
{
	struct json_object *e;

	if (!json_object_object_get_ex(req, "endpoint", &e) ||
	    !json_object_is_type(e, json_type_string) ||
	    steer_endpoint_parse(json_object_get_string(e), key))
		return control_error(reply, EINVAL,
				     "expected \"endpoint\": ADDR[/PREFIX]:PORT such as "
				     "\"198.18.0.1:80\" or \"[fd00::/64]:80\"");
	return 0;
}

static int control_cmd_endpoint_list(void *ctx, struct json_object *req, struct json_object *reply)
{
	struct control_daemon *d = ctx;

	json_object_object_add(reply, "interface", json_object_new_string(control_ifname(d)));
	json_object_object_add(reply, "endpoints", control_endpoints_json(d->steer));
	return 0;
}

static int control_cmd_endpoint_change(struct control_daemon *d, struct json_object *req,
				       struct json_object *reply, bool add)
{
	struct xdpserve_endpoint_key key;
	int err = control_req_endpoint(req, reply, &key);

	if (err)
		return err;
	if (!d->steer)
		return control_error(reply, ENODEV, "the steering program is detached");
	err = add ? steer_endpoint_add(d->steer, &key) : steer_endpoint_del(d->steer, &key);
	if (err == -ENOENT)
		return control_error(reply, err, "that endpoint is not served");
	if (err)
		return control_error(reply, err, "cannot change the endpoint map: %s",
				     strerror(-err));
	return control_cmd_endpoint_list(d, req, reply);
}

static int control_cmd_endpoint_add(void *ctx, struct json_object *req, struct json_object *reply)
{
	return control_cmd_endpoint_change(ctx, req, reply, true);
}

static int control_cmd_endpoint_del(void *ctx, struct json_object *req, struct json_object *reply)
{
	return control_cmd_endpoint_change(ctx, req, reply, false);
}

/* The reload itself is SIGHUP's (daemon.c): the main loop takes it at its next turn. */
static int control_cmd_reload(void *ctx, struct json_object *req, struct json_object *reply)
{
	if (kill(getpid(), SIGHUP))
		return control_error(reply, errno, "cannot signal myself: %s", strerror(errno));
	json_object_object_add(reply, "reload", json_object_new_string("requested"));
	return 0;
}

const struct control_cmd control_daemon_cmds[] = {
	{"status", control_cmd_status},
	{"stats", control_cmd_stats},
	{"conns", control_cmd_conns},
	{"cache-list", control_cmd_cache_list},
	{"cache-flush", control_cmd_cache_flush},
	{"cache-warm", control_cmd_cache_warm},
	{"endpoint-list", control_cmd_endpoint_list},
	{"endpoint-add", control_cmd_endpoint_add},
	{"endpoint-del", control_cmd_endpoint_del},
	{"reload", control_cmd_reload},
};

const size_t control_daemon_ncmds = sizeof(control_daemon_cmds) / sizeof(control_daemon_cmds[0]);
