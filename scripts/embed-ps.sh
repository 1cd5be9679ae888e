#!/bin/sh
# Turns the PowerShell scripts in backends/ps/ into C string literals, so
# the readable .ps1 files are what crossvisor sends, byte for byte.
set -eu
echo "/* Generated from the .ps1 files of backends/ps/ by scripts/embed-ps.sh: do not edit. */"
echo "#include \"backends/hyperv_scripts.h\""
echo
echo "const struct hv_script hv_scripts[] = {"
for f in "$@"; do
	name=$(basename "$f" .ps1)
	printf '\t{ "%s",\n' "$name"
	# Escape backslashes, quotes and '?' (no trigraphs under -std=c11).
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' \
	    -e 's/^/\t    "/' -e 's/$/\\n"/' "$f"
	printf '\t},\n'
done
echo "	{ NULL, NULL }"
echo "};"
