// SPDX-License-Identifier: GPL-2.0-only
/*
 * stack_bench.c — the stack's own cost: one worker's TCP stack, HTTP server
 * and content cache (real io_uring over a temporary document root) driven
 * in-process by a scripted client through the fake NIC
 * (tests/helpers/fake_nic.h), no kernel on the packet path, one core.
 *
 *	client frame (template) -> tcp_stack__input -> http_server -> cache
 *	  -> tcp_stack__poll -> fake NIC sink -> client parses, ACKs
 *
 * Scenarios: keep-alive 1 KiB, pipelined x16 1 KiB, a new connection per
 * request 1 KiB, keep-alive 64 KiB. The client ACKs cumulatively whatever
 * arrived, with a large window. The first request of a file loads it; the
 * timed loop is all cache hits. The client is cheap on purpose: each of
 * its frames is a template built once by pkt_build (with the reference
 * checksum) whose ports, sequence and acknowledgment numbers are patched
 * with an incremental checksum (RFC 1624), and the fake NIC hands it each
 * frame in place (fake_nic_set_sink) instead of copying it. What is left
 * of the client in the time (about a tenth at 1 KiB) is reading the
 * server's headers and walking the responses.
 *
 * Exit 0 only if every response arrived complete (status 200, the whole
 * body), every connection closed and every frame went back to its owner:
 * bench/stack/smoke.sh runs it small in `make check`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache/cache.h"
#include "helpers/fake_nic.h"
#include "helpers/pkt.h"
#include "http/http_server.h"
#include "io/io_reader.h"
#include "tcp/tcp.h"
#include "xsk/frame.h"

#define NFRAMES	   1024 /* 4 MiB of UMEM: both files and room to spare */
#define WSCALE	   7
#define MAX_STALLS 5000000 /* spins waiting for a disk load before giving up */
#define PIPELINE   16
#define NTEMPLATES 8

/* A client frame, built once with sport, seq and ack zero, patched per send. */
struct bench_tpl {
	uint8_t frame[2048];
	uint32_t len;
	uint8_t flags;
	const void *data;
	uint32_t data_len;
	uint16_t sum; /* the TCP checksum (not inverted) of the frame as built */
};

struct bench {
	struct fake_nic nic;
	struct frame_pool *pool;
	struct io_reader *io;
	struct cache *cache;
	struct http_server *http;
	struct tcp_stack *stack;
	uint8_t *area;
	int root_fd;
	char root[64];
	struct bench_tpl tpl[NTEMPLATES]; /* the client's frames of this run */
	uint32_t ntpl;
	uint32_t nframes; /* server frames since the client last looked */
	bool need_ack;	  /* one of them carried data or a FIN */

	/* The client's connection. */
	struct pkt_spec cl;
	uint32_t c_nxt, s_nxt;
	bool fin_seen;
	uint64_t want;	    /* bytes left of the response being received; 0: at a head */
	uint8_t head[1024]; /* a head gathered across segments */
	uint32_t head_len;
	uint64_t resp_len; /* length of every response of this run (from its first) */
	uint64_t complete; /* responses received whole */
	uint64_t bad;	   /* responses not 200, unparsable heads, out-of-order data */
};

struct scenario {
	const char *name;
	const char *path;
	bool new_conn;
	uint32_t pipeline;
};

static const struct scenario scenarios[] = {
	{"keepalive-1k", "1k.bin", false, 1},
	{"pipeline16-1k", "1k.bin", false, PIPELINE},
	{"newconn-1k", "1k.bin", true, 1},
	{"keepalive-64k", "64k.bin", false, 1},
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int write_file(const char *root, const char *name, size_t len)
{
	char path[128];
	uint8_t buf[4096];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)('a' + i % 26);
	for (size_t off = 0; off < len && !err; off += sizeof(buf)) {
		size_t n = len - off < sizeof(buf) ? len - off : sizeof(buf);

		if (write(fd, buf, n) != (ssize_t)n)
			err = -EIO;
	}
	close(fd);
	return err;
}

#define TH 34 /* the TCP header in a client frame: Ethernet 14, IPv4 20 */

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

/* The template of (flags, data, len), built on first use in this run. */
static struct bench_tpl *bench_template(struct bench *b, uint8_t flags, const void *data,
					uint32_t len)
{
	struct pkt_spec sp = b->cl;
	struct bench_tpl *t;

	for (uint32_t i = 0; i < b->ntpl; i++) {
		t = &b->tpl[i];
		if (t->flags == flags && t->data == data && t->data_len == len)
			return t;
	}
	if (b->ntpl == NTEMPLATES)
		abort();
	t = &b->tpl[b->ntpl++];
	sp.sport = 0;
	sp.flags = flags;
	sp.wnd = 65535;
	sp.payload = data;
	sp.len = len;
	if (flags & PKT_SYN) {
		sp.mss = 1460;
		sp.wscale = WSCALE;
		sp.sack_perm = true;
	}
	t->len = pkt_build(t->frame, sizeof(t->frame), &sp);
	t->flags = flags;
	t->data = data;
	t->data_len = len;
	t->sum = (uint16_t) ~(t->frame[TH + 16] << 8 | t->frame[TH + 17]);
	return t;
}

/*
 * One client segment: the template with this connection's port and
 * numbers, its checksum updated for them (RFC 1624: they were zero when
 * it was summed). Hand-written, not pkt_build, so that the client costs
 * the benchmark little.
 */
static void bench_send(struct bench *b, uint8_t flags, const void *data, uint32_t len)
{
	struct bench_tpl *t = bench_template(b, flags, data, len);
	uint32_t ack = (flags & PKT_SYN) ? 0 : b->s_nxt, seq = b->c_nxt;
	uint32_t sum = t->sum;

	sum += b->cl.sport;
	sum += (seq >> 16) + (seq & 0xffff) + (ack >> 16) + (ack & 0xffff);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put_be16(t->frame + TH, b->cl.sport);
	put_be32(t->frame + TH + 4, seq);
	put_be32(t->frame + TH + 8, ack);
	put_be16(t->frame + TH + 16, (uint16_t)~sum);
	tcp_stack__input(b->stack, t->frame, t->len, now_ns());
	b->c_nxt += len + !!(flags & (PKT_SYN | PKT_FIN));
}

/* The start of a response at p (len bytes): its total length, or 0 if it is not a 200. */
static uint64_t response_length(const uint8_t *p, uint32_t len)
{
	static const char cl[] = "\r\nContent-Length: ";
	const char *end = memmem(p, len, "\r\n\r\n", 4);
	const char *f;

	if (!end || len < 13 || memcmp(p, "HTTP/1.1 200 ", 13))
		return 0;
	f = memmem(p, (size_t)(end - (const char *)p) + 2, cl, sizeof(cl) - 1);
	if (!f)
		return 0;
	return (uint64_t)(end + 4 - (const char *)p) + strtoull(f + sizeof(cl) - 1, NULL, 10);
}

/* Gather the start of a response in b->head; true once it holds `need` bytes. */
static bool bench_gather(struct bench *b, const uint8_t **p, uint32_t *len, uint32_t need)
{
	uint32_t take = need - b->head_len < *len ? need - b->head_len : *len;

	memcpy(b->head + b->head_len, *p, take);
	b->head_len += take;
	*p += take;
	*len -= take;
	return b->head_len == need;
}

/*
 * Response bytes in order; a head may straddle segments (pipelined answers
 * are packed into full segments). The first response of a run is parsed
 * whole; every later one must start with the same status line and have
 * the same length (the Date is frozen), or it counts as bad.
 */
static void bench_payload(struct bench *b, const uint8_t *p, uint32_t len)
{
	static const char ok[] = "HTTP/1.1 200 ";
	const uint32_t okl = sizeof(ok) - 1;

	while (len) {
		uint32_t n;

		if (!b->want && b->resp_len) {
			if (!bench_gather(b, &p, &len, okl))
				return;
			b->head_len = 0;
			if (memcmp(b->head, ok, okl)) {
				b->bad++;
				return;
			}
			b->want = b->resp_len - okl;
			continue;
		}
		if (!b->want) {
			const uint8_t *end;
			uint32_t prev = b->head_len;

			bench_gather(b, &p, &len, sizeof(b->head));
			end = memmem(b->head, b->head_len, "\r\n\r\n", 4);
			if (!end) {
				b->bad += b->head_len == sizeof(b->head);
				return;
			}
			b->resp_len = response_length(b->head, (uint32_t)(end + 4 - b->head));
			if (!b->resp_len) {
				b->bad++;
				return;
			}
			/* Give back what was gathered past the head's first byte of this segment.
			 */
			p -= b->head_len - prev;
			len += b->head_len - prev;
			b->want = b->resp_len - prev;
			b->head_len = 0;
		}
		n = b->want < len ? (uint32_t)b->want : len;
		b->want -= n;
		p += n;
		len -= n;
		if (!b->want)
			b->complete++;
	}
}

/*
 * One server frame (Ethernet, IPv4, TCP, as the stack sends to an
 * untagged IPv4 client), in place from the fake NIC's sink: its header
 * bytes, then its references into the UMEM. Notes whether it carried data
 * or a flag the client must acknowledge.
 */
static void bench_frame(void *arg, const uint8_t *hdr, uint32_t hdr_len, const uint8_t *const *ref,
			const uint32_t *ref_len, uint32_t nrefs)
{
	struct bench *b = arg;
	const uint8_t *ip = hdr + 14, *tcp;
	uint32_t ihl = (ip[0] & 15u) * 4, tot = (uint32_t)ip[2] << 8 | ip[3], doff, seq, len;
	uint32_t inline_len;
	uint8_t flags;

	b->nframes++;
	tcp = ip + ihl;
	doff = (tcp[12] >> 4) * 4u;
	seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7];
	flags = tcp[13];
	len = tot - ihl - doff;
	inline_len = hdr_len - 14 - ihl - doff;
	if (flags & PKT_RST) {
		b->bad++;
		return;
	}
	if (flags & PKT_SYN) {
		b->s_nxt = seq + 1;
		b->need_ack = true;
		return;
	}
	if (len) {
		uint32_t got = inline_len;

		if (seq != b->s_nxt) {
			b->bad++;
			return;
		}
		bench_payload(b, tcp + doff, inline_len);
		for (uint32_t i = 0; i < nrefs; i++) {
			bench_payload(b, ref[i], ref_len[i]);
			got += ref_len[i];
		}
		if (got != len)
			b->bad++;
		b->s_nxt += len;
	}
	if (flags & PKT_FIN) {
		b->s_nxt++;
		b->fin_seen = true;
	}
	b->need_ack |= len || (flags & PKT_FIN);
}

/* The frames the stack sent since the last look; true if the client has something to ACK. */
static bool bench_collect(struct bench *b, uint32_t *nframes)
{
	bool ack = b->need_ack;

	*nframes = b->nframes;
	b->nframes = 0;
	b->need_ack = false;
	return ack;
}

/* Run the stack until `target` responses are complete (and the FIN, if one is due). */
static int bench_until(struct bench *b, uint64_t target, bool fin)
{
	uint32_t stalls = 0, n;

	while (b->complete < target || (fin && !b->fin_seen)) {
		uint64_t now = now_ns();

		if (cache_needs_poll(b->cache))
			cache_poll(b->cache, now);
		tcp_stack__poll(b->stack, now);
		if (bench_collect(b, &n))
			bench_send(b, PKT_ACK, NULL, 0);
		if (b->bad)
			return -EPROTO;
		if (n)
			stalls = 0;
		else if (++stalls > MAX_STALLS)
			return -ETIMEDOUT;
	}
	return 0;
}

static int bench_connect(struct bench *b, uint16_t sport)
{
	uint32_t n;

	b->cl.sport = sport;
	b->c_nxt = 0x10000000u + sport * 7919u;
	b->fin_seen = false;
	b->want = 0;
	b->head_len = 0;
	bench_send(b, PKT_SYN, NULL, 0);
	tcp_stack__poll(b->stack, now_ns());
	bench_collect(b, &n);
	return n == 1 ? 0 : -ECONNREFUSED;
}

/* Our FIN, the server's FIN, our last ACK: the connection must be gone. */
static int bench_close(struct bench *b)
{
	int err;

	bench_send(b, PKT_ACK | PKT_FIN, NULL, 0);
	err = bench_until(b, b->complete, true);
	if (!err && tcp_stack__stats(b->stack)->conns_active)
		err = -EBUSY;
	return err;
}

static int bench_run(struct bench *b, const struct scenario *sc, uint64_t requests,
		     uint64_t *elapsed)
{
	char req[128], batch[128 * PIPELINE];
	uint32_t rlen, blen = 0;
	uint64_t t0, done = 0;
	int err = 0;

	rlen = (uint32_t)snprintf(req, sizeof(req), "GET /%s HTTP/1.1\r\nHost: bench\r\n\r\n",
				  sc->path);
	for (uint32_t i = 0; i < sc->pipeline; i++, blen += rlen)
		memcpy(batch + blen, req, rlen);
	b->complete = 0;
	b->resp_len = 0;
	b->ntpl = 0; /* req and batch are this call's */
	if (!sc->new_conn) {
		err = bench_connect(b, 40000);
		if (!err)
			bench_send(b, PKT_ACK, NULL, 0);
	}
	t0 = now_ns();
	while (!err && done < requests) {
		if (sc->new_conn) {
			/* The request and our FIN ride on the third ACK: the server closes. */
			err = bench_connect(b, (uint16_t)(1024 + done % 60000));
			if (err)
				break;
			bench_send(b, PKT_ACK | PKT_PSH | PKT_FIN, req, rlen);
			err = bench_until(b, done + 1, true);
			done++;
			continue;
		}
		bench_send(b, PKT_ACK | PKT_PSH, batch, blen);
		done += sc->pipeline;
		err = bench_until(b, done, false);
	}
	*elapsed = now_ns() - t0;
	if (!err && !sc->new_conn)
		err = bench_close(b);
	if (!err && tcp_stack__stats(b->stack)->conns_active)
		err = -EBUSY;
	if (!err && b->complete != done)
		err = -EPROTO;
	if (err)
		fprintf(stderr, "stack_bench: %s: %s after %llu of %llu responses (%llu bad)\n",
			sc->name, strerror(-err), (unsigned long long)b->complete,
			(unsigned long long)requests, (unsigned long long)b->bad);
	return err;
}

static int bench_setup(struct bench *b)
{
	static const uint8_t client_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
	static const uint8_t server_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
	static const uint8_t ca[4] = {198, 18, 0, 2}, sa[4] = {198, 18, 0, 1};
	struct http_server_config hc;
	struct cache_config cc;
	struct tcp_config tc;
	int err;

	snprintf(b->root, sizeof(b->root), "/tmp/xdpserve-stackbench-XXXXXX");
	if (!mkdtemp(b->root))
		return -errno;
	err = write_file(b->root, "1k.bin", 1024);
	if (!err)
		err = write_file(b->root, "64k.bin", 65536);
	if (err)
		return err;
	b->root_fd = open(b->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (b->root_fd < 0)
		return -errno;
	b->area = aligned_alloc(FRAME_SIZE, (size_t)NFRAMES * FRAME_SIZE);
	if (!b->area)
		return -ENOMEM;
	err = frame_pool__create(b->area, 0, NFRAMES, 0, 0, &b->pool);
	if (err)
		return err;
	err = io_reader__create(16, b->area, (uint64_t)NFRAMES * FRAME_SIZE, &b->io);
	if (err)
		return err;
	memset(&cc, 0, sizeof(cc));
	cc.budget_bytes = (uint64_t)NFRAMES * FRAME_SIZE;
	cc.user_bytes = (uint32_t)http_server_obj_user_bytes();
	err = cache__create(&cc, b->root_fd, b->pool, b->io, &b->cache);
	if (err)
		return err;
	tcp_config_default(&tc);
	tc.max_conns = 64;
	for (int i = 0; i < 16; i++)
		tc.syncookie_key[i] = (uint8_t)(0x11 * i + 3);
	http_server_config_default(&hc, tc.max_conns);
	err = http_server__create(&hc, b->cache, &b->http);
	if (err)
		return err;
	http_server_set_time(b->http, 1700000000);
	fake_nic_init(&b->nic, true, 17, 1500, b->area);
	fake_nic_set_sink(&b->nic, bench_frame, b);
	b->stack = tcp_stack__create(&tc, &b->nic.nic, &http_server_tcp_ops, b->http);
	if (!b->stack)
		return -errno ? -errno : -ENOMEM;

	b->cl.family = 4;
	memcpy(b->cl.src_mac, client_mac, 6);
	memcpy(b->cl.dst_mac, server_mac, 6);
	memcpy(b->cl.saddr, ca, 4);
	memcpy(b->cl.daddr, sa, 4);
	b->cl.dport = 80;
	b->cl.wscale = -1;
	return 0;
}

/* Tear everything down; 0 if the NIC was used right and every frame is back. */
static int bench_teardown(struct bench *b)
{
	struct frame_account acct;
	char line[256];
	int err = 0;

	if (b->stack)
		tcp_stack__destroy(b->stack);
	if (b->nic.violations || b->nic.begun != b->nic.committed + b->nic.aborted) {
		fprintf(stderr, "stack_bench: NIC misuse: %llu violations, %llu begun, %llu sent\n",
			(unsigned long long)b->nic.violations, (unsigned long long)b->nic.begun,
			(unsigned long long)b->nic.committed);
		err = -EPROTO;
	}
	http_server__destroy(b->http);
	cache__destroy(b->cache);
	if (b->pool) {
		if (!frame_pool_account(b->pool, &acct) || acct.inflight_refs) {
			frame_account_format(&acct, line, sizeof(line));
			fprintf(stderr, "stack_bench: frames leaked: %s\n", line);
			err = -EUCLEAN;
		}
		frame_pool__destroy(b->pool);
	}
	io_reader__destroy(b->io);
	if (b->nic.cur)
		fake_nic_fini(&b->nic);
	free(b->area);
	if (b->root_fd >= 0)
		close(b->root_fd);
	if (b->root[0]) {
		char path[128];

		snprintf(path, sizeof(path), "%s/1k.bin", b->root);
		unlink(path);
		snprintf(path, sizeof(path), "%s/64k.bin", b->root);
		unlink(path);
		rmdir(b->root);
	}
	return err;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: stack_bench [--requests N] [--scenario NAME]\nscenarios:");
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		fprintf(out, " %s", scenarios[i].name);
	fprintf(out, "\n");
}

int main(int argc, char **argv)
{
	struct bench b = {.root_fd = -1};
	uint64_t requests = 200000;
	const char *only = NULL;
	bool found = false;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--requests") && i + 1 < argc) {
			requests = strtoull(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--scenario") && i + 1 < argc) {
			only = argv[++i];
		} else {
			usage(!strcmp(argv[i], "--help") ? stdout : stderr);
			return strcmp(argv[i], "--help") ? 2 : 0;
		}
	}
	if (!requests) {
		usage(stderr);
		return 2;
	}
	err = bench_setup(&b);
	if (err) {
		fprintf(stderr, "stack_bench: setup failed: %s\n", strerror(-err));
		bench_teardown(&b);
		return 1;
	}
	printf("%-14s %10s %12s %14s\n", "scenario", "requests", "ns/request", "requests/s");
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]) && !err; i++) {
		const struct scenario *sc = &scenarios[i];
		uint64_t n = requests, warm, elapsed;

		if (only && strcmp(only, sc->name))
			continue;
		found = true;
		if (sc->pipeline > 1)
			n = (requests + sc->pipeline - 1) / sc->pipeline * sc->pipeline;
		/* One untimed round first: the file's loads happen there. */
		err = bench_run(&b, sc, sc->pipeline, &warm);
		if (!err)
			err = bench_run(&b, sc, n, &elapsed);
		if (!err)
			printf("%-14s %10llu %12.1f %14.0f\n", sc->name, (unsigned long long)n,
			       (double)elapsed / (double)n, (double)n * 1e9 / (double)elapsed);
	}
	if (!err && only && !found) {
		fprintf(stderr, "stack_bench: no scenario %s\n", only);
		usage(stderr);
		err = -EINVAL;
	}
	if (bench_teardown(&b))
		err = err ? err : -EUCLEAN;
	if (!err)
		printf("every response complete, every connection closed, every frame back\n");
	return err ? 1 : 0;
}
