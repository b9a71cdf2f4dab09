#!/bin/bash
# Leave nothing of the build in the image: uploads, compilers, caches, identity, history.
set -euo pipefail

rm -rf /tmp/wheelhouse /tmp/rootfs /tmp/requirements.txt /tmp/*.whl

for package in gcc gcc-c++ cpp make kernel-devel python3.11-devel glibc-devel; do
  if rpm -q "$package" >/dev/null 2>&1; then
    dnf -y -q remove "$package"
  fi
done
dnf -y -q autoremove
dnf clean all
rm -rf /var/cache/dnf /root/.cache

cloud-init clean --logs
truncate -s 0 /etc/machine-id
rm -f /var/lib/dbus/machine-id /etc/ssh/ssh_host_*
rm -f /root/.bash_history /home/ec2-user/.bash_history
journalctl --rotate
journalctl --vacuum-time=1s
