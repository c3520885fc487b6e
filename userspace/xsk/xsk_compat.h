/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsk_compat.h — AF_XDP constants newer than the 6.1 kernel headers Debian 12
 * ships. The one place they are defined; every file that needs one includes
 * this after <linux/if_xdp.h>. Values are the kernel's UAPI; each is guarded
 * so newer headers win.
 */
#ifndef XDPSERVE_XSK_COMPAT_H
#define XDPSERVE_XSK_COMPAT_H

#include <linux/if_xdp.h>

/* bind() flag: the socket handles multi-buffer packets (6.6). */
#ifndef XDP_USE_SG
#define XDP_USE_SG (1 << 4)
#endif

/* xdp_desc.options: more descriptors of the same packet follow (6.6). */
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD (1 << 0)
#endif

/* xdp_desc.options: TX metadata precedes the frame (6.8). */
#ifndef XDP_TX_METADATA
#define XDP_TX_METADATA (1 << 1)
#endif

/* xdp_umem_reg.flags (6.8, 6.11). */
#ifndef XDP_UMEM_TX_SW_CSUM
#define XDP_UMEM_TX_SW_CSUM (1 << 1)
#endif
#ifndef XDP_UMEM_TX_METADATA_LEN
#define XDP_UMEM_TX_METADATA_LEN (1 << 2)
#endif

/* struct xsk_tx_metadata.flags (6.8, 6.14). */
#ifndef XDP_TXMD_FLAGS_TIMESTAMP
#define XDP_TXMD_FLAGS_TIMESTAMP (1 << 0)
#endif
#ifndef XDP_TXMD_FLAGS_CHECKSUM
#define XDP_TXMD_FLAGS_CHECKSUM (1 << 1)
#endif
#ifndef XDP_TXMD_FLAGS_LAUNCH_TIME
#define XDP_TXMD_FLAGS_LAUNCH_TIME (1 << 2)
#endif

/*
 * setsockopt: descriptors one sendto() may turn into skbs in copy mode
 * (6.17; the default is 32, the range [32, TX ring size]).
 */
#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9
#endif

#endif /* XDPSERVE_XSK_COMPAT_H */
