/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "dps-generator.h"
#include "dps-record-parser.h"
#include "dps-transaction.h"

/* Duplicates repeat one of this many most recent valid lines. */
#define RESERVOIR_SIZE      4096
/* dps_generator_write() hands the stream chunks of at least this size. */
#define WRITE_CHUNK         (64 * 1024)
/* Below this, valid lines could themselves be too long. */
#define MIN_LINE_LENGTH     1024
/* Upper bound of a rendered record without overrides. */
#define RECORD_TEXT_MAX     512
#define PROGRESS_INTERVAL   (G_USEC_PER_SEC / 10)
#define SLEEP_STEP          (20 * 1000)
#define USEC_PER_HOUR       (G_GINT64_CONSTANT (3600) * DPS_USEC_PER_SECOND)
/* 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z: timestamps keep four-digit years. */
#define FIRST_USEC          (G_GINT64_CONSTANT (-62135596800) * DPS_USEC_PER_SECOND)
#define END_USEC            (G_GINT64_CONSTANT (253402300800) * DPS_USEC_PER_SECOND)

typedef enum {
  FIELD_TRANSACTION_ID,
  FIELD_EVENT_TS,
  FIELD_USER_ID,
  FIELD_AMOUNT,
  FIELD_MERCHANT,
  FIELD_CATEGORY,
  FIELD_CITY,
  FIELD_STATUS,
  FIELD_PAYMENT_METHOD,
  FIELD_CURRENCY,
  N_FIELDS
} Field;

typedef struct {
  const char *text;
  gsize       len;
} Piece;

#define PIECE(s) { s, sizeof (s) - 1 }

/* Each key with its quotes and the ": " that follows, in the original
 * producer's order. */
static const Piece field_keys[N_FIELDS] = {
  PIECE ("\"transaction_id\": "),
  PIECE ("\"event_ts\": "),
  PIECE ("\"user_id\": "),
  PIECE ("\"amount\": "),
  PIECE ("\"merchant\": "),
  PIECE ("\"category\": "),
  PIECE ("\"city\": "),
  PIECE ("\"status\": "),
  PIECE ("\"payment_method\": "),
  PIECE ("\"currency\": "),
};

typedef enum {
  CATEGORY_ELECTRONICS,
  CATEGORY_GROCERY,
  CATEGORY_FASHION,
  CATEGORY_TRAVEL,
  CATEGORY_RESTAURANTS,
  CATEGORY_ENTERTAINMENT,
  CATEGORY_HEALTH,
  CATEGORY_HOME,
  N_CATEGORIES
} Category;

/* Amounts are min + (max - min) * u^skew, u uniform in [0, 1): a higher
 * skew makes small baskets more common than big ones. */
typedef struct {
  const char *name;
  guint       weight;
  guint       min_cents;
  guint       max_cents;
  guint       skew;
} CategoryInfo;

static const CategoryInfo categories[N_CATEGORIES] = {
  [CATEGORY_ELECTRONICS]   = { "electronics",    8, 1500, 75000, 3 },
  [CATEGORY_GROCERY]       = { "grocery",       24,  500, 12000, 2 },
  [CATEGORY_FASHION]       = { "fashion",       12, 1000, 30000, 2 },
  [CATEGORY_TRAVEL]        = { "travel",         7, 6000, 75000, 2 },
  [CATEGORY_RESTAURANTS]   = { "restaurants",   20,  800,  9000, 2 },
  [CATEGORY_ENTERTAINMENT] = { "entertainment", 10,  600, 15000, 2 },
  [CATEGORY_HEALTH]        = { "health",         9,  500, 20000, 3 },
  [CATEGORY_HOME]          = { "home",          10, 1000, 75000, 3 },
};

typedef struct {
  const char *name;
  Category    category;
} MerchantInfo;

/* No name needs escaping in JSON. */
static const MerchantInfo merchants[] = {
  { "Fnac", CATEGORY_ELECTRONICS },
  { "Darty", CATEGORY_ELECTRONICS },
  { "Boulanger", CATEGORY_ELECTRONICS },
  { "Apple Store", CATEGORY_ELECTRONICS },
  { "Cdiscount", CATEGORY_ELECTRONICS },
  { "Carrefour", CATEGORY_GROCERY },
  { "Monoprix", CATEGORY_GROCERY },
  { "Auchan", CATEGORY_GROCERY },
  { "E.Leclerc", CATEGORY_GROCERY },
  { "Intermarché", CATEGORY_GROCERY },
  { "Lidl", CATEGORY_GROCERY },
  { "Zara", CATEGORY_FASHION },
  { "H&M", CATEGORY_FASHION },
  { "Kiabi", CATEGORY_FASHION },
  { "Galeries Lafayette", CATEGORY_FASHION },
  { "Celio", CATEGORY_FASHION },
  { "Air France", CATEGORY_TRAVEL },
  { "SNCF", CATEGORY_TRAVEL },
  { "Transavia", CATEGORY_TRAVEL },
  { "BlaBlaCar", CATEGORY_TRAVEL },
  { "Accor", CATEGORY_TRAVEL },
  { "Le Bistrot", CATEGORY_RESTAURANTS },
  { "McDonald's", CATEGORY_RESTAURANTS },
  { "Paul", CATEGORY_RESTAURANTS },
  { "Brioche Dorée", CATEGORY_RESTAURANTS },
  { "Flunch", CATEGORY_RESTAURANTS },
  { "Buffalo Grill", CATEGORY_RESTAURANTS },
  { "Pathé", CATEGORY_ENTERTAINMENT },
  { "UGC", CATEGORY_ENTERTAINMENT },
  { "Gaumont", CATEGORY_ENTERTAINMENT },
  { "Cultura", CATEGORY_ENTERTAINMENT },
  { "Disneyland Paris", CATEGORY_ENTERTAINMENT },
  { "Pharmacie", CATEGORY_HEALTH },
  { "Optic 2000", CATEGORY_HEALTH },
  { "Alain Afflelou", CATEGORY_HEALTH },
  { "Krys", CATEGORY_HEALTH },
  { "IKEA", CATEGORY_HOME },
  { "Leroy Merlin", CATEGORY_HOME },
  { "Castorama", CATEGORY_HOME },
  { "Conforama", CATEGORY_HOME },
  { "Maisons du Monde", CATEGORY_HOME },
};
#define N_MERCHANTS G_N_ELEMENTS (merchants)
#define MAX_MERCHANTS_PER_CATEGORY 8

typedef struct {
  const char *name;
  guint       weight;   /* inhabitants, in thousands */
} CityInfo;

static const CityInfo cities[] = {
  { "Paris", 2133 },
  { "Lyon", 522 },
  { "Marseille", 873 },
  { "Toulouse", 498 },
  { "Nice", 342 },
  { "Nantes", 320 },
  { "Strasbourg", 287 },
  { "Montpellier", 302 },
  { "Bordeaux", 260 },
  { "Lille", 236 },
};
#define N_CITIES G_N_ELEMENTS (cities)

static const guint status_weights[DPS_N_STATUSES] = { 75, 10, 10, 5 };
static const guint payment_method_weights[DPS_N_PAYMENT_METHODS] = { 60, 25, 15 };

/* Relative activity of each hour of the day (UTC): quiet nights, a lunch
 * peak and an evening peak. */
static const guint hour_weights[24] = {
  14,  8,  5,  4,  4,  6, 14, 30, 45, 55, 60, 66,
  78, 72, 64, 60, 62, 70, 78, 72, 60, 45, 30, 22,
};

/* Bad lines: every reason the parser gives, and duplicates. line_too_long
 * lines are huge by definition, so they are rarer. */
#define DIRTY_DUPLICATE DPS_REJECT_DUPLICATE
static const guint dirty_weights[DPS_N_REJECT_REASONS] = {
  [DPS_REJECT_MALFORMED_JSON]    = 10,
  [DPS_REJECT_NOT_OBJECT]        = 10,
  [DPS_REJECT_MISSING_FIELD]     = 10,
  [DPS_REJECT_WRONG_TYPE]        = 10,
  [DPS_REJECT_OUT_OF_RANGE]      = 10,
  [DPS_REJECT_UNKNOWN_ENUM]      = 10,
  [DPS_REJECT_INVALID_UUID]      = 10,
  [DPS_REJECT_INVALID_TIMESTAMP] = 10,
  [DPS_REJECT_INVALID_UTF8]      = 10,
  [DPS_REJECT_LINE_TOO_LONG]     = 1,
  [DIRTY_DUPLICATE]              = 10,
};

/* Filled once in class_init. */
static guint category_weight_total;
static guint category_weights[N_CATEGORIES];
static guint8 category_merchants[N_CATEGORIES][MAX_MERCHANTS_PER_CATEGORY];
static guint category_n_merchants[N_CATEGORIES];
static guint city_weights[N_CITIES];
static guint city_weight_total;
static guint status_weight_total;
static guint payment_method_weight_total;
static guint dirty_weight_total;
static double hour_share[24];
static double hour_cdf[25];

/* One transaction before it becomes text. */
typedef struct {
  guint8  id[16];
  gint64  event_ts;
  guint32 user_id;
  guint32 amount_cents;
  guint8  merchant;
  guint8  city;
  guint8  status;
  guint8  payment_method;
} Record;

/* One field written as given instead of from the record. */
typedef struct {
  int          field;      /* Field, or -1 */
  const char  *value;      /* raw JSON text; NULL leaves the field out */
  gsize        value_len;
  const char  *extra;      /* raw text before the closing brace, or NULL */
  gsize        extra_len;
} Override;

struct _DpsGenerator
{
  GObject               parent_instance;

  DpsGeneratorOptions   options;
  DpsGeneratorManifest  manifest;

  guint64               rng[4];

  /* Spread mode: the period and the profile's position in it. */
  gboolean              spread;
  gint64                start_midnight;   /* UTC midnight on or before options.start */
  double                start_mass;       /* profile mass from that midnight to start, in days */
  gint64                end;              /* options.start + days */
  gint64                last_ts;

  /* "YYYY-MM-DD" of text_day, so dates are formatted once a day. */
  gint64                text_day;
  char                  date_text[16];

  /* Recent valid records, a ring, for duplicates. */
  Record               *recent;
  guint                 n_recent;
  guint                 recent_next;

  GString              *scratch;
};

G_DEFINE_FINAL_TYPE (DpsGenerator, dps_generator, G_TYPE_OBJECT)

G_DEFINE_QUARK (dps-generator-error-quark, dps_generator_error)

/* Random numbers: xoshiro256** seeded through splitmix64, so a seed gives
 * the same stream whatever the GLib version or the platform. */

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint64
next_u64 (DpsGenerator *self)
{
  guint64 *s = self->rng;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* Uniform in [0, n). */
static inline guint32
uniform_below (DpsGenerator *self,
               guint32       n)
{
  return (guint32) (((next_u64 (self) >> 32) * n) >> 32);
}

/* Uniform in [0, 1). */
static inline double
uniform_unit (DpsGenerator *self)
{
  return (double) (next_u64 (self) >> 11) * (1.0 / 9007199254740992.0);
}

static guint
pick_weighted (DpsGenerator *self,
               const guint  *weights,
               guint         n_weights,
               guint         total)
{
  guint r = uniform_below (self, total);

  for (guint i = 0; i < n_weights; i++)
    {
      if (r < weights[i])
        return i;
      r -= weights[i];
    }
  g_assert_not_reached ();
}

/* Text writers: each writes at p and returns the end. */

static inline char *
write_uint (char    *p,
            guint64  value)
{
  char tmp[20];
  guint n = 0;

  do
    {
      tmp[n++] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value != 0);
  while (n > 0)
    *p++ = tmp[--n];
  return p;
}

static inline char *
write_digits (char  *p,
              guint  value,
              guint  width)
{
  for (guint i = width; i > 0; i--)
    {
      p[i - 1] = (char) ('0' + value % 10);
      value /= 10;
    }
  return p + width;
}

static inline char *
write_bytes (char       *p,
             const char *bytes,
             gsize       len)
{
  memcpy (p, bytes, len);
  return p + len;
}

static inline char *
write_quoted (char       *p,
              const char *text)
{
  gsize len = strlen (text);

  *p++ = '"';
  memcpy (p, text, len);
  p += len;
  *p++ = '"';
  return p;
}

static char *
write_any_of (DpsGenerator      *self,
              char              *p,
              const char *const *words,
              guint              n_words)
{
  const char *word = words[uniform_below (self, n_words)];

  return write_bytes (p, word, strlen (word));
}

/* The amount as Python's repr() of the float rounded to cents:
 * 12.0, 261.4, 19.99. */
static char *
write_amount (char    *p,
              guint64  cents)
{
  guint rest = (guint) (cents % 100);

  p = write_uint (p, cents / 100);
  *p++ = '.';
  *p++ = (char) ('0' + rest / 10);
  if (rest % 10 != 0)
    *p++ = (char) ('0' + rest % 10);
  return p;
}

/* 32 bytes: 2026-11-20T13:45:12.123456+00:00 */
static char *
write_timestamp (DpsGenerator *self,
                 char         *p,
                 gint64        ts)
{
  gint64 day = dps_floor_div (ts, DPS_USEC_PER_DAY);
  gint64 in_day = ts - day * DPS_USEC_PER_DAY;
  guint seconds = (guint) (in_day / DPS_USEC_PER_SECOND);

  if (day != self->text_day)
    {
      dps_format_date_into ((gint32) day, self->date_text);
      self->text_day = day;
    }
  p = write_bytes (p, self->date_text, 10);
  *p++ = 'T';
  p = write_digits (p, seconds / 3600, 2);
  *p++ = ':';
  p = write_digits (p, seconds / 60 % 60, 2);
  *p++ = ':';
  p = write_digits (p, seconds % 60, 2);
  *p++ = '.';
  p = write_digits (p, (guint) (in_day % DPS_USEC_PER_SECOND), 6);
  return write_bytes (p, "+00:00", 6);
}

static char *
write_uuid (char         *p,
            const guint8  id[16])
{
  char text[DPS_UUID_TEXT_LEN + 1];

  dps_uuid_to_string (id, text);
  return write_bytes (p, text, DPS_UUID_TEXT_LEN);
}

static char *
write_value (DpsGenerator *self,
             char         *p,
             const Record *r,
             Field         field)
{
  switch (field)
    {
    case FIELD_TRANSACTION_ID:
      *p++ = '"';
      p = write_uuid (p, r->id);
      *p++ = '"';
      return p;
    case FIELD_EVENT_TS:
      *p++ = '"';
      p = write_timestamp (self, p, r->event_ts);
      *p++ = '"';
      return p;
    case FIELD_USER_ID:
      return write_uint (p, r->user_id);
    case FIELD_AMOUNT:
      return write_amount (p, r->amount_cents);
    case FIELD_MERCHANT:
      return write_quoted (p, merchants[r->merchant].name);
    case FIELD_CATEGORY:
      return write_quoted (p, categories[merchants[r->merchant].category].name);
    case FIELD_CITY:
      return write_quoted (p, cities[r->city].name);
    case FIELD_STATUS:
      return write_quoted (p, dps_status_to_string ((DpsStatus) r->status));
    case FIELD_PAYMENT_METHOD:
      return write_quoted (p, dps_payment_method_to_string ((DpsPaymentMethod) r->payment_method));
    case FIELD_CURRENCY:
      return write_bytes (p, "\"EUR\"", 5);
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

/* The JSON text of one field's value; @buf holds at least 64 bytes. */
static gsize
value_text (DpsGenerator *self,
            const Record *r,
            Field         field,
            char         *buf)
{
  return (gsize) (write_value (self, buf, r, field) - buf);
}

/* Makes room for @n bytes at the end of @out and returns where they go;
 * commit_text() sets the length actually used. */
static char *
reserve_text (GString *out,
              gsize    n)
{
  gsize len = out->len;

  g_string_set_size (out, len + n);
  out->len = len;
  return out->str + len;
}

static void
commit_text (GString *out,
             char    *end)
{
  out->len = (gsize) (end - out->str);
  *end = '\0';
}

/* Appends the record as one JSON object, the original producer's way. */
static void
render_record (DpsGenerator   *self,
               GString        *out,
               const Record   *r,
               const Override *ov)
{
  gsize bound = RECORD_TEXT_MAX + (ov != NULL ? ov->value_len + ov->extra_len : 0);
  char *start = reserve_text (out, bound);
  char *p = start;
  gboolean first = TRUE;

  *p++ = '{';
  for (guint f = 0; f < N_FIELDS; f++)
    {
      gboolean replaced = ov != NULL && ov->field == (int) f;

      if (replaced && ov->value == NULL)
        continue;
      if (!first)
        {
          *p++ = ',';
          *p++ = ' ';
        }
      first = FALSE;
      p = write_bytes (p, field_keys[f].text, field_keys[f].len);
      if (replaced)
        p = write_bytes (p, ov->value, ov->value_len);
      else
        p = write_value (self, p, r, (Field) f);
    }
  if (ov != NULL && ov->extra != NULL)
    p = write_bytes (p, ov->extra, ov->extra_len);
  *p++ = '}';

  g_assert ((gsize) (p - start) < bound);
  commit_text (out, p);
}

static void
render_with_value (DpsGenerator *self,
                   GString      *out,
                   const Record *r,
                   Field         field,
                   const char   *value,
                   gsize         value_len)
{
  Override ov = { (int) field, value, value_len, NULL, 0 };

  render_record (self, out, r, &ov);
}

static void
render_with_extra (DpsGenerator *self,
                   GString      *out,
                   const Record *r,
                   const char   *extra,
                   gsize         extra_len)
{
  Override ov = { -1, NULL, 0, extra, extra_len };

  render_record (self, out, r, &ov);
}

/* Drawing records */

static double
profile_mass_of_time (gint64 in_day)
{
  guint hour = (guint) (in_day / USEC_PER_HOUR);
  double within = (double) (in_day - hour * USEC_PER_HOUR) / (double) USEC_PER_HOUR;

  return hour_cdf[hour] + within * hour_share[hour];
}

/* Line @index of options.rows, at the quantile (index + jitter) / rows of
 * the period under the hourly profile: non-decreasing, busier by day. */
static gint64
spread_timestamp (DpsGenerator *self,
                  guint64       index)
{
  double q = ((double) index + uniform_unit (self)) / (double) self->options.rows;
  double mass, f;
  gint64 day, ts;
  guint hour = 0;

  q = MIN (q, 1.0);
  mass = self->start_mass + q * self->options.days;
  day = (gint64) floor (mass);
  f = mass - (double) day;
  while (hour < 23 && f >= hour_cdf[hour + 1])
    hour++;
  ts = self->start_midnight + day * DPS_USEC_PER_DAY + hour * USEC_PER_HOUR +
       (gint64) ((f - hour_cdf[hour]) / hour_share[hour] * (double) USEC_PER_HOUR);

  ts = CLAMP (ts, self->options.start, self->end - 1);
  ts = MAX (ts, self->last_ts);
  self->last_ts = ts;
  return ts;
}

static guint32
draw_amount (DpsGenerator *self,
             Category      category)
{
  const CategoryInfo *info = &categories[category];
  guint64 u = next_u64 (self) >> 32;
  guint64 x = u;
  guint32 cents;
  guint ending;

  for (guint k = 1; k < info->skew; k++)
    x = (x * u) >> 32;
  cents = info->min_cents + (guint32) (((guint64) (info->max_cents - info->min_cents) * x) >> 32);

  /* Shelf prices: many end in .99, some are whole euros. */
  ending = uniform_below (self, 100);
  if (ending < 30)
    {
      cents = cents / 100 * 100 + 99;
      if (cents > info->max_cents)
        cents -= 100;
    }
  else if (ending < 38)
    cents = cents / 100 * 100;

  return cents;
}

static void
draw_record (DpsGenerator *self,
             Record       *r)
{
  guint64 hi = next_u64 (self);
  guint64 lo = next_u64 (self);
  Category category;

  for (guint i = 0; i < 8; i++)
    {
      r->id[i] = (guint8) (hi >> (56 - 8 * i));
      r->id[8 + i] = (guint8) (lo >> (56 - 8 * i));
    }
  r->id[6] = (guint8) ((r->id[6] & 0x0f) | 0x40);
  r->id[8] = (guint8) ((r->id[8] & 0x3f) | 0x80);

  if (self->spread)
    r->event_ts = spread_timestamp (self, self->manifest.lines);
  else
    r->event_ts = g_get_real_time ();

  r->user_id = 1 + uniform_below (self, 5000);
  category = (Category) pick_weighted (self, category_weights, N_CATEGORIES, category_weight_total);
  r->merchant = category_merchants[category][uniform_below (self, category_n_merchants[category])];
  r->amount_cents = draw_amount (self, category);
  r->city = (guint8) pick_weighted (self, city_weights, N_CITIES, city_weight_total);
  r->status = (guint8) pick_weighted (self, status_weights, DPS_N_STATUSES, status_weight_total);
  r->payment_method = (guint8) pick_weighted (self, payment_method_weights,
                                              DPS_N_PAYMENT_METHODS, payment_method_weight_total);
}

static void
remember_record (DpsGenerator *self,
                 const Record *r)
{
  self->recent[self->recent_next] = *r;
  self->recent_next = (self->recent_next + 1) % RESERVOIR_SIZE;
  self->n_recent = MIN (self->n_recent + 1, RESERVOIR_SIZE);
}

/* Bad lines. Each starts from a valid record and breaks exactly one rule,
 * in a way that leaves no doubt about which. */

static const Field string_fields[] = {
  FIELD_TRANSACTION_ID, FIELD_EVENT_TS, FIELD_MERCHANT, FIELD_CATEGORY,
  FIELD_CITY, FIELD_STATUS, FIELD_PAYMENT_METHOD, FIELD_CURRENCY,
};

static const char *
record_text_of (const Record *r,
                Field         field)
{
  switch (field)
    {
    case FIELD_MERCHANT:
      return merchants[r->merchant].name;
    case FIELD_CATEGORY:
      return categories[merchants[r->merchant].category].name;
    case FIELD_CITY:
      return cities[r->city].name;
    default:
      g_assert_not_reached ();
    }
}

/* Where the key of @field starts in a rendered valid line. */
static gsize
find_key (const GString *line,
          Field          field)
{
  const char *at = strstr (line->str, field_keys[field].text);

  g_assert (at != NULL);
  return (gsize) (at - line->str);
}

static void
make_malformed_json (DpsGenerator *self,
                     GString      *out,
                     const Record *r)
{
  GString *line = self->scratch;
  char value[64];
  gsize len, at;
  Field field;

  g_string_truncate (line, 0);
  render_record (self, line, r, NULL);

  switch (uniform_below (self, 9))
    {
    case 0: /* cut short, on a character boundary */
      at = 1 + uniform_below (self, (guint32) line->len - 1);
      while ((line->str[at] & 0xc0) == 0x80)
        at--;
      g_string_append_len (out, line->str, (gssize) at);
      break;

    case 1: /* a comma left out between two fields */
      at = find_key (line, (Field) (1 + uniform_below (self, N_FIELDS - 1)));
      g_string_append_len (out, line->str, (gssize) at - 2);
      g_string_append (out, line->str + at - 1);
      break;

    case 2: /* a trailing comma */
      g_string_append_len (out, line->str, (gssize) line->len - 1);
      g_string_append (out, ",}");
      break;

    case 3: /* a key without quotes */
      field = (Field) uniform_below (self, N_FIELDS);
      at = find_key (line, field);
      g_string_append_len (out, line->str, (gssize) at);
      g_string_append_len (out, field_keys[field].text + 1, (gssize) field_keys[field].len - 4);
      g_string_append (out, line->str + at + field_keys[field].len - 2);
      break;

    case 4: /* a missing colon */
      field = (Field) uniform_below (self, N_FIELDS);
      at = find_key (line, field) + field_keys[field].len - 2;
      g_string_append_len (out, line->str, (gssize) at);
      g_string_append (out, line->str + at + 1);
      break;

    case 5: /* a broken number */
      if (uniform_below (self, 2) == 0)
        {
          /* 261.4 → 261..4 */
          len = value_text (self, r, FIELD_AMOUNT, value);
          at = (gsize) (strchr (value, '.') - value);
          memmove (value + at + 1, value + at, len - at);
          render_with_value (self, out, r, FIELD_AMOUNT, value, len + 1);
        }
      else
        {
          /* 1742 → 1x742 */
          len = value_text (self, r, FIELD_USER_ID, value);
          memmove (value + 2, value + 1, len - 1);
          value[1] = 'x';
          render_with_value (self, out, r, FIELD_USER_ID, value, len + 1);
        }
      break;

    case 6: /* a string that never ends */
      field = string_fields[uniform_below (self, G_N_ELEMENTS (string_fields))];
      len = value_text (self, r, field, value);
      render_with_value (self, out, r, field, value, len - 1);
      break;

    case 7: /* one closing brace too many */
      g_string_append_len (out, line->str, (gssize) line->len);
      g_string_append_c (out, '}');
      break;

    case 8: /* nested far deeper than DPS_MAX_JSON_DEPTH */
      {
        guint depth = DPS_MAX_JSON_DEPTH + 8 + uniform_below (self, 24);
        g_autoptr(GString) extra = g_string_new (NULL);

        if (uniform_below (self, 2) == 0)
          {
            g_string_append (extra, ", \"tags\": ");
            for (guint i = 0; i < depth; i++)
              g_string_append_c (extra, '[');
            for (guint i = 0; i < depth; i++)
              g_string_append_c (extra, ']');
          }
        else
          {
            g_string_append (extra, ", \"meta\": ");
            for (guint i = 1; i < depth; i++)
              g_string_append (extra, "{\"meta\": ");
            g_string_append (extra, "{}");
            for (guint i = 1; i < depth; i++)
              g_string_append_c (extra, '}');
          }
        render_with_extra (self, out, r, extra->str, extra->len);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
make_not_object (DpsGenerator *self,
                 GString      *out,
                 const Record *r)
{
  GString *line = self->scratch;
  char value[64];
  gsize len;

  switch (uniform_below (self, 5))
    {
    case 0: /* the record inside an array */
      g_string_append_c (out, '[');
      render_record (self, out, r, NULL);
      g_string_append_c (out, ']');
      break;

    case 1: /* the values as an array, keys lost */
      g_string_append_c (out, '[');
      for (guint f = 0; f < N_FIELDS; f++)
        {
          if (f > 0)
            g_string_append (out, ", ");
          len = value_text (self, r, (Field) f, value);
          g_string_append_len (out, value, (gssize) len);
        }
      g_string_append_c (out, ']');
      break;

    case 2: /* a bare number */
      len = value_text (self, r, uniform_below (self, 2) ? FIELD_AMOUNT : FIELD_USER_ID, value);
      g_string_append_len (out, value, (gssize) len);
      break;

    case 3: /* the record encoded twice, as a JSON string */
      g_string_truncate (line, 0);
      render_record (self, line, r, NULL);
      g_string_append_c (out, '"');
      for (gsize i = 0; i < line->len; i++)
        {
          if (line->str[i] == '"' || line->str[i] == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, line->str[i]);
        }
      g_string_append_c (out, '"');
      break;

    case 4:
      g_string_append (out, "[]");
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
make_missing_field (DpsGenerator *self,
                    GString      *out,
                    const Record *r)
{
  /* Not currency: without it a record is in euros, and valid. */
  Field field = (Field) uniform_below (self, FIELD_CURRENCY);

  if (uniform_below (self, 2) == 0)
    render_with_value (self, out, r, field, NULL, 0);
  else
    render_with_value (self, out, r, field, "null", 4);
}

static void
make_wrong_type (DpsGenerator *self,
                 GString      *out,
                 const Record *r)
{
  Field field = (Field) uniform_below (self, N_FIELDS);
  char normal[64];
  char value[128];
  gsize normal_len = value_text (self, r, field, normal);
  char *p = value;

  switch (uniform_below (self, 4))
    {
    case 0: /* a number for a string, a string for a number */
      switch (field)
        {
        case FIELD_USER_ID:
        case FIELD_AMOUNT:
          *p++ = '"';
          p = write_bytes (p, normal, normal_len);
          *p++ = '"';
          break;
        case FIELD_EVENT_TS:
          p = write_uint (p, (guint64) (r->event_ts / DPS_USEC_PER_SECOND));
          break;
        case FIELD_STATUS:
          p = write_uint (p, r->status);
          break;
        case FIELD_PAYMENT_METHOD:
          p = write_uint (p, r->payment_method);
          break;
        case FIELD_CURRENCY:
          p = write_bytes (p, "978", 3);
          break;
        case FIELD_TRANSACTION_ID:
        case FIELD_MERCHANT:
        case FIELD_CATEGORY:
        case FIELD_CITY:
          p = write_uint (p, 1 + uniform_below (self, 999999));
          break;
        case N_FIELDS:
        default:
          g_assert_not_reached ();
        }
      break;

    case 1:
      p = uniform_below (self, 2) ? write_bytes (p, "true", 4) : write_bytes (p, "false", 5);
      break;

    case 2: /* wrapped in an array */
      *p++ = '[';
      p = write_bytes (p, normal, normal_len);
      *p++ = ']';
      break;

    case 3: /* wrapped in an object */
      p = write_bytes (p, "{\"value\": ", 10);
      p = write_bytes (p, normal, normal_len);
      *p++ = '}';
      break;

    default:
      g_assert_not_reached ();
    }

  render_with_value (self, out, r, field, value, (gsize) (p - value));
}

static void
make_out_of_range (DpsGenerator *self,
                   GString      *out,
                   const Record *r)
{
  static const char *const blanks[] = { "\"\"", "\" \"", "\"    \"" };
  char value[64];
  char *p = value;
  Field field;

  switch (uniform_below (self, 4))
    {
    case 0:
      field = FIELD_USER_ID;
      if (uniform_below (self, 2) == 0)
        *p++ = '0';
      else
        {
          *p++ = '-';
          p = write_uint (p, r->user_id);
        }
      break;

    case 1:
    case 2:
      field = FIELD_AMOUNT;
      switch (uniform_below (self, 5))
        {
        case 0:
          p = uniform_below (self, 2) ? write_bytes (p, "0", 1) : write_bytes (p, "0.0", 3);
          break;
        case 1:
          *p++ = '-';
          p = write_amount (p, r->amount_cents);
          break;
        case 2: /* a third decimal */
        case 3:
          p = write_uint (p, r->amount_cents / 100);
          *p++ = '.';
          p = write_digits (p, r->amount_cents % 100, 2);
          *p++ = (char) ('1' + uniform_below (self, 9));
          break;
        case 4: /* more than 9999999999.99 */
          p = write_uint (p, G_GUINT64_CONSTANT (10000000000) +
                             next_u64 (self) % G_GUINT64_CONSTANT (90000000000));
          if (uniform_below (self, 2) == 0)
            p = write_bytes (p, ".5", 2);
          break;
        default:
          g_assert_not_reached ();
        }
      break;

    case 3:
      field = (Field) (FIELD_MERCHANT + uniform_below (self, 3));
      p = write_any_of (self, p, blanks, G_N_ELEMENTS (blanks));
      break;

    default:
      g_assert_not_reached ();
    }

  render_with_value (self, out, r, field, value, (gsize) (p - value));
}

static void
make_unknown_enum (DpsGenerator *self,
                   GString      *out,
                   const Record *r)
{
  static const char *const statuses[] = {
    "\"CANCELLED\"", "\"SETTLED\"", "\"CHARGEBACK\"", "\"AUTHORIZED\"", "\"FAILED\"", "\"VOID\"",
  };
  static const char *const methods[] = {
    "\"cash\"", "\"crypto\"", "\"cheque\"", "\"paypal\"", "\"credit_card\"", "\"gift_card\"",
  };
  /* Not three letters. */
  static const char *const currencies[] = {
    "\"EURO\"", "\"EU\"", "\"E1R\"", "\"US$\"", "\"EUROS\"", "\"12\"",
  };
  char value[64];
  char *p = value;
  Field field;

  switch (uniform_below (self, 3))
    {
    case 0:
      field = FIELD_STATUS;
      p = write_any_of (self, p, statuses, G_N_ELEMENTS (statuses));
      break;
    case 1:
      field = FIELD_PAYMENT_METHOD;
      p = write_any_of (self, p, methods, G_N_ELEMENTS (methods));
      break;
    case 2:
      field = FIELD_CURRENCY;
      p = write_any_of (self, p, currencies, G_N_ELEMENTS (currencies));
      break;
    default:
      g_assert_not_reached ();
    }
  render_with_value (self, out, r, field, value, (gsize) (p - value));
}

static void
make_invalid_uuid (DpsGenerator *self,
                   GString      *out,
                   const Record *r)
{
  static const guint hyphens[] = { 8, 13, 18, 23 };
  static const char *const junk[] = { "N/A", "unknown", "0", "null" };
  char text[DPS_UUID_TEXT_LEN + 1];
  char value[64];
  char *p = value;
  guint at;

  dps_uuid_to_string (r->id, text);
  *p++ = '"';
  switch (uniform_below (self, 5))
    {
    case 0: /* one digit short */
      p = write_bytes (p, text, DPS_UUID_TEXT_LEN - 1);
      break;
    case 1: /* one digit too many */
      p = write_bytes (p, text, DPS_UUID_TEXT_LEN);
      *p++ = "0123456789abcdef"[uniform_below (self, 16)];
      break;
    case 2: /* a letter that is not hexadecimal */
      do
        at = uniform_below (self, DPS_UUID_TEXT_LEN);
      while (text[at] == '-');
      text[at] = (char) ('g' + uniform_below (self, 20));
      p = write_bytes (p, text, DPS_UUID_TEXT_LEN);
      break;
    case 3: /* a hyphen one place too far */
      at = hyphens[uniform_below (self, G_N_ELEMENTS (hyphens))];
      text[at] = text[at + 1];
      text[at + 1] = '-';
      p = write_bytes (p, text, DPS_UUID_TEXT_LEN);
      break;
    case 4: /* not a UUID at all */
      if (uniform_below (self, 2) == 0)
        {
          p = write_bytes (p, "TX-", 3);
          p = write_digits (p, uniform_below (self, 1000000), 6);
        }
      else
        p = write_any_of (self, p, junk, G_N_ELEMENTS (junk));
      break;
    default:
      g_assert_not_reached ();
    }
  *p++ = '"';
  render_with_value (self, out, r, FIELD_TRANSACTION_ID, value, (gsize) (p - value));
}

static void
make_invalid_timestamp (DpsGenerator *self,
                        GString      *out,
                        const Record *r)
{
  static const char *const junk[] = { "yesterday", "now", "N/A", "not a date" };
  char text[40];
  char value[64];
  char *p = value;

  write_timestamp (self, text, r->event_ts);
  *p++ = '"';
  switch (uniform_below (self, 8))
    {
    case 0: /* no offset */
      p = write_bytes (p, text, 26);
      break;
    case 1: /* no offset, whole seconds */
      p = write_bytes (p, text, 19);
      break;
    case 2: /* a date without time */
      p = write_bytes (p, text, 10);
      break;
    case 3: /* month 13 to 19 */
      text[5] = '1';
      text[6] = (char) ('3' + uniform_below (self, 7));
      p = write_bytes (p, text, 32);
      break;
    case 4: /* day 32 to 39 */
      text[8] = '3';
      text[9] = (char) ('2' + uniform_below (self, 8));
      p = write_bytes (p, text, 32);
      break;
    case 5: /* hour 25 to 29 */
      text[11] = '2';
      text[12] = (char) ('5' + uniform_below (self, 5));
      p = write_bytes (p, text, 32);
      break;
    case 6: /* French habits: 20/11/2026 13:45:12 */
      p = write_bytes (p, text + 8, 2);
      *p++ = '/';
      p = write_bytes (p, text + 5, 2);
      *p++ = '/';
      p = write_bytes (p, text, 4);
      *p++ = ' ';
      p = write_bytes (p, text + 11, 8);
      break;
    case 7:
      if (uniform_below (self, 2) == 0)
        p = write_uint (p, (guint64) (r->event_ts / DPS_USEC_PER_SECOND));   /* Unix time */
      else
        p = write_any_of (self, p, junk, G_N_ELEMENTS (junk));
      break;
    default:
      g_assert_not_reached ();
    }
  *p++ = '"';
  render_with_value (self, out, r, FIELD_EVENT_TS, value, (gsize) (p - value));
}

static void
make_invalid_utf8 (DpsGenerator *self,
                   GString      *out,
                   const Record *r)
{
  static const Piece sequences[] = {
    PIECE ("\xff"),                 /* never valid */
    PIECE ("\xfe"),
    PIECE ("\xc3"),                 /* a two-byte sequence cut short */
    PIECE ("\xe2\x82"),             /* a three-byte sequence cut short */
    PIECE ("\x80"),                 /* a lone continuation byte */
    PIECE ("\xc0\xaf"),             /* overlong '/' */
    PIECE ("\xed\xa0\x80"),         /* a UTF-16 surrogate */
    PIECE ("\xf4\x90\x80\x80"),     /* beyond U+10FFFF */
    PIECE ("\xf8\x88\x80\x80\x80"), /* five bytes */
    PIECE ("\xe9"),                 /* Latin-1 é */
    { "\0", 1 },                    /* a NUL byte */
  };
  Field field = (Field) (FIELD_MERCHANT + uniform_below (self, 3));
  const char *text = record_text_of (r, field);
  gsize len = strlen (text);
  const Piece *seq = &sequences[uniform_below (self, G_N_ELEMENTS (sequences))];
  char value[64];
  char *p = value;
  gsize at = uniform_below (self, (guint32) len + 1);

  /* Between two characters, so the bytes around stay whole. */
  while (at > 0 && at < len && (text[at] & 0xc0) == 0x80)
    at--;
  *p++ = '"';
  p = write_bytes (p, text, at);
  p = write_bytes (p, seq->text, seq->len);
  p = write_bytes (p, text + at, len - at);
  *p++ = '"';
  render_with_value (self, out, r, field, value, (gsize) (p - value));
}

static void
make_line_too_long (DpsGenerator *self,
                    GString      *out,
                    const Record *r)
{
  static const char filler[] = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ";
  gsize target = self->options.max_line_length + 1 + uniform_below (self, 256);
  gsize begin = out->len;
  gsize line_len;

  /* A valid record with one more, very long, field. */
  render_record (self, out, r, NULL);
  g_string_truncate (out, out->len - 1);
  g_string_append (out, ", \"comment\": \"");
  line_len = out->len - begin + 2;
  while (line_len < target)
    {
      gsize n = MIN (sizeof filler - 1, target - line_len);
      g_string_append_len (out, filler, (gssize) n);
      line_len += n;
    }
  g_string_append (out, "\"}");
}

static void
make_reject (DpsGenerator    *self,
             GString         *out,
             const Record    *r,
             DpsRejectReason  reason)
{
  switch (reason)
    {
    case DPS_REJECT_MALFORMED_JSON:
      make_malformed_json (self, out, r);
      break;
    case DPS_REJECT_NOT_OBJECT:
      make_not_object (self, out, r);
      break;
    case DPS_REJECT_MISSING_FIELD:
      make_missing_field (self, out, r);
      break;
    case DPS_REJECT_WRONG_TYPE:
      make_wrong_type (self, out, r);
      break;
    case DPS_REJECT_OUT_OF_RANGE:
      make_out_of_range (self, out, r);
      break;
    case DPS_REJECT_UNKNOWN_ENUM:
      make_unknown_enum (self, out, r);
      break;
    case DPS_REJECT_INVALID_UUID:
      make_invalid_uuid (self, out, r);
      break;
    case DPS_REJECT_INVALID_TIMESTAMP:
      make_invalid_timestamp (self, out, r);
      break;
    case DPS_REJECT_INVALID_UTF8:
      make_invalid_utf8 (self, out, r);
      break;
    case DPS_REJECT_LINE_TOO_LONG:
      make_line_too_long (self, out, r);
      break;
    case DPS_REJECT_DUPLICATE:
    default:
      g_assert_not_reached ();
    }
}

/* A recent valid record again: the same line, or the same id with
 * another amount. */
static void
make_duplicate (DpsGenerator *self,
                GString      *out)
{
  guint slot = (self->recent_next + RESERVOIR_SIZE - 1 - uniform_below (self, self->n_recent)) % RESERVOIR_SIZE;
  Record r = self->recent[slot];

  if (uniform_below (self, 2) == 0)
    {
      Category category = merchants[r.merchant].category;
      guint32 cents = draw_amount (self, category);

      if (cents == r.amount_cents && cents < categories[category].max_cents)
        cents++;
      else if (cents == r.amount_cents)
        cents--;
      r.amount_cents = cents;
    }
  render_record (self, out, &r, NULL);
}

static guint
sum_weights (const guint *weights,
             guint        n)
{
  guint total = 0;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  return total;
}

static gboolean
flush_buffer (GOutputStream  *stream,
              GString        *buffer,
              guint64        *bytes_flushed,
              GCancellable   *cancellable,
              GError        **error)
{
  if (buffer->len == 0)
    return TRUE;
  if (!g_output_stream_write_all (stream, buffer->str, buffer->len, NULL, cancellable, error))
    return FALSE;
  *bytes_flushed += buffer->len;
  g_string_truncate (buffer, 0);
  return TRUE;
}

static void
dps_generator_finalize (GObject *object)
{
  DpsGenerator *self = (DpsGenerator *) object;

  g_clear_pointer (&self->recent, g_free);
  g_string_free (self->scratch, TRUE);

  G_OBJECT_CLASS (dps_generator_parent_class)->finalize (object);
}

static void
dps_generator_class_init (DpsGeneratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  guint hour_total;

  object_class->finalize = dps_generator_finalize;

  for (guint c = 0; c < N_CATEGORIES; c++)
    category_weights[c] = categories[c].weight;
  category_weight_total = sum_weights (category_weights, N_CATEGORIES);

  for (guint m = 0; m < N_MERCHANTS; m++)
    {
      Category c = merchants[m].category;

      g_assert (category_n_merchants[c] < MAX_MERCHANTS_PER_CATEGORY);
      category_merchants[c][category_n_merchants[c]++] = (guint8) m;
    }

  for (guint i = 0; i < N_CITIES; i++)
    city_weights[i] = cities[i].weight;
  city_weight_total = sum_weights (city_weights, N_CITIES);
  status_weight_total = sum_weights (status_weights, DPS_N_STATUSES);
  payment_method_weight_total = sum_weights (payment_method_weights, DPS_N_PAYMENT_METHODS);
  dirty_weight_total = sum_weights (dirty_weights, DPS_N_REJECT_REASONS);

  hour_total = sum_weights (hour_weights, 24);
  hour_cdf[0] = 0.0;
  for (guint h = 0; h < 24; h++)
    {
      hour_share[h] = (double) hour_weights[h] / hour_total;
      hour_cdf[h + 1] = hour_cdf[h] + hour_share[h];
    }
  hour_cdf[24] = 1.0;
}

static void
dps_generator_init (DpsGenerator *self)
{
  self->recent = g_new (Record, RESERVOIR_SIZE);
  self->scratch = g_string_sized_new (RECORD_TEXT_MAX);
  self->text_day = G_MININT64;
  self->last_ts = G_MININT64;
}

void
dps_generator_options_init (DpsGeneratorOptions *options)
{
  gint64 today;

  g_return_if_fail (options != NULL);

  today = dps_floor_div (g_get_real_time (), DPS_USEC_PER_DAY) * DPS_USEC_PER_DAY;

  memset (options, 0, sizeof *options);
  options->seed = 0;
  options->rows = 1000;
  options->live = FALSE;
  options->days = 30;
  options->start = today - options->days * DPS_USEC_PER_DAY;
  options->dirty_ratio = 0.0;
  options->max_line_length = DPS_DEFAULT_MAX_LINE_LENGTH;
}

gboolean
dps_generator_options_validate (const DpsGeneratorOptions  *options,
                                GError                    **error)
{
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(options->dirty_ratio >= 0.0 && options->dirty_ratio <= 1.0))
    {
      g_set_error (error, DPS_GENERATOR_ERROR, DPS_GENERATOR_ERROR_INVALID_OPTION,
                   _("The share of bad lines must be between 0 and 1, not %g"),
                   options->dirty_ratio);
      return FALSE;
    }

  if (options->dirty_ratio > 0.0 && options->max_line_length < MIN_LINE_LENGTH)
    {
      g_set_error (error, DPS_GENERATOR_ERROR, DPS_GENERATOR_ERROR_INVALID_OPTION,
                   _("The maximum line length must be at least %u bytes, not %lu"),
                   (guint) MIN_LINE_LENGTH, (gulong) options->max_line_length);
      return FALSE;
    }

  if (!options->live && options->rows > 0)
    {
      if (options->days == 0)
        {
          g_set_error_literal (error, DPS_GENERATOR_ERROR, DPS_GENERATOR_ERROR_INVALID_OPTION,
                               _("The period to spread transactions over must last at least one day"));
          return FALSE;
        }
      if (options->start < FIRST_USEC || options->start >= END_USEC ||
          options->days > (END_USEC - options->start) / DPS_USEC_PER_DAY)
        {
          g_set_error_literal (error, DPS_GENERATOR_ERROR, DPS_GENERATOR_ERROR_INVALID_OPTION,
                               _("The period to spread transactions over must lie between the years 1 and 9999"));
          return FALSE;
        }
    }

  return TRUE;
}

DpsGenerator *
dps_generator_new (const DpsGeneratorOptions *options)
{
  DpsGenerator *self;
  guint64 state;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (dps_generator_options_validate (options, NULL), NULL);

  self = g_object_new (DPS_TYPE_GENERATOR, NULL);
  self->options = *options;

  state = options->seed;
  for (guint i = 0; i < G_N_ELEMENTS (self->rng); i++)
    self->rng[i] = splitmix64 (&state);

  self->spread = !options->live && options->rows > 0;
  if (self->spread)
    {
      gint64 day = dps_floor_div (options->start, DPS_USEC_PER_DAY);

      self->start_midnight = day * DPS_USEC_PER_DAY;
      self->start_mass = profile_mass_of_time (options->start - self->start_midnight);
      self->end = options->start + options->days * DPS_USEC_PER_DAY;
    }

  return self;
}

const DpsGeneratorOptions *
dps_generator_get_options (DpsGenerator *self)
{
  g_return_val_if_fail (DPS_IS_GENERATOR (self), NULL);

  return &self->options;
}

DpsGeneratedKind
dps_generator_next (DpsGenerator    *self,
                    GString         *out,
                    DpsRejectReason *out_reason)
{
  DpsGeneratorManifest *manifest;
  guint dirty = G_MAXUINT;
  Record r;

  g_return_val_if_fail (DPS_IS_GENERATOR (self), DPS_GENERATED_VALID);
  g_return_val_if_fail (out != NULL, DPS_GENERATED_VALID);

  manifest = &self->manifest;
  if (self->options.dirty_ratio > 0.0 && uniform_unit (self) < self->options.dirty_ratio)
    dirty = pick_weighted (self, dirty_weights, DPS_N_REJECT_REASONS, dirty_weight_total);

  draw_record (self, &r);
  manifest->lines++;

  /* Before the first valid line there is nothing to repeat. */
  if (dirty == DIRTY_DUPLICATE && self->n_recent > 0)
    {
      make_duplicate (self, out);
      manifest->duplicates++;
      if (out_reason != NULL)
        *out_reason = DPS_REJECT_DUPLICATE;
      return DPS_GENERATED_DUPLICATE;
    }

  if (dirty < DPS_N_REJECT_REASONS && dirty != DIRTY_DUPLICATE)
    {
      make_reject (self, out, &r, (DpsRejectReason) dirty);
      manifest->rejects++;
      manifest->rejects_by_reason[dirty]++;
      if (out_reason != NULL)
        *out_reason = (DpsRejectReason) dirty;
      return DPS_GENERATED_REJECT;
    }

  render_record (self, out, &r, NULL);
  remember_record (self, &r);
  manifest->valid++;
  manifest->valid_amount_cents += r.amount_cents;
  return DPS_GENERATED_VALID;
}

gboolean
dps_generator_write (DpsGenerator              *self,
                     GOutputStream             *stream,
                     double                     rate,
                     DpsGeneratorProgressFunc   progress,
                     gpointer                   user_data,
                     GCancellable              *cancellable,
                     GError                   **error)
{
  g_autoptr(GString) buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  guint64 rows, produced = 0, lines_flushed = 0, bytes_flushed = 0;
  gint64 started, last_progress;

  g_return_val_if_fail (DPS_IS_GENERATOR (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (rate >= 0.0, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  buffer = g_string_sized_new (WRITE_CHUNK + RECORD_TEXT_MAX);
  rows = self->options.rows;
  started = g_get_monotonic_time ();
  last_progress = started;

  while (rows == 0 || self->manifest.lines < rows)
    {
      if (rate > 0.0)
        {
          /* Line n is due n / rate seconds after the start: after a stall
           * the late lines go out at once instead of shifting the rest. */
          gint64 due = started + (gint64) ((double) produced * G_USEC_PER_SEC / rate);
          gint64 now = g_get_monotonic_time ();

          if (now < due)
            {
              if (!flush_buffer (stream, buffer, &bytes_flushed, cancellable, &local_error))
                break;
              lines_flushed = produced;
              if (progress != NULL && now - last_progress >= PROGRESS_INTERVAL)
                {
                  progress (lines_flushed, bytes_flushed, user_data);
                  last_progress = now;
                }
            }
          while (now < due)
            {
              if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
                break;
              g_usleep ((gulong) MIN (due - now, SLEEP_STEP));
              now = g_get_monotonic_time ();
            }
          if (local_error != NULL)
            break;
        }

      if ((produced & 255) == 0 &&
          g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        break;

      dps_generator_next (self, buffer, NULL);
      g_string_append_c (buffer, '\n');
      produced++;

      if (buffer->len >= WRITE_CHUNK)
        {
          if (!flush_buffer (stream, buffer, &bytes_flushed, cancellable, &local_error))
            break;
          lines_flushed = produced;
        }

      if (progress != NULL && (rate > 0.0 || (produced & 1023) == 0))
        {
          gint64 now = g_get_monotonic_time ();

          if (now - last_progress >= PROGRESS_INTERVAL)
            {
              progress (lines_flushed, bytes_flushed, user_data);
              last_progress = now;
            }
        }
    }

  if (local_error != NULL &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Lines already generated are written even when cancelled, so that the
   * manifest describes exactly what the stream received. */
  if (!flush_buffer (stream, buffer, &bytes_flushed, NULL, error))
    return FALSE;
  lines_flushed = produced;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (progress != NULL)
    progress (lines_flushed, bytes_flushed, user_data);

  return TRUE;
}

const DpsGeneratorManifest *
dps_generator_get_manifest (DpsGenerator *self)
{
  g_return_val_if_fail (DPS_IS_GENERATOR (self), NULL);

  return &self->manifest;
}

char *
dps_generator_manifest_to_json (DpsGenerator *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *amount = NULL;
  const DpsGeneratorOptions *options;
  const DpsGeneratorManifest *manifest;

  g_return_val_if_fail (DPS_IS_GENERATOR (self), NULL);

  options = &self->options;
  manifest = &self->manifest;
  /* JSON numbers in json-glib are signed: a string keeps every seed exact. */
  seed = g_strdup_printf ("%" G_GUINT64_FORMAT, options->seed);
  amount = dps_format_cents (manifest->valid_amount_cents);

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "generator");
  json_builder_add_string_value (builder, GETTEXT_PACKAGE " " PACKAGE_VERSION);

  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_string_value (builder, seed);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, (gint64) options->rows);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, self->spread ? "spread" : "live");
  if (self->spread)
    {
      g_autofree char *start = dps_format_timestamp (options->start);
      g_autofree char *end = dps_format_timestamp (self->end);

      json_builder_set_member_name (builder, "start");
      json_builder_add_string_value (builder, start);
      json_builder_set_member_name (builder, "end");
      json_builder_add_string_value (builder, end);
      json_builder_set_member_name (builder, "days");
      json_builder_add_int_value (builder, options->days);
    }
  json_builder_set_member_name (builder, "dirty_ratio");
  json_builder_add_double_value (builder, options->dirty_ratio);
  json_builder_set_member_name (builder, "max_line_length");
  json_builder_add_int_value (builder, (gint64) options->max_line_length);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "lines");
  json_builder_add_int_value (builder, (gint64) manifest->lines);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_int_value (builder, (gint64) manifest->valid);
  json_builder_set_member_name (builder, "duplicates");
  json_builder_add_int_value (builder, (gint64) manifest->duplicates);
  json_builder_set_member_name (builder, "rejects");
  json_builder_add_int_value (builder, (gint64) manifest->rejects);

  json_builder_set_member_name (builder, "rejects_by_reason");
  json_builder_begin_object (builder);
  for (guint i = 0; i < DPS_N_REJECT_REASONS; i++)
    {
      if (i == DPS_REJECT_DUPLICATE)
        continue;
      json_builder_set_member_name (builder, dps_reject_reason_to_string ((DpsRejectReason) i));
      json_builder_add_int_value (builder, (gint64) manifest->rejects_by_reason[i]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "valid_amount_cents");
  json_builder_add_int_value (builder, manifest->valid_amount_cents);
  json_builder_set_member_name (builder, "valid_amount");
  json_builder_add_string_value (builder, amount);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

gboolean
dps_generator_write_manifest (DpsGenerator  *self,
                              const char    *path,
                              GError       **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (DPS_IS_GENERATOR (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  json = dps_generator_manifest_to_json (self);
  return g_file_set_contents (path, json, -1, error);
}
