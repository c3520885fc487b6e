/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* parse.h — bounds-checked header cursor (filled in by the steering program work). */
#ifndef XDPSERVE_BPF_PARSE_H
#define XDPSERVE_BPF_PARSE_H
#endif
