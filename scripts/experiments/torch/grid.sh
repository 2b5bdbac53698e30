#!/usr/bin/env bash
# Run recipe.py once per line of a grid file (each line: a tag, then recipe.py flags), appending to OUT.
#   bash scripts/experiments/torch/grid.sh GRID_FILE OUT.jsonl
set -u
grid=$1; out=$2
here=$(dirname "$0")
while read -r tag rest; do
  [ -z "$tag" ] || [ "${tag:0:1}" = "#" ] && continue
  /usr/bin/python3 "$here/recipe.py" --tag "$tag" --out "$out" $rest || echo "failed: $tag" >&2
done < "$grid"
