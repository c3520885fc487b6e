/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * caps.h — the one list of capabilities xdpserve needs, as the words that
 * error messages use. docs/operations.md ("Privileges") says which kernel
 * check wants each one; the systemd unit grants exactly this set.
 *
 * Included by every place that reports a permission error (steer/, xsk/,
 * daemon/), so that their messages agree.
 */
#ifndef XDPSERVE_COMMON_CAPS_H
#define XDPSERVE_COMMON_CAPS_H

/* Everything xdpserved needs at start, in one line. */
#define XDPSERVE_CAPS_ALL                                                                          \
	"CAP_NET_ADMIN CAP_NET_RAW CAP_BPF CAP_PERFMON CAP_SYS_ADMIN CAP_IPC_LOCK CAP_SETUID "     \
	"CAP_SETGID CAP_CHOWN"

/* "run as root, or with ...; this step needs X" for one failing step. */
#define XDPSERVE_CAPS_HINT(step_caps)                                                              \
	"run as root or with the capabilities " XDPSERVE_CAPS_ALL                                  \
	" (docs/operations.md, Privileges); this step needs " step_caps

/* What each step needs (kernel checks named in docs/operations.md). */
#define XDPSERVE_CAPS_XSK  "CAP_NET_RAW"			   /* socket(AF_XDP) */
#define XDPSERVE_CAPS_UMEM "CAP_IPC_LOCK or a high RLIMIT_MEMLOCK" /* XDP_UMEM_REG */
#define XDPSERVE_CAPS_BPF                                                                          \
	"CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN to load, CAP_NET_ADMIN to attach, "                \
	"CAP_SYS_ADMIN to find an attached program"

#endif /* XDPSERVE_COMMON_CAPS_H */
