#!/usr/bin/env bash
# Runs every Berth test: installs the Debian packages the real-client tests drive (as root, when missing),
# checks formatting, builds, and runs all test projects. Extra arguments go to `dotnet test`.
# Results (TRX) land in TestResults/; .ci/run reads them for its totals line.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(skopeo docker-registry docker.io rpm python3-rpm podman buildah containerd uidmap iptables swift-proxy swift-account swift-container swift-object memcached postgresql-15 chromium python3-prometheus-client docker-compose golang-go python3-packaging mmdebstrap)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    if [ -n "${CI:-}" ]; then
      echo "test.sh: not root, cannot install ${missing[*]}; the client tests that need them will fail (CI is set)" >&2
    else
      echo "test.sh: not root, cannot install ${missing[*]}; the client tests that need them will be reported Skipped" >&2
    fi
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet format Berth.slnx --verify-no-changes
dotnet build Berth.slnx -c Release -warnaserror
rm -rf TestResults
dotnet test Berth.slnx -c Release --no-build --logger "trx" --results-directory TestResults "$@"
