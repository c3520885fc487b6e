#!/usr/bin/python3
"""prom_check.py — parse Prometheus text exposition from stdin with
prometheus_client's own parser (Debian python3-prometheus-client) and check
it: every sample belongs to a family declared by a "# TYPE" line before it,
and each CONDITION holds.

  prom_check.py 'xdpserve_http_responses_total{class=2xx}>=10' 'xdpserve_up==1'

A condition sums the samples of NAME whose labels match the given ones.
Exit 0 when all hold, 1 (with the reason on stdout) otherwise.
"""
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

COND = re.compile(r'^([a-z_]+)(?:\{([^}]*)\})?(>=|==|>)(\d+)$')


def main():
    text = sys.stdin.read()
    typed = set()
    for line in text.splitlines():
        if line.startswith('# TYPE '):
            name = line.split()[2]
            if name in typed:
                print('TYPE twice for', name)
                return 1
            typed.add(name)
        elif line and not line.startswith('#'):
            name = re.match(r'[a-zA-Z_:][a-zA-Z0-9_:]*', line).group(0)
            if name not in typed:
                print('sample before its TYPE line:', line)
                return 1
    samples = []
    families = list(text_string_to_metric_families(text))
    for fam in families:
        if fam.type not in ('counter', 'gauge'):
            print('unexpected type', fam.type, 'of', fam.name)
            return 1
        samples.extend(fam.samples)
    print('%d families, %d samples' % (len(families), len(samples)))
    for cond in sys.argv[1:]:
        m = COND.match(cond)
        if not m:
            print('bad condition', cond)
            return 2
        name, labels, op, want = m.group(1), m.group(2), m.group(3), int(m.group(4))
        want_labels = dict(kv.split('=', 1) for kv in labels.split(',')) if labels else {}
        total = sum(s.value for s in samples if s.name == name and
                    all(s.labels.get(k) == v for k, v in want_labels.items()))
        ok = {'>=': total >= want, '==': total == want, '>': total > want}[op]
        print('%s: %g %s' % (cond, total, 'ok' if ok else 'FAILED'))
        if not ok:
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
