# userspace/steer: no sources yet
