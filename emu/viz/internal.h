/*
 * emu/viz/internal.h — what the files of emu/viz/ share: the visualiser's
 * state (struct viz), the per-vCPU record of observer events it keeps,
 * and the panel drawers render.c calls.  Not part of the face (viz.h).
 */
#ifndef MMULAB_EMU_VIZ_INTERNAL_H
#define MMULAB_EMU_VIZ_INTERNAL_H

#include <time.h>

#include "emu/emu.h"
#include "emu/viz/viz.h"

#define VIZ_EVENTS 64   /* lines of the event log kept */
#define GRAPH_N GRAPH_W /* samples of the hit-rate graph */

enum { FLASH_NONE, FLASH_FILL, FLASH_EVICT, FLASH_INVAL };

/* One page walk as walk_step events told it. */
struct viz_walk {
	uint64_t la;
	int n; /* steps */
	struct {
		int level;
		uint64_t pa, val, set; /* entry address, value, A/D set now */
	} s[6];
	int faulted;
	uint32_t error;
};

struct viz;

/* What the visualiser remembers of one vCPU's events. */
struct viz_cpu {
	struct viz *v;
	int id;
	struct viz_walk walk; /* the last walk (or the one in progress) */
	uint32_t *flash[TLB_NARRAYS]; /* per entry: generation << 2 | FLASH_* */
	uint64_t prev_hits, prev_misses, prev_ipis;
	float rate[GRAPH_N];    /* hit rate per sample, -1: none */
	float mps[GRAPH_N];     /* misses per virtual second */
	int nsamples;
};

struct viz_event {
	uint64_t tick;
	uint32_t colour;
	int cause, cpu, count; /* for merging repeated invalidations */
	char text[112];
};

struct viz_sdl;

struct viz {
	struct machine *m;
	struct display_spec d;
	struct fb fb;
	struct viz_cpu *cpus;
	int cpu;        /* the vCPU shown */
	uint32_t gen;   /* frames rendered */
	uint32_t flash_gens; /* how many frames a flash lasts */
	struct viz_event ev[VIZ_EVENTS];
	int nev;        /* events logged in all */
	uint8_t *mmu_map; /* per frame: enum mmu_view */
	int mmu_view_cpu; /* the vCPU mmu_map was made for */
	/* png: */
	uint64_t next_tick, period_ticks;
	/* sdl: */
	struct viz_sdl *win;
	int paused, step, help, speed;
	uint64_t last_icount;
	struct timespec last_frame;
};

enum mmu_view { MV_NONE, MV_SUPER, MV_USER, MV_PGTABLE };

/* state.c: the observer and the event log. */
extern const struct mmu_observer viz_observer;
void viz_log(struct viz *v, int cpu, uint32_t colour, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Sample counters (hit rate, IPIs) once per rendered frame. */
void viz_sample(struct viz *v);

/* colour.c */
uint32_t viz_hue(uint32_t n, int light);
uint32_t viz_kind_colour(int kind, uint32_t pid);

/* memview.c: both frame maps and the legend. */
void viz_draw_memory(struct viz *v);
/* tlbview.c: the TLB arrays and the hit-rate graph. */
void viz_draw_tlb(struct viz *v);
/* walkview.c: the page-walk panel. */
void viz_draw_walk(struct viz *v);
/* render.c: title, events, help; the whole picture. */
void viz_render(struct viz *v);

/* png.c: write the picture as DIR/NAME. */
int viz_png_snapshot(struct viz *v, const char *name);

/* sdl.c */
struct viz_sdl *viz_sdl_open(int w, int h, char *err, size_t errlen);
/* Show the framebuffer. */
void viz_sdl_present(struct viz_sdl *s, const struct fb *f);
/* Handle pending input: returns 0, or -1 when the window was closed. */
int viz_sdl_poll(struct viz_sdl *s, struct viz *v);
void viz_sdl_close(struct viz_sdl *s);
/* Save what the window shows as a PNG.  Returns 0, or -1 with a reason. */
int viz_sdl_screenshot(struct viz_sdl *s, const char *path, char *err, size_t errlen);

#endif
