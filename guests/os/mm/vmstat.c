/*
 * vmstat.c — the memory-management views of /proc that are reclaim's:
 * /proc/zoneinfo (each zone's free frames, watermarks, spans and
 * protection, Linux's layout, and the node's LRU sizes), /proc/swaps, and
 * the reclaim, swap and OOM lines of /proc/vmstat (Linux's names;
 * nr_written counts pages written out, file writeback and swap, and
 * pgpgout the same in kB, as Linux's); and the counters the visualiser
 * shows, sent through the ownership channel (vm_report_counters).
 */
#include "kernel.h"
#include "mm_inline.h"
#include "mman.h"
#include "mmzone.h"
#include "ownership.h"
#include "sched.h"
#include "swap.h"
#include "tlbflush.h"

unsigned long show_zoneinfo(char *buf, unsigned long size)
{
	struct lruvec *lruvec = &contig_page_data.__lruvec;
	unsigned long n = 0;

#define OUT(...) (n += (unsigned long)snprintf(buf + n, size - n, __VA_ARGS__))
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &contig_page_data.node_zones[i];

		OUT("Node 0, zone %8s\n", z->name);
		if (i == 0) {
			OUT("  per-node stats\n");
			OUT("      nr_inactive_anon %lu\n", lruvec->nr_pages[LRU_INACTIVE_ANON]);
			OUT("      nr_active_anon %lu\n", lruvec->nr_pages[LRU_ACTIVE_ANON]);
			OUT("      nr_inactive_file %lu\n", lruvec->nr_pages[LRU_INACTIVE_FILE]);
			OUT("      nr_active_file %lu\n", lruvec->nr_pages[LRU_ACTIVE_FILE]);
			OUT("      nr_unevictable %lu\n", lruvec->nr_pages[LRU_UNEVICTABLE]);
		}
		OUT("  pages free     %lu\n", z->free_pages);
		OUT("        min      %lu\n", min_wmark_pages(z));
		OUT("        low      %lu\n", low_wmark_pages(z));
		OUT("        high     %lu\n", high_wmark_pages(z));
		OUT("        spanned  %lu\n", z->spanned_pages);
		OUT("        present  %lu\n", z->present_pages);
		OUT("        managed  %lu\n", z->managed_pages);
		OUT("        protection: (%lu, %lu, %lu)\n", z->lowmem_reserve[0], z->lowmem_reserve[1],
		    z->lowmem_reserve[2]);
		OUT("  start_pfn:           %lu\n", z->zone_start_pfn);
	}
#undef OUT
	return n;
}

unsigned long show_vmstat_reclaim(char *buf, unsigned long size)
{
	const struct reclaim_stat *r = &reclaim_stat;

	return (unsigned long)snprintf(buf, size,
				       "nr_written %lu\npgpgout %lu\n"
				       "pswpin %lu\npswpout %lu\npgactivate %lu\npgdeactivate %lu\npgrefill %lu\n"
				       "pgscan_kswapd %lu\npgscan_direct %lu\npgsteal_kswapd %lu\npgsteal_direct %lu\n"
				       "pgfree_clean %lu\nallocstall %lu\nkswapd_wakeups %lu\npageoutrun %lu\n"
				       "swap_ra %lu\nswap_ra_hit %lu\noom_kill %lu\nswap_csum_errors %lu\n",
				       r->nr_written, r->pgpgout, r->pswpin, r->pswpout, r->pgactivate, r->pgdeactivate, r->pgrefill,
				       r->pgscan_kswapd, r->pgscan_direct, r->pgsteal_kswapd, r->pgsteal_direct,
				       r->pgfree_clean, r->allocstall, r->kswapd_wakeups, r->pageoutrun, r->swap_ra,
				       r->swap_ra_hit, r->oom_kill, r->csum_errors);
}

/* Pages in the swap cache: SwapCached. */
unsigned long nr_swapcache_pages(void)
{
	unsigned long n = 0;

	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		n += PageSwapCache(pfn_to_page(pfn)) && page_ref_count(pfn_to_page(pfn)) > 0;
	return n;
}

/*
 * Sends the /proc/vmstat and /proc/meminfo counters the visualiser shows,
 * in the ownership protocol's id order (devices/ownership.h): nr_free_pages,
 * pgfault, pgmajfault, cow_fault, pswpin, pswpout, oom_kill,
 * nr_tlb_remote_flush, nr_tlb_local_flush_one, nr_tlb_local_flush_all,
 * Committed_AS in kB, nr_processes — summed over CPUs as /proc/vmstat sums
 * them.  Takes tasklist_lock (nr_processes): not to be called with it held.
 */
void vm_report_counters(void)
{
	struct vm_event_state ev;
	struct tlb_stat tlb;

	all_vm_events(&ev);
	tlb_stat_sum(&tlb);
	const u64 value[] = {
		nr_free_pages(), ev.pgfault, ev.pgmajfault, ev.cow_fault,
		reclaim_stat.pswpin, reclaim_stat.pswpout, reclaim_stat.oom_kill,
		tlb.remote_flush, tlb.local_flush_one, tlb.local_flush_all,
		(u64)max(vm_committed_as, 0l) * 4, nr_processes(),
	};
	ownership_report_counters(value, ARRAY_SIZE(value));
}
