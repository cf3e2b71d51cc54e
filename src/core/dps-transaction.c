/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dps-transaction.h"

G_DEFINE_BOXED_TYPE (DpsTransaction, dps_transaction,
                     dps_transaction_copy, dps_transaction_free)

/* Proleptic Gregorian calendar from a day number (Howard Hinnant's
 * civil_from_days); exact for every date a gint32 day can hold. */
static void
civil_from_days (gint64  days,
                 int    *year,
                 int    *month,
                 int    *day)
{
  gint64 z = days + 719468;
  gint64 era = dps_floor_div (z, 146097);
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 y = yoe + era * 400;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  gint64 d = doy - (153 * mp + 2) / 5 + 1;
  gint64 m = mp < 10 ? mp + 3 : mp - 9;

  *year = (int) (y + (m <= 2));
  *month = (int) m;
  *day = (int) d;
}

static gint64
days_from_civil (gint64 y,
                 int    m,
                 int    d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = dps_floor_div (y, 400);
  yoe = y - era * 400;
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

DpsTransaction *
dps_transaction_new (void)
{
  return g_new0 (DpsTransaction, 1);
}

DpsTransaction *
dps_transaction_copy (const DpsTransaction *self)
{
  DpsTransaction *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->merchant = g_strdup (self->merchant);
  copy->category = g_strdup (self->category);
  copy->city = g_strdup (self->city);
  copy->payload = g_strdup (self->payload);
  return copy;
}

void
dps_transaction_clear (DpsTransaction *self)
{
  g_return_if_fail (self != NULL);

  g_free (self->merchant);
  g_free (self->category);
  g_free (self->city);
  g_free (self->payload);
  memset (self, 0, sizeof *self);
}

void
dps_transaction_free (DpsTransaction *self)
{
  if (self == NULL)
    return;
  dps_transaction_clear (self);
  g_free (self);
}

void
dps_transaction_move (DpsTransaction *dest,
                      DpsTransaction *src)
{
  *dest = *src;
  memset (src, 0, sizeof *src);
}

void
dps_transaction_enrich (DpsTransaction *self)
{
  gint64 days = dps_floor_div (self->event_ts, DPS_USEC_PER_DAY);
  gint64 in_day = self->event_ts - days * DPS_USEC_PER_DAY;
  gint64 dow = (days + 3) % 7;   /* 1970-01-01 was a Thursday */

  if (dow < 0)
    dow += 7;

  self->event_date = (gint32) days;
  self->event_hour = (guint8) (in_day / (3600 * DPS_USEC_PER_SECOND));
  self->event_dayofweek = (guint8) dow;
  self->amount_bucket = dps_amount_bucket_for_cents (self->amount_cents);
}

void
dps_uuid_to_string (const guint8 id[16],
                    char         out[DPS_UUID_TEXT_LEN + 1])
{
  static const char hex[] = "0123456789abcdef";
  guint o = 0;

  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[o++] = '-';
      out[o++] = hex[id[i] >> 4];
      out[o++] = hex[id[i] & 0xf];
    }
  out[o] = '\0';
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

gboolean
dps_uuid_from_string (const char *text,
                      guint8      out[16])
{
  guint n = 0;

  if (text == NULL || !g_uuid_string_is_valid (text))
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      int hi, lo;

      if (*p == '-')
        continue;
      hi = hex_value (p[0]);
      lo = hex_value (p[1]);
      if (hi < 0 || lo < 0 || n >= 16)
        return FALSE;
      out[n++] = (guint8) ((hi << 4) | lo);
      p++;
    }
  return n == 16;
}

gint64
dps_uuid_to_key (const guint8 id[16])
{
  guint64 v = 0;

  for (guint i = 0; i < 8; i++)
    v = (v << 8) | id[i];
  /* Flipping the top bit maps unsigned order onto signed order. */
  return (gint64) (v ^ G_GUINT64_CONSTANT (0x8000000000000000));
}

gsize
dps_format_cents_into (gint64 cents,
                       char   out[32])
{
  guint64 magnitude = cents < 0 ? (guint64) (-(cents + 1)) + 1 : (guint64) cents;

  return (gsize) g_snprintf (out, 32, "%s%" G_GUINT64_FORMAT ".%02u",
                             cents < 0 ? "-" : "",
                             magnitude / 100, (guint) (magnitude % 100));
}

char *
dps_format_cents (gint64 cents)
{
  char buf[32];

  dps_format_cents_into (cents, buf);
  return g_strdup (buf);
}

gsize
dps_format_timestamp_into (gint64 usec_utc,
                           char   out[40])
{
  gint64 days = dps_floor_div (usec_utc, DPS_USEC_PER_DAY);
  gint64 in_day = usec_utc - days * DPS_USEC_PER_DAY;
  gint64 seconds = in_day / DPS_USEC_PER_SECOND;
  int y, m, d;

  civil_from_days (days, &y, &m, &d);
  return (gsize) g_snprintf (out, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                             y, m, d,
                             (int) (seconds / 3600), (int) (seconds / 60 % 60),
                             (int) (seconds % 60),
                             (int) (in_day % DPS_USEC_PER_SECOND));
}

char *
dps_format_timestamp (gint64 usec_utc)
{
  char buf[40];

  dps_format_timestamp_into (usec_utc, buf);
  return g_strdup (buf);
}

gsize
dps_format_date_into (gint32 days,
                      char   out[16])
{
  int y, m, d;

  civil_from_days (days, &y, &m, &d);
  return (gsize) g_snprintf (out, 16, "%04d-%02d-%02d", y, m, d);
}

char *
dps_format_date (gint32 days)
{
  char buf[16];

  dps_format_date_into (days, buf);
  return g_strdup (buf);
}

gboolean
dps_parse_date (const char *text,
                gint32     *out_days)
{
  static const int month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int y, m, d;
  char tail;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > month_days[m - 1])
    return FALSE;
  if (m == 2 && d == 29 && !g_date_is_leap_year ((GDateYear) y))
    return FALSE;

  *out_days = (gint32) days_from_civil (y, m, d);
  return TRUE;
}
