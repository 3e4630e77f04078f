#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter, or explain and fail.
# Order: $PYTHON, python3.13/python3.12 on PATH (only if they really run), then pyenv's installs.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
cands=()
[ -n "${PYTHON:-}" ] && cands+=("$PYTHON")
for v in 3.12 3.13 3.14; do
  p=$(command -v "python$v" 2>/dev/null) && cands+=("$p")
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for p in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3.1[2-9] 2>/dev/null | sort -V); do cands+=("$p"); done
fi
for p in /root/.pyenv/versions/3.1[2-9]*/bin/python3.1[2-9] /usr/bin/python3.1[2-9] /usr/local/bin/python3.1[2-9]; do
  [ -x "$p" ] && cands+=("$p")
done
for p in "${cands[@]}"; do
  if ok "$p"; then echo "$p"; exit 0; fi
done
echo "error: Stormdesk needs Python >= 3.12 (Mesa 3.5 requires it) and none was found." >&2
echo "       Install one (e.g. 'pyenv install 3.12'), or set PYTHON=/path/to/python3.12." >&2
exit 1
