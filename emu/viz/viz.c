/*
 * emu/viz/viz.c — the visualiser attached to a machine: hangs the
 * observer on every vCPU (beside -d mmu, through emu/obsfan.c), the IPI
 * watcher on the APIC bus, the event watcher on the ownership channel,
 * and the two hooks in the run loop (emu/emu.h before_slice, at_end).
 *
 * Between slices the hook cools the heat map and renders when it is
 * time: for png:DIR every MS milliseconds of virtual time (snap-MS.png)
 * and at the end (final.png); for the window at most 60 times per second
 * of host time, so that the emulation runs on at nearly full speed.  The
 * hooks only read state: the same command line gives the same guest run
 * with any -display, unless the user pauses, single-steps, runs to the
 * next walk or fault, or slows the window down (those shorten slices,
 * which on several vCPUs changes how they interleave).
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

static void close_window(struct viz *v)
{
	viz_sdl_close(v->win);
	v->win = NULL;
	v->paused = 0;
	v->until = UNTIL_NONE;
	v->m->slice_cap = 0;
}

static void screenshot(struct viz *v)
{
	char path[1200], err[EMU_ERR];
	snprintf(path, sizeof(path), "%s/shot-%d.png", v->d.dir[0] ? v->d.dir : ".", v->shots++);
	if (viz_sdl_screenshot(v->win, path, err, sizeof(err)) != 0)
		report_msg(v->m, "-display sdl: screenshot: %s", err);
	else
		report_msg(v->m, "visualiser: screenshot %s", path);
}

/* One frame of the window: input, picture, a screenshot if asked.
 * Returns -1 when the window was closed. */
static int window_frame(struct viz *v)
{
	if (viz_sdl_poll(v->win, v) != 0) {
		close_window(v);
		return -1;
	}
	viz_render(v);
	viz_sdl_present(v->win, &v->fb, v->mem_drawn);
	if (v->shot) {
		v->shot = 0;
		screenshot(v);
	}
	clock_gettime(CLOCK_MONOTONIC, &v->last_frame);
	return 0;
}

/* Has a run-to-the-next (n, f) reached it? */
static int until_reached(const struct viz *v)
{
	const struct viz_cpu *c = &v->cpus[v->cpu];
	return v->until == UNTIL_WALK ? c->walks != v->until_base
		: v->until == UNTIL_FAULT ? c->faults != v->until_base : 0;
}

/* Slow motion: is the shown walk still appearing level by level? */
static int animating(const struct viz *v)
{
	const struct viz_cpu *c = &v->cpus[v->cpu];
	if (!v->slowmo || v->req)
		return 0;
	if (v->anim_walk != c->walks)
		return c->walk.n > 0; /* a new walk: not drawn yet */
	return v->gen - v->anim_gen < (uint32_t)(c->walk.n + 1) * LEVEL_FRAMES;
}

static void before_slice(struct machine *m, void *opaque)
{
	struct viz *v = opaque;
	viz_heat_decay(v);
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
	if (v->until && until_reached(v)) {
		v->until = UNTIL_NONE;
		v->paused = 1;
	}
	double now = host_now(), last = (double)v->last_frame.tv_sec +
		(double)v->last_frame.tv_nsec * 1e-9;
	int hold = v->paused || animating(v);
	if (!hold && now - last < 1.0 / 60)
		return;
	if (window_frame(v) != 0)
		return;
	while ((v->paused || animating(v)) && !v->step && !machine_caught_signal()) {
		usleep(16000);
		if (window_frame(v) != 0)
			return;
		if (v->until)
			break; /* n or f pressed: run on */
	}
	if (v->step) {
		v->step = 0;
		m->slice_cap = 1;
		return;
	}
	/* Instruction by instruction while looking for the next walk or
	 * fault (n, f, slow motion); otherwise the chosen speed. */
	m->slice_cap = v->until || v->slowmo ? 1 : speed_cap[v->speed];
	if (m->slice_cap && !v->until && !v->slowmo) {
		/* Slow speed: this many instructions per frame. */
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
	v->ended = 1;
	v->paused = 0;
	viz_render(v);
	if (v->d.kind == DISPLAY_PNG && viz_png_snapshot(v, "final.png") == 0)
		report_msg(v->m, "visualiser: snapshots in %s (final.png)", v->d.dir);
	if (!v->win)
		return;
	viz_sdl_present(v->win, &v->fb, 1);
	if (!v->d.hold)
		return;
	report_msg(v->m, "visualiser: the run ended; the window stays open until closed (q)");
	while (!machine_caught_signal() && window_frame(v) == 0)
		usleep(16000);
}

int viz_attach(struct machine *m, const char *spec, char *err, size_t errlen)
{
	struct display_spec d;
	if (!spec || options_parse_display(spec, &d, err, errlen) != 0 ||
	    d.kind == DISPLAY_NONE)
		return spec && d.kind != DISPLAY_NONE ? -1 : 0;
	if (d.kind == DISPLAY_PNG && check_dir(d.dir, err, errlen) != 0)
		return -1;
	if (d.cpu >= m->ncpus) {
		snprintf(err, errlen, "-display %s: cpu=%d but the machine has %d vCPU%s", spec,
			 d.cpu, m->ncpus, m->ncpus == 1 ? "" : "s");
		return -1;
	}
	if (d.has_frame && d.frame >= m->ownership.nframes) {
		snprintf(err, errlen, "-display %s: frame=%#" PRIx64 " is not in RAM (%" PRIu64
			 " frames)", spec, d.frame, m->ownership.nframes);
		return -1;
	}
	struct viz *v = calloc(1, sizeof(*v));
	if (!v || fb_init(&v->fb, VIZ_W, VIZ_H) != 0)
		goto oom;
	v->m = m;
	v->d = d;
	v->flash_gens = 1;
	v->cpu = d.cpu;
	v->mmu_view_cpu = -1;
	v->overlay = d.overlay;
	v->sel_pfn = d.has_frame ? d.frame : ~0ull;
	v->hover_pfn = ~0ull;
	v->maps_pfn = ~0ull;
	v->paused = d.paused;
	v->cpus = calloc((size_t)m->ncpus, sizeof(*v->cpus));
	v->mmu_map = calloc(m->ownership.nframes ? m->ownership.nframes : 1, 1);
	v->mmu_seen = calloc(m->ownership.nframes ? m->ownership.nframes : 1, sizeof(uint16_t));
	v->heat = calloc(m->ownership.nframes ? m->ownership.nframes : 1, 1);
	if (!v->cpus || !v->mmu_map || !v->mmu_seen || !v->heat)
		goto oom;
	for (int i = 0; i < m->ncpus; i++) {
		struct viz_cpu *c = &v->cpus[i];
		c->v = v;
		c->id = i;
		for (int a = 0; a < TLB_NARRAYS; a++) {
			const struct tlb_array *arr = &m->cpus[i].mmu.tlb.a[a];
			size_t n = (size_t)(arr->sets * arr->ways);
			if (!arr->ways)
				continue;
			if (!(c->flash[a] = calloc(n, sizeof(uint32_t))))
				goto oom;
			if (a <= TLB_STLB && !(c->lru[a] = calloc(n, sizeof(uint64_t))))
				goto oom;
		}
		if (obsfan_attach(m, i, &viz_observer, c) != 0)
			goto oom;
	}
	m->apics.ipi_watch = viz_on_ipi;
	m->apics.ipi_opaque = v;
	m->ownership.watch = viz_on_guest_event;
	m->ownership.watch_opaque = v;
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
		if (!v->win)
			v->paused = 0;
	}
	if (d.has_walk)
		viz_request_walk(v, d.walk);
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
		for (int a = 0; a < TLB_NARRAYS; a++) {
			free(v->cpus[i].flash[a]);
			free(v->cpus[i].lru[a]);
		}
	m->apics.ipi_watch = NULL;
	m->ownership.watch = NULL;
	free(v->cpus);
	free(v->mmu_map);
	free(v->mmu_seen);
	free(v->heat);
	fb_free(&v->fb);
	free(v);
	m->before_slice = NULL;
	m->at_end = NULL;
	m->hook_opaque = NULL;
}
