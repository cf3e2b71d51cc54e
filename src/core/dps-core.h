/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The public API of libdps-core. */

#include "dps-batch.h"
#include "dps-checkpoint.h"
#include "dps-column-store.h"
#include "dps-csv-writer.h"
#include "dps-engine.h"
#include "dps-enums.h"
#include "dps-atomic-file.h"
#include "dps-export.h"
#include "dps-file-source.h"
#include "dps-filter.h"
#include "dps-folder-source.h"
#include "dps-generator.h"
#include "dps-generator-source.h"
#include "dps-jsonl-reader.h"
/* The Kafka API exists when HAVE_KAFKA (config.h) is 1. */
#include "dps-kafka-config.h"
#include "dps-kafka-producer.h"
#include "dps-kafka-source.h"
#include "dps-query.h"
#include "dps-record-parser.h"
#include "dps-reject.h"
#include "dps-repository.h"
#include "dps-run-record.h"
#include "dps-scheduler.h"
#include "dps-source.h"
#include "dps-sqlite-repository.h"
#include "dps-transaction.h"
#include "dps-transaction-json.h"
