# SPDX-License-Identifier: MIT
"""Checks EC2 user data MIME archives the way cloud-init will read them.

Run with the Python that cloud-init itself uses (the shebang of the
cloud-init executable, /usr/bin/python3 on Debian), because it imports
cloud-init's own tables: the part types it handles, the config schema and
the function that turns runcmd into a script.

usage: python3 userdata_check.py [--template cloudformation.yaml] FILE.mime...
Exit status: 0 valid, 1 findings, 2 a tool is missing.
"""

import email
import email.policy
import gzip
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml
from cloudinit import handlers, util
from cloudinit.config.schema import get_schema

EXIT_INVALID = 1
EXIT_SETUP = 2
# "Instance user data": user data is limited to 16 KB in raw form, before
# base64 encoding (Amazon EC2 User Guide, "Run commands when you launch an
# EC2 instance with user data input").
MAX_USER_DATA = 16384
SUBPROCESS_TIMEOUT = 60
# cloud-init's part types (cloudinit/handlers/__init__.py); text/x-shellscript
# per-boot/instance/once are MIME-only types handled by
# shell_script_by_frequency.
KNOWN_TYPES = set(handlers.INCLUSION_TYPES_MAP.values())
SHELL_PART_TYPES = {
    "text/x-shellscript",
    "text/x-shellscript-per-boot",
    "text/x-shellscript-per-instance",
    "text/x-shellscript-per-once",
}
BOOTHOOK_PREFIX = "#cloud-boothook"
CLOUD_CONFIG_PREFIX = "#cloud-config"
SHELLS = {"sh", "bash", "dash", "ksh"}


def schema_top_level_keys():
    """Every top-level key some cloud-init module's schema defines."""
    schema = get_schema()
    keys = set()
    for entry in schema.get("allOf", []):
        ref = entry.get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        keys.update(schema.get("$defs", {}).get(name, {}).get("properties", {}))
    keys.update(schema.get("properties", {}))
    return keys


def shebang_shell(text):
    """The shell named by the script's #! line, or None."""
    first = text.split("\n", 1)[0]
    m = re.match(r"#!\s*(\S+)(?:\s+(\S+))?", first)
    if not m:
        return None
    prog = os.path.basename(m.group(1))
    if prog == "env" and m.group(2):
        prog = os.path.basename(m.group(2))
    return prog


class Report:
    def __init__(self):
        self.errors = []

    def error(self, where, msg):
        self.errors.append(f"{where}: error: {msg}")


def check_shell(rep, tmpdir, label, text, default_shell=None):
    """bash -n (and sh -n for POSIX sh scripts) plus shellcheck on 'text'."""
    shell = shebang_shell(text) or default_shell
    if shell is None:
        rep.error(label, "a script needs a #! line (cloud-init executes it directly)")
        return
    if shell not in SHELLS:
        return
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", label)
    path = os.path.join(tmpdir, safe + ".sh")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    checks = [["bash", "-n", path]]
    if shell in ("sh", "dash"):
        checks.append(["dash", "-n", path])
    # check-extra-masked-returns (SC2312): no failure of a command
    # substitution may go unseen by set -e (see validate.py).
    checks.append(["shellcheck", "--severity=style", "--format=gcc",
                   "--enable=check-extra-masked-returns",
                   f"--shell={'sh' if shell == 'dash' else shell}", path])
    for cmd in checks:
        r = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=SUBPROCESS_TIMEOUT, check=False)
        if r.returncode != 0:
            out = (r.stdout + r.stderr).strip().replace(path, label)
            rep.error(label, f"{cmd[0]} failed:\n{out}")


def check_cloud_config(rep, tmpdir, label, text, known_keys):
    # In a MIME part the content type selects the handler and the
    # '#cloud-config' line is optional (the AWS Batch user guide's examples
    # omit it); 'cloud-init schema' wants it, so it is added for the check.
    if not text.startswith(CLOUD_CONFIG_PREFIX):
        text = CLOUD_CONFIG_PREFIX + "\n" + text
    try:
        cfg = yaml.safe_load(text)
    except yaml.YAMLError as e:
        rep.error(label, f"not YAML: {e}")
        return
    if cfg is None:
        rep.error(label, "the cloud-config part is empty: cloud-init's handler raises "
                  "'empty cloud config' (cloudinit/handlers/cloud_config.py); leave the part out")
        return
    if not isinstance(cfg, dict):
        rep.error(label, "cloud-config must be a YAML map")
        return
    path = os.path.join(tmpdir, re.sub(r"[^A-Za-z0-9._-]+", "_", label) + ".yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    r = subprocess.run(["cloud-init", "schema", "--config-file", path],
                       capture_output=True, text=True,
                       timeout=SUBPROCESS_TIMEOUT, check=False)
    if r.returncode != 0:
        out = (r.stdout + r.stderr).strip().replace(path, label)
        rep.error(label, f"cloud-init schema rejects it:\n{out}")
    # cloud-init's schema leaves unknown top-level keys alone (they are
    # silently ignored at boot), so a misspelt module key is caught here.
    for key in cfg:
        if key not in known_keys:
            rep.error(label, f"'{key}' is not a key of any cloud-init module schema")
    for key in ("bootcmd", "runcmd"):
        cmds = cfg.get(key)
        if isinstance(cmds, list):
            try:
                script = util.shellify(cmds)
            except TypeError as e:
                rep.error(label, f"{key}: {e}")
                continue
            check_shell(rep, tmpdir, f"{label} {key}", script)
    for i, wf in enumerate(cfg.get("write_files") or []):
        if not isinstance(wf, dict):
            continue
        content = wf.get("content", "")
        enc = str(wf.get("encoding", "text")).lower()
        try:
            if enc in ("b64", "base64"):
                content = base64.b64decode(content).decode("utf-8")
            elif enc in ("gz", "gzip"):
                content = gzip.decompress(content).decode("utf-8")
            elif enc in ("gz+b64", "gzip+base64", "gz+base64", "gzip+b64"):
                content = gzip.decompress(base64.b64decode(content)).decode("utf-8")
        except (ValueError, OSError, TypeError) as e:
            rep.error(label, f"write_files[{i}] ({wf.get('path')}): cannot decode {enc} content: {e}")
            continue
        if not isinstance(content, str):
            continue
        wpath = str(wf.get("path", ""))
        if content.startswith("#!") or wpath.endswith(".sh"):
            check_shell(rep, tmpdir, f"{label} write_files[{i}] {wpath}", content)


def check_file(rep, tmpdir, path, known_keys):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) > MAX_USER_DATA:
        rep.error(path, f"user data is {len(data)} bytes, the EC2 limit is {MAX_USER_DATA}")
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for d in msg.defects:
        rep.error(path, f"MIME defect: {type(d).__name__}: {d}")
    if "MIME-Version" not in msg:
        rep.error(path, "the MIME-Version header is missing")
    if msg.get_content_type() != "multipart/mixed":
        rep.error(path, f"AWS Batch needs multipart/mixed user data, got {msg.get_content_type()}")
        return
    if not msg.get_boundary():
        rep.error(path, "the multipart boundary is missing")
        return
    closing = b"--" + msg.get_boundary().encode() + b"--"
    if closing not in data:
        rep.error(path, f"the closing boundary '{closing.decode()}' is missing")
    parts = msg.get_payload()
    if not isinstance(parts, list) or not parts:
        rep.error(path, "the archive has no parts")
        return
    for n, part in enumerate(parts, 1):
        ctype = part.get_content_type()
        label = f"{path} part {n} ({ctype})"
        for d in part.defects:
            rep.error(label, f"MIME defect: {type(d).__name__}: {d}")
        if part.is_multipart():
            rep.error(label, "nested multipart parts are not used by gwgen")
            continue
        if ctype not in KNOWN_TYPES:
            rep.error(label, f"cloud-init has no handler for '{ctype}' (known: {', '.join(sorted(KNOWN_TYPES))})")
            continue
        raw = part.get_payload(decode=True)
        charset = part.get_content_charset() or "us-ascii"
        try:
            text = raw.decode(charset)
        except (UnicodeDecodeError, LookupError) as e:
            rep.error(label, f"the text is not valid {charset}: {e}")
            continue
        if "\r" in text:
            rep.error(label, "CR characters in a part (scripts would break)")
        if ctype == "text/cloud-config":
            check_cloud_config(rep, tmpdir, label, text, known_keys)
        elif ctype in SHELL_PART_TYPES:
            check_shell(rep, tmpdir, label, text)
        elif ctype == "text/cloud-boothook":
            # boot_hook.py strips an optional '#cloud-boothook' line (the
            # MIME type already selects the handler) and executes the rest
            # as a file, so the rest needs its own #! line.
            body = util.strip_prefix_suffix(util.dos2unix(text), prefix=BOOTHOOK_PREFIX).lstrip()
            check_shell(rep, tmpdir, label, body)
    return len(parts)


class CfnLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation short forms (!Ref, !Sub, ...)
    as their long forms."""


def construct_intrinsic(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    name = suffix if suffix in ("Ref", "Condition") else "Fn::" + suffix
    return {name: value}


CfnLoader.add_multi_constructor("!", construct_intrinsic)


def template_user_data(template):
    """(logical id, user data text or None) of every launch template."""
    with open(template, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=CfnLoader)  # noqa: S506 (SafeLoader subclass)
    out = []
    for rid, res in (doc.get("Resources") or {}).items():
        if not isinstance(res, dict) or res.get("Type") != "AWS::EC2::LaunchTemplate":
            continue
        data = (res.get("Properties") or {}).get("LaunchTemplateData") or {}
        ud = data.get("UserData")
        if ud is None:
            continue
        text = ud.get("Fn::Base64") if isinstance(ud, dict) else None
        out.append((rid, text if isinstance(text, str) else None))
    return out


def check_template(rep, tmpdir, template, mimes, known_keys):
    """The template's user data must be the bytes of a userdata/*.mime
    (gwgen writes the same archive to both); otherwise it is checked too."""
    files = {}
    for m in mimes:
        with open(m, "rb") as f:
            files[f.read()] = m
    n = 0
    for rid, text in template_user_data(template):
        n += 1
        where = f"{template} {rid} UserData"
        if text is None:
            print(f"{where}: not a literal Fn::Base64 string; only userdata/*.mime is checked")
            continue
        if text.encode("utf-8") in files:
            print(f"{where}: same bytes as {files[text.encode('utf-8')]}")
            continue
        rep.error(where, "differs from every userdata/*.mime; checking it as well")
        path = os.path.join(tmpdir, f"{rid}.mime")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        check_file(rep, tmpdir, path, known_keys)
    return n


def main(argv):
    template = None
    if argv[:1] == ["--template"] and len(argv) >= 2:
        template, argv = argv[1], argv[2:]
    missing = [t for t in ("cloud-init", "shellcheck", "bash", "dash") if shutil.which(t) is None]
    if missing:
        print(f"userdata_check: missing tools: {', '.join(missing)}", file=sys.stderr)
        return EXIT_SETUP
    if not argv and not template:
        print("usage: userdata_check.py [--template cloudformation.yaml] FILE.mime...",
              file=sys.stderr)
        return EXIT_SETUP
    known = schema_top_level_keys()
    rep = Report()
    nparts = 0
    with tempfile.TemporaryDirectory(prefix="gwgen-userdata-") as tmpdir:
        for path in argv:
            nparts += check_file(rep, tmpdir, path, known) or 0
        if template:
            check_template(rep, tmpdir, template, argv, known)
    for e in rep.errors:
        print(e)
    print(f"userdata_check: {len(argv)} file(s), {nparts} part(s), {len(rep.errors)} error(s)")
    return EXIT_INVALID if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
