#!/bin/bash
echo orphan
