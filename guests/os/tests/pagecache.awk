# pagecache.awk — user/pagecache.c on a file of B bytes = P pages (P worked
# out here): the cold read takes one major fault per page and grows Cached
# by P * 4 kB; the second read takes minor faults only (P of them) and
# Cached stays; drop_caches (nobody maps the file then) gives the P pages
# back; the third read is cold again.  Prints "ok NAME" or "bad NAME: ...".
/^pagecache: .*: [0-9]+ bytes = [0-9]+ pages$/ { bytes = $3; pages = int((bytes + 4095) / 4096); want("pages", $6, pages) }
/^pagecache: first read/ { want("cold-majflt", after("majflt"), pages); want("cold-cached", after("Cached"), pages * 4) }
/^pagecache: second read/ {
	want("cached-majflt", after("majflt"), 0); want("cached-minflt", after("minflt"), pages)
	want("cached-cached", after("Cached"), 0)
}
/^pagecache: drop_caches: / { want("drop", after("Cached"), -pages * 4) }
/^pagecache: third read/ { want("dropped-majflt", after("majflt"), pages) }
