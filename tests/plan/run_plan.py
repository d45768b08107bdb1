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
Exit statuses: README.md, "Planning a change"; the rules: docs/rules.md (PL).
"""
import json
import os
import re
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


def summary(doc):
    """{logical_id: (action, replacement)} of every resource that changed."""
    return {r['logical_id']: (r['action'], r['replacement'])
            for r in doc['resources']}


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
    # Every other taggable resource takes the new tag in place (Tags: "No
    # interruption" on AWS::S3::Bucket, AWS::Logs::LogGroup, AWS::IAM::Role;
    # the launch template's TagSpecifications and LaunchTemplateData too),
    # and the replacements fail, so no job is at risk (no PL5).
    check(summary(doc) == {
        'NextflowDiaComputeEnv': ('modify', 'always'),
        'NextflowDiaJobQueue': ('modify', 'always'),
        'AccessLogBucket': ('modify', 'never'),
        'Bucket': ('modify', 'never'),
        'AwsBatchNextflowDiaLogGroup': ('modify', 'never'),
        'NextflowDiaEcsInstanceRole': ('modify', 'never'),
        'NextflowDiaTemplateLaunchTemplate': ('modify', 'never')},
          f'stack tags: {summary(doc)}')
    check(rules(doc) == ['PL1', 'PL1'], f'stack tags: findings {rules(doc)}')

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
        check(summary(doc) == {'NextflowDiaComputeEnv':
                               ('modify', 'conditional')},
              f'{label}: {summary(doc)}')
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
    check(rules(doc) == [], f'ce-name: findings {rules(doc)}')
    # A removal needs a reviewer, so it leads the markdown table with the
    # replacements.
    check(summary(doc) == {'NextflowDiaComputeEnv': ('remove', 'never'),
                           'NextflowDiaV2ComputeEnv': ('add', 'never'),
                           'NextflowDiaJobQueue': ('modify', 'never')},
          f'ce-name: {summary(doc)}')
    check([r['action'] for r in doc['resources']] ==
          ['remove', 'modify', 'add'], f'ce-name: order {doc["resources"]}')

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
    check(rules(doc) == ['PL2', 'PL3', 'PL3'],
          f'bucket: findings {rules(doc)}')
    check(b and b['action'] == 'modify' and b['properties'] ==
          [{'name': 'BucketName', 'replacement': 'always'}], f'bucket: {b}')
    check(doc['iam'] == [
        {'logical_id': 'NextflowDiaBucketAccessPolicy', 'broadened':
         'resource arn:${AWS::Partition}:s3:::example-lab-nextflow-dia2'},
        {'logical_id': 'NextflowDiaBucketAccessPolicy', 'broadened':
         'resource arn:${AWS::Partition}:s3:::example-lab-nextflow-dia2/*'}],
          f'bucket: iam {doc["iam"]}')

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
    check(doc['findings'] == [] and doc['iam'] == [],
          f'priority: findings {rules(doc)}')
    check(summary(doc) == {'NextflowDiaJobQueue': ('modify', 'never')},
          f'priority: {summary(doc)}')

    # The markdown for a pull-request comment: replacements first.
    rc, out, err = plan(['--profile', 'maccoss', '--format', 'markdown'],
                        profile_dir=os.path.join(tmp, 'bucket', 'profiles'))
    rows = [l for l in out.splitlines() if l.startswith('| `')]
    check(out.startswith('### gwgen plan\n') and rows and
          '| Bucket |' in rows[0] and '#### IAM changes' in out and
          '#### Findings' in out, f'markdown:\n{out}')
    # Each table row has the header's six cells (a '|' in a value is
    # escaped), and each finding is one list item: GitHub renders it.
    table = [l for l in out.splitlines() if l.startswith('|')]
    check(table and all(len(re.split(r'(?<!\\)\|', l)) == 8 for l in table),
          f'markdown table:\n{out}')
    items = [l for l in out.split('#### Findings\n\n', 1)[-1].splitlines()
             if l]
    check(items and all(l.startswith('- **') for l in items),
          f'markdown findings:\n{out}')


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


# ---- compute environments and queues (hand-written templates) -------------

def ce_tpl(ce='', cr='', queue='', ref='!Ref Ce', more=''):
    """A small hand-written template: compute environment Ce (properties
    'ce', ComputeResources 'cr', each a block of lines), queue Queue
    (properties 'queue') that uses it through 'ref', then 'more'."""
    def block(text, indent):
        return ''.join(' ' * indent + line + '\n'
                       for line in text.strip('\n').split('\n') if line)
    return ('AWSTemplateFormatVersion: "2010-09-09"\n'
            'Resources:\n'
            '  Ce:\n'
            '    Type: AWS::Batch::ComputeEnvironment\n'
            '    Properties:\n'
            '      Type: MANAGED\n' + block(ce, 6) +
            '      ComputeResources:\n' + block(cr, 8) +
            '  Queue:\n'
            '    Type: AWS::Batch::JobQueue\n'
            '    Properties:\n'
            '      Priority: 1\n' + block(queue, 6) +
            '      ComputeEnvironmentOrder:\n'
            '        - Order: 1\n'
            f'          ComputeEnvironment: {ref}\n' + more)


EC2 = """
Type: SPOT
AllocationStrategy: SPOT_PRICE_CAPACITY_OPTIMIZED
MinvCpus: 0
MaxvCpus: 64
Subnets: [subnet-1]
InstanceRole: arn:aws:iam::123456789012:instance-profile/ecs
"""
FARGATE = """
Type: FARGATE
MaxvCpus: 64
Subnets: [subnet-1]
SecurityGroupIds: [sg-1]
"""


def plan_pair(tmp, label, old, new):
    d = os.path.join(tmp, 'batch', label)
    os.makedirs(d)
    paths = []
    for name, text in [('old.yaml', old), ('new.yaml', new)]:
        paths.append(os.path.join(d, name))
        with open(paths[-1], 'w') as f:
            f.write(text)
    rc, out, err = plan(['--template', *paths, '--format', 'json'])
    return rc, json.loads(out), paths


def expect(tmp, label, old, new, status, resources, found, says=()):
    """Plan OLD -> NEW: exit 'status', {logical_id: (action, replacement)}
    of the resources that changed, the sorted rule IDs of the findings,
    and each text of 'says' in some finding's message."""
    rc, doc, paths = plan_pair(tmp, label, old, new)
    got = {r['logical_id']: (r['action'], r['replacement'])
           for r in doc['resources']}
    check(rc == status, f'{label}: exit {rc}, wanted {status}')
    check(got == resources, f'{label}: resources {got}')
    check(rules(doc) == sorted(found), f'{label}: findings {rules(doc)} '
          f'{[f["message"] for f in doc["findings"]]}')
    for text in says:
        check(any(text in f['message'] for f in doc['findings']),
              f'{label}: no finding says {text!r}')
    return doc, paths


def test_ce_updates(tmp):
    types = 'InstanceTypes: [c6a.large]'
    more_types = 'InstanceTypes: [c6a.large, c6a.xlarge]'
    keep = 'ReplaceComputeEnvironment: false'
    role = 'ServiceRole: arn:aws:iam::123456789012:role/batch'

    # ReplaceComputeEnvironment true (CloudFormation's default): new
    # instance types replace the unnamed compute environment; nothing
    # fails, but a replacement needs a reviewer (4).
    expect(tmp, 'replace-default', ce_tpl(cr=EC2 + types),
           ce_tpl(cr=EC2 + more_types), 4,
           {'Ce': ('modify', 'always')}, [])
    # ReplaceComputeEnvironment false, the service-linked role and
    # SPOT_PRICE_CAPACITY_OPTIMIZED: an infrastructure update in place.
    expect(tmp, 'infra-update', ce_tpl(ce=keep, cr=EC2 + types),
           ce_tpl(ce=keep, cr=EC2 + more_types), 0,
           {'Ce': ('modify', 'conditional')}, [])
    # ... which Batch refuses with a regular ServiceRole (PL8, exit 1) ...
    expect(tmp, 'infra-refused-role',
           ce_tpl(ce=keep + '\n' + role, cr=EC2 + types),
           ce_tpl(ce=keep + '\n' + role, cr=EC2 + more_types), 1,
           {'Ce': ('modify', 'conditional')}, ['PL8'],
           ['not a ServiceRole'])
    # ... and from BEST_FIT, whatever the strategy after.
    best_fit = EC2.replace('SPOT_PRICE_CAPACITY_OPTIMIZED', 'BEST_FIT')
    expect(tmp, 'infra-refused-best-fit',
           ce_tpl(ce=keep, cr=best_fit + types),
           ce_tpl(ce=keep, cr=EC2 + types), 1,
           {'Ce': ('modify', 'conditional')}, ['PL8'], ['BEST_FIT'])
    # ReplaceComputeEnvironment turned false with other changes: the
    # rollback can fail (PL8 warning, exit 4).
    expect(tmp, 'replace-flag-with-others', ce_tpl(cr=EC2 + types),
           ce_tpl(ce=keep, cr=EC2 + more_types), 4,
           {'Ce': ('modify', 'conditional')}, ['PL8'],
           ['UPDATE_ROLLBACK_FAILED'])
    # A regular ServiceRole removed (for the service-linked role) in
    # place: Batch refuses the switch (PL8).
    expect(tmp, 'service-role-switch', ce_tpl(ce=role, cr=EC2 + types),
           ce_tpl(cr=EC2 + types), 1,
           {'Ce': ('modify', 'never')}, ['PL8'], ['service-linked role'])
    # DesiredvCpus changed: it may be below the current value (PL8 W).
    expect(tmp, 'desired', ce_tpl(cr=EC2 + types + '\nDesiredvCpus: 8'),
           ce_tpl(cr=EC2 + types + '\nDesiredvCpus: 4'), 4,
           {'Ce': ('modify', 'never')}, ['PL8'], ['DesiredvCpus'])

    # Fargate: subnets update in place; EC2 <-> Fargate creates a new
    # compute environment; a replaced Fargate one must be drained (PL9).
    expect(tmp, 'fargate-subnets', ce_tpl(cr=FARGATE),
           ce_tpl(cr=FARGATE.replace('[subnet-1]', '[subnet-1, subnet-2]')),
           0, {'Ce': ('modify', 'never')}, [])
    expect(tmp, 'ec2-to-fargate', ce_tpl(ce=keep, cr=EC2 + types),
           ce_tpl(ce=keep, cr=FARGATE), 4,
           {'Ce': ('modify', 'always')}, [])
    expect(tmp, 'fargate-replaced', ce_tpl(cr=FARGATE),
           ce_tpl(cr=FARGATE.replace('FARGATE', 'FARGATE_SPOT')), 4,
           {'Ce': ('modify', 'always')}, ['PL9'], ['INVALID'])


def test_queue_updates(tmp):
    types = 'InstanceTypes: [c6a.large]'
    # A new name replaces the queue and terminates its jobs (PL5).
    expect(tmp, 'queue-renamed', ce_tpl(cr=EC2 + types,
                                        queue='JobQueueName: lab'),
           ce_tpl(cr=EC2 + types, queue='JobQueueName: lab-2'), 4,
           {'Queue': ('modify', 'always')}, ['PL5'], ['terminates'])
    # A custom-named queue replaced: the update fails (PL1), so no job is
    # lost (no PL5).
    expect(tmp, 'queue-tags', ce_tpl(cr=EC2 + types,
                                     queue='JobQueueName: lab'),
           ce_tpl(cr=EC2 + types,
                  queue='JobQueueName: lab\nTags: {team: dia}'), 1,
           {'Queue': ('modify', 'always')}, ['PL1'])
    # A fair-share policy cannot be added or removed in place (PL6).
    policy = ('SchedulingPolicyArn: arn:aws:batch:us-east-1:123456789012:'
              'scheduling-policy/fair')
    expect(tmp, 'fair-share-added', ce_tpl(cr=EC2 + types),
           ce_tpl(cr=EC2 + types, queue=policy), 1,
           {'Queue': ('modify', 'never')}, ['PL6'], ['gets'])
    expect(tmp, 'fair-share-removed', ce_tpl(cr=EC2 + types, queue=policy),
           ce_tpl(cr=EC2 + types), 1,
           {'Queue': ('modify', 'never')}, ['PL6'], ['loses'])

    # A queue that names its compute environment by ARN keeps the old one
    # when a rename replaces it, which Batch then cannot delete (PL7, at
    # the queue's ComputeEnvironment line).
    arn = 'arn:aws:batch:us-east-1:123456789012:compute-environment/'
    doc, paths = expect(
        tmp, 'queue-names-ce',
        ce_tpl(ce='ComputeEnvironmentName: lab-ce', cr=EC2 + types,
               ref=arn + 'lab-ce'),
        ce_tpl(ce='ComputeEnvironmentName: lab-ce-2', cr=EC2 + types,
               ref=arn + 'lab-ce'), 1,
        {'Ce': ('modify', 'always')}, ['PL7'], ["'" + arn + "lab-ce'"])
    pl7 = [f for f in doc['findings'] if f['rule'] == 'PL7'][0]
    with open(paths[1]) as f:
        line = f.read().split('\n').index(
            '          ComputeEnvironment: ' + arn + 'lab-ce') + 1
    check((pl7['file'], pl7['line'], pl7['column']) == (paths[1], line, 31),
          f'queue-names-ce: PL7 at {pl7}')
    # With !Ref the queue moves to the new one first: no finding.
    expect(tmp, 'queue-refs-ce',
           ce_tpl(ce='ComputeEnvironmentName: lab-ce', cr=EC2 + types),
           ce_tpl(ce='ComputeEnvironmentName: lab-ce-2', cr=EC2 + types), 4,
           {'Ce': ('modify', 'always')}, [])
    # A compute environment removed while the queue still has !Ref to it:
    # CloudFormation rejects the template (PL7).
    second = ('  Ce2:\n    Type: AWS::Batch::ComputeEnvironment\n'
              '    Properties:\n      Type: MANAGED\n'
              '      ComputeResources:\n' +
              ''.join('        ' + line + '\n'
                      for line in (EC2 + types).strip().split('\n')))
    old = ce_tpl(cr=EC2 + types, more=second).replace(
        '          ComputeEnvironment: !Ref Ce\n',
        '          ComputeEnvironment: !Ref Ce\n'
        '        - Order: 2\n          ComputeEnvironment: !Ref Ce2\n')
    expect(tmp, 'removed-ce-still-queued', old, old.replace(second, ''), 1,
           {'Ce2': ('remove', 'never')}, ['PL7'], ['unresolved'])


def test_ceiling(tmp):
    keep = 'ReplaceComputeEnvironment: false'
    # The same 64 vCPUs on p3 (V100 GPUs) instead of c6a.large. The EC2
    # instance type specifications: c6a.large 2 vCPUs, 4 GiB; p3.2xlarge
    # 8 vCPUs, 61 GiB, 1 GPU; p3.8xlarge 32, 244 GiB, 4; p3.16xlarge 64,
    # 488 GiB, 8. In 64 vCPUs: 32 c6a.large (128 GiB), or 8 p3.2xlarge, 2
    # p3.8xlarge or 1 p3.16xlarge (8 GPUs, 488 GiB).
    doc, _ = expect(tmp, 'gpus',
                    ce_tpl(ce=keep, cr=EC2 + 'InstanceTypes: [c6a.large]'),
                    ce_tpl(ce=keep, cr=EC2 + 'InstanceTypes: [p3]'), 4,
                    {'Ce': ('modify', 'conditional')}, ['PL4'],
                    ['GPUs from 0 to 8', 'memory from 128 to 488 GiB'])
    check(doc['ceiling'] == {
        'old': {'max_vcpus': 64, 'vcpus': 64, 'instances': 32, 'gpus': 0,
                'memory_mib': 32 * 4096, 'complete': True},
        'new': {'max_vcpus': 64, 'vcpus': 64, 'instances': 8, 'gpus': 8,
                'memory_mib': 8 * 62464, 'complete': True}},
          f'gpus: ceiling {doc["ceiling"]}')
    check(not any('vCPUs from' in f['message'] for f in doc['findings']),
          'gpus: the vCPUs did not rise')
    # Batch may exceed MaxvCpus by one instance (Spot, or a progressive
    # strategy): 20 vCPUs of c6a.4xlarge (16 each) may be 32.
    expect(tmp, 'overshoot',
           ce_tpl(ce=keep, cr=EC2.replace('64', '16') +
                  'InstanceTypes: [c6a.4xlarge]'),
           ce_tpl(ce=keep, cr=EC2.replace('64', '20') +
                  'InstanceTypes: [c6a.4xlarge]'), 4,
           {'Ce': ('modify', 'never')}, ['PL4'],
           ['vCPUs from 16 to 32', 'MaxvCpus from 16 to 20'])
    # MaxvCpus from a parameter's default: a new default changes no
    # resource, but the ceiling, which the plan shows.
    param = ('Parameters:\n  Max:\n    Type: Number\n    Default: {}\n')
    old = param.format(64) + ce_tpl(cr=EC2.replace('MaxvCpus: 64',
                                                   'MaxvCpus: !Ref Max') +
                                    'InstanceTypes: [c6a.large]')
    new = old.replace('Default: 64', 'Default: 128')
    doc, paths = expect(tmp, 'parameter', old, new, 4, {}, ['PL4'],
                        ['vCPUs from 64 to 128'])
    rc, out, err = plan(['--template', *paths])
    check(rc == 4 and 'ceiling: vCPUs 64 -> 128' in out and
          'no changes' not in out, f'parameter: text {out!r}')
    # A type the catalog lacks leaves the count incomplete, and says so.
    doc, _ = expect(tmp, 'unknown-type',
                    ce_tpl(ce=keep, cr=EC2 + 'InstanceTypes: [c6a.large]'),
                    ce_tpl(ce=keep, cr=EC2 + 'InstanceTypes: [zz9.large]'),
                    0, {'Ce': ('modify', 'conditional')}, [])
    check(doc['ceiling']['new']['complete'] is False,
          f'unknown-type: {doc["ceiling"]}')


def merge_like_workflow(tmp, logs):
    """The jq program of docs/examples/github-actions.yml run on 'logs', as
    the workflow runs it on plan/*.sarif; None when jq is missing."""
    if not shutil.which('jq'):
        print('jq missing: the workflow\'s SARIF merge is not tested')
        return None
    with open(os.path.join(ROOT, 'docs', 'examples',
                           'github-actions.yml')) as f:
        text = f.read()
    m = re.search(r"jq -s '(.*?)' \\\n", text, re.S)
    check(m is not None, 'workflow: no jq merge found')
    if not m:
        return None
    p = subprocess.run(['jq', '-s', m.group(1), *logs], capture_output=True,
                       text=True, timeout=60)
    check(p.returncode == 0, f'workflow jq: {p.stderr}')
    return p.stdout


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
    # A template with an unclosed section, and data, for 'render'.
    tpl = os.path.join(tmp, 'a dir', 'broken.mustache')
    with open(tpl, 'w') as f:
        f.write('{{#items}}\n{{name}}\n')
    data = os.path.join(tmp, 'a dir', 'data.json')
    with open(data, 'w') as f:
        f.write('{"items": [{"name": "x"}]}\n')
    good = os.path.join(tmp, 'a dir', 'good.mustache')
    with open(good, 'w') as f:
        f.write('{{#items}}{{name}}{{/items}}\n')
    starter = os.path.join(tmp, 'a dir', 'lab.yaml')
    out = os.path.join(tmp, 'sarif-out')
    # Every command that reports diagnostics: (name, arguments, status,
    # rule IDs or messages the results must have).
    for name, args, status, want in [
            ('generate', ['--profile', 'maccoss', '-o', out], 0, []),
            ('verify', ['verify', '--profile', 'maccoss'], 0, []),
            ('check', ['check', '--profile', 'maccoss', '-o', 'out'], 0, []),
            ('bad', ['verify', '--profile', bad], 1, ['Q9']),
            ('init', ['init', 'lab', '-o', starter], 0, []),
            ('init-bad', ['init', 'lab2', '--region', 'zz-nowhere-9', '-o',
                          os.path.join(tmp, 'a dir', 'lab2.yaml')], 1,
             ["unknown region 'zz-nowhere-9'"]),
            ('render', ['render', good, data], 0, []),
            ('render-bad', ['render', tpl, data], 1,
             ["unclosed section 'items'"]),
            ('render-unreadable', ['render', good,
                                   os.path.join(tmp, 'none.json')], 3,
             ['cannot read'])]:
        p = subprocess.run([GWGEN, *args, '--format', 'sarif'], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
        doc = keep(name + '.sarif', p.stderr)
        results = doc['runs'][0]['results']
        got = [r.get('ruleId') or r['message']['text'] for r in results]
        check(p.returncode == status and
              all(any(w in g for g in got) for w in want) and
              (want or not [r for r in results if r['level'] == 'error']),
              f'sarif {name}: exit {p.returncode}, results {got}')
        if name.startswith('render') and status == 0:
            check(p.stdout == 'x\n', f'sarif {name}: stdout {p.stdout!r}')
        elif not name.startswith('init') and name != 'generate':
            check(p.stdout == '', f'sarif {name}: stdout {p.stdout!r}')
        # The rules the results name, described once each.
        ids = sorted({r['ruleId'] for r in results if 'ruleId' in r})
        rules_of = doc['runs'][0]['tool']['driver']['rules']
        check(sorted(r['id'] for r in rules_of) == ids and
              all(r['shortDescription']['text'] for r in rules_of),
              f'sarif {name}: rules {rules_of}')
        if name == 'bad':
            q9 = [r for r in results if r.get('ruleId') == 'Q9']
            uri = q9 and q9[0]['locations'][0]['physicalLocation'][
                'artifactLocation']['uri']
            check(uri and '%20' in uri and uri.startswith('file:///'),
                  f'sarif bad: {q9}')
        if name == 'render-bad':
            loc = results[0]['locations'][0]['physicalLocation']
            check(loc['region'] == {'startLine': 1, 'startColumn': 1} and
                  loc['artifactLocation']['uri'].endswith(
                      '/a%20dir/broken.mustache'),
                  f'sarif render-bad: at {loc}')
    # docs/examples/github-actions.yml merges the plan and verifier logs
    # into one run with jq: the merged log is SARIF too, with every rule.
    merged = merge_like_workflow(tmp, logs)
    if merged:
        doc = keep('merged.sarif', merged)
        ids = {r['ruleId'] for run in doc['runs'] for r in run['results']
               if 'ruleId' in r}
        described = {r['id'] for r in doc['runs'][0]['tool']['driver']
                     ['rules']}
        check(len(doc['runs']) == 1 and ids == described and 'PL1' in ids
              and 'Q9' in ids, f'merged sarif: {ids} {described}')
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
        test_ce_updates(tmp)
        test_queue_updates(tmp)
        test_ceiling(tmp)
        test_sarif(tmp)
    finally:
        shutil.rmtree(tmp)
    print(f'{len(failures)} failure(s)')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
