#!/usr/bin/env sh
# The example program prints exactly what `xfer predict` printed for the same model and PNG images.
#   check_example.sh XFER_PREDICT_CPP MODEL IMAGES_DIR EXPECTED_TXT
# Exits 77 (ctest: skipped) when the expected output was not made.
set -eu
[ -f "$4" ] || { echo "skipped: no $4 (the Java fixtures were not made)"; exit 77; }
cd "$3"
"$1" --model "$2" *.png >"${TMPDIR:-/tmp}/xfer-predict-cpp.$$.txt"
if diff -u "$4" "${TMPDIR:-/tmp}/xfer-predict-cpp.$$.txt"; then
  echo "xfer-predict-cpp printed what xfer predict printed ($(wc -l <"$4") images)"
  rm -f "${TMPDIR:-/tmp}/xfer-predict-cpp.$$.txt"
else
  rm -f "${TMPDIR:-/tmp}/xfer-predict-cpp.$$.txt"
  exit 1
fi
