# systemd: no sources yet
