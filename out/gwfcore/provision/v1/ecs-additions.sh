#!/bin/bash
# gwgen ecs-additions: the ECS agent settings gwfcore gave genomics workflow
# hosts, appended to /etc/ecs/ecs.config, which the agent reads when it
# starts (after cloud-final). A key that is already there, from ecs_config
# for instance, keeps its value.
set -Eeuo pipefail

readonly CONFIG=/etc/ecs/ecs.config

log() {
	printf 'gwgen-ecs-additions: %s\n' "$*" >&2
}

trap 'log "failed at line $LINENO"' ERR

# Drain tasks when a Spot interruption notice comes; reuse cached images;
# give containers a minute to stop (a duration: gwfcore's bare "60" is not
# one); remove unused images every 10 minutes (the documented minimum) once
# they are an hour old, as workflow images are large.
readonly SETTINGS=(
	ECS_ENABLE_SPOT_INSTANCE_DRAINING=true
	ECS_IMAGE_PULL_BEHAVIOR=prefer-cached
	ECS_CONTAINER_STOP_TIMEOUT=60s
	ECS_IMAGE_CLEANUP_INTERVAL=10m
	ECS_IMAGE_MINIMUM_CLEANUP_AGE=60m
)

install -d -m 0755 "${CONFIG%/*}"
touch "$CONFIG"
for setting in "${SETTINGS[@]}"; do
	if grep -q "^${setting%%=*}=" "$CONFIG"; then
		log "kept $(grep "^${setting%%=*}=" "$CONFIG" | tail -n 1)"
	else
		printf '%s\n' "$setting" >>"$CONFIG"
		log "set $setting"
	fi
done
