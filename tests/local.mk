# tests: shared helpers, BPF fixtures and end-to-end scenarios. Unit tests
# are listed by each module's own local.mk next to its sources.
