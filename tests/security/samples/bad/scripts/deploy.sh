#!/bin/bash
# aws_secret_access_key = AKIAIOSFODNN7EXAMPLE (the AWS documentation's example key)
stack=$1
eval "aws cloudformation deploy --stack-name $stack"
source ./deploy.env
aws s3 ls s3://$stack
