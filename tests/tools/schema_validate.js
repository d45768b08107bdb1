// SPDX-License-Identifier: MIT
// Validates YAML profiles against a JSON Schema with Ajv (draft-07), as an editor's YAML language server would.
'use strict';

// Usage: node schema_validate.js SCHEMA.json --expect-valid|--expect-invalid
//                                PROFILE.yaml...
// Each profile is read as YAML 1.2 (the 'yaml' package, as
// yaml-language-server does) and validated with every error collected.
// Prints 'valid FILE' or 'invalid FILE' with Ajv's errors, and
// 'FAIL: ...' for each profile whose result is not the one expected.
// Exit status: 0 every result as expected, 1 any other, 2 usage error or
// a schema Ajv refuses to compile (strict mode: unknown keywords, types
// that contradict each other).

const fs = require('node:fs');
const Ajv = require('ajv');
const YAML = require('yaml');

const EXIT_UNEXPECTED = 1;
const EXIT_SETUP = 2;

function main(argv) {
	if (argv.length < 3 || !['--expect-valid', '--expect-invalid']
		.includes(argv[1])) {
		console.error('usage: node schema_validate.js SCHEMA.json ' +
			'--expect-valid|--expect-invalid PROFILE.yaml...');
		return EXIT_SETUP;
	}
	const wantValid = argv[1] === '--expect-valid';
	let validate;
	try {
		const schema = JSON.parse(fs.readFileSync(argv[0], 'utf8'));
		// Strict, but for strictRequired: the schema states the
		// required keys of the top level and its mappings apart
		// from their properties, in an 'if extends / else'.
		const ajv = new Ajv({allErrors: true, strict: true,
			strictRequired: false, allowUnionTypes: true});
		validate = ajv.compile(schema);
	} catch (e) {
		console.error(`${argv[0]}: error: ${e.message}`);
		return EXIT_SETUP;
	}
	let unexpected = 0;
	for (const file of argv.slice(2)) {
		let doc;
		let errors = null;
		try {
			doc = YAML.parse(fs.readFileSync(file, 'utf8'),
				{merge: false});
		} catch (e) {
			console.error(`${file}: error: not YAML: ${e.message}`);
			return EXIT_SETUP;
		}
		const valid = validate(doc);
		if (!valid) {
			errors = validate.errors.map((e) =>
				`  ${e.instancePath || '/'}: ${e.message}` +
				(e.params && e.params.additionalProperty
					? ` '${e.params.additionalProperty}'`
					: ''));
		}
		console.log(`${valid ? 'valid' : 'invalid'} ${file}`);
		if (errors) {
			console.log(errors.join('\n'));
		}
		if (valid !== wantValid) {
			console.log(`FAIL: ${file}: expected it to be ` +
				`${wantValid ? 'valid' : 'invalid'}`);
			unexpected++;
		}
	}
	return unexpected ? EXIT_UNEXPECTED : 0;
}

process.exitCode = main(process.argv.slice(2));
