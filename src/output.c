/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "output.h"
