/*
 * emu/viz/sdl.c — the visualiser's window: SDL2 shows the framebuffer
 * render.c drew (copied into a streaming texture, scaled to the window)
 * and turns key presses into the controls of struct viz.  Only this file
 * includes SDL.
 */
#include "emu/viz/internal.h"

#include <SDL.h>

struct viz_sdl {
	SDL_Window *win;
	SDL_Renderer *ren;
	SDL_Texture *tex;
};

struct viz_sdl *viz_sdl_open(int w, int h, char *err, size_t errlen)
{
	/* mmulab's own SIGINT/SIGTERM handlers stay in charge. */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
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
	if (s->win)
		s->ren = SDL_CreateRenderer(s->win, -1, 0);
	if (s->ren)
		s->tex = SDL_CreateTexture(s->ren, SDL_PIXELFORMAT_ABGR8888,
					   SDL_TEXTUREACCESS_STREAMING, w, h);
	if (!s->tex) {
		snprintf(err, errlen, "%s", SDL_GetError());
		viz_sdl_close(s);
		return NULL;
	}
	return s;
}

void viz_sdl_present(struct viz_sdl *s, const struct fb *f)
{
	SDL_UpdateTexture(s->tex, NULL, f->px, f->w * 4);
	SDL_RenderClear(s->ren);
	SDL_RenderCopy(s->ren, s->tex, NULL, NULL);
	SDL_RenderPresent(s->ren);
}

int viz_sdl_poll(struct viz_sdl *s, struct viz *v)
{
	SDL_Event e;
	(void)s;
	while (SDL_PollEvent(&e)) {
		if (e.type == SDL_QUIT)
			return -1;
		if (e.type != SDL_KEYDOWN)
			continue;
		SDL_Keycode k = e.key.keysym.sym;
		if (k == SDLK_q || k == SDLK_ESCAPE)
			return -1;
		else if (k == SDLK_SPACE || k == SDLK_p)
			v->paused = !v->paused;
		else if (k == SDLK_s || k == SDLK_PERIOD) {
			v->paused = 1;
			v->step = 1;
		} else if (k == SDLK_h || k == SDLK_F1)
			v->help = !v->help;
		else if ((k == SDLK_MINUS || k == SDLK_KP_MINUS) && v->speed < 6)
			v->speed++;
		else if ((k == SDLK_PLUS || k == SDLK_EQUALS || k == SDLK_KP_PLUS) && v->speed > 0)
			v->speed--;
		else if (k == SDLK_c || k == SDLK_TAB)
			v->cpu = (v->cpu + 1) % v->m->ncpus;
		else if (k >= SDLK_0 && k <= SDLK_9 && k - SDLK_0 < v->m->ncpus)
			v->cpu = k - SDLK_0;
	}
	return 0;
}

/* Save what the window shows as a PNG (for the window test): the
 * renderer's pixels read back. */
int viz_sdl_screenshot(struct viz_sdl *s, const char *path, char *err, size_t errlen)
{
	int w, h;
	SDL_GetRendererOutputSize(s->ren, &w, &h);
	struct fb f;
	if (fb_init(&f, w, h) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int r = SDL_RenderReadPixels(s->ren, NULL, SDL_PIXELFORMAT_ABGR8888, f.px, w * 4);
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
	if (s->tex)
		SDL_DestroyTexture(s->tex);
	if (s->ren)
		SDL_DestroyRenderer(s->ren);
	if (s->win)
		SDL_DestroyWindow(s->win);
	free(s);
	SDL_Quit();
}
