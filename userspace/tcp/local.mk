# userspace/tcp: no sources yet
