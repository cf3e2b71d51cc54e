/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <string.h>

#include "dps-filter.h"
#include "dps-transaction.h"

struct _DpsFilter
{
  GObject parent_instance;

  GStrv   categories;       /* sorted, unique, NULL when empty */
  GStrv   cities;
  GStrv   merchants;
  guint   statuses;
  guint   payment_methods;
  guint   amount_buckets;
  guint   weekdays;
  guint   hours;
  gint64  amount_min;
  gint64  amount_max;
  gint64  from;
  gint64  to;
  char   *search;           /* trimmed, NULL when empty */

  guint   freeze_count;
  guint   changed_while_frozen : 1;
};

G_DEFINE_FINAL_TYPE (DpsFilter, dps_filter, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (DpsFilter *self)
{
  if (self->freeze_count > 0)
    {
      self->changed_while_frozen = TRUE;
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* A sorted copy without duplicates or empty values; NULL when empty. */
static GStrv
normalise_set (const char * const *values)
{
  g_autoptr(GPtrArray) array = g_ptr_array_new ();
  GStrv result;
  guint out = 0;

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    if (values[i][0] != '\0')
      g_ptr_array_add (array, (gpointer) values[i]);
  if (array->len == 0)
    return NULL;

  g_ptr_array_sort (array, compare_strings);
  result = g_new0 (char *, array->len + 1);
  for (guint i = 0; i < array->len; i++)
    {
      const char *v = g_ptr_array_index (array, i);

      if (out > 0 && strcmp (result[out - 1], v) == 0)
        continue;
      result[out++] = g_strdup (v);
    }
  return result;
}

static gboolean
sets_equal (const char * const *a,
            const char * const *b)
{
  guint i = 0;

  if (a == NULL || b == NULL)
    return a == b;
  for (; a[i] != NULL && b[i] != NULL; i++)
    if (strcmp (a[i], b[i]) != 0)
      return FALSE;
  return a[i] == NULL && b[i] == NULL;
}

static GStrv *
dimension_slot (DpsFilter  *self,
                const char *dimension)
{
  if (g_strcmp0 (dimension, "category") == 0)
    return &self->categories;
  if (g_strcmp0 (dimension, "city") == 0)
    return &self->cities;
  if (g_strcmp0 (dimension, "merchant") == 0)
    return &self->merchants;
  return NULL;
}

static gboolean
replace_set (GStrv              *slot,
             const char * const *values)
{
  GStrv normalised = normalise_set (values);

  if (sets_equal ((const char * const *) *slot, (const char * const *) normalised))
    {
      g_strfreev (normalised);
      return FALSE;
    }
  g_strfreev (*slot);
  *slot = normalised;
  return TRUE;
}

static void
dps_filter_finalize (GObject *object)
{
  DpsFilter *self = DPS_FILTER (object);

  g_strfreev (self->categories);
  g_strfreev (self->cities);
  g_strfreev (self->merchants);
  g_free (self->search);

  G_OBJECT_CLASS (dps_filter_parent_class)->finalize (object);
}

static void
dps_filter_class_init (DpsFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dps_filter_finalize;

  /**
   * DpsFilter::changed:
   *
   * Emitted once per change, or once per freeze/thaw pair.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
dps_filter_init (DpsFilter *self)
{
  self->amount_min = DPS_FILTER_NO_AMOUNT;
  self->amount_max = DPS_FILTER_NO_AMOUNT;
  self->from = DPS_FILTER_NO_TIME;
  self->to = DPS_FILTER_NO_TIME;
}

DpsFilter *
dps_filter_new (void)
{
  return g_object_new (DPS_TYPE_FILTER, NULL);
}

DpsFilter *
dps_filter_copy (DpsFilter *self)
{
  DpsFilter *copy;

  g_return_val_if_fail (DPS_IS_FILTER (self), NULL);

  copy = dps_filter_new ();
  dps_filter_assign (copy, self);
  return copy;
}

gboolean
dps_filter_equal (DpsFilter *a,
                  DpsFilter *b)
{
  g_return_val_if_fail (DPS_IS_FILTER (a), FALSE);
  g_return_val_if_fail (DPS_IS_FILTER (b), FALSE);

  return sets_equal ((const char * const *) a->categories, (const char * const *) b->categories) &&
         sets_equal ((const char * const *) a->cities, (const char * const *) b->cities) &&
         sets_equal ((const char * const *) a->merchants, (const char * const *) b->merchants) &&
         a->statuses == b->statuses &&
         a->payment_methods == b->payment_methods &&
         a->amount_buckets == b->amount_buckets &&
         a->weekdays == b->weekdays &&
         a->hours == b->hours &&
         a->amount_min == b->amount_min &&
         a->amount_max == b->amount_max &&
         a->from == b->from &&
         a->to == b->to &&
         g_strcmp0 (a->search, b->search) == 0;
}

void
dps_filter_assign (DpsFilter *self,
                   DpsFilter *other)
{
  g_return_if_fail (DPS_IS_FILTER (self));
  g_return_if_fail (DPS_IS_FILTER (other));

  if (self == other || dps_filter_equal (self, other))
    return;

  g_strfreev (self->categories);
  g_strfreev (self->cities);
  g_strfreev (self->merchants);
  g_free (self->search);
  self->categories = g_strdupv (other->categories);
  self->cities = g_strdupv (other->cities);
  self->merchants = g_strdupv (other->merchants);
  self->statuses = other->statuses;
  self->payment_methods = other->payment_methods;
  self->amount_buckets = other->amount_buckets;
  self->weekdays = other->weekdays;
  self->hours = other->hours;
  self->amount_min = other->amount_min;
  self->amount_max = other->amount_max;
  self->from = other->from;
  self->to = other->to;
  self->search = g_strdup (other->search);
  emit_changed (self);
}

void
dps_filter_clear (DpsFilter *self)
{
  g_autoptr(DpsFilter) empty = dps_filter_new ();

  g_return_if_fail (DPS_IS_FILTER (self));
  dps_filter_assign (self, empty);
}

gboolean
dps_filter_is_empty (DpsFilter *self)
{
  g_autoptr(DpsFilter) empty = dps_filter_new ();

  g_return_val_if_fail (DPS_IS_FILTER (self), TRUE);
  return dps_filter_equal (self, empty);
}

void
dps_filter_freeze (DpsFilter *self)
{
  g_return_if_fail (DPS_IS_FILTER (self));
  self->freeze_count++;
}

void
dps_filter_thaw (DpsFilter *self)
{
  g_return_if_fail (DPS_IS_FILTER (self));
  g_return_if_fail (self->freeze_count > 0);

  if (--self->freeze_count == 0 && self->changed_while_frozen)
    {
      self->changed_while_frozen = FALSE;
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

const char * const *
dps_filter_get_categories (DpsFilter *self)
{
  g_return_val_if_fail (DPS_IS_FILTER (self), NULL);
  return (const char * const *) self->categories;
}

void
dps_filter_set_categories (DpsFilter          *self,
                           const char * const *values)
{
  g_return_if_fail (DPS_IS_FILTER (self));
  if (replace_set (&self->categories, values))
    emit_changed (self);
}

const char * const *
dps_filter_get_cities (DpsFilter *self)
{
  g_return_val_if_fail (DPS_IS_FILTER (self), NULL);
  return (const char * const *) self->cities;
}

void
dps_filter_set_cities (DpsFilter          *self,
                       const char * const *values)
{
  g_return_if_fail (DPS_IS_FILTER (self));
  if (replace_set (&self->cities, values))
    emit_changed (self);
}

const char * const *
dps_filter_get_merchants (DpsFilter *self)
{
  g_return_val_if_fail (DPS_IS_FILTER (self), NULL);
  return (const char * const *) self->merchants;
}

void
dps_filter_set_merchants (DpsFilter          *self,
                          const char * const *values)
{
  g_return_if_fail (DPS_IS_FILTER (self));
  if (replace_set (&self->merchants, values))
    emit_changed (self);
}

void
dps_filter_add_value (DpsFilter  *self,
                      const char *dimension,
                      const char *value)
{
  GStrv *slot;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) values = NULL;

  g_return_if_fail (DPS_IS_FILTER (self));
  g_return_if_fail (value != NULL);

  slot = dimension_slot (self, dimension);
  g_return_if_fail (slot != NULL);

  builder = g_strv_builder_new ();
  if (*slot != NULL)
    g_strv_builder_addv (builder, (const char **) *slot);
  g_strv_builder_add (builder, value);
  values = g_strv_builder_end (builder);
  if (replace_set (slot, (const char * const *) values))
    emit_changed (self);
}

void
dps_filter_remove_value (DpsFilter  *self,
                         const char *dimension,
                         const char *value)
{
  GStrv *slot;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) values = NULL;

  g_return_if_fail (DPS_IS_FILTER (self));
  g_return_if_fail (value != NULL);

  slot = dimension_slot (self, dimension);
  g_return_if_fail (slot != NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; *slot != NULL && (*slot)[i] != NULL; i++)
    if (strcmp ((*slot)[i], value) != 0)
      g_strv_builder_add (builder, (*slot)[i]);
  values = g_strv_builder_end (builder);
  if (replace_set (slot, (const char * const *) values))
    emit_changed (self);
}

#define MASK_ACCESSORS(name, field, bits)                               \
  guint                                                                 \
  dps_filter_get_##name (DpsFilter *self)                               \
  {                                                                     \
    g_return_val_if_fail (DPS_IS_FILTER (self), 0);                     \
    return self->field;                                                 \
  }                                                                     \
                                                                        \
  void                                                                  \
  dps_filter_set_##name (DpsFilter *self,                               \
                         guint      mask)                               \
  {                                                                     \
    g_return_if_fail (DPS_IS_FILTER (self));                            \
    mask &= (bits) >= 32 ? G_MAXUINT : ((1u << (bits)) - 1);            \
    /* Every value selected means no restriction. */                    \
    if ((bits) < 32 && mask == ((1u << (bits)) - 1))                    \
      mask = 0;                                                         \
    if (self->field == mask)                                            \
      return;                                                           \
    self->field = mask;                                                 \
    emit_changed (self);                                                \
  }

MASK_ACCESSORS (statuses, statuses, DPS_N_STATUSES)
MASK_ACCESSORS (payment_methods, payment_methods, DPS_N_PAYMENT_METHODS)
MASK_ACCESSORS (amount_buckets, amount_buckets, DPS_N_AMOUNT_BUCKETS)
MASK_ACCESSORS (weekdays, weekdays, 7)
MASK_ACCESSORS (hours, hours, 24)

void
dps_filter_get_amount_range (DpsFilter *self,
                             gint64    *min_cents,
                             gint64    *max_cents)
{
  g_return_if_fail (DPS_IS_FILTER (self));
  if (min_cents != NULL)
    *min_cents = self->amount_min;
  if (max_cents != NULL)
    *max_cents = self->amount_max;
}

void
dps_filter_set_amount_range (DpsFilter *self,
                             gint64     min_cents,
                             gint64     max_cents)
{
  g_return_if_fail (DPS_IS_FILTER (self));

  if (min_cents < 0)
    min_cents = DPS_FILTER_NO_AMOUNT;
  if (max_cents < 0)
    max_cents = DPS_FILTER_NO_AMOUNT;
  if (self->amount_min == min_cents && self->amount_max == max_cents)
    return;
  self->amount_min = min_cents;
  self->amount_max = max_cents;
  emit_changed (self);
}

void
dps_filter_get_period (DpsFilter *self,
                       gint64    *from,
                       gint64    *to)
{
  g_return_if_fail (DPS_IS_FILTER (self));
  if (from != NULL)
    *from = self->from;
  if (to != NULL)
    *to = self->to;
}

void
dps_filter_set_period (DpsFilter *self,
                       gint64     from,
                       gint64     to)
{
  g_return_if_fail (DPS_IS_FILTER (self));

  if (self->from == from && self->to == to)
    return;
  self->from = from;
  self->to = to;
  emit_changed (self);
}

const char *
dps_filter_get_search (DpsFilter *self)
{
  g_return_val_if_fail (DPS_IS_FILTER (self), NULL);
  return self->search;
}

void
dps_filter_set_search (DpsFilter  *self,
                       const char *text)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (DPS_IS_FILTER (self));

  if (text != NULL)
    {
      trimmed = g_strstrip (g_strdup (text));
      if (trimmed[0] == '\0')
        g_clear_pointer (&trimmed, g_free);
    }
  if (g_strcmp0 (self->search, trimmed) == 0)
    return;
  g_free (self->search);
  self->search = g_steal_pointer (&trimmed);
  emit_changed (self);
}

static void
append_set (GString            *out,
            const char         *name,
            const char * const *values)
{
  if (values == NULL)
    return;
  g_string_append_printf (out, "%s%s in (", out->len > 0 ? ", " : "", name);
  for (guint i = 0; values[i] != NULL; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", values[i]);
  g_string_append_c (out, ')');
}

static void
append_mask (GString    *out,
             const char *name,
             guint       mask,
             guint       n,
             const char *(*to_string) (guint))
{
  gboolean first = TRUE;

  if (mask == 0)
    return;
  g_string_append_printf (out, "%s%s in (", out->len > 0 ? ", " : "", name);
  for (guint i = 0; i < n; i++)
    {
      if ((mask & (1u << i)) == 0)
        continue;
      if (!first)
        g_string_append (out, ", ");
      first = FALSE;
      if (to_string != NULL)
        g_string_append (out, to_string (i));
      else
        g_string_append_printf (out, "%u", i);
    }
  g_string_append_c (out, ')');
}

static const char *
status_name (guint i)
{
  return dps_status_to_string ((DpsStatus) i);
}

static const char *
method_name (guint i)
{
  return dps_payment_method_to_string ((DpsPaymentMethod) i);
}

static const char *
bucket_name (guint i)
{
  return dps_amount_bucket_to_string ((DpsAmountBucket) i);
}

char *
dps_filter_to_string (DpsFilter *self)
{
  GString *out;

  g_return_val_if_fail (DPS_IS_FILTER (self), NULL);

  out = g_string_new (NULL);
  append_set (out, "category", (const char * const *) self->categories);
  append_set (out, "city", (const char * const *) self->cities);
  append_set (out, "merchant", (const char * const *) self->merchants);
  append_mask (out, "status", self->statuses, DPS_N_STATUSES, status_name);
  append_mask (out, "payment_method", self->payment_methods, DPS_N_PAYMENT_METHODS, method_name);
  append_mask (out, "amount_bucket", self->amount_buckets, DPS_N_AMOUNT_BUCKETS, bucket_name);
  append_mask (out, "weekday", self->weekdays, 7, NULL);
  append_mask (out, "hour", self->hours, 24, NULL);
  if (self->amount_min != DPS_FILTER_NO_AMOUNT)
    {
      g_autofree char *text = dps_format_cents (self->amount_min);
      g_string_append_printf (out, "%samount >= %s", out->len > 0 ? ", " : "", text);
    }
  if (self->amount_max != DPS_FILTER_NO_AMOUNT)
    {
      g_autofree char *text = dps_format_cents (self->amount_max);
      g_string_append_printf (out, "%samount <= %s", out->len > 0 ? ", " : "", text);
    }
  if (self->from != DPS_FILTER_NO_TIME)
    {
      g_autofree char *text = dps_format_timestamp (self->from);
      g_string_append_printf (out, "%sevent_ts >= %s", out->len > 0 ? ", " : "", text);
    }
  if (self->to != DPS_FILTER_NO_TIME)
    {
      g_autofree char *text = dps_format_timestamp (self->to);
      g_string_append_printf (out, "%sevent_ts < %s", out->len > 0 ? ", " : "", text);
    }
  if (self->search != NULL)
    g_string_append_printf (out, "%ssearch \"%s\"", out->len > 0 ? ", " : "", self->search);
  if (out->len == 0)
    g_string_append (out, "all transactions");
  return g_string_free (out, FALSE);
}
