# userspace/io: no sources yet
