/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>

#include "dps-format.h"

#define EURO_SIGN "€"
#define NO_BREAK_SPACE "\u00a0"

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

char *
dps_format_count (gint64 value)
{
  struct lconv *lc = localeconv ();
  char digits[32];
  g_autofree char *grouped = NULL;

  g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT,
              value < 0 ? (guint64) 0 - (guint64) value : (guint64) value);
  grouped = group_digits (digits, lc->thousands_sep, lc->grouping);
  return value < 0 ? g_strconcat ("-", grouped, NULL) : g_steal_pointer (&grouped);
}

char *
dps_format_decimal (double value,
                    guint  digits)
{
  struct lconv *lc = localeconv ();
  char buffer[G_ASCII_DTOSTR_BUF_SIZE + 32];
  char format[16];
  g_autofree char *grouped = NULL;
  char *point;
  gboolean negative;

  if (!isfinite (value))
    return g_strdup (isnan (value) ? "—" : value > 0 ? "∞" : "-∞");

  digits = MIN (digits, 9u);
  g_snprintf (format, sizeof format, "%%.%uf", digits);
  g_ascii_formatd (buffer, sizeof buffer, format, fabs (value));
  /* "-0.0" is written "0.0". */
  negative = value < 0 && strspn (buffer, "0.") != strlen (buffer);

  point = strchr (buffer, '.');
  if (point != NULL)
    *point = '\0';
  grouped = group_digits (buffer, lc->thousands_sep, lc->grouping);
  return g_strconcat (negative ? "-" : "", grouped,
                      point != NULL ? nonempty (lc->decimal_point, ".") : "",
                      point != NULL ? point + 1 : "",
                      NULL);
}

char *
dps_format_amount (gint64 cents)
{
  struct lconv *lc = localeconv ();
  gboolean negative = cents < 0;
  guint64 magnitude = negative ? (guint64) 0 - (guint64) cents : (guint64) cents;
  char units[32];
  g_autofree char *grouped = NULL;
  g_autofree char *quantity = NULL;
  const char *sign;
  char cs_precedes, sep_by_space, sign_posn;
  const char *space;
  g_autofree char *with_symbol = NULL;

  g_snprintf (units, sizeof units, "%" G_GUINT64_FORMAT, magnitude / 100);
  grouped = group_digits (units, nonempty (lc->mon_thousands_sep, lc->thousands_sep),
                          nonempty (lc->mon_grouping, lc->grouping));
  quantity = g_strdup_printf ("%s%s%02u", grouped,
                              nonempty (lc->mon_decimal_point, nonempty (lc->decimal_point, ".")),
                              (guint) (magnitude % 100));

  if (negative)
    {
      sign = nonempty (lc->negative_sign, "-");
      cs_precedes = lc->n_cs_precedes;
      sep_by_space = lc->n_sep_by_space;
      sign_posn = lc->n_sign_posn;
    }
  else
    {
      sign = lc->positive_sign != NULL ? lc->positive_sign : "";
      cs_precedes = lc->p_cs_precedes;
      sep_by_space = lc->p_sep_by_space;
      sign_posn = lc->p_sign_posn;
    }
  /* The C locale leaves these unset: write "€1234.50". */
  if (cs_precedes == CHAR_MAX)
    cs_precedes = 1;
  if (sep_by_space == CHAR_MAX)
    sep_by_space = 0;
  if (sign_posn == CHAR_MAX)
    sign_posn = 1;

  space = sep_by_space != 0 ? NO_BREAK_SPACE : "";
  switch (sign_posn)
    {
    case 3:   /* sign right before the symbol */
      with_symbol = cs_precedes ? g_strconcat (sign, EURO_SIGN, space, quantity, NULL)
                                : g_strconcat (quantity, space, sign, EURO_SIGN, NULL);
      return g_steal_pointer (&with_symbol);
    case 4:   /* sign right after the symbol */
      with_symbol = cs_precedes ? g_strconcat (EURO_SIGN, sign, space, quantity, NULL)
                                : g_strconcat (quantity, space, EURO_SIGN, sign, NULL);
      return g_steal_pointer (&with_symbol);
    default:
      break;
    }

  with_symbol = cs_precedes ? g_strconcat (EURO_SIGN, space, quantity, NULL)
                            : g_strconcat (quantity, space, EURO_SIGN, NULL);
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
