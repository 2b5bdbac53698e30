#!/usr/bin/env bash
# Run engine-recipe.ts once per line of a grid file (a tag, then its flags), appending to OUT.
#   bash scripts/experiments/engine-grid.sh GRID_FILE OUT.jsonl
set -u
grid=$1; out=$2
while read -r tag rest; do
  [ -z "$tag" ] || [ "${tag:0:1}" = "#" ] && continue
  TSX_TSCONFIG_PATH=tsconfig.node.json npx tsx scripts/experiments/engine-recipe.ts --tag "$tag" --out "$out" $rest || echo "failed: $tag" >&2
done < "$grid"
