# completion: bash completion for xdpservectl, installed where bash-completion
# looks (configure: pkg-config bash-completion completionsdir, else
# $(datadir)/bash-completion/completions).
bashcompletion_DATA = %reldir%/xdpservectl
EXTRA_DIST += %reldir%/xdpservectl
