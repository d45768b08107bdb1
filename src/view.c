/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "emit.h"
