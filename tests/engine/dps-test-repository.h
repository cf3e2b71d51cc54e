/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dps-core.h"
#include "dps-repository-private.h"

G_BEGIN_DECLS

/* A repository for engine tests. It wraps a real one (every call the
 * engine and the quality checks make is passed through) or, without one,
 * keeps nothing and only counts (a sink as fast or as slow as asked, for
 * inputs too large to store in a test). Its faults are injected before the
 * wrapped write, so a failed write leaves the database untouched, as a
 * real busy or full database does. */

#define DPS_TYPE_TEST_REPOSITORY (dps_test_repository_get_type ())
G_DECLARE_FINAL_TYPE (DpsTestRepository, dps_test_repository, DPS, TEST_REPOSITORY, DpsRepository)

/* What one committed batch held. */
typedef struct {
  guint          rows;
  guint          rejects;
  DpsCheckpoint *checkpoint;    /* the batch's first checkpoint, or NULL */
} DpsTestCommit;

/* @inner may be NULL: a counting sink that stores nothing. */
DpsTestRepository *dps_test_repository_new          (DpsRepository     *inner);
DpsRepository     *dps_test_repository_get_inner    (DpsTestRepository *self);

/* write_batch calls number @first .. @first + @count - 1 (from 1, every
 * call, retries included) fail with DPS_REPOSITORY_ERROR_BUSY. */
void               dps_test_repository_fail_busy    (DpsTestRepository *self,
                                                     guint              first,
                                                     guint              count);
/* write_batch calls from number @first on fail with
 * DPS_REPOSITORY_ERROR_BUSY until @microseconds after the first of them. */
void               dps_test_repository_fail_busy_for (DpsTestRepository *self,
                                                     guint              first,
                                                     guint64            microseconds);
/* The write of batch number @batch (from 1: after @batch - 1 commits)
 * fails with DPS_REPOSITORY_ERROR_FULL and @message. */
void               dps_test_repository_fail_full    (DpsTestRepository *self,
                                                     guint              batch,
                                                     const char        *message);
/* Every write_batch first sleeps this long. */
void               dps_test_repository_set_delay    (DpsTestRepository *self,
                                                     guint              microseconds);

guint              dps_test_repository_get_calls    (DpsTestRepository *self);
/* A copy of the commits so far (DpsTestCommit, in order). */
GArray            *dps_test_repository_dup_commits  (DpsTestRepository *self);
void               dps_test_commits_free            (GArray            *commits);

G_END_DECLS
