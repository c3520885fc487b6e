// SPDX-License-Identifier: GPL-2.0-only
/*
 * fake_nic.c — the capturing NIC of the unit tests (see fake_nic.h). Used
 * by tests/unit/tcp through the struct nic seam of net/nic.h.
 */
#include "helpers/fake_nic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *fake_begin(void *ctx, uint32_t *cap)
{
	struct fake_nic *f = ctx;

	if (f->open)
		f->violations++;
	if (f->refuse || f->allow == 0) {
		f->refused++;
		return NULL;
	}
	if (f->allow > 0)
		f->allow--;
	f->open = true;
	f->nrefs = 0;
	f->tag = 0;
	f->begun++;
	*cap = f->frame_size;
	/* Garbage, so a byte the stack forgets to write shows up. */
	if (!f->sink)
		memset(f->cur, 0xa5, f->frame_size);
	return f->cur;
}

static int fake_append_ref(void *ctx, uint64_t addr, uint32_t len)
{
	struct fake_nic *f = ctx;

	if (!f->open || !f->nic.sg || !len || !f->umem) {
		f->violations++;
		return -EINVAL;
	}
	if (f->nrefs + 1 >= f->nic.max_frags || f->nrefs == FAKE_NIC_MAX_REFS)
		return -ENOSPC;
	f->ref_addr[f->nrefs] = addr;
	f->ref_len[f->nrefs] = len;
	f->nrefs++;
	f->refs_appended++;
	return 0;
}

static void fake_commit(void *ctx, uint32_t len)
{
	struct fake_nic *f = ctx;
	struct fake_frame *fr;
	uint32_t total = len;

	if (!f->open || len > f->frame_size)
		f->violations++;
	f->open = false;
	for (uint32_t i = 0; i < f->nrefs; i++)
		total += f->ref_len[i];
	if (f->nic.mtu && total > f->nic.mtu + 18)
		f->violations++;
	if (f->sink) {
		const uint8_t *ref[FAKE_NIC_MAX_REFS];

		for (uint32_t i = 0; i < f->nrefs; i++)
			ref[i] = f->umem + f->ref_addr[i];
		f->sink(f->sink_arg, f->cur, len, ref, f->ref_len, f->nrefs);
		goto sent;
	}
	if (f->nframes == f->frames_cap) {
		f->frames_cap = f->frames_cap ? 2 * f->frames_cap : 256;
		f->frames = realloc(f->frames, f->frames_cap * sizeof(*f->frames));
		if (!f->frames)
			abort();
	}
	fr = &f->frames[f->nframes++];
	fr->data = malloc(total ? total : 1);
	if (!fr->data)
		abort();
	memcpy(fr->data, f->cur, len);
	fr->len = len;
	for (uint32_t i = 0; i < f->nrefs; i++) {
		memcpy(fr->data + fr->len, f->umem + f->ref_addr[i], f->ref_len[i]);
		fr->len += f->ref_len[i];
	}
	fr->copied_len = len;
	fr->ndesc = 1 + f->nrefs;
	fr->tag = f->tag;
sent:
	f->committed++;
	if (!f->tag)
		return;
	if (!f->hold) {
		if (f->nic.tx_done)
			f->nic.tx_done(f->nic.tx_done_arg, f->tag);
		return;
	}
	if (f->nheld == FAKE_NIC_MAX_HELD)
		abort();
	f->held[f->nheld++] = f->tag;
}

uint32_t fake_nic_complete(struct fake_nic *f, uint32_t n)
{
	uint32_t done = n < f->nheld ? n : f->nheld;

	for (uint32_t i = 0; i < done; i++)
		if (f->nic.tx_done)
			f->nic.tx_done(f->nic.tx_done_arg, f->held[i]);
	memmove(f->held, f->held + done, (f->nheld - done) * sizeof(f->held[0]));
	f->nheld -= done;
	return done;
}

static void fake_abort(void *ctx)
{
	struct fake_nic *f = ctx;

	if (!f->open)
		f->violations++;
	f->open = false;
	f->tag = 0;
	f->aborted++;
}

static bool fake_tx_room(void *ctx, uint32_t n)
{
	struct fake_nic *f = ctx;

	return f->room < 0 || f->room >= n;
}

static void fake_tag(void *ctx, uint32_t tag)
{
	struct fake_nic *f = ctx;

	if (!f->open || !tag)
		f->violations++;
	f->tag = tag;
}

static uint64_t fake_rx_lost(void *ctx)
{
	struct fake_nic *f = ctx;

	f->rx_lost_asked++;
	return f->rx_lost;
}

static const struct nic_ops fake_ops = {
	.begin = fake_begin,
	.append_ref = fake_append_ref,
	.commit = fake_commit,
	.abort = fake_abort,
	.tx_room = fake_tx_room,
	.tag = fake_tag,
	.rx_lost = fake_rx_lost,
};

void fake_nic_init(struct fake_nic *f, bool sg, uint32_t max_frags, uint32_t mtu,
		   const uint8_t *umem)
{
	memset(f, 0, sizeof(*f));
	f->nic.ops = &fake_ops;
	f->nic.ctx = f;
	f->nic.sg = sg;
	f->nic.max_frags = max_frags;
	f->nic.mtu = mtu;
	f->umem = umem;
	f->frame_size = 2048;
	f->allow = -1;
	f->room = -1;
	f->cur = malloc(65536);
	if (!f->cur)
		abort();
}

void fake_nic_set_sink(struct fake_nic *f, fake_nic_sink_fn sink, void *arg)
{
	f->sink = sink;
	f->sink_arg = arg;
}

void fake_nic_clear(struct fake_nic *f)
{
	for (uint32_t i = 0; i < f->nframes; i++)
		free(f->frames[i].data);
	f->nframes = 0;
	f->next = 0;
}

void fake_nic_fini(struct fake_nic *f)
{
	fake_nic_clear(f);
	free(f->frames);
	free(f->cur);
	f->frames = NULL;
	f->cur = NULL;
}

const struct fake_frame *fake_nic_take(struct fake_nic *f)
{
	return f->next < f->nframes ? &f->frames[f->next++] : NULL;
}
