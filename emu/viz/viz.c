/*
 * emu/viz/viz.c — the visualiser attached to a machine: parses -display,
 * hangs the observer on every vCPU (beside -d mmu, through emu/obsfan.c)
 * and the two hooks in the run loop (emu/emu.h before_slice, at_end).
 *
 * Between slices the hook renders when it is time: for png:DIR every MS
 * milliseconds of virtual time (snap-MS.png) and at the end (final.png);
 * for the window at most 60 times per second of host time, so that the
 * emulation runs on at nearly full speed.  The hooks only read state: the
 * same command line gives the same guest run with any -display, unless
 * the user pauses, single-steps or slows the window down (those shorten
 * slices, which on several vCPUs changes how they interleave).
 */
#include "emu/viz/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const uint64_t speed_cap[] = { 0, 100000, 10000, 1000, 100, 10, 1 };

static double host_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Can we write into `dir` (made if missing)?  0, or -1 with a reason. */
static int check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	if (stat(dir, &st) != 0 && mkdir(dir, 0777) != 0)
		goto bad;
	char probe[1200];
	snprintf(probe, sizeof(probe), "%s/.mmulab-probe", dir);
	FILE *f = fopen(probe, "w");
	if (!f)
		goto bad;
	fclose(f);
	unlink(probe);
	return 0;
bad:
	snprintf(err, errlen, "-display png:%s: cannot write to '%s': %s", dir, dir,
		 strerror(errno));
	return -1;
}

static void window_frame(struct viz *v)
{
	viz_render(v);
	viz_sdl_present(v->win, &v->fb);
}

static void close_window(struct viz *v)
{
	viz_sdl_close(v->win);
	v->win = NULL;
	v->paused = 0;
	v->m->slice_cap = 0;
}

static void before_slice(struct machine *m, void *opaque)
{
	struct viz *v = opaque;
	if (v->period_ticks && m->clock.base >= v->next_tick) {
		char name[64];
		viz_render(v);
		snprintf(name, sizeof(name), "snap-%08" PRIu64 ".png",
			 v->next_tick / (m->clock.ips / 1000 ? m->clock.ips / 1000 : 1));
		viz_png_snapshot(v, name);
		while (v->next_tick <= m->clock.base)
			v->next_tick += v->period_ticks;
	}
	if (!v->win)
		return;
	double now = host_now(), last = (double)v->last_frame.tv_sec +
		(double)v->last_frame.tv_nsec * 1e-9;
	if (!v->paused && now - last < 1.0 / 60)
		return;
	if (viz_sdl_poll(v->win, v) != 0) {
		close_window(v);
		return;
	}
	window_frame(v);
	clock_gettime(CLOCK_MONOTONIC, &v->last_frame);
	while (v->paused && !v->step && !machine_caught_signal()) {
		usleep(16000);
		if (viz_sdl_poll(v->win, v) != 0) {
			close_window(v);
			return;
		}
		window_frame(v);
	}
	if (v->step) {
		v->step = 0;
		m->slice_cap = 1;
		return;
	}
	m->slice_cap = speed_cap[v->speed];
	if (m->slice_cap) {
		/* Slow motion: this many instructions per frame. */
		double left = 1.0 / 60 - (host_now() - now);
		if (left > 0)
			usleep((useconds_t)(left * 1e6));
		v->last_frame.tv_sec = 0; /* render again before the next slice */
	}
}

static void at_end(struct machine *m, void *opaque)
{
	struct viz *v = opaque;
	(void)m;
	viz_render(v);
	if (v->d.kind == DISPLAY_PNG && viz_png_snapshot(v, "final.png") == 0)
		report_msg(v->m, "visualiser: snapshots in %s (final.png)", v->d.dir);
	if (v->win)
		viz_sdl_present(v->win, &v->fb);
}

int viz_attach(struct machine *m, const char *spec, char *err, size_t errlen)
{
	struct display_spec d;
	if (!spec || options_parse_display(spec, &d, err, errlen) != 0 ||
	    d.kind == DISPLAY_NONE)
		return spec && d.kind != DISPLAY_NONE ? -1 : 0;
	if (d.kind == DISPLAY_PNG && check_dir(d.dir, err, errlen) != 0)
		return -1;
	struct viz *v = calloc(1, sizeof(*v));
	if (!v || fb_init(&v->fb, VIZ_W, VIZ_H) != 0)
		goto oom;
	v->m = m;
	v->d = d;
	v->flash_gens = 1;
	v->cpus = calloc((size_t)m->ncpus, sizeof(*v->cpus));
	v->mmu_map = calloc(m->ownership.nframes ? m->ownership.nframes : 1, 1);
	if (!v->cpus || !v->mmu_map)
		goto oom;
	for (int i = 0; i < m->ncpus; i++) {
		struct viz_cpu *c = &v->cpus[i];
		c->v = v;
		c->id = i;
		for (int a = 0; a < TLB_NARRAYS; a++) {
			const struct tlb_array *arr = &m->cpus[i].mmu.tlb.a[a];
			if (arr->ways && !(c->flash[a] = calloc((size_t)(arr->sets * arr->ways),
								 sizeof(uint32_t))))
				goto oom;
		}
		if (obsfan_attach(m, i, &viz_observer, c) != 0)
			goto oom;
	}
	if (d.kind == DISPLAY_PNG && d.every_ms) {
		v->period_ticks = d.every_ms * (m->clock.ips / 1000);
		v->next_tick = v->period_ticks;
	}
	if (d.kind == DISPLAY_SDL) {
		char why[EMU_ERR];
		const char *dpy = getenv("DISPLAY"), *way = getenv("WAYLAND_DISPLAY");
		if ((!dpy || !*dpy) && (!way || !*way))
			report_msg(NULL, "-display sdl: no display (DISPLAY is not set); "
				   "running without a window");
		else if (!(v->win = viz_sdl_open(VIZ_W, VIZ_H, why, sizeof(why))))
			report_msg(NULL, "-display sdl: cannot open a window (%s); "
				   "running without one", why);
		v->flash_gens = 20;
	}
	m->before_slice = before_slice;
	m->at_end = at_end;
	m->hook_opaque = v;
	return 0;
oom:
	snprintf(err, errlen, "-display %s: out of memory", spec);
	return -1; /* (the rest is freed with the process: mmulab exits) */
}

void viz_detach(struct machine *m)
{
	struct viz *v = m->hook_opaque;
	if (!v || m->at_end != at_end)
		return;
	viz_sdl_close(v->win);
	for (int i = 0; i < m->ncpus; i++)
		for (int a = 0; a < TLB_NARRAYS; a++)
			free(v->cpus[i].flash[a]);
	free(v->cpus);
	free(v->mmu_map);
	fb_free(&v->fb);
	free(v);
	m->before_slice = NULL;
	m->at_end = NULL;
	m->hook_opaque = NULL;
}
