/*
 * emu/viz/png.c — the framebuffer as a PNG file, through libpng (the
 * reference PNG library, kept by the PNG group and in every distribution).
 * The framebuffer's bytes are already R, G, B, A in order, so rows go to
 * libpng as they are.
 */
#include "emu/viz/internal.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <string.h>

int png_write_fb(const struct fb *f, const char *path, char *err, size_t errlen)
{
	FILE *out = fopen(path, "wb");
	if (!out) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = p ? png_create_info_struct(p) : NULL;
	if (!info || setjmp(png_jmpbuf(p))) {
		png_destroy_write_struct(&p, info ? &info : NULL);
		fclose(out);
		snprintf(err, errlen, "cannot write '%s': libpng failed", path);
		return -1;
	}
	png_init_io(p, out);
	png_set_compression_level(p, 3);
	png_set_IHDR(p, info, (png_uint_32)f->w, (png_uint_32)f->h, 8,
		     PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(p, info);
	for (int y = 0; y < f->h; y++)
		png_write_row(p, (png_const_bytep)(f->px + (size_t)y * (size_t)f->w));
	png_write_end(p, NULL);
	png_destroy_write_struct(&p, &info);
	if (fclose(out) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int viz_png_snapshot(struct viz *v, const char *name)
{
	char path[1200], err[EMU_ERR];
	snprintf(path, sizeof(path), "%s/%s", v->d.dir, name);
	if (png_write_fb(&v->fb, path, err, sizeof(err)) != 0) {
		report_msg(v->m, "-display png: %s", err);
		return -1;
	}
	return 0;
}
