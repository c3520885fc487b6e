# userspace/http: no sources yet
