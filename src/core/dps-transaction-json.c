/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <string.h>

#include "dps-enums.h"
#include "dps-transaction-json.h"

/* 9999-12-31T23:59:59.999999Z + 1 µs: four-digit years only, as SQLite's
 * strftime() writes them. */
#define LAST_USEC G_GINT64_CONSTANT (253402300800000000)

/* A record longer than this is never canonical: the text is kept as is. */
#define MAX_TEXT 1024

typedef struct {
  char  *p;
  char  *end;
  gboolean full;
} Out;

static void
put (Out        *out,
     const char *bytes,
     gsize       n)
{
  if (out->full || (gsize) (out->end - out->p) < n)
    {
      out->full = TRUE;
      return;
    }
  memcpy (out->p, bytes, n);
  out->p += n;
}

#define PUT_LITERAL(out, s) put ((out), (s), sizeof (s) - 1)

static void
put_uint (Out     *out,
          guint64  value)
{
  char tmp[20];
  char text[20];
  guint n = 0;

  do
    {
      tmp[n++] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value != 0);
  for (guint i = 0; i < n; i++)
    text[i] = tmp[n - 1 - i];
  put (out, text, n);
}

static void
put_digits (Out   *out,
            guint  value,
            guint  width)
{
  char text[8];

  for (guint i = width; i > 0; i--)
    {
      text[i - 1] = (char) ('0' + value % 10);
      value /= 10;
    }
  put (out, text, width);
}

/* A text JSON can hold between quotes without an escape. */
static gboolean
plain_text (const char *text)
{
  if (text == NULL)
    return FALSE;
  for (const guchar *c = (const guchar *) text; *c != '\0'; c++)
    if (*c < 0x20 || *c == '"' || *c == '\\')
      return FALSE;
  return TRUE;
}

static void
put_quoted (Out        *out,
            const char *text)
{
  PUT_LITERAL (out, "\"");
  put (out, text, strlen (text));
  PUT_LITERAL (out, "\"");
}

/* Writes the canonical text into @buffer; its length, or -1 when @tx has
 * none or it does not fit. */
static gssize
render (const DpsTransaction *tx,
        char                 *buffer,
        gsize                 size)
{
  Out out = { buffer, buffer + size, FALSE };
  char uuid[DPS_UUID_TEXT_LEN + 1];
  char date[16];
  gint64 day, in_day;
  guint seconds, cents_part;

  if (tx->event_ts < 0 || tx->event_ts >= LAST_USEC ||
      tx->user_id < 0 || tx->amount_cents < 0 ||
      !plain_text (tx->merchant) || !plain_text (tx->category) ||
      !plain_text (tx->city) || !plain_text (tx->currency) ||
      (guint) tx->status >= DPS_N_STATUSES ||
      (guint) tx->payment_method >= DPS_N_PAYMENT_METHODS)
    return -1;

  dps_uuid_to_string (tx->id, uuid);
  PUT_LITERAL (&out, "{\"transaction_id\": \"");
  put (&out, uuid, DPS_UUID_TEXT_LEN);

  day = tx->event_ts / DPS_USEC_PER_DAY;
  in_day = tx->event_ts % DPS_USEC_PER_DAY;
  seconds = (guint) (in_day / DPS_USEC_PER_SECOND);
  PUT_LITERAL (&out, "\", \"event_ts\": \"");
  put (&out, date, dps_format_date_into ((gint32) day, date));
  PUT_LITERAL (&out, "T");
  put_digits (&out, seconds / 3600, 2);
  PUT_LITERAL (&out, ":");
  put_digits (&out, seconds / 60 % 60, 2);
  PUT_LITERAL (&out, ":");
  put_digits (&out, seconds % 60, 2);
  PUT_LITERAL (&out, ".");
  put_digits (&out, (guint) (in_day % DPS_USEC_PER_SECOND), 6);
  PUT_LITERAL (&out, "+00:00\", \"user_id\": ");
  put_uint (&out, (guint64) tx->user_id);

  /* Python's repr() of the amount rounded to cents: 12.0, 261.4, 19.99. */
  PUT_LITERAL (&out, ", \"amount\": ");
  put_uint (&out, (guint64) tx->amount_cents / 100);
  cents_part = (guint) (tx->amount_cents % 100);
  PUT_LITERAL (&out, ".");
  put_digits (&out, cents_part / 10, 1);
  if (cents_part % 10 != 0)
    put_digits (&out, cents_part % 10, 1);

  PUT_LITERAL (&out, ", \"merchant\": ");
  put_quoted (&out, tx->merchant);
  PUT_LITERAL (&out, ", \"category\": ");
  put_quoted (&out, tx->category);
  PUT_LITERAL (&out, ", \"city\": ");
  put_quoted (&out, tx->city);
  PUT_LITERAL (&out, ", \"status\": ");
  put_quoted (&out, dps_status_to_string (tx->status));
  PUT_LITERAL (&out, ", \"payment_method\": ");
  put_quoted (&out, dps_payment_method_to_string (tx->payment_method));
  PUT_LITERAL (&out, ", \"currency\": ");
  put_quoted (&out, tx->currency);
  PUT_LITERAL (&out, "}");

  return out.full ? -1 : out.p - buffer;
}

gboolean
dps_transaction_write_json (const DpsTransaction *tx,
                            GString              *out)
{
  char buffer[MAX_TEXT];
  gssize length;

  g_return_val_if_fail (tx != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  length = render (tx, buffer, sizeof buffer);
  if (length < 0)
    return FALSE;
  g_string_append_len (out, buffer, length);
  return TRUE;
}

gboolean
dps_transaction_json_matches (const DpsTransaction *tx,
                              const char           *text,
                              gsize                 length)
{
  char buffer[MAX_TEXT];
  gssize rendered;

  g_return_val_if_fail (tx != NULL, FALSE);

  if (text == NULL || length >= sizeof buffer)
    return FALSE;
  rendered = render (tx, buffer, length + 1);
  return rendered >= 0 && (gsize) rendered == length && memcmp (buffer, text, length) == 0;
}
