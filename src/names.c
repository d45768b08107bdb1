/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "verify.h"
