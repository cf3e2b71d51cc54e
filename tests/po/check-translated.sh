#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails when a translatable string of the given source files has no
# translation (or only a fuzzy one) in one of the languages of po/LINGUAS.
#
# Usage: check-translated.sh PO_DIR SOURCE_FILE...

set -eu

if ! command -v xgettext >/dev/null || ! command -v msgcmp >/dev/null; then
  echo "xgettext or msgcmp not found: skipped"
  exit 77
fi

po_dir=$1
shift

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

xgettext --from-code=UTF-8 --output="$tmp/sources.pot" "$@"

status=0
for lang in $(sed -e 's/#.*//' "$po_dir/LINGUAS"); do
  # Strings of other source files are "not used" here: not worth a line.
  if msgcmp "$po_dir/$lang.po" "$tmp/sources.pot" 2>"$tmp/msgcmp.log"; then
    echo "$lang: every string is translated"
  else
    grep -v 'warning: this message is not used' "$tmp/msgcmp.log" >&2 || true
    echo "$lang: the strings above have no translation" >&2
    status=1
  fi
done
exit $status
