/*
 * emu/viz/viz.h — the face of emu/viz/, the visualiser.  It only reads:
 * MMU observer events (attached through emu/obsfan.c beside -d mmu), the
 * always-on counters (struct mmu_stats, struct tlb), the machine's state
 * and the ownership channel, and page tables through read-only physical
 * reads.  It draws into an in-memory RGBA framebuffer (fb.c, font.c,
 * render.c and the panel files), which png.c writes as PNG files and
 * sdl.c shows in a window.  Nothing in cpu/ or mmu/ knows it exists.
 */
#ifndef MMULAB_EMU_VIZ_VIZ_H
#define MMULAB_EMU_VIZ_VIZ_H

#include <stddef.h>
#include <stdint.h>

#include "emu/viz/layout.h"

struct machine;

/* ---- fb.c, font.c: drawing into an RGBA framebuffer ---- */

struct fb {
	int w, h;
	uint32_t *px; /* w * h pixels, layout.h's byte order */
};

/* Allocate a w x h framebuffer.  Returns 0, or -1 when out of memory. */
int fb_init(struct fb *f, int w, int h);
void fb_free(struct fb *f);
void fb_fill(struct fb *f, int x, int y, int w, int h, uint32_t c);
void fb_frame(struct fb *f, int x, int y, int w, int h, uint32_t c);
void fb_line(struct fb *f, int x0, int y0, int x1, int y1, uint32_t c);
/* Draw `s` with its top-left at (x, y); returns the x after the text. */
int fb_text(struct fb *f, int x, int y, uint32_t c, const char *s);
int fb_printf(struct fb *f, int x, int y, uint32_t c, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Seven rows of glyph `ch` (bit 4 leftmost); '?' for unprintable. */
const uint8_t *font_glyph(int ch);

/* ---- png.c ---- */

/* Write `f` as an RGBA PNG to `path`.  Returns 0, or -1 with a reason. */
int png_write_fb(const struct fb *f, const char *path, char *err, size_t errlen);

/* ---- viz.c: the visualiser attached to a machine ---- */

/* Attach the visualiser `spec` (-display) asks for to `m`: observers on
 * every vCPU, hooks in the run loop.  "none" attaches nothing.  A window
 * that cannot open falls back to headless with one line on stderr.
 * Returns 0, or -1 with a reason in `err` (an unwritable PNG directory).
 * machine_free() does not free it: call viz_detach() after the run. */
int viz_attach(struct machine *m, const char *spec, char *err, size_t errlen);
void viz_detach(struct machine *m);

#endif
