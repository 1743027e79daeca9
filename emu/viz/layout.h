/*
 * emu/viz/layout.h — where the visualiser draws what, and in which colours.
 * The renderer and the tests that read its PNGs back (tests/integration/
 * vizcheck.c) share this header, so a test can find the cell of frame N or
 * of TLB entry (set, way) and know the colour it must have.  Pure
 * geometry: no state, no library.
 *
 * The picture is VIZ_W x VIZ_H pixels, RGBA, one uint32_t per pixel stored
 * as bytes R, G, B, A in memory (0xAABBGGRR read as a little-endian word).
 *
 *   y 0..14     title line
 *   y 16..296   physical memory: the guest's view (ownership channel) at
 *               MEM_X0, what the MMU sees (page tables of the current and
 *               recently loaded CR3s) at MEM_X1; legend and counters at
 *               LEGEND_X
 *   y 304..560  TLB of the chosen vCPU: every array as sets x ways
 *   y 568..800  page walk (left, with the frame inspector from FRAME_Y)
 *               and events (right)
 */
#ifndef MMULAB_EMU_VIZ_LAYOUT_H
#define MMULAB_EMU_VIZ_LAYOUT_H

#include <stdint.h>

#define VIZ_W 1280
#define VIZ_H 800

#define VIZ_RGB(r, g, b) ((uint32_t)(r) | (uint32_t)(g) << 8 | (uint32_t)(b) << 16 | 0xff000000u)

/* Font: 5x7 glyphs in 6x8 cells; a text line is 10 pixels. */
#define FONT_W 6
#define FONT_H 8
#define LINE_H 10

/* ---- physical memory maps ---- */
#define MEM_Y 28
#define MEM_X0 8
#define MEM_X1 536
#define MEM_COLS 256  /* cells per row */
#define MEM_MAXW 512  /* a map is at most 512 x 256 pixels */
#define MEM_MAXH 256
#define LEGEND_X 1060

/* Cell size in pixels and frames per cell for a RAM of `nframes` frames. */
static inline void layout_mem_scale(uint64_t nframes, int *cs, uint64_t *fpc)
{
	uint64_t f = 1;
	while ((nframes + f * MEM_COLS - 1) / (f * MEM_COLS) > MEM_MAXH)
		f *= 2;
	uint64_t rows = (nframes + f * MEM_COLS - 1) / (f * MEM_COLS);
	int s = rows <= MEM_MAXH / 2 ? 2 : 1;
	*cs = s;
	*fpc = f;
}

/* Top-left pixel of frame `pfn`'s cell in map `map` (0 guest, 1 MMU). */
static inline void layout_mem_cell(uint64_t nframes, int map, uint64_t pfn,
				   int *x, int *y, int *cs)
{
	uint64_t fpc;
	layout_mem_scale(nframes, cs, &fpc);
	uint64_t c = pfn / fpc;
	*x = (map ? MEM_X1 : MEM_X0) + (int)(c % MEM_COLS) * *cs;
	*y = MEM_Y + (int)(c / MEM_COLS) * *cs;
}

/* Guest view colours, by enum ownership_kind; anon and file take a hue
 * per pid (viz_pid_colour). */
#define COL_FREE VIZ_RGB(0x30, 0x30, 0x38)
#define COL_KERNEL VIZ_RGB(0x30, 0x60, 0xd0)
#define COL_SLAB VIZ_RGB(0x30, 0xb0, 0xc0)
#define COL_PGTABLE VIZ_RGB(0xff, 0x90, 0x20)
#define COL_ZERO VIZ_RGB(0xe0, 0xe0, 0xe0)
#define COL_RESERVED VIZ_RGB(0x10, 0x10, 0x10)
/* MMU view colours: bright as the shown vCPU's current CR3 has the frame
 * (page-table pages use COL_PGTABLE in both maps), dim as only other
 * recently loaded CR3s have it. */
#define COL_UNMAPPED VIZ_RGB(0x28, 0x28, 0x28)
#define COL_MAP_USER VIZ_RGB(0x40, 0xc0, 0x40)
#define COL_MAP_SUPER VIZ_RGB(0x50, 0x80, 0xff)
#define COL_MAP_USER_RECENT VIZ_RGB(0x20, 0x60, 0x20)
#define COL_MAP_SUPER_RECENT VIZ_RGB(0x28, 0x40, 0x80)
#define COL_PGTABLE_RECENT VIZ_RGB(0x80, 0x48, 0x10)
/* Overlays drawn over the MMU's map instead (overlay=heat|ad, key o). */
#define COL_COLD COL_UNMAPPED /* heat 0 */
#define COL_AD_NONE VIZ_RGB(0x38, 0x48, 0x70) /* mapped, A and D clear */
#define COL_AD_A VIZ_RGB(0x40, 0xd0, 0x90)    /* A set, D clear */
#define COL_AD_D VIZ_RGB(0xff, 0x50, 0x50)    /* D set */
#define COL_SELECTED VIZ_RGB(0xff, 0xff, 0xff) /* rim of the inspected frame */

/* Heat 1..255 as a ramp from dark red through red and orange to yellow. */
static inline uint32_t layout_heat_colour(unsigned h)
{
	if (!h)
		return COL_COLD;
	if (h > 255)
		h = 255;
	unsigned r = 0x60 + h * 0x9f / 255, g = h < 96 ? 0x10 : 0x10 + (h - 96) * 0xd0 / 159;
	return VIZ_RGB(r, g, 0x10);
}

/* ---- TLB panel ---- */
#define TLB_Y 304
#define TLB_X 8
#define TLB_XMAX 1020 /* arrays flow left to right up to here */
#define TLB_CELL 5    /* 4x4 pixels and a 1-pixel gap */
#define TLB_WRAP 128  /* sets per row of cells before the array wraps */
#define COL_TLB_EMPTY VIZ_RGB(0x20, 0x20, 0x20)
#define COL_FLASH_FILL VIZ_RGB(0x00, 0xff, 0x00)
#define COL_FLASH_EVICT VIZ_RGB(0xff, 0x20, 0x20)
#define COL_FLASH_INVAL VIZ_RGB(0xff, 0xff, 0x00)
#define COL_GLOBAL VIZ_RGB(0xff, 0xff, 0xff)
#define GRAPH_X 1040
#define GRAPH_Y 320
#define GRAPH_W 232
#define GRAPH_H 80

/* Block of an array with `sets` x `ways` cells: width and height. */
static inline void layout_tlb_block(int sets, int ways, int *w, int *h)
{
	int across = sets < TLB_WRAP ? sets : TLB_WRAP;
	int bands = (sets + TLB_WRAP - 1) / TLB_WRAP;
	*w = across * TLB_CELL;
	*h = bands * ways * TLB_CELL + (bands - 1) * 2;
}

/* Place n arrays (sets[i], ways[i]; ways 0 = absent) left to right from
 * (TLB_X, TLB_Y + LINE_H + 2), wrapping at TLB_XMAX; each block has its
 * label line above it.  Fills x[i], y[i] (the first cell's top-left). */
static inline void layout_tlb(int n, const int *sets, const int *ways, int *x,
			      int *y)
{
	int cx = TLB_X, cy = TLB_Y + LINE_H + 2, rowh = 0;
	for (int i = 0; i < n; i++) {
		int w, h;
		if (!ways[i]) {
			x[i] = y[i] = -1;
			continue;
		}
		layout_tlb_block(sets[i], ways[i], &w, &h);
		if (w < 14 * FONT_W)
			w = 14 * FONT_W;
		if (cx + w > TLB_XMAX && cx > TLB_X) {
			cx = TLB_X;
			cy += rowh + 6;
			rowh = 0;
		}
		x[i] = cx;
		y[i] = cy + LINE_H;
		if (h + LINE_H > rowh)
			rowh = h + LINE_H;
		cx += w + 12;
	}
}

/* Top-left pixel of entry (set, way) of an array placed at (x0, y0). */
static inline void layout_tlb_cell(int x0, int y0, int ways, int set, int way,
				   int *x, int *y)
{
	int band = set / TLB_WRAP;
	*x = x0 + (set % TLB_WRAP) * TLB_CELL;
	*y = y0 + (band * ways + way) * TLB_CELL + band * 2;
}

/* IPIs between vCPUs (bottom right of the TLB panel): a box per vCPU
 * at IPI_BOX_Y, an arc from sender to receiver above the boxes. */
#define IPI_X GRAPH_X
#define IPI_Y 506
#define IPI_BOX_Y 546
#define IPI_BOX_H 10
#define COL_IPI_FIXED VIZ_RGB(0x40, 0xe0, 0xff)
#define COL_IPI_NMI VIZ_RGB(0xff, 0x40, 0x40)
#define COL_IPI_INIT VIZ_RGB(0xff, 0xff, 0xff)
#define COL_SHOOTDOWN COL_FLASH_INVAL /* reported by the guest */
#define COL_SHOOTDOWN_LIKELY VIZ_RGB(0xc0, 0x80, 0x00) /* the heuristic's */

/* Box of vCPU `i` of `n`: left edge and width. */
static inline void layout_ipi_box(int i, int n, int *x, int *w)
{
	int step = GRAPH_W / (n > 0 ? n : 1);
	if (step > 29)
		step = 29;
	*w = step > 3 ? step - 3 : 1;
	*x = IPI_X + i * step;
}

/* ---- page walk and events ---- */
#define WALK_X 8
#define WALK_Y 568
#define EVENTS_X 648
#define EVENTS_Y 568
/* Line i of the walk panel starts at (WALK_X, WALK_Y + LINE_H + 2 + i * LINE_H);
 * line 0 names the address, line 1 its index fields, lines 2.. the
 * entries "NAME  @PPPPPPPPPPPP = VVVVVVVVVVVVVVVV  bits". */
#define WALK_LINE_Y(i) (WALK_Y + LINE_H + 2 + (i) * LINE_H)
/* After the entries, line 2 + n says where the walk ended: "-> PA
 * PPPPPPPPPPPP, SIZE page, RIGHTS" or the fault.  The frame inspector
 * below: a title line at FRAME_Y, then line 0 "frame 0xPFN: ..." with
 * the guest's and the MMU's view, and one line per mapping
 * "va VVVVVVVVVVVVVVVV SIZE RIGHTS A D  CR3 CCCCCCCCC pcid N ...". */
/* The events panel: once the guest has reported counters (ownership event
 * 83H), its lines 0.. are "guest: NAME VALUE  NAME VALUE ..." (COL_TEXT,
 * at most COUNTERS_COLS characters each, counters in id order), and the
 * event lines "SSS.ssssss TEXT" follow them; before, the events begin at
 * line 0. */
#define COUNTERS_LINE_Y(i) (EVENTS_Y + LINE_H + 2 + (i) * LINE_H)
#define COUNTERS_COLS ((VIZ_W - EVENTS_X - 4) / FONT_W)
#define FRAME_X WALK_X
#define FRAME_Y 676
#define FRAME_LINE_Y(i) (FRAME_Y + LINE_H + 2 + (i) * LINE_H)
#define FRAME_LINES 11
/* The help box's top-left corner is (HELP_X, HELP_Y); its first line,
 * "keys", at (HELP_X + 10, HELP_Y + 8). */
#define HELP_X 340
#define HELP_Y 300
#define COL_TEXT VIZ_RGB(0xd0, 0xd0, 0xd0)
#define COL_TITLE VIZ_RGB(0xff, 0xd0, 0x60)
#define COL_BG VIZ_RGB(0x08, 0x08, 0x10)
#define COL_AD_SET VIZ_RGB(0xff, 0x40, 0xff)
#define COL_FAULT VIZ_RGB(0xff, 0x40, 0x40)

#endif
