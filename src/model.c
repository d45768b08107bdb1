/* SPDX-License-Identifier: MIT */
/* (being written) */
#include "model.h"
