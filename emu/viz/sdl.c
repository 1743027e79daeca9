/*
 * emu/viz/sdl.c — the visualiser's window: SDL2 shows the framebuffer
 * render.c drew by blitting it onto the window's own surface (plain
 * memory the X server or compositor takes as it is: no GL context, so no
 * software OpenGL rasteriser competes with the emulation for the CPU),
 * and turns key presses and pointer motion into the calls of control.c.
 * Only this file includes SDL.
 */
#include "emu/viz/internal.h"

#include <SDL.h>

struct viz_sdl {
	SDL_Window *win;
	SDL_Surface *src; /* wraps the framebuffer's pixels */
	const void *src_px;
};

struct viz_sdl *viz_sdl_open(int w, int h, char *err, size_t errlen)
{
	/* mmulab's own SIGINT/SIGTERM handlers stay in charge. */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	if (SDL_Init(SDL_INIT_VIDEO) != 0) {
		snprintf(err, errlen, "%s", SDL_GetError());
		return NULL;
	}
	struct viz_sdl *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		SDL_Quit();
		return NULL;
	}
	s->win = SDL_CreateWindow("mmulab", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
				  w, h, SDL_WINDOW_RESIZABLE);
	if (!s->win || !SDL_GetWindowSurface(s->win)) {
		snprintf(err, errlen, "%s", SDL_GetError());
		viz_sdl_close(s);
		return NULL;
	}
	return s;
}

void viz_sdl_present(struct viz_sdl *s, const struct fb *f, int all)
{
	if (!s->src || s->src_px != f->px) {
		SDL_FreeSurface(s->src);
		s->src = SDL_CreateRGBSurfaceWithFormatFrom(f->px, f->w, f->h, 32, f->w * 4,
							    SDL_PIXELFORMAT_ABGR8888);
		s->src_px = f->px;
		if (s->src)
			SDL_SetSurfaceBlendMode(s->src, SDL_BLENDMODE_NONE); /* opaque: a copy */
	}
	SDL_Surface *dst = SDL_GetWindowSurface(s->win);
	if (!s->src || !dst)
		return;
	if (dst->w != f->w || dst->h != f->h) {
		SDL_BlitScaled(s->src, NULL, dst, NULL);
		SDL_UpdateWindowSurface(s->win);
		return;
	}
	SDL_Rect r[2] = { { 0, 0, f->w, MEM_Y - 13 }, { 0, VIZ_KEEP_Y, f->w, f->h - VIZ_KEEP_Y } };
	if (all) {
		SDL_BlitSurface(s->src, NULL, dst, NULL);
		SDL_UpdateWindowSurface(s->win);
		return;
	}
	for (int i = 0; i < 2; i++) {
		SDL_Rect d = r[i];
		SDL_BlitSurface(s->src, &r[i], dst, &d);
	}
	SDL_UpdateWindowSurfaceRects(s->win, r, 2);
}

/* SDL key to control.c's key: ASCII, or VK_*; 0 for none. */
static int key_of(SDL_Keycode k)
{
	switch (k) {
	case SDLK_RETURN: case SDLK_KP_ENTER: return VK_ENTER;
	case SDLK_ESCAPE: return VK_ESCAPE;
	case SDLK_BACKSPACE: return VK_BACKSPACE;
	case SDLK_TAB: return VK_TAB;
	case SDLK_F1: return VK_F1;
	case SDLK_F12: return VK_F12;
	case SDLK_KP_MINUS: return '-';
	case SDLK_KP_PLUS: case SDLK_PLUS: return '+';
	default: return k > 0 && k < 128 ? (int)k : 0;
	}
}

/* Window pixel to framebuffer pixel (the window may be resized). */
static void to_fb(struct viz_sdl *s, const struct viz *v, int *x, int *y)
{
	int w, h;
	SDL_GetWindowSize(s->win, &w, &h);
	if (w > 0 && h > 0) {
		*x = *x * v->fb.w / w;
		*y = *y * v->fb.h / h;
	}
}

int viz_sdl_poll(struct viz_sdl *s, struct viz *v)
{
	SDL_Event e;
	while (SDL_PollEvent(&e)) {
		int x, y;
		switch (e.type) {
		case SDL_QUIT:
			return -1;
		case SDL_KEYDOWN: {
			int k = key_of(e.key.keysym.sym), r = k ? viz_key(v, k) : VIZ_KEY_OK;
			if (r == VIZ_KEY_CLOSE)
				return -1;
			if (r == VIZ_KEY_BREAK)
				return 0; /* the rest waits for the next frame */
			break;
		}
		case SDL_MOUSEMOTION:
		case SDL_MOUSEBUTTONDOWN:
			x = e.type == SDL_MOUSEMOTION ? e.motion.x : e.button.x;
			y = e.type == SDL_MOUSEMOTION ? e.motion.y : e.button.y;
			to_fb(s, v, &x, &y);
			viz_pointer(v, x, y, e.type == SDL_MOUSEBUTTONDOWN);
			break;
		case SDL_WINDOWEVENT:
			if (e.window.event == SDL_WINDOWEVENT_LEAVE)
				v->hover_pfn = ~0ull;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Save what the window shows as a PNG (F12, and the window test): the
 * window surface's pixels, converted back to R, G, B, A bytes. */
int viz_sdl_screenshot(struct viz_sdl *s, const char *path, char *err, size_t errlen)
{
	SDL_Surface *dst = SDL_GetWindowSurface(s->win);
	struct fb f;
	if (!dst) {
		snprintf(err, errlen, "%s", SDL_GetError());
		return -1;
	}
	if (fb_init(&f, dst->w, dst->h) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int r = SDL_ConvertPixels(dst->w, dst->h, dst->format->format, dst->pixels, dst->pitch,
				  SDL_PIXELFORMAT_ABGR8888, f.px, f.w * 4);
	if (r != 0)
		snprintf(err, errlen, "%s", SDL_GetError());
	else
		r = png_write_fb(&f, path, err, errlen);
	fb_free(&f);
	return r;
}

void viz_sdl_close(struct viz_sdl *s)
{
	if (!s)
		return;
	SDL_FreeSurface(s->src);
	if (s->win)
		SDL_DestroyWindow(s->win);
	free(s);
	SDL_Quit();
}
