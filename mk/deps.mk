# Host packages mmulab needs.  `make` (and so `make run`, `make test`)
# installs what is missing when run as root, else stops with the command.
DEB_PKGS := libsdl2-dev libcapstone-dev check pkg-config qemu-system-x86

$(BUILD)/.deps-ok: mk/deps.sh mk/deps.mk
	@sh mk/deps.sh $(DEB_PKGS)
	@mkdir -p $(@D) && touch $@

deps: $(BUILD)/.deps-ok
