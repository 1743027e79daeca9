# check.awk — what every numbers check (workloads.awk, oom.awk, swap.awk,
# ...) shares; the tiers load it first: awk -f check.awk -f NAME.awk.
#   want(NAME, GOT, EXPECTED)  prints "ok NAME" or "bad NAME: got ..., expected ..."
#   after(KEY)                 the number after "KEY " on the current line
#                              (with its sign), or "none"; add 0 before
#                              comparing it as a number ("none" + 0 is 0)
function want(name, got, expected) {
	if (got == expected) print "ok " name
	else print "bad " name ": got " got ", expected " expected
}
function after(key,   s) {
	if (!match($0, key " [-+]?[0-9]+")) return "none"
	s = substr($0, RSTART + length(key) + 1, RLENGTH - length(key) - 1)
	return s + 0
}
