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
#define VIZ_SPACES 16   /* address spaces remembered for reverse lookups */
#define VIZ_MAPPINGS 64 /* mappings of the inspected frame kept */
#define VIZ_IPIS 32     /* interrupt messages remembered for the strip */
#define ENTRY_MAX 18    /* characters of a typed address */
#define LEVEL_FRAMES 20 /* frames per walk level in slow motion (1/3 s) */

enum { FLASH_NONE, FLASH_FILL, FLASH_EVICT, FLASH_INVAL };

/* Paging modes (SDM vol. 3 §4.1.1), as pgtree.c walks them. */
enum { PGM_OFF, PGM_32, PGM_PAE, PGM_4, PGM_5 };

/* An address space to read: the root and the controls that shape it. */
struct viz_space {
	uint64_t cr3;      /* without bit 63 */
	int mode;          /* PGM_* */
	int pse, nxe;      /* CR4.PSE (32-bit paging), EFER.NXE */
	int pdpte_loaded;  /* PAE: pdpte[] are the CPU's registers */
	uint16_t pcid;     /* CR3[11:0] with CR4.PCIDE=1, else 0 */
	uint64_t pdpte[4];
};

/* One page an address space maps (pgtree.c). */
struct viz_leaf {
	uint64_t va, pa, size;     /* linear and physical base, bytes */
	uint64_t entry, entry_pa;  /* the leaf entry and where it is */
	int level;                 /* 1 PTE, 2 PDE, 3 PDPTE */
	int user, write, nx;       /* rights combined over the levels */
};
/* Called per leaf; a non-zero return ends the walk. */
typedef int (*viz_leaf_fn)(void *opaque, const struct viz_leaf *l);

/* One page walk: as walk_step events told it (the MMU's own walk), or
 * as pgtree.c read it (soft: asked for by the user, read-only). */
struct viz_walk {
	uint64_t la, cr3;
	int n; /* steps */
	struct {
		int level;
		uint64_t pa, val, set; /* entry address, value, A/D set now */
	} s[6];
	int faulted;
	uint32_t error;
	/* soft walks only: */
	int soft, mode, done, not_present; /* done: reached a page */
	uint64_t pa, size;                 /* the physical address, page size */
	int user, write, nx;               /* combined rights */
};

/* One mapping of the inspected frame (frameview.c). */
struct viz_mapping {
	struct viz_space space;
	uint64_t va, size, pa, entry, entry_pa;
	int level, user, write, nx;
	int spaces; /* address spaces that share this very entry */
};

/* An interrupt message one APIC accepted from another (ipiview.c). */
struct viz_ipi {
	uint64_t tick;
	uint32_t gen;      /* frame it arrived in */
	int from, to, mode;
	uint8_t vector;
	int likely;        /* the receiver's handler invalidated TLB entries */
};

/* A TLB shootdown the guest reported (ownership event 82H). */
struct viz_shootdown {
	uint32_t gen;      /* frame it was reported in */
	int from;
	uint64_t cpumask;
};

struct viz;

/* What the visualiser remembers of one vCPU's events. */
struct viz_cpu {
	struct viz *v;
	int id;
	struct viz_walk walk; /* the last walk (or the one in progress) */
	uint64_t walks, faults; /* walks started, faults seen (for n, f keys) */
	uint32_t *flash[TLB_NARRAYS]; /* per entry: generation << 2 | FLASH_* */
	uint64_t *lru[TLB_NARRAYS];   /* LRU stamps at the last heat sample */
	uint64_t prev_hits, prev_misses;
	float rate[GRAPH_N];    /* hit rate per sample, -1: none */
	float mps[GRAPH_N];     /* misses per frame */
	int nsamples;
	int cr3_reload;         /* its last CR3 write loaded the value CR3 had */
};

struct viz_event {
	uint64_t tick;
	uint32_t colour;
	int cause, cpu, count; /* for merging repeated invalidations */
	char text[112];
};

struct viz_sdl;

enum { UNTIL_NONE, UNTIL_WALK, UNTIL_FAULT };

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
	uint64_t sampled_icount; /* instructions at the last viz_sample */
	int mem_drawn;  /* render.c: the memory panel was redrawn this frame */
	uint64_t mem_key; /* what it showed (inspected frame, overlay, vCPU) */
	int mem_help;
	/* memview.c: per frame, enum mmu_view | MV_A | MV_D | MV_LEAF | the
	 * shown vCPU's current CR3's view << MV_CUR_SHIFT */
	uint8_t *mmu_map;
	uint16_t *mmu_seen; /* per frame: tables walked, bit per (level, user) */
	int mmu_spaces;   /* address spaces the map was made from */
	int mmu_view_cpu; /* the vCPU mmu_map was made for, */
	uint32_t mmu_view_gen; /* in which frame, */
	uint64_t mmu_view_icount; /* after how many instructions */
	int overlay;      /* OVERLAY_* */
	uint8_t *heat;    /* per frame, halved every HEAT_HALF_MS */
	uint64_t heat_tick; /* virtual time of the last halving */
	/* frameview.c: the frame inspector */
	struct { uint64_t cr3; int cpu; } spaces[VIZ_SPACES]; /* recent CR3s */
	int nspaces;
	uint64_t sel_pfn, hover_pfn; /* clicked (or frame=), under the pointer; ~0: none */
	struct viz_mapping maps[VIZ_MAPPINGS];
	int nmaps, nmaps_total;
	uint64_t maps_pfn;   /* the frame maps[] is for */
	uint32_t maps_gen;   /* the frame it was made in */
	/* walkview.c: the walk asked for, typed address, slow motion */
	int req;             /* a walk was asked for: show req_la in... */
	int req_fixed;       /* ...req_space (a clicked mapping's), else in
			      * the shown vCPU's current address space */
	struct viz_space req_space;
	uint64_t req_la;
	int entry;           /* typing an address */
	char entry_text[ENTRY_MAX + 1];
	int slowmo;          /* walks appear one level at a time */
	uint64_t anim_walk;  /* walk (cpu's walks count) being animated */
	uint32_t anim_gen;   /* frame its animation began */
	/* ipiview.c */
	struct viz_ipi ipis[VIZ_IPIS];
	uint64_t nipis, likely;
	struct viz_shootdown sds[VIZ_IPIS]; /* reported shootdowns */
	uint64_t nsds;
	/* guest reports (ownership channel events) */
	uint64_t exits, exits_signal, oom_kills;
	uint64_t counter[OWN_NR_COUNTERS]; /* the latest value of each counter (83H), */
	uint32_t counters_seen;            /* bit N: counter N was reported */
	/* png: */
	uint64_t next_tick, period_ticks;
	/* sdl: */
	struct viz_sdl *win;
	int paused, step, help, speed, until;
	uint64_t until_base;
	int shot;            /* save a screenshot after this frame */
	int shots;           /* screenshots saved */
	int ended;           /* the run is over (hold) */
	struct timespec last_frame;
};

/* What the MMU's map knows of a frame: what it is to the address spaces
 * read (the most telling kind: a paging structure, else mapped for user,
 * else for supervisor only), and separately what it is to the shown
 * vCPU's current CR3 alone. */
enum mmu_view { MV_NONE, MV_SUPER, MV_USER, MV_PGTABLE };
#define MV_KIND 3
#define MV_A 4  /* a leaf mapping the frame has A set */
#define MV_D 8  /* ... has D set */
#define MV_LEAF 16 /* a leaf entry maps the frame */
#define MV_CUR_SHIFT 5 /* bits 6:5: the kind in the current CR3 alone */
#define MV_CUR(b) (((b) >> MV_CUR_SHIFT) & MV_KIND)
#define HEAT_HALF_MS 10 /* heat halves every 10 ms of virtual time */

/* state.c: the observer and the event log. */
extern const struct mmu_observer viz_observer;
void viz_log(struct viz *v, int cpu, uint32_t colour, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Sample counters (hit rate) and TLB use (heat) once per rendered frame. */
void viz_sample(struct viz *v);
/* An event the guest reported through the ownership channel (its
 * watcher, devices/ownership.h): exits and OOM kills into the log,
 * shootdowns to ipiview.c. */
void viz_on_guest_event(void *opaque, const struct ownership_event *e);
/* Halve the heat for the virtual time that passed. */
void viz_heat_decay(struct viz *v);

/* pgtree.c: read-only page-table walks. */
void viz_space_of(const struct mmu *u, struct viz_space *s);
int viz_space_top(const struct viz_space *s);
/* Heard of each paging structure (at `level`, reached with U=1 at every
 * level above when `user`) before its entries; a non-zero return skips
 * it: its entries are not read. */
typedef int (*viz_table_fn)(void *opaque, uint64_t pa, int level, int user);
/* Every present leaf of space `s`, at most `budget` entries looked at;
 * `table` (may be NULL) hears each paging structure.  Returns the
 * entries looked at. */
long viz_tree_walk(struct bus *b, const struct viz_space *s, long budget,
		   viz_leaf_fn leaf, viz_table_fn table, void *opaque);
/* The walk of `la` in `s`, read-only.  Returns 0 when it reaches a page,
 * -1 when an entry is not present (w->not_present: its level) or paging
 * is off. */
int viz_soft_walk(struct bus *b, const struct viz_space *s, uint64_t la,
		  struct viz_walk *w);

/* colour.c */
uint32_t viz_hue(uint32_t n, int light);
uint32_t viz_kind_colour(int kind, uint32_t pid);

/* memview.c: both frame maps and the legend. */
void viz_draw_memory(struct viz *v);
/* The frame under pixel (x, y) of either map, or ~0. */
uint64_t viz_frame_at(const struct viz *v, int x, int y);
/* frameview.c: the frame inspector, recent address spaces. */
void viz_note_cr3(struct viz *v, int cpu, uint64_t cr3);
/* The address spaces the visualiser knows, each CR3 value once, into
 * sp[] (room for MACHINE_MAX_CPUS + VIZ_SPACES): the current CR3 of
 * every vCPU from vCPU `first` on, then the CR3 values written lately,
 * most recent first; those whose root frame the guest has since reported
 * free or reused for data are left out.  Returns how many. */
int viz_known_spaces(const struct viz *v, int first, struct viz_space *sp);
/* The frame inspected: the one under the pointer, else the one clicked. */
uint64_t viz_inspected(const struct viz *v);
void viz_draw_frame(struct viz *v);
/* Ask for the walk of the first mapping of frame `pfn` (a click). */
void viz_walk_frame(struct viz *v, uint64_t pfn);
/* tlbview.c: the TLB arrays and the hit-rate graph. */
void viz_draw_tlb(struct viz *v);
/* ipiview.c: interrupt messages between vCPUs, shootdowns. */
void viz_on_ipi(void *opaque, int from, int to, int mode, uint8_t vector);
/* vCPU `cpu` dropped TLB entry `e` (cause: enum tlb_cause). */
void viz_ipi_inval(struct viz *v, int cpu, int cause, const struct tlb_entry *e);
/* The guest reported a shootdown (event 82H). */
void viz_shootdown_reported(struct viz *v, const struct ownership_event *e);
void viz_draw_ipis(struct viz *v);
/* walkview.c: the page-walk panel. */
void viz_draw_walk(struct viz *v);
/* Ask for the walk of `la` in the shown vCPU's current address space. */
void viz_request_walk(struct viz *v, uint64_t la);
/* Steps of walk `w` to draw now (slow motion shows them one by one). */
int viz_walk_steps_shown(struct viz *v, const struct viz_walk *w);
/* render.c: title, events, help; the whole picture. */
void viz_render(struct viz *v);

/* control.c: what keys and the mouse do, whatever the window library. */
enum { VK_ENTER = 256, VK_ESCAPE, VK_BACKSPACE, VK_TAB, VK_F1, VK_F12 };
/* A key: returns VIZ_KEY_* */
enum { VIZ_KEY_OK, VIZ_KEY_CLOSE, VIZ_KEY_BREAK };
int viz_key(struct viz *v, int key);
/* The pointer at framebuffer pixel (x, y); `click`: button pressed. */
void viz_pointer(struct viz *v, int x, int y, int click);

/* png.c: write the picture as DIR/NAME. */
int viz_png_snapshot(struct viz *v, const char *name);

/* The rows below the memory panel: redrawn every frame.  Above them only
 * the title line is, when the memory panel is not due (render.c). */
#define VIZ_KEEP_Y (TLB_Y - 6)

/* sdl.c */
struct viz_sdl *viz_sdl_open(int w, int h, char *err, size_t errlen);
/* Show the framebuffer; `all` 0: only the rows render.c redrew without
 * the memory panel (the title, and from VIZ_KEEP_Y down). */
void viz_sdl_present(struct viz_sdl *s, const struct fb *f, int all);
/* Handle pending input: returns 0, or -1 when the window was closed. */
int viz_sdl_poll(struct viz_sdl *s, struct viz *v);
void viz_sdl_close(struct viz_sdl *s);
/* Save what the window shows as a PNG.  Returns 0, or -1 with a reason. */
int viz_sdl_screenshot(struct viz_sdl *s, const char *path, char *err, size_t errlen);

#endif
