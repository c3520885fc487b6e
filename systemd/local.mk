# systemd: the template unit (instance = interface), its binding to the
# interface's device (a drop-in a container can mask), the system user, and
# the sample configuration. The unit names the installed programs, so it is
# made from xdpserve@.service.in with this build's directories.
systemdunitdir = $(systemdsystemunitdir)
systemdunit_DATA = systemd/xdpserve@.service
systemddropindir = $(systemdsystemunitdir)/xdpserve@.service.d
dist_systemddropin_DATA = systemd/xdpserve@.service.d/device.conf
dist_sysusers_DATA = systemd/sysusers.d/xdpserve.conf
xdpserveconfdir = $(sysconfdir)/xdpserve
dist_xdpserveconf_DATA = systemd/example.conf
EXTRA_DIST += systemd/xdpserve@.service.in
CLEANFILES += systemd/xdpserve@.service

systemd/xdpserve@.service: $(srcdir)/systemd/xdpserve@.service.in Makefile
	@$(MKDIR_P) systemd
	$(AM_V_GEN)$(SED) -e 's|[@]sbindir[@]|$(sbindir)|g' -e 's|[@]sysconfdir[@]|$(sysconfdir)|g' \
		$(srcdir)/systemd/xdpserve@.service.in >$@.tmp && mv $@.tmp $@

# The Debian packaging travels in the tarball (dpkg-buildpackage -us -uc -b).
EXTRA_DIST += debian
