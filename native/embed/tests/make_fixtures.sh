#!/usr/bin/env bash
# Writes the expected outputs the C++ embedding tests compare against, with the Java implementation
# (`xfer embed`, `xfer predict`) as the oracle.
#
#   native/embed/tests/make_fixtures.sh images     # tests/data/images: the test images as PNG and .npy
#   native/embed/tests/make_fixtures.sh MODEL DIR  # DIR/{embed,embed_timm,probs}.npy + predict.jsonl
#   native/embed/tests/make_fixtures.sh trained DIR
#       # DIR/model.safetensors: a Keras-numerics model made by `xfer train` (1 + 1 epochs on
#       # datasets/fmnist-target/train from models/xception-fmnist5), then its outputs as above;
#       # exits 77 (ctest: skipped) without java or target/xfer.jar
#   native/embed/tests/make_fixtures.sh timm DIR
#       # DIR/model.safetensors: models/xception-fmnist5 without its metadata, i.e. a timm
#       # legacy_xception state dict (timm numerics, 299 px, mean = std = 0.5), then its outputs
#
# Needs target/xfer.jar (mvn package) and a Python 3 with NumPy and Pillow (PYTHON, default
# /usr/bin/python3). The committed set under tests/data/fmnist5 was made with
#   native/embed/tests/make_fixtures.sh images
#   native/embed/tests/make_fixtures.sh models/xception-fmnist5/model.safetensors native/embed/tests/data/fmnist5
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
data="$root/native/embed/tests/data"
python="${PYTHON:-/usr/bin/python3}"
xfer=(java -jar "$root/target/xfer.jar")

if [[ "${1:-}" == "images" ]]; then
  mkdir -p "$data/images"
  # one Fashion-MNIST test image per target class (8-bit grayscale, 28 x 28) and two seeded random RGB
  # images of odd sizes, so resizing up and down and per-image sizes are exercised
  i=0
  for f in ankle-boot/t10k-00068.png bag/$(ls "$root/datasets/fmnist-target/test/bag" | head -1) \
           sandal/$(ls "$root/datasets/fmnist-target/test/sandal" | head -1) \
           shirt/$(ls "$root/datasets/fmnist-target/test/shirt" | head -1) \
           sneaker/$(ls "$root/datasets/fmnist-target/test/sneaker" | head -1); do
    cp "$root/datasets/fmnist-target/test/$f" "$data/images/$i-$(dirname "$f").png"
    i=$((i + 1))
  done
  "$python" - "$data/images" <<'EOF'
import sys, pathlib
import numpy as np
from PIL import Image
d = pathlib.Path(sys.argv[1])
rng = np.random.default_rng(21)
for name, (h, w) in (("5-random", (33, 40)), ("6-random", (96, 80))):
    Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), "RGB").save(d / f"{name}.png")
# what xfer's decoder gives: 8-bit RGB, grey replicated to three channels
for png in sorted(d.glob("*.png")):
    np.save(png.with_suffix(".npy"), np.asarray(Image.open(png).convert("RGB"), dtype=np.uint8))
EOF
  exit 0
fi

if [[ "${1:-}" == "trained" ]]; then
  if ! command -v java >/dev/null || [[ ! -f "$root/target/xfer.jar" ]]; then
    echo "skipped: needs java and target/xfer.jar (mvn package)"
    exit 77
  fi
  rm -rf "$2"
  mkdir -p "$2"
  "${xfer[@]}" train --weights "$root/models/xception-fmnist5/model.safetensors" \
    --data "$root/datasets/fmnist-target/train" --head-epochs 1 --finetune-epochs 1 --threads 1 --out "$2/run"
  cp "$2/run/model.safetensors" "$2/model.safetensors"
  set -- "$2/model.safetensors" "$2"
fi

if [[ "${1:-}" == "timm" ]]; then
  if ! command -v java >/dev/null || [[ ! -f "$root/target/xfer.jar" ]]; then
    echo "skipped: needs java and target/xfer.jar (mvn package)"
    exit 77
  fi
  mkdir -p "$2"
  "$python" - "$root/models/xception-fmnist5/model.safetensors" "$2/model.safetensors" <<'EOF'
import json, struct, sys
with open(sys.argv[1], "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
del header["__metadata__"]
text = json.dumps(header).encode()
with open(sys.argv[2], "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + data)
EOF
  set -- "$2/model.safetensors" "$2"
fi

model="$(realpath "$1")"
mkdir -p "$2"
out="$(realpath "$2")"
cd "$data/images"  # relative image names in predict.jsonl
images=(*.png)
"${xfer[@]}" embed --weights "$model" --out "$out/embed.npy" "${images[@]}"
"${xfer[@]}" embed --weights "$model" --numerics timm --out "$out/embed_timm.npy" "${images[@]}"
"${xfer[@]}" predict --model "$model" --json --top-k 1000 "${images[@]}" >"$out/predict.jsonl"
"${xfer[@]}" predict --model "$model" "${images[@]}" >"$out/predict.txt"
# the probabilities of every class in class order, as float32 (xfer prints floats widened to double)
"$python" - "$out" "$model" <<'EOF'
import json, struct, sys, pathlib
import numpy as np
out, model = pathlib.Path(sys.argv[1]), sys.argv[2]
with open(model, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
if "__metadata__" in header:
    classes = json.loads(header["__metadata__"]["xfer.class_names"])
else:  # timm state dict: xfer predict names the classes by index
    classes = [f"class_{i}" for i in range(header["fc.bias"]["shape"][0])]
rows = []
for line in (out / "predict.jsonl").read_text().splitlines():
    p = {t["class"]: t["probability"] for t in json.loads(line)["top"]}
    rows.append([p[c] for c in classes])
np.save(out / "probs.npy", np.asarray(rows, dtype=np.float32))
EOF
echo "wrote $out"
