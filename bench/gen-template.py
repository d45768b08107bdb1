#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a hand-written-style CloudFormation template with N resources.

Usage: gen-template.py N > template.yaml

The resources are the kinds gwgen's verifier checks, in the proportions of
a large lab stack, each referring to others with !Ref, !GetAtt and !Sub so
reference resolution is exercised: per block of 10, a bucket, a managed
policy, a role, an instance profile, a launch template (MIME user data), a
compute environment, a job queue, two job definitions and a log group. N
above 500 (CloudFormation's resource quota) makes `gwgen verify --template`
report rule C2; every other rule still runs.
"""

import sys

BLOCK = 10

HEADER = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: "Synthetic template with {n} resources (bench/gen-template.py)"
Parameters:
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
  SecurityGroupIds:
    Type: List<AWS::EC2::SecurityGroup::Id>
Resources:
"""

USER_DATA = """\
        UserData: !Base64 |
          MIME-Version: 1.0
          Content-Type: multipart/mixed; boundary="==BOUNDARY=="

          --==BOUNDARY==
          Content-Type: text/x-shellscript; charset="us-ascii"

          #!/bin/bash
          echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config

          --==BOUNDARY==--
"""


def bucket(i):
    return f"""\
  Bucket{i}:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      BucketName: !Sub "bench-{i}-${{AWS::AccountId}}"
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: AES256
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
"""


def policy(i):
    return f"""\
  Policy{i}:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: !Sub "bench-policy-{i}-${{AWS::Region}}"
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action:
              - s3:ListBucket
            Resource:
              - !GetAtt Bucket{i}.Arn
          - Effect: Allow
            Action:
              - s3:GetObject
              - s3:PutObject
            Resource:
              - !Sub "arn:${{AWS::Partition}}:s3:::${{Bucket{i}}}/*"
          - Effect: Allow
            Action:
              - logs:GetLogEvents
            Resource:
              - !Sub "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/bench/{i}:*"
"""


def role(i):
    return f"""\
  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service:
                - !Sub "ec2.${{AWS::URLSuffix}}"
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub "arn:${{AWS::Partition}}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
        - !Ref Policy{i}
  InstanceProfile{i}:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles:
        - !Ref Role{i}
"""


def launch_template(i):
    return f"""\
  LaunchTemplate{i}:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: !Sub "bench-lt-{i}-${{AWS::StackName}}"
      LaunchTemplateData:
        InstanceInitiatedShutdownBehavior: terminate
        MetadataOptions:
          HttpTokens: required
          HttpPutResponseHopLimit: 2
        BlockDeviceMappings:
          - DeviceName: /dev/xvda
            Ebs:
              VolumeSize: 100
              VolumeType: gp3
              Encrypted: true
""" + USER_DATA


def batch(i):
    spot = i % 2 == 1
    strategy = "SPOT_PRICE_CAPACITY_OPTIMIZED" if spot else \
        "BEST_FIT_PROGRESSIVE"
    return f"""\
  ComputeEnv{i}:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      Type: MANAGED
      State: ENABLED
      ComputeResources:
        Type: {"SPOT" if spot else "EC2"}
        AllocationStrategy: {strategy}
        MinvCpus: 0
        MaxvCpus: 256
        Subnets: !Ref Subnets
        SecurityGroupIds: !Ref SecurityGroupIds
        InstanceTypes:
          - c6i
          - m6i
          - r6i
        InstanceRole: !GetAtt InstanceProfile{i}.Arn
        LaunchTemplate:
          LaunchTemplateId: !Ref LaunchTemplate{i}
          Version: !GetAtt LaunchTemplate{i}.LatestVersionNumber
        Ec2Configuration:
          - ImageType: ECS_AL2023
  JobQueue{i}:
    Type: AWS::Batch::JobQueue
    Properties:
      Priority: {1 + i % 1000}
      State: ENABLED
      ComputeEnvironmentOrder:
        - Order: 1
          ComputeEnvironment: !Ref ComputeEnv{i}
"""


def job_definition(i, j):
    return f"""\
  JobDefinition{i}x{j}:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      PlatformCapabilities:
        - EC2
      ContainerProperties:
        Image: public.ecr.aws/docker/library/python:3.12
        ResourceRequirements:
          - Type: VCPU
            Value: "{1 + j}"
          - Type: MEMORY
            Value: "{2048 * (1 + j)}"
        LogConfiguration:
          LogDriver: awslogs
          Options:
            awslogs-group: !Ref LogGroup{i}
      RetryStrategy:
        Attempts: 2
      Timeout:
        AttemptDurationSeconds: 3600
"""


def log_group(i):
    return f"""\
  LogGroup{i}:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /bench/{i}
      RetentionInDays: 30
"""


def block(i):
    return (bucket(i) + policy(i) + role(i) + launch_template(i) + batch(i)
            + job_definition(i, 0) + job_definition(i, 1) + log_group(i))


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or \
            int(sys.argv[1]) % BLOCK:
        sys.exit(f"usage: {sys.argv[0]} N  (a multiple of {BLOCK})")
    n = int(sys.argv[1])
    out = [HEADER.format(n=n)]
    out.extend(block(i) for i in range(n // BLOCK))
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
