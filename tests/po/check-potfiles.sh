#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails when a source file with translatable strings is missing from
# po/POTFILES.in: its strings would never reach the translators.
#
# Usage: check-potfiles.sh SOURCE_ROOT [XGETTEXT_OPTION…] -- SOURCE_FILE…

set -eu

if ! command -v xgettext >/dev/null; then
  echo "xgettext not found: skipped"
  exit 77
fi

root=$(cd "$1" && pwd -P)
shift
options=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  options="$options $1"
  shift
done
[ $# -gt 0 ] && shift

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One pass over every file; the references of the messages name the files
# that have some.
# shellcheck disable=SC2086 # the options are words on purpose
xgettext --from-code=UTF-8 $options --output="$tmp/sources.pot" "$@"
touch "$tmp/sources.pot"
sed -n 's/^#: //p' "$tmp/sources.pot" | tr ' ' '\n' | sed 's/:[0-9]*$//' | sort -u >"$tmp/files"

status=0
while read -r file; do
  [ -n "$file" ] || continue
  path=$(cd "$(dirname "$file")" && pwd -P)/$(basename "$file")
  relative=${path#"$root"/}
  if ! grep -qx "$relative" "$root/po/POTFILES.in"; then
    echo "$relative has translatable strings but is not in po/POTFILES.in" >&2
    status=1
  fi
done <"$tmp/files"
if [ $status -eq 0 ]; then
  echo "$# files: every one with translatable strings is in po/POTFILES.in"
fi
exit $status
