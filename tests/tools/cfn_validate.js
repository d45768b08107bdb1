// SPDX-License-Identifier: MIT
// Checks CloudFormation templates against the CloudFormation resource schemas shipped in @aws-cdk/aws-service-spec.
'use strict';

// Usage: node cfn_validate.js TEMPLATE.yaml...
//        node cfn_validate.js --summary TEMPLATE.yaml (parameters, outputs and
//        IAM capability as JSON, for validate.py awscli)
// Prints one line per finding, 'FILE:LINE:COL: error: LOGICAL-ID PATH: MESSAGE'
// (GCC style, like gwgen's own diagnostics). Exit status: 0 no errors,
// 1 errors, 2 usage error or the schema database is missing.

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const cfnyaml = require('./lib/cfnyaml');

const EXIT_INVALID = 1;
const EXIT_SETUP = 2;

// Template anatomy, limits and pseudo parameters: AWS CloudFormation User
// Guide, "Template anatomy", "CloudFormation quotas", "Pseudo parameters
// reference", "Parameters" (Type), "Resource attribute reference".
const FORMAT_VERSION = '2010-09-09';
const TOP_LEVEL = new Set(['AWSTemplateFormatVersion', 'Description',
	'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform',
	'Resources', 'Outputs']);
const MAX_DESCRIPTION_BYTES = 1024;
// The largest template CloudFormation takes from S3; inline (51,200 bytes)
// is checked against the deploy command by validate.py awscli.
const MAX_TEMPLATE_BYTES = 1024 * 1024;
const MAX_RESOURCES = 500;
const MAX_PARAMETERS = 200;
const MAX_OUTPUTS = 200;
const MAX_MAPPINGS = 200;
const MAX_LOGICAL_ID = 255;
const MAX_PARAMETER_VALUE_BYTES = 4096;
const LOGICAL_ID = /^[A-Za-z0-9]+$/;
const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs',
	'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId',
	'AWS::StackName', 'AWS::URLSuffix']);
const PARAMETER_KEYS = new Set(['Type', 'Default', 'AllowedValues',
	'AllowedPattern', 'ConstraintDescription', 'Description', 'MaxLength',
	'MaxValue', 'MinLength', 'MinValue', 'NoEcho']);
const AWS_PARAMETER_TYPES = new Set([
	'AWS::EC2::AvailabilityZone::Name', 'AWS::EC2::Image::Id',
	'AWS::EC2::Instance::Id', 'AWS::EC2::KeyPair::KeyName',
	'AWS::EC2::SecurityGroup::GroupName', 'AWS::EC2::SecurityGroup::Id',
	'AWS::EC2::Subnet::Id', 'AWS::EC2::Volume::Id', 'AWS::EC2::VPC::Id',
	'AWS::Route53::HostedZone::Id']);
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn',
	'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata',
	'CreationPolicy', 'UpdatePolicy']);
const DELETION_POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnCreate',
	'Snapshot']);
// "DeletionPolicy attribute": the resource types that support Snapshot.
const SNAPSHOT_TYPES = new Set(['AWS::EC2::Volume',
	'AWS::ElastiCache::CacheCluster', 'AWS::ElastiCache::ReplicationGroup',
	'AWS::Neptune::DBCluster', 'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance',
	'AWS::Redshift::Cluster', 'AWS::DocDB::DBCluster',
	'AWS::MemoryDB::Cluster']);
const OUTPUT_KEYS = new Set(['Description', 'Value', 'Export', 'Condition']);
// Enumerations the resource schemas state only in a property's documentation:
// the schema types these properties as plain strings (no allowedValues), so
// a value CloudFormation or the service rejects at deploy time (a misspelt
// ImageType, a launch template tag on 'instances') would pass. The values
// are read from that documentation in the pinned @aws-cdk/aws-service-spec,
// never listed here; a text that no longer yields a value is an internal
// error, so a package update cannot quietly turn a check off. Keyed by the
// resource type, the property type's name (the resource type itself for a
// top-level property) and the property.
const backticked = (s) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
const DOC_ENUMS = [
	// "- **ECS_AL2023** - [Amazon Linux 2023](...)"; the ECS and EKS items
	// are headings, not values.
	['AWS::Batch::ComputeEnvironment', 'Ec2ConfigurationObject', 'ImageType',
		(d) => [...d.matchAll(/^- \*\*([A-Z0-9]+_[A-Z0-9_]+)\*\* - /gm)].map((m) => m[1])],
	// "The type of compute environment: `EC2` , `SPOT` , `FARGATE` , or
	// `FARGATE_SPOT` ."
	['AWS::Batch::ComputeEnvironment', 'ComputeResources', 'Type',
		(d) => backticked((d.match(/^The type of compute environment: ([^.]*)\./) || ['', ''])[1])],
	// "The supported log drivers are `awsfirelens` , ... and `splunk` ."
	['AWS::Batch::JobDefinition', 'LogConfiguration', 'LogDriver',
		(d) => backticked((d.match(/The supported log drivers are ([^.]*)\./) || ['', ''])[1])],
	// "The supported resources include `GPU` , `MEMORY` , and `VCPU` ."
	['AWS::Batch::JobDefinition', 'ResourceRequirement', 'Type',
		(d) => backticked((d.match(/The supported resources include ([^.]*)\./) || ['', ''])[1])],
	// LaunchTemplateData: "You can specify tags for the following resource
	// types only: `instance` | `volume` | ... ."
	['AWS::EC2::LaunchTemplate', 'TagSpecification', 'ResourceType',
		(d) => backticked((d.match(/following resource types only: ([^.]*)\./) || ['', ''])[1])],
	// The launch template's own tags: "`ResourceType` must be
	// `launch-template` ."
	['AWS::EC2::LaunchTemplate', 'LaunchTemplateTagSpecification', 'ResourceType',
		(d) => backticked((d.match(/`ResourceType` must be (`[^`]+`)/) || ['', ''])[1])],
];

// Functions allowed in Conditions ("Condition functions").
const CONDITION_FNS = new Set(['Fn::And', 'Fn::Equals', 'Fn::Not', 'Fn::Or',
	'Condition', 'Fn::If']);

function parameterTypeValid(t) {
	if (['String', 'Number', 'List<Number>', 'CommaDelimitedList',
		'AWS::SSM::Parameter::Name'].includes(t)) {
		return true;
	}
	if (AWS_PARAMETER_TYPES.has(t)) {
		return true;
	}
	let m = /^List<(.+)>$/.exec(t);
	if (m && AWS_PARAMETER_TYPES.has(m[1])) {
		return true;
	}
	m = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(t);
	if (m) {
		const inner = m[1];
		const list = /^List<(.+)>$/.exec(inner);
		return ['String', 'List<String>', 'CommaDelimitedList'].includes(inner) ||
			AWS_PARAMETER_TYPES.has(inner) ||
			(list !== null && AWS_PARAMETER_TYPES.has(list[1]));
	}
	return false;
}

function isAwsSpecific(t) {
	return t.startsWith('AWS::') || t.startsWith('List<AWS::');
}

function isListParameter(t) {
	return t.startsWith('List<') || t === 'CommaDelimitedList' ||
		/^AWS::SSM::Parameter::Value<(List<|CommaDelimitedList)/.test(t);
}

function loadSpec() {
	let db;
	try {
		db = require.resolve('@aws-cdk/aws-service-spec/package.json');
	} catch (e) {
		console.error('cfn_validate: @aws-cdk/aws-service-spec is not installed; run: npm ci --prefix tests/tools');
		process.exit(EXIT_SETUP);
	}
	const file = path.join(path.dirname(db), 'db.json.gz');
	const schema = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')).schema;
	const resources = new Map();
	for (const r of schema.resource.entities) {
		resources.set(r.cloudFormationType, r);
	}
	const types = new Map();
	for (const t of schema.typeDefinition.entities) {
		types.set(t.$id, t);
	}
	return { resources, types };
}

function isObject(v) {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function intrinsicName(v) {
	if (!isObject(v)) {
		return null;
	}
	const keys = Object.keys(v);
	if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') ||
		keys[0] === 'Condition')) {
		return keys[0];
	}
	return null;
}

function describe(v) {
	if (v === null) {
		return 'null';
	}
	if (Array.isArray(v)) {
		return 'a list';
	}
	if (isObject(v)) {
		return 'a map';
	}
	return `${typeof v} ${JSON.stringify(v)}`;
}

function shapeOf(v) {
	if (Array.isArray(v)) {
		return 'list';
	}
	return isObject(v) ? 'map' : 'scalar';
}

function shapeOfType(t) {
	if (t.type === 'array') {
		return 'list';
	}
	return ['json', 'map', 'ref', 'tag'].includes(t.type) ? 'map' : 'scalar';
}

class Checker {
	constructor(spec, file, tmpl, locs) {
		this.spec = spec;
		this.file = file;
		this.t = tmpl;
		this.locs = locs;
		this.errors = [];
		this.warnings = [];
		this.params = isObject(tmpl.Parameters) ? tmpl.Parameters : {};
		this.resources = isObject(tmpl.Resources) ? tmpl.Resources : {};
		this.conditions = isObject(tmpl.Conditions) ? tmpl.Conditions : {};
		this.mappings = isObject(tmpl.Mappings) ? tmpl.Mappings : {};
		this.deps = new Map();
		this.used = new Set();
		this.transforms = [].concat(tmpl.Transform || []);
	}

	err(p, msg) {
		const where = cfnyaml.locate(this.locs, p);
		const id = p.length >= 2 ? `${p[1]} ` : '';
		const rest = p.length > 2 ? p.slice(2).join('.') + ': ' : '';
		this.errors.push(`${this.file}:${where}: error: ${id}${rest}${msg}`);
	}

	warn(p, msg) {
		const where = cfnyaml.locate(this.locs, p);
		const id = p.length >= 2 ? `${p[1]} ` : '';
		this.warnings.push(`${this.file}:${where}: warning: ${id}${msg}`);
	}

	run() {
		const t = this.t;
		if (!isObject(t)) {
			this.err([], 'the template is not a map');
			return;
		}
		for (const k of Object.keys(t)) {
			if (!TOP_LEVEL.has(k)) {
				this.err([k], `unknown top-level section '${k}'`);
			}
		}
		if ('AWSTemplateFormatVersion' in t && t.AWSTemplateFormatVersion !== FORMAT_VERSION) {
			this.err(['AWSTemplateFormatVersion'], `must be '${FORMAT_VERSION}', got ${describe(t.AWSTemplateFormatVersion)}`);
		}
		if ('Description' in t) {
			if (typeof t.Description !== 'string') {
				this.err(['Description'], 'must be a string');
			} else if (Buffer.byteLength(t.Description) > MAX_DESCRIPTION_BYTES) {
				this.err(['Description'], `is ${Buffer.byteLength(t.Description)} bytes, the limit is ${MAX_DESCRIPTION_BYTES}`);
			}
		}
		if (!isObject(t.Resources) || Object.keys(t.Resources).length === 0) {
			this.err(['Resources'], 'the template needs a non-empty Resources section');
		}
		this.checkCount('Resources', MAX_RESOURCES);
		this.checkCount('Parameters', MAX_PARAMETERS);
		this.checkCount('Outputs', MAX_OUTPUTS);
		this.checkCount('Mappings', MAX_MAPPINGS);
		for (const sec of ['Parameters', 'Resources', 'Outputs', 'Conditions', 'Mappings']) {
			if (sec in t && !isObject(t[sec])) {
				this.err([sec], 'must be a map');
			}
		}
		for (const id of Object.keys(this.params)) {
			if (id in this.resources) {
				this.err(['Resources', id], `logical id '${id}' is used by a parameter too`);
			}
		}
		this.checkParameters();
		this.checkConditions();
		this.checkResources();
		this.checkOutputs();
		this.checkCycles();
		for (const id of Object.keys(this.params)) {
			if (!this.used.has(id)) {
				this.warn(['Parameters', id], `parameter '${id}' is never referenced`);
			}
		}
	}

	checkCount(sec, max) {
		const v = this.t[sec];
		if (isObject(v) && Object.keys(v).length > max) {
			this.err([sec], `has ${Object.keys(v).length} entries, the CloudFormation limit is ${max}`);
		}
	}

	checkLogicalId(p, id) {
		if (!LOGICAL_ID.test(id) || id.length > MAX_LOGICAL_ID) {
			this.err(p, `logical id '${id}' must be alphanumeric, 1..${MAX_LOGICAL_ID} characters`);
		}
	}

	checkParameters() {
		for (const [id, p] of Object.entries(this.params)) {
			const at = ['Parameters', id];
			this.checkLogicalId(at, id);
			if (!isObject(p)) {
				this.err(at, 'must be a map');
				continue;
			}
			for (const k of Object.keys(p)) {
				if (!PARAMETER_KEYS.has(k)) {
					this.err(at.concat(k), `unknown parameter attribute '${k}'`);
				}
			}
			if (typeof p.Type !== 'string') {
				this.err(at, 'Type is required');
				continue;
			}
			if (!parameterTypeValid(p.Type)) {
				this.err(at.concat('Type'), `'${p.Type}' is not a CloudFormation parameter type`);
				continue;
			}
			if ('Default' in p) {
				const d = p.Default;
				if (typeof d === 'object' && d !== null) {
					this.err(at.concat('Default'), 'must be a scalar');
					continue;
				}
				const ds = String(d);
				if (Buffer.byteLength(ds) > MAX_PARAMETER_VALUE_BYTES) {
					this.err(at.concat('Default'), `is longer than ${MAX_PARAMETER_VALUE_BYTES} bytes`);
				}
				// AWS-specific parameter types are checked against the
				// account's existing values, and '' never exists: an
				// optional value needs Type String ("Parameters",
				// "Supported AWS-specific parameter types").
				if (isAwsSpecific(p.Type) && ds === '') {
					this.err(at.concat('Default'), `an empty default is rejected for AWS-specific type '${p.Type}'; use Type String for an optional value`);
				}
				if (p.Type === 'Number' && !/^-?\d+(\.\d+)?$/.test(ds)) {
					this.err(at.concat('Default'), `'${ds}' is not a Number`);
				}
				if (Array.isArray(p.AllowedValues) && !isListParameter(p.Type) &&
					!p.AllowedValues.map(String).includes(ds)) {
					this.err(at.concat('Default'), `'${ds}' is not one of AllowedValues`);
				}
				if (typeof p.AllowedPattern === 'string' && p.Type === 'String') {
					let re = null;
					try {
						re = new RegExp(`^(?:${p.AllowedPattern})$`);
					} catch (e) {
						this.err(at.concat('AllowedPattern'), `not a regular expression: ${e.message}`);
					}
					if (re && !re.test(ds)) {
						this.err(at.concat('Default'), `'${ds}' does not match AllowedPattern`);
					}
				}
				if (typeof p.MaxLength === 'number' && ds.length > p.MaxLength) {
					this.err(at.concat('Default'), `is longer than MaxLength ${p.MaxLength}`);
				}
				if (typeof p.MinLength === 'number' && ds.length < p.MinLength) {
					this.err(at.concat('Default'), `is shorter than MinLength ${p.MinLength}`);
				}
			}
			if ('AllowedValues' in p && !Array.isArray(p.AllowedValues)) {
				this.err(at.concat('AllowedValues'), 'must be a list');
			}
			if ('NoEcho' in p && typeof p.NoEcho !== 'boolean' &&
				!/^(true|false)$/i.test(String(p.NoEcho))) {
				this.err(at.concat('NoEcho'), 'must be a boolean');
			}
		}
	}

	checkConditions() {
		for (const [id, c] of Object.entries(this.conditions)) {
			const at = ['Conditions', id];
			this.checkLogicalId(at, id);
			const fn = intrinsicName(c);
			if (!fn || !CONDITION_FNS.has(fn) || fn === 'Fn::If') {
				this.err(at, 'a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition');
				continue;
			}
			this.checkValue(c, at, null, `condition:${id}`);
		}
	}

	checkResources() {
		for (const [id, r] of Object.entries(this.resources)) {
			const at = ['Resources', id];
			this.checkLogicalId(at, id);
			this.deps.set(id, new Set());
			if (!isObject(r)) {
				this.err(at, 'must be a map');
				continue;
			}
			for (const k of Object.keys(r)) {
				if (!RESOURCE_KEYS.has(k)) {
					this.err(at.concat(k), `unknown resource attribute '${k}'`);
				}
			}
			if (typeof r.Type !== 'string') {
				this.err(at, 'Type is required');
				continue;
			}
			for (const pol of ['DeletionPolicy', 'UpdateReplacePolicy']) {
				if (pol in r) {
					if (!DELETION_POLICIES.has(r[pol])) {
						this.err(at.concat(pol), `must be one of ${[...DELETION_POLICIES].join(', ')}, got ${describe(r[pol])}`);
					} else if (r[pol] === 'Snapshot' && !SNAPSHOT_TYPES.has(r.Type)) {
						this.err(at.concat(pol), `Snapshot is not supported for ${r.Type}`);
					}
				}
			}
			if ('DependsOn' in r) {
				const list = [].concat(r.DependsOn);
				list.forEach((d) => {
					if (typeof d !== 'string' || !(d in this.resources)) {
						this.err(at.concat('DependsOn'), `DependsOn target ${describe(d)} is not a resource`);
					} else if (d === id) {
						this.err(at.concat('DependsOn'), 'a resource cannot depend on itself');
					} else {
						this.deps.get(id).add(d);
					}
				});
			}
			if ('Condition' in r) {
				if (typeof r.Condition !== 'string' || !(r.Condition in this.conditions)) {
					this.err(at.concat('Condition'), `condition ${describe(r.Condition)} is not defined in Conditions`);
				}
			}
			if (r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource') {
				this.checkValue(r.Properties, at.concat('Properties'), null, id);
				continue;
			}
			const def = this.spec.resources.get(r.Type);
			if (!def) {
				this.err(at.concat('Type'), `unknown resource type '${r.Type}'`);
				continue;
			}
			const props = r.Properties === undefined ? {} : r.Properties;
			if (!isObject(props)) {
				this.err(at.concat('Properties'), 'must be a map');
				continue;
			}
			this.resourceType = r.Type;
			this.checkProperties(def.properties, props, at.concat('Properties'), id, r.Type);
		}
	}

	// The spec type 'd.type' of property 'k' of 'typeName', with the
	// allowed values its documentation lists when DOC_ENUMS names it.
	propertyType(typeName, k, d, p) {
		const t = d.type;
		const rule = DOC_ENUMS.find((e) => e[0] === this.resourceType &&
			e[1] === typeName && e[2] === k);
		if (!rule || t.type !== 'string' || t.allowedValues) {
			return t;
		}
		const values = rule[3](d.documentation || '');
		if (values.length === 0) {
			this.err(p, `internal: the schema's documentation of ${typeName}.${k} no longer lists its allowed values (update DOC_ENUMS)`);
			return t;
		}
		return Object.assign({}, t, { allowedValues: values });
	}

	checkProperties(defs, props, at, owner, typeName) {
		for (const [k, v] of Object.entries(props)) {
			const d = defs[k];
			if (!d) {
				this.err(at.concat(k), `unknown property '${k}' of ${typeName}`);
				this.checkValue(v, at.concat(k), null, owner);
				continue;
			}
			this.checkValue(v, at.concat(k), this.propertyType(typeName, k, d, at.concat(k)), owner);
		}
		for (const [k, d] of Object.entries(defs)) {
			if (d.required && !(k in props)) {
				this.err(at, `required property '${k}' of ${typeName} is missing`);
			}
		}
	}

	// Checks value 'v' at path 'p' against spec type 't' (null: any value,
	// only intrinsics are checked); 'owner' is the logical id whose
	// dependencies Ref/GetAtt/Sub add to.
	checkValue(v, p, t, owner) {
		const fn = intrinsicName(v);
		if (fn) {
			this.checkIntrinsic(fn, v[fn], p.concat(fn), t, owner);
			return;
		}
		if (t === null || t === undefined) {
			if (Array.isArray(v)) {
				v.forEach((e, i) => this.checkValue(e, p.concat(i), null, owner));
			} else if (isObject(v)) {
				for (const [k, e] of Object.entries(v)) {
					this.checkValue(e, p.concat(k), null, owner);
				}
			}
			return;
		}
		switch (t.type) {
		case 'string':
		case 'date-time':
			if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
				if (t.allowedValues && !t.allowedValues.includes(String(v))) {
					this.err(p, `'${v}' is not one of the allowed values: ${t.allowedValues.join(', ')}`);
				}
			} else {
				this.err(p, `expected a string, got ${describe(v)}`);
			}
			break;
		case 'integer':
			// CloudFormation converts a numeric string to a number.
			if (!((typeof v === 'number' && Number.isInteger(v)) ||
				(typeof v === 'string' && /^-?\d+$/.test(v)))) {
				this.err(p, `expected an integer, got ${describe(v)}`);
			} else if (t.allowedValues && !t.allowedValues.map(String).includes(String(v))) {
				this.err(p, `${v} is not one of the allowed values: ${t.allowedValues.join(', ')}`);
			}
			break;
		case 'number':
			if (!(typeof v === 'number' ||
				(typeof v === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v)))) {
				this.err(p, `expected a number, got ${describe(v)}`);
			}
			break;
		case 'boolean':
			if (!(typeof v === 'boolean' ||
				(typeof v === 'string' && /^(true|false)$/i.test(v)))) {
				this.err(p, `expected a boolean, got ${describe(v)}`);
			}
			break;
		case 'json':
			if (!isObject(v) && !Array.isArray(v)) {
				this.err(p, `expected a JSON object, got ${describe(v)}`);
			} else {
				this.checkValue(v, p, null, owner);
			}
			break;
		case 'array':
			if (!Array.isArray(v)) {
				this.err(p, `expected a list, got ${describe(v)}`);
			} else {
				v.forEach((e, i) => this.checkValue(e, p.concat(i), t.element, owner));
			}
			break;
		case 'map':
			if (!isObject(v)) {
				this.err(p, `expected a map, got ${describe(v)}`);
			} else {
				for (const [k, e] of Object.entries(v)) {
					this.checkValue(e, p.concat(k), t.element, owner);
				}
			}
			break;
		case 'tag':
			if (!isObject(v)) {
				this.err(p, `expected a tag {Key, Value}, got ${describe(v)}`);
			} else {
				this.checkProperties({
					Key: { type: { type: 'string' }, required: true },
					Value: { type: { type: 'string' }, required: true },
				}, v, p, owner, 'Tag');
			}
			break;
		case 'ref': {
			const def = this.spec.types.get(t.reference.$ref);
			if (!isObject(v)) {
				this.err(p, `expected a map (${def ? def.name : 'property type'}), got ${describe(v)}`);
			} else if (def) {
				this.checkProperties(def.properties, v, p, owner, def.name);
			}
			break;
		}
		case 'union': {
			// valid if any member type accepts it; otherwise report the
			// findings of the member of the same shape (map, list, scalar)
			const saved = this.errors;
			let best = null;
			for (const m of t.types) {
				this.errors = [];
				this.checkValue(v, p, m, owner);
				if (this.errors.length === 0) {
					best = [];
					break;
				}
				if (best === null || shapeOf(v) === shapeOfType(m)) {
					best = this.errors;
				}
			}
			this.errors = saved.concat(best || []);
			break;
		}
		default:
			this.err(p, `internal: unknown schema type '${t.type}'`);
		}
	}

	refTarget(name, p, owner) {
		if (typeof name !== 'string') {
			this.err(p, `Ref needs a name, got ${describe(name)}`);
			return;
		}
		if (PSEUDO.has(name)) {
			return;
		}
		if (name in this.params) {
			this.used.add(name);
			return;
		}
		if (name in this.resources) {
			if (owner && this.deps.has(owner)) {
				this.deps.get(owner).add(name);
			}
			return;
		}
		this.err(p, `Ref to '${name}', which is neither a parameter, a resource nor a pseudo parameter`);
	}

	getAttTarget(res, attr, p, owner) {
		if (!(res in this.resources)) {
			this.err(p, `Fn::GetAtt on '${res}', which is not a resource`);
			return;
		}
		if (owner && this.deps.has(owner)) {
			this.deps.get(owner).add(res);
		}
		const type = isObject(this.resources[res]) ? this.resources[res].Type : null;
		if (typeof type !== 'string' || type.startsWith('Custom::') ||
			type === 'AWS::CloudFormation::CustomResource') {
			return;
		}
		const def = this.spec.resources.get(type);
		// 'Outputs.NAME' of a nested stack ("AWS::CloudFormation::Stack",
		// Fn::GetAtt), or a key of an attribute holding a JSON map
		const head = def && def.attributes[attr.split('.')[0]];
		const isMapAttr = (type === 'AWS::CloudFormation::Stack' &&
			attr.startsWith('Outputs.')) || (head && attr.includes('.') &&
			['json', 'map'].includes(head.type.type));
		if (def && !(attr in def.attributes) && !isMapAttr) {
			const known = Object.keys(def.attributes).filter((a) => !a.includes('.'));
			this.err(p, `${type} has no attribute '${attr}' for Fn::GetAtt (it has: ${known.join(', ') || 'none'})`);
		}
	}

	// The variables of a Fn::Sub string: ${Name} and ${Res.Attr}; ${!x} is
	// a literal ("Fn::Sub").
	subVariables(s) {
		const out = [];
		const re = /\$\{([^}]*)\}/g;
		let m;
		while ((m = re.exec(s)) !== null) {
			if (!m[1].startsWith('!')) {
				out.push(m[1].trim());
			}
		}
		return out;
	}

	checkIntrinsic(fn, a, p, t, owner) {
		const listType = t && t.type === 'array';
		switch (fn) {
		case 'Ref':
			this.refTarget(a, p, owner);
			if (typeof a === 'string' && a in this.params && t) {
				const pt = this.params[a].Type || '';
				const isList = typeof pt === 'string' && isListParameter(pt);
				if (isList && !listType) {
					this.err(p, `Ref to list parameter '${a}' (${pt}) where ${t.type === 'union' ? 'a value' : 'a ' + t.type} is expected`);
				} else if (!isList && listType) {
					this.err(p, `Ref to parameter '${a}' (${pt}) where a list is expected`);
				}
			}
			if (typeof a === 'string' && a === 'AWS::NotificationARNs' && t && !listType) {
				this.err(p, 'AWS::NotificationARNs is a list');
			}
			break;
		case 'Fn::GetAtt': {
			let res;
			let attr;
			if (typeof a === 'string') {
				[res, attr] = [a.split('.')[0], a.split('.').slice(1).join('.')];
			} else if (Array.isArray(a) && a.length === 2 && typeof a[0] === 'string') {
				[res, attr] = a;
			} else {
				this.err(p, 'Fn::GetAtt takes [LogicalId, Attribute]');
				break;
			}
			if (typeof attr === 'string') {
				this.getAttTarget(res, attr, p, owner);
			} else {
				this.checkValue(attr, p.concat(1), null, owner);
				if (!(res in this.resources)) {
					this.err(p, `Fn::GetAtt on '${res}', which is not a resource`);
				}
			}
			break;
		}
		case 'Fn::Sub': {
			let str;
			let vars = {};
			if (typeof a === 'string') {
				str = a;
			} else if (Array.isArray(a) && a.length === 2 && typeof a[0] === 'string' && isObject(a[1])) {
				[str, vars] = a;
				for (const [k, e] of Object.entries(vars)) {
					this.checkValue(e, p.concat(1, k), null, owner);
				}
			} else {
				this.err(p, 'Fn::Sub takes a string or [string, {variables}]');
				break;
			}
			for (const name of this.subVariables(str)) {
				if (name in vars) {
					continue;
				}
				const dot = name.indexOf('.');
				if (dot > 0 && !(name in this.params) && !PSEUDO.has(name)) {
					this.getAttTarget(name.slice(0, dot), name.slice(dot + 1), p, owner);
				} else if (PSEUDO.has(name) || name in this.params || name in this.resources) {
					this.refTarget(name, p, owner);
				} else {
					this.err(p, `Fn::Sub variable '\${${name}}' is not a parameter, resource, attribute or pseudo parameter (write '\${!${name}}' for a literal '\${${name}}')`);
				}
			}
			if (listType) {
				this.err(p, 'Fn::Sub returns a string where a list is expected');
			}
			break;
		}
		case 'Fn::If': {
			if (!Array.isArray(a) || a.length !== 3 || typeof a[0] !== 'string') {
				this.err(p, 'Fn::If takes [ConditionName, ValueIfTrue, ValueIfFalse]');
				break;
			}
			if (!(a[0] in this.conditions)) {
				this.err(p, `Fn::If condition '${a[0]}' is not defined in Conditions`);
			}
			for (const i of [1, 2]) {
				const br = a[i];
				if (isObject(br) && br.Ref === 'AWS::NoValue') {
					continue;
				}
				this.checkValue(br, p.concat(i), t, owner);
			}
			break;
		}
		case 'Fn::Join':
			if (!Array.isArray(a) || a.length !== 2 || typeof a[0] !== 'string') {
				this.err(p, 'Fn::Join takes [delimiter, [values]]');
				break;
			}
			this.checkValue(a[1], p.concat(1), intrinsicName(a[1]) ? { type: 'array', element: { type: 'string' } } : null, owner);
			if (listType) {
				this.err(p, 'Fn::Join returns a string where a list is expected');
			}
			break;
		case 'Fn::Select':
			if (!Array.isArray(a) || a.length !== 2) {
				this.err(p, 'Fn::Select takes [index, list]');
				break;
			}
			this.checkValue(a[0], p.concat(0), null, owner);
			this.checkValue(a[1], p.concat(1), null, owner);
			break;
		case 'Fn::Split':
			if (!Array.isArray(a) || a.length !== 2 || typeof a[0] !== 'string') {
				this.err(p, 'Fn::Split takes [delimiter, string]');
				break;
			}
			this.checkValue(a[1], p.concat(1), null, owner);
			if (t && !listType && t.type !== 'union' && t.type !== 'json') {
				this.err(p, 'Fn::Split returns a list where a single value is expected');
			}
			break;
		case 'Fn::Base64':
			if (Array.isArray(a) || (isObject(a) && !intrinsicName(a))) {
				this.err(p, 'Fn::Base64 takes a string');
				break;
			}
			this.checkValue(a, p, null, owner);
			if (t && t.type !== 'string' && t.type !== 'union') {
				this.err(p, `Fn::Base64 returns a string where ${t.type} is expected`);
			}
			break;
		case 'Fn::FindInMap':
			if (!Array.isArray(a) || a.length < 3 || a.length > 4) {
				this.err(p, 'Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]');
				break;
			}
			if (typeof a[0] === 'string' && !(a[0] in this.mappings)) {
				this.err(p, `Fn::FindInMap map '${a[0]}' is not defined in Mappings`);
			} else if (typeof a[0] === 'string' && typeof a[1] === 'string' &&
				!(a[1] in this.mappings[a[0]])) {
				this.err(p, `Fn::FindInMap map '${a[0]}' has no key '${a[1]}'`);
			} else if (typeof a[0] === 'string' && typeof a[1] === 'string' &&
				typeof a[2] === 'string' && isObject(this.mappings[a[0]][a[1]]) &&
				!(a[2] in this.mappings[a[0]][a[1]])) {
				this.err(p, `Fn::FindInMap map '${a[0]}'.'${a[1]}' has no key '${a[2]}'`);
			}
			a.forEach((e, i) => this.checkValue(e, p.concat(i), null, owner));
			break;
		case 'Fn::Equals':
			if (!Array.isArray(a) || a.length !== 2) {
				this.err(p, 'Fn::Equals takes [value, value]');
				break;
			}
			a.forEach((e, i) => this.checkValue(e, p.concat(i), null, owner));
			break;
		case 'Fn::And':
		case 'Fn::Or':
			if (!Array.isArray(a) || a.length < 2 || a.length > 10) {
				this.err(p, `${fn} takes 2..10 conditions`);
				break;
			}
			a.forEach((e, i) => this.checkCondition(e, p.concat(i), owner));
			break;
		case 'Fn::Not':
			if (!Array.isArray(a) || a.length !== 1) {
				this.err(p, 'Fn::Not takes [condition]');
				break;
			}
			this.checkCondition(a[0], p.concat(0), owner);
			break;
		case 'Condition':
			if (typeof a !== 'string' || !(a in this.conditions)) {
				this.err(p, `condition ${describe(a)} is not defined in Conditions`);
			}
			break;
		case 'Fn::GetAZs':
		case 'Fn::ImportValue':
		case 'Fn::Cidr':
			this.checkValue(a, p, null, owner);
			break;
		case 'Fn::Length':
		case 'Fn::ToJsonString':
		case 'Fn::ForEach':
			if (!this.transforms.includes('AWS::LanguageExtensions')) {
				this.err(p, `${fn} needs 'Transform: AWS::LanguageExtensions'`);
			}
			this.checkValue(a, p, null, owner);
			break;
		case 'Fn::Transform':
			break;
		default:
			this.err(p, `unknown intrinsic function '${fn}'`);
		}
	}

	checkCondition(c, p, owner) {
		const fn = intrinsicName(c);
		if (!fn || !CONDITION_FNS.has(fn) || fn === 'Fn::If') {
			this.err(p, `expected a condition, got ${describe(c)}`);
			return;
		}
		this.checkValue(c, p, null, owner);
	}

	checkOutputs() {
		const outputs = isObject(this.t.Outputs) ? this.t.Outputs : {};
		const exports = new Map();
		for (const [id, o] of Object.entries(outputs)) {
			const at = ['Outputs', id];
			this.checkLogicalId(at, id);
			if (!isObject(o)) {
				this.err(at, 'must be a map');
				continue;
			}
			for (const k of Object.keys(o)) {
				if (!OUTPUT_KEYS.has(k)) {
					this.err(at.concat(k), `unknown output attribute '${k}'`);
				}
			}
			if (!('Value' in o)) {
				this.err(at, 'Value is required');
			} else {
				this.checkValue(o.Value, at.concat('Value'), null, null);
				if (Array.isArray(o.Value) || (isObject(o.Value) && !intrinsicName(o.Value))) {
					this.err(at.concat('Value'), 'an output value must be a string (or an intrinsic returning one)');
				}
			}
			if ('Condition' in o && !(o.Condition in this.conditions)) {
				this.err(at.concat('Condition'), `condition ${describe(o.Condition)} is not defined in Conditions`);
			}
			if ('Export' in o) {
				if (!isObject(o.Export) || !('Name' in o.Export)) {
					this.err(at.concat('Export'), 'Export needs a Name');
				} else {
					this.checkValue(o.Export.Name, at.concat('Export', 'Name'), null, null);
					const key = JSON.stringify(o.Export.Name);
					if (exports.has(key)) {
						this.err(at.concat('Export', 'Name'), `export name is also used by output '${exports.get(key)}'`);
					}
					exports.set(key, id);
				}
			}
		}
	}

	// CloudFormation rejects circular dependencies between resources.
	checkCycles() {
		const state = new Map();
		const stack = [];
		const visit = (id) => {
			state.set(id, 1);
			stack.push(id);
			for (const d of this.deps.get(id) || []) {
				if (state.get(d) === 1) {
					const cycle = stack.slice(stack.indexOf(d)).concat(d);
					this.err(['Resources', d], `circular dependency: ${cycle.join(' -> ')}`);
				} else if (!state.has(d)) {
					visit(d);
				}
			}
			stack.pop();
			state.set(id, 2);
		};
		for (const id of this.deps.keys()) {
			if (!state.has(id)) {
				visit(id);
			}
		}
	}
}

// What the deploy command must agree with: the parameters (and whether
// each has a default), the outputs, and the capability the IAM resources
// need ("Acknowledging IAM resources in CloudFormation templates").
const NAMED_IAM = {
	'AWS::IAM::Role': 'RoleName',
	'AWS::IAM::Group': 'GroupName',
	'AWS::IAM::User': 'UserName',
	'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
	'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};

function summary(file) {
	const loaded = cfnyaml.loadFile(file);
	const t = isObject(loaded.value) ? loaded.value : {};
	const params = {};
	for (const [k, p] of Object.entries(isObject(t.Parameters) ? t.Parameters : {})) {
		params[k] = { type: p && p.Type, hasDefault: isObject(p) && 'Default' in p };
	}
	let capability = null;
	for (const r of Object.values(isObject(t.Resources) ? t.Resources : {})) {
		if (!isObject(r) || typeof r.Type !== 'string' || !r.Type.startsWith('AWS::IAM::')) {
			continue;
		}
		const named = NAMED_IAM[r.Type];
		if (named && isObject(r.Properties) && named in r.Properties) {
			capability = 'CAPABILITY_NAMED_IAM';
		} else if (capability === null) {
			capability = 'CAPABILITY_IAM';
		}
	}
	const outputs = Object.keys(isObject(t.Outputs) ? t.Outputs : {});
	return { parameters: params, outputs, capability };
}

function main(argv) {
	if (argv[0] === '--summary' && argv.length === 2) {
		console.log(JSON.stringify(summary(argv[1])));
		return 0;
	}
	if (argv.length === 0) {
		console.error('usage: node cfn_validate.js TEMPLATE.yaml...');
		return EXIT_SETUP;
	}
	const spec = loadSpec();
	let bad = false;
	for (const file of argv) {
		let loaded;
		try {
			loaded = cfnyaml.loadFile(file);
		} catch (e) {
			console.log(`${file}: error: cannot read: ${e.message}`);
			bad = true;
			continue;
		}
		if (loaded.errors.length) {
			loaded.errors.forEach((e) => console.log(e));
			bad = true;
			if (loaded.value === null) {
				continue;
			}
		}
		const c = new Checker(spec, file, loaded.value, loaded.locs);
		const size = fs.statSync(file).size;
		if (size > MAX_TEMPLATE_BYTES) {
			c.errors.push(`${file}:1:1: error: the template is ${size} bytes, CloudFormation takes at most ${MAX_TEMPLATE_BYTES}`);
		}
		c.run();
		c.warnings.forEach((w) => console.log(w));
		c.errors.forEach((e) => console.log(e));
		const n = Object.keys(c.resources).length;
		console.log(`${file}: ${c.errors.length} error(s), ${c.warnings.length} warning(s) in ${n} resource(s)`);
		if (c.errors.length) {
			bad = true;
		}
	}
	return bad ? EXIT_INVALID : 0;
}

if (require.main === module) {
	process.exitCode = main(process.argv.slice(2));
}

module.exports = { Checker, loadSpec, isListParameter };
