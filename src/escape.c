/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "escape.h"
