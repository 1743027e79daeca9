# wmark.awk — the watermarks the kernel printed at boot ("zone NAME present
# P managed M  min A low B high C", mm/init.c), and /proc/zoneinfo when a
# script printed it, against Linux's formulas worked out here:
#   min_free_kbytes = int_sqrt(16 * managed_kbytes) clamped to [128, 262144]
#                     (or vm.min_free_kbytes=N from the command line);
#   per zone: min  = pages_min * managed / total_managed (pages_min =
#                    min_free_kbytes / 4), rounded down;
#             tmp  = max(min / 4, managed * watermark_scale_factor / 10000)
#                    (vm.watermark_scale_factor=N, default 10);
#             low  = min + tmp, high = low + tmp;
#   protection (lowmem_reserve) of zone i against zone j: the managed pages
#   of zones i+1..j divided by 256 (DMA, DMA32) or 32 (Normal).
# Prints "ok NAME" or "bad NAME: ..." per check.
function isqrt(x,   r) {
	r = int(sqrt(x))
	while (r * r > x) r--
	while ((r + 1) * (r + 1) <= x) r++
	return r
}
BEGIN { wsf = 10; user_mfk = -1; split("256 256 32", ratio, " ") }
/^Command line: / {
	if (match($0, /vm\.min_free_kbytes=[0-9]+/)) user_mfk = substr($0, RSTART + 19, RLENGTH - 19) + 0
	if (match($0, /vm\.watermark_scale_factor=[0-9]+/)) wsf = substr($0, RSTART + 26, RLENGTH - 26) + 0
}
/^zone [A-Za-z0-9]+ +present +[0-9]+ managed/ {
	nz++; zname[nz] = $2; managed[nz] = $6; bmin[nz] = $8; blow[nz] = $10; bhigh[nz] = $12
	total += $6
}
/^MemTotal: / { memtotal = $2 }
/^Node 0, zone / { zi = $4 }
zi != "" && $1 == "min" { zmin[zi] = $2 }
zi != "" && $1 == "low" { zlow[zi] = $2 }
zi != "" && $1 == "high" { zhigh[zi] = $2 }
zi != "" && $1 == "managed" { zmanaged[zi] = $2 }
zi != "" && $1 == "protection:" { p = $0; gsub(/[^0-9 ]/, "", p); zprot[zi] = p; seen_zoneinfo = 1 }
END {
	if (!nz) { print "bad: no zone lines"; exit }
	mfk = int(isqrt(total * 4 * 16))
	if (mfk < 128) mfk = 128
	if (mfk > 262144) mfk = 262144
	if (user_mfk >= 0) mfk = user_mfk
	pages_min = int(mfk / 4)
	for (z = 1; z <= nz; z++) {
		m = int(pages_min * managed[z] / total)
		tmp = int(m / 4)
		s = int(managed[z] * wsf / 10000)
		if (s > tmp) tmp = s
		want("min-" zname[z], bmin[z], m)
		want("low-" zname[z], blow[z], m + tmp)
		want("high-" zname[z], bhigh[z], m + 2 * tmp)
		if (seen_zoneinfo) {
			want("zoneinfo-min-" zname[z], zmin[zname[z]], m)
			want("zoneinfo-low-" zname[z], zlow[zname[z]], m + tmp)
			want("zoneinfo-high-" zname[z], zhigh[zname[z]], m + 2 * tmp)
			want("zoneinfo-managed-" zname[z], zmanaged[zname[z]], managed[z])
		}
	}
	if (memtotal != "") want("meminfo-memtotal", memtotal, total * 4)
	if (seen_zoneinfo) {	# three zones in order: DMA, DMA32, Normal (Normal may be empty)
		split("DMA DMA32 Normal", names, " ")
		for (i = 1; i <= 3; i++) {
			sum = 0; expect = ""
			for (j = 1; j <= 3; j++) {
				if (j > i) sum += zmanaged[names[j]] + 0
				expect = expect (j > 1 ? " " : "") (j > i && zmanaged[names[i]] > 0 ? int(sum / ratio[i]) : 0)
			}
			got = zprot[names[i]]; gsub(/^ +| +$/, "", got); gsub(/  +/, " ", got)
			want("protection-" names[i], got, expect)
		}
	}
}
