#!/bin/bash
# The last step of the build: fail it when the image would not run the agent.
set -euo pipefail

fail() {
  echo "validate: $*" >&2
  exit 1
}

systemctl is-enabled --quiet snapshot-agent.service || fail "snapshot-agent.service is not enabled"
systemctl is-enabled --quiet snapshot-agent-cloudwatch.service || fail "snapshot-agent-cloudwatch.service is not enabled"
/opt/snapshot-agent/venv/bin/snapshot-agent --version || fail "snapshot-agent --version failed"
systemd-analyze verify /etc/systemd/system/snapshot-agent.service || fail "systemd rejects the unit"
id snapshot-agent >/dev/null || fail "no snapshot-agent user"
python3 -m json.tool /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json.in >/dev/null \
  || fail "the CloudWatch agent config is not JSON"
/usr/local/bin/chromium --version || fail "no Chromium for the browser renderer"
psql --version || fail "no psql for the SQL renderer's COPY route"
fc-list | grep -q . || fail "no fonts"
if rpm -q gcc >/dev/null 2>&1; then
  fail "a compiler is left in the image"
fi
[[ ! -s /etc/machine-id ]] || fail "machine-id was not cleared"
echo "validate: image ready"
