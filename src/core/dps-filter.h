/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dps-enums.h"

G_BEGIN_DECLS

/* Bit masks over enum values: bit (1 << DPS_STATUS_APPROVED) and so on.
 * An empty mask means "no restriction". */
#define DPS_FILTER_MASK(value) (1u << (value))

/* Sentinels for unset bounds. */
#define DPS_FILTER_NO_AMOUNT   G_GINT64_CONSTANT (-1)
#define DPS_FILTER_NO_TIME     G_MININT64

#define DPS_TYPE_FILTER (dps_filter_get_type ())
G_DECLARE_FINAL_TYPE (DpsFilter, dps_filter, DPS, FILTER, GObject)

/* What a person asks for, shared by every view. Mutated on one thread (the
 * GUI's main thread); workers take a copy with dps_filter_copy(). Every
 * change emits "changed" once (batched between freeze/thaw). */
DpsFilter    *dps_filter_new                  (void);
DpsFilter    *dps_filter_copy                 (DpsFilter          *self);
gboolean      dps_filter_equal                (DpsFilter          *a,
                                               DpsFilter          *b);
void          dps_filter_assign               (DpsFilter          *self,
                                               DpsFilter          *other);
void          dps_filter_clear                (DpsFilter          *self);
gboolean      dps_filter_is_empty             (DpsFilter          *self);
void          dps_filter_freeze               (DpsFilter          *self);
void          dps_filter_thaw                 (DpsFilter          *self);

/* Text dimensions: sets of exact values (sorted, unique). */
const char * const *
              dps_filter_get_categories       (DpsFilter          *self);
void          dps_filter_set_categories       (DpsFilter          *self,
                                               const char * const *values);
const char * const *
              dps_filter_get_cities           (DpsFilter          *self);
void          dps_filter_set_cities           (DpsFilter          *self,
                                               const char * const *values);
const char * const *
              dps_filter_get_merchants        (DpsFilter          *self);
void          dps_filter_set_merchants        (DpsFilter          *self,
                                               const char * const *values);
/* Adds or removes one value of a dimension ("category", "city", "merchant"). */
void          dps_filter_add_value            (DpsFilter          *self,
                                               const char         *dimension,
                                               const char         *value);
void          dps_filter_remove_value         (DpsFilter          *self,
                                               const char         *dimension,
                                               const char         *value);

/* Enum dimensions as masks. */
guint         dps_filter_get_statuses         (DpsFilter          *self);
void          dps_filter_set_statuses         (DpsFilter          *self,
                                               guint               mask);
guint         dps_filter_get_payment_methods  (DpsFilter          *self);
void          dps_filter_set_payment_methods  (DpsFilter          *self,
                                               guint               mask);
guint         dps_filter_get_amount_buckets   (DpsFilter          *self);
void          dps_filter_set_amount_buckets   (DpsFilter          *self,
                                               guint               mask);
guint         dps_filter_get_weekdays         (DpsFilter          *self);   /* bit 0 = Monday */
void          dps_filter_set_weekdays         (DpsFilter          *self,
                                               guint               mask);
guint         dps_filter_get_hours            (DpsFilter          *self);   /* bit n = hour n UTC */
void          dps_filter_set_hours            (DpsFilter          *self,
                                               guint               mask);

/* Inclusive amount bounds in cents; DPS_FILTER_NO_AMOUNT when unset. */
void          dps_filter_get_amount_range     (DpsFilter          *self,
                                               gint64             *min_cents,
                                               gint64             *max_cents);
void          dps_filter_set_amount_range     (DpsFilter          *self,
                                               gint64              min_cents,
                                               gint64              max_cents);

/* Half-open period [from, to) in microseconds UTC; DPS_FILTER_NO_TIME when unset. */
void          dps_filter_get_period           (DpsFilter          *self,
                                               gint64             *from,
                                               gint64             *to);
void          dps_filter_set_period           (DpsFilter          *self,
                                               gint64              from,
                                               gint64              to);

/* Free text: matches merchant (substring, case-insensitive), user id
 * (exact, when the text is an integer) or transaction id (prefix, when
 * the text is hexadecimal with dashes). Always a bound value. */
const char   *dps_filter_get_search           (DpsFilter          *self);
void          dps_filter_set_search           (DpsFilter          *self,
                                               const char         *text);

/* A one-line English summary, for logs and the CLI. */
char         *dps_filter_to_string            (DpsFilter          *self);

G_END_DECLS
