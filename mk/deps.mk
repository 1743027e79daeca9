# Host packages mmulab needs.  `make` (and so `make run`, `make test`)
# installs what is missing when run as root, else stops with the command.
DEB_PKGS := libsdl2-dev libcapstone-dev check pkg-config qemu-system-x86 libpng-dev

$(BUILD)/.deps-ok: mk/deps.sh mk/deps.mk
	@sh mk/deps.sh $(DEB_PKGS)
	@mkdir -p $(@D) && touch $@

# What only `make test` needs besides: gdb (the gdbstub is tested with the
# real gdb), cpio (the initrd is checked with the real cpio), xvfb and
# xdotool (the visualiser's window is driven on a virtual X server).
DEB_TEST_PKGS := gdb cpio xvfb xdotool

$(BUILD)/.deps-test-ok: mk/deps.sh mk/deps.mk | $(BUILD)/.deps-ok
	@sh mk/deps.sh $(DEB_TEST_PKGS)
	@touch $@

deps: $(BUILD)/.deps-ok
