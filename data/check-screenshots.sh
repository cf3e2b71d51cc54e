#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every screenshot the metainfo shows (…/main/data/screenshots/NAME.png)
# is in the source tree and is a PNG image, so the store page never
# points at a missing file once pushed.
#
# Usage: check-screenshots.sh METAINFO DATA_DIR

set -eu

metainfo=$1
data_dir=$2
status=0
count=0

for name in $(sed -n 's#.*<image>[^<]*/data/screenshots/\([^<]*\)</image>.*#\1#p' "$metainfo"); do
  count=$((count + 1))
  file="$data_dir/screenshots/$name"
  if [ ! -f "$file" ]; then
    echo "missing: $file" >&2
    status=1
  elif [ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
    echo "not a PNG image: $file" >&2
    status=1
  fi
done
if [ "$count" -eq 0 ]; then
  echo "no screenshot found in $metainfo" >&2
  exit 1
fi
[ "$status" -eq 0 ] && echo "$count screenshots present"
exit $status
