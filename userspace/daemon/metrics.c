// SPDX-License-Identifier: GPL-2.0-only
/*
 * metrics.c — a stats reply (control_cmds.c) -> Prometheus text exposition
 * format, from one table of metric names. Called by xdpservectl's
 * `stats --prometheus` and by metrics_http.c for /metrics.
 *
 * Per-queue counters carry the label queue="N"; counters of one kind that
 * differ by cause share a name and carry reason="..." (drops, timeouts, the
 * steering program's outcomes) or class="2xx" (HTTP status classes).
 */
#include "daemon/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>

struct metrics_def {
	const char *section; /* "tcp", "http", "cache", "disk", "xsk" of each queue */
	const char *key;     /* field in that section */
	const char *name;
	const char *type; /* "counter" or "gauge" */
	const char *help;
	const char *label; /* NULL, "reason" or "class" */
	const char *value;
};

#define C(sec, key, name, help)                                                                    \
	{                                                                                          \
		sec, key, name, "counter", help, NULL, NULL                                        \
	}
#define G(sec, key, name, help)                                                                    \
	{                                                                                          \
		sec, key, name, "gauge", help, NULL, NULL                                          \
	}
#define L(sec, key, name, help, lab, val)                                                          \
	{                                                                                          \
		sec, key, name, "counter", help, lab, val                                          \
	}

/* Entries of one name are adjacent: its HELP and TYPE are written once. */
static const struct metrics_def metrics_defs[] = {
	C("tcp", "rx_frames", "xdpserve_tcp_rx_frames_total", "Frames given to the TCP stack."),
	L("tcp", "rx_drop_malformed", "xdpserve_tcp_rx_dropped_total",
	  "Received frames dropped, by reason.", "reason", "malformed"),
	L("tcp", "rx_drop_csum", "xdpserve_tcp_rx_dropped_total", NULL, "reason", "checksum"),
	L("tcp", "rx_drop_unsupported", "xdpserve_tcp_rx_dropped_total", NULL, "reason",
	  "unsupported"),
	L("tcp", "rx_drop_out_of_window", "xdpserve_tcp_rx_dropped_total", NULL, "reason",
	  "out_of_window"),
	L("tcp", "rx_drop_out_of_order", "xdpserve_tcp_rx_dropped_total", NULL, "reason",
	  "out_of_order"),
	L("tcp", "rx_drop_no_conn", "xdpserve_tcp_rx_dropped_total", NULL, "reason", "no_conn"),
	C("tcp", "syn_received", "xdpserve_tcp_syn_received_total", "SYN segments received."),
	L("tcp", "syncookies_sent", "xdpserve_tcp_syncookies_total",
	  "SYN cookies sent, accepted, rejected and dropped on overflow.", "reason", "sent"),
	L("tcp", "syncookies_accepted", "xdpserve_tcp_syncookies_total", NULL, "reason",
	  "accepted"),
	L("tcp", "syncookies_rejected", "xdpserve_tcp_syncookies_total", NULL, "reason",
	  "rejected"),
	L("tcp", "syncookies_overflow", "xdpserve_tcp_syncookies_total", NULL, "reason",
	  "overflow"),
	C("tcp", "conns_accepted", "xdpserve_tcp_conns_accepted_total", "Connections accepted."),
	C("tcp", "conns_refused", "xdpserve_tcp_conns_refused_total",
	  "Connections refused (all reasons)."),
	C("tcp", "conns_evicted", "xdpserve_tcp_conns_evicted_total",
	  "Idle keep-alive connections closed to make room."),
	C("tcp", "conns_closed", "xdpserve_tcp_conns_closed_total", "Connections closed."),
	C("tcp", "conns_reset", "xdpserve_tcp_conns_reset_total", "Connections reset by the peer."),
	L("tcp", "timeout_idle", "xdpserve_tcp_timeouts_total",
	  "Connections closed by a timeout, by reason.", "reason", "idle"),
	L("tcp", "timeout_retransmit", "xdpserve_tcp_timeouts_total", NULL, "reason", "retransmit"),
	L("tcp", "timeout_fin_wait", "xdpserve_tcp_timeouts_total", NULL, "reason", "fin_wait"),
	L("tcp", "timeout_header", "xdpserve_tcp_timeouts_total", NULL, "reason", "header"),
	L("tcp", "timeout_keepalive", "xdpserve_tcp_timeouts_total", NULL, "reason", "keepalive"),
	L("tcp", "timeout_send", "xdpserve_tcp_timeouts_total", NULL, "reason", "send"),
	L("tcp", "timeout_persist", "xdpserve_tcp_timeouts_total", NULL, "reason", "persist"),
	C("tcp", "tx_frames", "xdpserve_tcp_tx_frames_total", "Segments sent."),
	C("tcp", "tx_bytes", "xdpserve_tcp_tx_bytes_total",
	  "Payload bytes sent, retransmissions included."),
	C("tcp", "tx_retransmits", "xdpserve_tcp_retransmits_total", "Segments sent again."),
	C("tcp", "tx_rst", "xdpserve_tcp_tx_rst_total", "RST segments sent."),
	C("tcp", "tx_challenge_acks", "xdpserve_tcp_challenge_acks_total",
	  "RFC 5961 challenge ACKs sent."),
	C("tcp", "tx_no_frame", "xdpserve_tcp_tx_deferred_total",
	  "Output deferred for want of a TX frame or ring slot."),
	C("tcp", "rto_fired", "xdpserve_tcp_rto_total", "Retransmission timeouts."),
	L("tcp", "pmtu_icmp_accepted", "xdpserve_tcp_pmtu_icmp_total",
	  "ICMP packet-too-big messages for our flows, by outcome.", "reason", "accepted"),
	L("tcp", "pmtu_icmp_ignored", "xdpserve_tcp_pmtu_icmp_total", NULL, "reason", "ignored"),
	C("tcp", "pmtu_blackhole", "xdpserve_tcp_pmtu_blackholes_total",
	  "MSS lowered after repeated timeouts of full-sized segments."),
	G("tcp", "conns_active", "xdpserve_tcp_conns_active", "Connections not in TIME_WAIT."),
	G("tcp", "conns_time_wait", "xdpserve_tcp_conns_time_wait", "Connections in TIME_WAIT."),
	C("http", "requests", "xdpserve_http_requests_total", "Request heads answered."),
	L("http", "status_2xx", "xdpserve_http_responses_total", "Responses by status class.",
	  "class", "2xx"),
	L("http", "status_3xx", "xdpserve_http_responses_total", NULL, "class", "3xx"),
	L("http", "status_4xx", "xdpserve_http_responses_total", NULL, "class", "4xx"),
	L("http", "status_5xx", "xdpserve_http_responses_total", NULL, "class", "5xx"),
	C("http", "body_bytes", "xdpserve_http_body_bytes_total", "Response body bytes queued."),
	C("cache", "hits", "xdpserve_cache_hits_total", "Chunk lookups answered from the cache."),
	C("cache", "misses", "xdpserve_cache_misses_total", "Chunk lookups that needed a load."),
	C("cache", "loads", "xdpserve_cache_loads_total", "Chunk loads started."),
	C("cache", "load_errors", "xdpserve_cache_load_errors_total", "Chunk loads that failed."),
	C("cache", "evictions", "xdpserve_cache_evictions_total", "Objects dropped for room."),
	C("cache", "stale", "xdpserve_cache_stale_total",
	  "File objects dropped because the file changed."),
	C("cache", "neg_hits", "xdpserve_cache_negative_hits_total",
	  "404 answers from the negative cache."),
	C("cache", "wait_timeouts", "xdpserve_cache_wait_timeouts_total",
	  "Requests that gave up waiting for room (503)."),
	G("cache", "bytes_used", "xdpserve_cache_bytes", "Content bytes in the cache."),
	G("cache", "bytes_budget", "xdpserve_cache_budget_bytes", "The cache's budget."),
	G("cache", "objects", "xdpserve_cache_objects", "Objects (files and chunks) in the cache."),
	C("disk", "reads", "xdpserve_disk_reads_total", "io_uring reads finished."),
	C("disk", "bytes", "xdpserve_disk_read_bytes_total", "Bytes read from disk."),
	C("disk", "errors", "xdpserve_disk_errors_total", "Disk requests that failed."),
	C("disk", "opens", "xdpserve_disk_opens_total", "Files opened."),
	C("xsk", "rx_packets", "xdpserve_xsk_rx_packets_total", "Frames taken from the RX ring."),
	C("xsk", "tx_packets", "xdpserve_xsk_tx_packets_total", "Frames put on the TX ring."),
	C("xsk", "tx_bytes", "xdpserve_xsk_tx_bytes_total", "Frame bytes put on the TX ring."),
	L("xsk", "tx_no_frame", "xdpserve_xsk_tx_stalls_total",
	  "Transmissions that found no header frame or ring slot.", "reason", "no_frame"),
	L("xsk", "tx_ring_full", "xdpserve_xsk_tx_stalls_total", NULL, "reason", "ring_full"),
	G("xsk", "tx_outstanding", "xdpserve_xsk_tx_outstanding",
	  "TX descriptors not completed yet."),
	L("xsk", "k_rx_dropped", "xdpserve_xsk_kernel_drops_total",
	  "The kernel's AF_XDP drop counters (XDP_STATISTICS), by reason.", "reason", "rx_dropped"),
	L("xsk", "k_rx_invalid_descs", "xdpserve_xsk_kernel_drops_total", NULL, "reason",
	  "rx_invalid_descs"),
	L("xsk", "k_tx_invalid_descs", "xdpserve_xsk_kernel_drops_total", NULL, "reason",
	  "tx_invalid_descs"),
	L("xsk", "k_rx_ring_full", "xdpserve_xsk_kernel_drops_total", NULL, "reason",
	  "rx_ring_full"),
	L("xsk", "k_fill_ring_empty_descs", "xdpserve_xsk_kernel_drops_total", NULL, "reason",
	  "fill_ring_empty"),
};

#define METRICS_NDEFS (sizeof(metrics_defs) / sizeof(metrics_defs[0]))

static void metrics_header(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static uint64_t metrics_u64(struct json_object *o)
{
	return (uint64_t)json_object_get_uint64(o);
}

/* One table entry, a sample per queue that has the field. */
static void metrics_queue_samples(FILE *out, const struct metrics_def *d, struct json_object *qs)
{
	size_t n = json_object_array_length(qs);

	for (size_t i = 0; i < n; i++) {
		struct json_object *q = json_object_array_get_idx(qs, i), *sec, *v, *id;

		if (!json_object_object_get_ex(q, d->section, &sec) ||
		    !json_object_object_get_ex(sec, d->key, &v) ||
		    !json_object_object_get_ex(q, "queue", &id))
			continue;
		fprintf(out, "%s{queue=\"%d\"", d->name, json_object_get_int(id));
		if (d->label)
			fprintf(out, ",%s=\"%s\"", d->label, d->value);
		fprintf(out, "} %" PRIu64 "\n", metrics_u64(v));
	}
}

/* The steering program's outcomes, summed over CPUs: no queue label. */
static void metrics_steer(FILE *out, struct json_object *steer)
{
	static const char *const what[] = {"packets", "bytes"};

	for (int k = 0; k < 2; k++) {
		char name[64];

		snprintf(name, sizeof(name), "xdpserve_xdp_%s_total", what[k]);
		metrics_header(out, name, "counter",
			       k ? "Bytes seen by the steering program, by outcome."
				 : "Packets seen by the steering program, by outcome.");
		json_object_object_foreach(steer, reason, val)
		{
			struct json_object *v;

			if (json_object_object_get_ex(val, what[k], &v))
				fprintf(out, "%s{reason=\"%s\"} %" PRIu64 "\n", name, reason,
					metrics_u64(v));
		}
	}
}

int metrics_format(struct json_object *stats, FILE *out)
{
	struct json_object *qs, *steer, *v;
	bool daemon = false;

	if (json_object_object_get_ex(stats, "source", &v))
		daemon = !strcmp(json_object_get_string(v), "daemon");
	metrics_header(out, "xdpserve_up", "gauge",
		       "1 when the daemon answered, 0 when only the pinned maps were read.");
	fprintf(out, "xdpserve_up %d\n", daemon ? 1 : 0);
	if (json_object_object_get_ex(stats, "start_time", &v)) {
		metrics_header(out, "xdpserve_start_time_seconds", "gauge",
			       "When the daemon started (Unix time).");
		fprintf(out, "xdpserve_start_time_seconds %" PRId64 "\n", json_object_get_int64(v));
	}
	if (json_object_object_get_ex(stats, "steer", &steer))
		metrics_steer(out, steer);
	if (!json_object_object_get_ex(stats, "queues", &qs) ||
	    !json_object_is_type(qs, json_type_array))
		return ferror(out) ? -EIO : 0;
	for (size_t i = 0; i < METRICS_NDEFS; i++) {
		const struct metrics_def *d = &metrics_defs[i];

		if (d->help)
			metrics_header(out, d->name, d->type, d->help);
		metrics_queue_samples(out, d, qs);
	}
	return ferror(out) ? -EIO : 0;
}

int metrics_parse_listen(const char *text, struct sockaddr_storage *ss, unsigned int *len)
{
	char host[64];
	const char *colon;
	char *end;
	unsigned long port;
	size_t hlen;

	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || close[1] != ':')
			return -EINVAL;
		hlen = (size_t)(close - text - 1);
		colon = close + 1;
		text++;
	} else {
		colon = strchr(text, ':');
		if (!colon || strchr(colon + 1, ':')) /* IPv6 goes in brackets */
			return -EINVAL;
		hlen = (size_t)(colon - text);
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port == 0 || port > 65535)
		return -EINVAL;
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in6);
		return 0;
	}
	return -EINVAL;
}
