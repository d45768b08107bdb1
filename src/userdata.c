/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "userdata.h"
