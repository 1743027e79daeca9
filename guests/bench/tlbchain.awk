# tlbchain.awk — the pointer chain of guests/bench/tlbbench.c, redone on
# the host from its construction, to predict the kernel's last line:
#   awk -v accesses=N -f guests/bench/tlbchain.awk
# prints "tlbbench: final %016x", the slot reached after N steps from page
# 0 (the chain is one cycle, so only N mod 8192 matters).  Park–Miller
# (x <- x * 48271 mod 2^31 - 1, seed 12345) and Sattolo's shuffle over 8192
# pages, exactly as in tlbbench.c; every intermediate value stays below
# 2^47, so double-precision awk (mawk, gawk) computes it exactly.
function slot(k) { return 1073741824 + k * 4096 + (k % 64) * 64 }
BEGIN {
	pages = 8192
	x = 12345
	for (i = 0; i < pages; i++)
		order[i] = i
	for (i = pages - 1; i > 0; i--) {
		x = (x * 48271) % 2147483647
		j = x % i
		t = order[i]; order[i] = order[j]; order[j] = t
	}
	k = 0
	for (n = 0; n < accesses % pages; n++)
		k = order[k]
	printf "tlbbench: final %016x\n", slot(k)
}
