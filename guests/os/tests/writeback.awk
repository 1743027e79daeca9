# writeback.awk — user/writeback.c on a file of B bytes = P pages (P worked
# out here), E = P / 2 rounded up the even pages.  Stamping pages 1..P-1
# through MAP_SHARED takes one major fault each (read in) and P - 1 pages
# of Cached; write(2) reads in page 0 (+4 kB); drop_caches keeps all P
# (dirty); sync writes P pages = 4P kB, then nothing; drop_caches frees the
# P pages; reading them back costs P major faults and finds every stamp;
# the even pages' second stamp costs E write-protect (minor) faults; sync
# writes E (the D bits, found through the reverse map), then nothing; the
# same stores again fault nowhere and sync writes E again; read(2) after
# drop_caches finds the E stamps.  Prints "ok NAME" or "bad NAME: ...".
/^writeback: .*: [0-9]+ bytes = [0-9]+ pages$/ {
	pages = int(($3 + 4095) / 4096); even = int((pages + 1) / 2); want("pages", $6, pages)
}
/^writeback: stamped pages/ {
	want("map-majflt", after("majflt"), pages - 1); want("map-minflt", after("minflt"), 0)
	want("map-cached", after("Cached"), (pages - 1) * 4)
}
/^writeback: write\(2\)/ { want("write-ret", $8 + 0, 16); want("write-cached", after("Cached"), 4) }
/^writeback: drop_caches \(all dirty\)/ { want("drop-dirty", after("Cached"), 0) }
/^writeback: sync \(all dirty\)/ { want("sync-written", after("nr_written"), pages); want("sync-pgpgout", after("pgpgout"), pages * 4) }
/^writeback: sync \(again\)/ { want("sync-again", after("nr_written"), 0) }
/^writeback: drop_caches \(all clean\)/ { want("drop-clean", after("Cached"), -pages * 4) }
/^writeback: read back/ {
	want("reread-majflt", after("majflt"), pages); want("reread-minflt", after("minflt"), 0)
	want("reread-data", $8 " of " $10, pages " of " pages)
}
/^writeback: second stamp/ { want("wp-majflt", after("majflt"), 0); want("wp-minflt", after("minflt"), even) }
/^writeback: sync \(mapped, even pages dirty\)/ {
	want("mkclean-written", after("nr_written"), even); want("mkclean-pgpgout", after("pgpgout"), even * 4)
}
/^writeback: sync \(mapped, again\)/ { want("mkclean-again", after("nr_written"), 0) }
/^writeback: the same stores again/ { want("redirty-faults", after("majflt") + after("minflt"), 0) }
/^writeback: sync \(mapped, D set again\)/ { want("redirty-written", after("nr_written"), even) }
/^writeback: drop_caches \(unmapped, clean\)/ { want("drop-unmapped", after("Cached"), -pages * 4) }
/^writeback: read\(2\)/ { want("read2-data", $3 " of " $5, even " of " even) }
END { if (!pages) print "bad run: no writeback output" }
