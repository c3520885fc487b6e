# userspace/xsk: no sources yet
