#!/bin/bash
# Invalid on purpose: a syntax error.
if [ -d /var/lib/docker ]; then
	echo "no fi"
