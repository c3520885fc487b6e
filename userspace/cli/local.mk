# userspace/cli: no sources yet
