#!/bin/bash
# SPDX-License-Identifier: MIT
# Boot gwgen's user data in a sandbox: the scripts run for real in a private
# mount namespace (unshare -m) with stand-ins for IMDS, the AWS CLI, LVM,
# systemd and the block devices, and the commands they ran are checked.
#
# usage: check_userdata.sh GWGEN
# Needs root, unshare, python3, zip and unzip. Exit 0 pass, 1 fail, 77 skip
# (not root or no unshare); with CI=true a missing prerequisite fails.
# The stand-ins' bodies are single-quoted on purpose: they expand later.
# shellcheck disable=SC2016
set -euo pipefail

readonly SKIP=77
gwgen=$(readlink -f "${1:?usage: check_userdata.sh GWGEN}")
failures=0

missing() {
	printf 'check_userdata: %s\n' "$1" >&2
	if [[ ${CI:-} == true ]]; then
		exit 1
	fi
	exit "$SKIP"
}

((EUID == 0)) || missing 'needs root (mount namespaces)'
for tool in unshare python3 zip unzip; do
	command -v "$tool" >/dev/null || missing "needs $tool"
done
unshare -m true 2>/dev/null || missing 'unshare -m does not work here'

box=$(mktemp -d "${TMPDIR:-/tmp}/gwgen-userdata.XXXXXX")
trap 'rm -rf "$box"' EXIT
mkdir -p "$box/bin" "$box/log" "$box/zip/aws" "$box/etc" "$box/usrlocal" \
	"$box/prov"
cp -a /etc/. "$box/etc/" 2>/dev/null || true

expect() {
	local file=$1 text=$2
	if ! grep -qxF -- "$text" "$box/log/$file"; then
		printf 'check_userdata: FAIL: %s lacks: %s\n' "$file" "$text" >&2
		failures=$((failures + 1))
	fi
}

# A stand-in for a command: log its arguments, then run 'body'.
stub() {
	local name=$1 body=${2:-}
	printf '#!/bin/bash\necho "%s $*" >>%q\n%s\n' "$name" \
		"$box/log/cmds.log" "$body" >"$box/bin/$name"
	chmod +x "$box/bin/$name"
}

for c in shutdown pvcreate vgcreate lvcreate lvextend vgextend mkfs.ext4 \
	umount udevadm dnf sleep; do
	stub "$c"
done
# The EFS mount helper fails once, as while a new mount target's name does
# not resolve yet, then mounts.
stub mount '[[ $* != *"/mnt/efs" ]] || [[ -e '"$box"'/log/mounted ]] ||
	{ : >'"$box"'/log/mounted; exit 32; }'

stub rpm '[[ $* != "-q --quiet lvm2" ]]'
stub vgs 'exit 5'
# The machine: x86_64, or what the run sets in BOX_ARCH (aarch64 on
# Graviton, as `uname -m` prints it there).
stub uname 'echo "${BOX_ARCH:-x86_64}"'
stub systemctl '[[ $1 != is-active || $3 == docker.service ]]'
stub cloud-init-per 'shift 2; exec "$@"'
stub lsblk 'dev=${*: -1}
case $* in
*FSTYPE*) [[ $dev != /dev/nvme0n1 ]] || echo "xfs /";;
*NAME*) echo "${dev#/dev/}"; [[ $dev != /dev/nvme0n1 ]] || echo p1;;
esac'
# IMDS and the AWS CLI download.
stub curl 'out=; url=; prev=
for a in "$@"; do [[ $prev != -o ]] || out=$a; prev=$a
	[[ $a != http* ]] || url=$a; done
case $url in
*api/token) echo TOKEN;;
*/tags/instance/gwgen:file-system)
	# Not there at the first look: the tag comes with the instance.
	[[ -e '"$box"'/log/tagged ]] || { : >'"$box"'/log/tagged; exit 22; }
	echo fs-0123456789abcdef0;;
*instance-identity/document) printf "{\n  \"availabilityZone\" : \"us-west-2a\",\n  \"instanceId\" : \"i-0abc\",\n  \"region\" : \"us-west-2\"\n}\n";;
*/awscli-exe-linux-x86_64-9.9.9.zip) cp '"$box"'/awscli.zip "$out";;
*/awscli-exe-linux-aarch64-9.9.9.zip) cp '"$box"'/awscli-arm.zip "$out";;
*) exit 22;;
esac'

# A fake AWS CLI release: its installer puts an aws that logs its
# arguments and "downloads" provision scripts from $box/prov.
cat >"$box/zip/aws/install" <<EOF
#!/bin/bash
set -e
while [[ \$# -gt 0 ]]; do
	[[ \$1 != --install-dir ]] || dir=\$2
	shift
done
mkdir -p "\$dir/v2/9.9.9/bin"
ln -sfn "\$dir/v2/9.9.9" "\$dir/v2/current"
cat >"\$dir/v2/9.9.9/bin/aws" <<'AWS'
#!/bin/bash
echo "aws \$*" >>$box/log/aws.log
case "\$*" in
*"s3 cp"*) f=\${*: -1}; cp "$box/prov/\${f##*/}" "\$f" ;;
esac
AWS
chmod +x "\$dir/v2/9.9.9/bin/aws"
EOF
chmod +x "$box/zip/aws/install"
(cd "$box/zip" && zip -qr ../awscli.zip aws)
cli_sha=$(sha256sum "$box/awscli.zip" | cut -d ' ' -f 1)
# The aarch64 release: the same installer with another zip comment, so
# its SHA-256 differs and a mix-up of the two pins fails the check.
cp "$box/awscli.zip" "$box/awscli-arm.zip"
echo aarch64 | zip -qz "$box/awscli-arm.zip"
arm_sha=$(sha256sum "$box/awscli-arm.zip" | cut -d ' ' -f 1)

cat >"$box/sbx.yaml" <<EOF
name: sbx
description: user data sandbox
region: us-west-2
network:
  vpc: true
bucket:
  name: sbx-bucket
shared_storage:
  mount_point: $box/mnt/efs
launch_templates:
  - name: autoscale
    volumes:
      - device: /dev/xvdba
        size_gib: 100
    user_data:
      packages: [jq]
      aws_cli:
        version: 9.9.9
        sha256: $cli_sha
        aarch64:
          version: 9.9.9
          sha256: $arm_sha
      scratch:
        kind: ebs-autoscale
        device: /dev/xvdba
        mount: $box/mnt/docker
      ecs_config:
        ECS_LOGLEVEL: "it's \$(id)"
      provision:
        version: v1
        scripts: [ecs-additions.sh]
      runcmd:
        - echo "one \$((1 + 1))" >>$box/log/runcmd.log
  - name: nvme
    user_data:
      scratch:
        kind: nvme-lvm
        mount: $box/mnt/nvme
  - name: shared
    user_data:
      shared_storage: true
EOF
"$gwgen" --profile "$box/sbx.yaml" -o "$box/out" >/dev/null
cp "$box/out/sbx/provision/v1/"* "$box/prov/"

# Each part of each archive, as cloud-init would write it.
python3 - "$box" <<'EOF'
import email, os, sys, yaml
box = sys.argv[1]
for lt in ("autoscale", "nvme", "shared"):
    with open(f"{box}/out/sbx/userdata/{lt}.mime", "rb") as f:
        m = email.message_from_binary_file(f)
    for p in m.get_payload():
        body = p.get_payload()
        kind = p.get_content_type()
        if kind == "text/cloud-config":
            for w in yaml.safe_load(body).get("write_files", []):
                with open(f"{box}/{os.path.basename(w['path'])}", "w") as f:
                    f.write(w["content"])
        elif kind == "text/cloud-boothook":
            with open(f"{box}/{lt}.hook", "w") as f:
                f.write(body.removeprefix("#cloud-boothook\n"))
        elif kind == "text/x-shellscript":
            with open(f"{box}/{lt}.boot", "w") as f:
                f.write(body)
EOF
chmod +x "$box/nvme.hook"

# Run 'script' in the sandbox: private /etc, /usr/local, /dev, /sys/block.
sandbox() {
	unshare -m bash -s "$box" "$1" <<'EOF'
set -e
box=$1
mount --make-rprivate /
mount --bind "$box/etc" /etc
mount --bind "$box/usrlocal" /usr/local
mkdir -p /usr/local/sbin "$box/dev" "$box/sys"
[[ ! -f $box/gwgen-scratch ]] ||
	install -m 0755 "$box/gwgen-scratch" /usr/local/sbin/gwgen-scratch
mount -t tmpfs none "$box/dev"
mknod -m 666 "$box/dev/null" c 1 3
mknod "$box/dev/xvdba" b 7 0
for d in 0 1 2 3; do
	mknod "$box/dev/nvme${d}n1" b 7 "$d"
done
mount -t tmpfs none "$box/sys"
for d in 0 2; do
	mkdir -p "$box/sys/nvme${d}n1/device"
	echo 'Amazon Elastic Block Store              ' \
		>"$box/sys/nvme${d}n1/device/model"
done
for d in 1 3; do
	mkdir -p "$box/sys/nvme${d}n1/device"
	echo 'Amazon EC2 NVMe Instance Storage        ' \
		>"$box/sys/nvme${d}n1/device/model"
done
mount --bind "$box/dev" /dev
mount --bind "$box/sys" /sys/block
export PATH=$box/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
bash "$2"
EOF
}

sandbox "$box/autoscale.boot" >"$box/log/autoscale.out" 2>&1 || {
	cat "$box/log/autoscale.out" >&2
	failures=$((failures + 1))
}
expect cmds.log 'rpm -q --quiet --whatprovides -- jq'
expect cmds.log 'pvcreate -y /dev/xvdba'
expect cmds.log 'lvcreate -y --extents 100%FREE --name scratch gwgen-scratch'
expect cmds.log 'mkfs.ext4 -q -m 0 /dev/gwgen-scratch/scratch'
expect cmds.log 'systemctl stop docker.service'
expect cmds.log "mount /dev/gwgen-scratch/scratch $box/mnt/docker"
expect cmds.log 'systemctl start --no-block docker.service'
expect cmds.log 'systemctl enable gwgen-scratch.service'
expect aws.log "aws s3 cp --only-show-errors --region us-west-2 s3://sbx-bucket/provision/v1/ecs-additions.sh $(
	grep -o '/tmp[^ ]*/ecs-additions.sh' "$box/log/aws.log" | head -n 1)"
expect runcmd.log 'one 2'
grep -qxF "ECS_LOGLEVEL=it's \$(id)" "$box/etc/ecs/ecs.config" || {
	echo 'check_userdata: FAIL: ecs_config value not written as is' >&2
	failures=$((failures + 1))
}
expect autoscale.out 'gwgen-boot: done'
expect cmds.log "curl -fsS --retry 5 -o $(grep -o '/tmp[^ ]*/awscli-exe-linux-x86_64-9.9.9.zip' \
	"$box/log/cmds.log" | head -n 1) https://awscli.amazonaws.com/awscli-exe-linux-x86_64-9.9.9.zip"

# The same script on Graviton (AL2023 arm64): the aarch64 zip, checked
# against its own pin, and everything else as on x86_64.
: >"$box/log/cmds.log"
BOX_ARCH=aarch64 sandbox "$box/autoscale.boot" >"$box/log/arm.out" 2>&1 || {
	cat "$box/log/arm.out" >&2
	failures=$((failures + 1))
}
expect arm.out 'gwgen-boot: done'
if grep -q 'awscli-exe-linux-x86_64' "$box/log/cmds.log"; then
	echo 'check_userdata: FAIL: aarch64 fetched the x86_64 AWS CLI' >&2
	failures=$((failures + 1))
fi
expect cmds.log "curl -fsS --retry 5 -o $(grep -o '/tmp[^ ]*/awscli-exe-linux-aarch64-9.9.9.zip' \
	"$box/log/cmds.log" | head -n 1) https://awscli.amazonaws.com/awscli-exe-linux-aarch64-9.9.9.zip"
expect cmds.log 'pvcreate -y /dev/xvdba'
expect cmds.log "mount /dev/gwgen-scratch/scratch $box/mnt/docker"
expect cmds.log 'systemctl enable gwgen-scratch.service'

# A machine the profile pins no build for fails, and fail_fast powers it
# off.
: >"$box/log/cmds.log"
if BOX_ARCH=riscv64 sandbox "$box/autoscale.boot" >"$box/log/riscv.out" 2>&1; then
	echo 'check_userdata: FAIL: riscv64 booted without an AWS CLI pin' >&2
	failures=$((failures + 1))
fi
expect riscv.out 'gwgen-boot: error: the profile pins no AWS CLI build for riscv64'
expect cmds.log 'shutdown -P now'

sandbox "$box/nvme.hook" >"$box/log/nvme.out" 2>&1 || {
	cat "$box/log/nvme.out" >&2
	failures=$((failures + 1))
}
expect cmds.log 'vgcreate gwgen-nvme /dev/nvme1n1 /dev/nvme3n1 /dev/nvme2n1'
expect cmds.log 'lvcreate -y --extents 100%PVS --name scratch gwgen-nvme /dev/nvme1n1 /dev/nvme3n1'
expect cmds.log 'lvextend --extents +100%PVS gwgen-nvme/scratch /dev/nvme2n1'
expect cmds.log "mount /dev/gwgen-nvme/scratch $box/mnt/nvme"

# The shared storage: the file system's ID from the instance's tag (looked
# up again after a miss), an fstab entry for the EFS mount helper with TLS,
# and the mount, retried after a failure.
: >"$box/log/cmds.log"
sandbox "$box/shared.boot" >"$box/log/shared.out" 2>&1 || {
	cat "$box/log/shared.out" >&2
	failures=$((failures + 1))
}
expect cmds.log 'rpm -q --quiet --whatprovides -- amazon-efs-utils'
expect cmds.log 'sleep 10'
expect cmds.log "mount $box/mnt/efs"
expect shared.out 'gwgen-boot: mounting fs-0123456789abcdef0 failed (try 1), retrying'
expect shared.out "gwgen-boot: mounted fs-0123456789abcdef0 at $box/mnt/efs"
expect shared.out 'gwgen-boot: done'
grep -qxF "fs-0123456789abcdef0:/ $box/mnt/efs efs _netdev,noresvport,tls 0 0" \
	"$box/etc/fstab" || {
	echo 'check_userdata: FAIL: no fstab entry for the shared storage' >&2
	failures=$((failures + 1))
}
[[ -d $box/mnt/efs ]] || {
	echo 'check_userdata: FAIL: the mount point was not made' >&2
	failures=$((failures + 1))
}

if ((failures > 0)); then
	printf 'check_userdata: %d failure(s)\n' "$failures" >&2
	exit 1
fi
echo 'check_userdata: the user data ran as expected'
