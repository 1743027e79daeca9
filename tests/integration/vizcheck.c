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

int main(int argc, char **argv)
{
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
