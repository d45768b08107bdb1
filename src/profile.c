/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "profile.h"
