#!/bin/bash
# Amazon Linux 2023 packages the worker needs, and the agent's system user. Root, on the builder.
# AL2023's python3 is 3.9: the agent runs on python3.11 from the distribution's repositories.
# postgresql15 is psql alone (the client): the SQL renderer's COPY route for PostgreSQL reads
# through it.
set -euo pipefail

dnf -y -q upgrade
dnf -y -q install \
  python3.11 python3.11-pip \
  amazon-cloudwatch-agent amazon-ssm-agent \
  chrony rsyslog logrotate fontconfig \
  postgresql15

# Fonts for the browser renderer; names differ between AL2023 releases, so take what exists.
dnf -y -q --setopt=strict=0 install \
  dejavu-sans-fonts dejavu-serif-fonts dejavu-sans-mono-fonts \
  liberation-sans-fonts liberation-serif-fonts liberation-mono-fonts \
  google-noto-sans-fonts google-noto-emoji-fonts

# Chromium for the browser renderer: AL2023 has no chromium package; Google's Chrome RPM brings
# its libraries through dnf. The agent finds it at /usr/local/bin/chromium.
dnf -y -q install https://dl.google.com/linux/direct/google-chrome-stable_current_x86_64.rpm
ln -sf /usr/bin/google-chrome-stable /usr/local/bin/chromium

if ! id snapshot-agent >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/snapshot-agent --no-create-home \
    --shell /sbin/nologin --comment "Snapshot Engine agent" snapshot-agent
fi
install -d -m 0750 -o root -g snapshot-agent /etc/snapshot-agent
install -d -m 0750 -o root -g root /var/log/snapshot-agent
