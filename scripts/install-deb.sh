#!/usr/bin/env bash
# Builds LiMuon Lab's Debian package, installs it on this machine and smoke-tests the installed program.
# For a Debian bookworm machine, as root (or with sudo). Not part of the test suite. Safe to run again: it
# rebuilds what changed, makes a fresh .deb and reinstalls it.
#
#   bash scripts/install-deb.sh              # setup.sh, configure + build (release preset), cpack, install, check
#   bash scripts/install-deb.sh --deb FILE   # skip the build: install FILE and check it
#
# Settings (environment):
#   LIMUON_DEB_CMAKE_ARGS  extra arguments for `cmake --preset release` (default: -DLIMUON_BUILD_GUI=ON)
#   LIMUON_DEMO_SCRIPT     the demo script the window runs under Xvfb (default: default)
#   LIMUON_DEMO_OUT        where the demo writes (default: /tmp/limuon-deb-smoke)
set -euo pipefail
cd "$(dirname "$0")/.."

# --- What the smoke test runs; adjust here ----------------------------------------------------------------
bin=/usr/bin/limuon-lab
demo_script="${LIMUON_DEMO_SCRIPT:-default}"
demo_out="${LIMUON_DEMO_OUT:-/tmp/limuon-deb-smoke}"
demo_args=(--demo "$demo_script" --demo-out "$demo_out")
demo_screenshot="$demo_out/curves.png"
demo_min_bytes=10240
demo_timeout_s=600
xvfb_screen="-screen 0 1600x1000x24"
read -r -a cmake_args <<< "${LIMUON_DEB_CMAKE_ARGS--DLIMUON_BUILD_GUI=ON}"

say() { echo "== install-deb: $*"; }
fail() { echo "install-deb: FAILED: $*" >&2; exit 1; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

deb=""
if [ "${1:-}" = "--deb" ]; then
  if [ -z "${2:-}" ] || [ ! -f "$2" ]; then fail "--deb needs an existing .deb file"; fi
  deb="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
elif [ $# -gt 0 ]; then
  fail "unknown argument '$1' (usage: install-deb.sh [--deb FILE])"
fi

# --- Build the package ----------------------------------------------------------------------------------------
if [ -z "$deb" ]; then
  say "installing build dependencies (scripts/setup.sh)"
  bash scripts/setup.sh

  say "configuring (cmake --preset release ${cmake_args[*]})"
  cmake --preset release "${cmake_args[@]}" > /dev/null

  say "building limuon-lab"
  cmake --build --preset release -j "$(nproc)" --target limuon-lab

  say "packaging (cpack -G DEB in build/release)"
  rm -f build/release/limuon-lab_*.deb
  (cd build/release && cpack -G DEB)
  debs=(build/release/limuon-lab_*.deb)
  if [ ${#debs[@]} -ne 1 ] || [ ! -f "${debs[0]}" ]; then
    fail "cpack made no single limuon-lab_*.deb in build/release"
  fi
  deb="$(pwd)/${debs[0]}"
fi
version="$(dpkg-deb -f "$deb" Version)"
say "package: $deb (version $version)"
dpkg-deb -f "$deb" Depends Recommends

# --- Install it -----------------------------------------------------------------------------------------------
# apt reads local files as the user _apt: give it a copy it can read, so it needs no unsandboxed download.
staging="$(mktemp -d /tmp/limuon-deb.XXXXXX)"
trap 'rm -rf "$staging"' EXIT
cp "$deb" "$staging/"
chmod 755 "$staging"
chmod 644 "$staging/$(basename "$deb")"
say "installing with apt-get (it resolves the Depends)"
install_deb() {
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --reinstall "$staging/$(basename "$deb")"
}
if ! install_deb; then
  say "apt-get failed; updating the package lists and trying again"
  $sudo apt-get update -qq
  install_deb
fi
installed="$(dpkg-query -W -f='${Version}' limuon-lab)"
[ "$installed" = "$version" ] || fail "dpkg says limuon-lab $installed is installed, expected $version"

# --- Smoke test the installed program ------------------------------------------------------------------------
say "checking $bin --version"
[ -x "$bin" ] || fail "$bin is missing or not executable"
out="$("$bin" --version 2>&1)" || fail "$bin --version exited with $?: $out"
echo "$out"
upstream_version="${version%%-*}"
grep -qF "$upstream_version" <<< "$out" || fail "$bin --version does not print $upstream_version"

say "checking $bin settings"
out="$("$bin" settings 2>&1)" || fail "$bin settings exited with $?"
grep -q "optimizer" <<< "$out" || fail "$bin settings lists no 'optimizer' setting"
echo "$(wc -l <<< "$out") lines, e.g.: $(grep -m1 "optimizer" <<< "$out")"

if command -v xvfb-run > /dev/null; then
  say "running the window under Xvfb: $bin ${demo_args[*]}"
  rm -rf "$demo_out"
  timeout "$demo_timeout_s" xvfb-run -a -s "$xvfb_screen" "$bin" "${demo_args[@]}" ||
    fail "the demo exited with $? (see the output above)"
  [ -f "$demo_screenshot" ] || fail "the demo wrote no $demo_screenshot"
  size=$(stat -c %s "$demo_screenshot")
  [ "$size" -gt "$demo_min_bytes" ] || fail "$demo_screenshot has $size bytes, expected more than $demo_min_bytes"
  echo "$demo_screenshot: $size bytes"
else
  say "xvfb-run not found: window demo skipped (apt-get install xvfb to run it)"
fi

say "checking the desktop entry, icons and fonts"
if ! command -v desktop-file-validate > /dev/null; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends desktop-file-utils
fi
desktop-file-validate /usr/share/applications/limuon-lab.desktop || fail "desktop-file-validate found errors"
for f in /usr/share/icons/hicolor/{32x32,64x64,128x128,256x256}/apps/limuon-lab.png \
         /usr/share/icons/hicolor/scalable/apps/limuon-lab.svg \
         /usr/share/limuon-lab/fonts/Inter-Regular.otf /usr/share/limuon-lab/fonts/DejaVuSansMono.ttf; do
  [ -s "$f" ] || fail "$f is missing"
done

say "OK: limuon-lab $installed is installed and passed the smoke test"
