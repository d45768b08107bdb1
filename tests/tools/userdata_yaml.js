// SPDX-License-Identifier: MIT
// Prints, as JSON {logicalId: userData}, the UserData of every
// AWS::EC2::LaunchTemplate in a CloudFormation YAML file, read by one of two
// JavaScript consumers:
//   yaml        the `yaml` npm package (tests/tools/node_modules), with the
//               CloudFormation short tags taken as their plain values
//   cfninclude  the AWS CDK's CfnInclude (tests/tools/cdk/node_modules),
//               synthesized to the template the CDK would deploy
// usage: node userdata_yaml.js yaml|cfninclude TEMPLATE
// Exit status: 0, 1 on a parse error, 77 when the consumer is not installed.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const [mode, file] = process.argv.slice(2);
const SKIP = 77;

function userData(resources, base64) {
  const out = {};
  for (const [id, r] of Object.entries(resources || {})) {
    if (!r || r.Type !== 'AWS::EC2::LaunchTemplate') continue;
    const ud = ((r.Properties || {}).LaunchTemplateData || {}).UserData;
    if (ud === undefined) continue;
    out[id] = base64(ud);
  }
  return out;
}

function withYaml() {
  const YAML = require(path.join(__dirname, 'node_modules', 'yaml'));
  // Every CloudFormation short tag as its plain scalar, sequence or map.
  const names = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs',
    'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'Ref',
    'And', 'Equals', 'If', 'Not', 'Or', 'Condition'];
  const customTags = [];
  for (const n of names) {
    for (const collection of [undefined, 'seq', 'map']) {
      const t = { tag: '!' + n, resolve: (v) => v };
      if (collection) t.collection = collection;
      customTags.push(t);
    }
  }
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'), { customTags });
  // !Base64 |+ ... reads as the string itself.
  return userData(doc.Resources, (v) => v);
}

function withCfnInclude() {
  let cdk, inc;
  const root = path.join(__dirname, 'cdk', 'node_modules');
  try {
    cdk = require(path.join(root, 'aws-cdk-lib'));
    inc = require(path.join(root, 'aws-cdk-lib', 'cloudformation-include'));
  } catch (e) {
    process.stderr.write('userdata_yaml: aws-cdk-lib is not installed: ' +
      'npm ci --prefix tests/tools/cdk --no-audit --no-fund\n');
    process.exit(SKIP);
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gwgen-cdk-'));
  try {
    const app = new cdk.App({ outdir });
    const stack = new cdk.Stack(app, 'Included', {
      synthesizer: new cdk.LegacyStackSynthesizer(),
    });
    new inc.CfnInclude(stack, 'Template', { templateFile: file });
    const asm = app.synth();
    const tpl = asm.getStackByName('Included').template;
    return userData(tpl.Resources, (v) => {
      if (v && typeof v === 'object' && typeof v['Fn::Base64'] === 'string') {
        return v['Fn::Base64'];
      }
      throw new Error('UserData is not Fn::Base64 of a string: ' +
        JSON.stringify(v).slice(0, 200));
    });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

try {
  let out;
  if (mode === 'yaml') out = withYaml();
  else if (mode === 'cfninclude') out = withCfnInclude();
  else {
    process.stderr.write('usage: node userdata_yaml.js yaml|cfninclude TEMPLATE\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(out));
} catch (e) {
  process.stderr.write(`userdata_yaml: ${mode}: ${e.message}\n`);
  process.exit(1);
}
