/*
 * emu/viz/colour.c — the visualiser's colours that depend on a number: a
 * hue per process id and per PCID (spread by the golden ratio so that
 * neighbours differ), and the guest-view colour of a frame's kind.
 */
#include "emu/viz/internal.h"

/* HSV with full value to RGB; h in [0, 1). */
static uint32_t hsv(float h, float s, float val)
{
	float r = 0, g = 0, b = 0, f = h * 6.0f;
	int i = (int)f % 6;
	f -= (float)(int)(h * 6.0f);
	float p = val * (1 - s), q = val * (1 - s * f), t = val * (1 - s * (1 - f));
	switch (i) {
	case 0: r = val; g = t; b = p; break;
	case 1: r = q; g = val; b = p; break;
	case 2: r = p; g = val; b = t; break;
	case 3: r = p; g = q; b = val; break;
	case 4: r = t; g = p; b = val; break;
	default: r = val; g = p; b = q; break;
	}
	return VIZ_RGB((int)(r * 255), (int)(g * 255), (int)(b * 255));
}

uint32_t viz_hue(uint32_t n, int light)
{
	float h = (float)n * 0.618034f;
	h -= (float)(int)h;
	return light ? hsv(h, 0.35f, 1.0f) : hsv(h, 0.85f, 0.95f);
}

uint32_t viz_kind_colour(int kind, uint32_t pid)
{
	switch (kind) {
	case OWN_FREE: return COL_FREE;
	case OWN_KERNEL: return COL_KERNEL;
	case OWN_SLAB: return COL_SLAB;
	case OWN_PGTABLE: return COL_PGTABLE;
	case OWN_ANON: return viz_hue(pid + 1, 0);
	case OWN_FILE: return viz_hue(pid + 1, 1);
	case OWN_ZERO: return COL_ZERO;
	default: return COL_RESERVED;
	}
}
