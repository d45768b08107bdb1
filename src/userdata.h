/* SPDX-License-Identifier: MIT */
/* EC2 user data: the MIME multipart archive and the boot-time scripts it needs. */
#ifndef GW_USERDATA_H
#define GW_USERDATA_H

#include <stdbool.h>

#include "buf.h"
#include "diag.h"
#include "files.h"
#include "model.h"
#include "templates.h"

/*
 * Render the user data of launch template 'lt' of model 'm' as a MIME
 * multipart archive (cloud-init: text/cloud-config, text/cloud-boothook,
 * text/x-shellscript parts as the profile asks) into 'out', with LF line
 * endings and a final newline. The same bytes are written to
 * userdata/LT-NAME.mime and embedded in the CloudFormation template with
 * Fn::Base64. Returns false with errors in 'd' (template errors carry the
 * template's FILE:LINE:COL; a result over 16 KB or not valid MIME is an error
 * at the launch template's location).
 */
bool gw_userdata_render(const struct gw_model *m,
		const struct gw_launch_template *lt, const struct gw_templates *t,
		struct gw_buf *out, struct gw_diags *d);

/*
 * Add to 'files' the provisioning scripts that the user data of 'm' fetches
 * from the bucket (launch templates with user_data.provision), under
 * provision/VERSION/NAME, so deploy.sh can upload them. Their SHA-256 are the
 * ones gw_userdata_render pins. Returns false with errors in 'd'.
 */
bool gw_userdata_provision_files(const struct gw_model *m,
		const struct gw_templates *t, struct gw_files *files,
		struct gw_diags *d);

#endif
