#!/bin/sh
# Run one Criterion test binary so that it speaks TAP on stdout; the
# Automake TAP driver then counts every test case, skips included.
exec "$@" --tap=- --ascii
