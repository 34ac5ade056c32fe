#!/usr/bin/env bash
# Make sure the Debian packages a target needs are present: installs them when run as root,
# otherwise prints the exact command to run and fails.
#   python - a Python >= 3.11 with venv;  test - PostgreSQL, redis-server, chromium;  bench - those and wrk
# Optional everywhere, required for test: a CJK font, for the Chinese half of visa invitation letters.
set -euo pipefail
target=${1:?usage: system-packages.sh python|test|bench}
missing=()
optional=()

# The fonts podium/platform/registration/visa_letter.py looks for (VISA_CJK_FONT can name another).
have_cjk_font() {
  local font
  for font in /usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc \
      /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc \
      /usr/share/fonts/truetype/arphic/uming.ttc; do
    [ -f "$font" ] && return 0
  done
  return 1
}

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; }

case "$target" in
  python)
    py=${PYTHON:-python3}
    if ! command -v "$py" >/dev/null; then missing+=(python3 python3-venv)
    elif ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "Podium needs Python 3.11 or newer; $py is $("$py" -V 2>&1). Set PYTHON=/path/to/python3.11." >&2; exit 1
    elif ! "$py" -c 'import ensurepip, venv' 2>/dev/null; then missing+=(python3-venv)
    fi
    have_cjk_font || optional+=(fonts-wqy-microhei) ;;
  test|bench)
    have_postgres || missing+=(postgresql)
    command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    have_cjk_font || missing+=(fonts-wqy-microhei)
    if [ "$target" = bench ]; then command -v wrk >/dev/null || missing+=(wrk); fi ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac

wanted=("${missing[@]}" "${optional[@]}")
[ ${#wanted[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${wanted[*]} with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${wanted[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${wanted[@]}" >/dev/null; }
  # Debian starts a system-wide PostgreSQL and Redis on install; the tests use their own throwaway ones.
  exit 0
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "Without a CJK font, visa invitation letters are in English only. For both languages: sudo apt-get install ${optional[*]}" >&2
  exit 0
fi
echo "Missing system packages. Install them with:" >&2
echo "  sudo apt-get install ${missing[*]}" >&2
exit 1
