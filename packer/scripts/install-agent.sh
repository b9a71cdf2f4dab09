#!/bin/bash
# Install the agent into its own venv under /opt/snapshot-agent, from a hash-checked wheelhouse
# (no network, no compiler), then lay the rootfs overlay over the system.
#
# WHEEL, WHEELHOUSE, REQUIREMENTS and ROOTFS name what `make wheel` built and Packer uploaded.
# DESTDIR (default: none) installs into a throwaway root instead, as the tests do.
set -euo pipefail

: "${WHEEL:?WHEEL: path of the agent wheel}"
: "${WHEELHOUSE:?WHEELHOUSE: directory of the dependency wheels}"
: "${REQUIREMENTS:?REQUIREMENTS: locked requirements with hashes}"
: "${ROOTFS:?ROOTFS: the rootfs overlay}"
destdir="${DESTDIR:-}"
python="${PYTHON:-python3.11}"
# Only the wheelhouse counts: no pip.conf of the machine may add an index or constraints.
export PIP_CONFIG_FILE=/dev/null
prefix="$destdir/opt/snapshot-agent"
venv="$prefix/venv"

"$python" -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --no-index --find-links "$WHEELHOUSE" \
  --only-binary=:all: --require-hashes --requirement "$REQUIREMENTS"
"$venv/bin/python" -m pip install --quiet --no-index --no-deps "$WHEEL"
"$venv/bin/python" -m pip check
# Nothing installs into the venv at run time: pip goes.
"$venv/bin/python" -m pip uninstall --quiet --yes pip

cp -R --no-preserve=ownership "$ROOTFS/." "$destdir/"
chmod 0755 "$destdir/usr/local/libexec/snapshot-agent/configure-cloudwatch"
chmod 0640 "$destdir/etc/snapshot-agent/agent.env"
printf 'agent_version=%s\ngit_sha=%s\n' "${AGENT_VERSION:-unknown}" "${GIT_SHA:-unknown}" > "$prefix/BUILD"
chmod -R go-w "$prefix"

"$venv/bin/snapshot-agent" --version
