/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <limits.h>
#include <locale.h>
#include <string.h>

#include "dps-display-format.h"

/* Between an amount and its currency: never a line break there. */
#define NBSP "\xc2\xa0"

/* The locale's conventions, read once: localeconv() may rewrite its
 * result on every call, and rows are formatted on worker threads too. */
typedef struct {
  char     *mon_decimal_point;
  char     *mon_thousands_sep;
  char     *mon_grouping;
  char     *thousands_sep;
  char     *grouping;
  gboolean  symbol_precedes;
  gboolean  symbol_spaced;
} Conventions;

static gpointer
read_conventions (gpointer data)
{
  const struct lconv *lc = localeconv ();
  Conventions *c = g_new0 (Conventions, 1);

  c->mon_decimal_point = g_strdup (lc->mon_decimal_point != NULL && lc->mon_decimal_point[0] != '\0'
                                   ? lc->mon_decimal_point : ".");
  c->mon_thousands_sep = g_strdup (lc->mon_thousands_sep != NULL ? lc->mon_thousands_sep : "");
  c->mon_grouping = g_strdup (lc->mon_grouping != NULL ? lc->mon_grouping : "");
  c->thousands_sep = g_strdup (lc->thousands_sep != NULL ? lc->thousands_sep : "");
  c->grouping = g_strdup (lc->grouping != NULL ? lc->grouping : "");
  /* The C locale says nothing (CHAR_MAX): "€12.50". */
  c->symbol_precedes = lc->p_cs_precedes == CHAR_MAX ? TRUE : lc->p_cs_precedes != 0;
  c->symbol_spaced = lc->p_sep_by_space == CHAR_MAX ? FALSE : lc->p_sep_by_space != 0;
  return c;
}

static const Conventions *
conventions (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, read_conventions, NULL);
}

/* Inserts @separator between groups of digits as @grouping says
 * (localeconv()'s format: sizes from the right, CHAR_MAX stops, 0 repeats). */
static void
append_grouped (GString    *out,
                const char *digits,
                const char *grouping,
                const char *separator)
{
  gsize len = strlen (digits);
  g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize remaining = len;
  guint size = 0;

  if (separator == NULL || separator[0] == '\0' || grouping == NULL || grouping[0] == '\0')
    {
      g_string_append (out, digits);
      return;
    }

  /* Cut points from the right. */
  for (const char *g = grouping; remaining > 0; )
    {
      if (*g == CHAR_MAX || *g < 0)
        break;
      if (*g != '\0')
        size = (guint) *g++;
      if (size == 0 || remaining <= size)
        break;
      remaining -= size;
      g_array_prepend_val (cuts, remaining);
    }

  for (gsize i = 0, c = 0; i < len; i++)
    {
      if (c < cuts->len && i == g_array_index (cuts, gsize, c))
        {
          g_string_append (out, separator);
          c++;
        }
      g_string_append_c (out, digits[i]);
    }
}

char *
dps_display_format_amount (gint64      cents,
                           const char *currency)
{
  const Conventions *c = conventions ();
  g_autoptr(GString) number = g_string_new (NULL);
  g_autofree char *digits = NULL;
  gboolean euro = currency == NULL || currency[0] == '\0' || g_ascii_strcasecmp (currency, "EUR") == 0;
  const char *symbol = euro ? "€" : currency;
  gboolean negative = cents < 0;
  guint64 magnitude = negative ? (guint64) (-(cents + 1)) + 1 : (guint64) cents;
  /* A code reads better apart: "USD 12.50". */
  gboolean space = c->symbol_spaced || !euro;

  digits = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude / 100);
  append_grouped (number, digits, c->mon_grouping, c->mon_thousands_sep);
  g_string_append_printf (number, "%s%02u", c->mon_decimal_point, (guint) (magnitude % 100));

  if (c->symbol_precedes)
    return g_strdup_printf ("%s%s%s%s", negative ? "-" : "", symbol, space ? NBSP : "", number->str);
  return g_strdup_printf ("%s%s%s%s", negative ? "-" : "", number->str, space ? NBSP : "", symbol);
}

char *
dps_display_format_count (guint64 count)
{
  const Conventions *c = conventions ();
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, count);
  GString *out = g_string_new (NULL);

  append_grouped (out, digits, c->grouping, c->thousands_sep);
  return g_string_free (out, FALSE);
}

char *
dps_display_format_percent (double ratio)
{
  /* Translators: a percentage; French puts a space before the sign: "%.1f %%" */
  return g_strdup_printf (_("%.1f%%"), ratio * 100.0);
}

char *
dps_display_format_local_time (gint64 usec_utc)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec_utc / G_USEC_PER_SEC -
                                                            (usec_utc % G_USEC_PER_SEC < 0 ? 1 : 0));
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

const char *
dps_display_status_label (DpsStatus status)
{
  switch (status)
    {
    case DPS_STATUS_APPROVED: return C_("status", "Approved");
    case DPS_STATUS_DECLINED: return C_("status", "Declined");
    case DPS_STATUS_PENDING:  return C_("status", "Pending");
    case DPS_STATUS_REFUNDED: return C_("status", "Refunded");
    default:                  return "?";
    }
}

const char *
dps_display_payment_method_label (DpsPaymentMethod method)
{
  switch (method)
    {
    case DPS_PAYMENT_METHOD_CARD:          return _("Card");
    case DPS_PAYMENT_METHOD_WALLET:        return _("Wallet");
    case DPS_PAYMENT_METHOD_BANK_TRANSFER: return _("Bank transfer");
    default:                               return "?";
    }
}

const char *
dps_display_weekday_label (guint weekday)
{
  static const char *const names[7] = {
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
    N_("Friday"), N_("Saturday"), N_("Sunday"),
  };

  if (weekday >= 7)
    return "?";
  return _(names[weekday]);
}

const char *
dps_display_amount_bucket_label (DpsAmountBucket bucket)
{
  switch (bucket)
    {
    case DPS_AMOUNT_BUCKET_LT_20:   return _("< 20 €");
    case DPS_AMOUNT_BUCKET_20_100:  return _("20–100 €");
    case DPS_AMOUNT_BUCKET_100_250: return _("100–250 €");
    case DPS_AMOUNT_BUCKET_250_500: return _("250–500 €");
    case DPS_AMOUNT_BUCKET_GE_500:  return _("≥ 500 €");
    default:                        return "?";
    }
}

char *
dps_display_format_column (const DpsRow *row,
                           DpsColumn     column)
{
  const DpsTransaction *tx = &row->tx;
  char buffer[48];

  switch (column)
    {
    case DPS_COLUMN_TRANSACTION_ID:
      dps_uuid_to_string (tx->id, buffer);
      return g_strdup (buffer);
    case DPS_COLUMN_EVENT_TS:
      return dps_display_format_local_time (tx->event_ts);
    case DPS_COLUMN_EVENT_DATE:
      return dps_format_date (tx->event_date);
    case DPS_COLUMN_EVENT_HOUR:
      return g_strdup_printf ("%02u", (guint) tx->event_hour);
    case DPS_COLUMN_EVENT_DAYOFWEEK:
      return g_strdup (dps_display_weekday_label (tx->event_dayofweek));
    case DPS_COLUMN_USER_ID:
      return g_strdup_printf ("%" G_GINT64_FORMAT, tx->user_id);
    case DPS_COLUMN_AMOUNT:
      return dps_display_format_amount (tx->amount_cents, tx->currency);
    case DPS_COLUMN_AMOUNT_BUCKET:
      return g_strdup (dps_display_amount_bucket_label (tx->amount_bucket));
    case DPS_COLUMN_MERCHANT:
      return g_strdup (tx->merchant != NULL ? tx->merchant : "");
    case DPS_COLUMN_CATEGORY:
      return g_strdup (tx->category != NULL ? tx->category : "");
    case DPS_COLUMN_CITY:
      return g_strdup (tx->city != NULL ? tx->city : "");
    case DPS_COLUMN_STATUS:
      return g_strdup (dps_display_status_label (tx->status));
    case DPS_COLUMN_PAYMENT_METHOD:
      return g_strdup (dps_display_payment_method_label (tx->payment_method));
    case DPS_COLUMN_CURRENCY:
      return g_strdup (tx->currency);
    case DPS_COLUMN_INGESTED_AT:
      return dps_display_format_local_time (row->ingested_at);
    default:
      g_return_val_if_reached (g_strdup (""));
    }
}

gboolean
dps_display_parse_amount (const char *text,
                          gint64     *out_cents)
{
  const char *separator = NULL;
  gint64 units = 0, cents = 0;
  guint decimals = 0;
  gboolean any_digit = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);

  /* Keep digits and one decimal separator; drop spaces (any kind), the
   * euro sign and grouping. The last '.' or ',' followed by one or two
   * digits is the decimal separator; others are grouping. */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '.' || c == ',')
        separator = p;
      else if (!(g_unichar_isdigit (c) && c < 128) && !g_unichar_isspace (c) &&
               c != 0x20AC && c != 0x202F && c != 0x00A0 && c != '\'')
        return FALSE;
    }
  if (separator != NULL)
    {
      gsize after = 0;

      for (const char *p = separator + 1; *p != '\0'; p++)
        if (g_ascii_isdigit (*p))
          after++;
      /* "1,234" is grouping, not a decimal: three digits after. */
      if (after == 0 || after > 2)
        separator = NULL;
    }

  for (const char *p = text; *p != '\0'; p++)
    {
      if (p == separator)
        {
          decimals = 1;
          continue;
        }
      if (!g_ascii_isdigit (*p))
        continue;
      any_digit = TRUE;
      if (decimals == 0)
        {
          if (units > G_MAXINT64 / 1000)
            return FALSE;
          units = units * 10 + (*p - '0');
        }
      else
        {
          if (decimals > 2)
            return FALSE;
          cents = cents * 10 + (*p - '0');
          decimals++;
        }
    }
  if (!any_digit)
    return FALSE;
  if (decimals == 2)       /* one decimal digit: "12.5" */
    cents *= 10;
  *out_cents = units * 100 + cents;
  return TRUE;
}
