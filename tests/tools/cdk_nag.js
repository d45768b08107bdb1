#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// cdk-nag's AwsSolutions, HIPAA Security and NIST 800-53 rev 5 packs on a
// CloudFormation template, imported as a CDK user would import it: with
// aws-cdk-lib's CfnInclude (tests/tools/cdk/node_modules).
//
// usage: node cdk_nag.js TEMPLATE
//
// Suppressions are the template's own: each resource's Metadata
// cdk_nag.rules_to_suppress (id, reason, applies_to), which cdk-nag 2.x
// reads from the imported resource (NagSuppressionHelper.getSuppressions;
// cdk-nag 3 reads only CDK Validations acknowledgements and ignores them,
// so package.json pins the last 2.x); nothing is suppressed here. Every unsuppressed finding fails, warnings
// as well as errors, and so does a rule that throws on a resource (cdk-nag
// reports it as CdkNagValidationFailure). One line per finding:
//   TEMPLATE: LOGICAL-ID: RULE[FINDING] (error|warning): what the rule says
// then a count per pack of findings and suppressed findings.
//
// Exit status: 0 no unsuppressed finding, 1 findings, 2 bad usage or a
// template CfnInclude rejects, 77 when cdk-nag is not installed (npm ci
// --prefix tests/tools/cdk).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const SKIP = 77;
const [file] = process.argv.slice(2);
if (!file || process.argv.length !== 3) {
  process.stderr.write('usage: node cdk_nag.js TEMPLATE\n');
  process.exit(2);
}

let cdk, inc, nag;
const root = path.join(__dirname, 'cdk', 'node_modules');
try {
  cdk = require(path.join(root, 'aws-cdk-lib'));
  inc = require(path.join(root, 'aws-cdk-lib', 'cloudformation-include'));
  nag = require(path.join(root, 'cdk-nag'));
} catch (e) {
  process.stderr.write('cdk_nag: aws-cdk-lib and cdk-nag are not installed: ' +
    'npm ci --prefix tests/tools/cdk --no-audit --no-fund\n');
  process.exit(SKIP);
}

// The logical ID of an included resource: the last part of its path
// (Stack/Template/LOGICAL-ID).
function logicalId(resource) {
  return resource.node.id;
}

// An INagLogger that keeps what the packs say, instead of annotations.
class Collector {
  constructor() {
    this.findings = [];
    this.suppressed = {};
    this.failed = {};
  }
  count(map, pack) {
    map[pack] = (map[pack] || 0) + 1;
  }
  onCompliance() {}
  onNotApplicable() {}
  onNonCompliance(d) {
    // Informational rules (NagMessageLevel.INFO) report, they do not fail.
    if (d.ruleLevel === nag.NagMessageLevel.INFO) return;
    const id = d.findingId ? `${d.ruleId}[${d.findingId}]` : d.ruleId;
    this.findings.push({
      pack: d.nagPackName, resource: logicalId(d.resource), id,
      level: d.ruleLevel === nag.NagMessageLevel.ERROR ? 'error' : 'warning',
      info: d.ruleInfo,
    });
    this.count(this.failed, d.nagPackName);
  }
  onSuppressed(d) {
    this.count(this.suppressed, d.nagPackName);
  }
  onError(d) {
    this.findings.push({
      pack: d.nagPackName, resource: logicalId(d.resource),
      id: `${d.ruleId}[CdkNagValidationFailure]`,
      level: 'error', info: `the rule could not check it: ${d.errorMessage}`,
    });
    this.count(this.failed, d.nagPackName);
  }
  onSuppressedError(d) {
    this.count(this.suppressed, d.nagPackName);
  }
}

const packs = [
  ['AwsSolutions', nag.AwsSolutionsChecks],
  ['HIPAA.Security', nag.HIPAASecurityChecks],
  ['NIST.800.53.R5', nag.NIST80053R5Checks],
];

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gwgen-nag-'));
let status = 0;
try {
  const app = new cdk.App({ outdir });
  const stack = new cdk.Stack(app, 'Included', {
    synthesizer: new cdk.LegacyStackSynthesizer(),
  });
  try {
    new inc.CfnInclude(stack, 'Template', { templateFile: file });
  } catch (e) {
    process.stderr.write(`${file}: error: CfnInclude rejects it: ${e.message}\n`);
    process.exit(2);
  }
  const log = new Collector();
  for (const [, Pack] of packs) {
    cdk.Aspects.of(app).add(new Pack({ reports: false,
      additionalLoggers: [log] }));
  }
  try {
    app.synth();
  } catch (e) {
    // cdk-nag refuses a malformed suppression (a reason under 10
    // characters, a finding in 'id') by throwing.
    process.stdout.write(`${file}: error: cdk-nag stopped: ${e.message}\n`);
    process.exit(1);
  }
  log.findings.sort((a, b) => (a.resource + a.id).localeCompare(b.resource + b.id));
  for (const f of log.findings) {
    process.stdout.write(`${file}: ${f.resource}: ${f.id} (${f.level}): ${f.info}\n`);
  }
  for (const [name] of packs) {
    process.stdout.write(`cdk-nag ${name}: ${log.failed[name] || 0} finding(s), ` +
      `${log.suppressed[name] || 0} suppressed\n`);
  }
  status = log.findings.length ? 1 : 0;
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
process.exit(status);
