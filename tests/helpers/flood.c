// SPDX-License-Identifier: GPL-2.0-only
/*
 * flood.c — a bounded packet flood for the abuse tests (tests/e2e/flood.sh):
 * crafted IPv4/TCP frames written straight to an interface on an AF_PACKET
 * socket, a batch per sendmmsg(), far faster than scapy.
 *
 *   flood MODE --iface IF --src-mac MAC --dst-mac MAC --dst IP --dport PORT
 *         --count N [--src-net A.B.C.D/LEN | --src IP --sport PORT] [--pps N] [--seed N]
 *         [--in-window N]
 *
 * MODE:
 *   syn      SYNs (with an MSS option) from random sources and ports
 *   ack      bare ACKs with random sequence and acknowledgment numbers: forged
 *            SYN-cookie answers
 *   rst      RSTs with random sequence numbers (RFC 5961 blind reset attempts),
 *            normally at one live connection (--src and --sport); with
 *            --in-window N, first sniff that flow's next sequence number
 *            on the interface, then send every RST inside the N bytes
 *            after it (in the window, never exact: each must be challenged)
 *   badcsum  SYNs whose TCP checksum (every fourth: IPv4 header checksum) is wrong
 *
 * Every address, spoofed ones included, must lie in 198.18.0.0/15: the
 * sender refuses anything else. It stops after --count frames; --pps paces
 * it. Prints "sent N frames in S s".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH	  256
#define FRAME_LEN (14 + 20 + 24) /* Ethernet, IPv4, TCP with one MSS option */

enum mode { MODE_SYN, MODE_ACK, MODE_RST, MODE_BADCSUM };

struct flood {
	enum mode mode;
	int ifindex;
	uint8_t src_mac[6], dst_mac[6];
	uint32_t dst, src, src_net, src_mask; /* host order */
	uint16_t dport, sport;
	uint64_t count, pps, rng;
	uint32_t in_window; /* rst: seq in (sniffed, sniffed + in_window] */
	uint32_t seq_base;  /* the sniffed sequence number */
};

static uint64_t rnd(struct flood *f)
{
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return f->rng;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t csum_add(const uint8_t *p, size_t len, uint32_t s)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* One frame of the flood into buf; returns its length. */
static size_t build(struct flood *f, uint8_t *buf, uint64_t n)
{
	uint8_t *ip = buf + 14, *tcp = ip + 20, pseudo[12];
	uint32_t src = f->src ? f->src : f->src_net | ((uint32_t)rnd(f) & ~f->src_mask);
	uint16_t sport = f->sport ? f->sport : (uint16_t)(1024 + rnd(f) % 60000);
	bool syn = f->mode == MODE_SYN || f->mode == MODE_BADCSUM;
	uint32_t tcp_len = syn ? 24 : 20;
	uint32_t sum;

	memcpy(buf, f->dst_mac, 6);
	memcpy(buf + 6, f->src_mac, 6);
	put16(buf + 12, ETHERTYPE_IP);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + tcp_len));
	put16(ip + 4, (uint16_t)n);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	put32(ip + 12, src);
	put32(ip + 16, f->dst);
	put16(ip + 10, csum_fold(csum_add(ip, 20, 0)));

	memset(tcp, 0, tcp_len);
	put16(tcp, sport);
	put16(tcp + 2, f->dport);
	put32(tcp + 4, f->in_window ? f->seq_base + 1 + (uint32_t)(rnd(f) % f->in_window)
				    : (uint32_t)rnd(f));
	tcp[12] = (uint8_t)((tcp_len / 4) << 4);
	put16(tcp + 14, 65535);
	switch (f->mode) {
	case MODE_ACK:
		put32(tcp + 8, (uint32_t)rnd(f));
		tcp[13] = 0x10;
		break;
	case MODE_RST:
		tcp[13] = 0x04;
		break;
	default:
		tcp[13] = 0x02;
		tcp[20] = 2, tcp[21] = 4;
		put16(tcp + 22, 1460);
		break;
	}
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	put16(pseudo + 10, (uint16_t)tcp_len);
	sum = csum_add(tcp, tcp_len, csum_add(pseudo, 12, 0));
	put16(tcp + 16, csum_fold(sum));
	if (f->mode == MODE_BADCSUM) {
		tcp[17] ^= 0x5a;
		if (n % 4 == 0)
			ip[11] ^= 0x5a;
	}
	return 14 + 20 + tcp_len;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The next sequence number of the flow --src:--sport -> --dst:--dport, from
 * a segment of it the interface sends (the client's own ACKs). 0 or -1
 * after 10 s without one.
 */
static int sniff_seq(struct flood *f)
{
	/* ETH_P_ALL: a socket bound to one protocol sees only what comes in. */
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = f->ifindex};
	struct timeval tv = {.tv_sec = 1};
	uint64_t end = now_ns() + 10000000000ull;
	uint8_t buf[2048];
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		goto fail;
	while (now_ns() < end) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		const uint8_t *ip = buf + 14, *tcp;

		if (n < 14 + 20 + 20 || buf[12] != 0x08 || buf[13] != 0x00 || (ip[0] >> 4) != 4 ||
		    ip[9] != IPPROTO_TCP)
			continue;
		tcp = ip + (ip[0] & 0xf) * 4;
		if (tcp + 20 > buf + n || get32(ip + 12) != f->src || get32(ip + 16) != f->dst ||
		    (tcp[0] << 8 | tcp[1]) != f->sport || (tcp[2] << 8 | tcp[3]) != f->dport)
			continue;
		f->seq_base = get32(tcp + 4);
		close(fd);
		return 0;
	}
fail:
	fprintf(stderr, "flood: no segment of the flow to sniff its sequence number\n");
	if (fd >= 0)
		close(fd);
	return -1;
}

static int run(struct flood *f)
{
	static uint8_t frames[BATCH][FRAME_LEN];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET, .sll_ifindex = f->ifindex, .sll_halen = 6};
	uint64_t sent = 0, t0 = now_ns();
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0) {
		fprintf(stderr, "flood: AF_PACKET socket: %s (needs CAP_NET_RAW)\n",
			strerror(errno));
		return 1;
	}
	memcpy(to.sll_addr, f->dst_mac, 6);
	while (sent < f->count) {
		unsigned int n = f->count - sent < BATCH ? (unsigned int)(f->count - sent) : BATCH;
		int got;

		for (unsigned int i = 0; i < n; i++) {
			iov[i] = (struct iovec){frames[i], build(f, frames[i], sent + i)};
			msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &to,
							       .msg_namelen = sizeof(to),
							       .msg_iov = &iov[i],
							       .msg_iovlen = 1}};
		}
		got = sendmmsg(fd, msgs, n, 0);
		if (got < 0 && errno != ENOBUFS && errno != EAGAIN) {
			fprintf(stderr, "flood: sendmmsg: %s\n", strerror(errno));
			close(fd);
			return 1;
		}
		sent += got > 0 ? (unsigned int)got : 0;
		if (got <= 0)
			usleep(1000); /* the device queue is full: let it drain */
		if (f->pps) {
			uint64_t due = t0 + sent * 1000000000ull / f->pps, t = now_ns();

			if (due > t)
				usleep((useconds_t)((due - t) / 1000));
		}
	}
	close(fd);
	printf("sent %llu frames in %.2f s\n", (unsigned long long)sent, (now_ns() - t0) / 1e9);
	return 0;
}

/* Test traffic stays inside 198.18.0.0/15. */
static bool in_test_net(uint32_t a)
{
	return (a & 0xfffe0000u) == 0xc6120000u;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3],
		      &mac[4], &mac[5]) == 6
		       ? 0
		       : -1;
}

static int parse_ip(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

static int parse_net(const char *s, uint32_t *net, uint32_t *mask)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	int len;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	len = atoi(slash + 1);
	if (len < 15 || len > 32 || parse_ip(buf, net))
		return -1;
	*mask = len == 32 ? ~0u : ~(~0u >> len);
	*net &= *mask;
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: flood syn|ack|rst|badcsum --iface IF --src-mac MAC --dst-mac MAC "
		"--dst IP --dport PORT --count N [--src-net NET/LEN | --src IP --sport PORT] "
		"[--pps N] [--seed N] [--in-window N]\n");
	return 2;
}

static int parse_args(struct flood *f, int argc, char **argv)
{
	static const struct option opts[] = {
		{"iface", required_argument, NULL, 'i'},
		{"src-mac", required_argument, NULL, 'm'},
		{"dst-mac", required_argument, NULL, 'M'},
		{"dst", required_argument, NULL, 'd'},
		{"dport", required_argument, NULL, 'p'},
		{"count", required_argument, NULL, 'n'},
		{"src-net", required_argument, NULL, 'N'},
		{"src", required_argument, NULL, 's'},
		{"sport", required_argument, NULL, 'P'},
		{"pps", required_argument, NULL, 'r'},
		{"seed", required_argument, NULL, 'S'},
		{"in-window", required_argument, NULL, 'w'},
		{0},
	};
	static const char *const modes[] = {"syn", "ack", "rst", "badcsum"};
	int c, bad = 0;

	if (argc < 2)
		return -1;
	f->mode = 4;
	for (int i = 0; i < 4; i++)
		if (!strcmp(argv[1], modes[i]))
			f->mode = i;
	if (f->mode == 4)
		return -1;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			f->ifindex = (int)if_nametoindex(optarg);
			break;
		case 'm':
			bad |= parse_mac(optarg, f->src_mac);
			break;
		case 'M':
			bad |= parse_mac(optarg, f->dst_mac);
			break;
		case 'd':
			bad |= parse_ip(optarg, &f->dst);
			break;
		case 'p':
			f->dport = (uint16_t)atoi(optarg);
			break;
		case 'n':
			f->count = strtoull(optarg, NULL, 10);
			break;
		case 'N':
			bad |= parse_net(optarg, &f->src_net, &f->src_mask);
			break;
		case 's':
			bad |= parse_ip(optarg, &f->src);
			break;
		case 'P':
			f->sport = (uint16_t)atoi(optarg);
			break;
		case 'r':
			f->pps = strtoull(optarg, NULL, 10);
			break;
		case 'S':
			f->rng = strtoull(optarg, NULL, 10) | 1;
			break;
		case 'w':
			f->in_window = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		default:
			return -1;
		}
	}
	if (bad || !f->ifindex || !f->dport || !f->count || (!f->src && !f->src_mask))
		return -1;
	if (f->in_window && (f->mode != MODE_RST || !f->src || !f->sport))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct flood f = {.rng = 0x2545f4914f6cdd1dull};

	if (parse_args(&f, argc, argv))
		return usage();
	/* Spoofed sources too: never a packet for an address outside the test nets. */
	if (!in_test_net(f.dst) || (f.src && !in_test_net(f.src)) ||
	    (f.src_mask && !in_test_net(f.src_net))) {
		fprintf(stderr, "flood: every address must be in 198.18.0.0/15\n");
		return 2;
	}
	if (f.in_window && sniff_seq(&f))
		return 1;
	if (f.in_window)
		printf("flow's next sequence number %u\n", f.seq_base);
	return run(&f);
}
