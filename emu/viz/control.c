/*
 * emu/viz/control.c — what the window's keys and pointer do, whatever
 * library delivers them (sdl.c turns SDL events into these calls).  The
 * keys are listed in the help overlay (render.c) and emu/viz/README.md.
 * Typing an address (w) is a small mode of its own: hex digits, an
 * optional 0x, Backspace, Enter to walk the address in the shown vCPU's
 * current address space, Esc to give up.
 */
#include "emu/viz/internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int entry_key(struct viz *v, int k)
{
	size_t n = strlen(v->entry_text);
	if (k == VK_ENTER) {
		char *end;
		uint64_t la = strtoull(v->entry_text, &end, 16);
		if (n && !*end)
			viz_request_walk(v, la);
		v->entry = 0;
	} else if (k == VK_ESCAPE) {
		v->entry = 0;
	} else if (k == VK_BACKSPACE) {
		if (n)
			v->entry_text[n - 1] = 0;
	} else if (k == 'x' && n == 1 && v->entry_text[0] == '0') {
		v->entry_text[0] = 0; /* a typed "0x" prefix */
	} else if (k < 128 && isxdigit(k) && n < 16) {
		v->entry_text[n] = (char)tolower(k);
		v->entry_text[n + 1] = 0;
	}
	return VIZ_KEY_OK;
}

int viz_key(struct viz *v, int k)
{
	if (v->entry)
		return entry_key(v, k);
	switch (k) {
	case 'q':
	case VK_ESCAPE:
		return VIZ_KEY_CLOSE;
	case ' ':
	case 'p':
		v->paused = !v->paused;
		v->until = UNTIL_NONE;
		break;
	case 's':
	case '.':
		v->paused = 1;
		v->step = 1;
		return VIZ_KEY_BREAK; /* the step runs before the next key */
	case 'n':
	case 'f':
		v->until = k == 'n' ? UNTIL_WALK : UNTIL_FAULT;
		v->until_base = k == 'n' ? v->cpus[v->cpu].walks : v->cpus[v->cpu].faults;
		v->paused = 0;
		return VIZ_KEY_BREAK;
	case 'h':
	case VK_F1:
		v->help = !v->help;
		break;
	case '-':
		if (v->speed < 6)
			v->speed++;
		break;
	case '+':
	case '=':
		if (v->speed > 0)
			v->speed--;
		break;
	case 'c':
	case VK_TAB:
		v->cpu = (v->cpu + 1) % v->m->ncpus;
		break;
	case 'w':
	case '/':
		v->entry = 1;
		v->entry_text[0] = 0;
		break;
	case 'l':
		v->req = 0;
		break;
	case 'a':
		v->slowmo = !v->slowmo;
		v->anim_gen = v->gen;
		break;
	case 'o':
		v->overlay = (v->overlay + 1) % 3;
		break;
	case VK_F12:
		v->shot = 1;
		return VIZ_KEY_BREAK; /* saved once this frame is shown */
	default:
		if (k >= '0' && k <= '9' && k - '0' < v->m->ncpus)
			v->cpu = k - '0';
		break;
	}
	return VIZ_KEY_OK;
}

void viz_pointer(struct viz *v, int x, int y, int click)
{
	uint64_t pfn = viz_frame_at(v, x, y);
	v->hover_pfn = pfn;
	if (click && pfn != ~0ull) {
		v->sel_pfn = pfn;
		viz_walk_frame(v, pfn);
	}
}
