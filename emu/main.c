/*
 * emu/main.c — mmulab's main(): parse the command line, build the machine,
 * attach the visualiser -display asks for, run it, exit with the status
 * it gives.  Everything else is library code
 * in the other files of emu/, so tests can drive a machine without a
 * process.
 */
#include <stdlib.h>

#include "emu/emu.h"
#include "emu/viz/viz.h"

int main(int argc, char **argv)
{
	struct options o;
	char err[EMU_ERR];
	int r = options_parse(&o, argc, argv, err, sizeof(err));
	if (r == 1) {
		options_usage(stdout);
		return 0;
	}
	if (r == 2) {
		options_version(stdout);
		return 0;
	}
	if (r < 0) {
		report_msg(NULL, "%s", err);
		return EMU_EXIT_BAD_INPUT;
	}
	atexit(chardev_restore_terminals);
	machine_catch_signals();

	static struct machine m; /* large: keep it off the stack */
	if (machine_init(&m, &o, err, sizeof(err)) != 0) {
		machine_free(&m);
		report_msg(NULL, "%s", err);
		return EMU_EXIT_BAD_INPUT;
	}
	if (viz_attach(&m, o.display, err, sizeof(err)) != 0) {
		machine_free(&m);
		report_msg(NULL, "%s", err);
		return EMU_EXIT_BAD_INPUT;
	}
	int status = machine_run(&m);
	viz_detach(&m);
	machine_free(&m);
	return status;
}
