# tests/sim/sim.mk: builds the Hyper-V simulator, tests/sim/hvsim.
# Included by the top Makefile (-include tests/sim/sim.mk), or used from
# the repository root on its own or beside it:
#   make -f Makefile -f tests/sim/sim.mk tests/sim/hvsim
#   make -f tests/sim/sim.mk tests/sim/hvsim
# The known script hashes are read from backends/ps/scripts.fnv at build
# time, so the installed simulator needs no file of the repository.

CC		?= cc
PKG_CONFIG	?= pkg-config
CFLAGS		?= -O2 -g
PREFIX		?= /usr/local
libexecdir	?= $(PREFIX)/libexec

HVSIM_WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wwrite-strings -Wformat=2 \
		   -Wpointer-arith
HVSIM_CFLAGS	 = -std=c11 $(HVSIM_WARN) -D_POSIX_C_SOURCE=200809L \
		   -D_DEFAULT_SOURCE -I. $(shell $(PKG_CONFIG) --cflags json-c)
HVSIM_LIBS	 = $(shell $(PKG_CONFIG) --libs json-c) -lm
HVSIM_SRCS	 = tests/sim/hvsim.c tests/sim/cmdlet.c tests/sim/state.c \
		   tests/sim/ps.c tests/sim/utf8.c tests/sim/buf.c \
		   backends/hyperv_hash.c
HVSIM_HDRS	 = tests/sim/buf.h tests/sim/cmdlet.h tests/sim/ps.h \
		   tests/sim/state.h tests/sim/utf8.h tests/sim/hvsim_hashes.h \
		   backends/hyperv_scripts.h

tests/sim/hvsim: $(HVSIM_SRCS) $(HVSIM_HDRS)
	@echo "  LD      $@"
	@$(CC) $(HVSIM_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(HVSIM_SRCS) \
	    $(HVSIM_LIBS)

# "<16 hex digits> <name>" lines become { "name", 0x...ULL }, entries.
tests/sim/hvsim_hashes.h: backends/ps/scripts.fnv tests/sim/sim.mk
	@echo "  GEN     $@"
	@{ echo '/* Generated from backends/ps/scripts.fnv by tests/sim/sim.mk: do not edit. */'; \
	  sed -n 's/^\([0-9a-fA-F]\{16\}\)[[:space:]]\{1,\}\([A-Za-z0-9_.-]\{1,\}\)[[:space:]]*$$/	{ "\2", 0x\1ULL },/p' \
	    backends/ps/scripts.fnv; } > $@.tmp && mv $@.tmp $@

check-sim: tests/sim/hvsim
	@bash tests/sim/test_hvsim.sh

install-sim: tests/sim/hvsim
	install -d $(DESTDIR)$(libexecdir)/crossvisor
	install -m 755 tests/sim/hvsim $(DESTDIR)$(libexecdir)/crossvisor/hvsim

clean-sim:
	rm -f tests/sim/hvsim tests/sim/hvsim_hashes.h tests/sim/hvsim_hashes.h.tmp

.PHONY: check-sim install-sim clean-sim
