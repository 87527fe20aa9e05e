#!/usr/bin/env bash
# Packs the build-time libraries native/ needs and a GPU machine's image may lack into one folder that
# travels with the working tree: libjpeg-turbo's static library and headers (linked into libxfer_kernels)
# and nlohmann_json's headers and CMake package (the C++ embedding library). Run it on a Debian machine
# with libjpeg62-turbo-dev and nlohmann-json3-dev installed; run.sh uses the folder when it exists.
#
#   benchmarks/gpu/pack-deps.sh [DIR]     # default: .gpu-deps in the repository root (git-ignored)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${1:-$root/.gpu-deps}"
rm -rf "$dir"
mkdir -p "$dir/include" "$dir/lib" "$dir/share/cmake"
for h in jpeglib.h jmorecfg.h jerror.h; do cp "/usr/include/$h" "$dir/include/"; done
cp "$(dpkg -L libjpeg62-turbo-dev | grep '/jconfig.h$')" "$dir/include/"
cp "$(dpkg -L libjpeg62-turbo-dev | grep '/libjpeg.a$')" "$dir/lib/"
cp -r /usr/include/nlohmann "$dir/include/"
cp -r /usr/share/cmake/nlohmann_json "$dir/share/cmake/"
du -sh "$dir"
