#!/usr/bin/env bash
# A checkout of an older commit that this venv can run, for reading the same pages with older code:
#
#   bench/at_commit.sh c976524 ../r4
#   PYTHONPATH=../r4 .venv/bin/python ../r4/bench/ocr.py --split heldout ... --dump r4code.jsonl
#
# The venv's editable install maps daiko.<layer> to this tree's top-level folders (setup.py), so a
# plain worktree on PYTHONPATH would still import this tree's forms/, ocr/ …: each layer is linked
# into the worktree's daiko/ package, where the import system finds it first.
set -euo pipefail
commit=${1:?usage: bench/at_commit.sh COMMIT DIR}
dir=${2:?usage: bench/at_commit.sh COMMIT DIR}
git worktree add --detach "$dir" "$commit"
for layer in ocr forms robots schedules reports console cli mocks; do
    if [ -d "$dir/$layer" ]; then ln -s "../$layer" "$dir/daiko/$layer"; fi
done
echo "remove with: git worktree remove --force $dir"
