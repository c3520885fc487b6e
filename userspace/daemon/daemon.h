/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon.h — xdpserved's life cycle: set up the steering program, the UMEM
 * and one worker per queue; serve until a signal; drain, detach, free.
 */
#ifndef XDPSERVE_DAEMON_H
#define XDPSERVE_DAEMON_H

struct xdpserve_config;

/*
 * Run the daemon with a parsed configuration (malloc'd: the daemon owns it
 * and frees it). argv is kept for SIGHUP, which reads the configuration
 * again from it. Returns the process exit status.
 */
int daemon_run(struct xdpserve_config *cfg, int argc, char **argv);

#endif /* XDPSERVE_DAEMON_H */
