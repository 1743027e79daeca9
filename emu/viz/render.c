/*
 * emu/viz/render.c — the whole picture: the title line, the four panels
 * (memory, TLB, page walk with the frame inspector, events with the
 * guest's counters) and, when
 * asked, the help overlay.  The result is v->fb; png.c and sdl.c only
 * copy it out.
 */
#include "emu/viz/internal.h"

#include <inttypes.h>
#include <stdio.h>

static void title(struct viz *v)
{
	struct machine *m = v->m;
	uint64_t t = vclock_now(&m->clock);
	static const char *const speeds[] = { "full speed", "10^5 insns/frame",
		"10^4 insns/frame", "1000 insns/frame", "100 insns/frame",
		"10 insns/frame", "1 insn/frame" };
	fb_printf(&v->fb, 8, 3, COL_TITLE,
		  "mmulab   cpu%d of %d   %" PRIu64 " instructions   virtual time %.6f s   %s%s%s",
		  v->cpu, m->ncpus, machine_icount(m), (double)t / (double)m->clock.ips,
		  v->ended ? "RUN ENDED   " : v->paused ? "PAUSED   " : "",
		  v->slowmo && v->win ? "SLOW MOTION   " : "", v->win ? speeds[v->speed] : "");
	if (v->win)
		fb_text(&v->fb, VIZ_W - 16 * FONT_W, 3, COL_TEXT, "h: help");
}

/* The guest's counters it has reported, as lines "guest: NAME VALUE  NAME
 * VALUE ..." of at most COUNTERS_COLS characters, from line 0 of the
 * events panel (layout.h).  Returns the lines drawn. */
static int counters(struct viz *v)
{
	static const char *const names[OWN_NR_COUNTERS] = OWN_COUNTER_NAMES;
	char line[COUNTERS_COLS + 1] = "", item[64];
	int n = 0, len = 0;
	for (int id = 0; id < OWN_NR_COUNTERS; id++) {
		if (!(v->counters_seen & 1u << id))
			continue;
		int w = snprintf(item, sizeof(item), "%s %" PRIu64 "%s", names[id], v->counter[id],
				 id == OWN_CTR_COMMITTED_AS_KB ? " kB" : "");
		if (len && len + 2 + w > COUNTERS_COLS) {
			fb_text(&v->fb, EVENTS_X, COUNTERS_LINE_Y(n++), COL_TEXT, line);
			len = 0;
		}
		len += snprintf(line + len, sizeof(line) - (size_t)len, "%s%s",
				len ? "  " : "guest: ", item);
	}
	if (len)
		fb_text(&v->fb, EVENTS_X, COUNTERS_LINE_Y(n++), COL_TEXT, line);
	return n;
}

static void events(struct viz *v)
{
	struct fb *f = &v->fb;
	fb_text(f, EVENTS_X, EVENTS_Y, COL_TITLE,
		"events: page faults, CR3 writes, INVLPG/INVPCID, IPIs, shootdowns, guest exits");
	int nc = counters(v);
	int rows = (VIZ_H - EVENTS_Y - LINE_H - 4) / LINE_H - nc;
	int first = v->nev > rows ? v->nev - rows : 0;
	for (int i = first, y = COUNTERS_LINE_Y(nc); i < v->nev; i++, y += LINE_H) {
		const struct viz_event *e = &v->ev[i % VIZ_EVENTS];
		fb_printf(f, EVENTS_X, y, e->colour, "%10.6f %s",
			  (double)e->tick / (double)v->m->clock.ips, e->text);
	}
}

static void help(struct viz *v)
{
	static const char *const lines[] = {
		"keys",
		"space, p   pause / resume",
		"s          single step (one instruction per vCPU)",
		"n / f      run to the next page walk / page fault, then pause",
		"- / +      slower / faster (1 insn per frame .. full speed)",
		"a          slow-motion walks: each appears a level at a time",
		"w, /       type an address to walk (hex; Enter, Esc, Backspace)",
		"l          back to the last walk (drop the one asked for)",
		"o          overlay on the MMU's map: none, heat, A/D bits",
		"mouse      point at a frame: who maps it; click: pin it, walk",
		"0-9, c     show vCPU N / the next vCPU",
		"F12        save a screenshot (shot-N.png)",
		"h, F1      this help",
		"q, Esc     close the window (the run goes on headless)",
	};
	int n = sizeof(lines) / sizeof(lines[0]);
	int x = HELP_X, y = HELP_Y, w = 460, h = (n + 1) * LINE_H + 8;
	fb_fill(&v->fb, x, y, w, h, COL_BG);
	fb_frame(&v->fb, x, y, w, h, COL_TITLE);
	for (int i = 0; i < n; i++)
		fb_text(&v->fb, x + 10, y + 8 + i * LINE_H, i ? COL_TEXT : COL_TITLE, lines[i]);
}

/* Redraw the memory panel this frame?  Always for a PNG; in the window
 * four times less often than the rest (frames change owner slowly, and
 * it is the dearest panel), and at once when what it shows changed. */
static int memory_due(struct viz *v)
{
	uint64_t key = viz_inspected(v) * 64 + (uint64_t)v->overlay * 16 + (uint64_t)v->cpu;
	int due = !v->win || v->gen % 4 == 0 || key != v->mem_key || v->help != v->mem_help;
	v->mem_key = key;
	v->mem_help = v->help;
	return due;
}

void viz_render(struct viz *v)
{
	v->mem_drawn = memory_due(v);
	if (v->mem_drawn) {
		fb_fill(&v->fb, 0, 0, v->fb.w, v->fb.h, COL_BG);
	} else {
		fb_fill(&v->fb, 0, 0, v->fb.w, MEM_Y - 13, COL_BG);
		fb_fill(&v->fb, 0, VIZ_KEEP_Y, v->fb.w, v->fb.h - VIZ_KEEP_Y, COL_BG);
	}
	fb_fill(&v->fb, 0, 14, VIZ_W, 1, COL_FREE);
	fb_fill(&v->fb, 0, TLB_Y - 5, VIZ_W, 1, COL_FREE);
	fb_fill(&v->fb, 0, WALK_Y - 5, VIZ_W, 1, COL_FREE);
	fb_fill(&v->fb, EVENTS_X - 8, WALK_Y - 5, 1, VIZ_H, COL_FREE);
	viz_sample(v);
	title(v);
	if (v->mem_drawn)
		viz_draw_memory(v);
	viz_draw_tlb(v);
	viz_draw_walk(v);
	viz_draw_frame(v);
	events(v);
	if (v->help)
		help(v);
	v->gen++;
}
