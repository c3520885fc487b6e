// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcp_output.c — the TCP output stage: segments are built from the send
 * queue whenever they are sent or sent again (no frame is kept), written
 * into a NIC frame (struct nic) behind Ethernet/IP headers from eth.c.
 *
 *   tcp_stack__poll() -> tcp_output() -> tcp_send_segment() -> eth_output()
 *   tcp_input.c / tcp_process.c -> tcp_output_ack(), _reset_reply(), _synack()
 *
 * Payload placement: copied bytes go into the header frame; blob bytes go
 * by reference (nic->append_ref, one descriptor per frame-contiguous run)
 * when the NIC does scatter-gather, they come after every copied byte of
 * the segment, the run is not tiny and descriptors remain; otherwise they
 * are copied too. The TCP checksum adds blob ranges from their prefix
 * tables (blob_csum), so shared payload is never summed again.
 *
 * A connection builds segments only while it has fewer than its limit of
 * frames in the NIC not yet completed (tcp_tsq.c); the rest of the queue
 * is built just in time as completions come back.
 */
#include <errno.h>
#include <string.h>

#include "cache/blob.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "tcp/tcp_int.h"

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* The fields of a TCP header to write. */
struct tcp_hdr_out {
	uint16_t lport, rport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	const uint8_t *opts;
	uint32_t optlen;
};

/*
 * Write Ethernet, IP and TCP headers for `payload` bytes into buf. Returns
 * the header bytes; *th points at the TCP header and *sum holds the
 * pseudo-header plus TCP header partial sum (checksum field still zero).
 */
static uint32_t tcp_write_headers(struct tcp_stack *s, uint8_t *buf, const struct net_path *p,
				  const struct tcp_hdr_out *h, uint32_t payload, uint8_t **th,
				  uint32_t *sum)
{
	uint32_t thl = TCP_HLEN + h->optlen, pseudo;
	uint32_t off = eth_output(buf, p, thl + payload, s->ip_id++, &pseudo);
	uint8_t *t = buf + off;

	put_be16(t, h->lport);
	put_be16(t + 2, h->rport);
	put_be32(t + 4, h->seq);
	put_be32(t + 8, h->ack);
	t[12] = (uint8_t)((thl / 4) << 4);
	t[13] = h->flags;
	put_be16(t + 14, h->wnd);
	memset(t + 16, 0, 4); /* checksum, urgent pointer */
	if (h->optlen)
		memcpy(t + TCP_HLEN, h->opts, h->optlen);
	*th = t;
	*sum = csum_partial(t, thl, pseudo);
	return off + thl;
}

static inline void tcp_store_csum(uint8_t *th, uint32_t sum)
{
	uint16_t check = csum_finish(sum);

	memcpy(th + 16, &check, 2);
}

int tcp_output_bare(struct tcp_stack *s, const struct net_path *p, uint16_t lport, uint16_t rport,
		    uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const uint8_t *opts,
		    uint32_t optlen)
{
	struct nic *nic = s->nic;
	struct tcp_hdr_out h = {lport, rport, seq, ack, flags, wnd, opts, optlen};
	uint32_t cap, len, sum;
	uint8_t *buf, *th;

	buf = nic->ops->begin(nic->ctx, &cap);
	if (!buf) {
		s->stats.tx_no_frame++;
		return -ENOBUFS;
	}
	if (cap < eth_output_hdr_len(p) + TCP_HLEN + optlen) {
		nic->ops->abort(nic->ctx);
		s->stats.tx_no_frame++;
		return -ENOBUFS;
	}
	len = tcp_write_headers(s, buf, p, &h, 0, &th, &sum);
	tcp_store_csum(th, sum);
	nic->ops->commit(nic->ctx, len);
	s->stats.tx_frames++;
	if (flags & TCP_FLAG_RST)
		s->stats.tx_rst++;
	return 0;
}

void tcp_output_reset_reply(struct tcp_stack *s, const struct tcp_seg *seg)
{
	uint32_t seq = 0, ack = 0;
	uint8_t flags = TCP_FLAG_RST;

	if (seg->flags & TCP_FLAG_RST)
		return; /* never answer a RST */
	if (seg->flags & TCP_FLAG_ACK) {
		seq = seg->ack;
	} else {
		ack = seg->seq + seg->len + !!(seg->flags & TCP_FLAG_SYN) +
		      !!(seg->flags & TCP_FLAG_FIN);
		flags |= TCP_FLAG_ACK;
	}
	tcp_output_bare(s, &seg->rx->path, seg->dport, seg->sport, seq, ack, flags, 0, NULL, 0);
}

void tcp_output_synack(struct tcp_stack *s, const struct tcp_seg *seg, uint32_t cookie,
		       const struct tcp_syn_opts *so, uint16_t wnd)
{
	uint8_t opts[TCP_MAX_OPT_LEN];
	uint32_t optlen = tcp_options_write_syn(opts, so);

	tcp_output_bare(s, &seg->rx->path, seg->dport, seg->sport, cookie, seg->seq + 1,
			TCP_FLAG_SYN | TCP_FLAG_ACK, wnd, opts, optlen);
}

uint16_t tcp_output_window(struct tcp_conn *c)
{
	uint32_t size = c->s->cfg.rx_buf_size;
	uint32_t room = size - c->rx_len;
	uint32_t cur = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	uint32_t wnd = room;

	/*
	 * Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): keep the right edge
	 * where it is until the window can grow by a segment or half the buffer.
	 */
	if (room > cur && room != size && room - cur < min_u32(size / 2, c->rcv_mss))
		wnd = cur;
	wnd >>= c->rcv_wscale;
	return (uint16_t)(wnd > 65535 ? 65535 : wnd);
}

/* Bookkeeping shared by every segment of a connection that carries an ACK. */
static void tcp_sent_ack(struct tcp_conn *c, uint16_t wnd)
{
	uint32_t edge = c->rcv_nxt + ((uint32_t)wnd << c->rcv_wscale);

	if (seq_gt(edge, c->rcv_adv))
		c->rcv_adv = edge;
	c->last_ack_sent = c->rcv_nxt;
	c->rx_unacked = 0;
	c->ack_now = false;
	tcp_ftimer_cancel(&c->delack_timer);
}

/* Count frame-contiguous runs of the blob slices in queue range [off, off + len). */
static uint32_t tcp_count_runs(const struct tcp_sendq *q, uint64_t off, uint32_t len,
			       uint32_t skip_runs, uint32_t *skipped_bytes)
{
	struct tcp_sendq_iter it;
	struct tcp_slice sl;
	uint32_t runs = 0, pos = 0;

	*skipped_bytes = 0;
	tcp_sendq_seek(q, off, &it);
	while (pos < len && tcp_sendq_next(q, &it, len - pos, &sl)) {
		for (uint32_t r = 0; r < sl.len;) {
			uint32_t contig, n;

			blob_addr(sl.blob, sl.off + r, &contig);
			n = min_u32(contig, sl.len - r);
			if (runs < skip_runs)
				*skipped_bytes += n;
			runs++;
			r += n;
		}
		pos += sl.len;
	}
	return runs;
}

/*
 * Decide how many leading payload bytes of a segment are copied into the
 * header frame; the rest goes by reference. May shorten *len so the copied
 * part fits the frame (cap bytes, hdr of them headers).
 */
static uint32_t tcp_plan_copy(struct tcp_stack *s, const struct tcp_sendq *q, uint64_t off,
			      uint32_t *len, uint32_t hdr, uint32_t cap, bool allow_refs)
{
	const struct nic *nic = s->nic;
	uint32_t copy_end = 0, pos = 0, room = cap - hdr;
	struct tcp_sendq_iter it;
	struct tcp_slice sl;

	if (!allow_refs || !nic->sg || nic->max_frags < 2) {
		if (*len > room)
			*len = room;
		return *len;
	}
	/* References must come last: everything up to the last copied byte is copied. */
	tcp_sendq_seek(q, off, &it);
	while (pos < *len && tcp_sendq_next(q, &it, *len - pos, &sl)) {
		if (!sl.blob)
			copy_end = pos + sl.len;
		pos += sl.len;
	}
	if (*len - copy_end < TCP_SG_MIN_REF) {
		copy_end = *len;
	} else {
		uint32_t max_refs = nic->max_frags - 1, skipped;
		uint32_t runs = tcp_count_runs(q, off + copy_end, *len - copy_end, 0, &skipped);

		/* Too many runs for the descriptors: copy the first ones. */
		if (runs > max_refs) {
			tcp_count_runs(q, off + copy_end, *len - copy_end, runs - max_refs,
				       &skipped);
			copy_end += skipped;
		}
	}
	if (copy_end > room) {
		*len = room;
		copy_end = room;
	}
	return copy_end;
}

/*
 * The options of a segment of c: timestamps, and SACK blocks while
 * out-of-order bytes are held (RFC 2018 §4: 3 blocks fit beside
 * timestamps, 4 without). Returns their length.
 */
static uint32_t tcp_write_conn_opts(struct tcp_conn *c, uint8_t *opts)
{
	uint32_t len = 0;

	if (c->ts_ok)
		len = tcp_options_write_ts(opts, tcp_conn_ts_now(c), c->ts_recent);
	return len + tcp_reass_write_sack(c, opts + len, c->ts_ok ? 3 : 4);
}

/*
 * Build and send one segment of c: sequence `seq`, up to *len payload bytes
 * from the send queue (shortened to what fits a frame, and the MSS beside
 * SACK blocks), FIN if `fin` and the payload reaches it. Returns 0 (then
 * *len and *fin say what went), -ENOBUFS when the NIC had no frame, or
 * -EBUSY when c has its share of frames in flight (tcp_tsq.c).
 */
static int tcp_send_segment(struct tcp_conn *c, uint32_t seq, uint32_t *len, bool *fin)
{
	struct tcp_stack *s = c->s;
	struct nic *nic = s->nic;
	uint8_t opts[TCP_MAX_OPT_LEN];
	struct tcp_hdr_out h = {.lport = c->tuple.lport,
				.rport = c->tuple.rport,
				.seq = seq,
				.ack = c->rcv_nxt,
				.flags = TCP_FLAG_ACK,
				.opts = opts};
	uint64_t qoff = seq - c->snd_una;
	bool allow_refs = true;
	uint32_t cap, hdr, copy_end, sum, pos, want = *len, n, extra;
	uint8_t *buf, *th, *payload;
	struct tcp_sendq_iter it;
	struct tcp_slice sl;

	if (want && !tcp_tsq_may_send(c))
		return -EBUSY;
	/* Data leaves the last frames to control segments (a pure ACK has want == 0). */
	if (want && nic->ops->tx_room &&
	    !nic->ops->tx_room(nic->ctx, s->cfg.tx_reserve_frames + 1)) {
		s->stats.tx_reserve_held++;
		return -ENOBUFS;
	}
	h.optlen = tcp_write_conn_opts(c, opts);
	/* c->mss leaves room for timestamps only: SACK blocks take payload bytes. */
	extra = h.optlen - (c->ts_ok ? TCPOLEN_TS_ALIGNED : 0);
	if (extra && want > c->mss - extra)
		want = c->mss - extra;
	h.wnd = tcp_output_window(c);
	hdr = eth_output_hdr_len(&c->path) + TCP_HLEN + h.optlen;
again:
	buf = nic->ops->begin(nic->ctx, &cap);
	if (!buf)
		return -ENOBUFS;
	if (cap < hdr + (want ? 1 : 0)) {
		nic->ops->abort(nic->ctx);
		return -ENOBUFS;
	}
	n = want;
	copy_end = n ? tcp_plan_copy(s, &c->q, qoff, &n, hdr, cap, allow_refs) : 0;
	if (*fin && n < *len)
		*fin = false;
	if (*fin)
		h.flags |= TCP_FLAG_FIN;
	if (n && qoff + n == c->q.bytes)
		h.flags |= TCP_FLAG_PSH; /* the last queued byte */
	hdr = tcp_write_headers(s, buf, &c->path, &h, n, &th, &sum);
	payload = buf + hdr;

	pos = 0;
	tcp_sendq_seek(&c->q, qoff, &it);
	while (pos < n && tcp_sendq_next(&c->q, &it, n - pos, &sl)) {
		uint32_t ncopy = pos < copy_end ? min_u32(sl.len, copy_end - pos) : 0;
		uint32_t part;

		/* Copy first: the checksum's edge bytes are then read from cache. */
		if (ncopy) {
			if (sl.blob)
				blob_copy(sl.blob, sl.off, ncopy, payload + pos);
			else
				tcp_sendq_ring_read(&c->q, sl.off, ncopy, payload + pos);
		}
		part = sl.blob ? blob_csum(sl.blob, sl.off, sl.len)
			       : tcp_sendq_ring_csum(&c->q, sl.off, sl.len);
		/* TCP header length is even: payload parity is the position's. */
		sum = csum_block_add(sum, part, pos);
		for (uint32_t r = ncopy; r < sl.len;) {
			uint32_t contig;
			uint64_t addr = blob_addr(sl.blob, sl.off + r, &contig);

			contig = min_u32(contig, sl.len - r);
			if (nic->ops->append_ref(nic->ctx, addr, contig) < 0) {
				/* Out of descriptors after all: send this one copied. */
				nic->ops->abort(nic->ctx);
				allow_refs = false;
				h.flags = TCP_FLAG_ACK;
				hdr = eth_output_hdr_len(&c->path) + TCP_HLEN + h.optlen;
				goto again;
			}
			r += contig;
		}
		pos += sl.len;
	}
	tcp_store_csum(th, sum);
	if (n)
		tcp_tsq_sending(c);
	nic->ops->commit(nic->ctx, hdr + copy_end);

	s->stats.tx_frames++;
	s->stats.tx_bytes += n;
	tcp_rack_sent(c, seq, n + *fin, seq_lt(seq, c->snd_max));
	if ((n || *fin) && seq_lt(seq, c->snd_max)) {
		s->stats.tx_retransmits++;
		c->total_retrans++;
		c->rtt_timing = false; /* Karn: no sample from a retransmitted range */
	} else if (n && !c->ts_ok && !c->rtt_timing) {
		c->rtt_timing = true;
		c->rtt_seq = seq + n;
		c->rtt_start_ns = s->now;
	}
	tcp_sent_ack(c, h.wnd);
	*len = n;
	return 0;
}

/*
 * The sequence number of a pure ACK: SND.NXT, unless a window probe took it
 * past the peer's window, which would make the ACK unacceptable there.
 */
static uint32_t tcp_ack_seq(const struct tcp_conn *c)
{
	uint32_t edge = c->snd_una + c->snd_wnd;

	return seq_gt(c->snd_nxt, edge) ? edge : c->snd_nxt;
}

int tcp_output_ack(struct tcp_conn *c)
{
	uint32_t len = 0;
	bool fin = false;
	int err = tcp_send_segment(c, tcp_ack_seq(c), &len, &fin);

	if (err) {
		c->s->stats.tx_no_frame++;
		c->ack_now = true;
		tcp_conn_want_output(c);
	}
	return err;
}

void tcp_output_rst(struct tcp_conn *c)
{
	uint8_t opts[TCPOLEN_TS_ALIGNED];
	uint32_t optlen = 0;

	if (c->ts_ok)
		optlen = tcp_options_write_ts(opts, tcp_conn_ts_now(c), c->ts_recent);
	tcp_output_bare(c->s, &c->path, c->tuple.lport, c->tuple.rport, c->snd_nxt, c->rcv_nxt,
			TCP_FLAG_RST | TCP_FLAG_ACK, 0, opts, optlen);
}

/* Sequence numbers to send after SND.NXT: queued bytes not yet sent. */
static uint32_t tcp_unsent(const struct tcp_conn *c)
{
	uint32_t end = tcp_conn_queue_end(c);

	return seq_gt(end, c->snd_nxt) ? end - c->snd_nxt : 0;
}

void tcp_output_rexmt_update(struct tcp_conn *c)
{
	struct tcp_stack *s = c->s;
	bool outstanding = c->snd_una != c->snd_max;
	uint32_t end = tcp_conn_queue_end(c);
	/* Data not yet sent, and a FIN not yet sent: both need window. */
	uint32_t unsent = tcp_unsent(c) + (tcp_conn_fin_queued(c) && seq_le(c->snd_nxt, end));

	/*
	 * Something waiting behind a closed window, or behind a window too
	 * small to send into while nothing is in flight: probe (RFC 9293 §3.8.6.1).
	 */
	if (unsent && (!c->snd_wnd || !outstanding)) {
		if (c->rexmt_mode != TCP_REXMT_PERSIST) {
			c->rexmt_mode = TCP_REXMT_PERSIST;
			c->persist_since_ns = s->now;
			tcp_timer_heap_arm(&s->rexmt_heap, &c->rexmt_timer,
					   s->now + tcp_timer_rto(c));
		}
	} else if (outstanding) {
		/* RFC 6298 §5.1: start the timer if it is not running. */
		if (c->rexmt_mode == TCP_REXMT_NONE || c->rexmt_mode == TCP_REXMT_PERSIST)
			tcp_timer_arm_outstanding(c);
	} else if (c->rexmt_mode != TCP_REXMT_NONE) {
		c->rexmt_mode = TCP_REXMT_NONE;
		tcp_timer_heap_cancel(&s->rexmt_heap, &c->rexmt_timer);
	}
}

/* The first unacknowledged segment again (fast retransmit, partial ACK). */
static int tcp_output_rexmit_head(struct tcp_conn *c)
{
	uint32_t end = tcp_conn_queue_end(c);
	uint32_t len = seq_gt(end, c->snd_una) ? min_u32(end - c->snd_una, c->mss) : 0;
	bool fin = c->fin_sent && !tcp_conn_fin_acked(c) && c->snd_una + len == c->fin_seq;
	int err;

	if (!len && !fin)
		return 0;
	err = tcp_send_segment(c, c->snd_una, &len, &fin);
	if (err)
		return err;
	if (seq_gt(c->snd_una + len + fin, c->snd_nxt))
		c->snd_nxt = c->snd_una + len + fin;
	if (seq_gt(c->snd_una + len, c->rexmit_high))
		c->rexmit_high = c->snd_una + len;
	c->rexmit_mark = c->snd_max;
	return 0;
}

/*
 * The loss probe (RFC 8985 §7.3): one new segment if the peer's window
 * takes it (cwnd does not count), else the last segment sent again.
 */
static int tcp_output_tlp(struct tcp_conn *c)
{
	uint32_t end = tcp_conn_queue_end(c), wnd_end = c->snd_una + c->snd_wnd;
	uint32_t unsent = seq_gt(end, c->snd_nxt) ? end - c->snd_nxt : 0;
	uint32_t wnd_avail = seq_gt(wnd_end, c->snd_nxt) ? wnd_end - c->snd_nxt : 0;
	uint32_t len, seq, data_end;
	bool fin = false;
	int err;

	if (c->snd_nxt == c->snd_max && unsent && wnd_avail) {
		len = min_u32(min_u32(unsent, c->mss), wnd_avail);
		err = tcp_send_segment(c, c->snd_nxt, &len, &fin);
		if (err)
			return err;
		c->snd_nxt += len;
		c->snd_max = c->snd_nxt;
		return 0;
	}
	data_end = c->fin_sent ? c->fin_seq : c->snd_max;
	/* Once the FIN is acknowledged SND.UNA is past its sequence number. */
	len = seq_gt(data_end, c->snd_una) ? min_u32(data_end - c->snd_una, c->mss) : 0;
	seq = data_end - len;
	fin = c->fin_sent && !tcp_conn_fin_acked(c);
	if (!len && !fin)
		return 0;
	return tcp_send_segment(c, seq, &len, &fin);
}

/* RFC 6675 §5 (C): retransmit lost holes while the pipe leaves room. */
static int tcp_output_sack_holes(struct tcp_conn *c)
{
	uint32_t seq, len;
	bool fin = false;
	int err;

	while (tcp_sack_pipe(c) + c->mss <= c->cc.cwnd && tcp_sack_next_hole(c, &seq, &len)) {
		err = tcp_send_segment(c, seq, &len, &fin);
		if (err)
			return err;
		c->rexmit_high = seq + len;
		c->rexmit_mark = c->snd_max;
	}
	return 0;
}

int tcp_output(struct tcp_conn *c)
{
	struct tcp_stack *s = c->s;
	int err = 0;

	if (c->state == TCP_STATE_CLOSED || c->state == TCP_STATE_FREE)
		return 0;
	if (c->rexmit_head) {
		err = tcp_output_rexmit_head(c);
		if (err)
			goto ack;
		c->rexmit_head = false;
	}
	if (c->sack_recovery) {
		err = tcp_output_sack_holes(c);
		if (err)
			goto ack;
	}
	if (c->tlp_probe) {
		err = tcp_output_tlp(c);
		if (err)
			goto ack;
		c->tlp_probe = false;
	}
	for (;;) {
		uint32_t end, unsent, flight;
		uint32_t cwnd = c->cc.cwnd, wnd_end, wnd_avail, len;
		bool fin, fin_due, forced = c->force_probe;

		/* Going back over sent data (after an RTO): skip what the peer SACKed. */
		if (c->nsack && seq_lt(c->snd_nxt, c->snd_max))
			c->snd_nxt = tcp_sack_skip(c, c->snd_nxt);
		end = tcp_conn_queue_end(c);
		unsent = tcp_unsent(c);
		flight = c->sack_recovery ? tcp_sack_pipe(c) : c->snd_nxt - c->snd_una;
		wnd_end = c->snd_una + c->snd_wnd;
		wnd_avail = seq_gt(wnd_end, c->snd_nxt) ? wnd_end - c->snd_nxt : 0;
		fin_due = tcp_conn_fin_queued(c) && seq_le(c->snd_nxt, end);

		/* RFC 3042 limited transmit on the first two duplicate ACKs. */
		if (!c->in_recovery && c->dupacks && c->dupacks < 3)
			cwnd += c->dupacks * c->mss;
		len = min_u32(min_u32(unsent, c->mss),
			      min_u32(wnd_avail, cwnd > flight ? cwnd - flight : 0));
		c->force_probe = false;
		if (forced) {
			/* Persist timer: at least one byte, whatever the window says. */
			if (unsent && !len)
				len = min_u32(min_u32(unsent, c->mss), wnd_avail ? wnd_avail : 1);
		} else if (len < unsent && len < c->mss && len < c->max_snd_wnd / 2) {
			/* Sender SWS avoidance (RFC 9293 §3.8.6.2.1). */
			len = 0;
		}
		/* The FIN takes a sequence number: it needs the window too (or a probe). */
		fin = fin_due && c->snd_nxt + len == end && (wnd_avail > len || forced);
		if (!len && !fin)
			break;
		if (len && !s->turn_left) {
			err = -EAGAIN; /* this turn's quantum is spent: the others go first */
			break;
		}
		err = tcp_send_segment(c, c->snd_nxt, &len, &fin);
		if (err)
			goto ack;
		if (len)
			s->turn_left--;
		c->snd_nxt += len + fin;
		if (seq_gt(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (fin) {
			if (!c->fin_sent && c->state == TCP_STATE_LAST_ACK)
				tcp_timer_fifo_arm(&s->finwait_fifo, &c->life_timer, s->now);
			c->fin_sent = true;
			c->fin_seq = end;
			break;
		}
	}
ack:
	/* A pure ACK still goes when data could not: the reserve is kept for it. */
	if (c->ack_now) {
		uint32_t len = 0;
		bool fin = false;
		int aerr = tcp_send_segment(c, tcp_ack_seq(c), &len, &fin);

		err = aerr ? aerr : err;
	}
	tcp_output_rexmt_update(c);
	/* Held by its TX limit: the completions of its frames ask for output again. */
	return err == -EBUSY ? 0 : err;
}
