# buddyinfo.awk — the free lists the guest OS must print, worked out from
# what it printed about memory: the usable ranges of the Multiboot map
# minus the memblock reservations are the free frames; in each zone (DMA
# below 16 MiB, DMA32 below 4 GiB) they must form the largest aligned
# blocks of orders 0-10.  Prints the "Node 0, zone" lines as the kernel does.
function hex(s,   n, i, c) {
	n = 0
	s = tolower(substr(s, 3))
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1
		n = n * 16 + c
	}
	return n
}
function range(line, which,   a) {
	match(line, /0x[0-9a-f]+-0x[0-9a-f]+/)
	split(substr(line, RSTART, RLENGTH), a, "-")
	return hex(a[which])
}
function count(pfn, order,   n, i) {
	n = 0
	for (i = 0; i < 2 ^ order; i++)
		n += free[pfn + i]
	if (n == 2 ^ order)
		blocks[order]++
	else if (n && order) {
		count(pfn, order - 1)
		count(pfn + 2 ^ (order - 1), order - 1)
	}
}
/^multiboot: \[mem .*\] usable$/ {
	s = int((range($0, 1) + 4095) / 4096); e = int((range($0, 2) + 1) / 4096)
	for (p = s; p < e; p++) free[p] = 1
	if (e > maxpfn) maxpfn = e
}
/^memblock: reserved \[mem / {
	s = int(range($0, 1) / 4096); e = int((range($0, 2) + 1) / 4096)
	for (p = s; p < e; p++) free[p] = 0
}
/^buddyinfo:$/ { exit }
END {
	zname[0] = "DMA"; zstart[0] = 0; zend[0] = 4096
	zname[1] = "DMA32"; zstart[1] = 4096; zend[1] = 1048576
	for (z = 0; z < 2; z++) {
		end = zend[z] < maxpfn ? zend[z] : maxpfn
		if (end <= zstart[z]) continue
		for (o = 0; o <= 10; o++) blocks[o] = 0
		for (p = zstart[z]; p < end; p += 1024) count(p, 10)
		line = sprintf("Node 0, zone %8s", zname[z])
		for (o = 0; o <= 10; o++) line = line sprintf(" %6d", blocks[o])
		print line
	}
}
