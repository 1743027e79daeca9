/*
 * emu/viz/fb.c — the visualiser's drawing primitives on an in-memory RGBA
 * framebuffer: rectangles, outlines, lines and text in the font of
 * font.c.  Everything clips to the framebuffer, so panels may draw
 * carelessly near the edges.
 */
#include "emu/viz/viz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int fb_init(struct fb *f, int w, int h)
{
	f->w = w;
	f->h = h;
	f->px = calloc((size_t)w * (size_t)h, sizeof(*f->px));
	return f->px ? 0 : -1;
}

void fb_free(struct fb *f)
{
	free(f->px);
	f->px = NULL;
}

void fb_fill(struct fb *f, int x, int y, int w, int h, uint32_t c)
{
	int x1 = x + w, y1 = y + h;
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x1 > f->w)
		x1 = f->w;
	if (y1 > f->h)
		y1 = f->h;
	for (int j = y; j < y1; j++) {
		uint32_t *row = f->px + (size_t)j * (size_t)f->w;
		for (int i = x; i < x1; i++)
			row[i] = c;
	}
}

void fb_frame(struct fb *f, int x, int y, int w, int h, uint32_t c)
{
	fb_fill(f, x, y, w, 1, c);
	fb_fill(f, x, y + h - 1, w, 1, c);
	fb_fill(f, x, y, 1, h, c);
	fb_fill(f, x + w - 1, y, 1, h, c);
}

static void plot(struct fb *f, int x, int y, uint32_t c)
{
	if (x >= 0 && y >= 0 && x < f->w && y < f->h)
		f->px[(size_t)y * (size_t)f->w + (size_t)x] = c;
}

/* Bresenham's line, both ends included. */
void fb_line(struct fb *f, int x0, int y0, int x1, int y1, uint32_t c)
{
	int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
	int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
	int e = dx + dy;
	for (;;) {
		plot(f, x0, y0, c);
		if (x0 == x1 && y0 == y1)
			break;
		int e2 = 2 * e;
		if (e2 >= dy) {
			e += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			e += dx;
			y0 += sy;
		}
	}
}

int fb_text(struct fb *f, int x, int y, uint32_t c, const char *s)
{
	for (; *s; s++, x += FONT_W) {
		const uint8_t *g = font_glyph((unsigned char)*s);
		for (int r = 0; r < 7; r++)
			for (int b = 0; b < 5; b++)
				if (g[r] & (0x10 >> b))
					plot(f, x + b, y + r, c);
	}
	return x;
}

int fb_printf(struct fb *f, int x, int y, uint32_t c, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return fb_text(f, x, y, c, buf);
}
