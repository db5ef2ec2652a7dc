#!/usr/bin/env bash
# The Debian packages the tests need beside node_modules. Run by `npm test` (pretest) and so by `.ci/run`.
# Missing ones are installed with apt-get when this runs as root; otherwise it stops at once, one line per piece.
set -euo pipefail

missing=()
why=()
need() { missing+=("$1"); why+=("$2"); }

# Playwright drives Debian's Chromium (its own browser download cannot work offline); its SwiftShader ICD is
# also what Dawn uses for WebGPU in Node (src/cli/node/nodeBackends.ts).
[ -x /usr/bin/chromium ] || need chromium "/usr/bin/chromium (e2e tests, SwiftShader for WebGPU in Node)"
# Dawn (the 'webgpu' npm package) loads the Vulkan loader by name; without it every Node WebGPU test fails.
# (grep reads the whole list: with -q it would stop at the match, ldconfig would die of SIGPIPE, and pipefail
# would count the found library as missing.)
ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1 ' >/dev/null || need libvulkan1 "libvulkan.so.1 (Dawn's Vulkan loader, WebGPU in Node)"
# The PyTorch parity tests use Debian's torch at /usr/bin/python3 (pyenv's python3 has none).
/usr/bin/python3 -c 'import torch' 2>/dev/null || need python3-torch "python3-torch (PyTorch parity tests)"
/usr/bin/python3 -c 'import torchvision' 2>/dev/null || need python3-torchvision "python3-torchvision (PyTorch parity tests)"

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ -z "${SYSTEM_DEPS_TRIED:-}" ]; then
  echo "system-deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # dlopen finds libvulkan through ld.so.cache, which a deferred dpkg trigger may not have refreshed yet.
  ldconfig
  # Check again: an install that did not give what is needed must still stop here, with the lines below.
  SYSTEM_DEPS_TRIED=1 exec bash "$0"
fi

for i in "${!missing[@]}"; do
  echo "system-deps: missing ${why[$i]}: sudo apt-get install -y ${missing[$i]}" >&2
done
echo "system-deps: all at once: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
exit 1
