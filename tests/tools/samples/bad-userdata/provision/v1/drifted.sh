#!/bin/bash
echo drifted
