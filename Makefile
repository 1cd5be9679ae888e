# crossvisor: hand-written GNU Makefile. `make` builds ./crossvisor.
PREFIX		?= /usr/local
bindir		?= $(PREFIX)/bin
datadir		?= $(PREFIX)/share
mandir		?= $(datadir)/man
sysconfdir	?= /etc
pkgdatadir	 = $(datadir)/crossvisor
libexecdir	?= $(PREFIX)/libexec
pkglibexecdir	 = $(libexecdir)/crossvisor
bashcompdir	?= $(datadir)/bash-completion/completions
VERSION		 = 0.1.0

CC		?= cc
PKG_CONFIG	?= pkg-config
PKGS		 = ncursesw libvirt libssh libconfig json-c
LIB_PKGS	 = libvirt libssh libconfig json-c

WARN		 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wpointer-arith
CFLAGS		?= -O2 -g
CV_CFLAGS	 = -std=c11 $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
		   -DCV_VERSION='"$(VERSION)"' -DCV_DATADIR='"$(pkgdatadir)"' \
		   -DCV_BINDIR='"$(bindir)"' \
		   -DCV_LIBEXECDIR='"$(pkglibexecdir)"' \
		   -DCV_SYSCONFDIR='"$(sysconfdir)"' -I. -MMD -MP \
		   $(shell $(PKG_CONFIG) --cflags $(PKGS))
LIBS_LIB	 = $(shell $(PKG_CONFIG) --libs $(LIB_PKGS)) -lpthread -lm
LIBS_TUI	 = $(shell $(PKG_CONFIG) --libs ncursesw)

PS_SCRIPTS	 = $(sort $(wildcard backends/ps/*.ps1))
LIB_SRCS	 = $(sort $(wildcard core/*.c backends/*.c config/*.c) \
		   backends/hyperv_scripts.c)
TUI_SRCS	 = $(wildcard tui/*.c)
LIB_OBJS	 = $(LIB_SRCS:.c=.o)
TUI_OBJS	 = $(TUI_SRCS:.c=.o)
UNIT_SRCS	 = $(wildcard tests/unit/test_*.c)
UNIT_BINS	 = $(UNIT_SRCS:.c=)

all: crossvisor tests/sim/hvsim

include tests/sim/sim.mk
include bench/bench.mk

# V=1 shows the whole command lines.
ifeq ($(V),1)
Q_CC		 =
Q_LD		 =
else
Q_CC		 = @echo "  CC      $@";
Q_LD		 = @echo "  LD      $@";
endif

%.o: %.c
	$(Q_CC)$(CC) $(CV_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The installation paths are compiled in: `make` then `make install
# PREFIX=/usr` must rebuild, or the binary would look under /usr/local.
CV_PATHS	 = $(VERSION) $(bindir) $(pkgdatadir) $(pkglibexecdir) $(sysconfdir)
.build-paths: FORCE
	@echo '$(CV_PATHS)' | cmp -s - $@ || echo '$(CV_PATHS)' > $@
crossvisor.o $(LIB_OBJS) $(TUI_OBJS): .build-paths
FORCE:

backends/hyperv_scripts.c: $(PS_SCRIPTS) scripts/embed-ps.sh
	@echo "  GEN     $@"
	@sh scripts/embed-ps.sh $(PS_SCRIPTS) > $@.tmp && mv $@.tmp $@

libcv.a: $(LIB_OBJS)
	@rm -f $@
	$(Q_LD)$(AR) rcs $@ $^

crossvisor: crossvisor.o $(TUI_OBJS) libcv.a
	$(Q_LD)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ crossvisor.o $(TUI_OBJS) libcv.a \
	    $(LIBS_TUI) $(LIBS_LIB)

CMOCKA		 = $(shell $(PKG_CONFIG) --cflags --libs cmocka)

tests/unit/test_tui_%: tests/unit/test_tui_%.c $(TUI_OBJS) libcv.a
	$(Q_LD)$(CC) $(CV_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TUI_OBJS) \
	    libcv.a $(CMOCKA) $(LIBS_TUI) $(LIBS_LIB)

tests/unit/test_%: tests/unit/test_%.c libcv.a
	$(Q_LD)$(CC) $(CV_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< libcv.a \
	    $(CMOCKA) $(LIBS_LIB)

# The names the man pages must document, dumped from the code's tables.
tests/docs/names: tests/docs/names.c $(TUI_OBJS) libcv.a
	$(Q_LD)$(CC) $(CV_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TUI_OBJS) \
	    libcv.a $(LIBS_TUI) $(LIBS_LIB)

deps:
	@sh scripts/deps.sh

# ---- tests ----
unit-bins: $(UNIT_BINS)

check: deps
	@$(MAKE) --no-print-directory all unit-bins bench-bins tests/docs/names
	@sh tests/run_unit.sh $(UNIT_BINS)
	@$(MAKE) --no-print-directory lint headers
	@bash tests/docs/run.sh
	@bash tests/sim/test_hvsim.sh
	@bash tests/tui/run.sh || [ $$? -eq 77 ]
	@bash tests/e2e/run.sh || [ $$? -eq 77 ]
	@sh tests/sanitize.sh
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-20} sh tests/fuzz/run.sh || [ $$? -eq 77 ]

check-unit: all $(UNIT_BINS)
	@sh tests/run_unit.sh $(UNIT_BINS)

check-tui: all
	@bash tests/tui/run.sh

check-e2e: all
	@bash tests/e2e/run.sh

# Man pages against the code's tables, their rendering, install/uninstall
# and shell completion.
check-docs: all tests/docs/names
	@bash tests/docs/run.sh

# Builds the Debian package and installs it in a fresh Debian 12 tree (root,
# network, minutes): not part of check.
check-deb:
	@bash tests/pkg/test_deb.sh

# Dependency rules of the layers (STYLE.md 1).
lint:
	@! grep -nE '#include [<"](n?curses|libvirt/|libssh/|libconfig)' core/*.[ch] \
	    || { echo "lint: core/ includes a library"; exit 1; }
	@! grep -nE '#include [<"](n?curses)|#include "tui/' backends/*.[ch] config/*.[ch] \
	    || { echo "lint: backends/ or config/ includes curses or tui/"; exit 1; }
	@! grep -nE '#include "backends/|#include [<"](libvirt/|libssh/|libconfig)' tui/*.[ch] \
	    || { echo "lint: tui/ reaches a backend"; exit 1; }
	@echo "lint: layers clean"

headers:
	@for h in core/*.h backends/*.h config/*.h tui/*.h; do \
	    echo "#include \"$$h\"" | $(CC) $(CV_CFLAGS) -fsyntax-only -x c - \
	    || { echo "headers: $$h is not self-contained"; exit 1; }; done
	@echo "headers: all self-contained"

# libFuzzer targets (PowerShell answers, config files, theme files),
# FUZZ_SECONDS each.
fuzz:
	@sh tests/fuzz/run.sh

# ASan+UBSan and TSan builds of a copy of the tree, with their runs.
sanitize:
	@sh tests/sanitize.sh

bench: bench-run

demo: deps all
	./crossvisor --demo

# ---- install ----
# PREFIX, DESTDIR, bindir, datadir, mandir, sysconfdir, libexecdir and
# bashcompdir are honoured. Nothing goes in sysconfdir: the example config
# is in $(pkgdatadir), and sysconfdir/crossvisor is the site's.
install: all install-sim
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man1 \
	    $(DESTDIR)$(mandir)/man5 $(DESTDIR)$(pkgdatadir)/demo \
	    $(DESTDIR)$(pkgdatadir)/themes $(DESTDIR)$(bashcompdir)
	install -m 755 crossvisor $(DESTDIR)$(bindir)/crossvisor
	install -m 644 man/crossvisor.1 $(DESTDIR)$(mandir)/man1/
	install -m 644 man/crossvisor.conf.5 $(DESTDIR)$(mandir)/man5/
	install -m 644 demo/*.xml demo/*.json $(DESTDIR)$(pkgdatadir)/demo/
	$(if $(wildcard themes/*.theme),install -m 644 themes/*.theme $(DESTDIR)$(pkgdatadir)/themes/)
	install -m 644 config/crossvisor.conf $(DESTDIR)$(pkgdatadir)/crossvisor.conf.example
	install -m 644 config/certifications.conf $(DESTDIR)$(pkgdatadir)/certifications.conf
	install -m 644 completion/crossvisor.bash $(DESTDIR)$(bashcompdir)/crossvisor

uninstall: uninstall-sim
	rm -f $(DESTDIR)$(bindir)/crossvisor \
	    $(DESTDIR)$(mandir)/man1/crossvisor.1 \
	    $(DESTDIR)$(mandir)/man5/crossvisor.conf.5 \
	    $(DESTDIR)$(bashcompdir)/crossvisor
	rm -rf $(DESTDIR)$(pkgdatadir)
	-rmdir $(DESTDIR)$(pkglibexecdir) 2>/dev/null

clean: clean-sim clean-bench
	rm -f crossvisor crossvisor.o libcv.a $(LIB_OBJS) $(TUI_OBJS) \
	    backends/hyperv_scripts.c \
	    $(UNIT_BINS) tests/docs/names *.d */*.d */*/*.d .build-paths

.PHONY: all deps check check-unit check-tui check-e2e check-docs check-deb \
	lint headers sanitize unit-bins fuzz demo install uninstall clean FORCE

-include $(wildcard *.d */*.d)
