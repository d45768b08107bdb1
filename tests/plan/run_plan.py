#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Suite 'plan': `gwgen plan` on the changes a reviewer of the shipped
maccoss profile meets, and on two hand-written templates.

Expected values come from the documentation, not from gwgen's output:
- CloudFormation's AWS::Batch::ComputeEnvironment page: Tags "Update
  requires: Replacement"; ComputeEnvironmentName "Replacement".
- AWS Batch User Guide, "Perform infrastructure updates": instanceTypes and
  tags (EC2 tags in computeResources) trigger an infrastructure update, done
  in place with the AWSServiceRoleForBatch service-linked role and a
  BEST_FIT_PROGRESSIVE / SPOT_*_OPTIMIZED strategy, else blue/green
  (a replacement).
- AWS::S3::Bucket BucketName: "Update requires: Replacement"; the maccoss
  bucket has DeletionPolicy/UpdateReplacePolicy Retain (profile
  `bucket.retain`, out/maccoss/cloudformation.yaml).
- AWS::Batch::JobQueue Priority: "Update requires: No interruption".
- CloudFormation "Name type": a custom-named resource cannot be replaced.
Exit statuses: docs/profile.md "gwgen plan".
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

GWGEN = os.environ['GWGEN']
ROOT = os.environ['GWGEN_SOURCE_ROOT']
HERE = os.path.join(ROOT, 'tests', 'plan')
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def plan(args, cwd=ROOT, profile_dir=None):
    env = dict(os.environ)
    if profile_dir:
        env['GWGEN_PROFILE_PATH'] = profile_dir
    p = subprocess.run([GWGEN, 'plan', *args], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def changed(tmp, label, edits):
    """maccoss.yaml with each (old, new) replaced once, in tmp/label/."""
    with open(os.path.join(ROOT, 'profiles', 'maccoss.yaml')) as f:
        text = f.read()
    for old, new in edits:
        assert text.count(old) == 1, (label, old)
        text = text.replace(old, new)
    # In a directory named profiles/: the regenerate command in the output
    # is `gwgen --profile maccoss` only for profiles/maccoss.yaml.
    d = os.path.join(tmp, label, 'profiles')
    os.makedirs(d)
    path = os.path.join(d, 'maccoss.yaml')
    with open(path, 'w') as f:
        f.write(text)
    return path


def plan_json(path):
    # Found as NAME on $GWGEN_PROFILE_PATH, as `gwgen --profile maccoss`
    # found it: the regenerate command in the output names the profile as
    # given, and only the real change should differ.
    rc, out, err = plan(['--profile', 'maccoss', '-o', 'out', '--format',
                         'json'], profile_dir=os.path.dirname(path))
    return rc, (json.loads(out) if out else None), err


def resource(doc, logical_id):
    for r in doc['resources']:
        if r['logical_id'] == logical_id:
            return r
    return None


def name_at(path, section, name):
    """(line, column) of the value of `- name: NAME` under `SECTION:`."""
    lines = open(path).read().split('\n')
    start = lines.index(section + ':')
    for i in range(start, len(lines)):
        if lines[i].strip() == f'- name: {name}':
            return i + 1, lines[i].index(name) + 1
    raise AssertionError((section, name))


def at(finding):
    return (os.path.basename(os.path.dirname(finding['file'])) + '/' +
            os.path.basename(finding['file']), finding['line'],
            finding['column'])


def rules(doc):
    return sorted(f.get('rule', '') for f in doc['findings'])


def best_of(cmd, n=5):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=60)
        times.append(time.perf_counter() - t)
    return min(times)


def test_unchanged():
    rc, out, err = plan(['--profile', 'maccoss', '-o', 'out'])
    check(rc == 0 and out == 'no changes\n' and err == '',
          f'unchanged: rc {rc}, out {out!r}, err {err!r}')
    # As quick as `gwgen check` (both render in memory and read one
    # committed tree or file): within 3 times, plus 50 ms of noise on a
    # shared machine.
    t_plan = best_of([GWGEN, 'plan', '--profile', 'maccoss', '-o', 'out'])
    t_check = best_of([GWGEN, 'check', '-q', '--profile', 'maccoss', '-o',
                       'out'])
    check(t_plan <= 3 * t_check + 0.05,
          f'unchanged: plan {t_plan:.3f}s, check {t_check:.3f}s')


def test_profile(tmp):
    # The stack tags, which every taggable resource gets, are the CE's own
    # Tags: create-only, so the CE is replaced, and its custom name stays:
    # the update fails (PL1, exit 1).
    path = changed(tmp, 'stack-tags', [(
        'tags:\n  Project: Nextflow\n',
        'tags:\n  Project: Nextflow\n  CostCenter: lab\n')])
    rc, doc, err = plan_json(path)
    # Reported at the profile's objects, the CE's and the queue's name:.
    pl1 = sorted(at(f) for f in doc['findings'] if f.get('rule') == 'PL1')
    check(pl1 == sorted([
        ('profiles/maccoss.yaml',
         *name_at(path, 'compute_environments', 'nextflow-dia')),
        ('profiles/maccoss.yaml', *name_at(path, 'job_queues',
                                           'nextflow-dia'))]),
          f'stack tags: PL1 at {pl1}')
    ce = resource(doc, 'NextflowDiaComputeEnv')
    check(rc == 1, f'stack tags: exit {rc}')
    check(ce and ce['action'] == 'modify' and ce['replacement'] == 'always'
          and {'name': 'Tags', 'replacement': 'always'} in ce['properties'],
          f'stack tags: CE {ce}')
    check('PL1' in rules(doc), f'stack tags: findings {rules(doc)}')
    q = resource(doc, 'NextflowDiaJobQueue')
    check(q and q['replacement'] == 'always', f'stack tags: queue {q}')

    # The CE's instance tags (ComputeResources.Tags) and instance types: an
    # infrastructure update in place (SPOT, BEST_FIT_PROGRESSIVE, no
    # ServiceRole): conditional, no finding, exit 0.
    for label, old, new, prop in [
            ('ce-tags', '    tags:\n      Project: Nextflow\n',
             '    tags:\n      Project: Nextflow\n      Team: dia\n',
             'ComputeResources.Tags'),
            ('instance-types',
             'instance_types: [r6a.large, r6a.xlarge, c6a.8xlarge, '
             'r6a.4xlarge]',
             'instance_types: [r6a.large, r6a.xlarge, c6a.8xlarge, '
             'r6a.4xlarge, r6a.2xlarge]', 'ComputeResources.InstanceTypes')]:
        rc, doc, err = plan_json(changed(tmp, label, [(old, new)]))
        ce = resource(doc, 'NextflowDiaComputeEnv')
        check(rc == 0, f'{label}: exit {rc} {err}')
        check(ce and ce['replacement'] == 'conditional' and
              ce['properties'] == [{'name': prop,
                                    'replacement': 'conditional'}],
              f'{label}: CE {ce}')
        check(doc['findings'] == [], f'{label}: findings {rules(doc)}')

    # Renaming the CE (and its queue's reference): the logical ID follows
    # the name, so the old CE is removed and a new one added, which
    # CloudFormation can do (it creates the new CE, points the queue at it,
    # then deletes the old one); exit 4: a removal needs a reviewer.
    rc, doc, err = plan_json(changed(tmp, 'ce-name', [
        ('compute_environments:\n  - name: nextflow-dia\n',
         'compute_environments:\n  - name: nextflow-dia-v2\n'),
        ('compute_environments: [nextflow-dia]',
         'compute_environments: [nextflow-dia-v2]')]))
    check(rc == 4, f'ce-name: exit {rc} {err}')
    got = sorted((r['logical_id'], r['action']) for r in doc['resources']
                 if r['type'] == 'AWS::Batch::ComputeEnvironment')
    check(got == [('NextflowDiaComputeEnv', 'remove'),
                  ('NextflowDiaV2ComputeEnv', 'add')], f'ce-name: {got}')
    q = resource(doc, 'NextflowDiaJobQueue')
    check(q and q['replacement'] == 'never' and q['properties'] ==
          [{'name': 'ComputeEnvironmentOrder', 'replacement': 'never'}],
          f'ce-name: queue {q}')
    check('PL1' not in rules(doc), f'ce-name: findings {rules(doc)}')

    # The bucket's name: replaced; Retain keeps the old bucket (PL2), and
    # the policies now name the new bucket (PL3); exit 4.
    rc, doc, err = plan_json(changed(tmp, 'bucket', [(
        'name: example-lab-nextflow-dia\n',
        'name: example-lab-nextflow-dia2\n')]))
    b = resource(doc, 'Bucket')
    check(rc == 4, f'bucket: exit {rc}')
    check(b and b['replacement'] == 'always', f'bucket: {b}')
    pl2 = [f for f in doc['findings'] if f.get('rule') == 'PL2']
    check(len(pl2) == 1 and 'Retain' in pl2[0]['message']
          and 'kept' in pl2[0]['message'], f'bucket: PL2 {pl2}')
    check('PL3' in rules(doc), f'bucket: findings {rules(doc)}')

    # A policy's actions: a new action is IAM broadening (PL3), in place.
    path = changed(tmp, 'actions', [(
        '          - s3:DeleteObject\n',
        '          - s3:DeleteObject\n          - s3:DeleteObjectVersion\n')])
    rc, doc, err = plan_json(path)
    check([at(f) for f in doc['findings']] ==
          [('profiles/maccoss.yaml',
            *name_at(path, 'policies', 'nextflow-dia-bucket-access'))],
          f'actions: at {doc["findings"]}')
    check(rc == 4, f'actions: exit {rc}')
    check(doc['iam'] == [{'logical_id': 'NextflowDiaBucketAccessPolicy',
                          'broadened': 'action s3:DeleteObjectVersion'}],
          f'actions: iam {doc["iam"]}')
    p = resource(doc, 'NextflowDiaBucketAccessPolicy')
    check(p and p['replacement'] == 'never', f'actions: {p}')
    check(rules(doc) == ['PL3'], f'actions: findings {rules(doc)}')

    # A queue's priority: no interruption, exit 0.
    rc, doc, err = plan_json(changed(tmp, 'priority', [(
        'priority: 50', 'priority: 60')]))
    check(rc == 0, f'priority: exit {rc}')
    check([(r['logical_id'], r['replacement'], r['properties'])
           for r in doc['resources']] ==
          [('NextflowDiaJobQueue', 'never',
            [{'name': 'Priority', 'replacement': 'never'}])],
          f'priority: {doc["resources"]}')

    # The markdown for a pull-request comment: replacements first.
    rc, out, err = plan(['--profile', 'maccoss', '--format', 'markdown'],
                        profile_dir=os.path.join(tmp, 'bucket', 'profiles'))
    rows = [l for l in out.splitlines() if l.startswith('| `')]
    check(out.startswith('### gwgen plan\n') and rows and
          '| Bucket |' in rows[0] and '#### IAM changes' in out and
          '#### Findings' in out, f'markdown:\n{out}')


def test_templates():
    old = os.path.join(HERE, 'old.yaml')
    new = os.path.join(HERE, 'new.yaml')
    rc, out, err = plan(['--template', old, new, '--format', 'json'])
    doc = json.loads(out)
    got = {r['logical_id']: (r['action'], r['replacement'])
           for r in doc['resources']}
    # Queue: only the order of its keys changed; not a change.
    check(got == {'Ce': ('modify', 'always'), 'Role': ('modify', 'never'),
                  'Logs': ('remove', 'never'), 'Topic': ('add', 'never')},
          f'templates: {got}')
    # ServiceRole + BEST_FIT: no infrastructure update, a replacement, and
    # the name lab-ce stays (PL1); vCPUs 64 -> 256 (PL4); the log group is
    # deleted (PL2); ec2.amazonaws.com is trusted (PL3).
    check(rc == 1 and rules(doc) == ['PL1', 'PL2', 'PL3', 'PL4'],
          f'templates: exit {rc}, findings {rules(doc)}')
    pl4 = [f for f in doc['findings'] if f.get('rule') == 'PL4']
    check(pl4 and 'from 64 to 256' in pl4[0]['message'], f'PL4 {pl4}')
    check(doc['iam'] == [{'logical_id': 'Role',
                          'broadened': 'principal Service: '
                          'ec2.amazonaws.com'}], f'iam {doc["iam"]}')
    rc, out, err = plan(['--template', old, old])
    check(rc == 0 and out == 'no changes\n', f'same template: {rc} {out!r}')
    rc, out, err = plan(['--template', old])
    check(rc == 2, f'one template: exit {rc}')
    rc, out, err = plan(['--template', old, os.path.join(HERE, 'nothing')])
    check(rc == 3, f'missing template: exit {rc}')
    with tempfile.NamedTemporaryFile('w', suffix='.yaml') as f:
        f.write('Resources: [unclosed\n')
        f.flush()
        rc, out, err = plan(['--template', old, f.name])
        check(rc == 1 and 'error:' in err, f'bad template: {rc} {err!r}')


def test_sarif(tmp):
    """--format sarif validates against the SARIF 2.1.0 schema, for plan
    and for the commands whose diagnostics go to standard error."""
    old = os.path.join(HERE, 'old.yaml')
    new = os.path.join(HERE, 'new.yaml')
    logs = []

    def keep(name, text):
        path = os.path.join(tmp, name)
        with open(path, 'w') as f:
            f.write(text)
        logs.append(path)
        return json.loads(text)

    rc, out, err = plan(['--template', old, new, '--format', 'sarif'])
    doc = keep('plan.sarif', out)
    check(rc == 1 and err == '', f'sarif plan: exit {rc}, stderr {err!r}')
    res = doc['runs'][0]['results']
    pl1 = [r for r in res if r.get('ruleId') == 'PL1']
    # PL1 is at the logical ID Ce: tests/plan/new.yaml line 5, column 3.
    check(len(pl1) == 1 and pl1[0]['level'] == 'error' and
          pl1[0]['locations'][0]['physicalLocation']['region'] ==
          {'startLine': 5, 'startColumn': 3}, f'sarif PL1: {pl1}')
    # A profile whose path needs percent-encoding, with an error (Q9).
    d = os.path.join(tmp, 'a dir', 'profiles')
    os.makedirs(d)
    bad = os.path.join(d, 'maccoss.yaml')
    with open(os.path.join(ROOT, 'profiles', 'maccoss.yaml')) as f:
        text = f.read().replace('compute_environments: [nextflow-dia]',
                                'compute_environments: [nowhere]')
    with open(bad, 'w') as f:
        f.write(text)
    for name, args in [('verify', ['verify', '--profile', 'maccoss']),
                       ('check', ['check', '--profile', 'maccoss']),
                       ('bad', ['verify', '--profile', bad])]:
        p = subprocess.run([GWGEN, *args, '--format', 'sarif'], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
        doc = keep(name + '.sarif', p.stderr)
        check(p.stdout == '', f'sarif {name}: stdout {p.stdout!r}')
        if name == 'bad':
            q9 = [r for r in doc['runs'][0]['results']
                  if r.get('ruleId') == 'Q9']
            uri = q9 and q9[0]['locations'][0]['physicalLocation'][
                'artifactLocation']['uri']
            check(p.returncode == 1 and uri and '%20' in uri and
                  uri.startswith('file:///'), f'sarif bad: {q9}')
    v = subprocess.run(['node', os.path.join(HERE, 'validate-sarif.js'),
                        *logs], capture_output=True, text=True, timeout=60)
    print(v.stdout, end='')
    check(v.returncode == 0, f'sarif schema: {v.stdout} {v.stderr}')


def main():
    tmp = tempfile.mkdtemp(prefix='gwgen-plan-')
    try:
        test_unchanged()
        test_profile(tmp)
        test_templates()
        test_sarif(tmp)
    finally:
        shutil.rmtree(tmp)
    print(f'{len(failures)} failure(s)')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
