#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Validate SARIF logs (files named on the command line) against the SARIF
// 2.1.0 JSON schema that @microsoft/jest-sarif ships
// (lib/schemas/sarif-2.1.0-rtm.5.json, the OASIS 2.1.0 schema as
// SchemaStore publishes it), pinned in tests/tools/package.json. The schema
// is draft-04, which the package's own ajv 6 validates.
'use strict';

const fs = require('fs');
const path = require('path');

const TOOLS = path.join(__dirname, '..', 'tools');
const pkg = path.dirname(require.resolve('@microsoft/jest-sarif/package.json',
	{ paths: [TOOLS] }));
const Ajv = require(require.resolve('ajv', { paths: [pkg] }));
const ajvDir = path.dirname(require.resolve('ajv/package.json', { paths: [pkg] }));
const schema = JSON.parse(fs.readFileSync(path.join(pkg, 'lib', 'schemas',
	'sarif-2.1.0-rtm.5.json'), 'utf8'));

const ajv = new Ajv({ schemaId: 'id', allErrors: true, logger: false });
ajv.addMetaSchema(require(path.join(ajvDir, 'lib', 'refs',
	'json-schema-draft-04.json')));
const validate = ajv.compile(schema);
let bad = 0;
for (const file of process.argv.slice(2)) {
	const log = JSON.parse(fs.readFileSync(file, 'utf8'));
	if (!validate(log)) {
		bad++;
		console.log(`${file}: not SARIF 2.1.0:`);
		for (const e of validate.errors) {
			console.log(`  ${e.dataPath} ${e.message}`);
		}
	} else {
		console.log(`${file}: valid SARIF 2.1.0, ${log.runs[0].results.length} results`);
	}
}
process.exit(bad ? 1 : 0);
