#!/bin/sh
# Install the Debian packages named as arguments that are not installed yet.
# As root: apt-get install (after apt-get update when a package is not found).
# Otherwise: one line with the exact command, and a non-zero status.
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "mmulab: missing packages:$missing; run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "mmulab: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q $missing >/dev/null 2>&1 ||
	{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $missing >/dev/null; } ||
	{ echo "mmulab: could not install$missing; run: apt-get update && apt-get install -y$missing" >&2; exit 1; }
