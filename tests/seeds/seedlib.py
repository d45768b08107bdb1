# SPDX-License-Identifier: MIT
"""Shared helpers for the seed tests: read out/NAME/ and report findings.

The seed tests check the committed, generated output of each shipped profile
against what its source guide (the seeds in the task description) requires.
Expected values come from the guides and AWS documentation, never from
gwgen's output. This module only parses: CloudFormation with short-form
intrinsics, IAM JSON, MIME user data and small lookups into the template.
"""

import email
import email.policy
import json
import os
import sys

try:
    import yaml
except ImportError:  # pragma: no cover - reported, not hidden
    sys.exit("the seed tests need PyYAML: apt-get install -y python3-yaml")


# ---- CloudFormation YAML with short-form intrinsic functions ----------------

class CfnLoader(yaml.SafeLoader):
    """SafeLoader that turns !Ref X into {"Ref": X}, !Sub s into
    {"Fn::Sub": s}, !GetAtt A.B into {"Fn::GetAtt": ["A", "B"]}, and so on."""


# Short tag -> long form; every intrinsic CloudFormation documents.
_FN_TAGS = {
    "Ref": "Ref",
    "Condition": "Condition",
    "Base64": "Fn::Base64",
    "Cidr": "Fn::Cidr",
    "FindInMap": "Fn::FindInMap",
    "GetAtt": "Fn::GetAtt",
    "GetAZs": "Fn::GetAZs",
    "ImportValue": "Fn::ImportValue",
    "Join": "Fn::Join",
    "Select": "Fn::Select",
    "Split": "Fn::Split",
    "Sub": "Fn::Sub",
    "Transform": "Fn::Transform",
    "And": "Fn::And",
    "Equals": "Fn::Equals",
    "If": "Fn::If",
    "Not": "Fn::Not",
    "Or": "Fn::Or",
    "Length": "Fn::Length",
    "ToJsonString": "Fn::ToJsonString",
}


def _make_constructor(long_name):
    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if long_name == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {long_name: value}
    return construct


for _short, _long in _FN_TAGS.items():
    CfnLoader.add_constructor("!" + _short, _make_constructor(_long))


def load_cfn_text(text):
    return yaml.load(text, Loader=CfnLoader)


# ---- the output tree ----------------------------------------------------------

class Output:
    """The generated files of one profile (out/NAME/)."""

    def __init__(self, name):
        root = os.environ.get("GWGEN_SOURCE_ROOT")
        if not root:
            root = os.path.join(os.path.dirname(__file__), "..", "..")
        self.root = os.path.normpath(root)
        self.name = name
        self.dir = os.path.join(self.root, "out", name)
        if not os.path.isdir(self.dir):
            sys.exit(f"out/{name}/ does not exist: generate it first "
                     "(GWGEN_UPDATE_GOLDEN=1 meson test --suite golden)")
        self._cfn = None

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def exists(self, rel):
        return os.path.isfile(self.path(rel))

    def text(self, rel):
        with open(self.path(rel), encoding="utf-8") as f:
            return f.read()

    def data(self, rel):
        with open(self.path(rel), "rb") as f:
            return f.read()

    def json(self, rel):
        return json.loads(self.text(rel))

    def files(self, under=""):
        """Relative paths of every file below 'under', sorted."""
        top = self.path(under) if under else self.dir
        found = []
        for root, _, files in os.walk(top):
            for f in files:
                found.append(os.path.relpath(os.path.join(root, f),
                                             self.dir).replace(os.sep, "/"))
        return sorted(found)

    def profile_text(self):
        with open(os.path.join(self.root, "profiles", self.name + ".yaml"),
                  encoding="utf-8") as f:
            return f.read()

    def profile(self):
        return yaml.safe_load(self.profile_text())

    @property
    def cfn(self):
        if self._cfn is None:
            self._cfn = load_cfn_text(self.text("cloudformation.yaml"))
        return self._cfn

    # -- resources

    def resources(self, rtype=None):
        """[(logical id, resource)] of type 'rtype' (all when None)."""
        res = self.cfn.get("Resources", {})
        return [(lid, r) for lid, r in res.items()
                if rtype is None or r.get("Type") == rtype]

    def resource(self, lid):
        return self.cfn.get("Resources", {}).get(lid)

    def by_name(self, rtype, name_prop, name):
        """The (logical id, properties) of the 'rtype' whose 'name_prop' is
        'name', or (None, None)."""
        for lid, r in self.resources(rtype):
            props = r.get("Properties", {})
            if props.get(name_prop) == name:
                return lid, props
        return None, None

    def logical_name(self, ref, rtype, name_prop):
        """The name ('name_prop') of the resource that 'ref' (a Ref or a
        GetAtt) points at, or None."""
        lid = ref_target(ref)
        r = self.resource(lid) if lid else None
        if r is None or r.get("Type") != rtype:
            return None
        return r.get("Properties", {}).get(name_prop)

    def ce_name(self, ref):
        return self.logical_name(ref, "AWS::Batch::ComputeEnvironment",
                                 "ComputeEnvironmentName")

    def queue_order(self, queue_name):
        """(priority, [CE names in ascending order]) of the queue named
        'queue_name', or (None, None)."""
        _, q = self.by_name("AWS::Batch::JobQueue", "JobQueueName", queue_name)
        if q is None:
            return None, None
        order = sorted(q.get("ComputeEnvironmentOrder", []),
                       key=lambda o: int(o["Order"]))
        return q.get("Priority"), [self.ce_name(o["ComputeEnvironment"])
                                   for o in order]

    def role_name(self, ref):
        return self.logical_name(ref, "AWS::IAM::Role", "RoleName")

    def policy_doc(self, name):
        """The PolicyDocument of the managed policy named 'name' in the
        template, or None."""
        _, p = self.by_name("AWS::IAM::ManagedPolicy", "ManagedPolicyName",
                            name)
        return p.get("PolicyDocument") if p else None


def ref_target(ref):
    """The logical ID that a Ref or GetAtt points at, or None."""
    if isinstance(ref, dict):
        if "Ref" in ref:
            return ref["Ref"]
        if "Fn::GetAtt" in ref:
            att = ref["Fn::GetAtt"]
            return att[0] if isinstance(att, list) else att.split(".")[0]
    return None


def sub_text(value):
    """The text of a literal or !Sub string (the template, unresolved)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Sub" in value:
        s = value["Fn::Sub"]
        return s if isinstance(s, str) else s[0]
    return None


def as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def statements(doc):
    return as_list(doc.get("Statement")) if doc else []


def actions_of(doc):
    """Every action in every Allow statement of 'doc' (a set)."""
    acts = set()
    for st in statements(doc):
        if st.get("Effect", "Allow") == "Allow":
            acts.update(as_list(st.get("Action")))
    return acts


def tags_map(tags):
    """A CloudFormation tag list [{Key, Value}] or a map, as a dict."""
    if isinstance(tags, dict):
        return dict(tags)
    return {t["Key"]: t["Value"] for t in as_list(tags)}


# ---- MIME user data -------------------------------------------------------------

def mime_parts(data):
    """[(content type, decoded text)] of a multipart MIME document, or raise
    ValueError when it is not multipart."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    if not msg.is_multipart():
        raise ValueError("user data is not a MIME multipart document")
    parts = []
    for part in msg.get_payload():
        payload = part.get_payload(decode=True) or b""
        parts.append((part.get_content_type(), payload.decode("utf-8")))
    return msg, parts


# ---- reporting ----------------------------------------------------------------

class Checker:
    """Collects failed expectations; each names its source."""

    def __init__(self, title):
        self.title = title
        self.failures = []
        self.passed = 0

    def check(self, cond, what, source=""):
        if cond:
            self.passed += 1
        else:
            self.failures.append(what + (f"  [{source}]" if source else ""))
        return bool(cond)

    def eq(self, actual, expected, what, source=""):
        return self.check(actual == expected,
                          f"{what}: expected {expected!r}, got {actual!r}",
                          source)

    def done(self):
        for f in self.failures:
            print(f"FAIL {self.title}: {f}")
        print(f"{self.title}: {self.passed} passed, {len(self.failures)} "
              "failed")
        return 1 if self.failures else 0


def run(checks, name, title):
    """Run every function in 'checks' with (Output, Checker); exit status."""
    out = Output(name)
    c = Checker(title)
    for fn in checks:
        try:
            fn(out, c)
        except Exception as e:  # a missing key is a failed expectation
            c.check(False, f"{fn.__name__} raised {type(e).__name__}: {e}")
    return c.done()
