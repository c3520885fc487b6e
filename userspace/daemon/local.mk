# userspace/daemon: no sources yet
