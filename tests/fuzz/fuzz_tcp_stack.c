// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_tcp_stack.c — one TCP stack (userspace/tcp) on the fake NIC, played
 * by a client the fuzzer scripts, with a virtual clock between frames.
 *
 * Input: one byte picks IPv4 or IPv6 (bit 0), the size of the
 * application's responses (bits 1-7) and a scatter-gather NIC (bit 7
 * clear) or a copy-only one; then records, each an op byte (op in the low 3 bits, one of
 * four client ports above) and its fields:
 *   0 delay     advance the clock (14-bit count in us, ms, 100 ms or 10 s), poll
 *   1 segment   a well-formed segment: flags, how seq/ack/options relate to
 *               what the client has seen (exact, off by a delta, random),
 *               window, payload
 *   2 raw       up to 2 KiB of bytes handed to the stack as a frame
 *   3 mutated   a well-formed segment with a few bytes flipped
 *   4 tx ring   the NIC takes only so many more frames (a full TX ring)
 *   5 app       the application shuts down or aborts that port's connection
 *   6 connect   SYN, read the SYN-ACK, ACK it with a request
 *   7 poll      poll at the same time
 * The application accepts everything, reads every byte and answers the
 * first data with a response of the chosen size — the bytes of one blob,
 * over and over, queued alternately by reference and as copies — then
 * closes when the client does.
 *
 * Invariants after every step:
 *   - every frame the stack sends is well-formed with correct checksums;
 *   - sequence space: the stack never sends a byte the application did not
 *     queue, and its FIN comes after the last one;
 *   - every payload byte is the one queued at that offset (copied and
 *     referenced bytes alike, retransmissions included);
 *   - frame accounting: the NIC protocol is never misused, no frame is
 *     left open, and the stack counts every frame it was given;
 *   - the application's open connections equal the stack's active gauge;
 * and at the end, with the NIC working again and the clock run past every
 * timeout: no connection left, TIME_WAIT included, and after destroy the
 * stack holds no reference to the blob.
 */
#include "fuzz/fuzz.h"

#include <string.h>

#include "cache/blob.h"
#include "helpers/fake_nic.h"
#include "helpers/pkt.h"
#include "tcp/tcp.h"

#define NPORTS	    4
#define BASE_PORT   40000
#define SERVER_PORT 80
#define MAX_APPS    64
#define BLOB_SIZE   20011 /* odd, and not a multiple of anything the stack uses */
#define BLOB_SHIFT  11
#define BLOB_FRAMES ((BLOB_SIZE >> BLOB_SHIFT) + 1)
#define MS	    1000000ull
#define SEC	    1000000000ull

struct fz_app {
	bool open, responded, shut;
	struct tcp_conn *c;
	uint16_t port;
	uint32_t iss;	 /* the server's ISN: the cookie the accepting ACK acknowledged, minus 1 */
	uint64_t queued; /* bytes the application queued */
	uint64_t want;	 /* response size */
	uint32_t pieces; /* sends so far: even ones by reference, odd ones copied */
};

struct fz_peer {
	uint32_t c_nxt; /* the client's next sequence number */
	uint32_t s_nxt; /* the next server byte, as far as the client has seen */
	uint32_t echo;	/* the server's last TSval */
	uint32_t c_ts;
};

struct fz {
	struct fake_nic nic;
	struct tcp_stack *s;
	uint64_t now;
	uint64_t inputs;
	struct pkt_spec cl; /* the client's addressing */
	struct fz_peer peer[NPORTS];
	struct fz_app apps[MAX_APPS];
	int open_apps;
	uint64_t resp_size;
	const uint8_t *last_in; /* the frame being input, for accepted() */
	uint32_t last_in_len;
};

/*
 * The response content: one blob in a scrambled fake UMEM, built once. Byte
 * k of every response is byte k % BLOB_SIZE of the blob.
 */
static uint8_t umem[BLOB_FRAMES << BLOB_SHIFT];
static uint64_t blob_frames[BLOB_FRAMES];
static uint16_t blob_prefix[BLOB_SIZE / BLOB_CSUM_GRAIN + 1];
static struct blob blob;

static void blob_init(void)
{
	if (blob.size)
		return;
	for (uint32_t i = 0; i < BLOB_FRAMES; i++)
		blob_frames[i] = (uint64_t)((i * 7 + 3) % BLOB_FRAMES) << BLOB_SHIFT;
	for (size_t i = 0; i < sizeof(umem); i++)
		umem[i] = (uint8_t)(i * 131 + (i >> 9));
	blob = (struct blob){.size = BLOB_SIZE,
			     .frame_shift = BLOB_SHIFT,
			     .nframes = BLOB_FRAMES,
			     .umem = umem,
			     .frames = blob_frames,
			     .csum_prefix = blob_prefix};
	blob_csum_build(&blob);
}

static uint8_t stream_byte(uint64_t k)
{
	uint32_t contig;

	return *blob_ptr(&blob, k % BLOB_SIZE, &contig);
}

static struct fz_app *app_of_port(struct fz *z, uint16_t port)
{
	for (int i = 0; i < MAX_APPS; i++)
		if (z->apps[i].open && z->apps[i].port == port)
			return &z->apps[i];
	return NULL;
}

static void app_fill(struct fz_app *a)
{
	static uint8_t copy[BLOB_SIZE];

	while (a->responded && a->queued < a->want) {
		uint64_t off = a->queued % BLOB_SIZE, left = a->want - a->queued;
		uint32_t n = a->pieces & 1 ? tcp_conn_tx_copy_space(a->c) : UINT32_MAX;
		int err;

		if (n > left)
			n = (uint32_t)left;
		if (n > BLOB_SIZE - off)
			n = (uint32_t)(BLOB_SIZE - off);
		if (!n || !tcp_conn_tx_pieces_free(a->c))
			return;
		if (a->pieces & 1) {
			blob_copy(&blob, off, n, copy);
			err = tcp_conn_send_copy(a->c, copy, n);
		} else {
			err = tcp_conn_send_blob(a->c, &blob, off, n);
		}
		if (err)
			return;
		a->queued += n;
		a->pieces++;
	}
}

static void *app_accepted(void *ctx, struct tcp_conn *c)
{
	struct fz *z = ctx;
	struct tcp_conn_info info;
	struct pkt_info pi;

	for (int i = 0; i < MAX_APPS; i++) {
		struct fz_app *a = &z->apps[i];

		if (a->open)
			continue;
		tcp_conn_get_info(c, &info);
		*a = (struct fz_app){
			.open = true, .c = c, .port = info.remote_port, .want = z->resp_size};
		/* A connection is born from a cookie ACK: it acknowledges ISN + 1. */
		FUZZ_CHECK(!pkt_parse(z->last_in, z->last_in_len, &pi) && (pi.flags & PKT_ACK),
			   "accepted from a frame that is not an ACK");
		a->iss = pi.ack - 1;
		z->open_apps++;
		return a;
	}
	return NULL; /* more than the fuzzer's table: refused, which is fine */
}

static void app_readable(void *ctx, struct tcp_conn *c)
{
	struct fz_app *a = tcp_conn_app(c);
	uint32_t len;

	tcp_conn_rx_peek(c, &len);
	if (len) {
		tcp_conn_rx_consume(c, len);
		a->responded = true;
	}
	app_fill(a);
	if (tcp_conn_rx_eof(c) && !a->shut) {
		a->shut = true;
		tcp_conn_shutdown(c);
	}
}

static void app_writable(void *ctx, struct tcp_conn *c)
{
	app_fill(tcp_conn_app(c));
}

static void app_closed(void *ctx, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct fz *z = ctx;
	struct fz_app *a = tcp_conn_app(c);

	FUZZ_CHECK(a && a->open && a->c == c, "closed() for a connection not open");
	a->open = false;
	z->open_apps--;
}

static const struct tcp_app_ops app_ops = {
	.accepted = app_accepted,
	.readable = app_readable,
	.writable = app_writable,
	.closed = app_closed,
};

static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* A frame the stack sent: well-formed, addressed right, inside the sequence space. */
static void check_sent(struct fz *z, const struct fake_frame *f)
{
	uint32_t alen = z->cl.family == 4 ? 4 : 16;
	struct fz_peer *peer;
	struct fz_app *a;
	struct pkt_info pi;
	uint32_t end;

	FUZZ_CHECK(!pkt_parse(f->data, f->len, &pi), "the stack sent a malformed frame");
	if (getenv("FUZZ_DUMP") && !pi.tcp_csum_ok)
		for (uint32_t i = 0; i < f->len; i++)
			fprintf(stderr, "%02x%s", f->data[i], i + 1 == f->len ? "\n" : "");
	FUZZ_CHECK(pi.tcp_csum_ok && (pi.family == 6 || pi.ip_csum_ok),
		   "bad checksum: flags %#x seq %u ack %u len %u to port %u, %u bytes, %u copied, "
		   "%u descs",
		   pi.flags, pi.seq, pi.ack, pi.len, pi.dport, f->len, f->copied_len, f->ndesc);
	/* Raw frames may come from and go to anywhere: follow only the client's flows. */
	if (pi.dport < BASE_PORT || pi.dport >= BASE_PORT + NPORTS || pi.sport != SERVER_PORT ||
	    pi.family != z->cl.family || memcmp(pi.daddr, z->cl.saddr, alen) ||
	    memcmp(pi.saddr, z->cl.daddr, alen))
		return;
	peer = &z->peer[pi.dport - BASE_PORT];
	end = pi.seq + pi.len + !!(pi.flags & (PKT_SYN | PKT_FIN));
	if (pi.flags & PKT_SYN)
		peer->s_nxt = end;
	else if (!(pi.flags & PKT_RST) && seq_after(end, peer->s_nxt))
		peer->s_nxt = end;
	if (pi.ts_ok)
		peer->echo = pi.tsval;

	a = app_of_port(z, pi.dport);
	if (!a || (pi.flags & (PKT_SYN | PKT_RST)))
		return;
	/* Byte offset of this segment in what the application queued. */
	if (pi.len) {
		uint32_t off = pi.seq - a->iss - 1;

		FUZZ_CHECK((int32_t)off >= 0 && (uint64_t)off + pi.len <= a->queued,
			   "bytes %u..%u sent, %llu queued", off, off + pi.len,
			   (unsigned long long)a->queued);
		for (uint32_t i = 0; i < pi.len; i++)
			FUZZ_CHECK(pi.payload[i] == stream_byte((uint64_t)off + i),
				   "byte %u of the stream is %#x, %#x was queued", off + i,
				   pi.payload[i], stream_byte((uint64_t)off + i));
	}
	if (pi.flags & PKT_FIN)
		FUZZ_CHECK(a->shut && pi.seq - a->iss - 1 + pi.len == a->queued,
			   "FIN at %u, %llu queued, shut %d", pi.seq - a->iss - 1,
			   (unsigned long long)a->queued, a->shut);
}

static void check_step(struct fz *z)
{
	const struct tcp_stats *st = tcp_stack__stats(z->s);
	const struct fake_frame *f;

	while ((f = fake_nic_take(&z->nic)))
		check_sent(z, f);
	fake_nic_clear(&z->nic);
	FUZZ_CHECK(!z->nic.violations && !z->nic.open, "NIC protocol misused");
	FUZZ_CHECK(z->nic.begun == z->nic.committed + z->nic.aborted, "a TX frame was lost");
	FUZZ_CHECK(st->rx_frames == z->inputs, "%llu frames counted, %llu given",
		   (unsigned long long)st->rx_frames, (unsigned long long)z->inputs);
	FUZZ_CHECK(st->conns_active == (uint32_t)z->open_apps, "stack %u, application %d",
		   st->conns_active, z->open_apps);
}

static void input(struct fz *z, const uint8_t *frame, uint32_t len)
{
	uint8_t *copy = malloc(len ? len : 1); /* exact size: overreads are caught */

	memcpy(copy, frame, len);
	z->last_in = copy;
	z->last_in_len = len;
	z->inputs++;
	tcp_stack__input(z->s, copy, len, z->now);
	free(copy);
	z->last_in = NULL;
	check_step(z);
}

static void poll_stack(struct fz *z)
{
	tcp_stack__poll(z->s, z->now);
	check_step(z);
}

/* A sequence or ack number by the mode's two bits: exact, off by delta, near, random. */
static uint32_t pick(uint8_t mode, uint32_t exact, uint16_t delta, uint32_t near,
		     struct fuzz_in *in)
{
	switch (mode & 3) {
	case 0:
		return exact;
	case 1:
		return exact + (uint32_t)(int16_t)delta;
	case 2:
		return near;
	default:
		return fuzz_u32(in);
	}
}

/* A client segment on port p, fields from the input. */
static struct pkt_spec segment(struct fz *z, struct fuzz_in *in, int p, bool *advance)
{
	struct fz_peer *peer = &z->peer[p];
	struct pkt_spec sp = z->cl;
	uint8_t mode = fuzz_u8(in);
	uint16_t delta = fuzz_u16(in);
	size_t plen;

	sp.sport = (uint16_t)(BASE_PORT + p);
	sp.flags = fuzz_u8(in);
	sp.wnd = fuzz_u16(in);
	sp.payload = fuzz_bytes(in, fuzz_u8(in) % 200, &plen);
	sp.len = (uint32_t)plen;
	sp.seq = pick(mode, peer->c_nxt, delta, peer->c_nxt - sp.wnd * 4u, in);
	sp.ack = pick(mode >> 2, peer->s_nxt, delta, peer->s_nxt - 1, in);
	sp.wscale = -1;
	switch ((mode >> 4) & 3) {
	case 1:
		sp.mss = 1460;
		sp.wscale = 7;
		sp.sack_perm = true;
		/* fall through */
	case 2:
		sp.ts = true;
		sp.tsval = ++peer->c_ts;
		sp.tsecr = peer->echo;
		break;
	case 3:
		sp.nsack = 1 + (delta & 1);
		for (int b = 0; b < sp.nsack; b++) {
			sp.sack[b][0] = peer->s_nxt - fuzz_u16(in);
			sp.sack[b][1] = sp.sack[b][0] + fuzz_u16(in);
		}
		break;
	default:
		break;
	}
	if ((sp.flags & PKT_SYN) && !(mode & 3))
		peer->c_nxt = sp.seq = fuzz_u32(in);
	*advance = !(mode & 3) && (mode & 0x40);
	return sp;
}

static void send_spec(struct fz *z, const struct pkt_spec *sp, bool advance, int p)
{
	static uint8_t frame[2048];
	uint32_t len = pkt_build(frame, sizeof(frame), sp);

	input(z, frame, len);
	if (advance)
		z->peer[p].c_nxt += sp->len + !!(sp->flags & PKT_SYN) + !!(sp->flags & PKT_FIN);
}

static void op_mutated(struct fz *z, struct fuzz_in *in, int p)
{
	static uint8_t frame[2048];
	bool advance;
	struct pkt_spec sp = segment(z, in, p, &advance);
	uint32_t len = pkt_build(frame, sizeof(frame), &sp);
	uint8_t flips = fuzz_u8(in) % 4 + 1;

	for (uint8_t i = 0; i < flips && len; i++) {
		uint16_t at = fuzz_u16(in);

		frame[at % len] ^= fuzz_u8(in) | 1;
	}
	input(z, frame, len);
}

static void op_connect(struct fz *z, struct fuzz_in *in, int p)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	struct fz_peer *peer = &z->peer[p];
	struct pkt_spec sp = z->cl;
	uint8_t o = fuzz_u8(in);

	sp.sport = (uint16_t)(BASE_PORT + p);
	sp.flags = PKT_SYN;
	sp.seq = peer->c_nxt = fuzz_u32(in);
	sp.wnd = 65535;
	sp.wscale = (o & 1) ? (o >> 4) % 15 : -1;
	sp.mss = (o & 2) ? 536 + (o >> 2) * 16 : 0;
	sp.sack_perm = o & 4;
	sp.ts = o & 8;
	sp.tsval = ++peer->c_ts;
	send_spec(z, &sp, true, p);

	sp.flags = PKT_ACK | PKT_PSH;
	sp.seq = peer->c_nxt;
	sp.ack = peer->s_nxt;
	sp.mss = 0;
	sp.wscale = -1;
	sp.sack_perm = false;
	sp.tsval = ++peer->c_ts;
	sp.tsecr = peer->echo;
	sp.payload = req;
	sp.len = (o & 0x80) ? 0 : sizeof(req) - 1;
	send_spec(z, &sp, true, p);
}

static void op_app(struct fz *z, struct fuzz_in *in, int p)
{
	struct fz_app *a = app_of_port(z, (uint16_t)(BASE_PORT + p));
	uint8_t what = fuzz_u8(in);

	if (!a)
		return;
	if (what & 1) {
		tcp_conn_abort(a->c);
	} else if (!a->shut) {
		a->shut = true;
		tcp_conn_shutdown(a->c);
	}
	poll_stack(z);
}

static void op_delay(struct fz *z, struct fuzz_in *in)
{
	static const uint64_t unit[4] = {1000, MS, 100 * MS, 10 * SEC};
	uint16_t d = fuzz_u16(in);

	z->now += (d & 0x3fff) * unit[d >> 14];
	poll_stack(z);
}

static void setup(struct fz *z, uint8_t sel)
{
	static const uint8_t cmac[6] = {2, 0, 0, 0, 0, 1}, smac[6] = {2, 0, 0, 0, 0, 2};
	struct tcp_config cfg;

	memset(z, 0, sizeof(*z));
	tcp_config_default(&cfg);
	cfg.max_conns = 16;
	cfg.max_time_wait = 4;
	cfg.rx_buf_size = 4096;
	cfg.tx_copy_size = 4096;
	for (int i = 0; i < 16; i++)
		cfg.syncookie_key[i] = (uint8_t)(7 * i + 1);
	blob_init();
	blob.refs = 1; /* ours */
	/* Scatter-gather: blob bytes go out by reference, up to 4 per frame. */
	fake_nic_init(&z->nic, !(sel & 0x80), 5, 1500, umem);
	z->s = tcp_stack__create(&cfg, &z->nic.nic, &app_ops, z);
	FUZZ_CHECK(z->s, "tcp_stack__create failed");
	z->now = 1000 * SEC;
	z->resp_size = (uint64_t)(sel >> 1) * 700;
	z->cl.family = (sel & 1) ? 6 : 4;
	memcpy(z->cl.src_mac, cmac, 6);
	memcpy(z->cl.dst_mac, smac, 6);
	if (z->cl.family == 4) {
		static const uint8_t ca[4] = {198, 18, 0, 2}, sa[4] = {198, 18, 0, 1};

		memcpy(z->cl.saddr, ca, 4);
		memcpy(z->cl.daddr, sa, 4);
	} else {
		z->cl.saddr[0] = z->cl.daddr[0] = 0xfd;
		z->cl.saddr[15] = 2;
		z->cl.daddr[15] = 1;
	}
	z->cl.dport = SERVER_PORT;
	z->cl.wscale = -1;
	for (int p = 0; p < NPORTS; p++)
		z->peer[p].c_ts = 100;
}

/* Everything times out once the clock runs long enough and the peer stays silent. */
static void run_out_the_clock(struct fz *z)
{
	const struct tcp_stats *st = tcp_stack__stats(z->s);
	uint64_t end = z->now + 3600 * SEC, next;

	z->nic.allow = -1;
	for (int i = 0; i < 100000 && z->now < end; i++) {
		next = tcp_stack__poll(z->s, z->now);
		check_step(z);
		if (next == UINT64_MAX)
			break;
		z->now = next > z->now ? next : z->now + MS;
	}
	FUZZ_CHECK(!st->conns_active && !st->conns_time_wait && !z->open_apps,
		   "after an hour of silence: %u active, %u in TIME_WAIT, %d open",
		   st->conns_active, st->conns_time_wait, z->open_apps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {.p = data, .len = size};
	static struct fz z;
	size_t len;
	bool adv;

	if (!size)
		return 0;
	setup(&z, fuzz_u8(&in));
	while (fuzz_left(&in)) {
		uint8_t b = fuzz_u8(&in);
		int p = (b >> 3) & (NPORTS - 1);
		struct pkt_spec sp;
		const uint8_t *raw;

		switch (b & 7) {
		case 0:
			op_delay(&z, &in);
			break;
		case 1:
			sp = segment(&z, &in, p, &adv);
			send_spec(&z, &sp, adv, p);
			break;
		case 2:
			raw = fuzz_bytes(&in, fuzz_u16(&in) % 2048, &len);
			input(&z, raw, (uint32_t)len);
			break;
		case 3:
			op_mutated(&z, &in, p);
			break;
		case 4:
			z.nic.allow = fuzz_u8(&in);
			if (z.nic.allow == 255)
				z.nic.allow = -1;
			break;
		case 5:
			op_app(&z, &in, p);
			break;
		case 6:
			op_connect(&z, &in, p);
			break;
		default:
			poll_stack(&z);
			break;
		}
	}
	run_out_the_clock(&z);
	tcp_stack__destroy(z.s);
	FUZZ_CHECK(!z.open_apps, "%d connections not closed at destroy", z.open_apps);
	FUZZ_CHECK(blob.refs == 1, "the stack still holds %u blob references", blob.refs - 1);
	fake_nic_fini(&z.nic);
	return 0;
}
