/*
 * tests/integration/vizcheck.c — reads back a PNG the visualiser wrote
 * (-display png:DIR) and checks what it shows against other records of
 * the same run, using the geometry and colours of emu/viz/layout.h:
 *   - every frame that holds a paging structure read in the -d mmu trace
 *     is drawn in the page-table colour in the MMU's map, and in the
 *     guest's map when the guest reported it (guest OS runs);
 *     frame 0x100 (the kernel image at 1 MiB) is kernel in the guest's map
 *     when the guest reports ownership;
 *   - the TLB panel holds as many valid entries per array as --stats JSON
 *     says are valid at the end of the run;
 *   - the walk panel's entry lines read, in mmulab's font, the entry
 *     addresses and values of the trace's last walk.
 * usage: vizcheck PNG STATS.json TRACE NFRAMES GUESTREPORTS(0|1)
 * Prints PASS/FAIL lines; exits 0 unless it could not read its inputs.
 *
 * The other modes (vizcheck.c's second half) check one thing each and
 * also print PASS/FAIL lines named NAME:
 *   --pick TRACE             print "LA PFN" of the latest walk of the final
 *                            address space that reached a page (for walk=,
 *                            frame=), other than the very last walk
 *   --cell NFRAMES PFN       print "X Y", a pixel of PFN's cell in the
 *                            guest's map (where to point the mouse)
 *   --walk NAME PNG TRACE LA the asked-for walk of LA shows the trace's
 *                            entries of LA, with their final values, and
 *                            the physical address the leaf gives
 *   --frame NAME PNG TRACE LA PFN  the frame inspector names PFN and lists
 *                            the mapping the trace's walk of LA took to it,
 *                            with the rights the entries combine to
 *   --ad NAME PNG TRACE NFRAMES PFN  A/D overlay: every frame a walk of the
 *                            final address space reached has the colour of
 *                            the A and D bits of its leaf (PFN: the
 *                            inspected frame, whose rim hides neighbours)
 *   --heat NAME PNG TRACE NFRAMES  heat overlay: the frames of the latest
 *                            walk are warm, the last frame of RAM (never in
 *                            the trace) is cold
 *   --text NAME PNG PANEL TEXT  a line of PANEL (title, legend, tlbside,
 *                            walk, frame, events, help) begins with TEXT,
 *                            in any one colour; of PANEL counters (the
 *                            events panel's "guest: NAME VALUE ..." lines
 *                            and its other lines from their first
 *                            column), has TEXT at some character cell
 *   --arc NAME PNG NCPUS FROM TO [fixed|shootdown|likely]  the IPI strip's
 *                            latest arc, FROM -> TO, is drawn in the colour
 *                            of a fixed IPI (the default), of a shootdown
 *                            the guest reported, or of a likely one
 *   --recent NAME PNG TRACE NFRAMES CPU [dropped]  the MMU's map shows
 *                            what only the CR3s loaded before CPU's
 *                            current one reach: every frame the trace's
 *                            walks under such a CR3 read as a paging
 *                            structure, and no walk under the current one
 *                            did, is in the dim page-table colour; every
 *                            frame such a walk reached through user
 *                            entries, which the current CR3's own walks
 *                            reach for supervisor only, is in the dim user
 *                            colour.  With "dropped" (the guest reported
 *                            those CR3s' roots freed) none of them is dim,
 *                            and those the current CR3 maps for supervisor
 *                            only are in the bright supervisor colour
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/viz/viz.h"
#include "mmu/tlb.h"

static struct fb img;

static int load_png(const char *path)
{
	png_image im;
	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&im, path))
		return -1;
	im.format = PNG_FORMAT_RGBA;
	if (fb_init(&img, (int)im.width, (int)im.height) != 0 ||
	    !png_image_finish_read(&im, NULL, img.px, 0, NULL))
		return -1;
	return 0;
}

static uint32_t px(int x, int y)
{
	return img.px[y * img.w + x];
}

static int cell_is(uint64_t nframes, int map, uint64_t pfn, uint32_t want)
{
	int x, y, cs;
	layout_mem_cell(nframes, map, pfn, &x, &y, &cs);
	return px(x, y) == want;
}

/* The trace's last walk: levels, entry addresses, final values. */
struct step { char name[8]; unsigned long long la, pa, val; };
static struct step walk[6];
static int nwalk;

static int rank(const char *n)
{
	static const char *const names[] = { "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(n, names[i]))
			return i + 1;
	return 0;
}

/* Every walk of the final address space (after the last CR3 write of
 * cpu0), each with its steps and whether it reached a page; and the
 * final value of every entry address the trace shows. */
#define MAXWALKS 20000
struct twalk { struct step s[6]; int n, ok; };
static struct twalk *walks;
static int nwalks;
#define MAXENT 8192
static unsigned long long ent_pa[MAXENT], ent_val[MAXENT];
static int nent;
static unsigned long long mentioned_max_pa; /* the highest pa the trace names */

static void note_entry(unsigned long long pa, unsigned long long val)
{
	for (int i = 0; i < nent; i++)
		if (ent_pa[i] == pa) {
			ent_val[i] = val;
			return;
		}
	if (nent < MAXENT) {
		ent_pa[nent] = pa;
		ent_val[nent++] = val;
	}
}

static unsigned long long final_value(unsigned long long pa, unsigned long long dflt)
{
	for (int i = 0; i < nent; i++)
		if (ent_pa[i] == pa)
			return ent_val[i];
	return dflt;
}

/* Does the walk's last entry map a page (P=1, and a PTE or PS=1)? */
static int leaf_ok(const struct twalk *w)
{
	const struct step *l = &w->s[w->n - 1];
	int lv = rank(l->name);
	return (l->val & 1) && (lv == 1 || ((lv == 2 || lv == 3) && (l->val & 0x80)));
}

static int read_walks(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	if (!f)
		return -1;
	if (!walks && !(walks = calloc(MAXWALKS, sizeof(*walks))))
		return -1;
	nwalks = 0;
	struct twalk *cur = NULL;
	while (fgets(line, sizeof(line), f)) {
		struct step s;
		int cpu;
		unsigned long long a;
		if (strstr(line, "cpu0 mmu cr3 <- ")) {
			nwalks = 0;
			cur = NULL;
			continue;
		}
		if (sscanf(line, "cpu%d mmu #PF la=%llx", &cpu, &a) == 2 && cpu == 0 && cur &&
		    cur->s[0].la == a)
			cur->ok = -1; /* it faulted */
		const char *p = strstr(line, " pa=");
		if (p && sscanf(p, " pa=%llx", &a) == 1 && a > mentioned_max_pa)
			mentioned_max_pa = a;
		if (sscanf(line, "cpu%d mmu walk la=%llx %7s @%llx = %llx", &cpu, &s.la, s.name,
			   &s.pa, &s.val) != 5 || cpu != 0)
			continue;
		note_entry(s.pa, s.val);
		if (s.pa > mentioned_max_pa)
			mentioned_max_pa = s.pa;
		int plus = strstr(line, " +") != NULL;
		if (plus && cur && cur->s[cur->n - 1].la == s.la &&
		    !strcmp(cur->s[cur->n - 1].name, s.name)) {
			cur->s[cur->n - 1].val = s.val;
			continue;
		}
		if (!cur || cur->s[0].la != s.la || rank(s.name) >= rank(cur->s[cur->n - 1].name) ||
		    cur->n == 6) {
			if (nwalks == MAXWALKS) { /* keep the latest */
				memmove(walks, walks + 1, (MAXWALKS - 1) * sizeof(*walks));
				nwalks--;
			}
			cur = &walks[nwalks++];
			memset(cur, 0, sizeof(*cur));
		}
		cur->s[cur->n++] = s;
	}
	fclose(f);
	for (int i = 0; i < nwalks; i++)
		if (walks[i].ok == 0)
			walks[i].ok = leaf_ok(&walks[i]);
	return 0;
}

/* Physical address the walk's leaf gives for its linear address. */
static unsigned long long walk_pa(const struct twalk *w, unsigned long long *size)
{
	const struct step *l = &w->s[w->n - 1];
	int lv = rank(l->name);
	unsigned long long sz = 1ull << (12 + 9 * (lv - 1));
	unsigned long long base = l->val & 0x000ffffffffff000ull & ~(sz - 1);
	if (size)
		*size = sz;
	return base | (l->la & (sz - 1));
}

static int read_trace(const char *path, uint64_t nframes, int guest, int *fails)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int pts = 0, bad = 0;
	if (!f)
		return -1;
	static uint64_t pfns[4096];
	int np = 0;
	while (fgets(line, sizeof(line), f)) {
		struct step s;
		if (strstr(line, "cpu0 mmu cr3 <- ")) {
			np = 0; /* tables of an older address space */
			continue;
		}
		int cpu;
		if (sscanf(line, "cpu%d mmu walk la=%llx %7s @%llx = %llx", &cpu, &s.la,
			   s.name, &s.pa, &s.val) != 5 || cpu != 0)
			continue;
		int plus = strstr(line, " +") != NULL;
		if (plus && nwalk && walk[nwalk - 1].la == s.la &&
		    !strcmp(walk[nwalk - 1].name, s.name)) {
			walk[nwalk - 1].val = s.val;
			continue;
		}
		if (!nwalk || walk[0].la != s.la || rank(s.name) >= rank(walk[nwalk - 1].name) ||
		    nwalk == 6)
			nwalk = 0;
		walk[nwalk++] = s;
		if ((s.pa >> 12) < nframes && np < 4096)
			pfns[np++] = s.pa >> 12;
	}
	fclose(f);
	for (int i = 0; i < np; i++) {
		pts++;
		if (!cell_is(nframes, 1, pfns[i], COL_PGTABLE))
			bad++;
	}
	(void)guest;
	if (pts && !bad)
		printf("PASS viz frame-map page-table frames (%d reads)\n", pts);
	else {
		printf("FAIL viz frame-map page-table frames (%d of %d wrong)\n", bad, pts);
		(*fails)++;
	}
	return 0;
}

/* Does the text line at (x, y) begin with `s`, drawn in mmulab's font in
 * one colour over the background?  Glyph pixels must be ink of one
 * colour, the others background. */
static int text_at(int x0, int y0, const char *s)
{
	struct fb t;
	int w = (int)strlen(s) * FONT_W;
	if (x0 < 0 || y0 < 0 || x0 + w > img.w || y0 + FONT_H > img.h || fb_init(&t, w, FONT_H) != 0)
		return 0;
	fb_fill(&t, 0, 0, w, FONT_H, 0);
	fb_text(&t, 0, 0, 1, s);
	int ok = 1;
	uint32_t ink = 0;
	for (int y = 0; y < FONT_H && ok; y++)
		for (int x = 0; x < w; x++) {
			uint32_t p = px(x0 + x, y0 + y);
			if (t.px[y * w + x]) {
				if (!ink)
					ink = p;
				if (p != ink || p == COL_BG) {
					ok = 0;
					break;
				}
			} else if (p != COL_BG && (p == ink || !ink)) {
				ok = 0;
				break;
			}
		}
	fb_free(&t);
	return ok;
}

/* The first of `lines` lines from (x, y) that begins with `s`, or -1. */
static int find_line(int x, int y, int lines, const char *s)
{
	for (int i = 0; i < lines; i++)
		if (text_at(x, y + i * LINE_H, s))
			return i;
	return -1;
}

/* Does line `i` of the walk panel start with text `s` in COL_TEXT? */
static int walk_line_reads(int i, const char *s)
{
	struct fb t;
	int w = (int)strlen(s) * FONT_W;
	if (fb_init(&t, w, FONT_H) != 0)
		return 0;
	fb_fill(&t, 0, 0, w, FONT_H, COL_BG);
	fb_text(&t, 0, 0, COL_TEXT, s);
	int ok = 1;
	for (int y = 0; y < FONT_H && ok; y++)
		for (int x = 0; x < w; x++)
			if (t.px[y * w + x] != px(WALK_X + x, WALK_LINE_Y(i) + y)) {
				ok = 0;
				break;
			}
	fb_free(&t);
	return ok;
}

static long json_num(const char **p, const char *key)
{
	char k[64];
	snprintf(k, sizeof(k), "\"%s\": ", key);
	const char *q = strstr(*p, k);
	if (!q)
		return -1;
	*p = q + strlen(k);
	return strtol(*p, NULL, 10);
}

/* ---- single checks (usage at the top) ---- */

static void result(const char *name, int ok, const char *fmt, const char *detail)
{
	printf("%s viz %s", ok ? "PASS" : "FAIL", name);
	if (detail && *detail)
		printf(fmt, detail);
	printf("\n");
}

/* The walk of the final address space with `la` that read the most
 * levels (the latest of those), or NULL. */
static const struct twalk *walk_of(unsigned long long la)
{
	const struct twalk *best = NULL;
	for (int i = nwalks - 1; i >= 0; i--)
		if (walks[i].s[0].la == la && (!best || walks[i].n > best->n))
			best = &walks[i];
	return best;
}

static int pick(void)
{
	if (!nwalks)
		return 1;
	unsigned long long last = walks[nwalks - 1].s[0].la;
	/* Rather one that read every level, from the PML4E (or PML5E). */
	for (int full = 1; full >= 0; full--)
		for (int i = nwalks - 1; i >= 0; i--)
			if (walks[i].ok > 0 && walks[i].s[0].la != last &&
			    (!full || rank(walks[i].s[0].name) >= 4)) {
				printf("%llx %llx\n", walks[i].s[0].la,
				       walk_pa(&walks[i], NULL) >> 12);
				return 0;
			}
	return 1;
}

static void check_walk(const char *name, unsigned long long la)
{
	const struct twalk *w = walk_of(la);
	char buf[160], why[200] = "";
	int ok = w != NULL;
	snprintf(buf, sizeof(buf), "walk of %llx asked for", la);
	if (ok && !text_at(WALK_X, WALK_Y, buf)) {
		snprintf(why, sizeof(why), "title is not '%s'", buf);
		ok = 0;
	}
	for (int i = 0; ok && i < w->n; i++) {
		snprintf(buf, sizeof(buf), "%-5s @%012llx = %016llx", w->s[i].name, w->s[i].pa,
			 final_value(w->s[i].pa, w->s[i].val));
		/* The MMU's walk may have begun below the top, from a
		 * paging-structure cache: its entries are the last ones of
		 * the full walk the panel shows. */
		if (find_line(WALK_X, WALK_LINE_Y(2), 5, buf) < 0) {
			snprintf(why, sizeof(why), "no line '%s'", buf);
			ok = 0;
		}
	}
	if (ok && w->ok > 0) {
		snprintf(buf, sizeof(buf), "-> pa %012llx", walk_pa(w, NULL));
		if (find_line(WALK_X, WALK_LINE_Y(2 + w->n), 6 - w->n, buf) < 0) {
			snprintf(why, sizeof(why), "no '%s'", buf);
			ok = 0;
		}
	}
	if (!w)
		snprintf(why, sizeof(why), "no walk of %llx in the trace", la);
	else if (ok)
		snprintf(why, sizeof(why), "%d entries of la=%llx", w->n, la);
	result(name, ok, " (%s)", why);
}

static void check_frame(const char *name, unsigned long long la, unsigned long long pfn)
{
	char buf[200], why[300] = "";
	const struct twalk *w = walk_of(la);
	if (!w || w->ok <= 0 || walk_pa(w, NULL) >> 12 != pfn) {
		result(name, 0, " (%s)", "the trace's walk of LA did not reach PFN");
		return;
	}
	snprintf(buf, sizeof(buf), "frame %#llx pa %012llx: guest", pfn, pfn << 12);
	int ok = text_at(FRAME_X, FRAME_LINE_Y(0), buf);
	if (!ok)
		snprintf(why, sizeof(why), "line 0 is not '%s'", buf);
	/* Rights as SDM §4.6 combines them: U and R/W ANDed, XD ORed. */
	int u = 1, rw = 1, nx = 0;
	for (int i = 0; i < w->n; i++) {
		unsigned long long e = final_value(w->s[i].pa, w->s[i].val);
		u &= (e >> 2) & 1;
		rw &= (e >> 1) & 1;
		nx |= (int)(e >> 63);
	}
	unsigned long long size, leaf = final_value(w->s[w->n - 1].pa, w->s[w->n - 1].val);
	walk_pa(w, &size);
	snprintf(buf, sizeof(buf), "va %016llx %s %s %s %s %s %s", w->s[0].la & ~0xfffull,
		 size == 1ull << 30 ? "1G" : size == 2ull << 20 ? "2M" : "4K", u ? "U" : "S",
		 rw ? "RW" : "RO", nx ? "NX" : "X ", (leaf & 0x20) ? "A" : "-",
		 (leaf & 0x40) ? "D" : "-");
	if (ok && find_line(FRAME_X, FRAME_LINE_Y(1), FRAME_LINES - 1, buf) < 0) {
		snprintf(why, sizeof(why), "no line '%s'", buf);
		ok = 0;
	}
	if (ok)
		snprintf(why, sizeof(why), "frame %#llx mapped at %llx", pfn, w->s[0].la & ~0xfffull);
	result(name, ok, " (%s)", why);
}

static void check_ad(const char *name, uint64_t nframes, uint64_t sel)
{
	int pts = 0, bad = 0;
	char why[200];
	for (int i = 0; i < nwalks; i++) {
		const struct twalk *w = &walks[i];
		if (w->ok <= 0)
			continue;
		uint64_t f = walk_pa(w, NULL) >> 12;
		if (f >= nframes || (f + 2 >= sel && f <= sel + 2))
			continue; /* outside RAM, or beside the inspected frame's rim */
		unsigned long long leaf = final_value(w->s[w->n - 1].pa, w->s[w->n - 1].val);
		int x, y, cs;
		layout_mem_cell(nframes, 1, f, &x, &y, &cs);
		uint32_t c = px(x, y);
		pts++;
		if ((leaf & 0x40) ? c != COL_AD_D : (leaf & 0x20) ? c != COL_AD_A && c != COL_AD_D
		    : c == COL_UNMAPPED)
			bad++;
	}
	snprintf(why, sizeof(why), "%d of %d frames wrong", bad, pts);
	result(name, pts && !bad, " (%s)", why);
}

static void check_heat(const char *name, uint64_t nframes)
{
	int pts = 0, bad = 0;
	char why[200];
	if (!nwalks) {
		result(name, 0, " (%s)", "no walks in the trace");
		return;
	}
	const struct twalk *w = &walks[nwalks - 1];
	for (int i = 0; i < w->n; i++) {
		uint64_t f = w->s[i].pa >> 12;
		if (f < nframes) {
			pts++;
			bad += cell_is(nframes, 1, f, COL_COLD);
		}
	}
	if (w->ok > 0 && walk_pa(w, NULL) >> 12 < nframes) {
		pts++;
		bad += cell_is(nframes, 1, walk_pa(w, NULL) >> 12, COL_COLD);
	}
	int cold_ok = mentioned_max_pa >> 12 < nframes - 1 && cell_is(nframes, 1, nframes - 1, COL_COLD);
	snprintf(why, sizeof(why), "%d of %d frames of the last walk cold; last frame %s", bad, pts,
		 cold_ok ? "cold" : "not cold or in the trace");
	result(name, pts && !bad && cold_ok, " (%s)", why);
}

static void check_arc(const char *name, int n, int from, int to, const char *colour)
{
	uint32_t want = !strcmp(colour, "shootdown") ? COL_SHOOTDOWN
		: !strcmp(colour, "likely") ? COL_SHOOTDOWN_LIKELY : COL_IPI_FIXED;
	int xf, xt, w, ok;
	layout_ipi_box(from, n, &xf, &w);
	xf += w / 2;
	layout_ipi_box(to, n, &xt, &w);
	xt += w / 2;
	if (from == to)
		ok = px(xt - 3, IPI_BOX_Y - 1 - 6) == want; /* the loop */
	else
		ok = px(xf, IPI_BOX_Y - 4) == want && px(xt, IPI_BOX_Y - 4) == want;
	char why[64];
	snprintf(why, sizeof(why), "cpu%d -> cpu%d, %s", from, to, colour);
	result(name, ok, " (%s)", why);
}

/* ---- --recent: what the walks under each CR3 read ---- */

#define ROOT_MASK 0x000ffffffffff000ull
#define MAXCPU 64
#define RECENT 16 /* CR3 values the visualiser remembers (VIZ_SPACES) */

/* One walk of the whole trace, with the page-table root it was made in. */
struct rwalk { struct step s[6]; int n; unsigned long long root; };
static struct rwalk *rwalks;
static int nrwalks;

static int has_root(const unsigned long long *r, int n, unsigned long long root)
{
	for (int i = 0; i < n; i++)
		if (r[i] == root)
			return 1;
	return 0;
}

/* Is frame f read as a paging structure by a walk under `root`? */
static int table_of(unsigned long long root, unsigned long long f)
{
	for (int i = 0; i < nrwalks; i++)
		for (int j = 0; rwalks[i].root == root && j < rwalks[i].n; j++)
			if (rwalks[i].s[j].pa >> 12 == f)
				return 1;
	return 0;
}

/* Do walks from the top under `root` reach frame f through a leaf?
 * -1 no; else whether U=1 at every level (final entry values). */
static int user_in(unsigned long long root, unsigned long long f)
{
	int found = -1;
	for (int i = 0; i < nrwalks; i++) {
		const struct rwalk *w = &rwalks[i];
		struct twalk t;
		unsigned long long size;
		if (w->root != root || rank(w->s[0].name) < 4)
			continue;
		memcpy(t.s, w->s, sizeof(t.s));
		t.n = w->n;
		for (int j = 0; j < t.n; j++)
			t.s[j].val = final_value(t.s[j].pa, t.s[j].val);
		if (!leaf_ok(&t))
			continue;
		unsigned long long base = walk_pa(&t, &size) & ~(size - 1);
		if (f < base >> 12 || f >= (base + size) >> 12)
			continue;
		int u = 1;
		for (int j = 0; j < t.n; j++)
			u &= (int)(t.s[j].val >> 2) & 1;
		found = found > u ? found : u;
	}
	return found;
}

/* The colour a frame of an old CR3 must have: `dim` as the old CR3 makes
 * it, or, when the old CR3 was dropped, as the current CR3 maps it. */
static int old_frame_ok(uint64_t nframes, unsigned long long root, unsigned long long fr,
			uint32_t dim, int dropped)
{
	int x, y, cs;
	if (!dropped)
		return cell_is(nframes, 1, fr, dim);
	layout_mem_cell(nframes, 1, fr, &x, &y, &cs);
	uint32_t c = px(x, y);
	int u = user_in(root, fr);
	return c != COL_PGTABLE_RECENT && c != COL_MAP_USER_RECENT && c != COL_MAP_SUPER_RECENT &&
	       (u < 0 || c == (u ? COL_MAP_USER : COL_MAP_SUPER));
}

static int check_recent(const char *name, const char *trace, uint64_t nframes, int shown,
			int dropped)
{
	FILE *f = fopen(trace, "r");
	char line[512], why[200];
	unsigned long long root[MAXCPU] = { 0 }, written[4096];
	int nwritten = 0, cur[MAXCPU]; /* each vCPU's walk in rwalks[], or -1 */
	for (int i = 0; i < MAXCPU; i++)
		cur[i] = -1;
	if (!f || !(rwalks = calloc(MAXWALKS, sizeof(*rwalks))))
		return 2;
	while (fgets(line, sizeof(line), f)) {
		struct step s;
		int cpu;
		unsigned long long v;
		if (sscanf(line, "cpu%d mmu cr3 <- %llx", &cpu, &v) == 2 && cpu >= 0 && cpu < MAXCPU) {
			root[cpu] = v & ROOT_MASK;
			if (nwritten == 4096) /* keep the latest */
				memmove(written, written + 1, --nwritten * sizeof(*written));
			written[nwritten++] = v & ~(1ull << 63);
			cur[cpu] = -1;
			continue;
		}
		if (sscanf(line, "cpu%d mmu walk la=%llx %7s @%llx = %llx", &cpu, &s.la, s.name,
			   &s.pa, &s.val) != 5 || cpu < 0 || cpu >= MAXCPU || !root[cpu])
			continue;
		note_entry(s.pa, s.val);
		struct rwalk *w = cur[cpu] >= 0 ? &rwalks[cur[cpu]] : NULL;
		if (strstr(line, " +") && w && w->s[w->n - 1].la == s.la &&
		    !strcmp(w->s[w->n - 1].name, s.name))
			continue;
		if (!w || w->s[0].la != s.la || rank(s.name) >= rank(w->s[w->n - 1].name) ||
		    w->n == 6) {
			if (nrwalks == MAXWALKS)
				break;
			cur[cpu] = nrwalks;
			w = &rwalks[nrwalks++];
			w->root = root[cpu];
		}
		w->s[w->n++] = s;
	}
	fclose(f);
	/* The CR3s the visualiser knows: the last RECENT values written
	 * and every vCPU's current one; those other than the shown vCPU's. */
	unsigned long long old[RECENT + MAXCPU], vals[RECENT];
	int nold = 0, nvals = 0;
	for (int i = nwritten - 1; i >= 0 && nvals < RECENT; i--)
		if (!has_root(vals, nvals, written[i]))
			vals[nvals++] = written[i];
	for (int i = 0; i < nvals; i++)
		if ((vals[i] & ROOT_MASK) != root[shown] && !has_root(old, nold, vals[i] & ROOT_MASK))
			old[nold++] = vals[i] & ROOT_MASK;
	int tables = 0, pages = 0, bad = 0;
	for (int o = 0; o < nold; o++) {
		/* Frames this CR3's walks read as paging structures... */
		for (int i = 0; i < nrwalks; i++)
			for (int j = 0; rwalks[i].root == old[o] && j < rwalks[i].n; j++) {
				unsigned long long fr = rwalks[i].s[j].pa >> 12;
				if (fr >= nframes || table_of(root[shown], fr))
					continue;
				tables++;
				bad += !old_frame_ok(nframes, root[shown], fr, COL_PGTABLE_RECENT, dropped);
			}
		/* ...and the 4 KiB pages it reached for user. */
		for (int i = 0; i < nrwalks; i++) {
			const struct rwalk *w = &rwalks[i];
			if (w->root != old[o] || w->n < 1 || rank(w->s[w->n - 1].name) != 1)
				continue;
			unsigned long long fr = (final_value(w->s[w->n - 1].pa, w->s[w->n - 1].val)
						 & ROOT_MASK) >> 12;
			if (fr >= nframes || user_in(old[o], fr) != 1 || user_in(root[shown], fr) != 0)
				continue;
			pages++;
			bad += !old_frame_ok(nframes, root[shown], fr, COL_MAP_USER_RECENT, dropped);
		}
	}
	snprintf(why, sizeof(why), "%d old CR3%s%s: %d table reads, %d user pages; %d wrong",
		 nold, nold == 1 ? "" : "s", dropped ? " (dropped)" : "", tables, pages, bad);
	result(name, tables && pages && !bad, " (%s)", why);
	return 0;
}

static int modes(int argc, char **argv)
{
	const char *mode = argv[1];
	if (!strcmp(mode, "--pick") && argc == 3)
		return read_walks(argv[2]) != 0 ? 2 : pick();
	if (!strcmp(mode, "--cell") && argc == 4) {
		int x, y, cs;
		layout_mem_cell(strtoull(argv[2], NULL, 0), 0, strtoull(argv[3], NULL, 16), &x, &y, &cs);
		printf("%d %d\n", x + cs / 2, y + cs / 2);
		return 0;
	}
	if (argc < 4 || load_png(argv[3]) != 0) {
		fprintf(stderr, "vizcheck: usage: see tests/integration/vizcheck.c\n");
		return 2;
	}
	const char *name = argv[2];
	if (!strcmp(mode, "--text") && argc == 6) {
		/* Panels: where their lines begin, from y0 to y1. */
		static const struct { const char *name; int x, y0, y1; } panels[] = {
			{ "title", 8, 3, 3 },
			{ "legend", LEGEND_X, MEM_Y - 12, TLB_Y - 8 },
			{ "processes", LEGEND_X + 12, MEM_Y, TLB_Y - 8 },
			{ "tlbside", GRAPH_X, GRAPH_Y + GRAPH_H, IPI_Y },
			{ "walk", WALK_X, WALK_Y, FRAME_Y - FONT_H },
			{ "frame", FRAME_X, FRAME_Y, VIZ_H - FONT_H },
			{ "events", EVENTS_X + 11 * FONT_W, EVENTS_Y, VIZ_H - FONT_H },
			{ "counters", EVENTS_X, EVENTS_Y, VIZ_H - FONT_H },
			{ "help", HELP_X + 10, HELP_Y + 8, HELP_Y + 8 },
		};
		int found = 0, known = 0;
		for (unsigned i = 0; i < sizeof(panels) / sizeof(panels[0]); i++) {
			if (strcmp(panels[i].name, argv[4]))
				continue;
			known = 1;
			/* counters: TEXT anywhere in a line, at a character cell */
			int cols = strcmp(argv[4], "counters") ? 1 : COUNTERS_COLS;
			for (int y = panels[i].y0; y <= panels[i].y1 && !found; y++)
				for (int c = 0; c < cols && !found; c++)
					found = text_at(panels[i].x + c * FONT_W, y, argv[5]);
		}
		if (!known)
			return 2;
		result(name, found, " (no line '%s')", found ? "" : argv[5]);
		return 0;
	}
	if (!strcmp(mode, "--arc") && (argc == 7 || argc == 8)) {
		check_arc(name, atoi(argv[4]), atoi(argv[5]), atoi(argv[6]),
			  argc == 8 ? argv[7] : "fixed");
		return 0;
	}
	if (!strcmp(mode, "--recent") && (argc == 7 || (argc == 8 && !strcmp(argv[7], "dropped"))))
		return check_recent(name, argv[4], strtoull(argv[5], NULL, 0), atoi(argv[6]),
				    argc == 8);
	if (argc < 6 || read_walks(argv[4]) != 0) {
		fprintf(stderr, "vizcheck: cannot read the trace\n");
		return 2;
	}
	if (!strcmp(mode, "--walk"))
		check_walk(name, strtoull(argv[5], NULL, 16));
	else if (!strcmp(mode, "--frame"))
		check_frame(name, strtoull(argv[5], NULL, 16), argc > 6 ? strtoull(argv[6], NULL, 16) : 0);
	else if (!strcmp(mode, "--ad") && argc == 7)
		check_ad(name, strtoull(argv[5], NULL, 0), strtoull(argv[6], NULL, 16));
	else if (!strcmp(mode, "--heat"))
		check_heat(name, strtoull(argv[5], NULL, 0));
	else
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strncmp(argv[1], "--", 2))
		return modes(argc, argv);
	if (argc != 6 || load_png(argv[1]) != 0) {
		fprintf(stderr, "vizcheck: usage: vizcheck PNG STATS.json TRACE NFRAMES GUEST\n");
		return 2;
	}
	uint64_t nframes = strtoull(argv[4], NULL, 0);
	int guest = atoi(argv[5]), fails = 0;
	if (img.w != VIZ_W || img.h != VIZ_H) {
		printf("FAIL viz png-size %dx%d\n", img.w, img.h);
		return 0;
	}
	if (read_trace(argv[3], nframes, guest, &fails) != 0)
		return 2;
	if (guest) {
		int ok = cell_is(nframes, 0, 0x100, COL_KERNEL);
		for (int i = 0; i < nwalk; i++)
			if (!cell_is(nframes, 0, walk[i].pa >> 12, COL_PGTABLE))
				ok = 0;
		printf("%s viz frame-map guest view (kernel image, page tables)\n",
		       ok ? "PASS" : "FAIL");
	}

	/* TLB: valid entries per array against the statistics. */
	FILE *f = fopen(argv[2], "r");
	static char json[1 << 16];
	size_t n = f ? fread(json, 1, sizeof(json) - 1, f) : 0;
	if (f)
		fclose(f);
	json[n] = 0;
	const char *p = strstr(json, "\"arrays\"");
	int sets[TLB_NARRAYS], ways[TLB_NARRAYS], x[TLB_NARRAYS], y[TLB_NARRAYS];
	long want[TLB_NARRAYS];
	for (int a = 0; p && a < TLB_NARRAYS; a++) {
		long e = json_num(&p, "entries");
		ways[a] = (int)json_num(&p, "ways");
		sets[a] = ways[a] > 0 ? (int)e / ways[a] : 0;
		want[a] = json_num(&p, "valid");
	}
	if (!p) {
		printf("FAIL viz tlb-valid-entries (no arrays in %s)\n", argv[2]);
		return 0;
	}
	layout_tlb(TLB_NARRAYS, sets, ways, x, y);
	long total = 0, got_total = 0;
	int ok = 1;
	for (int a = 0; a < TLB_NARRAYS; a++) {
		long got = 0;
		for (int s = 0; s < sets[a] && ways[a]; s++)
			for (int w = 0; w < ways[a]; w++) {
				int cx, cy;
				layout_tlb_cell(x[a], y[a], ways[a], s, w, &cx, &cy);
				got += px(cx + 1, cy + 1) != COL_TLB_EMPTY;
			}
		if (got != want[a])
			ok = 0;
		total += want[a];
		got_total += got;
	}
	printf("%s viz tlb-valid-entries (%ld drawn, %ld from --stats)\n",
	       ok && total ? "PASS" : "FAIL", got_total, total);

	/* Walk panel: the last walk's entries. */
	ok = nwalk > 0;
	for (int i = 0; i < nwalk; i++) {
		char s[256];
		snprintf(s, sizeof(s), "%-5s @%012llx = %016llx", walk[i].name, walk[i].pa,
			 walk[i].val);
		if (!walk_line_reads(2 + i, s)) {
			printf("    walk line %d does not read '%s'\n", 2 + i, s);
			ok = 0;
		}
	}
	printf("%s viz walk-panel (%d entries of la=%llx)\n", ok ? "PASS" : "FAIL", nwalk,
	       nwalk ? walk[0].la : 0);
	return 0;
}
