# tests/sim/sim.mk: builds the Hyper-V simulator, tests/sim/hvsim.
# Included by the top Makefile after its first target ("include
# tests/sim/sim.mk" below "all:"), or used from the repository root on its
# own or beside it:
#   make -f Makefile -f tests/sim/sim.mk tests/sim/hvsim
#   make -f tests/sim/sim.mk tests/sim/hvsim
# The known script hashes are read from backends/ps/scripts.fnv at build
# time, so the installed simulator needs no file of the repository.

ifndef HVSIM_MK_INCLUDED
HVSIM_MK_INCLUDED := 1

CC		?= cc
PKG_CONFIG	?= pkg-config
CFLAGS		?= -O2 -g
PREFIX		?= /usr/local
libexecdir	?= $(PREFIX)/libexec
hvsim_datadir	?= $(if $(pkgdatadir),$(pkgdatadir),$(PREFIX)/share/crossvisor)/sim

HVSIM_WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wwrite-strings -Wformat=2 \
		   -Wpointer-arith
HVSIM_CFLAGS	 = -std=c11 $(HVSIM_WARN) -D_POSIX_C_SOURCE=200809L \
		   -D_DEFAULT_SOURCE -I. $(shell $(PKG_CONFIG) --cflags json-c)
HVSIM_LIBS	 = $(shell $(PKG_CONFIG) --libs json-c) -lm
HVSIM_SRCS	 = tests/sim/hvsim.c tests/sim/cmdlet.c tests/sim/state.c \
		   tests/sim/ps.c tests/sim/utf8.c tests/sim/buf.c \
		   backends/hyperv_hash.c core/hash.c
HVSIM_HDRS	 = tests/sim/buf.h tests/sim/cmdlet.h tests/sim/ps.h \
		   tests/sim/state.h tests/sim/utf8.h tests/sim/hvsim_hashes.h \
		   backends/hyperv_scripts.h core/hash.h

tests/sim/hvsim: $(HVSIM_SRCS) $(HVSIM_HDRS)
	@echo "  LD      $@"
	@$(CC) $(HVSIM_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(HVSIM_SRCS) \
	    $(HVSIM_LIBS)

# "<16 hex digits> <name>" lines become { "name", 0x...ULL }, entries.
HVSIM_HEX	 = \([0-9a-fA-F]\{16\}\)
HVSIM_NAME	 = \([A-Za-z0-9_.-]\{1,\}\)
HVSIM_SP	 = [[:space:]]
HVSIM_SED	 = s/^$(HVSIM_HEX)$(HVSIM_SP)\{1,\}$(HVSIM_NAME)$(HVSIM_SP)*$$/{ "\2", 0x\1ULL },/p

tests/sim/hvsim_hashes.h: backends/ps/scripts.fnv tests/sim/sim.mk
	@echo "  GEN     $@"
	@{ echo '/* Generated from backends/ps/scripts.fnv by' \
	    'tests/sim/sim.mk: do not edit. */'; \
	  sed -n '$(HVSIM_SED)' backends/ps/scripts.fnv; } > $@.tmp && \
	    mv $@.tmp $@

check-sim: tests/sim/hvsim
	@bash tests/sim/test_hvsim.sh

# The sample states are read-only once installed: copy one before use,
# since actions write the state back.
install-sim: tests/sim/hvsim
	install -d $(DESTDIR)$(libexecdir)/crossvisor $(DESTDIR)$(hvsim_datadir)
	install -m 755 tests/sim/hvsim $(DESTDIR)$(libexecdir)/crossvisor/hvsim
	install -m 644 tests/sim/states/*.json $(DESTDIR)$(hvsim_datadir)/

uninstall-sim:
	rm -f $(DESTDIR)$(libexecdir)/crossvisor/hvsim
	rm -rf $(DESTDIR)$(hvsim_datadir)

clean-sim:
	rm -f tests/sim/hvsim tests/sim/hvsim_hashes.h \
	    tests/sim/hvsim_hashes.h.tmp

.PHONY: check-sim install-sim uninstall-sim clean-sim

endif
