# man: xdpserved(8) and xdpservectl(8), made by help2man from each
# program's --help and --version plus the sections in man/NAME.h2m, so the
# option lists cannot drift from the code. Without help2man (configure
# says so) they are not built.
EXTRA_DIST += man/xdpserved.h2m man/xdpservectl.h2m
if HAVE_HELP2MAN
man8_MANS = man/xdpserved.8 man/xdpservectl.8
CLEANFILES += $(man8_MANS)
endif

# help2man runs the program: BPF_OBJ and env do not matter for --help.
man_help2man = $(HELP2MAN) --no-info --no-discard-stderr --section=8 --source='xdpserve $(VERSION)'

man/xdpserved.8: xdpserved$(EXEEXT) $(srcdir)/man/xdpserved.h2m
	@$(MKDIR_P) man
	$(AM_V_GEN)$(man_help2man) --include=$(srcdir)/man/xdpserved.h2m --output=$@ ./xdpserved$(EXEEXT)

man/xdpservectl.8: xdpservectl$(EXEEXT) $(srcdir)/man/xdpservectl.h2m
	@$(MKDIR_P) man
	$(AM_V_GEN)$(man_help2man) --include=$(srcdir)/man/xdpservectl.h2m --output=$@ ./xdpservectl$(EXEEXT)
