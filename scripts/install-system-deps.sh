#!/usr/bin/env bash
# Installs the Debian packages the portal needs, only those that are missing.
#   Pango + libharfbuzz-subset0: WeasyPrint (without harfbuzz-subset, CJK fonts subset ~45x slower)
#   fonts-noto-cjk: Chinese glyphs in PDFs; fonts-dejavu-core: the certificates' verification code;
#    poppler-utils: pdftoppm to check PDFs as images
#   chromium: browser tests;  gettext: compiling the translation catalogues
#   postgresql-client: pg_dump and pg_restore for manage.py backup / restore
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-dejavu-core poppler-utils chromium gettext postgresql-client)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "error: run as root or install: apt-get install ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
${SUDO:-} apt-get update -qq
${SUDO:-} apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
