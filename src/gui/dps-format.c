/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <float.h>
#include <glib/gi18n.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dps-format.h"

#define EURO_SIGN "€"
#define NO_BREAK_SPACE "\u00a0"

/* The locale's conventions, as localeconv() gives them but read with
 * nl_langinfo(): localeconv() fills one static structure that another
 * thread may be rewriting. */
typedef struct {
  const char *decimal_point;
  const char *thousands_sep;
  const char *grouping;
  const char *mon_decimal_point;
  const char *mon_thousands_sep;
  const char *mon_grouping;
  const char *positive_sign;
  const char *negative_sign;
  /* CHAR_MAX where the locale says nothing. */
  char        p_cs_precedes;
  char        p_sep_by_space;
  char        p_sign_posn;
  char        n_cs_precedes;
  char        n_sep_by_space;
  char        n_sign_posn;
} Conventions;

static char
langinfo_char (nl_item item)
{
  char value = *nl_langinfo (item);

  return value < 0 ? CHAR_MAX : value;
}

static void
read_conventions (Conventions *c)
{
  c->decimal_point = nl_langinfo (RADIXCHAR);
  c->thousands_sep = nl_langinfo (THOUSEP);
  c->grouping = nl_langinfo (GROUPING);
  c->mon_decimal_point = nl_langinfo (MON_DECIMAL_POINT);
  c->mon_thousands_sep = nl_langinfo (MON_THOUSANDS_SEP);
  c->mon_grouping = nl_langinfo (MON_GROUPING);
  c->positive_sign = nl_langinfo (POSITIVE_SIGN);
  c->negative_sign = nl_langinfo (NEGATIVE_SIGN);
  c->p_cs_precedes = langinfo_char (P_CS_PRECEDES);
  c->p_sep_by_space = langinfo_char (P_SEP_BY_SPACE);
  c->p_sign_posn = langinfo_char (P_SIGN_POSN);
  c->n_cs_precedes = langinfo_char (N_CS_PRECEDES);
  c->n_sep_by_space = langinfo_char (N_SEP_BY_SPACE);
  c->n_sign_posn = langinfo_char (N_SIGN_POSN);
}

/* Inserts @separator into @digits (ASCII, no sign) following the POSIX
 * @grouping string: group sizes from the right, CHAR_MAX stops grouping,
 * 0 repeats the previous size. */
static char *
group_digits (const char *digits,
              const char *separator,
              const char *grouping)
{
  gsize len = strlen (digits);
  g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  GString *out;
  gsize pos = len;
  int size = 0;

  if (separator == NULL || *separator == '\0' || grouping == NULL || *grouping == '\0')
    return g_strdup (digits);

  /* Positions, from the right, where a separator goes. */
  for (const char *g = grouping; pos > 0;)
    {
      if (*g == CHAR_MAX || (*g < 0))
        break;
      if (*g != 0)
        size = *g++;
      if (size <= 0 || (gsize) size >= pos)
        break;
      pos -= (gsize) size;
      g_array_prepend_val (cuts, pos);
    }

  out = g_string_sized_new (len + cuts->len * strlen (separator));
  pos = 0;
  for (guint i = 0; i < cuts->len; i++)
    {
      gsize cut = g_array_index (cuts, gsize, i);

      g_string_append_len (out, digits + pos, (gssize) (cut - pos));
      g_string_append (out, separator);
      pos = cut;
    }
  g_string_append (out, digits + pos);
  return g_string_free (out, FALSE);
}

static const char *
nonempty (const char *text,
          const char *fallback)
{
  return text != NULL && *text != '\0' ? text : fallback;
}

/* Digits of |@value| rounded to @digits decimals, grouped, with the
 * locale's decimal separator; *@zero tells whether they are all 0 (no
 * sign then: "-0.0" is written "0.0"). */
static char *
grouped_decimal (const Conventions *c,
                 double             value,
                 guint              digits,
                 gboolean          *zero)
{
  /* Room for DBL_MAX's 309 digits and the decimals. */
  char buffer[DBL_MAX_10_EXP + 32];
  char format[16];
  g_autofree char *grouped = NULL;
  char *point;

  digits = MIN (digits, 9u);
  g_snprintf (format, sizeof format, "%%.%uf", digits);
  g_ascii_formatd (buffer, sizeof buffer, format, fabs (value));
  *zero = strspn (buffer, "0.") == strlen (buffer);
  point = strchr (buffer, '.');
  if (point != NULL)
    *point = '\0';
  grouped = group_digits (buffer, c->thousands_sep, c->grouping);
  if (point == NULL)
    return g_steal_pointer (&grouped);
  return g_strconcat (grouped, nonempty (c->decimal_point, "."), point + 1, NULL);
}

/* @quantity (digits without a sign) with @symbol and the sign where the
 * locale's monetary conventions put them. A currency code is always set
 * apart: "USD 12.50". */
static char *
with_currency (const Conventions *c,
               const char        *quantity,
               gboolean           negative,
               const char        *symbol,
               gboolean           is_code)
{
  const char *sign;
  char cs_precedes, sep_by_space, sign_posn;
  const char *space;
  g_autofree char *with_symbol = NULL;

  if (negative)
    {
      sign = nonempty (c->negative_sign, "-");
      cs_precedes = c->n_cs_precedes;
      sep_by_space = c->n_sep_by_space;
      sign_posn = c->n_sign_posn;
    }
  else
    {
      sign = c->positive_sign != NULL ? c->positive_sign : "";
      cs_precedes = c->p_cs_precedes;
      sep_by_space = c->p_sep_by_space;
      sign_posn = c->p_sign_posn;
    }
  /* The C locale leaves these unset: write "€1234.50". */
  if (cs_precedes == CHAR_MAX)
    cs_precedes = 1;
  if (sep_by_space == CHAR_MAX)
    sep_by_space = 0;
  if (sign_posn == CHAR_MAX)
    sign_posn = 1;

  space = sep_by_space != 0 || is_code ? NO_BREAK_SPACE : "";
  switch (sign_posn)
    {
    case 3:   /* sign right before the symbol */
      return cs_precedes ? g_strconcat (sign, symbol, space, quantity, NULL)
                         : g_strconcat (quantity, space, sign, symbol, NULL);
    case 4:   /* sign right after the symbol */
      return cs_precedes ? g_strconcat (symbol, sign, space, quantity, NULL)
                         : g_strconcat (quantity, space, symbol, sign, NULL);
    default:
      break;
    }

  with_symbol = cs_precedes ? g_strconcat (symbol, space, quantity, NULL)
                            : g_strconcat (quantity, space, symbol, NULL);
  switch (sign_posn)
    {
    case 0:
      return negative ? g_strconcat ("(", with_symbol, ")", NULL) : g_steal_pointer (&with_symbol);
    case 2:
      return g_strconcat (with_symbol, sign, NULL);
    case 1:
    default:
      return g_strconcat (sign, with_symbol, NULL);
    }
}

static gboolean
is_euro (const char *currency)
{
  return currency == NULL || *currency == '\0' || g_ascii_strcasecmp (currency, "EUR") == 0;
}

char *
dps_format_count (gint64 value)
{
  Conventions c;
  char digits[32];
  g_autofree char *grouped = NULL;

  read_conventions (&c);
  g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT,
              value < 0 ? (guint64) 0 - (guint64) value : (guint64) value);
  grouped = group_digits (digits, c.thousands_sep, c.grouping);
  return value < 0 ? g_strconcat ("-", grouped, NULL) : g_steal_pointer (&grouped);
}

char *
dps_format_decimal (double value,
                    guint  digits)
{
  Conventions c;
  g_autofree char *magnitude = NULL;
  gboolean zero;

  if (!isfinite (value))
    return g_strdup (isnan (value) ? "—" : value > 0 ? "∞" : "-∞");

  read_conventions (&c);
  magnitude = grouped_decimal (&c, value, digits, &zero);
  if (value < 0 && !zero)
    return g_strconcat ("-", magnitude, NULL);
  return g_steal_pointer (&magnitude);
}

char *
dps_format_amount_in (gint64      cents,
                      const char *currency)
{
  Conventions c;
  gboolean negative = cents < 0;
  guint64 magnitude = negative ? (guint64) 0 - (guint64) cents : (guint64) cents;
  char units[32];
  g_autofree char *grouped = NULL;
  g_autofree char *quantity = NULL;
  g_autofree char *code = NULL;

  read_conventions (&c);
  g_snprintf (units, sizeof units, "%" G_GUINT64_FORMAT, magnitude / 100);
  grouped = group_digits (units, nonempty (c.mon_thousands_sep, c.thousands_sep),
                          nonempty (c.mon_grouping, c.grouping));
  quantity = g_strdup_printf ("%s%s%02u", grouped,
                              nonempty (c.mon_decimal_point, nonempty (c.decimal_point, ".")),
                              (guint) (magnitude % 100));
  if (is_euro (currency))
    return with_currency (&c, quantity, negative, EURO_SIGN, FALSE);
  code = g_ascii_strup (currency, -1);
  return with_currency (&c, quantity, negative, code, TRUE);
}

char *
dps_format_amount (gint64 cents)
{
  return dps_format_amount_in (cents, NULL);
}

char *
dps_format_percent (double ratio,
                    guint  digits)
{
  g_autofree char *number = dps_format_decimal (ratio * 100.0, digits);

  /* TRANSLATORS: a percentage; %s is the number. French puts a narrow
   * no-break space before the sign. */
  return g_strdup_printf (_("%s%%"), number);
}

char *
dps_format_share (gint64 part,
                  gint64 whole)
{
  if (whole <= 0)
    return g_strdup ("—");
  return dps_format_percent ((double) part / (double) whole, 1);
}

/* The fewest decimals (at most 3) that write every multiple of @step
 * exactly: 0 for 5, 1 for 2.5 or 0.5, 2 for 0.25. */
static guint
decimals_for_step (double step)
{
  double scaled;

  if (!(step > 0.0) || !isfinite (step))
    return 0;
  scaled = step;
  for (guint d = 0; d < 3; d++, scaled *= 10.0)
    if (fabs (scaled - round (scaled)) <= 1e-6 * MAX (1.0, scaled))
      return d;
  return 3;
}

/* Two significant digits, without a useless ".0": 35, 8.2, 0.25, 12. */
static guint
decimals_for_value (double value)
{
  double m = fabs (value);
  guint d = m >= 10.0 ? 0 : m >= 1.0 ? 1 : 2;
  double p = pow (10.0, d);

  if (fabs (round (m * p) / p - round (m)) < 1e-9)
    return 0;
  return d;
}

static gboolean
has_nonzero_digit (const char *text)
{
  return strpbrk (text, "123456789") != NULL;
}

/* |@value| in the unit @magnitude calls for, without a sign. */
static char *
compact_magnitude (double value,
                   double magnitude,
                   double step)
{
  g_autofree char *digits = NULL;
  const char *unit_template = NULL;
  double unit = 1.0;

  value = fabs (value);
  magnitude = fabs (magnitude);

  /* Beyond trillions the digits say nothing more. */
  if (magnitude >= 1e15)
    return g_strdup_printf ("%.3g", value);

  if (magnitude >= 1e12)
    {
      unit = 1e12;
      /* TRANSLATORS: a number in trillions (10¹²), %s is the number ("1.5"). */
      unit_template = C_("number unit", "%sT");
    }
  else if (magnitude >= 1e9)
    {
      unit = 1e9;
      /* TRANSLATORS: a number in billions (10⁹), %s is the number ("1.5"). */
      unit_template = C_("number unit", "%sB");
    }
  else if (magnitude >= 1e6)
    {
      unit = 1e6;
      /* TRANSLATORS: a number in millions, %s is the number ("1.5"). */
      unit_template = C_("number unit", "%sM");
    }
  else if (magnitude >= 1e4)
    {
      unit = 1e3;
      /* TRANSLATORS: a number in thousands, %s is the number ("15"). */
      unit_template = C_("number unit", "%sk");
    }

  /* Zero needs no unit: "0", not "0k". */
  if (value == 0.0)
    return dps_format_decimal (0.0, 0);
  digits = dps_format_decimal (value / unit, step > 0.0 ? decimals_for_step (step / unit)
                                                        : decimals_for_value (value / unit));
  if (unit_template == NULL)
    return g_steal_pointer (&digits);
  return g_strdup_printf (unit_template, digits);
}

static void
sanitize_compact (double *value,
                  double *magnitude,
                  double *step)
{
  if (!isfinite (*value))
    *value = 0.0;
  if (!isfinite (*magnitude))
    *magnitude = fabs (*value);
  if (!isfinite (*step) || *step < 0.0)
    *step = 0.0;
}

char *
dps_format_compact (double value,
                    double magnitude,
                    double step)
{
  g_autofree char *text = NULL;

  sanitize_compact (&value, &magnitude, &step);
  text = compact_magnitude (value, magnitude, step);
  if (value < 0.0 && has_nonzero_digit (text))
    return g_strconcat ("-", text, NULL);
  return g_steal_pointer (&text);
}

char *
dps_format_compact_amount (double euros,
                           double magnitude,
                           double step)
{
  g_autofree char *text = NULL;
  Conventions c;

  sanitize_compact (&euros, &magnitude, &step);
  text = compact_magnitude (euros, magnitude, step);
  read_conventions (&c);
  return with_currency (&c, text, euros < 0.0 && has_nonzero_digit (text), EURO_SIGN, FALSE);
}

char *
dps_format_compact_percent (double ratio,
                            double step)
{
  if (!isfinite (ratio))
    ratio = 0.0;
  return dps_format_percent (ratio, step > 0.0 && isfinite (step)
                                    ? MIN (decimals_for_step (step * 100.0), 1u) : 1);
}

char *
dps_format_size (gint64 bytes)
{
  return g_format_size ((guint64) MAX (bytes, 0));
}

static GDateTime *
local_date_time (gint64 usec_utc)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) exact = NULL;
  gint64 seconds = usec_utc / G_USEC_PER_SEC;
  gint64 rest = usec_utc % G_USEC_PER_SEC;

  if (rest < 0)
    {
      seconds--;
      rest += G_USEC_PER_SEC;
    }
  utc = g_date_time_new_from_unix_utc (seconds);
  if (utc == NULL)
    return NULL;
  exact = g_date_time_add (utc, rest);
  return exact != NULL ? g_date_time_to_local (exact) : NULL;
}

char *
dps_format_local_date_time (gint64 usec_utc)
{
  g_autoptr(GDateTime) local = local_date_time (usec_utc);

  if (local == NULL)
    return g_strdup ("—");
  /* TRANSLATORS: date and time, as strftime() takes them; %x and %X
   * follow the locale. */
  return g_date_time_format (local, _("%x %X"));
}

char *
dps_format_local_date (gint64 usec_utc)
{
  g_autoptr(GDateTime) local = local_date_time (usec_utc);

  if (local == NULL)
    return g_strdup ("—");
  return g_date_time_format (local, "%x");
}

char *
dps_format_local_time (gint64 usec_utc)
{
  g_autoptr(GDateTime) local = local_date_time (usec_utc);

  if (local == NULL)
    return g_strdup ("—");
  return g_date_time_format (local, "%X");
}

char *
dps_format_local_timestamp (gint64 usec_utc)
{
  g_autoptr(GDateTime) local = local_date_time (usec_utc);

  if (local == NULL)
    return g_strdup ("—");
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

char *
dps_format_duration (double seconds)
{
  gint64 total;

  if (!isfinite (seconds) || seconds < 0)
    return g_strdup ("—");
  total = (gint64) llround (seconds);
  if (total < 60)
    {
      /* Short runs and stages keep a tenth of a second. */
      g_autofree char *number = dps_format_decimal (seconds, seconds < 9.95 ? 1 : 0);

      /* TRANSLATORS: a duration in seconds; %s is the number */
      return g_strdup_printf (_("%s s"), number);
    }
  if (total < 3600)
    /* TRANSLATORS: a duration in minutes and seconds */
    return g_strdup_printf (_("%d min %02d s"), (int) (total / 60), (int) (total % 60));
  /* TRANSLATORS: a duration in hours and minutes */
  return g_strdup_printf (_("%d h %02d min"), (int) (total / 3600), (int) (total % 3600 / 60));
}

char *
dps_format_rate (double per_second)
{
  g_autofree char *number = NULL;

  if (!isfinite (per_second) || per_second < 0)
    per_second = 0;
  number = dps_format_decimal (per_second, per_second > 0 && per_second < 9.95 ? 1 : 0);
  /* TRANSLATORS: a rate, in records per second; %s is the number */
  return g_strdup_printf (_("%s/s"), number);
}

const char *
dps_format_status_label (DpsStatus status)
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
dps_format_payment_method_label (DpsPaymentMethod method)
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
dps_format_weekday_label (guint weekday)
{
  static const char *const names[7] = {
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
    N_("Friday"), N_("Saturday"), N_("Sunday"),
  };

  if (weekday >= G_N_ELEMENTS (names))
    return "?";
  return _(names[weekday]);
}

const char *
dps_format_amount_bucket_label (DpsAmountBucket bucket)
{
  switch (bucket)
    {
    case DPS_AMOUNT_BUCKET_LT_20:   return _("Under €20");
    case DPS_AMOUNT_BUCKET_20_100:  return _("€20 to €100");
    case DPS_AMOUNT_BUCKET_100_250: return _("€100 to €250");
    case DPS_AMOUNT_BUCKET_250_500: return _("€250 to €500");
    case DPS_AMOUNT_BUCKET_GE_500:  return _("€500 and more");
    default:                        return "?";
    }
}

char *
dps_format_column (const DpsRow *row,
                   DpsColumn     column)
{
  const DpsTransaction *tx;
  char buffer[48];

  g_return_val_if_fail (row != NULL, NULL);

  tx = &row->tx;
  switch (column)
    {
    case DPS_COLUMN_TRANSACTION_ID:
      dps_uuid_to_string (tx->id, buffer);
      return g_strdup (buffer);
    case DPS_COLUMN_EVENT_TS:
      return dps_format_local_timestamp (tx->event_ts);
    case DPS_COLUMN_EVENT_DATE:
      return dps_format_date (tx->event_date);
    case DPS_COLUMN_EVENT_HOUR:
      return g_strdup_printf ("%02u", (guint) tx->event_hour);
    case DPS_COLUMN_EVENT_DAYOFWEEK:
      return g_strdup (dps_format_weekday_label (tx->event_dayofweek));
    case DPS_COLUMN_USER_ID:
      return g_strdup_printf ("%" G_GINT64_FORMAT, tx->user_id);
    case DPS_COLUMN_AMOUNT:
      return dps_format_amount_in (tx->amount_cents, tx->currency);
    case DPS_COLUMN_AMOUNT_BUCKET:
      return g_strdup (dps_format_amount_bucket_label (tx->amount_bucket));
    case DPS_COLUMN_MERCHANT:
      return g_strdup (tx->merchant != NULL ? tx->merchant : "");
    case DPS_COLUMN_CATEGORY:
      return g_strdup (tx->category != NULL ? tx->category : "");
    case DPS_COLUMN_CITY:
      return g_strdup (tx->city != NULL ? tx->city : "");
    case DPS_COLUMN_STATUS:
      return g_strdup (dps_format_status_label (tx->status));
    case DPS_COLUMN_PAYMENT_METHOD:
      return g_strdup (dps_format_payment_method_label (tx->payment_method));
    case DPS_COLUMN_CURRENCY:
      return g_strdup (tx->currency);
    case DPS_COLUMN_INGESTED_AT:
      return dps_format_local_timestamp (row->ingested_at);
    default:
      g_return_val_if_reached (g_strdup (""));
    }
}

gboolean
dps_format_parse_amount (const char *text,
                         gint64     *out_cents)
{
  const char *separator = NULL;
  gint64 units = 0, cents = 0;
  guint decimals = 0;
  gboolean any_digit = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_cents != NULL, FALSE);

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
