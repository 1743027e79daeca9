#!/bin/sh
# The guest OS's user side, run natively: the programs of guests/os/user/
# follow the Linux x86-64 ABI, so on a Linux x86-64 host they run directly,
# and what must hold on any Linux-like kernel is checked here — libtest's
# checks of the C library, the fault counts of demand, cow and brk (exact on
# Linux too once transparent huge pages are out), mmapthr's brk/mmap
# placement, maps' order of regions and its agreement with /proc/self/maps,
# segv's children killed by signal 11, the shell and init.  Then the initrd: its entries decoded here from the
# cpio "newc" bytes (and listed by cpio -t when installed) must be exactly
# the stripped programs and the scripts.
#   PASS|FAIL|SKIP osuser NAME
build="$1"
os="$build/guests/os"
bin="$os/bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$bin/sh" ] || [ ! -f "$os/initrd.cpio" ]; then
	echo "SKIP osuser ($os not built)"
	exit 0
fi

# check NAME FILE PATTERN...: every grep pattern must match a line of FILE.
check() {
	name="$1" file="$2"
	shift 2
	for pat in "$@"; do
		if ! grep -q -- "$pat" "$file"; then
			echo "FAIL osuser $name (no line matching '$pat')"
			sed 's/^/    /' "$file" | head -n 20
			return
		fi
	done
	echo "PASS osuser $name"
}

# field FILE PATTERN N: the Nth word of the first line matching PATTERN.
field() {
	grep -- "$2" "$1" | head -n 1 | awk -v n="$3" '{ print $n }'
}

if [ "$(uname -sm)" = "Linux x86_64" ]; then
	# libtest: the user C library's own checks (printf, strings, malloc).
	"$bin/libtest" >"$tmp/libtest" 2>&1
	check libtest "$tmp/libtest" '^libtest: [0-9]* passed, 0 failed$'

	# demand: 64 MiB = 16384 pages, one fault per page and phase; the read
	# phase maps the zero page (no RSS), the write phase allocates (Linux
	# starts ru_maxrss at the pre-exec peak, hence the margin).
	"$bin/demand" >"$tmp/demand" 2>&1
	check demand "$tmp/demand" \
		'^demand: mmap:  minflt +0, maxrss +0 KiB$' \
		'^demand: read:  minflt +16384, maxrss +0 KiB' \
		'^demand: write: minflt +16384, maxrss +'
	wrss=$(field "$tmp/demand" '^demand: write:' 6 | tr -d +)
	if [ "${wrss:-0}" -ge $((65536 - 8192)) ] && [ "${wrss:-0}" -le $((65536 + 1024)) ]; then
		echo "PASS osuser demand rss"
	else
		echo "FAIL osuser demand rss (write phase maxrss +$wrss KiB, want ~65536)"
	fi

	# cow: 1024 pages; the child reads for free, writes 512 with 512 faults.
	"$bin/cow" >"$tmp/cow" 2>&1
	echo "exit $?" >>"$tmp/cow"
	check cow "$tmp/cow" \
		'^cow: child read 1024 pages: minflt +0, values ok$' \
		'^cow: child wrote 512 pages: minflt +512 (COW faults), values ok$' \
		'^cow: child exited with status 0$' \
		"^cow: parent's pages after the child wrote: unchanged$" \
		'^cow: parent wrote 1024 pages again: minflt +1024 ' '^exit 0$'

	"$bin/brk" >"$tmp/brk" 2>&1
	check brk "$tmp/brk" \
		'^brk: sbrk(+256 KiB): break .* minflt +0$' \
		'^brk: first touch of 64 pages: minflt +64$' \
		'^brk: second touch: minflt +0$' \
		'above the break) killed by signal 11 (SIGSEGV)$' \
		'^brk: sbrk(+128 KiB) again: 0 of 32 pages nonzero, minflt +32 '

	# mmapthr: three blocks in the heap, two in separate mappings that do
	# not overlap; a freed mapping is gone, a freed heap block is not.
	"$bin/mmapthr" >"$tmp/mmapthr" 2>&1
	check mmapthr "$tmp/mmapthr" \
		'^mmapthr: malloc(64) = 0x[0-9a-f]* in the brk heap$' \
		'^mmapthr: malloc(4096) = 0x[0-9a-f]* in the brk heap$' \
		'^mmapthr: malloc(100000) = 0x[0-9a-f]* in the brk heap$' \
		'^mmapthr: malloc(200000) = 0x[0-9a-f]* in its own mmap region$' \
		'^mmapthr: malloc(8388608) = 0x[0-9a-f]* in its own mmap region$' \
		'200000-byte block: child killed by signal 11 (SIGSEGV)$' \
		'100000-byte block: child exited with status 0$'
	a=$(field "$tmp/mmapthr" 'malloc(200000)' 4)
	b=$(field "$tmp/mmapthr" 'malloc(8388608)' 4)
	if [ -n "$a" ] && [ -n "$b" ] &&
		{ [ $((a + 200000)) -le $((b)) ] || [ $((b + 8388608)) -le $((a)) ]; }; then
		echo "PASS osuser mmapthr separate"
	else
		echo "FAIL osuser mmapthr separate ($a, $b overlap)"
	fi

	# maps: .text < .rodata < .data < .bss < heap < mmap < stack, no overlap.
	"$bin/maps" >"$tmp/maps" 2>&1
	check maps "$tmp/maps" '^maps: all 7 regions agree with /proc/self/maps$'
	order=$(awk '/^[0-9a-f]*-[0-9a-f]* / { print $NF }' "$tmp/maps" | tr '\n' ' ')
	prev=0 ok=1
	for r in $(awk '/^[0-9a-f]*-[0-9a-f]* / { sub("-", " "); print $1, $2 }' "$tmp/maps"); do
		[ $((0x$r)) -ge "$prev" ] || ok=0
		prev=$((0x$r))
	done
	if [ "$ok" = 1 ] && [ "$order" = ".text .rodata .data .bss [heap] [mmap] [stack] " ]; then
		echo "PASS osuser maps order"
	else
		echo "FAIL osuser maps order ($order)"
		sed 's/^/    /' "$tmp/maps"
	fi

	"$bin/segv" >"$tmp/segv" 2>&1
	echo "exit $?" >>"$tmp/segv"
	check segv "$tmp/segv" \
		'^segv: null   NULL dereference: child killed by signal 11 (SIGSEGV)$' \
		'^segv: text   write to read-only .text: child killed by signal 11 (SIGSEGV)$' \
		'^segv: stack  execute from the NX stack: child killed by signal 11 (SIGSEGV)$' \
		'^segv: kernel read of a kernel address: child killed by signal 11 (SIGSEGV)$' \
		'alive, 4 of 4 children killed by SIGSEGV$' '^exit 0$'

	# sh: builtins, quoting, comments, $?, PATH lookup, a child killed by
	# SIGSEGV (the shell goes on), a missing program, exit N; init runs it.
	cat >"$tmp/script" <<-'SCRIPT'
	# a comment line
	echo hello   "two  words" 'x' # trailing comment
	mmapthr
	segv -x null
	echo after segv $?
	no-such-program
	echo after missing $?
	exit 3
	echo not reached
	SCRIPT
	PATH="$bin" "$bin/sh" -x "$tmp/script" >"$tmp/sh" 2>&1
	echo "exit $?" >>"$tmp/sh"
	check sh "$tmp/sh" '^+ echo hello' '^hello two  words x$' \
		'^mmapthr: malloc(64) = ' '^sh: segv (pid [0-9]*) killed by signal 11 (SIGSEGV)$' \
		'^after segv 139$' '^sh: no-such-program: not found$' '^after missing 127$' \
		'^exit 3$'
	if grep -q 'not reached' "$tmp/sh"; then
		echo "FAIL osuser sh exit (ran past exit)"
	fi
	PATH="$bin" "$bin/init" "$tmp/script" >"$tmp/init" 2>&1
	echo "exit $?" >>"$tmp/init"
	check init "$tmp/init" '^hello two  words x$' '^after segv 139$' '^exit 3$'

	# The /proc viewers against the host's own /proc, read independently:
	# meminfo's MemTotal line, buddyinfo's zones in order, vmstat's pgfault
	# not below the count read before it ran, ps's line for pid 1 (its
	# comm from /proc/1/stat) and for itself, and pmap of a process
	# stopped in read(2): one line per /proc/PID/maps line with its start
	# and size, and the total of those sizes.
	"$bin/meminfo" >"$tmp/meminfo"
	if [ "$(grep '^MemTotal:' "$tmp/meminfo" | tr -s ' ')" = "$(grep '^MemTotal:' /proc/meminfo | tr -s ' ')" ]; then
		echo "PASS osuser meminfo"
	else
		echo "FAIL osuser meminfo ($(head -1 "$tmp/meminfo"))"
	fi
	"$bin/buddyinfo" >"$tmp/buddyinfo"
	if [ -s "$tmp/buddyinfo" ] &&
	   [ "$(awk '{ print $1, $2, $4 }' "$tmp/buddyinfo")" = "$(awk '{ print $1, $2, $4 }' /proc/buddyinfo)" ]; then
		echo "PASS osuser buddyinfo"
	else
		echo "FAIL osuser buddyinfo"
	fi
	before=$(awk '$1 == "pgfault" { print $2 }' /proc/vmstat)
	"$bin/vmstat" >"$tmp/vmstat"
	after=$(awk '$1 == "pgfault" { print $2 }' "$tmp/vmstat")
	if [ -n "$after" ] && [ "$after" -ge "$before" ] && grep -q '^pgmajfault [0-9]' "$tmp/vmstat"; then
		echo "PASS osuser vmstat"
	else
		echo "FAIL osuser vmstat (pgfault $after, before $before)"
	fi
	"$bin/ps" >"$tmp/ps"
	comm1=$(sed 's/^[0-9]* (\(.*\)) .*/\1/' /proc/1/stat)
	if awk -v c="$comm1" '$1 == 1 && $2 == c { one = 1 } $2 == "ps" { me = 1 } END { exit !(one && me) }' "$tmp/ps"; then
		echo "PASS osuser ps"
	else
		echo "FAIL osuser ps (no line for pid 1 ($comm1) or for ps)"
		head -3 "$tmp/ps" | sed 's/^/    /'
	fi
	mkfifo "$tmp/fifo"
	exec 3<>"$tmp/fifo"	# a writer that never writes: sh waits in read(2)
	"$bin/sh" <"$tmp/fifo" >/dev/null 2>&1 &
	pid=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do
		grep -q 'rw-p.*\[stack\]' /proc/$pid/maps 2>/dev/null &&
			[ "$(cat /proc/$pid/comm 2>/dev/null)" = sh ] && break
		sleep 0.1
	done
	"$bin/pmap" "$pid" >"$tmp/pmap" 2>&1
	# (hex by hand: mawk has no strtonum; page-aligned values are exact
	# in a double)
	awk 'function hex(s,  v, i) { for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
	     { split($1, r, "-"); print substr("0000000000000000" r[1], length(r[1]) + 1), (hex(r[2]) - hex(r[1])) / 1024 }' \
		/proc/$pid/maps >"$tmp/pmap.want" 2>/dev/null
	awk 'length($1) == 16 && $1 ~ /^[0-9a-f]+$/ { print $1, $2 }' "$tmp/pmap" >"$tmp/pmap.got"
	total=$(awk '{ t += $2 } END { print t }' "$tmp/pmap.want")
	if [ -s "$tmp/pmap.want" ] && cmp -s "$tmp/pmap.want" "$tmp/pmap.got" &&
	   grep -q "^total kB  *$total " "$tmp/pmap" && grep -q "^$pid:   sh$" "$tmp/pmap"; then
		echo "PASS osuser pmap"
	else
		echo "FAIL osuser pmap (pid $pid)"
		diff "$tmp/pmap.want" "$tmp/pmap.got" | head -5 | sed 's/^/    /'
		head -3 "$tmp/pmap" | sed 's/^/    /'
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	exec 3>&-

	# The thread library on Linux's own clone, futex, exit_group (issue 7):
	# every check of threads.c; mmapstorm's reads all checked, none stale,
	# on Linux's own shootdowns; tlbstale's reader sees the new page (no
	# bug switch here); pcidswitch runs its phases (Linux shows no mmulab
	# counters).
	"$bin/threads" >"$tmp/threads" 2>&1
	check threads "$tmp/threads" '^threads: [0-9]* passed, 0 failed$'
	"$bin/mmapstorm" 20000 >"$tmp/mmapstorm" 2>&1
	echo "exit $?" >>"$tmp/mmapstorm"
	check mmapstorm "$tmp/mmapstorm" '^mmapstorm: [0-9]* generations, 20000 reads checked, 0 stale$' \
		'^mmapstorm: no stale reads$' '^exit 0$'
	"$bin/tlbstale" >"$tmp/tlbstale" 2>&1
	if [ "$(nproc)" -ge 2 ]; then
		check tlbstale "$tmp/tlbstale" 'the reader then read "new!": 0 stale reads$'
	else
		check tlbstale "$tmp/tlbstale" '^tlbstale: needs 2 CPUs'
	fi
	"$bin/pcidswitch" 10 >"$tmp/pcidswitch" 2>&1
	echo "exit $?" >>"$tmp/pcidswitch"
	check pcidswitch "$tmp/pcidswitch" '^pcidswitch: 4 processes on CPU [0-9]*, 10 rounds: ' \
		'^pcidswitch: 8 processes on CPU [0-9]*, 10 rounds: ' '^exit 0$'
else
	echo "SKIP osuser workloads (need Linux x86_64 to run them natively)"
fi

# The ELF contract with the guest kernel's loader: static ELF64 executables,
# every PT_LOAD page-aligned in the file and in memory, a non-executable stack.
if command -v readelf >/dev/null; then
	bad=""
	for p in "$bin"/*; do
		readelf -lhW "$p" >"$tmp/elf" 2>&1
		grep -q 'Type: *EXEC' "$tmp/elf" && grep -q 'Class: *ELF64' "$tmp/elf" &&
			! grep -q 'INTERP\|DYNAMIC' "$tmp/elf" &&
			grep -q 'GNU_STACK .* RW  ' "$tmp/elf" &&
			awk '$1 == "LOAD" && ($2 !~ /000$/ || $3 !~ /000$/) { exit 1 }' "$tmp/elf" ||
			bad="$bad ${p##*/}"
	done
	if [ -z "$bad" ]; then
		echo "PASS osuser elf layout"
	else
		echo "FAIL osuser elf layout:$bad"
	fi
else
	echo "SKIP osuser elf layout (no readelf)"
fi

# The initrd, decoded here byte by byte: a 110-byte header ("070701", then
# 13 hex fields of 8: ino mode uid gid nlink mtime filesize devmajor
# devminor rdevmajor rdevminor namesize check), name + NUL to a multiple of
# 4, data to a multiple of 4, until "TRAILER!!!".
cpio="$os/initrd.cpio"
# Wanted: the staging tree the archive was made from (sorted names), which
# must hold bin/ with every program and every script of guests/os/user.
want=$(cd "$os/initrd" && find . -mindepth 1 | sed 's|^\./||' | sort | tr '\n' ' ')
off=0 got="" bad=""
for p in "$bin"/* guests/os/user/*.sh; do
	case "$p" in *.sh) e="${p##*/}" ;; *) e="bin/${p##*/}" ;; esac
	case " $want" in *" $e "*) ;; *) bad="$bad missing:$e" ;; esac
done
while :; do
	hdr=$(tail -c +$((off + 1)) "$cpio" | head -c 110)
	if [ "$(printf %s "$hdr" | cut -c1-6)" != 070701 ]; then
		bad="$bad bad-magic@$off"
		break
	fi
	mode=$((0x$(printf %s "$hdr" | cut -c15-22)))
	size=$((0x$(printf %s "$hdr" | cut -c55-62)))
	nsize=$((0x$(printf %s "$hdr" | cut -c95-102)))
	name=$(tail -c +$((off + 111)) "$cpio" | head -c $((nsize - 1)))
	data=$(((off + 110 + nsize + 3) / 4 * 4))
	[ "$name" = "TRAILER!!!" ] && break
	got="$got$name
"
	if [ $((mode & 0170000)) = $((0100000)) ]; then
		src="$os/initrd/$name"
		tail -c +$((data + 1)) "$cpio" | head -c "$size" >"$tmp/entry"
		cmp -s "$tmp/entry" "$src" || bad="$bad $name"
		case "$name" in bin/*) [ -x "$src" ] && [ $((mode & 0111)) != 0 ] || bad="$bad $name-mode" ;; esac
	fi
	off=$(((data + size + 3) / 4 * 4))
done
got=$(printf %s "$got" | sort | tr '\n' ' ')
if [ "$got" = "$want" ] && [ -z "$bad" ]; then
	echo "PASS osuser initrd decoded"
else
	echo "FAIL osuser initrd decoded (got '$got', want '$want'$bad)"
fi
tools_list=$("$os/tools/mkinitrd" -t "$cpio" | awk '{ print $3 }' | sort | tr '\n' ' ')
if [ "$tools_list" = "$want" ]; then
	echo "PASS osuser initrd mkinitrd -t"
else
	echo "FAIL osuser initrd mkinitrd -t ($tools_list)"
fi
if command -v cpio >/dev/null; then
	list=$(cpio -t --quiet <"$cpio" 2>&1 | sort | tr '\n' ' ')
	if [ "$list" = "$want" ]; then
		echo "PASS osuser initrd cpio -t"
	else
		echo "FAIL osuser initrd cpio -t ($list)"
	fi
else
	echo "SKIP osuser initrd cpio -t (cpio not installed)"
fi
exit 0
