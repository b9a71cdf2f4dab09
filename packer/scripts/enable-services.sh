#!/bin/bash
# Start at boot: the agent, the CloudWatch agent's fleet setup, the journal shipper, time sync, SSM.
set -euo pipefail

chgrp snapshot-agent /etc/snapshot-agent/agent.env
systemctl daemon-reload
systemctl enable snapshot-agent.service snapshot-agent-cloudwatch.service
systemctl enable rsyslog.service chronyd.service amazon-ssm-agent.service
# The CloudWatch agent starts once snapshot-agent-cloudwatch has written this fleet's config.
systemctl disable amazon-cloudwatch-agent.service 2>/dev/null || true
