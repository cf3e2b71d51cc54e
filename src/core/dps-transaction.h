/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dps-enums.h"

G_BEGIN_DECLS

#define DPS_UUID_TEXT_LEN 36

/* One validated, normalised and enriched transaction: the record contract
 * of DESIGN.md in its stored form. Plain data, copied by value between
 * threads; strings are owned. */
typedef struct {
  guint8            id[16];           /* transaction_id, binary UUID */
  gint64            event_ts;         /* microseconds since the epoch, UTC */
  gint64            user_id;          /* > 0 */
  gint64            amount_cents;     /* > 0, exact */
  char             *merchant;         /* trimmed */
  char             *category;         /* trimmed, lower case */
  char             *city;             /* trimmed */
  DpsStatus         status;
  DpsPaymentMethod  payment_method;
  char              currency[4];      /* ISO 4217, upper case, NUL-terminated */

  /* Enrichment, all in UTC. */
  gint32            event_date;       /* days since 1970-01-01 */
  guint8            event_hour;       /* 0-23 */
  guint8            event_dayofweek;  /* 0 = Monday ... 6 = Sunday, as pandas */
  DpsAmountBucket   amount_bucket;

  /* The raw JSON text as received (without the line end). */
  char             *payload;
  /* TRUE when @payload is exactly dps_transaction_write_json()'s text of
   * the fields above (set by the record parser): a store may then keep
   * the fields only and rebuild the text. The engine then drops @payload
   * (NULL) once parsed; repositories rebuild it where they need it. */
  gboolean          payload_is_canonical;
} DpsTransaction;

GType            dps_transaction_get_type        (void) G_GNUC_CONST;
#define DPS_TYPE_TRANSACTION (dps_transaction_get_type ())

DpsTransaction  *dps_transaction_new             (void);
DpsTransaction  *dps_transaction_copy            (const DpsTransaction *self);
void             dps_transaction_free            (DpsTransaction       *self);
/* Frees the owned strings of a transaction held by value and zeroes it. */
void             dps_transaction_clear           (DpsTransaction       *self);
/* Moves @src into @dest (which must be clear); @src is left zeroed. */
void             dps_transaction_move            (DpsTransaction       *dest,
                                                  DpsTransaction       *src);
/* Fills event_date, event_hour, event_dayofweek and amount_bucket. */
void             dps_transaction_enrich          (DpsTransaction       *self);

/* Lower-case canonical text of a binary UUID into @out (37 bytes). */
void             dps_uuid_to_string              (const guint8          id[16],
                                                  char                  out[DPS_UUID_TEXT_LEN + 1]);
/* Parses any valid UUID text (case-insensitive) into 16 bytes. */
gboolean         dps_uuid_from_string            (const char           *text,
                                                  guint8                out[16]);

/* The first 8 bytes of a UUID as a signed integer that sorts like the
 * UUID: a compact index key (equal keys of different UUIDs are possible
 * and handled by the repositories). */
gint64           dps_uuid_to_key                 (const guint8          id[16]);

/* "1234.50" (C locale, always two decimals, leading '-' when negative). */
char            *dps_format_cents                (gint64                cents);
/* Writes the same into @out without allocating; returns the length. */
gsize            dps_format_cents_into           (gint64                cents,
                                                  char                  out[32]);
/* "2026-11-20T13:45:12.123456Z". */
char            *dps_format_timestamp            (gint64                usec_utc);
gsize            dps_format_timestamp_into       (gint64                usec_utc,
                                                  char                  out[40]);
/* "2026-11-20" for a day number. */
char            *dps_format_date                 (gint32                days);
gsize            dps_format_date_into            (gint32                days,
                                                  char                  out[16]);
/* Day number of a "YYYY-MM-DD" string; FALSE when invalid. */
gboolean         dps_parse_date                  (const char           *text,
                                                  gint32               *out_days);

#define DPS_USEC_PER_SECOND G_GINT64_CONSTANT (1000000)
#define DPS_USEC_PER_DAY    G_GINT64_CONSTANT (86400000000)

/* @a / @b rounded towards minus infinity (C rounds towards zero): an
 * instant before 1970 falls on the day before day 0, not on day 0. */
static inline gint64
dps_floor_div (gint64 a,
               gint64 b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DpsTransaction, dps_transaction_free)

G_END_DECLS
