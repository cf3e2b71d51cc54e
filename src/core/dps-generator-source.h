/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-generator.h"
#include "dps-source.h"

G_BEGIN_DECLS

#define DPS_TYPE_GENERATOR_SOURCE (dps_generator_source_get_type ())
GType dps_generator_source_get_type (void) G_GNUC_CONST;

/* The built-in generator as a live source, for demos: @rate lines per
 * second (0 = as fast as the pipeline takes them), options->rows lines
 * in all (0 = until stopped). */
DpsSource *dps_generator_source_new (const DpsGeneratorOptions *options,
                                     double                     rate);

G_END_DECLS
