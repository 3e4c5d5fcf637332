# Shared by bin/run and bin/test: find Python, make the virtual environment, install the project.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${PORTAL_VENV:-$ROOT/.venv}"

need() {  # need COMMAND "how to install it"
  command -v "$1" >/dev/null 2>&1 || { echo "缺少 $1 / missing $1: $2" >&2; exit 1; }
}

python_ok() {
  "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then PYTHON="$candidate"; break; fi
  done
fi
[ -n "$PYTHON" ] || { echo "需要 Python 3.11 或更高版本及 venv 模块（Debian: apt-get install python3 python3-venv）/ Python >= 3.11 with venv is required" >&2; exit 1; }

ensure_venv() {  # ensure_venv EXTRAS
  local stamp="$VENV/.installed-$1"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet ".$1"
    touch "$stamp"
  fi
}

check_weasyprint_libs() {
  "$VENV/bin/python" -c 'import weasyprint' 2>/dev/null || {
    echo "WeasyPrint 需要 Pango 库（Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk）" >&2
    echo "WeasyPrint needs Pango (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk)" >&2
    exit 1
  }
}
