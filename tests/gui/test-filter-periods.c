/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dps-filter-bar.h"

/* The date presets and day ranges of the filter bar, in UTC microseconds,
 * at day boundaries and across time zones: each zone passed explicitly,
 * and the local zone of the process (meson runs this program with TZ set
 * to each of them). */

typedef struct {
  const char *now;          /* ISO 8601, UTC */
  DpsPeriodPreset preset;
  const char *from;         /* expected, UTC */
  const char *to;
} Case;

typedef struct {
  const char *zone;
  Case        cases[12];
} Zone;

static const Zone zones[] = {
  { "UTC", {
    { "2026-03-29T12:00:00Z", DPS_PERIOD_TODAY, "2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_LAST_7_DAYS, "2026-03-23T00:00:00Z", "2026-03-30T00:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_LAST_30_DAYS, "2026-02-28T00:00:00Z", "2026-03-30T00:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_THIS_MONTH, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z" },
    { "2026-12-31T23:59:59.999999Z", DPS_PERIOD_THIS_MONTH, "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z" },
    { "2028-02-29T00:00:00Z", DPS_PERIOD_LAST_7_DAYS, "2028-02-23T00:00:00Z", "2028-03-01T00:00:00Z" },
    { NULL } } },
  /* Summer time starts on 29 March 2026 at 01:00 UTC: a 23-hour day;
   * it ends on 25 October: a 25-hour day. */
  { "Europe/Paris", {
    { "2026-03-29T12:00:00Z", DPS_PERIOD_TODAY, "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_LAST_7_DAYS, "2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_LAST_30_DAYS, "2026-02-27T23:00:00Z", "2026-03-29T22:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_THIS_MONTH, "2026-02-28T23:00:00Z", "2026-03-31T22:00:00Z" },
    { "2026-10-24T22:00:00Z", DPS_PERIOD_TODAY, "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z" },
    { "2026-10-24T21:59:59.999999Z", DPS_PERIOD_TODAY, "2026-10-23T22:00:00Z", "2026-10-24T22:00:00Z" },
    { "2026-12-31T23:30:00Z", DPS_PERIOD_THIS_MONTH, "2026-12-31T23:00:00Z", "2027-01-31T23:00:00Z" },
    { NULL } } },
  /* Summer time from 8 March to 1 November 2026. */
  { "America/New_York", {
    { "2026-03-29T12:00:00Z", DPS_PERIOD_TODAY, "2026-03-29T04:00:00Z", "2026-03-30T04:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_LAST_7_DAYS, "2026-03-23T04:00:00Z", "2026-03-30T04:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_LAST_30_DAYS, "2026-02-28T05:00:00Z", "2026-03-30T04:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_THIS_MONTH, "2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z" },
    { "2026-11-01T04:00:00Z", DPS_PERIOD_TODAY, "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z" },
    { "2026-11-01T03:59:59.999999Z", DPS_PERIOD_TODAY, "2026-10-31T04:00:00Z", "2026-11-01T04:00:00Z" },
    { "2026-04-01T03:00:00Z", DPS_PERIOD_THIS_MONTH, "2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z" },
    { NULL } } },
  /* UTC+14: its day starts ten hours before the UTC one. */
  { "Pacific/Kiritimati", {
    { "2026-03-29T12:00:00Z", DPS_PERIOD_TODAY, "2026-03-29T10:00:00Z", "2026-03-30T10:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_LAST_7_DAYS, "2026-03-23T10:00:00Z", "2026-03-30T10:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_LAST_30_DAYS, "2026-02-28T10:00:00Z", "2026-03-30T10:00:00Z" },
    { "2026-03-29T12:00:00Z", DPS_PERIOD_THIS_MONTH, "2026-02-28T10:00:00Z", "2026-03-31T10:00:00Z" },
    { "2026-03-31T10:00:00Z", DPS_PERIOD_THIS_MONTH, "2026-03-31T10:00:00Z", "2026-04-30T10:00:00Z" },
    { "2026-03-31T09:59:59Z", DPS_PERIOD_THIS_MONTH, "2026-02-28T10:00:00Z", "2026-03-31T10:00:00Z" },
    { NULL } } },
};

static gint64
parse_utc (const char *text)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (text, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
}

static void
check_zone (const Zone *zone,
            GTimeZone  *tz)
{
  for (guint i = 0; zone->cases[i].now != NULL; i++)
    {
      const Case *c = &zone->cases[i];
      g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (c->now, NULL);
      gint64 from, to;

      dps_period_preset_get_range (c->preset, now, tz, &from, &to);
      g_test_message ("%s at %s, preset %d", zone->zone, c->now, c->preset);
      g_assert_cmpint (from, ==, parse_utc (c->from));
      g_assert_cmpint (to, ==, parse_utc (c->to));

      /* "All" means no bounds. */
      dps_period_preset_get_range (DPS_PERIOD_ALL, now, tz, &from, &to);
      g_assert_cmpint (from, ==, DPS_FILTER_NO_TIME);
      g_assert_cmpint (to, ==, DPS_FILTER_NO_TIME);
    }

  /* Calendar days, inclusive: the same day is today's range. */
  {
    GDate first, last;
    gint64 from, to, today_from, today_to;
    g_autoptr(GTimeZone) zone_tz = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
    g_autoptr(GDateTime) noon = g_date_time_new (zone_tz, 2026, 3, 29, 12, 0, 0);

    g_date_clear (&first, 1);
    g_date_set_dmy (&first, 29, G_DATE_MARCH, 2026);
    last = first;
    g_assert_true (dps_period_days_get_range (&first, &last, tz, &from, &to));
    dps_period_preset_get_range (DPS_PERIOD_TODAY, noon, tz, &today_from, &today_to);
    g_assert_cmpint (from, ==, today_from);
    g_assert_cmpint (to, ==, today_to);

    /* A week, and a reversed range refused. */
    g_date_set_dmy (&first, 23, G_DATE_MARCH, 2026);
    g_assert_true (dps_period_days_get_range (&first, &last, tz, &from, &to));
    dps_period_preset_get_range (DPS_PERIOD_LAST_7_DAYS, noon, tz, &today_from, &today_to);
    g_assert_cmpint (from, ==, today_from);
    g_assert_cmpint (to, ==, today_to);
    g_assert_false (dps_period_days_get_range (&last, &first, tz, &from, &to));
  }
}

static void
test_explicit (gconstpointer data)
{
  const Zone *zone = data;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone->zone);

  g_assert_nonnull (tz);
  check_zone (zone, tz);
}

/* The process's own zone (TZ): what the filter bar uses. */
static void
test_local (void)
{
  const char *name = g_getenv ("TZ");

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (zones); i++)
    if (g_strcmp0 (zones[i].zone, name) == 0)
      {
        check_zone (&zones[i], NULL);
        return;
      }
  g_test_skip ("TZ names none of the zones of this test");
}

static void
test_names (void)
{
  DpsPeriodPreset preset;

  g_assert_true (dps_period_preset_from_string ("today", &preset));
  g_assert_cmpint (preset, ==, DPS_PERIOD_TODAY);
  g_assert_true (dps_period_preset_from_string ("last-7-days", &preset));
  g_assert_cmpint (preset, ==, DPS_PERIOD_LAST_7_DAYS);
  g_assert_true (dps_period_preset_from_string ("last-30-days", &preset));
  g_assert_cmpint (preset, ==, DPS_PERIOD_LAST_30_DAYS);
  g_assert_true (dps_period_preset_from_string ("this-month", &preset));
  g_assert_cmpint (preset, ==, DPS_PERIOD_THIS_MONTH);
  g_assert_true (dps_period_preset_from_string ("all", &preset));
  g_assert_cmpint (preset, ==, DPS_PERIOD_ALL);
  g_assert_false (dps_period_preset_from_string ("yesterday", &preset));
  g_assert_false (dps_period_preset_from_string (NULL, &preset));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    {
      g_autofree char *path = g_strdup_printf ("/dps/filter-periods/explicit/%s", zones[i].zone);
      g_test_add_data_func (path, &zones[i], test_explicit);
    }
  g_test_add_func ("/dps/filter-periods/local", test_local);
  g_test_add_func ("/dps/filter-periods/names", test_names);

  return g_test_run ();
}
