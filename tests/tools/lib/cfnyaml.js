// SPDX-License-Identifier: MIT
// Loads a CloudFormation YAML template into its JSON form, with every short-form intrinsic expanded and a line:col for every node.
'use strict';

const fs = require('node:fs');
const YAML = require('yaml');

// The short forms CloudFormation accepts in YAML templates, mapped to their
// long form ("Intrinsic function reference", AWS CloudFormation User Guide;
// Fn::Length and Fn::ToJsonString come with the AWS::LanguageExtensions
// transform, Fn::ForEach has no short form).
const SHORT_FORMS = {
	'!Ref': 'Ref',
	'!Condition': 'Condition',
	'!Base64': 'Fn::Base64',
	'!Cidr': 'Fn::Cidr',
	'!FindInMap': 'Fn::FindInMap',
	'!GetAtt': 'Fn::GetAtt',
	'!GetAZs': 'Fn::GetAZs',
	'!ImportValue': 'Fn::ImportValue',
	'!Join': 'Fn::Join',
	'!Select': 'Fn::Select',
	'!Split': 'Fn::Split',
	'!Sub': 'Fn::Sub',
	'!Transform': 'Fn::Transform',
	'!And': 'Fn::And',
	'!Equals': 'Fn::Equals',
	'!If': 'Fn::If',
	'!Not': 'Fn::Not',
	'!Or': 'Fn::Or',
	'!Length': 'Fn::Length',
	'!ToJsonString': 'Fn::ToJsonString',
};

const CORE_TAG_PREFIX = 'tag:yaml.org,2002:';

function pathKey(path) {
	return path.join('/');
}

/*
 * Parse the YAML text 'src' (named 'file' in messages). Returns
 * { value, locs, errors }: 'value' is the template as plain JSON data,
 * 'locs' maps a path key (segments joined by '/') to 'LINE:COL', 'errors'
 * lists 'FILE:LINE:COL: message' strings (YAML errors and unknown tags).
 */
function load(src, file) {
	const lc = new YAML.LineCounter();
	// CloudFormation documents YAML 1.1 support; the 1.2 core schema is used
	// here so that a plain y/n/on/off stays a string, and yamllint's truthy
	// rule (run on the same files) rejects such ambiguous scalars.
	const doc = YAML.parseDocument(src, {
		lineCounter: lc,
		version: '1.2',
		uniqueKeys: true,
		prettyErrors: false,
	});
	const errors = [];
	const locs = new Map();
	const where = (offset) => {
		const p = lc.linePos(offset);
		return `${p.line}:${p.col}`;
	};
	for (const e of doc.errors) {
		errors.push(`${file}:${where(e.pos[0])}: error: ${e.code}: ${e.message.split('\n')[0]}`);
	}
	if (errors.length) {
		return { value: null, locs, errors };
	}

	function convert(node, path) {
		if (node === null || node === undefined) {
			return null;
		}
		if (YAML.isAlias(node)) {
			return convert(node.resolve(doc), path);
		}
		if (node.range) {
			locs.set(pathKey(path), where(node.range[0]));
		}
		const tag = node.tag;
		let inner;
		if (YAML.isMap(node)) {
			inner = {};
			for (const pair of node.items) {
				const k = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
				const v = convert(pair.value, path.concat(k));
				if (pair.key && pair.key.range) {
					locs.set(pathKey(path.concat(k)), where(pair.key.range[0]));
				}
				// report a member at its key, which is where a reader looks
				inner[k] = v;
			}
		} else if (YAML.isSeq(node)) {
			inner = node.items.map((it, i) => convert(it, path.concat(i)));
		} else if (YAML.isScalar(node)) {
			inner = node.value;
			if (tag && tag.startsWith('!')) {
				// a custom tag leaves the scalar as a string
				inner = node.source !== undefined ? String(node.source) : String(node.value);
			}
		} else {
			inner = null;
		}
		if (!tag || tag.startsWith(CORE_TAG_PREFIX)) {
			return inner;
		}
		const long = SHORT_FORMS[tag];
		if (!long) {
			errors.push(`${file}:${where(node.range[0])}: error: unknown tag '${tag}' (not a CloudFormation intrinsic function short form)`);
			return inner;
		}
		if (long === 'Fn::GetAtt' && typeof inner === 'string') {
			// !GetAtt Resource.Attribute: the attribute may itself contain dots
			const dot = inner.indexOf('.');
			inner = dot < 0 ? [inner] : [inner.slice(0, dot), inner.slice(dot + 1)];
		}
		const out = {};
		out[long] = inner;
		return out;
	}

	const value = convert(doc.contents, []);
	return { value, locs, errors };
}

const LONG_FORMS = new Set(Object.values(SHORT_FORMS));

/*
 * The 'LINE:COL' of the node at 'path' in 'locs' (from load), or of its
 * nearest ancestor when the path runs through an intrinsic function.
 */
function locate(locs, path) {
	const plain = path.filter((seg) => !LONG_FORMS.has(seg));
	for (let n = plain.length; n >= 0; n--) {
		const hit = locs.get(pathKey(plain.slice(0, n)));
		if (hit) {
			return hit;
		}
	}
	return '1:1';
}

function loadFile(file) {
	return load(fs.readFileSync(file, 'utf8'), file);
}

module.exports = { load, loadFile, locate, pathKey, SHORT_FORMS };
